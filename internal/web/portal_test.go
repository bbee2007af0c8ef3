package web

import (
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/jobs"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/mail/mailtest"
	"github.com/gongkai/gongkai/internal/workday"
)

var (
	itemOfficer  = catalogue.Actor{Who: catalogue.ByOfficer, Name: "张公开"}
	itemReviewer = catalogue.Actor{Who: catalogue.ByReviewer, Name: "王审查"}
)

// itemStep takes one workflow step of an item, as the console does.
func (f *fixture) itemStep(t *testing.T, a *disclosure.Agency, id int64, on string, cmd catalogue.Command) *disclosure.Item {
	t.Helper()
	cmd.Today, cmd.Now = day(t, on), time.Now()
	env := catalogue.Env{Agency: a, Calendar: workday.Default()}
	ch, err := f.db.UpdateItem(context.Background(), disclosure.SystemActor, id, func(_ context.Context, it *disclosure.Item) (*disclosure.ItemChange, error) {
		return catalogue.Decide(it, cmd, env)
	})
	if err != nil {
		t.Fatalf("%s: %v", cmd.Action, err)
	}
	return &ch.Item
}

func day(t *testing.T, s string) workday.Date {
	t.Helper()
	d, err := workday.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// draftItem creates a draft item of the agency.
func (f *fixture) draftItem(t *testing.T, a *disclosure.Agency, content disclosure.Item) *disclosure.Item {
	t.Helper()
	it, err := catalogue.NewItem(content, a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateItem(context.Background(), disclosure.SystemActor, it); err != nil {
		t.Fatal(err)
	}
	return it
}

// publishDraft takes a draft through the secrecy review to publication on the day.
func (f *fixture) publishDraft(t *testing.T, a *disclosure.Agency, id int64, on string) *disclosure.Item {
	t.Helper()
	f.itemStep(t, a, id, on, catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})
	answers := map[string]bool{}
	for _, q := range disclosure.ReviewChecklist {
		answers[q] = true
	}
	f.itemStep(t, a, id, on, catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer, Answers: answers})
	return f.itemStep(t, a, id, on, catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer})
}

// publish creates an item and publishes it on the day.
func (f *fixture) publish(t *testing.T, a *disclosure.Agency, content disclosure.Item, on string) *disclosure.Item {
	t.Helper()
	return f.publishDraft(t, a, f.draftItem(t, a, content).ID, on)
}

