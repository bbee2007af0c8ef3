package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

func TestItemsGenerate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := func(string) string { return "" }
	var out, errb strings.Builder
	for _, args := range [][]string{{"agency", "add", "--data", dir, "--name", "平阴县人民政府"}, {"agency", "add", "--data", dir, "--name", "平阴县卫生健康局", "--parent", "1"}} {
		if err := run(ctx, args, env, strings.NewReader(""), &out, &errb); err != nil {
			t.Fatal(err, errb.String())
		}
	}
	out.Reset()
	if err := run(ctx, []string{"items", "generate", "--data", dir, "--agency", "2", "--year", "2025", "--count", "6000"}, env, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	if !strings.Contains(out.String(), "生成 6000 条 2025 年度的主动公开信息") || !strings.Contains(out.String(), "每秒") {
		t.Errorf("generate said %q", out.String())
	}
	db, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, total, _ := db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{2}}); total != 6000 {
		t.Errorf("%d items in the database", total)
	}
	for _, bad := range [][]string{
		{"items", "generate", "--data", dir, "--agency", "2", "--year", "1999"},
		{"items", "generate", "--data", dir, "--agency", "2", "--year", "2025", "--count", "0"},
		{"items", "list"},
	} {
		if err := run(ctx, bad, env, strings.NewReader(""), io.Discard, io.Discard); exitCode(err, io.Discard) != 2 {
			t.Errorf("%v: %v", bad, err)
		}
	}
	if err := run(ctx, []string{"items", "generate", "--data", dir, "--agency", "99", "--year", "2025"}, env, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Error("an unknown agency generated items")
	}
}

func TestTheDemoHasItemsInEveryQueue(t *testing.T) {
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
	health := seeded.health
	if n, err := seedDemoItems(ctx, db, health); err != nil || n < 3000 {
		t.Fatalf("%d demo items, %v", n, err)
	}
	if again, err := seedDemo(ctx, db, &out); err != nil || again != nil {
		t.Errorf("a second start: %v, %v", again, err)
	}
	today := workday.DateOf(time.Now().In(shanghai()))
	healthIDs := []int64{health.ID}
	for name, f := range map[string]disclosure.ItemFilter{
		"published":       {AgencyIDs: healthIDs, Public: true},
		"drafts":          {AgencyIDs: healthIDs, States: []disclosure.ItemState{disclosure.ItemDraft}},
		"in review":       {AgencyIDs: healthIDs, States: []disclosure.ItemState{disclosure.ItemInReview}},
		"late":            {AgencyIDs: healthIDs, FormedBefore: catalogue.LateCutoff(workday.Default(), today)},
		"due for review":  {AgencyIDs: healthIDs, ReviewBy: today},
		"repealed":        {AgencyIDs: healthIDs, Validity: disclosure.Repealed},
		"another agency":  {AgencyIDs: []int64{3}, Public: true},
		"the region-wide": {Public: true, Year: today.Year - 1},
	} {
		if _, total, err := db.FindItems(ctx, f); err != nil || total == 0 {
			t.Errorf("%s: %d items, %v", name, total, err)
		}
	}
	if hits, _, err := db.SearchItems(ctx, disclosure.SearchQuery{Q: "疫苗"}); err != nil || len(hits) == 0 {
		t.Errorf("searching the demo: %d, %v", len(hits), err)
	}
	checkDemoReadsAsARealCounty(t, db)
}

// TestItemsExport: `items export` writes every public item once, as JSON Lines on stdout or CSV to a file — the same
// rows as the web API — and refuses a format or a time it cannot read with a Chinese message.
func TestItemsExport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, args := range [][]string{{"agency", "add", "--data", dir, "--name", "平阴县人民政府"}, {"agency", "add", "--data", dir, "--name", "平阴县卫生健康局", "--parent", "1"},
		{"items", "generate", "--data", dir, "--agency", "2", "--year", "2025", "--count", "800"}} {
		if out, errOut, code := runMain(t, args...); code != 0 {
			t.Fatalf("%v: %s %s", args, out, errOut)
		}
	}
	db, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	public, _, err := db.ExportCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if public == 0 {
		t.Fatal("the generator published nothing")
	}
	out, errOut, code := runMain(t, "items", "export", "--data", dir, "--base-url", "https://gongkai.pingyin.example.gov.cn")
	if code != 0 || !strings.Contains(errOut, "已导出") {
		t.Fatalf("export: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	seen := map[float64]bool{}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		seen[m["id"].(float64)] = true
		if !strings.HasPrefix(m["url"].(string), "https://gongkai.pingyin.example.gov.cn/items/") {
			t.Fatalf("url %v", m["url"])
		}
	}
	if len(lines) != public || len(seen) != public {
		t.Errorf("%d lines, %d items, want the %d public items", len(lines), len(seen), public)
	}
	file := filepath.Join(t.TempDir(), "目录.csv")
	if _, errOut, code := runMain(t, "items", "export", "--data", dir, "--format", "csv", "--out", file); code != 0 {
		t.Fatalf("csv: %s", errOut)
	}
	raw, _ := os.ReadFile(file)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != public+1 || rows[0][0] != "编号" {
		t.Errorf("csv: %d rows, %v", len(rows), err)
	}
	for _, bad := range [][]string{{"--format", "xml"}, {"--since", "上周"}} {
		if _, errOut, code := runMain(t, append([]string{"items", "export", "--data", dir}, bad...)...); code != 2 || !strings.Contains(errOut, "格式") {
			t.Errorf("%v: %d %s", bad, code, errOut)
		}
	}
}
