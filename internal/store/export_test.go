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

// SetSearchWindowForTest sets the first window of PostgreSQL's search of common words, and returns the old one.
func SetSearchWindowForTest(w int64) int64 {
	old := searchWindow
	searchWindow = w
	return old
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
