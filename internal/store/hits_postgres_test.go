package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/store/storetest"
)

// TestPostgresHitFlushesOfTwoProcessesDoNotDeadlock has two processes (two handles, four flushers each) add page
// views to the same 40 items over and over, each flush in its own random order of counters, as the portal's
// in-memory counters hand them over. PostgreSQL's own count of deadlocks must not move, and no view is lost.
func TestPostgresHitFlushesOfTwoProcessesDoNotDeadlock(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	db := storetest.MustMigrate(t, func(t *testing.T) *store.DB {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
	other, err := db.OpenAnother(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	a := storetest.MustRegion(t, db)
	var ids []int64
	for i := range 40 {
		it, err := catalogue.NewItem(disclosure.Item{Title: fmt.Sprintf("浏览量测试 %d", i), Genre: disclosure.GenreNotice}, a, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateItem(ctx, disclosure.Actor{Name: "张公开", Role: "officer"}, it); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	stats, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer stats.Close()
	deadlocks := func() int64 {
		t.Helper()
		var n int64
		if _, err := stats.ExecContext(ctx, `SELECT pg_stat_clear_snapshot()`); err != nil {
			t.Fatal(err)
		}
		if err := stats.QueryRowContext(ctx, `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := deadlocks()

	const flushes = 60
	var wg sync.WaitGroup
	for _, h := range []*store.DB{db, other, db, other, db, other, db, other} {
		wg.Go(func() {
			for range flushes {
				hits := make(map[int64]int64, len(ids))
				for _, id := range ids {
					hits[id] = 1
				}
				if err := h.AddItemHits(ctx, hits); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	// A backend reports its statistics when it ends: close every connection that may have met a deadlock.
	db.Close()
	other.Close()
	time.Sleep(time.Second)
	if got := deadlocks() - before; got != 0 {
		t.Errorf("%d deadlocks while flushing page views", got)
	}
	var total int64
	if err := stats.QueryRowContext(ctx, `SELECT COALESCE(SUM(hits), 0) FROM items`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if want := int64(8 * flushes * len(ids)); total != want {
		t.Errorf("%d page views stored, want %d", total, want)
	}
}
