package store_test

import (
	"context"
	"testing"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store/storetest"
	"github.com/gongkai/gongkai/internal/workday"
)

func TestListsBackfilledSQLite(t *testing.T)   { testListsBackfilled(t, openSQLite) }
func TestListsBackfilledPostgres(t *testing.T) { testListsBackfilled(t, openPostgres) }

// A database whose items were published before the lists were kept gets them at its next migration, the same as
// if they had been kept all along.
func testListsBackfilled(t *testing.T, open storetest.Opener) {
	ctx := context.Background()
	db := storetest.MustMigrate(t, open)
	health, civil := importAgencies(t, db)
	today := workday.NewDate(2026, 6, 15)
	items := append(catalogue.GenerateItems(7, health, 2025, 300, today), catalogue.GenerateItems(8, civil, 2026, 200, today)...)
	if err := db.ImportItems(ctx, actor, items); err != nil {
		t.Fatal(err)
	}
	before, err := db.PublishedItems(ctx, disclosure.ItemFilter{Genre: disclosure.GenreNotice, Limit: 50})
	if err != nil || len(before) == 0 {
		t.Fatalf("%d listed, %v", len(before), err)
	}
	if err := db.ForgetListsForTest(ctx); err != nil {
		t.Fatal(err)
	}
	after, _ := db.PublishedItems(ctx, disclosure.ItemFilter{Genre: disclosure.GenreNotice, Limit: 50})
	if len(after) != len(before) || after[0].ID != before[0].ID {
		t.Errorf("after the backfill %d listed, before %d", len(after), len(before))
	}
	storetest.CheckLists(t, db, map[string][]int64{"all": nil, "health": {health.ID}, "both": {health.ID, civil.ID}}, storetest.ListFilters(items))
	// Once filled, a second migration leaves them.
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	storetest.CheckLists(t, db, map[string][]int64{"all": nil}, map[string]disclosure.ItemFilter{"unfiltered": {}})
}
