package auth

import (
	"net/url"
	"testing"
	"time"
)

// rfcKey is the SHA-1 secret of RFC 4226 appendix D and RFC 6238 appendix B.
var rfcKey = []byte("12345678901234567890")

func TestHOTPMatchesRFC4226(t *testing.T) {
	for counter, want := range []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922",
		"162583", "399871", "520489"} {
		if got := hotp(rfcKey, uint64(counter), 6); got != want {
			t.Errorf("counter %d: %s, want %s", counter, got, want)
		}
	}
}

// TestTOTPMatchesRFC6238 uses the RFC 6238 appendix B SHA-1 vectors, read with 8 digits from the underlying HOTP and
// with the 6 digits gongkai uses (the same truncated value modulo 10⁶: the last six digits).
func TestTOTPMatchesRFC6238(t *testing.T) {
	secret := b32.EncodeToString(rfcKey)
	for _, tc := range []struct {
		unix int64
		want string
	}{{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"}, {1234567890, "89005924"},
		{2000000000, "69279037"}, {20000000000, "65353130"}} {
		if got := hotp(rfcKey, uint64(tc.unix)/30, 8); got != tc.want {
			t.Errorf("T=%d: %s, want %s", tc.unix, got, tc.want)
		}
		code, err := TOTPCode(secret, time.Unix(tc.unix, 0))
		if err != nil || code != tc.want[2:] {
			t.Errorf("T=%d: 6-digit %s %v, want %s", tc.unix, code, err, tc.want[2:])
		}
		if !VerifyTOTP(secret, tc.want[2:], time.Unix(tc.unix, 0), 0) {
			t.Errorf("T=%d: VerifyTOTP refused the RFC code", tc.unix)
		}
	}
}

func TestVerifyTOTP(t *testing.T) {
	secret := b32.EncodeToString(rfcKey)
	now := time.Unix(1111111111, 0)
	at := func(d time.Duration) string { c, _ := TOTPCode(secret, now.Add(d)); return c }
	for _, tc := range []struct {
		name string
		code string
		skew int
		want bool
	}{
		{"current", at(0), 1, true},
		{"previous step", at(-30 * time.Second), 1, true},
		{"next step", at(30 * time.Second), 1, true},
		{"two steps old", at(-60 * time.Second), 1, false},
		{"previous step without skew", at(-30 * time.Second), 0, false},
		{"negative skew is none", at(0), -3, true},
		{"skew capped at 10 steps", at(-11 * 30 * time.Second), 1000, false},
		{"spaces around", " " + at(0) + "\n", 1, true},
		{"empty", "", 1, false},
		{"five digits", at(0)[:5], 1, false},
		{"seven digits", at(0) + "0", 1, false},
		{"letters", "abcdef", 1, false},
		{"space inside", at(0)[:2] + " " + at(0)[3:], 1, false},
		{"full-width digits", "１２３４５６", 1, false},
		{"sign", "+" + at(0)[1:], 1, false},
	} {
		if got := VerifyTOTP(secret, tc.code, now, tc.skew); got != tc.want {
			t.Errorf("%s (%q, skew %d): %v, want %v", tc.name, tc.code, tc.skew, got, tc.want)
		}
	}
	if VerifyTOTP("not base32!", "123456", now, 1) {
		t.Error("bad secret accepted")
	}
	if _, err := TOTPCode("", now); err == nil {
		t.Error("empty secret: want an error")
	}
	// A secret typed by hand: lower case, grouped with spaces, padded.
	if c, err := TOTPCode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq====", now); err != nil || c != at(0) {
		t.Errorf("hand-typed secret: %s %v, want %s", c, err, at(0))
	}
}

func TestNewTOTPSecretAndURI(t *testing.T) {
	s, err := NewTOTPSecret()
	if err != nil || len(s) != 32 {
		t.Fatalf("secret %q %v, want 32 base32 characters (160 bits)", s, err)
	}
	if s2, _ := NewTOTPSecret(); s2 == s {
		t.Error("two secrets alike")
	}
	if _, err := TOTPCode(s, time.Now()); err != nil {
		t.Error(err)
	}
	uri := TOTPURI(s, "gongkai", "zhang.san")
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/gongkai:zhang.san" || q.Get("secret") != s ||
		q.Get("issuer") != "gongkai" || q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("uri %s", uri)
	}
	got := TOTPURI("GEZDGNBV", "某县 政务公开", "a/b:c")
	if want := "otpauth://totp/%E6%9F%90%E5%8E%BF%20%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80:a%2Fb%3Ac?algorithm=SHA1&digits=6&issuer=%E6%9F%90%E5%8E%BF%20%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80&period=30&secret=GEZDGNBV"; got != want {
		t.Errorf("escaping:\n got %s\nwant %s", got, want)
	}
}

func BenchmarkVerifyTOTP(b *testing.B) {
	secret := b32.EncodeToString(rfcKey)
	now := time.Unix(1111111111, 0)
	code, _ := TOTPCode(secret, now)
	for b.Loop() {
		if !VerifyTOTP(secret, code, now, 1) {
			b.Fatal("refused")
		}
	}
}

func TestMatchTOTPReturnsTheCodesStep(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 12, 7, 3, 0, 15, 0, time.UTC)
	cur := now.Unix() / 30
	for d := int64(-1); d <= 1; d++ {
		code, _ := TOTPCode(secret, now.Add(time.Duration(d)*30*time.Second))
		if step, ok := MatchTOTP(secret, code, now, 1); !ok || step != cur+d {
			t.Errorf("code of step %+d: %d %v, want %d", d, step, ok, cur+d)
		}
	}
	old, _ := TOTPCode(secret, now.Add(-2*30*time.Second))
	if _, ok := MatchTOTP(secret, old, now, 1); ok {
		t.Error("a code two steps old accepted with skew 1")
	}
}
