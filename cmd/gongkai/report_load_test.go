package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// A folder of published reports (as `report gather` leaves it) is loaded as the agencies' imported reports, which
// the supervision page reads: by name, or through a mapping file for a name written otherwise; an unknown agency
// and a year already held are reported and left alone.
func TestReportLoadFeedsTheSupervisionPage(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, gov); err != nil {
		t.Fatal(err)
	}
	health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局"}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, health); err != nil {
		t.Fatal(err)
	}
	linTan := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "临潭县卫健局"}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, linTan); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dir := t.TempDir()
	for _, seed := range []string{"004_cf59cfa8c9ac4fc5.txt", "000_c5a5d5f7fd6db60e.txt", "001_056da80339f42796.txt"} {
		raw, err := os.ReadFile(filepath.Join(seeds, seed))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, seed), raw, 0o600)
	}
	mapFile := filepath.Join(t.TempDir(), "map.txt")
	os.WriteFile(mapFile, []byte("# 报告写法=系统中的名称\n临潭县卫生健康局=临潭县卫健局\n"), 0o600)
	out, errOut, code := runMain(t, "report", "load", "--data", data, "--map", mapFile, dir)
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	for _, want := range []string{"已载入为平阴县卫生健康局 2024年度报告", "已载入为临潭县卫健局 2022年度报告", "系统中没有单位“朝阳县卫生健康局”，未载入", "共载入 2 份，未载入 1 份"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runMain(t, "report", "load", "--data", data, "--map", mapFile, dir)
	if !strings.Contains(out, "已有2024年度报告，未载入") || !strings.Contains(out, "共载入 0 份") {
		t.Errorf("a second load:\n%s", out)
	}
	db, err = store.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.AnnualOverviews(ctx, []int64{health.ID, linTan.ID}, 2024)
	if err != nil || len(list) != 1 || list[0].AgencyID != health.ID || list[0].Source != "004_cf59cfa8c9ac4fc5.txt" || list[0].Status != disclosure.AnnualPublished {
		t.Errorf("the supervision page's source for 2024: %v %+v", err, list)
	}
}
