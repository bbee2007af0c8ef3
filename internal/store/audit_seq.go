package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// The audit sequencer (docs/decisions/0014-audit-sequencer.md). Writers put their entries in audit_pending inside
// their own transactions (appendAudit); SequenceAudit moves the committed ones into audit_log, numbered and chained,
// in one transaction per batch. Only the sequencer reads or writes audit_head's seq and hash, and only one
// sequencer works at a time on a database: it holds the head row (FOR UPDATE SKIP LOCKED on PostgreSQL, so that a
// second one skips its turn instead of waiting; the write lock on SQLite).
//
// Order. A batch is every pending entry the batch's statement can see — those whose transactions committed before
// it — in the order of their ids. An entry whose transaction commits later, whatever its id, is in a later batch,
// so no committed entry is ever skipped; and the chain's order never contradicts cause and effect: if a
// transaction saw another's change, the other committed first and took its id first, so it is in an earlier batch
// or earlier in the same one.

// auditBatch is the most pending entries one sequencer transaction chains.
const auditBatch = 500

// auditSequencer is a DB's share of the sequencing: one pass at a time per process, and whether a write since the
// last pass left an entry pending.
type auditSequencer struct {
	mu sync.Mutex
	// written is set by appendAudit and cleared by the pass after the commit.
	written atomic.Bool
	// manual leaves the chaining to the background sequencer (SetAuditSequencing).
	manual atomic.Bool
}

// SetAuditSequencing says whether each committed write chains its audit entry at once (eager, the default: the
// writer then runs a pass of SequenceAudit that waits for nobody and is skipped when another pass is at work), or
// leaves it pending for the background sequencer (jobs' audit lane, every second). Either way entries reach the
// chain in the same order; eager only shortens the wait. Tests and benchmarks turn it off to see pending entries.
func (db *DB) SetAuditSequencing(eager bool) { db.seq.manual.Store(!eager) }

// afterCommit runs the eager pass after a write transaction that appended to the audit trail has committed.
func (db *DB) afterCommit(ctx context.Context) {
	if db.seq.manual.Load() || !db.seq.written.Load() {
		return
	}
	// Errors are the background sequencer's to report: the write itself succeeded, and its entry is safe pending.
	db.sequenceAudit(ctx, false)
}

// errAuditBusy says that another sequencer holds the chain's head: its pass will chain what is pending.
var errAuditBusy = errors.New("audit sequencer busy")

// SequenceAudit chains the committed pending audit entries, oldest first, and returns how many it chained. It
// returns at once, chaining nothing, when another sequencer (in this process or another) is at work. An entry that
// fails its own MAC — changed while pending — is not chained, nor is anything after it: the error says which, and
// `gongkai audit verify` reports it too. Entries hashed with the audit key cannot be chained without it
// (errNoAuditKey); a process with the key chains them.
func (db *DB) SequenceAudit(ctx context.Context) (int, error) {
	n, err := db.sequenceAudit(ctx, false)
	if err != nil {
		return n, fmt.Errorf("store: sequence audit: %w", err)
	}
	return n, nil
}

// sequenceAudit runs batches until nothing committed is left pending. With wait it waits for another sequencer to
// finish instead of skipping.
func (db *DB) sequenceAudit(ctx context.Context, wait bool) (int, error) {
	if wait {
		db.seq.mu.Lock()
	} else if !db.seq.mu.TryLock() {
		return 0, nil
	}
	defer db.seq.mu.Unlock()
	// Entries written from here on are seen by this pass, or leave the flag set for the next.
	db.seq.written.Store(false)
	total := 0
	for {
		n, more, err := db.sequenceBatch(ctx, wait)
		total += n
		if errors.Is(err, errAuditBusy) {
			return total, nil
		}
		if err != nil || !more {
			return total, err
		}
	}
}

// pendingEntry is an audit entry waiting for the chain, as audit_pending holds it.
type pendingEntry struct {
	disclosure.AuditEntry
	id    int64
	nonce string
	mac   string
}

