package auth

import (
	"regexp"
	"strings"
	"testing"
)

func TestNewAPIToken(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		plain, hash, err := NewAPIToken()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^gk_[a-z2-7]{52}$`).MatchString(plain) {
			t.Errorf("token %q, want gk_ and 32 bytes in lower-case base32", plain)
		}
		if hash != HashAPIToken(plain) || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(hash) {
			t.Errorf("hash %q of %q", hash, plain)
		}
		if seen[plain] {
			t.Fatal("token repeated")
		}
		seen[plain] = true
	}
	// FIPS 180-2 appendix B.1: the stored form is plain hex SHA-256, so other tools can compute it.
	if got := HashAPIToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("HashAPIToken(abc) = %s", got)
	}
}

func TestScopes(t *testing.T) {
	want := []string{"reports:read", "reports:write", "catalogue:read", "catalogue:write", "cases:read",
		"cases:write", "admin", "audit:read", "agencies:read", "reports:check"}
	for _, s := range want {
		if !ValidScope(s) {
			t.Errorf("%s: not valid", s)
		}
	}
	if len(Scopes) != len(want) {
		t.Errorf("%d scopes, want %d: %v", len(Scopes), len(want), Scopes)
	}
	seen := map[string]bool{}
	for _, s := range Scopes {
		if seen[s] || strings.TrimSpace(s) != s || strings.ContainsAny(s, " ,") {
			t.Errorf("scope %q repeated or not one word (the store keeps scopes space-separated)", s)
		}
		seen[s] = true
	}
	for _, s := range []string{"", "*", "Admin", "reports", "reports:delete", " admin"} {
		if ValidScope(s) {
			t.Errorf("%q: valid", s)
		}
	}
}
