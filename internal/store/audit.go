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

// appendAudit records a change in the audit trail inside the change's transaction: who, when, from where, what,
// and the object before → after. The entry goes to audit_pending with its own MAC and no link to the chain, in
// one statement that takes no lock, so that writers of different agencies never wait on each other for the trail;
// the sequencer (SequenceAudit) chains it once the transaction has committed. A rollback takes the entry with
// it. The same statement refuses an entry without the key on a chain that is keyed (errNoAuditKey).
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, actor disclosure.Actor, action, objectType, objectID string, before, after any) error {
	e := disclosure.AuditEntry{Alg: db.audit.alg(), At: db.now().UTC().Truncate(time.Microsecond)}
	e.ActorID, e.ActorName, e.Role, e.RemoteAddr = actor.UserID, actor.Name, actor.Role, actor.RemoteAddr
	e.Action, e.ObjectType, e.ObjectID = action, objectType, objectID
	var err error
	if e.Before, err = marshalOrNil(before); err != nil {
		return err
	}
	if e.After, err = marshalOrNil(after); err != nil {
		return err
	}
	nonce := newAuditNonce()
	mac, err := db.audit.pendingMAC(&e, nonce)
	if err != nil {
		return err
	}
	// INSERT … SELECT from the head reads it without locking it; the casts give PostgreSQL the parameters' types.
	res, err := tx.ExecContext(ctx, `INSERT INTO audit_pending (nonce, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, alg, mac)
		SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT), CAST($3 AS BIGINT), CAST($4 AS TEXT), CAST($5 AS TEXT), CAST($6 AS TEXT), CAST($7 AS TEXT),
			CAST($8 AS TEXT), CAST($9 AS TEXT), CAST($10 AS TEXT), CAST($11 AS TEXT), CAST($12 AS TEXT), CAST($13 AS TEXT)
		FROM audit_head WHERE id = 1 AND (alg NOT IN ($14, $15) OR CAST($12 AS TEXT) IN ($14, $15))`,
		nonce, e.At.UnixMicro(), e.ActorID, e.ActorName, e.Role, e.RemoteAddr, e.Action, e.ObjectType, e.ObjectID,
		string(e.Before), string(e.After), e.Alg, mac, disclosure.AuditHMACSHA256, disclosure.AuditHMACSM3)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("append audit: %w", err)
	} else if n != 1 {
		// A keyed chain stays keyed: an entry anyone could recompute must not follow one only the key holder could.
		return errNoAuditKey
	}
	db.seq.written.Store(true)
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

// ListAudit returns the audit rows the filter selects, newest first: the entries still waiting for the sequencer
// first (Seq 0, Hash their own MAC, no PrevHash), then the chained ones. Both are read in one snapshot, so that an
// entry the sequencer moves meanwhile shows once.
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
	f.Offset = max(f.Offset, 0)
	var opts *sql.TxOptions
	if db.d.name() == "postgres" {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer tx.Rollback()
	pw := where{clauses: w.clauses, args: append([]any(nil), w.args...)}
	pending, err := queryAudit(ctx, tx, `SELECT 0, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, '', mac, alg
		FROM audit_pending`+pw.sql()+` ORDER BY id DESC LIMIT `+pw.next(f.Offset+f.Limit), pw.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	var out []disclosure.AuditEntry
	offset := f.Offset
	if offset < len(pending) {
		out = pending[offset:]
		offset = 0
	} else {
		offset -= len(pending)
	}
	if len(out) < f.Limit {
		q := `SELECT ` + auditColumns + ` FROM audit_log` + w.sql() + ` ORDER BY seq DESC LIMIT ` + w.next(f.Limit-len(out)) + ` OFFSET ` + w.next(offset)
		chained, err := queryAudit(ctx, tx, q, w.args...)
		if err != nil {
			return nil, fmt.Errorf("store: list audit: %w", err)
		}
		out = append(out, chained...)
	}
	return out, nil
}

func queryAudit(ctx context.Context, q queryer, query string, args ...any) ([]disclosure.AuditEntry, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []disclosure.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
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
// first, and rows appended after it are checked like the rest. The entries still waiting for the sequencer are
// checked last, each against its own MAC, and counted in Pending (and Entries).
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
	chained := res.Entries
	if err := db.verifyPending(ctx, &res, broken); err != nil {
		return res, fmt.Errorf("store: verify audit: %w", err)
	}
	if newest != nil && newest.Seq > res.LastSeq {
		broken(res.LastSeq+1, "审计记录只到第 %d 条，而%s的检查点记到第 %d 条：末尾的审计记录被删除、链头被改回", res.LastSeq, beijing(newest.At), newest.Seq)
	}
	// With the key at hand, a chain that ends in entries anyone could compute was rewritten without it — or this
	// key never wrote to it (StartAudit appends a keyed entry as soon as a writer has the key).
	if db.audit.Key != nil && chained > 0 && !disclosure.AuditAlgKeyed(lastAlg) {
		broken(res.LastSeq, "已提供审计密钥，但最后一条（第 %d 条）不是以密钥计算的哈希：审计记录被不知道密钥的人改写，或尚未以该密钥启动过本程序", res.LastSeq)
	}
	if !res.OK {
		res.NeedsKey = false // what was found is proof enough, key or not
	} else if res.NeedsKey {
		res.OK = false
		from := fmt.Sprintf("第 %d 条起的审计记录", max(res.KeyedFrom, 1))
		if res.Keyed == 0 {
			from = "待入链的审计记录"
		}
		res.Problem = from + "以审计密钥计算哈希（HMAC），须提供审计密钥文件（--audit-key-file 或环境变量 GONGKAI_AUDIT_KEY_FILE）才能校验"
	}
	return res, nil
}

// verifyPending checks the entries waiting for the sequencer, in the order they will be chained: each one's own MAC,
// and that none is unkeyed after keyed ones. Their count goes to res.Pending and res.Entries.
func (db *DB) verifyPending(ctx context.Context, res *VerifyResult, broken func(seq int64, format string, args ...any)) error {
	rows, err := db.read.QueryContext(ctx, `SELECT `+pendingColumns+` FROM audit_pending ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	keyed := res.Keyed > 0
	for rows.Next() {
		p, err := scanPending(rows)
		if err != nil {
			return err
		}
		res.Entries++
		res.Pending++
		problem, needsKey := db.audit.checkPending(&p, keyed)
		if problem != "" {
			broken(res.LastSeq+1, "待入链的审计记录（编号 %d）%s", p.id, problem)
		}
		res.NeedsKey = res.NeedsKey || needsKey
		keyed = keyed || disclosure.AuditAlgKeyed(p.Alg)
	}
	return rows.Err()
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
