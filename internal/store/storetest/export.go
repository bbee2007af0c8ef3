package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

func runExport(t *testing.T, open Opener) {
	ctx := context.Background()
	t.Run("the open-data export gives every public item once, in the order of change, and what changed since", func(t *testing.T) {
		db := MustMigrate(t, open)
		region := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, region, "平阴县卫生健康局")
		// The first item has a file: added while a draft, published with the item.
		withFile, err := catalogue.NewItem(disclosure.Item{Title: "关于公布2026年预防接种门诊名单的通知", Genre: disclosure.GenreNotice, Category: "health.policy",
			Keywords: []string{"卫生", "预防接种"}, Body: "<p>正文</p>", Summary: "内容概述"}, health, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateItem(ctx, officer, withFile); err != nil {
			t.Fatal(err)
		}
		if err := db.AddItemAttachment(ctx, officer, &disclosure.ItemAttachment{ItemID: withFile.ID, Name: "接种门诊名单.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: []byte("PK…")}); err != nil {
			t.Fatal(err)
		}
		mustItemStep(t, db, health, withFile.ID, "2026-03-02", catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})
		answers := map[string]bool{}
		for _, q := range disclosure.ReviewChecklist {
			answers[q] = true
		}
		mustItemStep(t, db, health, withFile.ID, "2026-03-02", catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer, Answers: answers})
		published := []*disclosure.Item{&mustItemStep(t, db, health, withFile.ID, "2026-03-02", catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer}).Item}
		for i, title := range []string{"平阴县卫生健康局2025年部门决算", "关于开展爱国卫生月活动的通知", "关于调整门诊时间的公告", "2026年卫生监督抽查计划"} {
			it := mustPublish(t, db, health, disclosure.Item{Title: title, Genre: disclosure.GenreNotice, Category: "health.policy", Keywords: []string{"卫生", "第" + string(rune('一'+i))},
				Body: "<p>正文</p>", Summary: "内容概述"}, "2026-03-02")
			published = append(published, it)
		}
		// A draft, an item in review and a correction being prepared are not public.
		draft, err := catalogue.NewItem(disclosure.Item{Title: "草稿：不应导出", Genre: disclosure.GenreNotice}, health, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateItem(ctx, officer, draft); err != nil {
			t.Fatal(err)
		}
		// The withdrawn item comes with its reason, so that a harvester takes it off too.
		time.Sleep(2 * time.Millisecond)
		withdrawn := mustItemStep(t, db, health, published[1].ID, "2026-03-03", catalogue.Command{Action: catalogue.Withdraw, Actor: itemOfficer, Note: "数据有误，已重新发布"}).Item

		collect := func(f store.ExportFilter) []store.ExportItem {
			t.Helper()
			var out []store.ExportItem
			if err := db.ExportItems(ctx, f, func(it *store.ExportItem) error { out = append(out, *it); return nil }); err != nil {
				t.Fatal(err)
			}
			return out
		}
		all := collect(store.ExportFilter{Attachments: true, Bodies: true})
		var ids []int64
		for i, it := range all {
			ids = append(ids, it.ID)
			if i > 0 && (it.UpdatedAt.Before(all[i-1].UpdatedAt) || it.UpdatedAt.Equal(all[i-1].UpdatedAt) && it.ID < all[i-1].ID) {
				t.Errorf("not in the order of change at %d", i)
			}
		}
		if len(all) != 5 || slices.Contains(ids, draft.ID) {
			t.Fatalf("exported %v, want the 5 public items without the draft %d", ids, draft.ID)
		}
		if last := all[len(all)-1]; last.ID != withdrawn.ID || last.State != "withdrawn" || last.WithdrawnReason != "数据有误，已重新发布" {
			t.Errorf("the withdrawal is not the last change with its reason: %+v", last)
		}
		first := all[slices.IndexFunc(all, func(it store.ExportItem) bool { return it.ID == published[0].ID })]
		if first.Agency != "平阴县卫生健康局" || first.IndexNumber == "" || first.GenreName != "通知公告" || first.Body != "<p>正文</p>" ||
			len(first.Keywords) != 2 || len(first.Attachments) != 1 || first.Attachments[0].Name != "接种门诊名单.xlsx" || first.PublishedOn != "2026-03-02" {
			t.Errorf("first item: %+v", first)
		}
		if plain := collect(store.ExportFilter{}); plain[0].Body != "" || plain[0].Attachments != nil {
			t.Errorf("bodies and files without asking: %+v", plain[0])
		}
		// Since the withdrawal: only it (the moment itself is included).
		since := collect(store.ExportFilter{Since: withdrawn.UpdatedAt})
		if len(since) != 1 || since[0].ID != withdrawn.ID {
			t.Errorf("since the withdrawal: %+v", since)
		}
		if later := collect(store.ExportFilter{Since: withdrawn.UpdatedAt.Add(time.Millisecond)}); len(later) != 0 {
			t.Errorf("since after the last change: %d items", len(later))
		}
		// fn's error stops the export and comes back.
		stop := errors.New("client went away")
		n := 0
		if err := db.ExportItems(ctx, store.ExportFilter{}, func(*store.ExportItem) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("stopping: %v after %d", err, n)
		}
	})

	t.Run("the export reads in batches and misses no item that shares a moment with another", func(t *testing.T) {
		db := MustMigrate(t, open)
		region := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, region, "平阴县卫生健康局")
		// 4,500 items across batches, many sharing one updated_at (a bulk import writes them in one moment).
		const n = 4500
		if err := db.UnsafeExec(ctx, `INSERT INTO items (agency_id, index_number, serial, title, genre, state, published_on, created_at, updated_at)
			SELECT $1, 'GK-' || g, g, '第' || g || '条', 'notice', 'published', '2026-03-02', 1, 1000 + g / 1000 FROM generate_series(1, $2) AS t(g)`, health.ID, n); err != nil {
			// SQLite has no generate_series table function by default: a recursive CTE does the same.
			if err := db.UnsafeExec(ctx, `WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < $2)
				INSERT INTO items (agency_id, index_number, serial, title, genre, state, published_on, created_at, updated_at)
				SELECT $1, 'GK-' || g, g, '第' || g || '条', 'notice', 'published', '2026-03-02', 1, 1000 + g / 1000 FROM s`, health.ID, n); err != nil {
				t.Fatal(err)
			}
		}
		seen := map[int64]bool{}
		if err := db.ExportItems(ctx, store.ExportFilter{}, func(it *store.ExportItem) error {
			if seen[it.ID] {
				t.Errorf("item %d twice", it.ID)
			}
			seen[it.ID] = true
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Errorf("%d of %d items exported", len(seen), n)
		}
	})

	t.Run("the published annual reports of every agency", func(t *testing.T) {
		db := MustMigrate(t, open)
		region := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, region, "平阴县卫生健康局")
		data := []byte(`{"era":"2021","year":2024,"agency":"平阴县卫生健康局","sections":[{"id":"一","text":"全年主动公开信息147条。"}]}`)
		if err := db.SaveAnnualReport(ctx, disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: health.ID, Year: 2024, Era: "2021", Data: data}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveAnnualDraft(ctx, disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: health.ID, Year: 2025, Era: "2021", Data: []byte(`{"era":"2021","year":2025,"agency":"平阴县卫生健康局"}`)}); err != nil {
			t.Fatal(err)
		}
		var got []store.ExportReport
		if err := db.ExportAnnualReports(ctx, func(r *store.ExportReport) error { got = append(got, *r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Year != 2024 || got[0].Agency != "平阴县卫生健康局" || !slices.Contains([]string{string(data)}, string(compactJSON(t, got[0].Report))) {
			t.Errorf("exported reports: %+v", got)
		}
	})
}

func compactJSON(t *testing.T, raw []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
