package jobs

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/mail/mailtest"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster, if a test started one.
func TestMain(m *testing.M) { pgtest.Main(m) }

// engines opens a fresh migrated database on each engine, for tests of work shared between processes.
var engines = []struct {
	name string
	open func(t *testing.T) *store.DB
}{
	{"sqlite", mustDB},
	{"postgres", func(t *testing.T) *store.DB {
		db, err := store.Open(context.Background(), pgtest.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return db
	}},
}

func mustAnother(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	other, err := db.OpenAnother(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

func mustSMTP(t *testing.T, srv *mailtest.Server) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// recorder passes messages on and remembers every attempt's Message-ID.
type recorder struct {
	mail.Sender
	mu  sync.Mutex
	ids []string
}

func (r *recorder) Send(ctx context.Context, m mail.Message) error {
	r.mu.Lock()
	r.ids = append(r.ids, m.MessageID)
	r.mu.Unlock()
	return r.Sender.Send(ctx, m)
}

func (r *recorder) Domain() string { return r.Sender.(*mail.SMTP).Domain() }

var outboxMessageID = regexp.MustCompile(`^<outbox-\d+\.[0-9a-f]{16}@example\.gov\.cn>$`)

// TestSlowRelayDeliversEachMailOnce is the slow relay of issue 14: two processes poll the same outbox and send
// through a relay that takes a second over each message, with a lease (300 ms) far shorter than that. Each e-mail must
// arrive exactly once, with its own Message-ID in the sender's domain.
func TestSlowRelayDeliversEachMailOnce(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			db := e.open(t)
			other := mustAnother(t, db)
			const n = 20
			for i := range n {
				if err := db.EnqueueMail(ctx, disclosure.Mail{To: fmt.Sprintf("citizen%d@example.com", i), Subject: "您的政府信息公开申请已受理", Text: "您好：\n申请已受理。"}); err != nil {
					t.Fatal(err)
				}
			}
			srv := mailtest.NewServer(t, mailtest.WithDelay(time.Second))
			sender := mustSMTP(t, srv)
			started := time.Now()
			var wg sync.WaitGroup
			sent := make([]int, 2)
			for i, h := range []*store.DB{db, other} {
				r := runner(t, h, sender, time.Now())
				r.MailLease = 300 * time.Millisecond
				// Each process polls the outbox as its lane does (every 50 ms here) until every e-mail is sent.
				wg.Go(func() {
					for time.Since(started) < time.Minute {
						k, err := r.SendMail(ctx)
						if err != nil {
							t.Errorf("process %d: %v", i, err)
							return
						}
						sent[i] += k
						if _, done, _, err := h.OutboxStats(ctx); err != nil || done == n {
							return
						}
						time.Sleep(50 * time.Millisecond)
					}
				})
			}
			wg.Wait()
			got := srv.Messages()
			perID := map[string]int{}
			perTo := map[string]int{}
			for _, m := range got {
				id := m.Header.Get("Message-Id")
				if !outboxMessageID.MatchString(id) {
					t.Errorf("Message-ID %q, want <outbox-ID.random@example.gov.cn>", id)
				}
				perID[id]++
				perTo[m.To[0]]++
			}
			dup := 0
			for to, k := range perTo {
				if k != 1 {
					dup += k - 1
					t.Errorf("%s received %d copies", to, k)
				}
			}
			t.Logf("%d messages delivered (%d duplicates) in %v; the processes sent %v", len(got), dup, time.Since(started).Round(time.Millisecond), sent)
			if len(perTo) != n || len(perID) != n || sent[0]+sent[1] != n {
				t.Errorf("%d recipients, %d Message-IDs, %d sent; want %d of each", len(perTo), len(perID), sent[0]+sent[1], n)
			}
			if sent[0] == 0 || sent[1] == 0 {
				t.Errorf("one process sent everything (%v): the other did not share the work", sent)
			}
			if waiting, done, failed, err := db.OutboxStats(ctx); err != nil || waiting != 0 || done != n || failed != 0 {
				t.Errorf("outbox: waiting %d sent %d failed %d, %v", waiting, done, failed, err)
			}
		})
	}
}

