package store

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/workday"
)

// openPostgresAudit opens a migrated PostgreSQL database with a keyed audit trail and two agencies.
func openPostgresAudit(t *testing.T) (*DB, *disclosure.Agency, *disclosure.Agency) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.SetAuditConfig(AuditConfig{Key: make([]byte, 32)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.StartAudit(ctx); err != nil {
		t.Fatal(err)
	}
	actor := disclosure.Actor{Name: "张公开", Role: "officer"}
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府", DivisionCode: "370124"}
	if err := db.CreateAgency(ctx, actor, gov); err != nil {
		t.Fatal(err)
	}
	var out []*disclosure.Agency
	for _, name := range []string{"平阴县卫生健康局", "平阴县教育和体育局"} {
		a := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: name}
		if err := db.CreateAgency(ctx, actor, a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return db, out[0], out[1]
}

// newCase opens a case at the agency through the store's public path.
func newCase(ctx context.Context, db *DB, a *disclosure.Agency) (*disclosure.CaseChange, error) {
	received, _ := workday.ParseDate("2026-03-02")
	app := disclosure.Application{Kind: disclosure.DisclosureRequest, Channel: disclosure.Letter, ReceivedOn: received, SecretHash: "h",
		Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, Name: "申请人", IDNumber: "370124198001010013", Phone: "13800000000"},
		Request:   disclosure.Request{Description: "某项信息", Forms: []string{"电子文档"}, Delivery: []string{"电子邮件"}}}
	env := casework.Env{Calendar: workday.Default(), Agency: a, BaseURL: "https://gk.example.gov.cn"}
	return db.CreateCase(ctx, disclosure.Actor{Name: "张公开", Role: "officer"}, func(ctx context.Context, tx CaseBuildTx) (*disclosure.CaseChange, error) {
		c, ev, err := casework.NewCase(casework.Intake{App: app, Actor: casework.Actor{Who: casework.ByOfficer, Name: "张公开"}, Today: received, Now: time.Now()}, env, nil)
		if err != nil {
			return nil, err
		}
		return &disclosure.CaseChange{Case: *c, Event: ev}, nil
	})
}

// openWrite begins a transaction of agency a that has numbered a case and written its audit entry, as CreateCase
// does just before it commits, and leaves it open.
func openWrite(t *testing.T, db *DB, a *disclosure.Agency, objectID string) *sql.Tx {
	t.Helper()
	ctx := context.Background()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	if _, err := db.nextSerial(ctx, tx, a.ID, "application", 2026); err != nil {
		t.Fatal(err)
	}
	if err := db.appendAudit(ctx, tx, disclosure.SystemActor, "case.register", "application", objectID, nil, nil); err != nil {
		t.Fatal(err)
	}
	return tx
}

// TestPostgresAgenciesDoNotWaitOnEachOther: while a write of one agency holds its transaction open after its audit
// entry (and its number), another agency's new case commits at once — before the audit sequencer, every write
// waited there for the audit chain's head row.
func TestPostgresAgenciesDoNotWaitOnEachOther(t *testing.T) {
	db, health, education := openPostgresAudit(t)
	other, err := db.OpenAnother(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	txA := openWrite(t, db, health, "A")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	ch, err := newCase(ctx, other, education)
	took := time.Since(start)
	if err != nil || took > time.Second {
		t.Fatalf("agency B's write with agency A's open: %v after %v (want it done within 1 s)", err, took)
	}
	if ch.Case.Number != "2026-0001" {
		t.Errorf("B's number = %s", ch.Case.Number)
	}
	// The same agency's next case does wait for A's number (gap-free numbering), and follows it.
	done := make(chan string, 1)
	go func() {
		ch, err := newCase(context.Background(), other, health)
		if err != nil {
			done <- err.Error()
			return
		}
		done <- ch.Case.Number
	}()
	select {
	case n := <-done:
		t.Fatalf("the same agency's case did not wait for the open one: %s", n)
	case <-time.After(300 * time.Millisecond):
	}
	if err := txA.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := <-done; n != "2026-0002" {
		t.Errorf("the same agency's next number = %s, want 2026-0002", n)
	}
	if _, err := db.SequenceAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res, err := db.VerifyAudit(context.Background()); err != nil || !res.OK || res.Pending != 0 {
		t.Errorf("verify: %+v, %v", res, err)
	}
}

// TestPostgresSequencerChainsLateCommitsLater: an entry whose transaction took its id first but commits last is
// neither lost nor chained before the sequencer can see it; the chain follows the commits.
func TestPostgresSequencerChainsLateCommitsLater(t *testing.T) {
	db, health, education := openPostgresAudit(t)
	ctx := context.Background()
	db.SetAuditSequencing(false)
	first := openWrite(t, db, health, "first") // takes the lower id, commits last
	second := openWrite(t, db, education, "second")
	if err := second.Commit(); err != nil {
		t.Fatal(err)
	}
	if n, err := db.SequenceAudit(ctx); n != 1 || err != nil {
		t.Fatalf("first pass chained %d, %v; want only the committed entry", n, err)
	}
	// A sequencer holding the head makes another skip its turn, not wait.
	hold, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hold.ExecContext(ctx, `SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	other, err := db.OpenAnother(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	start := time.Now()
	if n, err := other.SequenceAudit(ctx); n != 0 || err != nil || time.Since(start) > 500*time.Millisecond {
		t.Errorf("second sequencer while the head is held: %d, %v after %v", n, err, time.Since(start))
	}
	hold.Rollback()
	if n, err := other.SequenceAudit(ctx); n != 1 || err != nil {
		t.Fatalf("second pass chained %d, %v", n, err)
	}
	list, err := db.ListAudit(ctx, disclosure.AuditFilter{Limit: 2})
	if err != nil || len(list) != 2 || list[0].ObjectID != "first" || list[1].ObjectID != "second" || list[0].Seq != list[1].Seq+1 {
		t.Errorf("chain tail = %+v, %v", list, err)
	}
	if res, err := db.VerifyAudit(ctx); err != nil || !res.OK || res.Pending != 0 {
		t.Errorf("verify: %+v, %v", res, err)
	}
}

// TestPostgresAWriteJustBeforeCloseIsAnnounced: the NOTIFY of a write is sent after its commit, by a goroutine; a
// CLI command that writes and closes the database at once still announces its change to the serving processes.
func TestPostgresAWriteJustBeforeCloseIsAnnounced(t *testing.T) {
	db, health, _ := openPostgresAudit(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { db.Watch(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	time.Sleep(300 * time.Millisecond) // the watcher is listening
	for i := range 3 {
		cli, err := db.OpenAnother(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		before := db.Version()
		a := &disclosure.Agency{Kind: disclosure.Department, ParentID: health.ParentID, Name: "示范局" + string(rune('甲'+i))}
		if err := cli.CreateAgency(context.Background(), disclosure.SystemActor, a); err != nil {
			t.Fatal(err)
		}
		cli.Close()
		start := time.Now()
		for db.Version() == before && time.Since(start) < 3*time.Second {
			time.Sleep(10 * time.Millisecond)
		}
		if db.Version() == before {
			t.Fatalf("write %d of a process that closed at once was never announced", i+1)
		}
	}
}