const pendingColumns = `id, nonce, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, alg, mac`

func scanPending(rows interface{ Scan(...any) error }) (pendingEntry, error) {
	var p pendingEntry
	var at int64
	var actor sql.NullInt64
	var before, after string
	if err := rows.Scan(&p.id, &p.nonce, &at, &actor, &p.ActorName, &p.Role, &p.RemoteAddr, &p.Action, &p.ObjectType, &p.ObjectID, &before, &after, &p.Alg, &p.mac); err != nil {
		return p, err
	}
	p.At = time.UnixMicro(at).UTC()
	if actor.Valid {
		p.ActorID = &actor.Int64
	}
	if before != "" {
		p.Before = json.RawMessage(before)
	}
	if after != "" {
		p.After = json.RawMessage(after)
	}
	return p, nil
}

// checkPending says what is wrong with a pending entry ("" when nothing), or that it needs the key to be checked.
// keyedChain says whether the chain (or the pending entries before it) is keyed already.
func (c AuditConfig) checkPending(p *pendingEntry, keyedChain bool) (problem string, needsKey bool) {
	keyed := disclosure.AuditAlgKeyed(p.Alg)
	switch {
	case !keyed && keyedChain:
		return "不是以审计密钥计算的，而审计记录已使用密钥：该记录不是由本程序写入", false
	case keyed && c.Key == nil:
		return "", true
	}
	mac, err := c.pendingMAC(&p.AuditEntry, p.nonce)
	if err != nil {
		return fmt.Sprintf("的哈希算法“%s”无法识别：该记录被修改过", p.Alg), false
	}
	if !hmac.Equal([]byte(mac), []byte(p.mac)) {
		return "的内容与其 MAC 不符：该记录被修改过", false
	}
	return "", false
}

// pendingMAC is a pending entry's own MAC: the entry's digest with no sequence number and, in place of the link,
// "pending:" and the entry's nonce. It cannot pass for a chained entry's hash (whose link is a hash), and the nonce
// — unique in audit_pending — makes a copied entry a duplicate the database refuses.
func (c AuditConfig) pendingMAC(e *disclosure.AuditEntry, nonce string) (string, error) {
	p := *e
	p.Seq, p.PrevHash = 0, "pending:"+nonce
	return c.entryHash(&p)
}

// newAuditNonce returns 16 random bytes in hex.
func newAuditNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// errPendingTampered is the sequencer's refusal to chain a pending entry that fails its MAC.
func errPendingTampered(id int64, problem string) error {
	return disclosure.Errorf(disclosure.EConflict, "待入链的审计记录（编号 %d）%s；它和其后的记录不会写入哈希链，请运行 gongkai audit verify", id, problem)
}

