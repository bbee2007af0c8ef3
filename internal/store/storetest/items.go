package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

var (
	itemOfficer  = catalogue.Actor{Who: catalogue.ByOfficer, Name: "张公开"}
	itemReviewer = catalogue.Actor{Who: catalogue.ByReviewer, Name: "王审查"}
)

func itemStep(db *store.DB, a *disclosure.Agency, id int64, on string, cmd catalogue.Command) (*disclosure.ItemChange, error) {
	cmd.Today, cmd.Now = day(on), time.Now()
	env := catalogue.Env{Agency: a, Calendar: workday.Default()}
	return db.UpdateItem(context.Background(), officer, id, func(_ context.Context, it *disclosure.Item) (*disclosure.ItemChange, error) {
		return catalogue.Decide(it, cmd, env)
	})
}

func mustItemStep(t *testing.T, db *store.DB, a *disclosure.Agency, id int64, on string, cmd catalogue.Command) *disclosure.ItemChange {
	t.Helper()
	ch, err := itemStep(db, a, id, on, cmd)
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return ch
}

// mustPublish creates an item and takes it through review to publication on the day.
func mustPublish(t *testing.T, db *store.DB, a *disclosure.Agency, content disclosure.Item, on string) *disclosure.Item {
	t.Helper()
	it, err := catalogue.NewItem(content, a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateItem(context.Background(), officer, it); err != nil {
		t.Fatal(err)
	}
	mustItemStep(t, db, a, it.ID, on, catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})
	answers := map[string]bool{}
	for _, q := range disclosure.ReviewChecklist {
		answers[q] = true
	}
	mustItemStep(t, db, a, it.ID, on, catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer, Answers: answers})
	return &mustItemStep(t, db, a, it.ID, on, catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer}).Item
}

func searchIDs(t *testing.T, db *store.DB, q disclosure.SearchQuery) []int64 {
	t.Helper()
	hits, _, err := db.SearchItems(context.Background(), q)
	if err != nil {
		t.Fatalf("search %q: %v", q.Q, err)
	}
	var ids []int64
	for _, h := range hits {
		ids = append(ids, h.Item.ID)
	}
	return ids
}

