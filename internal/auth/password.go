// Package auth holds gongkai's security rules that need no database: password hashing and the password policy.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Params are argon2id's cost parameters.
type Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams follow OWASP's argon2id recommendation (t=1, m=64 MiB, p=2): about 0.14 s per hash on the target
// machine, which makes guessing slow and signing in still quick.
var DefaultParams = Params{Time: 1, Memory: 64 * 1024, Threads: 2}

// HashPassword returns pw hashed with argon2id in the PHC string format
// ($argon2id$v=19$m=65536,t=1,p=2$salt$hash), so that parameters can change later without breaking old hashes.
func HashPassword(pw string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the encoded hash (in constant time), and whether the hash was made with
// parameters other than want and should be replaced on this successful sign-in.
func VerifyPassword(encoded, pw string, want Params) (ok, rehash bool, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, false, fmt.Errorf("auth: not an argon2id hash")
	}
	var version int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false, fmt.Errorf("auth: unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, false, fmt.Errorf("auth: bad argon2 parameters: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, false, fmt.Errorf("auth: bad salt: %w", err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return false, false, fmt.Errorf("auth: bad hash")
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, ok && p != want, nil
}

// commonPasswords are refused outright: they are the first guesses of any attacker.
var commonPasswords = map[string]bool{
	"12345678": true, "123456789": true, "1234567890": true, "password": true, "password1": true, "admin123": true,
	"admin@123": true, "aa123456": true, "a1234567": true, "qwerty123": true, "qwertyuiop": true, "1qaz2wsx": true,
	"1qaz@wsx": true, "p@ssw0rd": true, "passw0rd": true, "abc12345": true, "abcd1234": true, "11111111": true,
	"88888888": true, "00000000": true, "iloveyou": true, "woaini1314": true, "admin1234": true, "root1234": true,
}

// CheckPasswordStrength applies the password policy of 等保 level-3 practice: at least 10 characters from at least
// three of upper case, lower case, digits and symbols, not containing the user name, and not a common password.
// The error (EInvalid) says in Chinese what to change.
func CheckPasswordStrength(pw, username string) error {
	if utf8.RuneCountInString(pw) < 10 {
		return disclosure.Errorf(disclosure.EInvalid, "密码至少需要 10 个字符")
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
	if commonPasswords[strings.ToLower(pw)] {
		return disclosure.Errorf(disclosure.EInvalid, "这是常见密码，容易被猜中，请换一个")
	}
	return nil
}

// LockoutPolicy locks an account after repeated failed sign-ins.
type LockoutPolicy struct {
	MaxFailures int
	LockFor     time.Duration
}

// DefaultLockout locks an account for 15 minutes after 5 failed sign-ins in a row.
var DefaultLockout = LockoutPolicy{MaxFailures: 5, LockFor: 15 * time.Minute}

// OnFailure returns the account's new failure count and, when the count reaches the limit, the time until which it
// is locked (the count then starts again).
func (p LockoutPolicy) OnFailure(failures int, now time.Time) (int, *time.Time) {
	failures++
	if failures >= p.MaxFailures {
		until := now.Add(p.LockFor)
		return 0, &until
	}
	return failures, nil
}

// Locked reports whether an account locked until lockedUntil is still locked at now.
func Locked(lockedUntil *time.Time, now time.Time) bool {
	return lockedUntil != nil && now.Before(*lockedUntil)
}
