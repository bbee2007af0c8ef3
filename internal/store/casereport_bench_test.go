package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/workday"
)

// benchCases is how many applications the report benchmarks use: 100,000 in one year, as the issue asks
// (GONGKAI_BENCH_CASES overrides it for a quicker run).
func benchCases() int {
	if n, err := strconv.Atoi(os.Getenv("GONGKAI_BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// seedCases fills a fresh database with n generated applications received in 2025 (about 90% answered), plus
// the agency, and returns the agency.
func seedCases(b *testing.B, db *store.DB, n int) *disclosure.Agency {
	b.Helper()
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(ctx, actor, gov); err != nil {
		b.Fatal(err)
	}
	health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局"}
	if err := db.CreateAgency(ctx, actor, health); err != nil {
		b.Fatal(err)
	}
	env := casework.Env{Calendar: workday.Default(), Agency: health}
	started := time.Now()
	for done := 0; done < n; done += 5000 {
		changes, err := casework.GenerateCases(uint64(done+1), env, 2025, min(5000, n-done), workday.NewDate(2026, 3, 1))
		if err != nil {
			b.Fatal(err)
		}
		if err := db.ImportCases(ctx, actor, changes); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: %d cases generated in %v", db.Dialect(), n, time.Since(started).Round(time.Millisecond))
	// As a running installation would be: SQLite's WAL checkpointed, PostgreSQL's statistics and visibility map
	// up to date (autovacuum).
	maintenance := "PRAGMA wal_checkpoint(TRUNCATE)"
	if db.Dialect() == "postgres" {
		maintenance = "VACUUM ANALYZE applications"
	}
	if err := db.UnsafeExec(ctx, maintenance); err != nil {
		b.Fatal(err)
	}
	return health
}

// benchmarkCaseReport measures sections 三 and 四 of a year from live cases against the bare GROUP BY over the
// same rows; the target is at most twice the bare query.
func benchmarkCaseReport(b *testing.B, db *store.DB) {
	ctx := context.Background()
	health := seedCases(b, db, benchCases())
	// Warm the cache for both queries alike, so that neither pays for the first reads.
	for range 3 {
		if _, err := db.RequestCounts(ctx, []int64{health.ID}, 2025); err != nil {
			b.Fatal(err)
		}
		if _, err := db.BareRequestGroupBy(ctx, health.ID, 2025); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("sections 三 and 四", func(b *testing.B) {
		for b.Loop() {
			req, err := db.RequestCounts(ctx, []int64{health.ID}, 2025)
			if err != nil {
				b.Fatal(err)
			}
			ap, err := db.AppealCounts(ctx, []int64{health.ID}, 2025)
			if err != nil {
				b.Fatal(err)
			}
			if r := casework.ReportFromCases(2025, req, ap); r.Tables["s3"]["new"]["total"] != float64(benchCases()) {
				b.Fatalf("new = %v", r.Tables["s3"]["new"]["total"])
			}
		}
	})
	b.Run("bare GROUP BY", func(b *testing.B) {
		for b.Loop() {
			n, err := db.BareRequestGroupBy(ctx, health.ID, 2025)
			if err != nil || n != benchCases() {
				b.Fatalf("%d, %v", n, err)
			}
		}
	})
}

func BenchmarkCaseReportSQLite(b *testing.B) {
	db, err := store.Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchmarkCaseReport(b, db)
}

func BenchmarkCaseReportPostgres(b *testing.B) {
	db, err := store.Open(context.Background(), pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchmarkCaseReport(b, db)
}