func runItems(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("an item is numbered at publication, found by two-character words and its 文号, and corrected with its history", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		cats, _ := db.Categories(ctx)
		if len(cats) < 40 || !slices.ContainsFunc(cats, func(c disclosure.Category) bool { return c.Code == "health.public_health.vaccination" }) {
			t.Fatalf("categories not seeded: %d", len(cats))
		}
		vaccine := mustPublish(t, db, health, disclosure.Item{Title: "关于做好2026年春季疫苗接种工作的通知", DocNumber: "平卫发〔2026〕3号", Genre: disclosure.GenreNotice,
			Category: "health.public_health.vaccination", Body: "<p>各镇街卫生院：请做好<strong>疫苗</strong>冷链管理。</p>", WrittenOn: day("2026-03-02")}, "2026-03-02")
		insurance := mustPublish(t, db, health, disclosure.Item{Title: "城乡居民医保缴费标准", Genre: disclosure.GenreNotice, Category: "health.policy",
			Body: "<p>2026年度城乡居民医保个人缴费标准为每人每年380元。</p>"}, "2026-03-03")
		draft, _ := catalogue.NewItem(disclosure.Item{Title: "疫苗接种点调整（草稿）", Genre: disclosure.GenreNotice}, health, time.Now())
		if err := db.CreateItem(ctx, officer, draft); err != nil {
			t.Fatal(err)
		}
		if vaccine.IndexNumber != fmt.Sprintf("GK%06d/2026-00001", health.ID) || insurance.IndexNumber != fmt.Sprintf("GK%06d/2026-00002", health.ID) {
			t.Errorf("索引号 %q %q", vaccine.IndexNumber, insurance.IndexNumber)
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "疫苗"}); !slices.Equal(got, []int64{vaccine.ID}) {
			t.Errorf("疫苗 finds %v, want only the published item", got)
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "疫苗", Staff: true, AgencyIDs: []int64{health.ID}}); len(got) != 2 {
			t.Errorf("staff search finds %v, want the draft too", got)
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "医保"}); !slices.Equal(got, []int64{insurance.ID}) {
			t.Errorf("医保 finds %v", got)
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "平卫发[2026]3号"}); len(got) == 0 || got[0] != vaccine.ID {
			t.Errorf("the 文号 in other brackets finds %v", got)
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "平卫发〔2026〕3号", AgencyIDs: []int64{mustAgency(t, db, disclosure.Department, gov, "平阴县民政局").ID}}); slices.Contains(got, vaccine.ID) {
			t.Errorf("the exact 文号 of another agency is put first on this agency's search: %v", got)
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "平卫发〔2026〕3号", AgencyIDs: []int64{health.ID}}); len(got) == 0 || got[0] != vaccine.ID {
			t.Errorf("the 文号 within its agency finds %v", got)
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "疫苗", Category: "health.policy"}); len(got) != 0 {
			t.Errorf("category filter: %v", got)
		}
		hits, total, _ := db.SearchItems(ctx, disclosure.SearchQuery{Q: "冷链"})
		if total != 1 || len(hits) != 1 || !strings.Contains(hits[0].Text, "冷链管理") || hits[0].Agency != health.Name {
			t.Errorf("hit = %+v (total %d)", hits, total)
		}
		// A correction goes through review; the public search keeps the published text until it is published.
		mustItemStep(t, db, health, vaccine.ID, "2026-03-05", catalogue.Command{Action: catalogue.Correct, Actor: itemOfficer})
		fixed := *vaccine
		fixed.Body = "<p>各镇街卫生院：请做好疫苗冷链管理和接种登记。</p>"
		mustItemStep(t, db, health, vaccine.ID, "2026-03-05", catalogue.Command{Action: catalogue.Save, Actor: itemOfficer, Content: &fixed})
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "接种登记"}); len(got) != 0 {
			t.Errorf("the unpublished correction is searchable: %v", got)
		}
		mustItemStep(t, db, health, vaccine.ID, "2026-03-05", catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})
		answers := map[string]bool{}
		for _, q := range disclosure.ReviewChecklist {
			answers[q] = true
		}
		mustItemStep(t, db, health, vaccine.ID, "2026-03-05", catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer, Answers: answers})
		mustItemStep(t, db, health, vaccine.ID, "2026-03-06", catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer})
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "接种登记"}); !slices.Equal(got, []int64{vaccine.ID}) {
			t.Errorf("the published correction is not searchable: %v", got)
		}
		versions, err := db.ItemVersions(ctx, vaccine.ID)
		if err != nil || len(versions) != 1 || strings.Contains(versions[0].Item.Body, "接种登记") {
			t.Errorf("versions = %+v, %v", versions, err)
		}
		got, _ := db.GetItem(ctx, vaccine.ID)
		if got.IndexNumber != vaccine.IndexNumber || got.PublishedOn != vaccine.PublishedOn || got.Revision != nil {
			t.Errorf("after the correction: %+v", got)
		}
		events, _ := db.ItemEvents(ctx, vaccine.ID)
		if len(events) != 9 {
			t.Errorf("%d events, want 9: create, submit, pass, publish, correct, save, submit, pass, publish", len(events))
		}
		mustVerify(t, db, -1)
	})

	t.Run("housekeeping writes leave the data version, and so the page caches, alone", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		it := mustPublish(t, db, gov, disclosure.Item{Title: "通知", Genre: disclosure.GenreNotice}, "2026-03-02")
		v := db.Version()
		if err := db.AddItemHits(ctx, map[int64]int64{it.ID: 3}); err != nil {
			t.Fatal(err)
		}
		if err := db.Sessions().CommitCtx(ctx, "token", []byte("x"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := db.EnqueueMail(ctx, disclosure.Mail{To: "a@example.com", Subject: "s", Text: "t"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClaimJobRun(ctx, "x", "1"); err != nil {
			t.Fatal(err)
		}
		if db.Version() != v {
			t.Errorf("version moved from %d to %d", v, db.Version())
		}
		mustAgency(t, db, disclosure.Department, gov, "新部门")
		if db.Version() == v {
			t.Error("an agency change did not move the version")
		}
	})

	t.Run("an agency's search finds its units' items by the hierarchy as it is now", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		civil := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		unit := mustAgency(t, db, disclosure.SubordinateUnit, health, "平阴县疾病预防控制中心")
		it := mustPublish(t, db, unit, disclosure.Item{Title: "流感疫苗接种点公告", Genre: disclosure.GenreNotice, Category: "health"}, "2026-03-02")
		finds := func(a *disclosure.Agency) bool {
			return slices.Contains(searchIDs(t, db, disclosure.SearchQuery{Q: "疫苗", AgencyIDs: []int64{a.ID}, Limit: 10}), it.ID)
		}
		if !finds(health) || !finds(unit) || finds(civil) || !finds(gov) {
			t.Fatalf("before the move: health %v, unit %v, civil %v, county %v", finds(health), finds(unit), finds(civil), finds(gov))
		}
		unit.ParentID = &civil.ID
		if err := db.UpdateAgency(context.Background(), officer, unit); err != nil {
			t.Fatal(err)
		}
		if finds(health) || !finds(civil) || !finds(unit) || !finds(gov) {
			t.Errorf("after moving the unit: health %v, civil %v, unit %v, county %v", finds(health), finds(civil), finds(unit), finds(gov))
		}
	})

	t.Run("search lists title matches first, then the others, newest first, across pages", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		other := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		var inTitle, inBody []int64
		for i := range 15 {
			c := disclosure.Item{Title: fmt.Sprintf("通知%d", i), Genre: disclosure.GenreNotice, Category: "health", Body: "<p>关于做好疫苗管理的要求。</p>"}
			if i%5 == 0 {
				c.Title = fmt.Sprintf("疫苗接种通知%d", i)
			}
			it := mustPublish(t, db, health, c, "2026-03-02")
			if i%5 == 0 {
				inTitle = append([]int64{it.ID}, inTitle...)
			} else {
				inBody = append([]int64{it.ID}, inBody...)
			}
		}
		mustPublish(t, db, other, disclosure.Item{Title: "疫苗", Genre: disclosure.GenreNotice, Category: "livelihood"}, "2026-03-02")
		want := append(append([]int64{}, inTitle...), inBody...)
		page1 := searchIDs(t, db, disclosure.SearchQuery{Q: "疫苗", AgencyIDs: []int64{health.ID}, Limit: 10})
		page2 := searchIDs(t, db, disclosure.SearchQuery{Q: "疫苗", AgencyIDs: []int64{health.ID}, Limit: 10, Offset: 10})
		if !slices.Equal(page1, want[:10]) || !slices.Equal(page2, want[10:]) {
			t.Errorf("pages %v %v, want %v", page1, page2, want)
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "疫苗", AgencyIDs: []int64{gov.ID}, Limit: 20}); len(got) != 16 {
			t.Errorf("the region government's search covers its departments: %d", len(got))
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "疫苗", Category: "livelihood"}); len(got) != 1 {
			t.Errorf("category filter: %v", got)
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "疫苗", Year: 2025}); len(got) != 0 {
			t.Errorf("year filter: %v", got)
		}
	})

	t.Run("attachments become public with the publication and their text is searched", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		it, _ := catalogue.NewItem(disclosure.Item{Title: "2025年度部门决算", Genre: disclosure.GenreBudget, Category: "finance.budget"}, health, time.Now())
		if err := db.CreateItem(ctx, officer, it); err != nil {
			t.Fatal(err)
		}
		att := &disclosure.ItemAttachment{ItemID: it.ID, Name: "决算表.pdf", ContentType: "application/pdf", Data: []byte("%PDF"), Text: "一般公共预算财政拨款支出决算表 三公经费"}
		if err := db.AddItemAttachment(ctx, officer, att); err != nil {
			t.Fatal(err)
		}
		if _, public, _ := db.GetItemAttachment(ctx, att.ID); public {
			t.Error("a draft's attachment is public")
		}
		answers := map[string]bool{}
		for _, q := range disclosure.ReviewChecklist {
			answers[q] = true
		}
		mustItemStep(t, db, health, it.ID, "2026-03-02", catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})
		// Art 17: the secrecy review sees the files as they will be published — none added or removed after the
		// draft has been submitted, in review or once passed.
		late := &disclosure.ItemAttachment{ItemID: it.ID, Name: "内部名单.xlsx", ContentType: "application/pdf", Data: []byte("x")}
		if err := db.AddItemAttachment(ctx, officer, late); code(err) != disclosure.EConflict || !strings.Contains(disclosure.ErrorMessage(err), "保密审查") {
			t.Errorf("adding a file to an item in review: %v", err)
		}
		if err := db.RemoveItemAttachment(ctx, officer, att.ID); code(err) != disclosure.EConflict {
			t.Errorf("removing a file of an item in review: %v", err)
		}
		mustItemStep(t, db, health, it.ID, "2026-03-02", catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer, Answers: answers})
		if err := db.AddItemAttachment(ctx, officer, late); code(err) != disclosure.EConflict {
			t.Errorf("adding a file to a reviewed item: %v", err)
		}
		mustItemStep(t, db, health, it.ID, "2026-03-02", catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer})
		if files, _, err := db.ItemAttachments(ctx, it.ID, true); err != nil || len(files) != 1 || files[0].Name != "决算表.pdf" {
			t.Errorf("published files: %v %v", files, err)
		}
		if _, public, _ := db.GetItemAttachment(ctx, att.ID); !public {
			t.Error("the attachment did not become public")
		}
		if got := searchIDs(t, db, disclosure.SearchQuery{Q: "三公经费"}); !slices.Equal(got, []int64{it.ID}) {
			t.Errorf("attachment text search: %v", got)
		}
		if err := db.AddItemAttachment(ctx, officer, &disclosure.ItemAttachment{ItemID: it.ID, Name: "x.pdf", ContentType: "application/pdf", Data: []byte("x")}); code(err) != disclosure.EConflict {
			t.Errorf("adding to a published item without a correction: %v", err)
		}
		if err := db.RemoveItemAttachment(ctx, officer, att.ID); code(err) != disclosure.EConflict {
			t.Errorf("removing from a published item without a correction: %v", err)
		}
	})

	t.Run("catalogue lists, counts, hits and the figures of section 二", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		other := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		var ids []int64
		for i := range 5 {
			it := mustPublish(t, db, health, disclosure.Item{Title: fmt.Sprintf("规范性文件%d", i), Genre: disclosure.GenreNormative, Category: "health.policy", WrittenOn: day("2025-03-02")}, "2025-03-10")
			ids = append(ids, it.ID)
		}
		mustItemStep(t, db, health, ids[0], "2025-11-01", catalogue.Command{Action: catalogue.Validity, Actor: itemOfficer, Validity: disclosure.Repealed, Date: day("2025-11-01")})
		mustPublish(t, db, health, disclosure.Item{Title: "处罚决定", Genre: disclosure.GenrePenalty, Category: "enforcement.penalty", WrittenOn: day("2025-01-20"), FormedOn: day("2025-01-20")}, "2025-03-10")
		mustPublish(t, db, other, disclosure.Item{Title: "民政通知", Genre: disclosure.GenreNotice, Category: "livelihood"}, "2025-04-01")
		mustItemStep(t, db, health, ids[1], "2025-03-12", catalogue.Command{Action: catalogue.Channels, Actor: itemOfficer, Channels: []disclosure.ItemChannel{{Channel: "微信公众号", On: day("2025-03-11"), Count: 1}}})
		list, total, err := db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{health.ID}, Public: true, Category: "health"})
		if err != nil || total != 5 || len(list) != 5 {
			t.Errorf("health category prefix: %d %d %v", total, len(list), err)
		}
		if _, total, _ := db.FindItems(ctx, disclosure.ItemFilter{Public: true, Year: 2025}); total != 7 {
			t.Errorf("2025 region-wide: %d", total)
		}
		if err := db.AddItemHits(ctx, map[int64]int64{ids[3]: 7, ids[2]: 2}); err != nil {
			t.Fatal(err)
		}
		top, _, _ := db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{health.ID}, Public: true, Order: "hits", Limit: 2})
		if len(top) != 2 || top[0].ID != ids[3] || top[0].Hits != 7 {
			t.Errorf("most read: %+v", top)
		}
		f, err := db.CatalogueFigures(ctx, []int64{health.ID}, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if f.NormativeMade != 5 || f.NormativeRepealed != 1 || f.NormativeInForce != 4 || f.PenaltyDecisions != 1 || f.Published != 6 {
			t.Errorf("figures %+v", f)
		}
		if len(f.Channels) != 1 || f.Channels[0] != (disclosure.NamedCount{Name: "微信公众号", N: 1}) {
			t.Errorf("channels %+v", f.Channels)
		}
		// The penalty decision formed on 20 Jan 2025 and published on 10 Mar was late (Spring Festival included).
		late, err := db.LateCount(ctx, []int64{health.ID}, 2025, func(d workday.Date) workday.Date { return catalogue.PublishBy(workday.Default(), d) })
		if err != nil || late != 1 {
			t.Errorf("late %d, %v", late, err)
		}
		due, _, _ := db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{health.ID}, ReviewBy: day("2027-03-10")})
		if len(due) != 4 {
			t.Errorf("%d items due for review by 2027-03-10, want the 4 normative documents still in force", len(due))
		}
	})
}
