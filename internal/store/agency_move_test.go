package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store/storetest"
	"github.com/gongkai/gongkai/internal/workday"
)

func TestMovedUnitOldEntriesSQLite(t *testing.T)   { testMovedUnitOldEntries(t, openSQLite) }
func TestMovedUnitOldEntriesPostgres(t *testing.T) { testMovedUnitOldEntries(t, openPostgres) }

// Search entries written by earlier versions name the agencies above an item's own. After the unit is moved, its
// items are no longer found by its former parent's search, and are found by the new parent's.
func testMovedUnitOldEntries(t *testing.T, open storetest.Opener) {
	ctx := context.Background()
	db := storetest.MustMigrate(t, open)
	health, civil := importAgencies(t, db)
	unit := &disclosure.Agency{Kind: disclosure.SubordinateUnit, ParentID: &health.ID, Name: "平阴县疾病预防控制中心"}
	if err := db.CreateAgency(ctx, actor, unit); err != nil {
		t.Fatal(err)
	}
	items := catalogue.GenerateItems(21, unit, 2026, 40, workday.NewDate(2026, 6, 15))
	if err := db.ImportItems(ctx, actor, items); err != nil {
		t.Fatal(err)
	}
	var it *disclosure.Item
	for _, x := range items {
		if x.State == disclosure.ItemPublished {
			it = x
			break
		}
	}
	if it == nil {
		t.Fatal("no published item generated")
	}
	if err := db.IndexWithAncestorsForTest(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	finds := func(a *disclosure.Agency) bool {
		t.Helper()
		for _, q := range []string{it.Title, it.DocNumber} {
			if q == "" {
				continue
			}
			hits, _, err := db.SearchItems(ctx, disclosure.SearchQuery{Q: q, AgencyIDs: []int64{a.ID}, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(hits, func(h disclosure.SearchHit) bool { return h.Item.ID == it.ID }) {
				return true
			}
		}
		return false
	}
	if !finds(health) || finds(civil) {
		t.Fatalf("before the move: health %v, civil %v", finds(health), finds(civil))
	}
	unit.ParentID = &civil.ID
	if err := db.UpdateAgency(ctx, actor, unit); err != nil {
		t.Fatal(err)
	}
	if finds(health) || !finds(civil) || !finds(unit) {
		t.Errorf("after the move: health %v, civil %v, unit %v", finds(health), finds(civil), finds(unit))
	}
}
