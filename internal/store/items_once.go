package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// createItemTx is CreateItem inside the transaction tx: the item (already validated), its first event, its search
// and list entries, and the audit row.
func (db *DB) createItemTx(ctx context.Context, tx *sql.Tx, actor disclosure.Actor, it *disclosure.Item) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	it.CreatedAt, it.UpdatedAt = now, now
	if it.Version == 0 {
		it.Version = 1
	}
	if _, err := getAgency(ctx, tx, it.AgencyID); err != nil {
		return disclosure.Errorf(disclosure.EInvalid, "发布单位（编号 %d）不存在", it.AgencyID)
	}
	if err := tx.QueryRowContext(ctx, itemInsert, itemArgs(it)...).Scan(&it.ID); err != nil {
		return fmt.Errorf("insert item: %w", err)
	}
	if err := insertItemEvent(ctx, tx, &disclosure.ItemEvent{ItemID: it.ID, At: now, Action: "create", ToState: it.State, ActorID: actor.UserID, ActorName: actor.Name}); err != nil {
		return err
	}
	if err := db.reindex(ctx, tx, it); err != nil {
		return err
	}
	if err := db.relist(ctx, tx, listing{}, false, it); err != nil {
		return err
	}
	return db.appendAudit(ctx, tx, actor, "item.create", "item", strconv.FormatInt(it.ID, 10), nil, it)
}

// CreateItemOnce is CreateItem under an idempotency key of the account userID (CreateOnce, operation op such as
// "item.create"): the key, the request's hash and the new item are written in one transaction, so a retried
// request never makes a second item. It returns the ID of the item the key's first request made when this call is
// a replay (it is then left as it was), 0 when it created it. Errors: EInvalid (also for the key used with another
// request), EConflict (a request with the same key in flight).
func (db *DB) CreateItemOnce(ctx context.Context, actor disclosure.Actor, userID int64, key, op, hash string, it *disclosure.Item) (replayed int64, err error) {
	if err := it.Validate(); err != nil {
		return 0, err
	}
	replayed, err = db.CreateOnce(ctx, userID, key, op, hash, func(tx *sql.Tx) (int64, error) {
		if err := db.createItemTx(ctx, tx, actor, it); err != nil {
			return 0, err
		}
		return it.ID, nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: create item once: %w", err)
	}
	return replayed, nil
}
