package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// appendAudit writes the audit row of a change inside the change's transaction: who, when, from where, what, and
// the object before → after, chained to the previous row by hash.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, actor disclosure.Actor, action, objectType, objectID string, before, after any) error {
	if lock := db.d.lockAudit(); lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return fmt.Errorf("lock audit: %w", err)
		}
	}
	e := disclosure.AuditEntry{
		At: db.now().UTC().Truncate(time.Microsecond), ActorID: actor.UserID, ActorName: actor.Name, Role: actor.Role,
		RemoteAddr: actor.RemoteAddr, Action: action, ObjectType: objectType, ObjectID: objectID,
		PrevHash: disclosure.GenesisHash, Seq: 1,
	}
	var err error
	if e.Before, err = marshalOrNil(before); err != nil {
		return err
	}
	if e.After, err = marshalOrNil(after); err != nil {
		return err
	}
	var last int64
	var lastHash string
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&last, &lastHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("audit head: %w", err)
	default:
		e.Seq, e.PrevHash = last+1, lastHash
	}
	e.Hash = e.ComputeHash()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.Seq, e.At.UnixMicro(), e.ActorID, e.ActorName, e.Role, e.RemoteAddr, e.Action, e.ObjectType, e.ObjectID,
		string(e.Before), string(e.After), e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

func marshalOrNil(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return b, nil
}

// AuditFilter selects audit rows; zero fields select everything.
type AuditFilter struct {
	ObjectType, ObjectID, Action string
	Limit, Offset                int
}

// ListAudit returns audit rows, newest first.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]disclosure.AuditEntry, error) {
	where, args := []string{"1=1"}, []any{}
	add := func(clause string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(clause, len(args)))
	}
	if f.ObjectType != "" {
		add("object_type = $%d", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = $%d", f.ObjectID)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	args = append(args, f.Limit, max(f.Offset, 0))
	q := `SELECT seq, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, prev_hash, hash
		FROM audit_log WHERE ` + joinAnd(where) + fmt.Sprintf(` ORDER BY seq DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer rows.Close()
	var out []disclosure.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list audit: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func joinAnd(parts []string) string {
	s := parts[0]
	for _, p := range parts[1:] {
		s += " AND " + p
	}
	return s
}

func scanAudit(rows *sql.Rows) (disclosure.AuditEntry, error) {
	var e disclosure.AuditEntry
	var at int64
	var actor sql.NullInt64
	var before, after string
	if err := rows.Scan(&e.Seq, &at, &actor, &e.ActorName, &e.Role, &e.RemoteAddr, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after, &e.PrevHash, &e.Hash); err != nil {
		return e, err
	}
	e.At = time.UnixMicro(at).UTC()
	if actor.Valid {
		e.ActorID = &actor.Int64
	}
	if before != "" {
		e.Before = json.RawMessage(before)
	}
	if after != "" {
		e.After = json.RawMessage(after)
	}
	return e, nil
}

// VerifyResult is what VerifyAudit found.
type VerifyResult struct {
	// Entries is how many rows were read.
	Entries int64
	// OK is true when the chain is intact.
	OK bool
	// BrokenAt is the first row that does not fit the chain (0 when OK).
	BrokenAt int64
	// Problem says, in Chinese, what is wrong there.
	Problem string
}

// VerifyAudit walks the whole audit trail in order and checks every row's hash and its link to the row before.
// An edited row fails its own hash; a deleted row leaves a gap in the sequence; reordered rows break the links.
func (db *DB) VerifyAudit(ctx context.Context) (VerifyResult, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, prev_hash, hash
		FROM audit_log ORDER BY seq`)
	if err != nil {
		return VerifyResult{}, fmt.Errorf("store: verify audit: %w", err)
	}
	defer rows.Close()
	res := VerifyResult{OK: true}
	prev, want := disclosure.GenesisHash, int64(1)
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return res, fmt.Errorf("store: verify audit: %w", err)
		}
		res.Entries++
		if !res.OK {
			continue
		}
		switch {
		case e.Seq != want:
			res.OK, res.BrokenAt = false, e.Seq
			res.Problem = fmt.Sprintf("第 %d 条之前缺少第 %d—%d 条：审计记录被删除", e.Seq, want, e.Seq-1)
		case e.PrevHash != prev:
			res.OK, res.BrokenAt = false, e.Seq
			res.Problem = fmt.Sprintf("第 %d 条与前一条的链接不符：审计记录被删除、插入或调换了顺序", e.Seq)
		case e.ComputeHash() != e.Hash:
			res.OK, res.BrokenAt = false, e.Seq
			res.Problem = fmt.Sprintf("第 %d 条的内容与其哈希值不符：该记录被修改过", e.Seq)
		}
		prev, want = e.Hash, e.Seq+1
	}
	return res, rows.Err()
}

// RecordEvent audits something that changes no other row (an export of the audit trail, for instance).
func (db *DB) RecordEvent(ctx context.Context, actor disclosure.Actor, action, objectType, objectID string) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		return db.appendAudit(ctx, tx, actor, action, objectType, objectID, nil, nil)
	})
	if err != nil {
		return fmt.Errorf("store: record event: %w", err)
	}
	return nil
}
