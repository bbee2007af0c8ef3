package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/storetest"
	"github.com/gongkai/gongkai/internal/workday"
)

// PostgreSQL finds a page of search results its own way (counts, then all matches or growing windows of the newest
// IDs); SQLite walks FTS5 in ID order. Both must rank the same items the same way on every page, for rare and for
// common words (more matches than the count cap), with and without filters.
func TestSearchPagesAgreeAcrossEngines(t *testing.T) {
	ctx := context.Background()
	today := workday.NewDate(2026, 6, 15)
	lite, pg := storetest.MustMigrate(t, openSQLite), storetest.MustMigrate(t, openPostgres)
	// Shards of 64 IDs: the 1,800 items span 29 of them, so a walk reads several groups of growing size.
	if err := pg.SetSearchShardBitsForTest(ctx, 6); err != nil {
		t.Fatal(err)
	}
	var health *disclosure.Agency
	for _, db := range []*store.DB{lite, pg} {
		h, civil := importAgencies(t, db)
		health = h
		items := append(catalogue.GenerateItems(11, h, 2025, 900, today), catalogue.GenerateItems(12, civil, 2026, 400, today)...)
		items = append(items, catalogue.GenerateItems(13, h, 2026, 500, today)...)
		if err := db.ImportItems(ctx, actor, items); err != nil {
			t.Fatal(err)
		}
	}
	common := false
	for _, q := range []string{"卫生", "健康", "公告", "通知", "行政许可", "疫苗", "药", "平阴县 工作", "规范性文件", "卫生 -健康", "通知 -卫生", "行政许可 -通知 -公告", "\"卫生健康\""} {
		for _, filter := range []disclosure.SearchQuery{{}, {AgencyIDs: []int64{health.ID}}, {Genre: disclosure.GenreNotice}} {
			filter.Q, filter.Limit = q, 10
			for _, offset := range []int{0, 10, 20, 150, 600, 1000, 1190, 1990} {
				filter.Offset = offset
				a, na, err := lite.SearchItems(ctx, filter)
				if err != nil {
					t.Fatal(err)
				}
				b, nb, err := pg.SearchItems(ctx, filter)
				if err != nil {
					t.Fatal(err)
				}
				if na != nb || !slices.Equal(hitIDs(a), hitIDs(b)) {
					t.Errorf("%q %+v offset %d: SQLite %d %v, PostgreSQL %d %v", q, filter.AgencyIDs, offset, na, hitIDs(a), nb, hitIDs(b))
				}
				if na > 1000 && len(a) > 0 {
					common = true
				}
				if q == "通知 -卫生" && offset == 0 && len(filter.AgencyIDs) == 0 && (na == 0 || len(a) == 0) {
					t.Errorf("%q found nothing: the excluded word was not tried on matches", q)
				}
			}
		}
	}
	if !common {
		t.Error("no query had more matches than the count cap: the windows were not tried")
	}
}

func hitIDs(hits []disclosure.SearchHit) []int64 {
	out := make([]int64, len(hits))
	for i, h := range hits {
		out[i] = h.Item.ID
	}
	return out
}

// A database with published items before migration 00030 gets its search table filled by it: the same pages as
// the triggers kept, and one row for each item with a search entry.
func TestSearchTableBuiltForExistingItemsPostgres(t *testing.T) {
	ctx := context.Background()
	today := workday.NewDate(2026, 6, 15)
	pg := storetest.MustMigrate(t, openPostgres)
	h, civil := importAgencies(t, pg)
	items := append(catalogue.GenerateItems(21, h, 2025, 300, today), catalogue.GenerateItems(22, civil, 2026, 200, today)...)
	if err := pg.ImportItems(ctx, actor, items); err != nil {
		t.Fatal(err)
	}
	queries := []disclosure.SearchQuery{{Q: "卫生"}, {Q: "行政许可"}, {Q: "药"}, {Q: "通知", AgencyIDs: []int64{civil.ID}}, {Q: "公告 -卫生", Offset: 10}}
	pages := func() [][]int64 {
		var out [][]int64
		for _, q := range queries {
			q.Limit = 10
			hits, n, err := pg.SearchItems(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, append(hitIDs(hits), int64(n)))
		}
		return out
	}
	before := pages()
	if len(before[0]) < 11 {
		t.Fatalf("卫生 found %v", before[0])
	}
	if err := pg.RedoLastMigrationForTest(ctx); err != nil {
		t.Fatal(err)
	}
	if after := pages(); !slices.EqualFunc(before, after, slices.Equal) {
		t.Errorf("before the migration %v, after %v", before, after)
	}
	var rows, entries int
	if err := pg.QueryRowForTest(ctx, `SELECT (SELECT COUNT(*) FROM item_search), (SELECT COUNT(*) FROM items WHERE tsv IS NOT NULL)`).Scan(&rows, &entries); err != nil {
		t.Fatal(err)
	}
	if rows != entries || rows == 0 {
		t.Errorf("%d rows in item_search for %d entries", rows, entries)
	}
}
