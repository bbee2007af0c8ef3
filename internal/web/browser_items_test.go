package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
// the officer publishes it; the list and edit pages pass axe-core.
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
		chromedp.SendKeys(css("#body"), "<p>各镇街卫生院：请做好<strong>疫苗</strong>冷链管理。</p>"),
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
	// SWITCH when the portal lands: the public item page is built on the portal branch. Until both are merged, the
	// publication is checked on the console page; then replace the two lines below with
	//   run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/items/%d", base, id))) and check its title.
	if got := run(t, ctx, chromedp.Text(css("#item-state"))); got != "已发布" {
		t.Errorf("after publishing: %q", got)
	}
	if n := run(t, ctx, chromedp.Text(css("#index-number"))); !strings.HasPrefix(n, "113701243072282028/") {
		t.Errorf("索引号 %q", n)
	}
}
