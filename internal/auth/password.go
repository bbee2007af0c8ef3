package auth

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Params are argon2id's cost parameters. Tests pass cheap ones (for example {Time: 1, Memory: 1024, Threads: 1}) so
// that hundreds of hashes do not cost a tenth of a second each.
type Params struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams follow OWASP's argon2id recommendation (t=1, m=64 MiB, p=2): about 25 ms and 64 MiB per hash on a
// 2-core AMD EPYC (BenchmarkHashPassword), which makes guessing slow and signing in still quick. The memory is the
// cost to watch: concurrent sign-ins each hold 64 MiB while they hash.
var DefaultParams = Params{Time: 1, Memory: 64 * 1024, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
	// The bounds a stored hash's parameters must respect: a corrupted or planted hash string must not make the
	// process allocate gigabytes or spin for minutes on a single sign-in.
	maxTime   = 16
	maxMemory = 1 << 20 // KiB: 1 GiB
)

func (p Params) valid() bool {
	return p.Time >= 1 && p.Time <= maxTime && p.Threads >= 1 && p.Memory >= 8*uint32(p.Threads) && p.Memory <= maxMemory
}

// HashPassword returns pw hashed with argon2id (16-byte random salt, 32-byte key) in the PHC string format
// $argon2id$v=19$m=65536,t=1,p=2$<salt>$<hash>, which carries its own parameters so that they can change later
// without breaking the hashes already stored.
func HashPassword(pw string, p Params) (string, error) {
	if !p.valid() {
		return "", fmt.Errorf("auth: argon2 parameters out of range: %+v", p)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the encoded hash, comparing in constant time with the parameters read
// from the hash itself, and whether the hash was made with parameters other than want (or another salt or key
// length) and should be replaced by a fresh HashPassword on this successful sign-in. A hash that cannot be parsed,
// or whose parameters are out of bounds, is an error, never a match.
func VerifyPassword(encoded, pw string, want Params) (ok, rehash bool, err error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, ok && (p != want || len(salt) != saltLen || len(key) != keyLen), nil
}

var errBadHash = errors.New("auth: not a valid argon2id hash")

// parseHash reads $argon2id$v=19$m=M,t=T,p=P$salt$key strictly: every field present, in this order, in range.
func parseHash(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, errBadHash
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return p, nil, nil, errBadHash
	}
	var n [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		v, found := strings.CutPrefix(kv[i], name)
		if !found {
			return p, nil, nil, errBadHash
		}
		if n[i], err = strconv.ParseUint(v, 10, 32); err != nil {
			return p, nil, nil, errBadHash
		}
	}
	if n[2] > 255 {
		return p, nil, nil, errBadHash
	}
	p = Params{Memory: uint32(n[0]), Time: uint32(n[1]), Threads: uint8(n[2])}
	if !p.valid() {
		return p, nil, nil, fmt.Errorf("auth: argon2 parameters out of range: %s", parts[3])
	}
	if salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// MinPasswordLength is the policy's minimum length in characters.
const MinPasswordLength = 10

//go:embed common_passwords.txt
var commonPasswordsTxt string

// commonPasswords are refused outright, compared in lower case: they are the first guesses of any attacker, and
// several (Admin@123, Huawei@123, 1qaz@WSX…) are the defaults of equipment found in Chinese government networks.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsTxt))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = true
		}
	}
	return m
}()

// CheckPasswordStrength applies the password policy of 等保 level-3 practice: at least 10 characters, not a common
// password, from at least three of upper case, lower case, digits and symbols, and not containing the user name.
// The error (disclosure.EInvalid) says in Chinese what to change.
func CheckPasswordStrength(pw, username string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return disclosure.Errorf(disclosure.EInvalid, "密码至少需要 %d 个字符", MinPasswordLength)
	}
	if commonPasswords[strings.ToLower(pw)] {
		return disclosure.Errorf(disclosure.EInvalid, "这是常见密码，容易被猜中，请换一个")
	}
	var upper, lower, digit, symbol int
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	if upper+lower+digit+symbol < 3 {
		return disclosure.Errorf(disclosure.EInvalid, "密码须包含大写字母、小写字母、数字、符号中的至少三类")
	}
	if u := strings.ToLower(strings.TrimSpace(username)); u != "" && strings.Contains(strings.ToLower(pw), u) {
		return disclosure.Errorf(disclosure.EInvalid, "密码不能包含用户名")
	}
	return nil
}
