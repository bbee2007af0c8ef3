package disclosure

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// APIToken is a per-user, scoped credential for the JSON API. The store keeps only TokenHash, a hash of the secret
// the user was shown once; the secret itself is never stored.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Scopes     []string   `json:"scopes"`
	TokenHash  string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// HasScope reports whether the token carries scope.
func (t *APIToken) HasScope(scope string) bool {
	for _, s := range t.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Validate checks the token's name and scopes (which scopes exist is the web layer's business).
func (t *APIToken) Validate() error {
	t.Name = strings.TrimSpace(t.Name)
	switch {
	case t.Name == "":
		return Errorf(EInvalid, "请写明令牌的用途")
	case utf8.RuneCountInString(t.Name) > 100:
		return Errorf(EInvalid, "令牌用途过长（最多 100 个字）")
	case len(t.Scopes) == 0:
		return Errorf(EInvalid, "令牌至少须有一个权限范围")
	}
	for _, s := range t.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			return Errorf(EInvalid, "权限范围“%s”不能为空或含空白", s)
		}
	}
	return nil
}

// APITokenService keeps API tokens. Creating and deleting a token is audited; using one is not (it would put a row
// in the trail for every API call), but the time of last use is kept on the token.
type APITokenService interface {
	// CreateAPIToken stores a token for its user, with hash as its TokenHash, and sets its ID. Errors: EInvalid,
	// ENotFound (no such user).
	CreateAPIToken(ctx context.Context, actor Actor, tok *APIToken, hash string) error
	// FindAPITokenByHash returns the live token with the hash. Errors: EUnauthorized (unknown or expired).
	FindAPITokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// TouchAPIToken records that the token was just used; it writes at most once a minute per token.
	TouchAPIToken(ctx context.Context, id int64) error
	// DeleteAPIToken revokes a token. Errors: ENotFound.
	DeleteAPIToken(ctx context.Context, actor Actor, id int64) error
	// ListAPITokens returns a user's tokens, newest first, without their hashes.
	ListAPITokens(ctx context.Context, userID int64) ([]*APIToken, error)
}
