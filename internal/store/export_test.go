package store

import "context"

// ForgetListsForTest empties the catalogue's kept lists and counts and fills them again as a database migrated
// from before migration 00015 would be (backfillLists).
func (db *DB) ForgetListsForTest(ctx context.Context) error {
	for _, table := range []string{"item_list", "item_listed", "item_counts"} {
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
