package jobs

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// syncBuffer is a log sink safe for the lanes' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRunChainsPendingAuditEntries: with writers that leave their audit entries pending, the runners of two
// processes chain them within a second or two, each once; an entry changed while pending is reported once, not
// every second.
func TestRunChainsPendingAuditEntries(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine.name, func(t *testing.T) {
			ctx := context.Background()
			db := engine.open(t)
			other := mustAnother(t, db)
			var logs syncBuffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			runCtx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			for _, h := range []*store.DB{db, other} {
				h.SetAuditSequencing(false)
				r := &Runner{DB: h, Log: log, Location: time.UTC, ReminderHour: 25, Every: time.Hour, AuditEvery: 100 * time.Millisecond}
				wg.Go(func() { r.Run(runCtx) })
			}
			defer wg.Wait()
			defer stop()
			for i := range 20 {
				if err := []*store.DB{db, other}[i%2].RecordEvent(ctx, disclosure.SystemActor, "audit.export", "audit_log", fmt.Sprint(i)); err != nil {
					t.Fatal(err)
				}
			}
			waitPending := func(want int64) {
				t.Helper()
				deadline := time.Now().Add(2 * time.Second)
				for {
					n, err := db.PendingAudit(ctx)
					if err == nil && n == want {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("pending = %d, %v after 2 s; want %d", n, err, want)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			waitPending(0)
			if res, err := db.VerifyAudit(ctx); err != nil || !res.OK || res.Entries != 20 || res.LastSeq != 20 {
				t.Errorf("verify: %+v, %v", res, err)
			}
			// A changed pending entry stops the chaining, and is logged once per process, not every pass.
			stop()
			wg.Wait()
			db.RecordEvent(ctx, disclosure.SystemActor, "audit.export", "audit_log", "changed")
			db.UnsafeExec(ctx, `UPDATE audit_pending SET actor_name = '李四'`)
			runCtx2, stop2 := context.WithCancel(ctx)
			defer stop2()
			for _, h := range []*store.DB{db, other} {
				r := &Runner{DB: h, Log: log, Location: time.UTC, ReminderHour: 25, Every: time.Hour, AuditEvery: 50 * time.Millisecond}
				wg.Go(func() { r.Run(runCtx2) })
			}
			time.Sleep(600 * time.Millisecond)
			waitPending(1)
			if n := strings.Count(logs.String(), "pending audit entries are not being chained"); n < 1 || n > 2 {
				t.Errorf("the refusal was logged %d times:\n%s", n, logs.String())
			}
		})
	}
}
