package web

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A member of the public opens the bureau's catalogue, finds an item by its category, finds it again by searching,
// opens it, and subscribes to the category; every page passes axe-core without serious or critical violations.
func TestBrowserPublicFindsAnItemAndSubscribes(t *testing.T) {
	f := newFixture(t)
	c := f.mustCatalogue(t)
	ctx := newBrowser(t)
	base := f.srv.URL
	run(t, ctx, chromedp.Navigate(base+"/agencies/2/"))
	// The stylesheets come under their content-hashed names and the browser applies them.
	sheets := run(t, ctx, chromedp.Evaluate[[]string](`[...document.styleSheets].map(s => new URL(s.href).pathname + " " + s.cssRules.length)`))
	if len(sheets) != 3 {
		t.Errorf("stylesheets %q", sheets)
	}
	for _, s := range sheets {
		if !regexp.MustCompile(`^/static/[a-z]+\.[0-9a-f]{8}\.css [1-9]`).MatchString(s) {
			t.Errorf("stylesheet %q is not a hashed name with rules", s)
		}
	}
	submit(t, ctx, `#catalogue a[href="/agencies/2/catalogue"]`)
	axeCheck(t, ctx, "目录")
	// By category: 卫生健康 › 公共卫生服务 › 预防接种.
	submit(t, ctx, `aside.facets a[href="/agencies/2/catalogue?category=health.public_health.vaccination"]`)
	axeCheck(t, ctx, "目录（按主题分类）")
	titles := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.catalogue-list td.title a")].map(a => a.textContent)`))
	if strings.Join(titles, "|") != c.vaccine.Title+"|"+c.old.Title {
		t.Errorf("the category lists %q", titles)
	}
	// By search, from the box in the header.
	run(t, ctx, chromedp.SendKeys(css("#site-q"), "冷链"))
	submit(t, ctx, "form.site-search button")
	axeCheck(t, ctx, "检索结果")
	if marked := run(t, ctx, chromedp.Text(css("ol.hits .snippet mark"))); marked != "冷链" {
		t.Errorf("marked %q", marked)
	}
	submit(t, ctx, "ol.hits h3 a")
	axeCheck(t, ctx, "信息页面")
	if h1 := run(t, ctx, chromedp.Text(css("main h1"))); h1 != c.vaccine.Title {
		t.Errorf("opened %q", h1)
	}
	if w := run(t, ctx, chromedp.Evaluate[float64](`document.querySelector("figure.qr img").naturalWidth`)); w == 0 {
		t.Error("the QR code did not load")
	}
	// Subscribe to items like this one: the form comes filled in with its agency and category.
	submit(t, ctx, `aside.item-tools a[href^="/subscribe"]`)
	axeCheck(t, ctx, "订阅")
	if v := run(t, ctx, chromedp.Evaluate[string](`document.querySelector("#category").value`)); v != "health.public_health.vaccination" {
		t.Errorf("category %q", v)
	}
	run(t, ctx, chromedp.SendKeys(css("#email"), "reader@example.com"))
	submit(t, ctx, "form.subscribe button[type=submit]")
	axeCheck(t, ctx, "订阅已提交")
	if msg := run(t, ctx, chromedp.Text(css("p.ok"))); !strings.Contains(msg, "reader@example.com") || strings.Contains(msg, "发送了一封") {
		t.Errorf("after subscribing: %q", msg)
	}
	waiting, _, _, _ := f.db.OutboxStats(context.Background())
	if waiting != 1 {
		t.Errorf("%d e-mails waiting, want the confirmation", waiting)
	}
	// The withdrawn item's page, the print view and the region's catalogue pass too.
	for _, p := range []string{"/items/" + strconv.FormatInt(c.withdrawn.ID, 10), "/items/" + strconv.FormatInt(c.normative.ID, 10) + "?print=1", "/catalogue",
		"/search?q=" + "%E7%81%AB%E7%AE%AD"} {
		run(t, ctx, chromedp.Navigate(base+p))
		run(t, ctx, chromedp.WaitVisible(css("main h1")))
		axeCheck(t, ctx, p)
	}
	// 关怀版 keeps the catalogue readable: one column.
	run(t, ctx, chromedp.Navigate(base+"/prefs?care=1&back=/agencies/2/catalogue"))
	run(t, ctx, chromedp.WaitVisible(css("html.care")))
	axeCheck(t, ctx, "目录（关怀版）")
}
