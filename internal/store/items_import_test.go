package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/store/storetest"
	"github.com/gongkai/gongkai/internal/workday"
)

func importAgencies(t testing.TB, db *store.DB) (*disclosure.Agency, *disclosure.Agency) {
	t.Helper()
	ctx := context.Background()
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府", DivisionCode: "370124"}
	if err := db.CreateAgency(ctx, actor, gov); err != nil {
		t.Fatal(err)
	}
	health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局", USCC: "113701243072282028"}
	if err := db.CreateAgency(ctx, actor, health); err != nil {
		t.Fatal(err)
	}
	civil := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县民政局"}
	if err := db.CreateAgency(ctx, actor, civil); err != nil {
		t.Fatal(err)
	}
	return health, civil
}

func TestImportItemsSQLite(t *testing.T)   { testImportItems(t, openSQLite) }
func TestImportItemsPostgres(t *testing.T) { testImportItems(t, openPostgres) }

func testImportItems(t *testing.T, open storetest.Opener) {
	ctx := context.Background()
	today := workday.NewDate(2026, 6, 15)

	t.Run("generated items are numbered, searchable, listed and audited once per batch", func(t *testing.T) {
		db := storetest.MustMigrate(t, open)
		health, civil := importAgencies(t, db)
		items := append(catalogue.GenerateItems(1, health, 2025, 1200, today), catalogue.GenerateItems(2, civil, 2025, 300, today)...)
		if err := db.ImportItems(ctx, actor, items); err != nil {
			t.Fatal(err)
		}
		type series struct {
			agency int64
			year   int
		}
		serials := map[series]map[int]bool{}
		index := map[string]bool{}
		public := map[int64]int{}
		for _, it := range items {
			if it.ID == 0 {
				t.Fatalf("%q has no ID", it.Title)
			}
			if !it.Public() {
				continue
			}
			public[it.AgencyID]++
			k := series{it.AgencyID, it.PublishedOn.Year}
			if serials[k] == nil {
				serials[k] = map[int]bool{}
			}
			serials[k][it.Serial] = true
			if index[it.IndexNumber] {
				t.Errorf("索引号 %s given twice", it.IndexNumber)
			}
			index[it.IndexNumber] = true
		}
		for k, got := range serials {
			for s := 1; s <= len(got); s++ {
				if !got[s] {
					t.Fatalf("%+v: serial %d of %d missing", k, s, len(got))
				}
			}
		}
		var penalty *disclosure.Item
		for _, it := range items {
			if it.Genre == disclosure.GenrePenalty && it.State == disclosure.ItemPublished && it.AgencyID == health.ID {
				penalty = it
				break
			}
		}
		if want := "113701243072282028/2025-"; !strings.HasPrefix(penalty.IndexNumber, want) {
			t.Errorf("索引号 %q, want the agency's format %s…", penalty.IndexNumber, want)
		}
		hits, _, err := db.SearchItems(ctx, disclosure.SearchQuery{Q: penalty.DocNumber})
		if err != nil || len(hits) == 0 || hits[0].Item.ID != penalty.ID {
			t.Errorf("the 文号 %s finds %d hits, %v", penalty.DocNumber, len(hits), err)
		}
		if _, total, _ := db.SearchItems(ctx, disclosure.SearchQuery{Q: "行政处罚", AgencyIDs: []int64{health.ID}}); total == 0 {
			t.Error("a two-character word of the bodies finds nothing")
		}
		// The imported entries are those reindex writes: the filter tokens (the agency and those above it, the
		// category and its parents, the genre, the year) and none for items not published.
		has := func(sq disclosure.SearchQuery, id int64) bool {
			t.Helper()
			sq.Limit = 100
			hits, _, err := db.SearchItems(ctx, sq)
			if err != nil {
				t.Fatal(err)
			}
			return slices.ContainsFunc(hits, func(h disclosure.SearchHit) bool { return h.Item.ID == id })
		}
		region := *health.ParentID
		cat := penalty.Category
		if i := strings.Index(cat, "."); i > 0 {
			cat = cat[:i]
		}
		if !has(disclosure.SearchQuery{Q: penalty.Title, AgencyIDs: []int64{region}, Genre: penalty.Genre, Year: penalty.PublishedOn.Year, Category: cat}, penalty.ID) {
			t.Errorf("%q is not found by the region, its genre, year and category %s", penalty.Title, cat)
		}
		if has(disclosure.SearchQuery{Q: penalty.Title, Genre: disclosure.GenreNotice}, penalty.ID) || has(disclosure.SearchQuery{Q: penalty.Title, Year: 2024}, penalty.ID) ||
			has(disclosure.SearchQuery{Q: penalty.Title, AgencyIDs: []int64{civil.ID}}, penalty.ID) {
			t.Errorf("%q is found under another genre, year or agency", penalty.Title)
		}
		unpublished := 0
		for _, it := range items {
			if it.State != disclosure.ItemPublished && it.DocNumber != "" {
				unpublished++
				if has(disclosure.SearchQuery{Q: it.DocNumber}, it.ID) {
					t.Errorf("the %s item %q is in the public search", it.State, it.Title)
				}
			}
		}
		if unpublished == 0 {
			t.Error("the generated items have no unpublished item with a 文号 to look for")
		}
		got, err := db.GetItem(ctx, penalty.ID)
		if err != nil || got.Title != penalty.Title || got.Body != penalty.Body || got.Hits != penalty.Hits || got.IndexNumber != penalty.IndexNumber || got.Review == nil {
			t.Errorf("read back: %+v, %v", got, err)
		}
		if _, total, _ := db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{health.ID}, Public: true}); total != public[health.ID] {
			t.Errorf("%d public items listed, want %d", total, public[health.ID])
		}
		if events, _ := db.ItemEvents(ctx, penalty.ID); len(events) != 1 || events[0].Action != "import" {
			t.Errorf("events %+v", events)
		}
		entries, _ := db.ListAudit(ctx, store.AuditFilter{Action: "item.import"})
		if len(entries) != 1 {
			t.Errorf("%d audit rows for one batch", len(entries))
		}
		if res, err := db.VerifyAudit(ctx); err != nil || !res.OK {
			t.Errorf("audit chain %+v, %v", res, err)
		}
		// A publication through the workflow continues the series.
		it, _ := catalogue.NewItem(disclosure.Item{Title: "关于开展2025年健康教育工作的通知", Genre: disclosure.GenreNotice}, health, time.Now())
		if err := db.CreateItem(ctx, actor, it); err != nil {
			t.Fatal(err)
		}
		env := catalogue.Env{Agency: health, Calendar: workday.Default()}
		answers := map[string]bool{}
		for _, q := range disclosure.ReviewChecklist {
			answers[q] = true
		}
		uOfficer, uReviewer := int64(1), int64(2)
		for _, cmd := range []catalogue.Command{{Action: catalogue.Submit, Actor: catalogue.Actor{Who: catalogue.ByOfficer, UserID: &uOfficer}},
			{Action: catalogue.Pass, Actor: catalogue.Actor{Who: catalogue.ByReviewer, UserID: &uReviewer}, Answers: answers},
			{Action: catalogue.Publish, Actor: catalogue.Actor{Who: catalogue.ByOfficer, UserID: &uOfficer}}} {
			cmd.Now, cmd.Today = time.Now(), workday.NewDate(2025, 12, 30)
			if _, err := db.UpdateItem(ctx, actor, it.ID, func(_ context.Context, it *disclosure.Item) (*disclosure.ItemChange, error) {
				return catalogue.Decide(it, cmd, env)
			}); err != nil {
				t.Fatalf("%s: %v", cmd.Action, err)
			}
		}
		published, _ := db.GetItem(ctx, it.ID)
		if want := fmt.Sprintf("113701243072282028/2025-%05d", len(serials[series{health.ID, 2025}])+1); published.IndexNumber != want {
			t.Errorf("next 索引号 %s, want %s", published.IndexNumber, want)
		}
		channels := catalogue.GenerateChannels(1, items, today)
		if err := db.ImportItemChannels(ctx, actor, channels); err != nil {
			t.Fatal(err)
		}
		f, err := db.CatalogueFigures(ctx, []int64{health.ID, civil.ID}, 2025)
		sum := 0
		for _, c := range f.Channels {
			sum += c.N
		}
		want := 0
		for _, c := range channels {
			if c.On.Year == 2025 {
				want += c.Count
			}
		}
		if err != nil || sum != want || want == 0 {
			t.Errorf("channel pushes counted %d, want %d (%v)", sum, want, err)
		}
	})

	t.Run("a bad item refuses the whole batch and says which", func(t *testing.T) {
		db := storetest.MustMigrate(t, open)
		health, _ := importAgencies(t, db)
		good := func() *disclosure.Item {
			return &disclosure.Item{AgencyID: health.ID, Title: "工作动态", Genre: disclosure.GenreNews, State: disclosure.ItemPublished, PublishedOn: today}
		}
		tests := []struct {
			name  string
			bad   func(*disclosure.Item)
			code  string
			words string
		}{
			{"no title", func(it *disclosure.Item) { it.Title = "" }, disclosure.EInvalid, "第 2 条"},
			{"published without a date", func(it *disclosure.Item) { it.PublishedOn = workday.Date{} }, disclosure.EInvalid, "发布日期"},
			{"unknown state", func(it *disclosure.Item) { it.State = "lost" }, disclosure.EInvalid, "状态"},
			{"unknown agency", func(it *disclosure.Item) { it.AgencyID = 999 }, disclosure.EInvalid, "不存在"},
			{"withdrawn without a reason", func(it *disclosure.Item) { it.State = disclosure.ItemWithdrawn }, disclosure.EInvalid, "撤回原因"},
			{"a 索引号 already used", func(it *disclosure.Item) { it.IndexNumber = "X/1" }, disclosure.EConflict, "索引号"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				first, second := good(), good()
				if tt.code == disclosure.EConflict {
					first.IndexNumber = "X/1"
				}
				tt.bad(second)
				err := db.ImportItems(ctx, actor, []*disclosure.Item{first, second})
				if disclosure.ErrorCode(err) != tt.code || !strings.Contains(err.Error(), tt.words) {
					t.Fatalf("err = %v, want %s with %q", err, tt.code, tt.words)
				}
				if first.ID != 0 {
					t.Error("an item of a refused batch kept its ID")
				}
				if _, total, _ := db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{health.ID}}); total != 0 {
					t.Errorf("%d items written by a refused batch", total)
				}
			})
		}
		if err := db.ImportItems(ctx, actor, make([]*disclosure.Item, store.MaxImportItems+1)); disclosure.ErrorCode(err) != disclosure.EInvalid {
			t.Errorf("too many: %v", err)
		}
		if err := db.ImportItemChannels(ctx, actor, []disclosure.ItemChannel{{ItemID: 1, Channel: "", On: today, Count: 1}}); disclosure.ErrorCode(err) != disclosure.EInvalid {
			t.Errorf("a channel without a name: %v", err)
		}
	})
}

