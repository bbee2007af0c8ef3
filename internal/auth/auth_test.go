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
