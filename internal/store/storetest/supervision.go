package storetest

import (
	"context"
	"testing"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// runSupervision checks what the supervising office reads across its agencies: every agency's report of a year
// with its corrections, and the items published late.
func runSupervision(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("the reports of a year are read for many agencies at once, with their corrections", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		civil := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		edu := mustAgency(t, db, disclosure.Department, gov, "平阴县教育和体育局")
		off := actorFor(mustUser(t, db, "officer1", disclosure.Grant{Role: disclosure.Officer, AgencyID: &health.ID}))
		appr := actorFor(mustUser(t, db, "approver1", disclosure.Grant{Role: disclosure.Approver, AgencyID: &health.ID}))

		published := &disclosure.AnnualReport{AgencyID: health.ID, Year: 2025, Era: "2021", Data: reportJSON(health.Name, 2025, "初稿")}
		if err := db.SaveAnnualDraft(ctx, off, published); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SubmitAnnualReport(ctx, off, published.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PublishAnnualReport(ctx, appr, published.ID, 2, nil); err != nil {
			t.Fatal(err)
		}
		for i, reason := range []string{"第三部分数据有误", "第六部分表述更正"} {
			if _, err := db.CorrectAnnualReport(ctx, off, published.ID, 3+i, reportJSON(health.Name, 2025, reason), nil, reason); err != nil {
				t.Fatal(err)
			}
		}
		draft := &disclosure.AnnualReport{AgencyID: civil.ID, Year: 2025, Era: "2021", Data: reportJSON(civil.Name, 2025, "草稿")}
		if err := db.SaveAnnualDraft(ctx, off, draft); err != nil {
			t.Fatal(err)
		}
		other := &disclosure.AnnualReport{AgencyID: civil.ID, Year: 2024, Era: "2021", Data: reportJSON(civil.Name, 2024, "上年")}
		if err := db.SaveAnnualDraft(ctx, off, other); err != nil {
			t.Fatal(err)
		}

		list, err := db.AnnualOverviews(ctx, []int64{health.ID, civil.ID, edu.ID}, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].AgencyID != health.ID || list[1].AgencyID != civil.ID {
			t.Fatalf("overviews %+v", list)
		}
		h, c := list[0], list[1]
		if h.Status != disclosure.AnnualPublished || h.Version != 5 || h.PublishedAt == nil || h.Corrections != 2 || h.CorrectedAt == nil || h.Reason != "第六部分表述更正" {
			t.Errorf("the corrected report: status %s v%d corrections %d reason %q", h.Status, h.Version, h.Corrections, h.Reason)
		}
		if string(h.Data) != string(reportJSON(health.Name, 2025, "第六部分表述更正")) {
			t.Errorf("the contents are not the latest correction's: %s", h.Data)
		}
		if c.Status != disclosure.AnnualDraft || c.Corrections != 0 || c.CorrectedAt != nil || c.Reason != "" || len(c.Data) == 0 {
			t.Errorf("the draft: %+v", c)
		}
		if list, err := db.AnnualOverviews(ctx, []int64{edu.ID}, 2025); err != nil || len(list) != 0 {
			t.Errorf("an agency without a report: %v %v", list, err)
		}
		if list, err := db.AnnualOverviews(ctx, nil, 2025); err != nil || len(list) != 0 {
			t.Errorf("no agencies: %v %v", list, err)
		}
	})

	t.Run("the items published late are listed newest first and counted like LateCount", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		civil := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		by := func(d workday.Date) workday.Date { return catalogue.PublishBy(workday.Default(), d) }
		// Formed on 20 January 2025: 20 working days run past Spring Festival to 10 March (exclusive of it).
		late1 := mustPublish(t, db, health, disclosure.Item{Title: "迟发一", Genre: disclosure.GenreNotice, Category: "livelihood", FormedOn: day("2025-01-20")}, "2025-03-10")
		late2 := mustPublish(t, db, health, disclosure.Item{Title: "迟发二", Genre: disclosure.GenreNotice, Category: "livelihood", FormedOn: day("2025-05-06")}, "2025-07-01")
		mustPublish(t, db, health, disclosure.Item{Title: "按时", Genre: disclosure.GenreNotice, Category: "livelihood", FormedOn: day("2025-05-06")}, "2025-05-12")
		mustPublish(t, db, health, disclosure.Item{Title: "无形成日期", Genre: disclosure.GenreNotice, Category: "livelihood"}, "2025-05-12")
		mustPublish(t, db, civil, disclosure.Item{Title: "他单位迟发", Genre: disclosure.GenreNotice, Category: "livelihood", FormedOn: day("2025-01-20")}, "2025-06-10")
		mustPublish(t, db, health, disclosure.Item{Title: "次年迟发", Genre: disclosure.GenreNotice, Category: "livelihood", FormedOn: day("2025-11-03")}, "2026-01-20")

		items, total, err := db.LateItems(ctx, []int64{health.ID}, 2025, by, 10)
		if err != nil {
			t.Fatal(err)
		}
		n, err := db.LateCount(ctx, []int64{health.ID}, 2025, by)
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || n != total || len(items) != 2 || items[0].ID != late2.ID || items[1].ID != late1.ID {
			t.Errorf("late items: total %d (LateCount %d), %d listed", total, n, len(items))
		}
		if items, total, _ := db.LateItems(ctx, []int64{health.ID}, 2025, by, 1); total != 2 || len(items) != 1 || items[0].Title != "迟发二" {
			t.Errorf("limited to one: total %d, %d listed", total, len(items))
		}
		if _, total, _ := db.LateItems(ctx, []int64{health.ID, civil.ID}, 2025, by, 0); total != 3 {
			t.Errorf("two agencies: total %d, want 3", total)
		}
		if items, total, err := db.LateItems(ctx, nil, 2025, by, 10); err != nil || total != 0 || len(items) != 0 {
			t.Errorf("no agencies: %d %d %v", len(items), total, err)
		}
	})
}
