package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongkai/gongkai/internal/workday"
)

// waitFor polls a JavaScript condition until it holds (the htmx swap is asynchronous), failing after a while.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// The officer assembles the year's report from the draft, sees the checks update as she writes, and submits it; the
// approver publishes it; a member of the public downloads all four files from the 年报 page.
func TestBrowserAnnualReportAssembledCheckedPublishedAndDownloaded(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t)
	base := f.srv.URL
	year := time.Now().Year() - 1 // a year that has ended: only its report can be published (Art 49)
	f.caseIn(t, workday.NewDate(year, 6, 15))
	editor := fmt.Sprintf("%s/console/annual/%d/%d", base, f.health.ID, year)

	signIn(t, ctx, base, "officer", password)
	run(t, ctx, chromedp.Navigate(editor))
	run(t, ctx, chromedp.WaitVisible(css("#annual-form")))
	axeCheck(t, ctx, "年度报告编辑")
	waitFor(t, ctx, "htmx", `typeof htmx === "object" && htmx.version === "2.0.11"`)

	// A wrong figure: the findings update without a page load.
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`window.__marker = 1`))
	run(t, ctx, chromedp.SetValue(css(`input[name="cell:s2.8:fees:amount"]`), "十万"))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('input[name="cell:s2.8:fees:amount"]').dispatchEvent(new Event("change", {bubbles: true}))`))
	waitFor(t, ctx, "the finding about the figure", `document.querySelector("#findings").textContent.includes("不是数字")`)
	if same := run(t, ctx, chromedp.Evaluate[bool](`window.__marker === 1`)); !same {
		t.Fatal("the page was reloaded instead of the findings being swapped in")
	}
	// The officer writes every placeholder out and corrects the figure: no error is left.
	run(t, ctx, chromedp.SetValue(css(`input[name="cell:s2.8:fees:amount"]`), "0"))
	run(t, ctx, chromedp.Evaluate[chromedp.Void](`(() => {
		for (const el of document.querySelectorAll("#annual-form textarea, #annual-form input[name=title]")) {
			el.value = el.value.replace(/【请补充[^】]*】/g, "已按实际情况填写");
		}
		document.querySelector("#sec-1").dispatchEvent(new Event("change", {bubbles: true}));
	})()`))
	waitFor(t, ctx, "no error left", `document.querySelector("#findings").textContent.includes("错误 0 处") || document.querySelector("#findings-summary").textContent.includes("通过全部检查")`)
	submit(t, ctx, "#save")
	if msg := run(t, ctx, chromedp.Text(css("#annual-message"))); !strings.Contains(msg, "已保存") {
		t.Errorf("after saving: %q", msg)
	}
	submit(t, ctx, "#submit-review")
	if got := run(t, ctx, chromedp.Text(css("#annual-status"))); !strings.Contains(got, "审核中") {
		t.Errorf("after submitting: %q", got)
	}
	signOut(t, ctx)

	signIn(t, ctx, base, "approver", password)
	run(t, ctx, chromedp.Navigate(editor))
	run(t, ctx, chromedp.WaitVisible(css("#approve")))
	axeCheck(t, ctx, "年度报告审核")
	submit(t, ctx, "#approve")
	if got := run(t, ctx, chromedp.Text(css("#annual-status"))); !strings.Contains(got, "已发布") {
		t.Errorf("after approving: %q", got)
	}
	signOut(t, ctx)

	// The public: the 年报 room, the report page, and its four downloads.
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/agencies/%d/", base, f.health.ID)))
	submit(t, ctx, fmt.Sprintf(`#reports a[href$="/reports/%d"]`, year))
	run(t, ctx, chromedp.WaitVisible(css("article.annual-report")))
	axeCheck(t, ctx, "年报页面")
	got := run(t, ctx, chromedp.Evaluate[[]string](`(async () => {
		const out = [];
		for (const a of document.querySelectorAll(".downloads a[download]")) {
			const r = await fetch(a.href);
			const b = new Uint8Array(await r.arrayBuffer());
			out.push(a.textContent + " " + r.status + " " + String.fromCharCode(...b.slice(0, 4)) + " " + b.length);
		}
		return out;
	})()`, chromedp.EvalAwaitPromise))
	if len(got) != 4 {
		t.Fatalf("downloads: %v", got)
	}
	for i, want := range []string{"PDF 200 %PDF", "Word 200 PK\x03\x04", "Excel 200 PK\x03\x04", "Markdown 200 # "} {
		if !strings.HasPrefix(got[i], want) {
			t.Errorf("download %d: %q, want %q…", i, got[i], want)
		}
	}
}
