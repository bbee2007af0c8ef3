package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// IdempotentCase is the answer of CreateCaseOnce: the change when this call created the case, or, when the key was
// used before with the same request, the ID of the case that first call created (Change is nil then).
type IdempotentCase struct {
	Change   *disclosure.CaseChange
	Replayed int64
}

// CreateCaseOnce is CreateCase under an idempotency key of the account userID: the key, the request's hash and the
// new case are written in the create's own transaction, so a retried request never makes a second case. The same
// key with the same hash answers with the first case (Replayed); with another hash it is refused (EInvalid). Two
// requests racing with one key: one commits, the other's transaction fails on the key and, run again, finds it.
func (db *DB) CreateCaseOnce(ctx context.Context, actor disclosure.Actor, userID int64, key, hash string, build func(ctx context.Context, tx CaseBuildTx) (*disclosure.CaseChange, error)) (IdempotentCase, error) {
	var out IdempotentCase
	replayed, err := db.CreateOnce(ctx, userID, key, "case.create", hash, func(tx *sql.Tx) (int64, error) {
		ch, err := db.createCaseTx(ctx, tx, actor, build)
		if err != nil {
			return 0, err
		}
		out.Change = ch
		return ch.Case.ID, nil
	})
	if err != nil {
		return IdempotentCase{}, fmt.Errorf("store: create case once: %w", err)
	}
	if replayed != 0 {
		return IdempotentCase{Replayed: replayed}, nil
	}
	return out, nil
}

// CreateOnce runs create in a transaction under the idempotency key of the account userID for the operation op
// (such as "case.create" or "item.create"): create makes the record and returns its ID, which is kept with the key
// and the request's hash in the same transaction. When the key was used before for the same operation and hash,
// create is not called and the first record's ID is returned (replayed, non-zero); with another operation or hash the
// call is refused (EInvalid). Two requests racing with one key: one commits, the other is refused with EConflict.
// create may run more than once (the transaction is retried on a serialization failure).
func (db *DB) CreateOnce(ctx context.Context, userID int64, key, op, hash string, create func(tx *sql.Tx) (int64, error)) (replayed int64, err error) {
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		replayed = 0
		var prevHash, prevOp string
		var prevID int64
		err := tx.QueryRowContext(ctx, `SELECT operation, request_hash, object_id FROM api_idempotency WHERE user_id = $1 AND idem_key = $2`, userID, key).Scan(&prevOp, &prevHash, &prevID)
		switch {
		case err == nil && prevOp == op && prevHash == hash:
			replayed = prevID
			return nil
		case err == nil:
			return disclosure.Errorf(disclosure.EInvalid, "幂等键（Idempotency-Key）“%s”已用于另一个请求：重试时请求内容须与第一次完全相同，新的请求请换一个新的键", key)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		id, err := create(tx)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO api_idempotency (user_id, idem_key, operation, request_hash, object_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			userID, key, op, hash, id, db.now().UTC().UnixMicro())
		if db.d.uniqueIndex(err) != "" {
			return disclosure.Errorf(disclosure.EConflict, "使用同一幂等键（Idempotency-Key）的另一个请求正在处理，请稍后重试")
		}
		return err
	})
	return replayed, err
}

// ImportCasesOnce is ImportCases under an idempotency key of the account userID (CreateOnce): the cases and the key
// are written in one transaction, the key kept with the first imported case's ID. When the key was used before
// with the same request hash, nothing is written and that ID is returned (replayed, non-zero). Errors: as
// ImportCases and CreateOnce.
func (db *DB) ImportCasesOnce(ctx context.Context, actor disclosure.Actor, userID int64, key, hash string, changes []*disclosure.CaseChange) (replayed int64, err error) {
	if len(changes) == 0 {
		return 0, disclosure.Errorf(disclosure.EInvalid, "没有要导入的申请")
	}
	replayed, err = db.CreateOnce(ctx, userID, key, "case.import", hash, func(tx *sql.Tx) (int64, error) {
		if err := db.importCasesTx(ctx, tx, actor, changes); err != nil {
			return 0, err
		}
		return changes[0].Case.ID, nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: import cases once: %w", err)
	}
	return replayed, nil
}
