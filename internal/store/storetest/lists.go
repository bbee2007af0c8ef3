package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// allPublished reads every published item of the agencies (nil: all) the filter selects through FindItems, which
// queries the items themselves: the reference the kept lists are checked against.
func allPublished(t *testing.T, db *store.DB, f disclosure.ItemFilter) []disclosure.Item {
	t.Helper()
	f.States, f.Limit = []disclosure.ItemState{disclosure.ItemPublished}, 500
	var out []disclosure.Item
	for f.Offset = 0; ; f.Offset += f.Limit {
		page, _, err := db.FindItems(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < f.Limit {
			return out
		}
	}
}

func itemIDs(items []disclosure.Item) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

// CheckLists compares every page the portal may ask of the kept lists, and the facet counts, with the items
// themselves, for the scopes and filters given.
func CheckLists(t *testing.T, db *store.DB, scopes map[string][]int64, filters map[string]disclosure.ItemFilter) {
	t.Helper()
	ctx := context.Background()
	for sname, scope := range scopes {
		for fname, f := range filters {
			f.AgencyIDs = scope
			want := itemIDs(allPublished(t, db, f))
			for _, page := range []struct{ limit, offset int }{{20, 0}, {20, 20}, {3, 0}, {20, 100}, {50, max(0, len(want)-10)}} {
				f.Limit, f.Offset = page.limit, page.offset
				got, err := db.PublishedItems(ctx, f)
				if err != nil {
					t.Fatalf("%s, %s: %v", sname, fname, err)
				}
				w := want[min(page.offset, len(want)):min(page.offset+page.limit, len(want))]
				if !slices.Equal(itemIDs(got), w) {
					t.Errorf("%s, %s, %d from %d: the list gives %v, the items %v", sname, fname, page.limit, page.offset, itemIDs(got), w)
				}
			}
		}
		// The facets: counted from the items, by category, genre, year and Art 20 item.
		type key struct {
			category string
			genre    disclosure.Genre
			year     int
			art20    int
		}
		want := map[key]int{}
		for _, it := range allPublished(t, db, disclosure.ItemFilter{AgencyIDs: scope}) {
			want[key{it.Category, it.Genre, it.PublishedOn.Year, it.Art20}]++
		}
		facets, err := db.CatalogueFacets(ctx, scope)
		if err != nil {
			t.Fatal(err)
		}
		got := map[key]int{}
		for _, f := range facets {
			got[key{f.Category, f.Genre, f.Year, f.Art20}] += f.N
		}
		if fmt.Sprint(sortedCounts(got)) != fmt.Sprint(sortedCounts(want)) {
			t.Errorf("%s: facets %v, the items %v", sname, sortedCounts(got), sortedCounts(want))
		}
	}
}

func sortedCounts[K comparable](m map[K]int) []string {
	var out []string
	for k, n := range m {
		out = append(out, fmt.Sprintf("%v=%d", k, n))
	}
	slices.Sort(out)
	return out
}

// ListFilters are filters of every kind the portal's catalogue combines, from the items given.
func ListFilters(items []*disclosure.Item) map[string]disclosure.ItemFilter {
	var leaf, top string
	art20 := 0
	for _, it := range items {
		if strings.Count(it.Category, ".") >= 1 && leaf == "" {
			top, _, _ = strings.Cut(it.Category, ".")
			leaf = it.Category
		}
		if it.Art20 > 0 && art20 == 0 {
			art20 = it.Art20
		}
	}
	return map[string]disclosure.ItemFilter{
		"unfiltered":       {},
		"top category":     {Category: top},
		"leaf category":    {Category: leaf},
		"genre":            {Genre: disclosure.GenrePenalty},
		"art20":            {Art20: art20},
		"year":             {Year: 2025},
		"category+genre":   {Category: top, Genre: disclosure.GenreNotice},
		"genre+year":       {Genre: disclosure.GenreLicensing, Year: 2026},
		"category+art20":   {Category: top, Art20: art20},
		"empty category":   {Category: "nosuch"},
		"all four filters": {Category: top, Genre: disclosure.GenreNotice, Art20: art20, Year: 2026},
	}
}

func runLists(t *testing.T, open Opener) {
	ctx := context.Background()
	t.Run("the catalogue's lists and counts follow imports, publications, corrections and withdrawals", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		hospital := mustAgency(t, db, disclosure.SubordinateUnit, health, "平阴县人民医院")
		civil := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		today := workday.NewDate(2026, 6, 15)
		var items []*disclosure.Item
		for i, a := range []*disclosure.Agency{health, hospital, civil, gov} {
			for _, year := range []int{2025, 2026} {
				items = append(items, catalogue.GenerateItems(uint64(10*i+year), a, year, 120, today)...)
			}
		}
		if err := db.ImportItems(ctx, officer, items); err != nil {
			t.Fatal(err)
		}
		// The workflow changes what is listed: a withdrawal, a correction moving an item to another category and
		// genre, and new publications.
		var published []*disclosure.Item
		for _, it := range items {
			if it.State == disclosure.ItemPublished && it.AgencyID == health.ID {
				published = append(published, it)
			}
		}
		slices.SortFunc(published, func(a, b *disclosure.Item) int { return cmp.Compare(b.ID, a.ID) })
		mustItemStep(t, db, health, published[0].ID, "2026-06-15", catalogue.Command{Action: catalogue.Withdraw, Actor: itemOfficer, Note: "内容已过时"})
		moved := published[1]
		mustItemStep(t, db, health, moved.ID, "2026-06-15", catalogue.Command{Action: catalogue.Correct, Actor: itemOfficer})
		fixed, _ := db.GetItem(ctx, moved.ID)
		fixed.Category, fixed.Genre, fixed.Art20 = "health.public_health.vaccination", disclosure.GenreNotice, 0
		mustItemStep(t, db, health, moved.ID, "2026-06-15", catalogue.Command{Action: catalogue.Save, Actor: itemOfficer, Content: fixed})
		mustItemStep(t, db, health, moved.ID, "2026-06-15", catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})
		answers := map[string]bool{}
		for _, q := range disclosure.ReviewChecklist {
			answers[q] = true
		}
		mustItemStep(t, db, health, moved.ID, "2026-06-15", catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer, Answers: answers})
		mustItemStep(t, db, health, moved.ID, "2026-06-16", catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer})
		if got, _ := db.GetItem(ctx, moved.ID); got.Category != "health.public_health.vaccination" || got.State != disclosure.ItemPublished {
			t.Fatalf("the correction was not published: %+v", got)
		}
		for i := range 3 {
			mustPublish(t, db, hospital, disclosure.Item{Title: fmt.Sprintf("医院院务公开第%d期", i+1), Genre: disclosure.GenreNotice, Category: "health.medical", Art20: 7}, "2026-06-1"+fmt.Sprint(i+1))
		}
		filters := ListFilters(items)
		filters["vaccination"] = disclosure.ItemFilter{Category: "health.public_health.vaccination"}
		CheckLists(t, db, map[string][]int64{
			"the whole portal":         nil,
			"the bureau and its units": {health.ID, hospital.ID},
			"one unit":                 {hospital.ID},
			"the region by its tree":   {gov.ID, health.ID, hospital.ID, civil.ID},
			"no agency":                {},
		}, filters)
		if got, err := db.PublishedItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{health.ID}, Category: "health.public_health.vaccination"}); err != nil || !slices.ContainsFunc(got, func(it disclosure.Item) bool { return it.ID == moved.ID }) {
			t.Errorf("the corrected item is not listed under its new category: %v, %v", itemIDs(got), err)
		}
	})
}
