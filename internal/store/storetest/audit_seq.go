package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// createCase is mustCreateCase for goroutines: it returns the error instead of failing the test.
func createCase(db *store.DB, a *disclosure.Agency, app disclosure.Application) (*disclosure.CaseChange, error) {
	env := caseEnv(a)
	return db.CreateCase(context.Background(), officer, func(ctx context.Context, tx store.CaseBuildTx) (*disclosure.CaseChange, error) {
		prior, err := tx.PriorApplications(ctx, a.ID, app.Applicant.IDNumber)
		if err != nil {
			return nil, err
		}
		c, ev, err := casework.NewCase(casework.Intake{App: app, Actor: caseOfficer, Today: app.ReceivedOn, Now: time.Now()}, env, prior)
		if err != nil {
			return nil, err
		}
		return &disclosure.CaseChange{Case: *c, Event: ev}, nil
	})
}

// runAuditSequencer tests the audit trail written through audit_pending and chained by the sequencer (issue 14,
// item 2; docs/decisions/0014-audit-sequencer.md).
func runAuditSequencer(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("concurrent writers in two processes and two agencies, two sequencers: the chain verifies, numbering has no gap", func(t *testing.T) {
		db := MustMigrate(t, open)
		if err := db.SetAuditConfig(store.AuditConfig{Key: testAuditKey}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StartAudit(ctx); err != nil {
			t.Fatal(err)
		}
		other := mustAnother(t, db)
		gov := MustRegion(t, db)
		agencies := []*disclosure.Agency{
			mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局"),
			mustAgency(t, db, disclosure.Department, gov, "平阴县教育和体育局"),
		}
		before, err := db.VerifyAudit(ctx)
		if err != nil || !before.OK || before.Pending != 0 {
			t.Fatalf("before: %+v, %v", before, err)
		}
		// Only the sequencers chain: the writers leave every entry pending.
		db.SetAuditSequencing(false)
		other.SetAuditSequencing(false)
		const writers, each = 8, 50
		stop := make(chan struct{})
		var chained atomic.Int64
		var seqs sync.WaitGroup
		for _, s := range []*store.DB{db, other} {
			seqs.Go(func() {
				for {
					n, err := s.SequenceAudit(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					chained.Add(int64(n))
					select {
					case <-stop:
						return
					case <-time.After(time.Millisecond):
					}
				}
			})
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		numbers := map[int64][]string{}
		for w := range writers {
			handle := []*store.DB{db, other}[w%2]
			wg.Go(func() {
				for i := range each {
					a := agencies[(w+i)%2]
					n := w*each + i + 1
					if i%5 == 4 {
						if err := handle.RecordEvent(ctx, officer, "audit.export", "audit_log", fmt.Sprint(n)); err != nil {
							t.Error(err)
							return
						}
						continue
					}
					ch, err := createCase(handle, a, newApplication(day("2026-03-02"), n, disclosure.NaturalPerson))
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					numbers[a.ID] = append(numbers[a.ID], ch.Case.Number)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(stop)
		seqs.Wait()
		// What the last passes may have missed (committed after their snapshot) is chained now.
		n, err := other.SequenceAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		chained.Add(int64(n))
		if chained.Load() != writers*each {
			t.Errorf("the sequencers chained %d entries, want %d (each once)", chained.Load(), writers*each)
		}
		res, err := db.VerifyAudit(ctx)
		if err != nil || !res.OK || res.Pending != 0 || res.Entries != before.Entries+writers*each || res.LastSeq != res.Entries {
			t.Errorf("verify: %+v, %v", res, err)
		}
		for id, got := range numbers {
			slices.Sort(got)
			for i, num := range got {
				if want := fmt.Sprintf("2026-%04d", i+1); num != want {
					t.Fatalf("agency %d: number %d is %s, want %s (gap-free)", id, i+1, num, want)
				}
			}
		}
		if len(numbers[agencies[0].ID])+len(numbers[agencies[1].ID]) != writers*each*4/5 {
			t.Errorf("numbers: %d and %d", len(numbers[agencies[0].ID]), len(numbers[agencies[1].ID]))
		}
		// Every case's entry is in the chain once.
		seen := map[string]int{}
		for _, e := range allEntries(t, db) {
			if e.Action == "case.register" {
				seen[e.ObjectID]++
			}
		}
		if len(seen) != writers*each*4/5 {
			t.Errorf("%d cases in the chain, want %d", len(seen), writers*each*4/5)
		}
		for id, k := range seen {
			if k != 1 {
				t.Errorf("case %s chained %d times", id, k)
			}
		}
	})

	t.Run("a case that fails after taking its number gives the number back", func(t *testing.T) {
		db := MustMigrate(t, open)
		if err := db.SetAuditConfig(store.AuditConfig{Key: testAuditKey}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StartAudit(ctx); err != nil {
			t.Fatal(err)
		}
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		// A process without the audit key fails at the audit entry, the last write of the case, after its number.
		nokey := mustAnother(t, db)
		nokey.SetAuditConfig(store.AuditConfig{})
		if _, err := createCase(nokey, health, newApplication(day("2026-03-02"), 1, disclosure.NaturalPerson)); disclosure.ErrorCode(err) != disclosure.EConflict {
			t.Fatalf("case without the key: %v", err)
		}
		for i, want := range []string{"2026-0001", "2026-0002"} {
			ch, err := createCase(db, health, newApplication(day("2026-03-02"), i+2, disclosure.NaturalPerson))
			if err != nil || ch.Case.Number != want {
				t.Fatalf("case %d: %v, %v; want %s", i+1, ch, err, want)
			}
			if got, err := db.GetCase(ctx, ch.Case.ID); err != nil || got.Number != want {
				t.Errorf("stored number %q, %v; want %s", got.Number, err, want)
			}
		}
	})

	t.Run("pending entries are listed and verified before the sequencer chains them, then chained in order", func(t *testing.T) {
		db := MustMigrate(t, open)
		if err := db.SetAuditConfig(store.AuditConfig{Key: testAuditKey, Hash: "sm3"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StartAudit(ctx); err != nil {
			t.Fatal(err)
		}
		db.SetAuditSequencing(false)
		for i := range 3 {
			if err := db.RecordEvent(ctx, officer, "audit.export", "audit_log", fmt.Sprint(i)); err != nil {
				t.Fatal(err)
			}
		}
		list, err := db.ListAudit(ctx, disclosure.AuditFilter{})
		if err != nil || len(list) != 4 || list[0].Seq != 0 || list[0].ObjectID != "2" || list[2].ObjectID != "0" || list[3].Seq != 1 || list[3].Action != "audit.config" {
			t.Fatalf("list = %+v, %v", list, err)
		}
		if page, _ := db.ListAudit(ctx, disclosure.AuditFilter{Limit: 2, Offset: 2}); len(page) != 2 || page[0].ObjectID != "0" || page[1].Seq != 1 {
			t.Errorf("page across pending and chained = %+v", page)
		}
		res, err := db.VerifyAudit(ctx)
		if err != nil || !res.OK || res.Pending != 3 || res.Entries != 4 || res.LastSeq != 1 {
			t.Fatalf("verify with pending: %+v, %v", res, err)
		}
		if n, _ := db.PendingAudit(ctx); n != 3 {
			t.Errorf("pending = %d", n)
		}
		// Without the key the pending entries cannot be checked, and that is no pass.
		nokey := mustAnother(t, db)
		nokey.SetAuditConfig(store.AuditConfig{})
		if res, err := nokey.VerifyAudit(ctx); err != nil || res.OK || !res.NeedsKey {
			t.Errorf("verify without the key: %+v, %v", res, err)
		}
		// A writer without the key cannot add to the keyed trail, not even pending.
		if err := nokey.RecordEvent(ctx, officer, "audit.export", "audit_log", "x"); disclosure.ErrorCode(err) != disclosure.EConflict {
			t.Errorf("unkeyed write on a keyed trail: %v", err)
		}
		// Nor can it chain keyed entries.
		if n, err := nokey.SequenceAudit(ctx); n != 0 || err == nil {
			t.Errorf("sequencing without the key: %d, %v", n, err)
		}
		if n, err := db.SequenceAudit(ctx); n != 3 || err != nil {
			t.Fatalf("sequenced %d, %v", n, err)
		}
		list, _ = db.ListAudit(ctx, disclosure.AuditFilter{})
		for i, e := range list {
			if e.Seq != int64(4-i) {
				t.Errorf("after sequencing, entry %d has seq %d", i, e.Seq)
			}
		}
		if list[0].ObjectID != "2" || list[2].ObjectID != "0" || list[0].PrevHash != list[1].Hash {
			t.Errorf("chained out of order: %+v", list)
		}
		if res, err := db.VerifyAudit(ctx); err != nil || !res.OK || res.Pending != 0 || res.Entries != 4 || res.LastSeq != 4 || res.Keyed != 4 {
			t.Errorf("verify after: %+v, %v", res, err)
		}
		// Eager sequencing (the default) chains a write before it returns.
		db.SetAuditSequencing(true)
		if err := db.RecordEvent(ctx, officer, "audit.export", "audit_log", "eager"); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.ListAudit(ctx, disclosure.AuditFilter{Limit: 1}); len(list) != 1 || list[0].Seq != 5 {
			t.Errorf("eager: %+v", list)
		}
	})

	t.Run("a pending entry changed, forged or copied is caught and never chained", func(t *testing.T) {
		db := MustMigrate(t, open)
		if err := db.SetAuditConfig(store.AuditConfig{Key: testAuditKey}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.StartAudit(ctx); err != nil {
			t.Fatal(err)
		}
		db.SetAuditSequencing(false)
		for _, id := range []string{"a", "b", "c"} {
			if err := db.RecordEvent(ctx, officer, "audit.export", "audit_log", id); err != nil {
				t.Fatal(err)
			}
		}
		// Copying an entry (to make it appear twice) is refused by the database: its nonce is unique.
		err := db.UnsafeExec(ctx, `INSERT INTO audit_pending (nonce, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, alg, mac)
			SELECT nonce, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, alg, mac FROM audit_pending WHERE object_id = 'a'`)
		if err == nil {
			t.Error("a copied pending entry was accepted")
		}
		mustExec(t, db, `UPDATE audit_pending SET actor_name = '李四' WHERE object_id = 'b'`)
		res, err := db.VerifyAudit(ctx)
		if err != nil || res.OK || !strings.Contains(res.Problem, "待入链的审计记录") || !strings.Contains(res.Problem, "MAC 不符") {
			t.Errorf("verify: %+v, %v", res, err)
		}
		n, err := db.SequenceAudit(ctx)
		if n != 1 || disclosure.ErrorCode(err) != disclosure.EConflict || !strings.Contains(disclosure.ErrorMessage(err), "不会写入哈希链") {
			t.Errorf("sequence over a changed entry: %d, %v", n, err)
		}
		if p, _ := db.PendingAudit(ctx); p != 2 {
			t.Errorf("pending after the refusal = %d, want 2 (the changed entry and the one after it)", p)
		}
		// Undone, the chaining goes on.
		mustExec(t, db, `UPDATE audit_pending SET actor_name = $1 WHERE object_id = 'b'`, officer.Name)
		if n, err := db.SequenceAudit(ctx); n != 2 || err != nil {
			t.Errorf("sequence after the repair: %d, %v", n, err)
		}
		// An entry forged without the key fails its MAC.
		mustExec(t, db, `INSERT INTO audit_pending (nonce, at, actor_id, actor_name, role, remote_addr, action, object_type, object_id, before, after, alg, mac)
			VALUES ('f0f0', 1, NULL, '张公开', 'officer', '', 'audit.export', 'audit_log', 'forged', '', '', 'hmac-sha256', 'abcd')`)
		if res, err := db.VerifyAudit(ctx); err != nil || res.OK || !strings.Contains(res.Problem, "MAC 不符") {
			t.Errorf("verify with a forged entry: %+v, %v", res, err)
		}
		mustExec(t, db, `DELETE FROM audit_pending`)
		// A chained entry changed is caught as before.
		mustExec(t, db, `UPDATE audit_log SET object_id = 'x' WHERE seq = 3`)
		if res, err := db.VerifyAudit(ctx); err != nil || res.OK || res.BrokenAt != 3 {
			t.Errorf("verify with a changed chained entry: %+v, %v", res, err)
		}
	})
}
