package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP (RFC 6238 over RFC 4226): SHA-1, 6 digits, 30-second steps — what every authenticator app reads from an
// otpauth:// URI.
const (
	totpDigits = 6
	totpStep   = 30
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a random 160-bit secret in base32, as authenticator apps expect.
func NewTOTPSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: totp secret: %w", err)
	}
	return b32.EncodeToString(b), nil
}

func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	code := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, code%mod)
}

func totpKey(secret string) ([]byte, error) {
	key, err := b32.DecodeString(strings.ToUpper(strings.TrimRight(strings.ReplaceAll(secret, " ", ""), "=")))
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("auth: bad totp secret")
	}
	return key, nil
}

// TOTPCode returns the 6-digit code for secret at time t.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := totpKey(secret)
	if err != nil {
		return "", err
	}
	return hotp(key, uint64(t.Unix())/totpStep, totpDigits), nil
}

// VerifyTOTP reports whether code is valid for secret at now, allowing skew steps of clock difference either way
// (1 is usual). The comparison is constant-time.
func VerifyTOTP(secret, code string, now time.Time, skew int) bool {
	code = strings.TrimSpace(code)
	if len(code) != totpDigits || strings.Trim(code, "0123456789") != "" {
		return false
	}
	key, err := totpKey(secret)
	if err != nil {
		return false
	}
	step := now.Unix() / totpStep
	ok := 0
	for d := -skew; d <= skew; d++ {
		ok |= subtle.ConstantTimeCompare([]byte(hotp(key, uint64(step+int64(d)), totpDigits)), []byte(code))
	}
	return ok == 1
}

// TOTPURI returns the otpauth:// URI an authenticator app scans to enrol the secret.
func TOTPURI(secret, issuer, account string) string {
	label := url.PathEscape(issuer + ":" + account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// API token scopes: what a token may be used for, on top of what its account's roles allow.
const (
	ScopeAgenciesRead = "agencies:read"
	ScopeAuditRead    = "audit:read"
	ScopeReportsCheck = "reports:check"
)

// Scopes lists every API token scope.
var Scopes = []string{ScopeAgenciesRead, ScopeAuditRead, ScopeReportsCheck}

// NewAPIToken returns a new API token ("gk_" and 32 random bytes) and the hash to store. Tokens are random and
// long, so a fast hash (SHA-256) is right here, unlike for passwords.
func NewAPIToken() (plain, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: api token: %w", err)
	}
	plain = "gk_" + strings.ToLower(b32.EncodeToString(b))
	return plain, HashAPIToken(plain), nil
}

// HashAPIToken returns the stored form of a token.
func HashAPIToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
