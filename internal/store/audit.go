package store

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// AuditFilter selects audit rows; see disclosure.AuditFilter. The alias keeps existing callers compiling.
type AuditFilter = disclosure.AuditFilter

// VerifyResult is what VerifyAudit found; see disclosure.VerifyResult.
type VerifyResult = disclosure.VerifyResult

// appendAudit writes the audit row of a change inside the change's transaction: who, when, from where, what, and
// the object before → after, chained to the previous row by hash. It must be the last lock a transaction takes
// (every caller appends after its own writes), so that transactions queued on the chain's head cannot deadlock.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, actor disclosure.Actor, action, objectType, objectID string, before, after any) error {
	var e disclosure.AuditEntry
	var headAlg string
	err := tx.QueryRowContext(ctx, `SELECT seq, hash, alg FROM audit_head WHERE id = 1`+db.d.forUpdate()).Scan(&e.Seq, &e.PrevHash, &headAlg)
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	e.Alg = db.audit.alg()
	// A keyed chain stays keyed: an entry anyone could recompute must not follow one only the key holder could.
	if disclosure.AuditAlgKeyed(headAlg) && !disclosure.AuditAlgKeyed(e.Alg) {
		return errNoAuditKey
	}
	// The time is taken with the head locked, so that times rise with seq within one clock.
	e.Seq++
	e.At = db.now().UTC().Truncate(time.Microsecond)
	e.ActorID, e.ActorName, e.Role, e.RemoteAddr = actor.UserID, actor.Name, actor.Role, actor.RemoteAddr
	e.Action, e.ObjectType, e.ObjectID = action, objectType, objectID
	if e.Before, err = marshalOrNil(before); err != nil {
		return err
	}
	if e.After, err = marshalOrNil(after); err != nil {
		return err
	}
	if e.Hash, err = db.audit.entryHash(&e); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, prev_hash, hash, alg)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		e.Seq, e.At.UnixMicro(), e.ActorID, e.ActorName, e.Role, e.RemoteAddr, e.Action, e.ObjectType, e.ObjectID,
		string(e.Before), string(e.After), e.PrevHash, e.Hash, e.Alg)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2, alg = $3 WHERE id = 1`, e.Seq, e.Hash, e.Alg); err != nil {
		return fmt.Errorf("audit head: %w", err)
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

// where collects the conditions and arguments of a dynamic WHERE clause. Values only ever travel as arguments.
type where struct {
	clauses []string
	args    []any
}

// add appends a condition whose %d is replaced by the argument's placeholder number.
func (w *where) add(clause string, v any) {
	w.args = append(w.args, v)
	w.clauses = append(w.clauses, fmt.Sprintf(clause, len(w.args)))
}

// sql returns " WHERE …" or "".
func (w *where) sql() string {
	if len(w.clauses) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.clauses, " AND ")
}

// next returns the placeholder of the next argument and adds it.
func (w *where) next(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

const auditColumns = `seq, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, prev_hash, hash, alg`

// ListAudit returns the audit rows the filter selects, newest first.
func (db *DB) ListAudit(ctx context.Context, f AuditFilter) ([]disclosure.AuditEntry, error) {
	var w where
	if f.ActorID != nil {
		w.add("actor_id = $%d", *f.ActorID)
	}
	if f.ActorName != "" {
		w.add("actor_name = $%d", f.ActorName)
	}
	if f.Action != "" {
		w.add("action = $%d", f.Action)
	}
	if f.ObjectType != "" {
		w.add("object_type = $%d", f.ObjectType)
	}
	if f.ObjectID != "" {
		w.add("object_id = $%d", f.ObjectID)
	}
	if !f.From.IsZero() {
		w.add("at >= $%d", f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		w.add("at < $%d", f.To.UnixMicro())
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	q := `SELECT ` + auditColumns + ` FROM audit_log` + w.sql() + ` ORDER BY seq DESC LIMIT ` + w.next(f.Limit) + ` OFFSET ` + w.next(max(f.Offset, 0))
	rows, err := db.read.QueryContext(ctx, q, w.args...)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	return out, nil
}

func scanAudit(rows interface{ Scan(...any) error }) (disclosure.AuditEntry, error) {
	var e disclosure.AuditEntry
	var at int64
	var actor sql.NullInt64
	var before, after string
	if err := rows.Scan(&e.Seq, &at, &actor, &e.ActorName, &e.Role, &e.RemoteAddr, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after, &e.PrevHash, &e.Hash, &e.Alg); err != nil {
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

// VerifyAudit walks the whole audit trail in order and checks every row's hash, its link to the row before, and
// the chain's head; see VerifyAuditCheckpoints.
func (db *DB) VerifyAudit(ctx context.Context) (VerifyResult, error) {
	return db.VerifyAuditCheckpoints(ctx, nil)
}

// VerifyAuditCheckpoints walks the whole audit trail in order and checks every row's hash, its link to the row
// before, the chain's head, and the checkpoints taken earlier outside the database. An edited row fails its own
// hash; a deleted row leaves a gap in the sequence (or, at the end, a head beyond the last row); reordered,
// inserted or forged rows break the links. Against someone who can write the whole database the audit key and the
// checkpoints hold: keyed rows cannot be recomputed without the key (and a keyed chain that turns unkeyed, or
// ends unkeyed when the key is given, was rewritten), and a checkpoint's row must still be there with the same
// hash, so rows cut from the end with the head moved back are found too. Keyed rows are checked only when the DB
// has the key (SetAuditConfig); without it the result says NeedsKey. Writers may go on meanwhile: the head is read
// first, and rows appended after it are checked like the rest.
func (db *DB) VerifyAuditCheckpoints(ctx context.Context, checkpoints []disclosure.AuditCheckpoint) (VerifyResult, error) {
	res := VerifyResult{OK: true, Checkpoints: len(checkpoints)}
	broken := func(seq int64, format string, args ...any) {
		if res.OK {
			res.OK, res.BrokenAt, res.Problem = false, seq, fmt.Sprintf(format, args...)
		}
	}
	bySeq := map[int64][]*disclosure.AuditCheckpoint{}
	var newest *disclosure.AuditCheckpoint
	for i := range checkpoints {
		c := &checkpoints[i]
		problem, needsKey := db.audit.checkCheckpoint(c)
		if problem != "" {
			broken(c.Seq, "%s的检查点（第 %d 条）%s", beijing(c.At), c.Seq, problem)
		}
		res.NeedsKey = res.NeedsKey || needsKey
		bySeq[c.Seq] = append(bySeq[c.Seq], c)
		if newest == nil || c.Seq > newest.Seq {
			newest = c
		}
	}
	var headSeq int64
	if err := db.read.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&headSeq); err != nil {
		return res, fmt.Errorf("store: verify audit: %w", err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return res, fmt.Errorf("store: verify audit: %w", err)
	}
	defer rows.Close()
	prev, want, lastAlg := disclosure.GenesisHash, int64(1), ""
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return res, fmt.Errorf("store: verify audit: %w", err)
		}
		res.Entries++
		keyed := disclosure.AuditAlgKeyed(e.Alg)
		switch {
		case e.Seq > want:
			broken(e.Seq, "第 %d 条之前缺少第 %d—%d 条：审计记录被删除", e.Seq, want, e.Seq-1)
		case e.Seq < want:
			broken(e.Seq, "第 %d 条的序号不在正确位置：审计记录被插入或改动了序号", e.Seq)
		case e.PrevHash != prev:
			broken(e.Seq, "第 %d 条与前一条的链接不符：审计记录被删除、插入或调换了顺序", e.Seq)
		case !keyed && res.Keyed > 0:
			broken(e.Seq, "第 %d 条起的审计记录不再以审计密钥计算哈希（第 %d 条起已使用密钥）：审计记录被不知道密钥的人改写", e.Seq, res.KeyedFrom)
		case keyed && db.audit.Key == nil:
			res.NeedsKey = true
		default:
			h, err := db.audit.entryHash(&e)
			if err != nil {
				broken(e.Seq, "第 %d 条的哈希算法“%s”无法识别：该记录被修改过", e.Seq, e.Alg)
			} else if !hmac.Equal([]byte(h), []byte(e.Hash)) {
				broken(e.Seq, "第 %d 条的内容与其哈希值不符：该记录被修改过", e.Seq)
			}
		}
		for _, c := range bySeq[e.Seq] {
			if c.Hash != e.Hash {
				broken(e.Seq, "第 %d 条与%s的检查点不符：审计记录在检查点之后被改写", e.Seq, beijing(c.At))
			}
		}
		if keyed {
			if res.Keyed == 0 {
				res.KeyedFrom = e.Seq
			}
			res.Keyed++
		}
		prev, want, lastAlg = e.Hash, e.Seq+1, e.Alg
		res.LastSeq, res.LastHash = e.Seq, e.Hash
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("store: verify audit: %w", err)
	}
	// Every row the walk saw was committed together with a head at least as new, so reading the head again now
	// tells rows written by gongkai from rows added behind its back.
	var endSeq int64
	var endHash string
	if err := db.read.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&endSeq, &endHash); err != nil {
		return res, fmt.Errorf("store: verify audit: %w", err)
	}
	switch {
	case res.LastSeq < headSeq:
		broken(res.LastSeq+1, "最后的第 %d—%d 条审计记录缺失：审计记录被删除", res.LastSeq+1, headSeq)
	case res.LastSeq > endSeq:
		broken(endSeq+1, "第 %d 条起的审计记录不是由本程序写入（链头记录为第 %d 条）", endSeq+1, endSeq)
	case res.LastSeq == endSeq && res.LastHash != endHash:
		broken(res.LastSeq, "第 %d 条与链头记录不符：审计记录被改写", res.LastSeq)
	}
	if newest != nil && newest.Seq > res.LastSeq {
		broken(res.LastSeq+1, "审计记录只到第 %d 条，而%s的检查点记到第 %d 条：末尾的审计记录被删除、链头被改回", res.LastSeq, beijing(newest.At), newest.Seq)
	}
	// With the key at hand, a chain that ends in entries anyone could compute was rewritten without it — or this
	// key never wrote to it (StartAudit appends a keyed entry as soon as a writer has the key).
	if db.audit.Key != nil && res.Entries > 0 && !disclosure.AuditAlgKeyed(lastAlg) {
		broken(res.LastSeq, "已提供审计密钥，但最后一条（第 %d 条）不是以密钥计算的哈希：审计记录被不知道密钥的人改写，或尚未以该密钥启动过本程序", res.LastSeq)
	}
	if !res.OK {
		res.NeedsKey = false // what was found is proof enough, key or not
	} else if res.NeedsKey {
		res.OK = false
		res.Problem = fmt.Sprintf("第 %d 条起的审计记录以审计密钥计算哈希（HMAC），须提供审计密钥文件（--audit-key-file 或环境变量 GONGKAI_AUDIT_KEY_FILE）才能校验", max(res.KeyedFrom, 1))
	}
	return res, nil
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
