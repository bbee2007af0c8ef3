package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// Secret returns the deployment's random 32-byte key of the given name, creating it on first use. Every process on
// the database gets the same key, however many ask at once: the first insert wins and the others read it. Keys here
// are as safe as the database and its backups; they sign what a leak would merely let someone forge (the public
// forms' tokens), never what must hold against someone with database access.
func (db *DB) Secret(ctx context.Context, name string) ([]byte, error) {
	var value string
	err := db.read.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		fresh := make([]byte, 32)
		rand.Read(fresh)
		err = db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
				name, hex.EncodeToString(fresh), db.now().UnixMicro()); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = $1`, name).Scan(&value)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", name, err)
	}
	key, err := hex.DecodeString(value)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("store: secret %s: malformed value in the database", name)
	}
	return key, nil
}
