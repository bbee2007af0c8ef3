package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
)

// ErrStale is the error of a write made with an entity tag that no longer matches the record (If-Match): someone
// changed it since the caller read it. It wraps a disclosure error (EConflict) with a message for users.
var ErrStale = errors.New("store: the record changed since it was read")

// contentTag is an entity tag of a record without a version of its own: a hash of its JSON.
func contentTag(v any) string {
	raw, _ := json.Marshal(v)
	sum := sha256.Sum256(raw)
	return `"` + hex.EncodeToString(sum[:9]) + `"`
}

// lockNamed serialises the writers of a named record on PostgreSQL until the transaction ends (SQLite has one
// writer at a time already), so that a check of its current state and the write that follows are one step.
func (db *DB) lockNamed(ctx context.Context, tx *sql.Tx, name string) error {
	if db.d.name() != "postgres" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "gongkai."+name)
	return err
}
