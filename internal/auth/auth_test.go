package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

var cheap = Params{Time: 1, Memory: 1024, Threads: 1}

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("Gongkai-2026!", cheap)
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("%q %v", h, err)
	}
	h2, _ := HashPassword("Gongkai-2026!", cheap)
	if h == h2 {
		t.Error("the same password hashed twice must differ (salt)")
	}
	if ok, rehash, err := VerifyPassword(h, "Gongkai-2026!", cheap); !ok || rehash || err != nil {
		t.Errorf("right password: %v %v %v", ok, rehash, err)
	}
	if ok, _, _ := VerifyPassword(h, "gongkai-2026!", cheap); ok {
		t.Error("wrong password accepted")
	}
	if ok, rehash, _ := VerifyPassword(h, "Gongkai-2026!", DefaultParams); !ok || !rehash {
		t.Error("a hash with old parameters should be replaced")
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AA"} {
		if _, _, err := VerifyPassword(bad, "x", cheap); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	if err := CheckPasswordStrength("Gongkai-2026!", "zhang"); err != nil {
		t.Error(err)
	}
	for pw, want := range map[string]string{
		"Short1!":        "至少需要 10 个字符",
		"alllowercase1":  "至少三类",
		"Zhangsan-2026":  "不能包含用户名",
		"Admin@123admin": "",
		"P@ssw0rd":       "至少需要 10 个字符",
		"Woaini1314":     "常见密码",
		"Qwertyuiop1!":   "",
	} {
		err := CheckPasswordStrength(pw, "zhangsan")
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", pw, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) || disclosure.ErrorCode(err) != disclosure.EInvalid {
			t.Errorf("%s: %v, want %q", pw, err, want)
		}
	}
	if err := CheckPasswordStrength("Admin@123", ""); err == nil {
		t.Error("short common password accepted")
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("Gongkai-2026!", DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLockout(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	f, until := 0, (*time.Time)(nil)
	for i := 0; i < 4; i++ {
		f, until = DefaultLockout.OnFailure(f, now)
		if until != nil {
			t.Fatalf("locked after %d failures", i+1)
		}
	}
	f, until = DefaultLockout.OnFailure(f, now)
	if until == nil || f != 0 || !Locked(until, now.Add(14*time.Minute)) || Locked(until, now.Add(15*time.Minute)) {
		t.Errorf("fifth failure: %d %v", f, until)
	}
}

// TestTOTPMatchesRFC6238 uses the RFC 6238 appendix B vectors (SHA-1 secret "12345678901234567890"), read with 8
// digits from the underlying HOTP and with the 6 digits gongkai uses.
func TestTOTPMatchesRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	secret := b32.EncodeToString(key)
	for ts, want := range map[int64]string{59: "94287082", 1111111109: "07081804", 1111111111: "14050471", 1234567890: "89005924", 2000000000: "69279037", 20000000000: "65353130"} {
		if got := hotp(key, uint64(ts)/30, 8); got != want {
			t.Errorf("T=%d: %s, want %s", ts, got, want)
		}
		code, err := TOTPCode(secret, time.Unix(ts, 0))
		if err != nil || code != want[2:] {
			t.Errorf("T=%d: 6-digit %s %v, want %s", ts, code, err, want[2:])
		}
	}
	now := time.Unix(1111111111, 0)
	code, _ := TOTPCode(secret, now)
	prev, _ := TOTPCode(secret, now.Add(-30*time.Second))
	old, _ := TOTPCode(secret, now.Add(-90*time.Second))
	if !VerifyTOTP(secret, code, now, 1) || !VerifyTOTP(secret, prev, now, 1) || VerifyTOTP(secret, old, now, 1) {
		t.Error("skew window wrong")
	}
	for _, bad := range []string{"", "12345", "1234567", "abcdef", "12 456"} {
		if VerifyTOTP(secret, bad, now, 1) {
			t.Errorf("%q accepted", bad)
		}
	}
	s, err := NewTOTPSecret()
	if err != nil || len(s) != 32 {
		t.Errorf("secret %q %v", s, err)
	}
	uri := TOTPURI(s, "gongkai", "secadmin")
	if !strings.HasPrefix(uri, "otpauth://totp/gongkai:secadmin?") || !strings.Contains(uri, "secret="+s) {
		t.Errorf("uri %s", uri)
	}
}
