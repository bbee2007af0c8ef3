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

// APIToken is a per-user, scoped credential for the JSON API; see disclosure.APIToken. The alias keeps existing
// callers compiling.
type APIToken = disclosure.APIToken

// touchInterval is how stale a token's last-use time may get: using a token writes at most once per interval.
const touchInterval = time.Minute

const tokenColumns = `id, user_id, name, scopes, token_hash, created_at, expires_at, last_used_at`

// CreateAPIToken stores a token for its user with hash as its TokenHash, sets its ID and creation time, and audits
// it (without the hash). Errors: EInvalid, ENotFound (no such user).
func (db *DB) CreateAPIToken(ctx context.Context, actor disclosure.Actor, tok *APIToken, hash string) error {
	if err := tok.Validate(); err != nil {
		return err
	}
	if hash == "" {
		return disclosure.Errorf(disclosure.EInvalid, "令牌缺少哈希值")
	}
	tok.TokenHash = hash
	tok.CreatedAt = db.now().UTC().Truncate(time.Microsecond)
	var expires any
	if tok.ExpiresAt != nil {
		expires = tok.ExpiresAt.UnixMicro()
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := db.lockedUser(ctx, tx, tok.UserID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			tok.UserID, tok.Name, hash, strings.Join(tok.Scopes, " "), tok.CreatedAt.UnixMicro(), expires).Scan(&tok.ID)
		if db.d.uniqueIndex(err) != "" {
			return disclosure.Errorf(disclosure.EConflict, "令牌重复，请重新生成")
		}
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "token.create", "api_token", strconv.FormatInt(tok.ID, 10), nil, tok)
	})
	if err != nil {
		return fmt.Errorf("store: create api token: %w", err)
	}
	return nil
}

func scanToken(scan func(...any) error) (*APIToken, error) {
	var t APIToken
	var scopes string
	var created int64
	var expires, used sql.NullInt64
	if err := scan(&t.ID, &t.UserID, &t.Name, &scopes, &t.TokenHash, &created, &expires, &used); err != nil {
		return nil, err
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt = time.UnixMicro(created).UTC()
	if expires.Valid {
		e := time.UnixMicro(expires.Int64).UTC()
		t.ExpiresAt = &e
	}
	if used.Valid {
		u := time.UnixMicro(used.Int64).UTC()
		t.LastUsedAt = &u
	}
	return &t, nil
}

// FindAPITokenByHash returns the live token with the given hash. Errors: EUnauthorized (unknown or expired).
func (db *DB) FindAPITokenByHash(ctx context.Context, hash string) (*APIToken, error) {
	t, err := scanToken(db.read.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.EUnauthorized, "API 令牌无效")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find api token: %w", err)
	}
	if t.ExpiresAt != nil && !db.now().Before(*t.ExpiresAt) {
		return nil, disclosure.Errorf(disclosure.EUnauthorized, "API 令牌已过期")
	}
	return t, nil
}

// FindAPIToken returns the live token with the given hash and its account. Errors: EUnauthorized (unknown or
// expired token).
func (db *DB) FindAPIToken(ctx context.Context, hash string) (*APIToken, *disclosure.User, error) {
	t, err := db.FindAPITokenByHash(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	u, err := getUser(ctx, db.read, `id = $1`, t.UserID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: find api token: %w", err)
	}
	return t, u, nil
}

// TouchAPIToken records that the token was just used. It writes at most once a minute per token, so that busy
// API clients do not turn every request into a write; a deleted token is ignored.
func (db *DB) TouchAPIToken(ctx context.Context, id int64) error {
	now := db.now().UTC()
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)`,
			now.UnixMicro(), id, now.Add(-touchInterval).UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: touch api token: %w", err)
	}
	return nil
}

// DeleteAPIToken revokes a token and audits it. Errors: ENotFound.
func (db *DB) DeleteAPIToken(ctx context.Context, actor disclosure.Actor, id int64) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		before, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = $1`, id).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的 API 令牌", id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE id = $1`, id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "token.delete", "api_token", strconv.FormatInt(id, 10), before, nil)
	})
	if err != nil {
		return fmt.Errorf("store: delete api token: %w", err)
	}
	return nil
}

// ListAPITokens returns a user's tokens, newest first (their hashes are never serialised).
func (db *DB) ListAPITokens(ctx context.Context, userID int64) ([]*APIToken, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: list api tokens: %w", err)
	}
	defer rows.Close()
	var out []*APIToken
	for rows.Next() {
		t, err := scanToken(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: list api tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list api tokens: %w", err)
	}
	return out, nil
}
