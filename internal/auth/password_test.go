package auth

import (
	"regexp"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// cheap parameters keep the tests fast; DefaultParams cost about a tenth of a second per hash.
var cheap = Params{Time: 1, Memory: 1024, Threads: 1}

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("Gongkai-2026!", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Errorf("got %q, want a PHC string with a 16-byte salt and a 32-byte key", h)
	}
	h2, _ := HashPassword("Gongkai-2026!", cheap)
	if h == h2 {
		t.Error("the same password hashed twice must differ (salt)")
	}
	if ok, rehash, err := VerifyPassword(h, "Gongkai-2026!", cheap); !ok || rehash || err != nil {
		t.Errorf("right password: %v %v %v, want true false nil", ok, rehash, err)
	}
	if ok, rehash, err := VerifyPassword(h, "gongkai-2026!", cheap); ok || rehash || err != nil {
		t.Errorf("wrong password: %v %v %v, want false false nil", ok, rehash, err)
	}
	if ok, rehash, _ := VerifyPassword(h, "Gongkai-2026!", DefaultParams); !ok || !rehash {
		t.Error("a hash with other parameters than wanted should be reported for rehashing")
	}
	for _, p := range []Params{{}, {Time: 0, Memory: 1024, Threads: 1}, {Time: 1, Memory: 1024, Threads: 0},
		{Time: 1, Memory: 4, Threads: 1}, {Time: 1, Memory: 2 << 20, Threads: 1}, {Time: 100, Memory: 1024, Threads: 1}} {
		if _, err := HashPassword("x", p); err == nil {
			t.Errorf("%+v: want an error, not a panic or a hash", p)
		}
	}
}

// TestVerifyPasswordReferenceVector checks interoperability with the reference implementation (phc-winner-argon2
// src/test.c, argon2id v1.3): a hash made elsewhere verifies here, with the parameters read from the string.
func TestVerifyPasswordReferenceVector(t *testing.T) {
	const ref = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	ok, rehash, err := VerifyPassword(ref, "password", DefaultParams)
	if !ok || !rehash || err != nil {
		t.Errorf("got %v %v %v, want true true nil (other parameters, 8-byte salt)", ok, rehash, err)
	}
	if ok, _, _ := VerifyPassword(ref, "passwore", DefaultParams); ok {
		t.Error("wrong password accepted")
	}
}

func TestVerifyPasswordRejectsMalformedHashes(t *testing.T) {
	good, _ := HashPassword("x", cheap)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for name, bad := range map[string]string{
		"empty":             "",
		"plain text":        "plain",
		"argon2i":           "$argon2i$v=19$m=1024,t=1,p=1$" + salt + "$" + key,
		"old version":       "$argon2id$v=16$m=1024,t=1,p=1$" + salt + "$" + key,
		"no version":        "$argon2id$m=1024,t=1,p=1$" + salt + "$" + key,
		"text before":       "x$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key,
		"parameter not int": "$argon2id$v=19$m=x,t=1,p=1$" + salt + "$" + key,
		"trailing junk":     "$argon2id$v=19$m=1024,t=1,p=1x$" + salt + "$" + key,
		"reordered":         "$argon2id$v=19$t=1,m=1024,p=1$" + salt + "$" + key,
		"missing parameter": "$argon2id$v=19$m=1024,t=1$" + salt + "$" + key,
		"zero time":         "$argon2id$v=19$m=1024,t=0,p=1$" + salt + "$" + key,
		"zero threads":      "$argon2id$v=19$m=1024,t=1,p=0$" + salt + "$" + key,
		"threads overflow":  "$argon2id$v=19$m=1024,t=1,p=257$" + salt + "$" + key,
		"4 GiB of memory":   "$argon2id$v=19$m=4194304,t=1,p=1$" + salt + "$" + key,
		"negative memory":   "$argon2id$v=19$m=-1,t=1,p=1$" + salt + "$" + key,
		"bad salt":          "$argon2id$v=19$m=1024,t=1,p=1$!!$" + key,
		"short salt":        "$argon2id$v=19$m=1024,t=1,p=1$AAAA$" + key,
		"padded key":        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + key + "=",
		"short key":         "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$AAAA",
		"extra field":       good + "$AA",
	} {
		if ok, _, err := VerifyPassword(bad, "x", cheap); ok || err == nil {
			t.Errorf("%s (%q): %v %v, want false and an error", name, bad, ok, err)
		}
	}
}

func TestCheckPasswordStrength(t *testing.T) {
	for _, tc := range []struct {
		pw, want string // want: part of the message, "" for accepted
	}{
		{"Gongkai-2026!", ""},
		{"Qwertyuiop1!", ""},
		{"Admin@123admin", ""},
		{"长江黄河Gongkai2026", ""}, // Chinese characters count as symbols
		{"", "至少需要 10 个字符"},
		{"Short1!", "至少需要 10 个字符"},
		{"P@ssw0rd", "至少需要 10 个字符"},
		{"Aa123456", "至少需要 10 个字符"},
		{"密码密码密码密码密", "至少需要 10 个字符"}, // 9 characters, 27 bytes
		{"alllowercase1", "至少三类"},
		{"ALLUPPER-AND-SYMBOLS", "至少三类"},
		{"1234567890123", "至少三类"},
		{"Zhangsan-2026", "不能包含用户名"},
		{"2026!ZHANGSAN", "不能包含用户名"},
		{"Woaini1314", "常见密码"},
		{"Password123", "常见密码"},
		{"P@ssw0rd123", "常见密码"},
		{"Huawei@123", "常见密码"},
		{"1qaz@WSX3edc", "常见密码"},
		{"qwertyuiop", "常见密码"},
		{"1234567890", "常见密码"},
	} {
		err := CheckPasswordStrength(tc.pw, "zhangsan")
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v, want accepted", tc.pw, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: %v, want a message with %q", tc.pw, err, tc.want)
		case err != nil && disclosure.ErrorCode(err) != disclosure.EInvalid:
			t.Errorf("%q: code %s, want %s", tc.pw, disclosure.ErrorCode(err), disclosure.EInvalid)
		}
	}
	if err := CheckPasswordStrength("Gongkai-2026!", ""); err != nil {
		t.Errorf("no user name: %v", err)
	}
	if len(commonPasswords) < 100 || !commonPasswords["12345678"] || !commonPasswords["admin123"] || commonPasswords[""] {
		t.Errorf("the embedded list has %d entries; want the common ones and no empty line", len(commonPasswords))
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("Gongkai-2026!", DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	h, _ := HashPassword("Gongkai-2026!", DefaultParams)
	for b.Loop() {
		if ok, _, _ := VerifyPassword(h, "Gongkai-2026!", DefaultParams); !ok {
			b.Fatal("no match")
		}
	}
}
