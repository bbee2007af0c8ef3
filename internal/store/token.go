package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// APIToken is a per-user, scoped credential for the JSON API. Only its hash is stored.
type APIToken struct {
	ID        int64
	UserID    int64
	Name      string
	Scopes    []string
	CreatedAt time.Time
	ExpiresAt *time.Time
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

// CreateAPIToken stores a token's hash for the user and audits it (without the hash). Errors: ENotFound.
func (db *DB) CreateAPIToken(ctx context.Context, actor disclosure.Actor, tok *APIToken, hash string) error {
	tok.CreatedAt = db.now().UTC().Truncate(time.Microsecond)
	var expires any
	if tok.ExpiresAt != nil {
		expires = tok.ExpiresAt.UnixMicro()
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getUser(ctx, tx, `id = $1`, tok.UserID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			tok.UserID, tok.Name, hash, strings.Join(tok.Scopes, " "), tok.CreatedAt.UnixMicro(), expires).Scan(&tok.ID)
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "token.create", "api_token", strconv.FormatInt(tok.ID, 10), nil,
			map[string]any{"user_id": tok.UserID, "name": tok.Name, "scopes": tok.Scopes})
	})
	if err != nil {
		return fmt.Errorf("store: create api token: %w", err)
	}
	return nil
}

// FindAPIToken returns the live token with the given hash and its account. Errors: ENotFound (unknown or expired).
func (db *DB) FindAPIToken(ctx context.Context, hash string) (*APIToken, *disclosure.User, error) {
	var t APIToken
	var scopes string
	var created int64
	var expires sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT id, user_id, name, scopes, created_at, expires_at FROM api_tokens WHERE token_hash = $1`, hash).
		Scan(&t.ID, &t.UserID, &t.Name, &scopes, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, disclosure.Errorf(disclosure.ENotFound, "令牌无效")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: find api token: %w", err)
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt = time.UnixMicro(created).UTC()
	if expires.Valid {
		e := time.UnixMicro(expires.Int64).UTC()
		t.ExpiresAt = &e
		if !db.now().Before(e) {
			return nil, nil, disclosure.Errorf(disclosure.ENotFound, "令牌已过期")
		}
	}
	u, err := getUser(ctx, db.read, `id = $1`, t.UserID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: find api token: %w", err)
	}
	return &t, u, nil
}
