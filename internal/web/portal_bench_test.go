package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/search"
	"github.com/gongkai/gongkai/internal/store"
)

// benchItems is how many items the portal benchmarks load (GONGKAI_BENCH_ITEMS overrides the default 100,000).
func benchItems(b *testing.B) int {
	if s := os.Getenv("GONGKAI_BENCH_ITEMS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("GONGKAI_BENCH_ITEMS=%q", s)
		}
		return n
	}
	return 100_000
}

var benchTopics = []string{"疫苗接种", "医保缴费", "食品安全抽检", "医疗机构执业", "公共卫生服务", "行政处罚决定", "部门预算", "招聘公告", "传染病防控", "老年人健康管理"}

// loadBenchItems writes n published items of 5 agencies straight into the tables (the workflow would take hours for
// a million), spread over ten years, the categories and genres, with their search entries.
func loadBenchItems(b *testing.B, db *store.DB, n int) {
	b.Helper()
	ctx := context.Background()
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, gov); err != nil {
		b.Fatal(err)
	}
	for i := range 4 {
		if err := db.CreateAgency(ctx, disclosure.SystemActor, &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: fmt.Sprintf("平阴县第%d局", i+1)}); err != nil {
			b.Fatal(err)
		}
	}
	cats := []string{"health.public_health.vaccination", "health.policy", "finance.budget", "enforcement.penalty", "personnel.recruitment", "livelihood.social_assistance", "general.policy"}
	genres := []string{"notice", "normative", "budget", "penalty", "personnel", "news", "other"}
	now := time.Now().UnixMicro()
	var topics, catCase, genreCase strings.Builder
	for i, t := range benchTopics {
		fmt.Fprintf(&topics, " WHEN %d THEN '%s'", i, t)
	}
	for i, c := range cats {
		fmt.Fprintf(&catCase, " WHEN %d THEN '%s'", i, c)
		fmt.Fprintf(&genreCase, " WHEN %d THEN '%s'", i, genres[i])
	}
	q := fmt.Sprintf(`WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %d)
		INSERT INTO items (agency_id, index_number, serial, title, summary, doc_number, doc_number_norm, published_on, publisher, category, genre, art20, keywords,
			body, body_text, state, created_at, updated_at, version)
		SELECT 1 + n %% 5, 'GK/' || n, n, '关于' || (CASE n %% 10%s END) || '工作的通知（第' || n || '号）', '', '', '',
			printf('%%04d-%%02d-%%02d', 2016 + n %% 10, 1 + n %% 12, 1 + n %% 28), '平阴县卫生健康局',
			(CASE n %% 7%s END), (CASE n %% 7%s END), n %% 16, '[]', '<p>正文第' || n || '段。</p>', '正文第' || n || '段。', 'published', %d, %d, 1 FROM seq`,
		n, topics.String(), catCase.String(), genreCase.String(), now, now)
	if err := db.UnsafeExec(ctx, q); err != nil {
		b.Fatal(err)
	}
	// Search entries, 500 to a statement.
	for lo := 1; lo <= n; lo += 500 {
		var sb strings.Builder
		sb.WriteString("INSERT INTO items_fts (rowid, title, body) VALUES ")
		for id := lo; id < lo+500 && id <= n; id++ {
			if id > lo {
				sb.WriteByte(',')
			}
			title := search.IndexText("关于" + benchTopics[id%10] + "工作的通知（第" + strconv.Itoa(id) + "号）")
			fmt.Fprintf(&sb, "(%d, '%s', '%s')", id, title, search.IndexText("正文第"+strconv.Itoa(id)+"段。"))
		}
		if err := db.UnsafeExec(ctx, sb.String()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPortal measures the public pages on SQLite with benchItems items: served from the page cache and
// rendered, and the queries behind them.
func BenchmarkPortal(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	n := benchItems(b)
	start := time.Now()
	loadBenchItems(b, db, n)
	b.Logf("%d items loaded in %v", n, time.Since(start).Round(time.Millisecond))
	h, err := NewServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Site: "门户"})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	cl := srv.Client()
	fetch := func(b *testing.B, path string) {
		resp, err := cl.Get(srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	// The first request of a page computes what the portal remembers (the catalogue's counts): it is timed on its
	// own, and the benchmark measures the steady state after it.
	page := func(b *testing.B, path string) {
		start := time.Now()
		fetch(b, path)
		b.Logf("first request %v", time.Since(start).Round(time.Microsecond))
		for b.Loop() {
			fetch(b, path)
		}
	}
	mid := strconv.Itoa(n / 2)
	for _, c := range []struct{ name, path string }{
		{"item/cached", "/items/" + mid},
		{"item/rendered", "/items/" + mid + "?r=1"},
		{"catalogue/agency/cached", "/agencies/2/catalogue"},
		{"catalogue/agency/filtered", "/agencies/2/catalogue?category=health&year=2020&page=3"},
		{"catalogue/region/filtered", "/catalogue?genre=notice&page=7"},
		{"catalogue/region/deep-page", "/catalogue?page=400"},
		{"search/two-characters", "/search?q=" + url.QueryEscape("疫苗")},
		{"search/agency-and-year", "/agencies/3/search?q=" + url.QueryEscape("医保 缴费") + "&year=2021"},
		{"feed", "/feed.atom"},
		{"home", "/"},
	} {
		b.Run(c.name, func(b *testing.B) { page(b, c.path) })
	}
	b.Run("query/facets-region", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.CatalogueFacets(ctx, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("query/most-read-region", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.MostRead(ctx, nil, 8); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("query/sitemap-buckets", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.SitemapBuckets(ctx, 50000); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("query/publication-cursor", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.PublicationCursor(ctx, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
