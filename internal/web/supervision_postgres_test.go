package web

import (
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/store/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster, if a test started one.
func TestMain(m *testing.M) { pgtest.Main(m) }

// The supervision page reads across agencies with queries of its own (the year's reports with their corrections,
// the late items): the same scenario on PostgreSQL gives the same table and sums.
func TestSupervisionOnPostgres(t *testing.T) {
	rg := newRegionOn(t, newFixtureOn(t, pgtest.NewDatabase(t)))
	resp, doc := rg.page(t, rg.countySup, "year="+strconv.Itoa(rg.year))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for a, want := range map[string]string{
		rg.gov.Name: "已逾期", rg.edu.Name: "已逾期", rg.hosp.Name: "已逾期", rg.civil.Name: "已发布", rg.health.Name: "已发布",
	} {
		found := false
		doc.Find("table.sv-agencies tbody tr").Each(func(_ int, tr *goquery.Selection) {
			if tr.Find("th").Contents().First().Text() == a {
				found = tr.Find(".sv-state strong").Text() == want
			}
		})
		if !found {
			t.Errorf("%s is not %s", a, want)
		}
	}
	if got := row(doc, rg.health).Find(".sv-corrected").Text(); !strings.Contains(got, "已更正 1 次") {
		t.Errorf("correction %q", got)
	}
	if got := squash(row(doc, rg.civil).Find(".sv-late-items").Text()); got != "1条：平阴县民政局逾期公开的信息" {
		t.Errorf("late items %q", got)
	}
	if got := squash(row(doc, rg.edu).Find(".sv-overdue").Text()); !strings.HasPrefix(got, "1件") {
		t.Errorf("overdue %q", got)
	}
	if got := cellOf(doc, "#t-sum-r-s3", "（七）总计"); got != strconv.Itoa(rg.healthCases) {
		t.Errorf("published sum %q", got)
	}
	if got := cellOf(doc, "#t-sum-l-s3", "（七）总计"); got != strconv.Itoa(rg.healthCases+rg.hospCases) {
		t.Errorf("live sum %q", got)
	}
	if resp, body := fetch(t, rg.countySup, rg.srv.URL+"/console/supervision?format=xlsx&year="+strconv.Itoa(rg.year)); resp.StatusCode != 200 || len(body) < 1000 {
		t.Errorf("export: %d, %d bytes", resp.StatusCode, len(body))
	}
}
