package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// API token scopes: what a token may be used for, on top of what its account's roles allow (a token never gives an
// account more than its roles do). Each is "area:read" or "area:write"; write does not imply read.
const (
	ScopeAgenciesRead   = "agencies:read"   // the agency tree and its public data
	ScopeReportsRead    = "reports:read"    // annual reports
	ScopeReportsWrite   = "reports:write"   // drafting and importing annual reports
	ScopeReportsCheck   = "reports:check"   // checking a report text against the rules (POST, stores nothing)
	ScopeCatalogueRead  = "catalogue:read"  // the disclosure catalogue (主动公开目录)
	ScopeCatalogueWrite = "catalogue:write" // publishing to the catalogue
	ScopeCasesRead      = "cases:read"      // applications (依申请公开) and their cases
	ScopeCasesWrite     = "cases:write"     // handling applications
	ScopeAuditRead      = "audit:read"      // the audit trail (only an auditor's token can use it)
	ScopeAdmin          = "admin"           // administrative operations: agencies, accounts, settings; not a wildcard
)

// Scopes lists every API token scope, in the order the command line shows them.
var Scopes = []string{
	ScopeAgenciesRead, ScopeReportsRead, ScopeReportsWrite, ScopeReportsCheck, ScopeCatalogueRead,
	ScopeCatalogueWrite, ScopeCasesRead, ScopeCasesWrite, ScopeAuditRead, ScopeAdmin,
}

// ValidScope reports whether s is a known API token scope.
func ValidScope(s string) bool { return slices.Contains(Scopes, s) }

// APITokenPrefix begins every API token, so that a leaked token is recognisable (to people and to secret
// scanners) and never mistaken for a password.
const APITokenPrefix = "gk_"

// NewAPIToken returns a new API token (APITokenPrefix and 32 random bytes in lower-case base32) to show once, and
// the hash to store instead of it.
func NewAPIToken() (plain, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: api token: %w", err)
	}
	plain = APITokenPrefix + strings.ToLower(b32.EncodeToString(b))
	return plain, HashAPIToken(plain), nil
}

// HashAPIToken returns the stored form of a token: hex SHA-256. A fast hash is right here, unlike for passwords:
// a token carries 256 random bits, so there is no dictionary to try and nothing a slow hash would slow down, while
// every API request looks its token up by this hash.
func HashAPIToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
