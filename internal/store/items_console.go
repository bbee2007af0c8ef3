package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// maxOpenRevisions bounds the corrections in preparation a queue reads: an agency has a handful at a time.
const maxOpenRevisions = 500

// OpenRevisions returns the agencies' items with a correction in preparation (the revision in any state), most
// recently changed first. The review, approval and publication queues of the console add them to the items whose
// own state matches, because a revision's state is inside its JSON column.
func (db *DB) OpenRevisions(ctx context.Context, agencyIDs []int64) ([]disclosure.Item, error) {
	var w where
	agencyIn(&w, agencyIDs)
	w.clauses = append(w.clauses, "revision <> ''")
	rows, err := db.read.QueryContext(ctx, `SELECT `+itemColumns+` FROM items`+w.sql()+` ORDER BY updated_at DESC, id DESC LIMIT `+strconv.Itoa(maxOpenRevisions), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: open revisions: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Item
	for rows.Next() {
		it, err := scanItem(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: open revisions: %w", err)
		}
		out = append(out, *it)
	}
	return out, rows.Err()
}

// ItemsFromCase returns the items made from an application's answer to publish it proactively (Art 44), oldest
// first.
func (db *DB) ItemsFromCase(ctx context.Context, caseID int64) ([]disclosure.Item, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+itemColumns+` FROM items WHERE source_case_id = $1 ORDER BY id LIMIT 100`, caseID)
	if err != nil {
		return nil, fmt.Errorf("store: items from case: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Item
	for rows.Next() {
		it, err := scanItem(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: items from case: %w", err)
		}
		out = append(out, *it)
	}
	return out, rows.Err()
}
