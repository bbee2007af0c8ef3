package storetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// testAuditKey is the audit key of the tests; their attacker does not know it.
var testAuditKey = bytes.Repeat([]byte{0x5a, 0xc3}, 16)

// mustKeyedTrail opens a fresh database whose audit chain is keyed with testAuditKey and the hash, and writes n
// entries in all: the audit.config entry that starts the keyed chain, a region, and events.
func mustKeyedTrail(t *testing.T, open Opener, hash string, n int) *store.DB {
	t.Helper()
	db := MustMigrate(t, open)
	if err := db.SetAuditConfig(store.AuditConfig{Key: testAuditKey, Hash: hash}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	gov := MustRegion(t, db)
	for i := 2; i < n; i++ {
		if i%10 == 0 {
			mustAgency(t, db, disclosure.Department, gov, fmt.Sprintf("局%d", i))
		} else if err := db.RecordEvent(context.Background(), officer, "audit.export", "audit_log", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// allEntries returns every audit entry, oldest first.
func allEntries(t *testing.T, db *store.DB) []disclosure.AuditEntry {
	t.Helper()
	var out []disclosure.AuditEntry
	for offset := 0; ; offset += 1000 {
		page, err := db.ListAudit(context.Background(), disclosure.AuditFilter{Limit: 1000, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < 1000 {
			break
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// rehash recomputes the links and hashes of entries, the first linked to prev, with plain SHA-256 as the old
// scheme did: all an attacker without the key can do. relabel also marks them as plain SHA-256 entries.
func rehash(entries []disclosure.AuditEntry, prev string, relabel bool) {
	for i := range entries {
		e := &entries[i]
		if relabel {
			e.Alg = disclosure.AuditSHA256
		}
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
	}
}

// replaceTail does what an attacker with write access to the database does: it replaces every entry from the
// first of tail on with tail, and moves the head to tail's last entry.
func replaceTail(t *testing.T, db *store.DB, tail []disclosure.AuditEntry) {
	t.Helper()
	mustExec(t, db, `DELETE FROM audit_log WHERE seq >= $1`, tail[0].Seq)
	for _, e := range tail {
		mustExec(t, db, `INSERT INTO audit_log (seq, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, prev_hash, hash, alg)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			e.Seq, e.At.UnixMicro(), e.ActorID, e.ActorName, e.Role, e.RemoteAddr, e.Action, e.ObjectType, e.ObjectID,
			string(e.Before), string(e.After), e.PrevHash, e.Hash, e.Alg)
	}
	last := tail[len(tail)-1]
	mustExec(t, db, `UPDATE audit_head SET seq = $1, hash = $2, alg = $3 WHERE id = 1`, last.Seq, last.Hash, last.Alg)
}

func wantBroken(t *testing.T, res store.VerifyResult, err error, want string) {
	t.Helper()
	if err != nil || res.OK || !strings.Contains(res.Problem, want) {
		t.Errorf("verify = %+v, %v; want broken: %s", res, err, want)
	}
}

// runAudit tests the audit key and the checkpoints as an attacker who can write the database (but does not know
// the key, and cannot reach the checkpoints kept elsewhere) would try to beat them.
func runAudit(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("a keyed trail resists a database writer who rehashes it", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			// edit changes the entries (oldest first, from seq 1) and returns the index from which the attacker
			// rewrites the chain.
			edit    func(es []disclosure.AuditEntry) int
			relabel bool
			want    string
		}{
			{name: "an edited row with every later hash and the head recomputed",
				edit: func(es []disclosure.AuditEntry) int { es[5].ActorName = "李四"; return 5 },
				want: "第 6 条的内容与其哈希值不符"},
			{name: "the same, the rewritten rows relabelled as plain SHA-256",
				edit:    func(es []disclosure.AuditEntry) int { es[5].ActorName = "李四"; return 5 },
				relabel: true, want: "第 6 条起的审计记录不再以审计密钥计算哈希"},
			{name: "the whole chain rewritten as plain SHA-256 from its first row",
				edit:    func(es []disclosure.AuditEntry) int { es[0].ObjectID = "0"; return 0 },
				relabel: true, want: "不是以密钥计算的哈希"},
			{name: "the last row alone rewritten",
				edit: func(es []disclosure.AuditEntry) int { n := len(es) - 1; es[n].RemoteAddr = "10.9.9.9"; return n },
				want: "被修改过"},
			{name: "two rows reordered and the chain recomputed",
				edit: func(es []disclosure.AuditEntry) int {
					es[3], es[4] = es[4], es[3]
					es[3].Seq, es[4].Seq = 4, 5
					return 3
				},
				want: "第 4 条的内容与其哈希值不符"},
			{name: "two rows reordered, relabelled",
				edit: func(es []disclosure.AuditEntry) int {
					es[3], es[4] = es[4], es[3]
					es[3].Seq, es[4].Seq = 4, 5
					return 3
				},
				relabel: true, want: "第 4 条起的审计记录不再以审计密钥计算哈希"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				db := mustKeyedTrail(t, open, "sha256", 12)
				mustVerify(t, db, 12)
				es := allEntries(t, db)
				from := tc.edit(es)
				prev := disclosure.GenesisHash
				if from > 0 {
					prev = es[from-1].Hash
				}
				tail := es[from:]
				rehash(tail, prev, tc.relabel)
				replaceTail(t, db, tail)
				// Without the key the whole-chain rewrite is self-consistent: what the attacker relies on.
				if tc.relabel && from == 0 {
					unkeyed := mustAnother(t, db)
					unkeyed.SetAuditConfig(store.AuditConfig{})
					if res, err := unkeyed.VerifyAudit(ctx); err != nil || !res.OK {
						t.Fatalf("the rewrite is not self-consistent: %+v, %v", res, err)
					}
				}
				res, err := db.VerifyAudit(ctx)
				wantBroken(t, res, err, tc.want)
				// A process that has the key (every gongkai serve) refuses to extend a chain rewritten after keyed rows.
				if from > 0 || !tc.relabel {
					if _, err := db.StartAudit(ctx); code(err) != disclosure.EConflict {
						t.Errorf("start on a rewritten chain: %v", err)
					}
				}
			})
		}
	})

	t.Run("a trail rehashed with a guessed key does not verify", func(t *testing.T) {
		db := mustKeyedTrail(t, open, "sha256", 8)
		es := allEntries(t, db)
		guess := mustAnother(t, db)
		guess.SetAuditConfig(store.AuditConfig{Key: bytes.Repeat([]byte{1}, 32)})
		// The attacker's own gongkai, with its own key, rewrites from row 3 on.
		mustExec(t, db, `DELETE FROM audit_log WHERE seq >= 3`)
		mustExec(t, db, `UPDATE audit_head SET seq = 2, hash = $1 WHERE id = 1`, es[1].Hash)
		for i := 3; i <= 8; i++ {
			if err := guess.RecordEvent(ctx, officer, "audit.export", "audit_log", "x"); err != nil {
				t.Fatal(err)
			}
		}
		res, err := db.VerifyAudit(ctx)
		wantBroken(t, res, err, "第 3 条的内容与其哈希值不符")
	})

	t.Run("cutting the last 100 rows and moving the head back is caught by a checkpoint", func(t *testing.T) {
		db := mustKeyedTrail(t, open, "sha256", 130)
		file := filepath.Join(t.TempDir(), "audit-checkpoints.jsonl")
		cpr := &store.AuditCheckpointer{DB: db, Path: file}
		if _, err := cpr.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		es := allEntries(t, db)
		if len(es) != 130 {
			t.Fatalf("%d entries", len(es))
		}
		keep := es[len(es)-101]
		mustExec(t, db, `DELETE FROM audit_log WHERE seq > $1`, keep.Seq)
		mustExec(t, db, `UPDATE audit_head SET seq = $1, hash = $2, alg = $3 WHERE id = 1`, keep.Seq, keep.Hash, keep.Alg)
		// The key alone cannot see it: what is left is a genuine, keyed chain.
		if res, err := db.VerifyAudit(ctx); err != nil || !res.OK || res.Entries != 30 {
			t.Fatalf("truncated chain without checkpoints: %+v, %v", res, err)
		}
		cps, err := store.ReadAuditCheckpoints(file)
		if err != nil || len(cps) != 1 || cps[0].Seq != 130 || cps[0].Sig == "" {
			t.Fatalf("checkpoints = %+v, %v", cps, err)
		}
		res, err := db.VerifyAuditCheckpoints(ctx, cps)
		wantBroken(t, res, err, "审计记录只到第 30 条，而")
		if !strings.Contains(res.Problem, "记到第 130 条") || res.BrokenAt != 31 {
			t.Errorf("problem = %q at %d", res.Problem, res.BrokenAt)
		}
		if problem, err := db.CheckAuditCheckpoint(ctx, cps[0]); err != nil || !strings.Contains(problem, "已没有这一条") {
			t.Errorf("quick check = %q, %v", problem, err)
		}
		// Moving the checkpoint back in the file breaks its signature.
		forged := cps[0]
		forged.Seq, forged.Hash = keep.Seq, keep.Hash
		res, err = db.VerifyAuditCheckpoints(ctx, []disclosure.AuditCheckpoint{forged})
		wantBroken(t, res, err, "签名不符")
		// A checkpoint without a signature, as the attacker would write it, is refused too.
		forged.Sig, forged.SigAlg, forged.KeyID = "", "", ""
		res, err = db.VerifyAuditCheckpoints(ctx, []disclosure.AuditCheckpoint{forged})
		wantBroken(t, res, err, "没有签名")
	})

	t.Run("a rewrite before a checkpoint is caught even on a chain without a key", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		for i := range 5 {
			mustAgency(t, db, disclosure.Department, gov, fmt.Sprintf("局%d", i))
		}
		cp, err := db.TakeAuditCheckpoint(ctx)
		if err != nil || cp.Seq != 6 || cp.Sig != "" || cp.Alg != disclosure.AuditSHA256 {
			t.Fatalf("checkpoint = %+v, %v", cp, err)
		}
		es := allEntries(t, db)
		es[1].ActorName = "李四"
		rehash(es[1:], es[0].Hash, false)
		replaceTail(t, db, es[1:])
		if res, err := db.VerifyAudit(ctx); err != nil || !res.OK {
			t.Fatalf("the unkeyed rewrite should pass without checkpoints: %+v, %v", res, err)
		}
		res, err := db.VerifyAuditCheckpoints(ctx, []disclosure.AuditCheckpoint{cp})
		wantBroken(t, res, err, "第 6 条与")
	})

	t.Run("the honest keyed trail passes, across restarts and with checkpoints", func(t *testing.T) {
		db := mustKeyedTrail(t, open, "sha256", 20)
		file := filepath.Join(t.TempDir(), "cp.jsonl")
		cpr := &store.AuditCheckpointer{DB: db, Path: file, Every: 5}
		if _, err := cpr.Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		// A restart: a new handle (a new process) with the same key goes on with the chain, no new config entry.
		again := mustAnother(t, db)
		again.SetAuditConfig(store.AuditConfig{Key: testAuditKey})
		if added, err := again.StartAudit(ctx); err != nil || added != nil {
			t.Fatalf("restart = %+v, %v", added, err)
		}
		if err := again.RecordEvent(ctx, officer, "audit.export", "audit_log", "重启后"); err != nil {
			t.Fatal(err)
		}
		if _, err := (&store.AuditCheckpointer{DB: again, Path: file}).Checkpoint(ctx); err != nil {
			t.Fatal(err)
		}
		cps, err := store.ReadAuditCheckpoints(file)
		if err != nil || len(cps) != 2 {
			t.Fatalf("%+v, %v", cps, err)
		}
		res, err := again.VerifyAuditCheckpoints(ctx, cps)
		if err != nil || !res.OK || res.Entries != 21 || res.Keyed != 21 || res.KeyedFrom != 1 || res.Checkpoints != 2 {
			t.Errorf("verify = %+v, %v", res, err)
		}
		for _, cp := range cps {
			if problem, err := again.CheckAuditCheckpoint(ctx, cp); problem != "" || err != nil {
				t.Errorf("quick check: %q, %v", problem, err)
			}
		}
		// Without the key the keyed rows cannot be checked: that is said, not passed.
		blind := mustAnother(t, db)
		blind.SetAuditConfig(store.AuditConfig{})
		res, err = blind.VerifyAuditCheckpoints(ctx, cps)
		if err != nil || res.OK || !res.NeedsKey || !strings.Contains(res.Problem, "须提供审计密钥文件") {
			t.Errorf("verify without the key = %+v, %v", res, err)
		}
		// ... and a writer without the key cannot extend the keyed chain.
		if err := blind.RecordEvent(ctx, officer, "audit.export", "audit_log", ""); code(err) != disclosure.EConflict {
			t.Errorf("unkeyed write on a keyed chain: %v", err)
		}
		if _, err := blind.StartAudit(ctx); code(err) != disclosure.EConflict {
			t.Errorf("unkeyed start on a keyed chain: %v", err)
		}
		// Nor can a writer with another key.
		other := mustAnother(t, db)
		other.SetAuditConfig(store.AuditConfig{Key: bytes.Repeat([]byte{7}, 32)})
		if _, err := other.StartAudit(ctx); code(err) != disclosure.EConflict || !strings.Contains(err.Error(), "审计密钥") {
			t.Errorf("start with another key: %v", err)
		}
		mustVerify(t, again, 21)
	})

	t.Run("an old unkeyed trail becomes keyed without rewriting its history", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		old := allEntries(t, db)
		// The database as it was before migration 00020: no algorithm column anywhere. Migration 00020's own
		// statements (read from its file; goose will not re-apply a migration below later ones) label every
		// existing row plain SHA-256, and they verify as before.
		mustExec(t, db, `ALTER TABLE audit_log DROP COLUMN alg`)
		mustExec(t, db, `ALTER TABLE audit_head DROP COLUMN alg`)
		raw, err := os.ReadFile(filepath.Join("migrations", db.Dialect(), "00020_audit_alg.sql"))
		if err != nil {
			t.Fatal(err)
		}
		up, _, _ := strings.Cut(string(raw), "-- +goose Down")
		var code []string
		for _, l := range strings.Split(up, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "--") {
				code = append(code, l)
			}
		}
		for _, stmt := range strings.Split(strings.Join(code, " "), ";") {
			if stmt = strings.TrimSpace(stmt); stmt != "" {
				mustExec(t, db, stmt)
			}
		}
		mustVerify(t, db, 2)
		if err := db.SetAuditConfig(store.AuditConfig{Key: testAuditKey}); err != nil {
			t.Fatal(err)
		}
		added, err := db.StartAudit(ctx)
		if err != nil || added == nil || added.Seq != 3 || added.Action != "audit.config" || added.Alg != disclosure.AuditHMACSHA256 ||
			!strings.Contains(string(added.After), db.AuditConfig().KeyID()) {
			t.Fatalf("config entry = %+v, %v", added, err)
		}
		mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		now := allEntries(t, db)
		for i, e := range old {
			if now[i].Hash != e.Hash || now[i].Alg != disclosure.AuditSHA256 {
				t.Errorf("entry %d changed: %+v", e.Seq, now[i])
			}
		}
		res, err := db.VerifyAudit(ctx)
		if err != nil || !res.OK || res.Entries != 4 || res.KeyedFrom != 3 || res.Keyed != 2 {
			t.Errorf("verify = %+v, %v", res, err)
		}
		// Rewriting the unkeyed history needs every keyed row after it rewritten too, which the key stops.
		es := allEntries(t, db)
		es[0].ActorName = "李四"
		rehash(es, disclosure.GenesisHash, true)
		replaceTail(t, db, es)
		res, err = db.VerifyAudit(ctx)
		wantBroken(t, res, err, "不是以密钥计算的哈希")
	})

	t.Run("SM3 chains and checkpoints verify, and catch a rewrite", func(t *testing.T) {
		db := mustKeyedTrail(t, open, "sm3", 10)
		es := allEntries(t, db)
		for _, e := range es {
			if e.Alg != disclosure.AuditHMACSM3 {
				t.Fatalf("entry %d is %s", e.Seq, e.Alg)
			}
		}
		cp, err := db.TakeAuditCheckpoint(ctx)
		if err != nil || cp.SigAlg != disclosure.AuditHMACSM3 || cp.Alg != disclosure.AuditHMACSM3 {
			t.Fatalf("checkpoint = %+v, %v", cp, err)
		}
		res, err := db.VerifyAuditCheckpoints(ctx, []disclosure.AuditCheckpoint{cp})
		if err != nil || !res.OK || res.Keyed != 10 {
			t.Errorf("verify = %+v, %v", res, err)
		}
		// Switching back to SHA-256 with the same key is recorded, and both parts verify.
		db.SetAuditConfig(store.AuditConfig{Key: testAuditKey, Hash: "sha256"})
		if added, err := db.StartAudit(ctx); err != nil || added == nil || added.Alg != disclosure.AuditHMACSHA256 {
			t.Fatalf("switch = %+v, %v", added, err)
		}
		mustVerify(t, db, 11)
		// An SM3 trail without a key is plain SM3, which a database writer can recompute — and a checkpoint catches.
		plain := MustMigrate(t, open)
		plain.SetAuditConfig(store.AuditConfig{Hash: "sm3"})
		MustRegion(t, plain)
		if e := allEntries(t, plain); e[0].Alg != disclosure.AuditSM3 || e[0].Hash == e[0].ComputeHash() {
			t.Errorf("plain SM3 entry = %+v", e[0])
		}
		mustVerify(t, plain, 1)
		// Tampering with an SM3 row is found.
		mustExec(t, db, `UPDATE audit_log SET actor_name = '李四' WHERE seq = 4`)
		res, err = db.VerifyAudit(ctx)
		wantBroken(t, res, err, "第 4 条的内容与其哈希值不符")
	})
}
