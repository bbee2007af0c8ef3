package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/workday"
)

// benchmarkDashboard measures each list of the dashboard on one agency with 100,000 applications (about a tenth
// still open) and 100,000 items (GONGKAI_BENCH_CASES and GONGKAI_BENCH_ITEMS override the counts), and the Art 26
// list once more without its index (items_unpublished, migration 00027).
func benchmarkDashboard(b *testing.B, db *store.DB) {
	ctx := context.Background()
	health := seedCases(b, db, benchCases())
	today := workday.NewDate(2026, 12, 7)
	n := benchItems()
	started := time.Now()
	for done := 0; done < n; done += 5000 {
		if err := db.ImportItems(ctx, actor, catalogue.GenerateItems(uint64(done+1), health, 2026, min(5000, n-done), today)); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: %d items imported in %v", db.Dialect(), n, time.Since(started).Round(time.Millisecond))
	maintenance := "PRAGMA wal_checkpoint(TRUNCATE)"
	if db.Dialect() == "postgres" {
		maintenance = "VACUUM ANALYZE"
	}
	if err := db.UnsafeExec(ctx, maintenance); err != nil {
		b.Fatal(err)
	}
	cal := workday.Default()
	ids := []int64{health.ID}
	cases := map[string]store.CaseQueueQuery{
		"new":       {Queue: store.QueueNew},
		"overdue":   {Queue: store.QueueOverdue, On: today},
		"due":       {Queue: store.QueueDueSoon, On: today, By: cal.Due(today, 5, nil).Due},
		"applicant": {Queue: store.QueueApplicant},
		"approval":  {Queue: store.QueueApproval},
	}
	for _, name := range []string{"new", "overdue", "due", "applicant", "approval"} {
		q := cases[name]
		q.AgencyIDs, q.Limit = ids, 10
		b.Run("cases/"+name, func(b *testing.B) {
			total := 0
			for b.Loop() {
				var err error
				if _, total, err = db.CaseQueue(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(total), "listed")
		})
	}
	items := []struct {
		name string
		q    store.ItemQueueQuery
	}{
		{"secrecy", store.ItemQueueQuery{Queue: store.QueueSecrecy}},
		{"approval", store.ItemQueueQuery{Queue: store.QueueItemApproval}},
		{"art26", store.ItemQueueQuery{Queue: store.QueueUnpublished, Before: catalogue.LateCutoff(cal, today)}},
		{"review_due", store.ItemQueueQuery{Queue: store.QueueReviewDue, On: today}},
	}
	runItems := func(prefix string) {
		for _, x := range items {
			q := x.q
			q.AgencyIDs, q.Limit = ids, 10
			if prefix != "" && q.Queue != store.QueueUnpublished {
				continue
			}
			b.Run(prefix+"items/"+x.name, func(b *testing.B) {
				total := 0
				for b.Loop() {
					var err error
					if _, total, err = db.ItemQueue(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(total), "listed")
			})
		}
	}
	runItems("")
	if err := db.UnsafeExec(ctx, "DROP INDEX items_unpublished"); err != nil {
		b.Fatal(err)
	}
	runItems("without index/")
}

func BenchmarkDashboardSQLite(b *testing.B) {
	db, err := store.Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchmarkDashboard(b, db)
}

func BenchmarkDashboardPostgres(b *testing.B) {
	db, err := store.Open(context.Background(), pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchmarkDashboard(b, db)
}
