package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A citizen subscribes on a desktop and on a 390 px phone where no mail server is configured, and picks a 主题分类
// from the search page's select (issue 13, items 4 and 7): the page after subscribing says the request is recorded
// and that no e-mail was sent — never that one was; every category in the select comes under its own parent (the
// third level under the second, not under whatever came before it); nothing is wider than the screen, and axe-core
// finds nothing serious.
func TestBrowserSubscribeWithoutMailAndNestedCategories(t *testing.T) {
	f := newFixture(t)
	b := newBrowser(t)
	for _, vp := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
		t.Run(vp.name, func(t *testing.T) {
			emulate := chromedp.EmulateViewport(vp.width, vp.height)
			if vp.mobile {
				emulate = chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateMobile, chromedp.EmulateScale(3))
			}
			run(t, b, emulate)
			email := vp.name + "@example.com"
			if err := chromedp.Do(b,
				chromedp.Navigate(f.srv.URL+"/subscribe"),
				chromedp.WaitVisible(css("#email")),
				chromedp.SendKeys(css("#email"), email),
				chromedp.SetValue(css("#agency"), "2"),
			); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.RunResponse(b, chromedp.Click(css("main form button[type=submit]"))); err != nil {
				t.Fatal(err)
			}
			run(t, b, chromedp.WaitVisible(css("main h1")))
			page := run(t, b, chromedp.Evaluate[string](`document.querySelector("main").innerText`))
			if !strings.Contains(page, "订阅申请已记录") || !strings.Contains(page, "确认邮件尚未发出") || !strings.Contains(page, email) {
				t.Errorf("after subscribing without a mail server: %q", page)
			}
			for _, lie := range []string{"已向", "请查收"} {
				if strings.Contains(page, lie) {
					t.Errorf("the page says %q although no e-mail was sent: %q", lie, page)
				}
			}
			checkFitsAndAxe(t, b, "/subscribe (sent)", vp.width)

			if err := chromedp.Do(b, chromedp.Navigate(f.srv.URL+"/search?q="+"卫生"), chromedp.WaitVisible(css("select#category"))); err != nil {
				t.Fatal(err)
			}
			codes := run(t, b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("select#category option")].map(o => o.value).filter(v => v)`))
			if len(codes) < 10 {
				t.Fatalf("the 主题分类 select has %d options", len(codes))
			}
			// Each option comes after its parent, and everything between the parent and it is inside the parent.
			seen := map[string]int{}
			for i, c := range codes {
				seen[c] = i
				parent, _, nested := cutLast(c)
				if !nested {
					continue
				}
				p, ok := seen[parent]
				if !ok {
					t.Errorf("%s comes before its parent %s", c, parent)
					continue
				}
				for _, between := range codes[p+1 : i] {
					if !strings.HasPrefix(between, parent+".") {
						t.Errorf("%s is not under its parent %s: %s comes between them", c, parent, between)
						break
					}
				}
			}
			checkFitsAndAxe(t, b, "/search", vp.width)
		})
	}
}

// checkFitsAndAxe fails the test when the page is wider than the screen or axe-core finds a serious or critical
// problem on it.
func checkFitsAndAxe(t *testing.T, b context.Context, what string, width int64) {
	t.Helper()
	if wide := run(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
		t.Errorf("%s: the page is wider than the %d px screen", what, width)
	}
	axeCheck(t, b, what)
}