// TestMailIsResentWithItsMessageID retries an e-mail twice: once after a temporary refusal, once after a process
// claimed it and died. Every attempt carries the Message-ID the e-mail was given when it was queued.
func TestMailIsResentWithItsMessageID(t *testing.T) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			ctx := context.Background()
			db := e.open(t)
			for _, to := range []string{"wang@example.com", "li@example.com"} {
				if err := db.EnqueueMail(ctx, disclosure.Mail{To: to, Subject: "受理通知", Text: "您好"}); err != nil {
					t.Fatal(err)
				}
			}
			// A process claims both and dies before sending.
			died, err := db.ClaimMailLease(ctx, 10, 50*time.Millisecond)
			if err != nil || len(died) != 2 {
				t.Fatalf("claimed %d, %v", len(died), err)
			}
			if died[0].MessageID == died[1].MessageID {
				t.Fatalf("two e-mails share the Message-ID %q", died[0].MessageID)
			}
			time.Sleep(100 * time.Millisecond)
			srv := mailtest.NewServer(t)
			rec := &recorder{Sender: mustSMTP(t, srv)}
			srv.FailNext(1, 451)
			r := runner(t, mustAnother(t, db), rec, time.Now())
			if k, err := r.SendMail(ctx); err != nil || k != 1 {
				t.Fatalf("first round sent %d, %v; want 1 (the other refused with 451)", k, err)
			}
			db.SetClock(func() time.Time { return time.Now().Add(10 * time.Minute) }) // past the retry's backoff
			if k, err := runner(t, db, rec, time.Now()).SendMail(ctx); err != nil || k != 1 {
				t.Fatalf("retry sent %d, %v", k, err)
			}
			want := map[string]bool{}
			for _, m := range died {
				want[m.MessageID+"@example.gov.cn"] = true
			}
			if len(rec.ids) != 3 {
				t.Fatalf("%d attempts, want 3", len(rec.ids))
			}
			attempts := map[string]int{}
			for _, id := range rec.ids {
				if !want[id] {
					t.Errorf("attempt with Message-ID %q, not one of the claimed %v", id, want)
				}
				attempts[id]++
			}
			if len(attempts) != 2 {
				t.Errorf("attempts per Message-ID %v, want the refused one twice", attempts)
			}
			for _, m := range srv.Messages() {
				if id := m.Header.Get("Message-Id"); !want[id[1:len(id)-1]] {
					t.Errorf("delivered with Message-ID %s", id)
				}
			}
		})
	}
}

// TestSenderThatLostItsLeaseAbandonsTheMail takes a claim over while the relay is still busy with the message (what
// another process does when this one stalled past the lease): the sender must give the delivery up rather than
// deliver a second copy, and leave the e-mail's record alone.
func TestSenderThatLostItsLeaseAbandonsTheMail(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	if err := db.EnqueueMail(ctx, disclosure.Mail{To: "wang@example.com", Subject: "受理通知", Text: "您好"}); err != nil {
		t.Fatal(err)
	}
	srv := mailtest.NewServer(t, mailtest.WithDelay(time.Second))
	r := runner(t, db, mustSMTP(t, srv), time.Now())
	r.MailLease = 300 * time.Millisecond
	done := make(chan int)
	go func() {
		k, err := r.SendMail(ctx)
		if err != nil {
			t.Error(err)
		}
		done <- k
	}()
	time.Sleep(150 * time.Millisecond)
	if err := db.UnsafeExec(ctx, `UPDATE outbox SET claim_token = 'another process'`); err != nil {
		t.Fatal(err)
	}
	if k := <-done; k != 0 {
		t.Errorf("sent %d after losing the lease", k)
	}
	time.Sleep(time.Second)
	if got := srv.Messages(); len(got) != 0 {
		t.Errorf("%d messages delivered by a sender without the lease", len(got))
	}
	if waiting, sent, failed, _ := db.OutboxStats(ctx); waiting != 1 || sent != 0 || failed != 0 {
		t.Errorf("outbox: waiting %d sent %d failed %d; want it left waiting", waiting, sent, failed)
	}
}

// TestScheduledPublicationIsNotHeldUpBySlowMail runs the jobs while the mail relay takes 2 s over each of 5 queued
// e-mails: an item scheduled a moment later must be published on time (within 2 s, the lane polls every 100 ms),
// not after the mail (9 s late when every job ran in one loop).
func TestScheduledPublicationIsNotHeldUpBySlowMail(t *testing.T) {
	db := mustDB(t)
	health := healthBureau(t, db)
	for i := range 5 {
		if err := db.EnqueueMail(context.Background(), disclosure.Mail{To: fmt.Sprintf("c%d@example.com", i), Subject: "受理通知", Text: "您好"}); err != nil {
			t.Fatal(err)
		}
	}
	srv := mailtest.NewServer(t, mailtest.WithDelay(2*time.Second))
	r := runner(t, db, mustSMTP(t, srv), time.Now())
	r.Now, r.Every = nil, 100*time.Millisecond
	now := time.Now()
	at := now.Add(time.Second)
	it := itemTo(t, db, health, disclosure.Item{Title: "关于开展2026年春季爱国卫生运动的通知", Genre: disclosure.GenreNotice}, now,
		catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer}, catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer},
		catalogue.Command{Action: catalogue.Schedule, Actor: itemOfficer, At: at})

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { defer close(stopped); r.Run(ctx) }()
	defer func() { cancel(); <-stopped }()

	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := db.GetItem(context.Background(), it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == disclosure.ItemPublished {
			delay := time.Since(at)
			t.Logf("published %v after its moment; %d e-mails delivered meanwhile", delay.Round(time.Millisecond), len(srv.Messages()))
			if delay > 2*time.Second {
				t.Errorf("published %v late, want within 2 s", delay)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not published 15 s after its moment (%s)", got.State)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
