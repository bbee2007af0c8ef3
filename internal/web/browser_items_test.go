package web

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/jobs"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/mail/mailtest"
)

// itemAction opens an item's page and submits one of its action forms after fill.
func itemAction(t *testing.T, ctx context.Context, base string, id int64, action string, fill ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/console/items/%d", base, id)))
	form := "#form-" + action
	if open := run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).closest("details").open`, form))); !open {
		run(t, ctx, chromedp.Click(css("details:has("+form+") > summary")))
	}
	for _, f := range fill {
		run(t, ctx, f)
	}
	submit(t, ctx, form+" button[type=submit]")
	if msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#item-error")||{}).textContent||""`)); msg != "" {
		t.Fatalf("%s: %s", action, msg)
	}
}

// An officer writes an item and sends it to the secrecy review, the reviewer passes it against the checklist, and
// the officer publishes it; the public finds it in the catalogue and by search, subscribes to its category,
// confirms from the e-mail and receives the next item's. The console's pages pass axe-core (the portal's are
// checked in TestBrowserPublicFindsAnItemAndSubscribes).
func TestBrowserAnItemThroughReviewToPublication(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t)
	base := f.srv.URL
	signIn(t, ctx, base, "officer", password)
	run(t, ctx, chromedp.Navigate(base+"/console/"))
	submit(t, ctx, `a[href="/console/items"]`)
	axeCheck(t, ctx, "信息列表")
	submit(t, ctx, `a[href="/console/items/new"]`)
	axeCheck(t, ctx, "新建信息")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(css("#title"), "关于做好2026年春季疫苗接种工作的通知"),
		chromedp.SendKeys(css("#summary"), "部署春季疫苗接种和冷链管理。"),
		chromedp.SendKeys(css("#doc_number"), "平卫发〔2026〕9号"),
		chromedp.SetValue(css("#genre"), "notice"),
		chromedp.SetValue(css("#category"), "health.public_health.vaccination"),
		chromedp.SendKeys(css("#keywords"), "疫苗 冷链"),
		// The body's editor (the textarea is its fallback without JavaScript).
		chromedp.SendKeys(css("#body-editable"), "各镇街卫生院：请做好疫苗冷链管理。"),
	); err != nil {
		t.Fatal(err)
	}
	// Genres without 有效性 hide its block, without JavaScript.
	if shown := run(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("fieldset.validity")).display`)); shown != "none" {
		t.Errorf("the validity block of a notice is displayed: %q", shown)
	}
	submit(t, ctx, "#item-form button[type=submit]")
	var id int64
	url := run(t, ctx, chromedp.Evaluate[string](`location.pathname`))
	if _, err := fmt.Sscanf(url, "/console/items/%d", &id); err != nil {
		t.Fatalf("after creating: %s", url)
	}
	axeCheck(t, ctx, "信息页面（草稿）")
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/console/items/%d/edit", base, id)))
	axeCheck(t, ctx, "修改信息")
	itemAction(t, ctx, base, id, "submit")
	if got := run(t, ctx, chromedp.Text(css("#item-state"))); got != "保密审查中" {
		t.Errorf("after submitting: %q", got)
	}
	signOut(t, ctx)

	signIn(t, ctx, base, "reviewer", password)
	run(t, ctx, chromedp.Navigate(base+"/console/items"))
	if queue := run(t, ctx, chromedp.Text(css("table.items"))); !strings.Contains(queue, "春季疫苗接种") {
		t.Errorf("the reviewer's queue: %s", queue)
	}
	axeCheck(t, ctx, "待保密审查")
	itemAction(t, ctx, base, id, "pass", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("#form-pass input[name=answer]").forEach(c => c.click())`))
	if got := run(t, ctx, chromedp.Text(css("#item-state"))); got != "已审核待发布" {
		t.Errorf("after the review: %q", got)
	}
	signOut(t, ctx)

	signIn(t, ctx, base, "officer", password)
	itemAction(t, ctx, base, id, "publish")
	axeCheck(t, ctx, "信息页面（已发布）")
	if got := run(t, ctx, chromedp.Text(css("#item-state"))); got != "已发布" {
		t.Errorf("after publishing: %q", got)
	}
	index := run(t, ctx, chromedp.Text(css("#index-number")))
	if !strings.HasPrefix(index, "113701243072282028/") {
		t.Errorf("索引号 %q", index)
	}
	signOut(t, ctx)

	// The public finds it in the bureau's catalogue by its category, and by searching.
	title := "关于做好2026年春季疫苗接种工作的通知"
	agency := strconv.FormatInt(f.health.ID, 10)
	run(t, ctx, chromedp.Navigate(base+"/agencies/"+agency+"/catalogue"))
	submit(t, ctx, `aside.facets a[href="/agencies/`+agency+`/catalogue?category=health.public_health.vaccination"]`)
	if titles := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.catalogue-list td.title a")].map(a => a.textContent)`)); !slices.Contains(titles, title) {
		t.Errorf("the category lists %q", titles)
	}
	run(t, ctx, chromedp.SendKeys(css("#site-q"), "疫苗 冷链"))
	submit(t, ctx, "form.site-search button")
	if first := run(t, ctx, chromedp.Text(css("ol.hits h3 a"))); first != title {
		t.Errorf("the first hit is %q", first)
	}
	submit(t, ctx, "ol.hits h3 a")
	if h1 := run(t, ctx, chromedp.Text(css("main h1"))); h1 != title {
		t.Errorf("opened %q", h1)
	}
	if page := run(t, ctx, chromedp.Text(css("main"))); !strings.Contains(page, index) || !strings.Contains(page, "平卫发〔2026〕9号") {
		t.Errorf("the item page lacks its 索引号 %s or 文号", index)
	}

	// Subscribes to its category, confirms from the e-mail, and receives the next item of the category.
	smtp := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(smtp.Config())
	if err != nil {
		t.Fatal(err)
	}
	runner := &jobs.Runner{DB: f.db, Sender: sender, Log: slog.New(slog.DiscardHandler), BaseURL: base,
		Now: func() time.Time { return time.Now().Add(jobs.PublicationSettle + time.Second) }}
	deliver := func() int {
		t.Helper()
		n, err := runner.NotifySubscribers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := runner.SendMail(context.Background()); err != nil {
			t.Fatal(err)
		}
		return n
	}
	submit(t, ctx, `aside.item-tools a[href^="/subscribe"]`)
	run(t, ctx, chromedp.SendKeys(css("#email"), "reader@example.com"))
	submit(t, ctx, "form.subscribe button[type=submit]")
	deliver()
	confirm := smtp.Wait(1, 5*time.Second)[0]
	link := reLink.FindString(confirm.Text)
	if !slices.Contains(confirm.To, "reader@example.com") || !strings.Contains(link, "/subscribe/confirm/") {
		t.Fatalf("the confirmation e-mail to %v: %s", confirm.To, confirm.Text)
	}
	run(t, ctx, chromedp.Navigate(link))
	submit(t, ctx, "main form[method=post] button")
	if h1 := run(t, ctx, chromedp.Text(css("main h1"))); h1 != "订阅已确认" {
		t.Fatalf("after confirming: %q", h1)
	}
	next := f.publish(t, f.health, disclosure.Item{Title: "关于调整预防接种门诊服务时间的通告", Genre: disclosure.GenreNotice,
		Category: "health.public_health.vaccination", Summary: "自下周起，县疾控中心预防接种门诊周六上午开放。"}, "2026-03-10")
	if n := deliver(); n != 1 {
		t.Fatalf("%d e-mails after the next publication, want 1", n)
	}
	news := smtp.Wait(2, 5*time.Second)[1]
	itemURL := base + "/items/" + strconv.FormatInt(next.ID, 10)
	if !strings.Contains(news.Subject, next.Title) || !strings.Contains(news.Text, "周六上午开放") || !strings.Contains(news.Text, itemURL) {
		t.Fatalf("the subscriber's e-mail %q:\n%s", news.Subject, news.Text)
	}
	run(t, ctx, chromedp.Navigate(itemURL))
	if h1 := run(t, ctx, chromedp.Text(css("main h1"))); h1 != next.Title {
		t.Errorf("the e-mail's link opens %q", h1)
	}
}
