package main

import (
	"context"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// The demo sets the county portal's footer particulars and publishes the health bureau's 政府信息公开制度, so that the
// column and the footer show what a real county's do (issue 13, item 2).
func TestTheDemoHasSiteSettingsAndDisclosureRules(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	seeded, err := seedDemo(ctx, db, &out)
	if err != nil || seeded == nil {
		t.Fatal(err)
	}
	site, err := db.SiteSettings(ctx)
	if err != nil || len(site.Missing()) != 0 || !strings.Contains(site.Sponsor, "平阴县") || !strings.HasPrefix(site.SiteCode, "370124") {
		t.Errorf("demo site settings = %+v (missing %v), %v", site, site.Missing(), err)
	}
	rules, err := db.PublishedItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{seeded.health.ID}, Genre: disclosure.GenreDisclosureRules})
	if err != nil || len(rules) != len(demoRules) {
		t.Fatalf("published rules = %d, %v", len(rules), err)
	}
	for _, it := range rules {
		if it.IndexNumber == "" || !strings.Contains(it.Title, "制度") {
			t.Errorf("rules item %q, 索引号 %q", it.Title, it.IndexNumber)
		}
	}
}
