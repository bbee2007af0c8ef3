package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/annual"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// The demo holds the reports of the year being written in every state, and of the year before one published late
// and one corrected — all made through the workflow, so that the console and the supervision page show them.
func TestTheDemoHasAnnualReportsInEveryState(t *testing.T) {
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
	// Without the items (seedDemoItems has its own test; under -race they take half a minute): the reports are
	// drafted from whatever the database holds.
	if err := seedDemoReports(ctx, db, &out, seeded.officer, seeded.approver); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "已创建年度报告示范") {
		t.Errorf("the demo does not say it made the reports:\n%s", out.String())
	}
	today := workday.DateOf(time.Now().In(shanghai()))
	cur := demoReportYear(today)
	all, _ := db.ListAgencies(ctx, nil)
	byName := map[string]*disclosure.Agency{}
	var ids []int64
	for _, a := range all {
		byName[a.Name] = a
		ids = append(ids, a.ID)
	}
	reports := func(year int) map[string]store.AnnualOverview {
		list, err := db.AnnualOverviews(ctx, ids, year)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]store.AnnualOverview{}
		for _, o := range list {
			for name, a := range byName {
				if a.ID == o.AgencyID {
					m[name] = o
				}
			}
		}
		return m
	}
	findings := func(o store.AnnualOverview, name string) (errs int, rep *report.Report) {
		t.Helper()
		rep, err := report.Decode(o.Data)
		if err != nil {
			t.Fatal(err)
		}
		live, err := annual.Collect(ctx, db, o.AgencyID, o.Year)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range annual.Findings(rep, nil, annual.Env{Live: live, Entered: o.Entered, Kind: byName[name].Kind, Today: today, Published: o.Status == disclosure.AnnualPublished}) {
			if f.Severity == report.Error {
				errs++
			}
		}
		return errs, rep
	}
	this, last := reports(cur), reports(cur-1)
	// Art 49: a year's report is published after the year ends; in December the year being written is not.
	thisPublished := disclosure.AnnualPublished
	if cur >= today.Year {
		thisPublished = disclosure.AnnualDraft
	}
	for name, o := range this {
		if cur >= today.Year && o.Status == disclosure.AnnualPublished {
			t.Errorf("%s's report of %d, a year not yet ended, is published", name, cur)
		}
	}
	for _, tc := range []struct {
		name, agency string
		got          map[string]store.AnnualOverview
		status       string
		errors       bool
	}{
		{"published", "平阴县卫生健康局", this, thisPublished, false},
		{"in review", "临潭县卫生健康局", this, disclosure.AnnualInReview, false},
		{"a draft with findings", "朝阳县卫生健康局", this, disclosure.AnnualDraft, true},
		{"published late", "积石山县卫生健康局", last, disclosure.AnnualPublished, false},
		{"corrected", "平阴县卫生健康局", last, disclosure.AnnualPublished, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, ok := tc.got[tc.agency]
			if !ok || o.Status != tc.status || o.Source != "console" {
				t.Fatalf("%s: %+v", tc.agency, o.AnnualReport)
			}
			errs, rep := findings(o, tc.agency)
			if (errs > 0) != tc.errors {
				t.Errorf("%d errors found, want errors %v", errs, tc.errors)
			}
			if rep.Agency != tc.agency {
				t.Errorf("the report is %s's", rep.Agency)
			}
			if o.Status == disclosure.AnnualPublished {
				on, err := workday.ParseDate(rep.Published)
				due := annual.Deadline(byName[tc.agency].Kind, o.Year)
				if err != nil || on.After(today) || (on.After(due) != (tc.name == "published late")) {
					t.Errorf("published on %q, deadline %s, today %s", rep.Published, due, today)
				}
			}
		})
	}
	if o := this["平阴县卫生健康局"]; o.Corrections != 0 {
		t.Errorf("this year's report was corrected %d times", o.Corrections)
	}
	if o := last["平阴县卫生健康局"]; o.Corrections != 1 || !strings.Contains(o.Reason, "补充说明") {
		t.Errorf("the corrected report: %d corrections, reason %q", o.Corrections, o.Reason)
	}
	if _, ok := this["镇海区卫生计生局"]; ok {
		t.Error("镇海区卫生计生局 should not have started")
	}
	// The seed reports of earlier years are still there, published.
	if list, _ := db.ListAnnualReports(ctx, byName["平阴县卫生健康局"].ID); len(list) < 3 {
		t.Errorf("平阴县卫生健康局 has %d reports", len(list))
	}
}
