package store

import (
	"context"
	"database/sql"
	"strconv"
)

// ForgetListsForTest empties the catalogue's kept lists and counts and fills them again as a database migrated
// from before migration 00015 would be (backfillLists).
func (db *DB) ForgetListsForTest(ctx context.Context) error {
	for _, table := range []string{"item_list", "item_counts"} {
		if _, err := db.write.ExecContext(ctx, `DELETE FROM `+table); err != nil {
			return err
		}
	}
	return db.backfillLists(ctx)
}

// SetSearchShardBitsForTest sets the size of PostgreSQL's search shards (2^bits item IDs) on a database with no
// published items yet, so that a few hundred items span many shards.
func (db *DB) SetSearchShardBitsForTest(ctx context.Context, bits int) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE item_search_shard SET bits = $1`, bits)
		if err == nil {
			_, err = tx.ExecContext(ctx, `DROP INDEX item_search_keys`)
		}
		if err == nil {
			_, err = tx.ExecContext(ctx, `CREATE INDEX item_search_keys ON item_search USING gin (`+searchKeys(bits)+`) WITH (fastupdate = on, gin_pending_list_limit = 64)`)
		}
		return err
	})
}

// IndexWithAncestorsForTest rewrites a published item's search entry as earlier versions wrote it: with
// the filter tokens of the agencies above its own as well.
func (db *DB) IndexWithAncestorsForTest(ctx context.Context, id int64) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		it, err := getItem(ctx, tx, `id = $1`, id)
		if err != nil {
			return err
		}
		var extra []string
		for a, _ := getAgency(ctx, tx, it.AgencyID); a != nil && a.ParentID != nil; {
			if a, err = getAgency(ctx, tx, *a.ParentID); err != nil {
				return err
			}
			extra = append(extra, filterToken("ag", strconv.FormatInt(a.ID, 10)))
		}
		return db.reindexWith(ctx, tx, it, extra)
	})
}

// RedoLastMigrationForTest reverts the newest migration and applies it again, as a database that had items before
// it would get it.
func (db *DB) RedoLastMigrationForTest(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.Down(ctx); err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// QueryRowForTest runs a query on the read pool.
func (db *DB) QueryRowForTest(ctx context.Context, query string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, query, args...)
}