// sequenceBatch chains up to auditBatch pending entries in one transaction. It returns errAuditBusy when another
// sequencer holds the head, and whether more entries may be waiting.
func (db *DB) sequenceBatch(ctx context.Context, wait bool) (chained int, more bool, err error) {
	var stop error
	err = db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		chained, more, stop = 0, false, nil
		lock := db.d.skipLocked()
		if wait {
			lock = db.d.forUpdate()
		}
		var headSeq int64
		var headHash, headAlg string
		err := tx.QueryRowContext(ctx, `SELECT seq, hash, alg FROM audit_head WHERE id = 1`+lock).Scan(&headSeq, &headHash, &headAlg)
		if errors.Is(err, sql.ErrNoRows) {
			return errAuditBusy
		}
		if err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		// One statement, one snapshot: every entry committed before it, in id order.
		rows, err := tx.QueryContext(ctx, `SELECT `+pendingColumns+` FROM audit_pending ORDER BY id LIMIT `+fmt.Sprint(auditBatch+1))
		if err != nil {
			return fmt.Errorf("audit pending: %w", err)
		}
		var batch []pendingEntry
		for rows.Next() {
			p, err := scanPending(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("audit pending: %w", err)
			}
			batch = append(batch, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("audit pending: %w", err)
		}
		if len(batch) > auditBatch {
			batch, more = batch[:auditBatch], true
		}
		var out []disclosure.AuditEntry
		var ids []any
		for i := range batch {
			p := &batch[i]
			problem, needsKey := db.audit.checkPending(p, disclosure.AuditAlgKeyed(headAlg))
			if needsKey {
				stop, more = errNoAuditKey, false
				break
			}
			if problem != "" {
				stop, more = errPendingTampered(p.id, problem), false
				break
			}
			e := p.AuditEntry
			e.Seq, e.PrevHash = headSeq+1, headHash
			if e.Hash, err = db.audit.entryHash(&e); err != nil {
				return err
			}
			headSeq, headHash, headAlg = e.Seq, e.Hash, e.Alg
			out = append(out, e)
			ids = append(ids, p.id)
		}
		if len(out) == 0 {
			return nil
		}
		if err := insertChained(ctx, tx, out); err != nil {
			return err
		}
		// Exactly the entries chained: others, committed since the SELECT, wait for the next batch.
		for start := 0; start < len(ids); start += 100 {
			part := ids[start:min(start+100, len(ids))]
			marks := make([]string, len(part))
			for j := range part {
				marks[j] = fmt.Sprintf("$%d", j+1)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM audit_pending WHERE id IN (`+strings.Join(marks, ", ")+`)`, part...); err != nil {
				return fmt.Errorf("audit pending: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2, alg = $3 WHERE id = 1`, headSeq, headHash, headAlg); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		chained = len(out)
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return chained, more, stop
}

// insertChained writes chained entries to audit_log, many to a statement.
func insertChained(ctx context.Context, tx *sql.Tx, es []disclosure.AuditEntry) error {
	const per = 50
	for start := 0; start < len(es); start += per {
		part := es[start:min(start+per, len(es))]
		var vals []string
		var args []any
		for _, e := range part {
			n := len(args)
			marks := make([]string, 14)
			for j := range marks {
				marks[j] = fmt.Sprintf("$%d", n+j+1)
			}
			vals = append(vals, "("+strings.Join(marks, ", ")+")")
			args = append(args, e.Seq, e.At.UnixMicro(), e.ActorID, e.ActorName, e.Role, e.RemoteAddr, e.Action, e.ObjectType, e.ObjectID,
				string(e.Before), string(e.After), e.PrevHash, e.Hash, e.Alg)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES `+strings.Join(vals, ", "), args...); err != nil {
			return fmt.Errorf("append audit: %w", err)
		}
	}
	return nil
}

// PendingAudit returns how many audit entries wait for the sequencer.
func (db *DB) PendingAudit(ctx context.Context) (int64, error) {
	var n int64
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_pending`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: pending audit: %w", err)
	}
	return n, nil
}

// AuditSequencer chains pending audit entries in the background: every Every (default 1 s) it runs SequenceAudit.
// Every gongkai serve runs one; the head row lets one of them work at a time, the others skip their turn.
type AuditSequencer struct {
	DB    *DB
	Every time.Duration
	// Report is told each pass's result, to log it: how many entries it chained and its error. A pass that chained
	// nothing without error may have skipped its turn (another sequencer was at work).
	Report func(chained int, err error)
}

// Run sequences until ctx ends, and once more then, so that a stopping process leaves nothing of its own pending.
func (s *AuditSequencer) Run(ctx context.Context) {
	every := s.Every
	if every <= 0 {
		every = time.Second
	}
	pass := func(ctx context.Context) {
		n, err := s.DB.SequenceAudit(ctx)
		if s.Report != nil && ctx.Err() == nil {
			s.Report(n, err)
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		pass(ctx)
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			pass(final)
			cancel()
			return
		case <-t.C:
		}
	}
}