// benchItems is how many items the import benchmarks write (GONGKAI_BENCH_ITEMS overrides it; the 1,000,000-item
// performance run uses the same path).
func benchItems() int {
	if n, err := strconv.Atoi(os.Getenv("GONGKAI_BENCH_ITEMS")); err == nil && n > 0 {
		return n
	}
	return 20000
}

func benchmarkImportItems(b *testing.B, db *store.DB) {
	ctx := context.Background()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	health, _ := importAgencies(b, db)
	n := benchItems()
	today := workday.NewDate(2026, 6, 15)
	var gen, write time.Duration
	for b.Loop() {
		for done := 0; done < n; done += 5000 {
			started := time.Now()
			items := catalogue.GenerateItems(uint64(done+1), health, 2025, min(5000, n-done), today)
			gen += time.Since(started)
			started = time.Now()
			if err := db.ImportItems(ctx, actor, items); err != nil {
				b.Fatal(err)
			}
			write += time.Since(started)
		}
	}
	b.ReportMetric(float64(n*b.N)/write.Seconds(), "items/s")
	b.ReportMetric(float64(n*b.N)/gen.Seconds(), "generated/s")
}

func BenchmarkImportItemsSQLite(b *testing.B) {
	db := openSQLiteB(b)
	b.Cleanup(func() { db.Close() })
	benchmarkImportItems(b, db)
}

func BenchmarkImportItemsPostgres(b *testing.B) {
	db, err := store.Open(context.Background(), pgtest.NewDatabase(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	benchmarkImportItems(b, db)
}