// portalServer serves the fixture's database with another configuration (hit counter, sitemap limit, base URL).
func (f *fixture) portalServer(t *testing.T, cfg Config) *httptest.Server {
	t.Helper()
	cfg.Site, cfg.PasswordParams, cfg.MinFillTime = "测试门户", cheap, -1
	h, err := NewServer(f.db, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func text(doc *goquery.Document, sel string) string { return strings.TrimSpace(doc.Find(sel).Text()) }

// catalogueItems publishes the fixture's catalogue: the health bureau's items of several genres, categories and
// years, a hospital's (a unit of the bureau), and the civil affairs bureau's (another department).
type catalogueItems struct {
	vaccine, normative, penalty, budget, old, hospital, civil, withdrawn *disclosure.Item
	draft                                                                *disclosure.Item
	hospitalUnit, civilBureau                                            *disclosure.Agency
}

func (f *fixture) mustCatalogue(t *testing.T) catalogueItems {
	t.Helper()
	ctx := context.Background()
	gov, _ := f.db.GetAgency(ctx, 1)
	var c catalogueItems
	c.hospitalUnit = &disclosure.Agency{Kind: disclosure.SubordinateUnit, ParentID: &f.health.ID, Name: "平阴县人民医院"}
	c.civilBureau = &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县民政局"}
	for _, a := range []*disclosure.Agency{c.hospitalUnit, c.civilBureau} {
		if err := f.db.CreateAgency(ctx, disclosure.SystemActor, a); err != nil {
			t.Fatal(err)
		}
	}
	c.vaccine = f.publish(t, f.health, disclosure.Item{Title: "关于做好2026年春季疫苗接种工作的通知", DocNumber: "平卫发〔2026〕3号", Genre: disclosure.GenreNotice,
		Category: "health.public_health.vaccination", Summary: "部署春季疫苗接种和冷链管理。", Keywords: []string{"疫苗", "接种"},
		Body: `<p>各镇街卫生院：请做好<strong>疫苗</strong>冷链管理。</p><script>alert(1)</script><p onclick="x()">接种点见附件。</p>`, WrittenOn: day(t, "2026-03-01")}, "2026-03-02")
	c.normative = f.publish(t, f.health, disclosure.Item{Title: "平阴县医疗机构依法执业管理办法", DocNumber: "平卫规〔2025〕1号", Genre: disclosure.GenreNormative,
		Category: "health.policy", Body: "<p>第一条 为规范医疗机构执业行为……</p>", WrittenOn: day(t, "2025-06-01"), EffectiveOn: day(t, "2025-07-01")}, "2025-06-05")
	c.penalty = f.publish(t, f.health, disclosure.Item{Title: "平阴县某诊所行政处罚决定书", DocNumber: "平卫罚〔2026〕12号", Genre: disclosure.GenrePenalty,
		Category: "health.enforcement", Body: "<p>当事人未取得医疗机构执业许可证擅自执业。</p>"}, "2026-02-10")
	c.budget = f.publish(t, f.health, disclosure.Item{Title: "平阴县卫生健康局2025年度部门决算", Genre: disclosure.GenreBudget, Category: "finance.budget",
		Body: "<p>详见附件。</p>"}, "2026-01-20")
	c.old = f.publish(t, f.health, disclosure.Item{Title: "2024年度预防接种门诊名单", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination",
		Body: "<p>全县预防接种门诊名单。</p>"}, "2024-04-01")
	c.hospital = f.publish(t, c.hospitalUnit, disclosure.Item{Title: "平阴县人民医院2026年招聘公告", Genre: disclosure.GenrePersonnel, Category: "personnel.recruitment",
		Body: "<p>招聘护士10名。</p>"}, "2026-03-03")
	c.civil = f.publish(t, c.civilBureau, disclosure.Item{Title: "城乡低保标准调整的通知", Genre: disclosure.GenreNotice, Category: "livelihood.social_assistance",
		Body: "<p>提高城乡低保标准。</p>"}, "2026-03-04")
	c.withdrawn = f.publish(t, f.health, disclosure.Item{Title: "2026年疫苗接种点临时调整", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination",
		Body: "<p>临时调整接种点。</p>"}, "2026-03-05")
	c.withdrawn = f.itemStep(t, f.health, c.withdrawn.ID, "2026-03-06", catalogue.Command{Action: catalogue.Withdraw, Actor: itemOfficer, Note: "接种点已恢复原址，本通知不再适用"})
	c.draft = f.draftItem(t, f.health, disclosure.Item{Title: "疫苗接种点调整（草稿）", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination"})
	return c
}

func TestCatalogueFiltersAndCounts(t *testing.T) {
	f := newFixture(t)
	c := f.mustCatalogue(t)
	cl := f.client(t)
	titles := func(doc *goquery.Document) []string {
		var out []string
		doc.Find("table.catalogue-list tbody td.title a").Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
		return out
	}
	for _, tc := range []struct {
		name, path string
		want       []string
	}{
		{"the agency's catalogue lists its items and its units', newest first, without withdrawn items and drafts", "/agencies/2/catalogue",
			[]string{c.hospital.Title, c.vaccine.Title, c.penalty.Title, c.budget.Title, c.normative.Title, c.old.Title}},
		{"a category includes the categories below it", "/agencies/2/catalogue?category=health.public_health", []string{c.vaccine.Title, c.old.Title}},
		{"a genre", "/agencies/2/catalogue?genre=normative", []string{c.normative.Title}},
		{"a year", "/agencies/2/catalogue?year=2026", []string{c.hospital.Title, c.vaccine.Title, c.penalty.Title, c.budget.Title}},
		{"filters combine", "/agencies/2/catalogue?year=2026&category=health", []string{c.vaccine.Title, c.penalty.Title}},
		{"an Art 20 item", "/agencies/2/catalogue?art20=7", []string{c.budget.Title}},
		{"one unit", "/agencies/2/catalogue?unit=" + strconv.FormatInt(c.hospitalUnit.ID, 10), []string{c.hospital.Title}},
		{"the region's catalogue has every agency's", "/catalogue?genre=notice", []string{c.civil.Title, c.vaccine.Title, c.old.Title}},
		{"invalid filters are ignored", "/agencies/2/catalogue?category=nope&genre=x&year=abc&art20=99&page=-3&unit=999",
			[]string{c.hospital.Title, c.vaccine.Title, c.penalty.Title, c.budget.Title, c.normative.Title, c.old.Title}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, doc := get(t, cl, f.srv.URL+tc.path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := titles(doc); !slices.Equal(got, tc.want) {
				t.Errorf("titles\n got %q\nwant %q", got, tc.want)
			}
		})
	}
	t.Run("the columns are the portal's and the counts follow the other filters", func(t *testing.T) {
		_, doc := get(t, cl, f.srv.URL+"/agencies/2/catalogue?year=2026")
		var heads []string
		doc.Find("table.catalogue-list thead th").Each(func(_ int, s *goquery.Selection) { heads = append(heads, s.Text()) })
		if want := []string{"序号", "索引号", "信息名称", "文号", "发布日期"}; !slices.Equal(heads, want) {
			t.Errorf("columns %q", heads)
		}
		row := doc.Find("table.catalogue-list tbody tr").Eq(1).Find("td")
		if row.Eq(0).Text() != "2" || row.Eq(1).Text() != c.vaccine.IndexNumber || row.Eq(3).Text() != "平卫发〔2026〕3号" || row.Eq(4).Text() != "2026-03-02" {
			t.Errorf("row %q", row.Text())
		}
		counts := map[string]string{}
		doc.Find("aside.facets li").Each(func(_ int, s *goquery.Selection) {
			counts[strings.TrimSpace(s.ChildrenFiltered("a").Text())] = s.ChildrenFiltered("span.n").Text()
		})
		for name, want := range map[string]string{"卫生健康": "（2）", "财政": "（1）", "人事信息": "（1）", "通知公告": "（1）", "2026年": "（4）", "2025年": "（1）", "2024年": "（1）"} {
			if counts[name] != want {
				t.Errorf("count of %s = %q, want %q (all: %v)", name, counts[name], want, counts)
			}
		}
		if got := text(doc, "table.catalogue-list caption"); !strings.Contains(got, "共 4 条") {
			t.Errorf("caption %q", got)
		}
		if doc.Find(".chosen a[href='/agencies/2/catalogue']").Length() != 2 {
			t.Error("the chosen filter cannot be removed")
		}
	})
	t.Run("the landing page shows Art 20's fifteen items with their latest items", func(t *testing.T) {
		_, doc := get(t, cl, f.srv.URL+"/agencies/2/catalogue")
		items := doc.Find("ol.art20 > li")
		if items.Length() != 15 {
			t.Fatalf("%d Art 20 items", items.Length())
		}
		if got := items.Eq(6).Text(); !strings.Contains(got, "财政预算、决算信息") || !strings.Contains(got, c.budget.Title) {
			t.Errorf("item 7: %q", got)
		}
		if got := items.Eq(8).Text(); !strings.Contains(got, "暂无") {
			t.Errorf("item 9 should be empty: %q", got)
		}
	})
	t.Run("the agency's column shows the latest items and links the catalogue", func(t *testing.T) {
		_, doc := get(t, cl, f.srv.URL+"/agencies/2/")
		if doc.Find("#catalogue a[href='/agencies/2/catalogue']").Length() != 1 || !strings.Contains(text(doc, "#catalogue ul.item-list"), c.vaccine.Title) {
			t.Errorf("column: %q", text(doc, "#catalogue"))
		}
		if strings.Contains(text(doc, "#catalogue"), c.withdrawn.Title) || strings.Contains(text(doc, "#catalogue"), c.civil.Title) {
			t.Error("the column lists a withdrawn item or another agency's")
		}
	})
	t.Run("more than 10,000 items are told as 1万条以上", func(t *testing.T) {
		p := newPager(1, 20, countCap+1, 20, func(n int) string { return "?page=" + strconv.Itoa(n) })
		if p.TotalText != "1万条以上" || !p.Capped || p.Pages != 500 {
			t.Errorf("pager %+v", p)
		}
	})
}

func TestItemPage(t *testing.T) {
	f := newFixture(t)
	c := f.mustCatalogue(t)
	cl := f.client(t)
	resp, doc := get(t, cl, f.srv.URL+"/items/"+strconv.FormatInt(c.normative.ID, 10))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	meta := map[string]string{}
	doc.Find("table.item-meta tr").Each(func(_ int, s *goquery.Selection) {
		if s.Find("th[scope=row]").Length() == 1 {
			meta[s.Find("th").Text()] = s.Find("td").Text()
		}
	})
	for k, want := range map[string]string{"索引号": "113701243072282028/2025-00001", "主题分类": "卫生健康政策法规", "发布机构": "平阴县卫生健康局", "成文日期": "2025-06-01",
		"发布日期": "2025-06-05", "文号": "平卫规〔2025〕1号", "体裁": "行政规范性文件", "有效性": "有效", "施行日期": "2025-07-01"} {
		if meta[k] != want {
			t.Errorf("%s = %q, want %q", k, meta[k], want)
		}
	}
	if got := text(doc, "h1"); got != c.normative.Title {
		t.Errorf("h1 %q", got)
	}
	if src, _ := doc.Find("figure.qr img").Attr("src"); src != "/items/"+strconv.FormatInt(c.normative.ID, 10)+"/qr.png" || doc.Find("figure.qr img[alt]").Length() != 1 {
		t.Errorf("QR code %q", src)
	}
	if href, _ := doc.Find("a[href*='service.weibo.com']").Attr("href"); !strings.Contains(href, url.QueryEscape(f.srv.URL+"/items/")) {
		t.Errorf("weibo %q", href)
	}
	if v, _ := doc.Find("#share-url").Attr("value"); v != f.srv.URL+"/items/"+strconv.FormatInt(c.normative.ID, 10) {
		t.Errorf("share link %q", v)
	}
	if doc.Find("a[href$='?print=1']").Length() != 1 {
		t.Error("no print link")
	}
	if doc.Find("script").Length() != 0 {
		t.Error("an item page has a script")
	}

	t.Run("the body is sanitised again on output", func(t *testing.T) {
		_, doc := get(t, cl, f.srv.URL+"/items/"+strconv.FormatInt(c.vaccine.ID, 10))
		body, _ := doc.Find(".item-body").Html()
		if strings.Contains(body, "<script") || strings.Contains(body, "onclick") || !strings.Contains(body, "<strong>疫苗</strong>") {
			t.Errorf("body %s", body)
		}
		if got := text(doc, ".summary"); !strings.Contains(got, "部署春季疫苗接种") {
			t.Errorf("summary %q", got)
		}
	})
	t.Run("a repealed document says so with the date", func(t *testing.T) {
		f.itemStep(t, f.health, c.normative.ID, "2026-03-10", catalogue.Command{Action: catalogue.Validity, Actor: itemOfficer, Validity: disclosure.Repealed, Date: day(t, "2026-03-10")})
		_, doc := get(t, f.client(t), f.srv.URL+"/items/"+strconv.FormatInt(c.normative.ID, 10)+"?x=1")
		if got := text(doc, "table.item-meta tr:contains('有效性') td"); got != "废止（2026年3月10日废止）" {
			t.Errorf("有效性 %q", got)
		}
	})
	t.Run("the print view", func(t *testing.T) {
		_, doc := get(t, cl, f.srv.URL+"/items/"+strconv.FormatInt(c.vaccine.ID, 10)+"?print=1")
		if doc.Find("article.print-view").Length() != 1 || doc.Find("aside.item-tools").Length() != 0 || !strings.Contains(text(doc, ".print-note"), "Ctrl+P") {
			t.Error("not a print view")
		}
	})
	t.Run("a withdrawn item's page says when and why and shows nothing else", func(t *testing.T) {
		resp, doc := get(t, cl, f.srv.URL+"/items/"+strconv.FormatInt(c.withdrawn.ID, 10))
		got := text(doc, "p.withdrawn")
		if resp.StatusCode != 200 || !regexp.MustCompile(`^本信息已于\d{4}年\d{1,2}月\d{1,2}日撤回，原因：接种点已恢复原址，本通知不再适用$`).MatchString(got) {
			t.Errorf("%d %q", resp.StatusCode, got)
		}
		if doc.Find(".item-body, table.item-meta").Length() != 0 || strings.Contains(doc.Text(), "临时调整接种点") {
			t.Error("the withdrawn item's content is shown")
		}
	})
	t.Run("drafts and unknown items are not found", func(t *testing.T) {
		for _, p := range []string{"/items/" + strconv.FormatInt(c.draft.ID, 10), "/items/99999", "/items/abc", "/items/-1", "/items/" + strconv.FormatInt(c.draft.ID, 10) + "/qr.png"} {
			if resp, _ := get(t, cl, f.srv.URL+p); resp.StatusCode != 404 {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
		}
	})
	t.Run("the QR code is a PNG of the page's address", func(t *testing.T) {
		resp, err := cl.Get(f.srv.URL + "/items/" + strconv.FormatInt(c.vaccine.ID, 10) + "/qr.png")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(string(b), "\x89PNG") {
			t.Errorf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})
}

func TestItemAttachmentsArePublicOnlyWhenPublished(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	draft := f.draftItem(t, f.health, disclosure.Item{Title: "平阴县卫生健康局2025年度部门决算", Genre: disclosure.GenreBudget, Category: "finance.budget", Body: "<p>详见附件。</p>"})
	first := &disclosure.ItemAttachment{ItemID: draft.ID, Name: "2025年度决算表.pdf", ContentType: "application/pdf", Text: "一般公共预算财政拨款支出决算表", Data: []byte("%PDF-1.4 决算\n%%EOF")}
	if err := f.db.AddItemAttachment(ctx, disclosure.SystemActor, first); err != nil {
		t.Fatal(err)
	}
	cl := f.client(t)
	file := func(id int64) string {
		return "/items/" + strconv.FormatInt(draft.ID, 10) + "/files/" + strconv.FormatInt(id, 10)
	}
	if resp, _ := get(t, cl, f.srv.URL+file(first.ID)); resp.StatusCode != 404 {
		t.Errorf("a draft's attachment: %d", resp.StatusCode)
	}
	it := f.publishDraft(t, f.health, draft.ID, "2026-01-20")
	// A correction in preparation adds a file: not public until the correction is published.
	f.itemStep(t, f.health, it.ID, "2026-01-21", catalogue.Command{Action: catalogue.Correct, Actor: itemOfficer})
	second := &disclosure.ItemAttachment{ItemID: it.ID, Name: "更正后的决算表.xlsx", ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: []byte("PK")}
	if err := f.db.AddItemAttachment(ctx, disclosure.SystemActor, second); err != nil {
		t.Fatal(err)
	}
	_, doc := get(t, cl, f.srv.URL+"/items/"+strconv.FormatInt(it.ID, 10))
	var names []string
	doc.Find("section.files li a").Each(func(_ int, s *goquery.Selection) { names = append(names, s.Text()) })
	if !slices.Equal(names, []string{"2025年度决算表.pdf"}) {
		t.Errorf("attachments listed: %q", names)
	}
	resp, err := cl.Get(f.srv.URL + file(first.ID))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != string(first.Data) || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment; filename*=UTF-8''") || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("download: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	if resp, _ := get(t, cl, f.srv.URL+file(second.ID)); resp.StatusCode != 404 {
		t.Errorf("the correction's file before its publication: %d", resp.StatusCode)
	}
	// Another item's path does not reach the file.
	other := f.publish(t, f.health, disclosure.Item{Title: "另一条信息", Genre: disclosure.GenreOther}, "2026-01-22")
	if resp, _ := get(t, cl, f.srv.URL+"/items/"+strconv.FormatInt(other.ID, 10)+"/files/"+strconv.FormatInt(first.ID, 10)); resp.StatusCode != 404 {
		t.Errorf("the file through another item: %d", resp.StatusCode)
	}
	// The attachment's text is searchable.
	_, doc = get(t, cl, f.srv.URL+"/search?q="+url.QueryEscape("财政拨款"))
	if got := text(doc, "ol.hits h3"); got != it.Title {
		t.Errorf("search in the attachment's text finds %q", got)
	}
}

func TestItemHitsAreCountedThroughThePageCache(t *testing.T) {
	f := newFixture(t)
	it := f.publish(t, f.health, disclosure.Item{Title: "关于做好春季疫苗接种工作的通知", Genre: disclosure.GenreNotice}, "2026-03-02")
	hits := NewHitCounter(f.db, slog.New(slog.DiscardHandler))
	srv := f.portalServer(t, Config{Hits: hits})
	page := srv.URL + "/items/" + strconv.FormatInt(it.ID, 10)
	cl := f.client(t)
	first, _ := get(t, cl, page)
	second, _ := get(t, cl, page)
	if first.Header.Get("ETag") == "" || second.Header.Get("ETag") != first.Header.Get("ETag") {
		t.Fatalf("the item page is not served from the cache: %q %q", first.Header.Get("ETag"), second.Header.Get("ETag"))
	}
	req, _ := http.NewRequest("GET", page, nil)
	req.Header.Set("If-None-Match", first.Header.Get("ETag"))
	if resp, err := cl.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Fatalf("revalidation: %v %v", resp, err)
	}
	get(t, cl, page+"?print=1")
	get(t, cl, srv.URL+"/items/99999") // not found: not counted
	head, _ := http.NewRequest("HEAD", page, nil)
	cl.Do(head) // not a view
	if got := hits.Pending(it.ID); got != 4 {
		t.Errorf("pending views %d, want 4 (two from the cache, one revalidation, one print view)", got)
	}
	if err := hits.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	stored, _ := f.db.GetItem(context.Background(), it.ID)
	if stored.Hits != 4 || hits.Pending(it.ID) != 0 {
		t.Errorf("stored hits %d, pending %d", stored.Hits, hits.Pending(it.ID))
	}
	_, doc := get(t, f.client(t), page+"?fresh")
	if got := text(doc, "p.hits"); got != "浏览次数：4" {
		t.Errorf("%q", got)
	}
	// The most read are listed on the home page and the agency's column.
	f.publish(t, f.health, disclosure.Item{Title: "没人看的信息", Genre: disclosure.GenreNotice}, "2026-03-03")
	_, doc = get(t, f.client(t), srv.URL+"/")
	if got := text(doc, "section[aria-labelledby=h-most-read] li a"); !strings.HasPrefix(got, it.Title) {
		t.Errorf("most read on the home page: %q", got)
	}
	_, doc = get(t, f.client(t), srv.URL+"/agencies/2/")
	if got := doc.Find("#catalogue ol.item-list li a").First().Text(); got != it.Title {
		t.Errorf("most read on the column: %q", got)
	}
}

func TestHitCounterKeepsViewsWhenTheFlushFails(t *testing.T) {
	f := newFixture(t)
	hits := NewHitCounter(f.db, slog.New(slog.DiscardHandler))
	hits.Count(1)
	hits.Count(1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := hits.Flush(ctx); err == nil {
		t.Fatal("a flush with a cancelled context succeeded")
	}
	if got := hits.Pending(1); got != 2 {
		t.Errorf("pending after a failed flush: %d, want 2", got)
	}
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	c := f.mustCatalogue(t)
	cl := f.client(t)
	search := func(path string) (*http.Response, *goquery.Document) { return get(t, cl, f.srv.URL+path) }
	t.Run("two-character words are found and marked in titles and snippets", func(t *testing.T) {
		_, doc := search("/search?q=" + url.QueryEscape("疫苗"))
		h, _ := doc.Find("ol.hits h3 a").First().Html()
		if !strings.Contains(h, "<mark>疫苗</mark>") {
			t.Errorf("title %s", h)
		}
		snip, _ := doc.Find("ol.hits .snippet").First().Html()
		if !strings.Contains(snip, "<mark>疫苗</mark>") {
			t.Errorf("snippet %s", snip)
		}
		var ids []string
		doc.Find("ol.hits h3 a").Each(func(_ int, s *goquery.Selection) { h, _ := s.Attr("href"); ids = append(ids, h) })
		if slices.Contains(ids, "/items/"+strconv.FormatInt(c.withdrawn.ID, 10)) || slices.Contains(ids, "/items/"+strconv.FormatInt(c.draft.ID, 10)) {
			t.Errorf("a withdrawn item or a draft is found: %v", ids)
		}
		if got := text(doc, "p.count"); !strings.Contains(got, "找到 1 条") {
			t.Errorf("count %q", got)
		}
		if v, _ := doc.Find("#q").Attr("value"); v != "疫苗" {
			t.Errorf("the query is not echoed: %q", v)
		}
	})
	t.Run("a 文号 finds its item first, written in other brackets", func(t *testing.T) {
		_, doc := search("/search?q=" + url.QueryEscape("平卫罚[2026]12号"))
		if h, _ := doc.Find("ol.hits h3 a").First().Attr("href"); h != "/items/"+strconv.FormatInt(c.penalty.ID, 10) {
			t.Errorf("first hit %q", h)
		}
	})
	t.Run("an agency's search stays within the agency and its units", func(t *testing.T) {
		_, doc := search("/agencies/2/search?q=" + url.QueryEscape("通知"))
		got := text(doc, "ol.hits")
		if !strings.Contains(got, c.vaccine.Title) || strings.Contains(got, c.civil.Title) {
			t.Errorf("results %q", got)
		}
		_, doc = search("/agencies/2/search?q=" + url.QueryEscape("招聘"))
		if !strings.Contains(text(doc, "ol.hits"), c.hospital.Title) {
			t.Error("the unit's item is not found in the bureau's search")
		}
	})
	t.Run("filters", func(t *testing.T) {
		_, doc := search("/search?q=" + url.QueryEscape("平阴县") + "&genre=penalty")
		if got := doc.Find("ol.hits > li").Length(); got != 1 || !strings.Contains(text(doc, "ol.hits"), c.penalty.Title) {
			t.Errorf("genre filter: %d %q", got, text(doc, "ol.hits"))
		}
		_, doc = search("/search?q=" + url.QueryEscape("疫苗") + "&year=2025")
		if !strings.Contains(text(doc, "p.empty"), "去掉筛选条件") {
			t.Errorf("no results with filters: %q", text(doc, "p.empty"))
		}
	})
	t.Run("an empty query asks for words", func(t *testing.T) {
		for _, q := range []string{"/search", "/search?q=", "/search?q=+++"} {
			resp, doc := search(q)
			if resp.StatusCode != 200 || !strings.Contains(text(doc, "p.empty"), "请输入要查找的词语") || doc.Find("ol.hits").Length() != 0 {
				t.Errorf("%s: %d %q", q, resp.StatusCode, text(doc, "p.empty"))
			}
		}
	})
	t.Run("no results suggest fewer words", func(t *testing.T) {
		_, doc := search("/search?q=" + url.QueryEscape("疫苗 火箭发射"))
		if got := text(doc, "p.empty"); !strings.Contains(got, "没有找到与“疫苗 火箭发射”相关的信息") || !strings.Contains(got, "减少检索词") {
			t.Errorf("%q", got)
		}
	})
	t.Run("hostile queries render safely", func(t *testing.T) {
		for _, q := range []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `疫苗" OR 1=1 --`, `NEAR(疫苗 接种)`, `* ^ : ( ) "`, "\x00\x01疫苗",
			strings.Repeat("疫苗", 500), `-疫苗`, `title:疫苗`, "\xff\xfe", `{{.Site}}`} {
			resp, err := cl.Get(f.srv.URL + "/search?q=" + url.QueryEscape(q) + "&page=" + url.QueryEscape("9999999999999999999"))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body := string(b)
			if resp.StatusCode != 200 || strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, "系统内部错误") {
				t.Errorf("%q: status %d", q, resp.StatusCode)
			}
		}
	})
	t.Run("searches are not cached", func(t *testing.T) {
		resp, _ := search("/search?q=" + url.QueryEscape("疫苗"))
		if resp.Header.Get("ETag") != "" {
			t.Error("a search result was served from the page cache")
		}
	})
}

func TestSearchAPI(t *testing.T) {
	f := newFixture(t)
	c := f.mustCatalogue(t)
	tok := f.tokenFor(t, "officer", auth.ScopeCatalogueRead)
	code, out := f.api(t, "GET", "/api/v1/items/search?q="+url.QueryEscape("疫苗"), tok, nil)
	if code != 200 {
		t.Fatalf("%d %v", code, out)
	}
	hits := out["hits"].([]any)
	if len(hits) != 1 || out["total"].(float64) != 1 || out["capped"] != false {
		t.Fatalf("%v", out)
	}
	h := hits[0].(map[string]any)
	if h["id"].(float64) != float64(c.vaccine.ID) || !strings.Contains(h["title_html"].(string), "<mark>疫苗</mark>") ||
		!strings.Contains(h["snippet_html"].(string), "<mark>疫苗</mark>") || h["url"] != f.srv.URL+"/items/"+strconv.FormatInt(c.vaccine.ID, 10) ||
		h["doc_number"] != "平卫发〔2026〕3号" || h["agency"] != "平阴县卫生健康局" {
		t.Errorf("hit %v", h)
	}
	if code, out := f.api(t, "GET", "/api/v1/items/search?q="+url.QueryEscape("通知")+"&agency="+strconv.FormatInt(c.civilBureau.ID, 10), tok, nil); code != 200 || len(out["hits"].([]any)) != 1 {
		t.Errorf("agency filter: %d %v", code, out)
	}
	if code, out := f.api(t, "GET", "/api/v1/items/search?q=x&category=nope", tok, nil); code != 422 || !strings.Contains(out["detail"].(string), "主题分类") {
		t.Errorf("bad category: %d %v", code, out)
	}
	if code, out := f.api(t, "GET", "/api/v1/items/search", tok, nil); code != 200 || len(out["hits"].([]any)) != 0 {
		t.Errorf("empty query: %d %v", code, out)
	}
	if code, _ := f.api(t, "GET", "/api/v1/items/search?q=x", f.tokenFor(t, "officer", auth.ScopeReportsCheck), nil); code != 403 {
		t.Errorf("a token without catalogue:read: %d", code)
	}
}

// atomDoc is an Atom feed read back with encoding/xml.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func readAtom(t *testing.T, u string) (*http.Response, atomDoc) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d atomDoc
	if resp.StatusCode == 200 {
		if err := xml.NewDecoder(resp.Body).Decode(&d); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
	return resp, d
}

func TestAtomFeeds(t *testing.T) {
	f := newFixture(t)
	c := f.mustCatalogue(t)
	resp, feed := readAtom(t, f.srv.URL+"/feed.atom")
	if resp.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Errorf("content type %q", resp.Header.Get("Content-Type"))
	}
	if feed.ID != f.srv.URL+"/feed.atom" || feed.Title == "" || feed.Author.Name == "" {
		t.Errorf("feed %q %q %q", feed.ID, feed.Title, feed.Author.Name)
	}
	if _, err := time.Parse(time.RFC3339, feed.Updated); err != nil {
		t.Errorf("updated %q: %v", feed.Updated, err)
	}
	rels := map[string]string{}
	for _, l := range feed.Links {
		rels[l.Rel] = l.Href
	}
	if rels["self"] != f.srv.URL+"/feed.atom" || rels["alternate"] != f.srv.URL+"/catalogue" {
		t.Errorf("links %v", rels)
	}
	if len(feed.Entries) != 7 {
		t.Fatalf("%d entries, want the 7 published items", len(feed.Entries))
	}
	e := feed.Entries[0]
	if e.Title != c.civil.Title || e.ID != f.srv.URL+"/items/"+strconv.FormatInt(c.civil.ID, 10) || e.Summary == "" || e.Author.Name != "平阴县民政局" ||
		len(e.Links) != 1 || e.Links[0].Rel != "alternate" || e.Links[0].Href != e.ID {
		t.Errorf("entry %+v", e)
	}
	for _, e := range feed.Entries {
		if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
			t.Errorf("entry updated %q", e.Updated)
		}
		if e.Title == c.withdrawn.Title || e.Title == c.draft.Title {
			t.Errorf("the feed has %q", e.Title)
		}
	}
	_, feed = readAtom(t, f.srv.URL+"/agencies/2/feed.atom?category=health.public_health")
	var titles []string
	for _, e := range feed.Entries {
		titles = append(titles, e.Title)
	}
	if !slices.Equal(titles, []string{c.vaccine.Title, c.old.Title}) || !strings.Contains(feed.Title, "公共卫生服务") {
		t.Errorf("agency and category feed %q: %q", feed.Title, titles)
	}
	if resp, _ := readAtom(t, f.srv.URL+"/feed.atom?category=nope"); resp.StatusCode != 404 {
		t.Errorf("unknown category: %d", resp.StatusCode)
	}
	if resp, _ := readAtom(t, f.srv.URL+"/agencies/999/feed.atom"); resp.StatusCode != 404 {
		t.Errorf("unknown agency: %d", resp.StatusCode)
	}
}

type sitemapDoc struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

type sitemapIndexDoc struct {
	XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

func readXML(t *testing.T, u string, v any) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == 200 {
		if err := xml.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
	}
	return resp.StatusCode
}

func TestSitemapAndRobots(t *testing.T) {
	f := newFixture(t)
	c := f.mustCatalogue(t)
	var set sitemapDoc
	if code := readXML(t, f.srv.URL+"/sitemap.xml", &set); code != 200 {
		t.Fatalf("sitemap: %d", code)
	}
	var locs []string
	for _, u := range set.URLs {
		locs = append(locs, u.Loc)
	}
	for _, want := range []string{f.srv.URL + "/", f.srv.URL + "/catalogue", f.srv.URL + "/agencies/2/catalogue", f.srv.URL + "/agencies/2/guide",
		f.srv.URL + "/items/" + strconv.FormatInt(c.vaccine.ID, 10)} {
		if !slices.Contains(locs, want) {
			t.Errorf("sitemap lacks %s", want)
		}
	}
	for _, no := range []*disclosure.Item{c.withdrawn, c.draft} {
		if slices.Contains(locs, f.srv.URL+"/items/"+strconv.FormatInt(no.ID, 10)) {
			t.Errorf("sitemap lists %q", no.Title)
		}
	}
	// Over the limit, sitemap.xml becomes an index whose sitemaps hold every URL, each within the limit.
	srv := f.portalServer(t, Config{SitemapLimit: 4})
	var idx sitemapIndexDoc
	if code := readXML(t, srv.URL+"/sitemap.xml", &idx); code != 200 || len(idx.Sitemaps) < 3 {
		t.Fatalf("sitemap index: %d %+v", code, idx)
	}
	items := 0
	for _, s := range idx.Sitemaps {
		var part sitemapDoc
		if code := readXML(t, s.Loc, &part); code != 200 {
			t.Fatalf("%s: %d", s.Loc, code)
		}
		if len(part.URLs) > 4 && !strings.HasSuffix(s.Loc, "/pages.xml") {
			t.Errorf("%s has %d URLs", s.Loc, len(part.URLs))
		}
		for _, u := range part.URLs {
			if strings.Contains(u.Loc, "/items/") {
				items++
			}
		}
	}
	if items != 7 {
		t.Errorf("the index's sitemaps list %d items, want 7", items)
	}
	for _, p := range []string{"/sitemaps/items-99.xml", "/sitemaps/other.xml", "/sitemaps/items--1.xml", "/sitemaps/items-01.xml"} {
		if resp, _ := get(t, f.client(t), srv.URL+p); resp.StatusCode != 404 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	resp, err := http.Get(f.srv.URL + "/robots.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "Sitemap: "+f.srv.URL+"/sitemap.xml") || !strings.Contains(string(b), "Disallow: /console/") {
		t.Errorf("robots.txt:\n%s", b)
	}
}

var reLink = regexp.MustCompile(`https?://\S+/(subscribe/confirm|unsubscribe)/[a-z2-7]{52}`)

func TestSubscriptionFromConfirmationToOneClickUnsubscribe(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	smtp := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(smtp.Config())
	if err != nil {
		t.Fatal(err)
	}
	runner := &jobs.Runner{DB: f.db, Sender: sender, Log: slog.New(slog.DiscardHandler), BaseURL: f.srv.URL,
		Now: func() time.Time { return time.Now().Add(jobs.PublicationSettle + time.Second) }}
	deliver := func() int {
		t.Helper()
		n, err := runner.NotifySubscribers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runner.SendMail(ctx); err != nil {
			t.Fatal(err)
		}
		return n
	}
	already := f.publish(t, f.health, disclosure.Item{Title: "订阅之前发布的疫苗信息", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination"}, "2026-03-01")
	cl := f.client(t)
	resp, doc := postForm(t, f, cl, "/subscribe", withFormToken(t, f, cl, "/subscribe", url.Values{"email": {"Wang@Example.com"}, "agency": {"2"}, "category": {"health.public_health"}}))
	if resp.StatusCode != 200 || !strings.Contains(text(doc, "p.ok"), "wang@example.com") {
		t.Fatalf("subscribe: %d %q %q", resp.StatusCode, text(doc, "p.ok"), text(doc, ".error"))
	}
	// A keyword subscription of someone else, and an unconfirmed one.
	postForm(t, f, cl, "/subscribe", withFormToken(t, f, cl, "/subscribe", url.Values{"email": {"li@example.com"}, "keyword": {"医保"}}))
	postForm(t, f, cl, "/subscribe", withFormToken(t, f, cl, "/subscribe", url.Values{"email": {"zhao@example.com"}, "agency": {"2"}}))
	deliver()
	msgs := smtp.Wait(3, 5*time.Second)
	var confirmWang, confirmLi string
	for _, m := range msgs {
		link := reLink.FindString(m.Text)
		switch {
		case slices.Contains(m.To, "wang@example.com"):
			confirmWang = link
		case slices.Contains(m.To, "li@example.com"):
			confirmLi = link
		}
		if m.Subject != "请确认订阅政府信息更新" || !strings.Contains(link, "/subscribe/confirm/") {
			t.Errorf("confirmation mail %q: %q", m.Subject, m.Text)
		}
	}
	if !strings.Contains(msgs[0].Text+msgs[1].Text+msgs[2].Text, "平阴县卫生健康局（含下属单位）、主题分类“公共卫生服务”") {
		t.Error("the confirmation does not say what was subscribed")
	}
	// Nothing is delivered before the confirmation.
	f.publish(t, f.health, disclosure.Item{Title: "确认之前发布的疫苗信息", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination"}, "2026-03-02")
	if n := deliver(); n != 0 {
		t.Errorf("%d e-mails before the confirmation", n)
	}
	// The link shows a button; only the POST confirms.
	path := strings.TrimPrefix(confirmWang, f.srv.URL)
	resp, doc = get(t, cl, confirmWang)
	if resp.StatusCode != 200 || doc.Find("form[method=post] button").Length() != 1 {
		t.Fatalf("confirmation page: %d", resp.StatusCode)
	}
	if sub, _ := f.db.GetSubscription(ctx, path[len("/subscribe/confirm/"):]); sub.Active() {
		t.Fatal("the GET confirmed the subscription")
	}
	resp, doc = postForm(t, f, cl, path, nil)
	if resp.StatusCode != 200 || text(doc, "h1") != "订阅已确认" {
		t.Fatalf("confirm: %d %q", resp.StatusCode, text(doc, "main"))
	}
	postForm(t, f, cl, strings.TrimPrefix(confirmLi, f.srv.URL), nil)
	// An item drafted before the subscription and published after it is news; so is one in the category.
	early := f.draftItem(t, f.health, disclosure.Item{Title: "早已起草的预防接种门诊调整通知", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination",
		Summary: "调整部分预防接种门诊的服务时间。"})
	f.publish(t, f.health, disclosure.Item{Title: "城乡居民医保缴费标准", Genre: disclosure.GenreNotice, Category: "health.policy", Body: "<p>医保缴费标准为每人每年380元。</p>"}, "2026-03-03")
	f.publish(t, f.otherDepartment(t), disclosure.Item{Title: "其他分类的通知", Genre: disclosure.GenreNotice, Category: "health.policy"}, "2026-03-03")
	f.publishDraft(t, f.health, early.ID, "2026-03-04")
	if n := deliver(); n != 2 {
		t.Fatalf("%d e-mails after the publications, want 2 (one per subscriber)", n)
	}
	msgs = smtp.Wait(5, 5*time.Second)[3:]
	var toWang, toLi mailtest.Received
	for _, m := range msgs {
		if slices.Contains(m.To, "wang@example.com") {
			toWang = m
		} else {
			toLi = m
		}
	}
	if !strings.Contains(toWang.Subject, early.Title) || !strings.Contains(toWang.Text, "调整部分预防接种门诊的服务时间") ||
		!strings.Contains(toWang.Text, f.srv.URL+"/items/"+strconv.FormatInt(early.ID, 10)) {
		t.Errorf("the subscriber's e-mail: %q\n%s", toWang.Subject, toWang.Text)
	}
	if !strings.Contains(toLi.Subject, "城乡居民医保缴费标准") {
		t.Errorf("the keyword subscriber's e-mail: %q", toLi.Subject)
	}
	unsubscribe := strings.Trim(toWang.Header.Get("List-Unsubscribe"), "<>")
	if toWang.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(toWang.Text, unsubscribe) || !reLink.MatchString(unsubscribe) {
		t.Fatalf("headers %q %q", toWang.Header.Get("List-Unsubscribe"), toWang.Header.Get("List-Unsubscribe-Post"))
	}
	if strings.Contains(toWang.Text, already.Title) {
		t.Error("an item published before the subscription was sent")
	}
	// Delivered once: running again sends nothing.
	if n := deliver(); n != 0 {
		t.Errorf("%d e-mails on a second run", n)
	}
	// One-click unsubscription as a mail client sends it: a POST without cookies or Origin.
	req, _ := http.NewRequest("POST", unsubscribe, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe: %d", resp.StatusCode)
	}
	// A browser page on another site cannot do it.
	req, _ = http.NewRequest("POST", strings.Replace(unsubscribe, "unsubscribe", "unsubscribe", 1), nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	if resp, _ := http.DefaultClient.Do(req); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
	f.publish(t, f.health, disclosure.Item{Title: "退订之后发布的疫苗信息", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination"}, "2026-03-05")
	if n := deliver(); n != 0 {
		t.Errorf("%d e-mails after unsubscribing", n)
	}
	if _, doc := get(t, cl, unsubscribe); text(doc, "h1") != "已退订" {
		t.Errorf("the link after unsubscribing: %q", text(doc, "h1"))
	}
}

// otherDepartment is a new department of the region, outside the bureau's subtree.
func (f *fixture) otherDepartment(t *testing.T) *disclosure.Agency {
	t.Helper()
	gov, _ := f.db.GetAgency(context.Background(), 1)
	a := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县医疗保障局"}
	if err := f.db.CreateAgency(context.Background(), disclosure.SystemActor, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSubscriptionFormSaysWhatToFixAndLimits(t *testing.T) {
	f := newFixture(t)
	cl := f.client(t)
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no address", url.Values{"agency": {"2"}}, "邮箱地址不能为空"},
		{"a bad address", url.Values{"email": {"wang.example.com"}, "agency": {"2"}}, "缺少“@”"},
		{"no filter", url.Values{"email": {"wang@example.com"}}, "请至少选择一个订阅条件"},
		{"an unknown agency", url.Values{"email": {"wang@example.com"}, "agency": {"999"}}, "所选单位不存在"},
		{"an unknown category", url.Values{"email": {"wang@example.com"}, "category": {"nope"}}, "所选主题分类不存在"},
		{"a keyword of several words", url.Values{"email": {"wang@example.com"}, "keyword": {"疫苗 接种"}}, "关键词应为"},
		{"a keyword of punctuation only", url.Values{"email": {"wang@example.com"}, "keyword": {"！！"}}, "关键词应为"},
		{"the honeypot", url.Values{"email": {"wang@example.com"}, "agency": {"2"}, "website": {"x"}}, "提交未成功"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, doc := postForm(t, f, cl, "/subscribe", withFormToken(t, f, cl, "/subscribe", tc.form))
			if resp.StatusCode < 400 || !strings.Contains(text(doc, ".error"), tc.want) {
				t.Errorf("%d %q", resp.StatusCode, text(doc, ".error"))
			}
			if v, _ := doc.Find("#email").Attr("value"); v != strings.TrimSpace(tc.form.Get("email")) && tc.form.Get("email") != "" {
				t.Errorf("the address is not kept: %q", v)
			}
		})
	}
	t.Run("an address gets at most a few confirmation e-mails", func(t *testing.T) {
		codes := []int{}
		for i := 0; i < 5; i++ {
			resp, _ := postForm(t, f, f.client(t), "/subscribe", withFormToken(t, f, f.client(t), "/subscribe", url.Values{"email": {"flood@example.com"}, "keyword": {"疫苗" + strconv.Itoa(i)}}))
			codes = append(codes, resp.StatusCode)
		}
		if !slices.Equal(codes, []int{200, 200, 200, 429, 429}) {
			t.Errorf("statuses %v", codes)
		}
	})
	t.Run("links with bad tokens", func(t *testing.T) {
		for _, p := range []string{"/subscribe/confirm/short", "/unsubscribe/" + strings.Repeat("a", 52), "/unsubscribe/" + strings.Repeat("A", 52)} {
			if resp, doc := get(t, cl, f.srv.URL+p); resp.StatusCode != 404 || !strings.Contains(text(doc, "main"), "订阅链接无效") {
				t.Errorf("%s: %d", p, resp.StatusCode)
			}
		}
	})
	t.Run("the form is filled in from the catalogue's link", func(t *testing.T) {
		_, doc := get(t, cl, f.srv.URL+"/subscribe?agency=2&category=health.policy")
		if v, _ := doc.Find("#agency option[selected]").Attr("value"); v != "2" {
			t.Errorf("agency %q", v)
		}
		if v, _ := doc.Find("#category option[selected]").Attr("value"); v != "health.policy" {
			t.Errorf("category %q", v)
		}
	})
}

func TestMemoServesStaleAggregatesWhileOneRefreshRuns(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	s := &Server{db: f.db, log: slog.New(slog.DiscardHandler), now: clock}
	var calls atomic.Int64
	var work atomic.Int64 // how long a count takes, in milliseconds
	count := func(context.Context) (int64, error) {
		time.Sleep(time.Duration(work.Load()) * time.Millisecond)
		return calls.Add(1), nil
	}
	agg := func() int64 { v, _ := memoized(s, ctx, "agg", time.Minute, inBackground, count); return v }
	waitFor := func(what string, want int64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); agg() != want; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: never refreshed to %d (%d)", what, want, agg())
			}
		}
	}
	if v := agg(); v != 1 {
		t.Fatalf("first %d", v)
	}
	if v := agg(); v != 1 || calls.Load() != 1 {
		t.Errorf("within its time: %d after %d calls", v, calls.Load())
	}
	// A write (through any process: the version) ends an aggregate too; the stale value is served at once while
	// one refresh replaces it.
	f.db.CreateAgency(ctx, disclosure.SystemActor, &disclosure.Agency{Kind: disclosure.Department, ParentID: &f.health.ID, Name: "平阴县疾病预防控制中心"})
	advance(time.Millisecond) // past the throttle of a count that took microseconds
	if v := agg(); v != 1 {
		t.Errorf("after a write: %d, want the stale value at once", v)
	}
	waitFor("after a write", 2)
	// So does its time.
	advance(2 * time.Minute)
	if v := agg(); v != 2 {
		t.Errorf("expired: %d, want the stale value at once", v)
	}
	waitFor("expired", 3)
	if calls.Load() != 3 {
		t.Errorf("%d refreshes, want one each time", calls.Load()-1)
	}
	// A costly aggregate is refreshed at most once per memoCostFactor times its cost, however often the data
	// changes: one that took 60 ms serves on for 1.2 s of (the server's) time after a write.
	work.Store(60)
	advance(2 * time.Minute)
	agg()
	waitFor("costly", 4)
	work.Store(0)
	f.db.CreateAgency(ctx, disclosure.SystemActor, &disclosure.Agency{Kind: disclosure.Department, ParentID: &f.health.ID, Name: "平阴县妇幼保健院"})
	for range 20 {
		if v := agg(); v != 4 {
			t.Fatalf("a costly aggregate refreshed again within its cost's time: %d", v)
		}
	}
	// Past its cost's time (measured: on a loaded machine the 60 ms sleep takes longer) it is refreshed again.
	s.portal.memo.mu.Lock()
	cost := s.portal.memo.entries["agg"].cost
	s.portal.memo.mu.Unlock()
	advance(memoCostFactor*cost + 100*time.Millisecond)
	agg()
	waitFor("costly, later", 5)
	// Entries that follow writes are recomputed after one by the visitor.
	if v, _ := memoized(s, ctx, "list", time.Minute, followWrites, count); v != 6 {
		t.Fatalf("list %d", v)
	}
	f.db.CreateAgency(ctx, disclosure.SystemActor, &disclosure.Agency{Kind: disclosure.Department, ParentID: &f.health.ID, Name: "平阴县卫生监督所"})
	if v, _ := memoized(s, ctx, "list", time.Minute, followWrites, count); v != 7 {
		t.Errorf("after a write: %d", v)
	}
}
