package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP (RFC 6238 over RFC 4226's HOTP) with the parameters every authenticator app reads from an otpauth:// URI:
// SHA-1, 6 digits, 30-second steps. It is written here (decision 0004) because the algorithm is 30 lines and fully
// pinned down by the RFC's test vectors.
const (
	totpDigits = 6
	totpStep   = 30
	maxSkew    = 10 // steps; more would accept codes minutes old
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a random 160-bit secret (the size RFC 4226 recommends for SHA-1) in base32 without padding,
// as authenticator apps expect.
func NewTOTPSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: totp secret: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// hotp is RFC 4226 section 5.3: HMAC-SHA-1 of the counter, dynamic truncation, the low digits in decimal.
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

// totpKey decodes a secret as people type it: any letter case, spaces, padding or not.
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

// VerifyTOTP reports whether code is valid for secret at now, allowing skew 30-second steps of clock difference
// either way (1 is usual; negative counts as 0, more than 10 as 10). It does not stop a code from being used twice
// within its window: sign-in uses MatchTOTP and stores the step it returns with the account.
func VerifyTOTP(secret, code string, now time.Time, skew int) bool {
	_, ok := MatchTOTP(secret, code, now, skew)
	return ok
}

// MatchTOTP is VerifyTOTP that also returns the time step the code belongs to, so that the caller can accept each
// step once per account (store.UseTOTPStep): a code must not sign in twice, however quickly it is replayed.
// Anything but exactly six ASCII digits (spaces around them aside) is refused before any work, and every step in
// the window is computed and compared in constant time, so the answer's timing says nothing about which step
// matched.
func MatchTOTP(secret, code string, now time.Time, skew int) (step int64, ok bool) {
	code = strings.TrimSpace(code)
	if len(code) != totpDigits || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	key, err := totpKey(secret)
	if err != nil {
		return 0, false
	}
	skew = min(max(skew, 0), maxSkew)
	cur := now.Unix() / totpStep
	found := 0
	for d := -skew; d <= skew; d++ {
		s := cur + int64(d)
		eq := subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), totpDigits)), []byte(code))
		// Of two steps with the same code (one in a million), the later one counts.
		step = int64(subtle.ConstantTimeSelect(eq, int(s), int(step)))
		found |= eq
	}
	return step, found == 1
}

// TOTPURI returns the otpauth:// URI (Google Authenticator's key URI format) an authenticator app scans to enrol
// the secret, labelled "issuer:account" (a colon inside either is escaped, as the format requires); gongkai passes "gongkai" as the issuer. Spaces are escaped as %20, not "+",
// because several apps show a "+" literally.
func TOTPURI(secret, issuer, account string) string {
	esc := func(s string) string { return strings.ReplaceAll(url.PathEscape(s), ":", "%3A") }
	label := esc(issuer) + ":" + esc(account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}, "algorithm": {"SHA1"}, "digits": {"6"}, "period": {"30"}}
	return "otpauth://totp/" + label + "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}
