package web

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongkai/gongkai/internal/disclosure"

	"github.com/gongkai/gongkai/internal/testtool"
)

// axeSource is axe-core 4.14.1 (MPL-2.0, from npm; see testdata/LICENSE.axe-core), injected into pages to check
// them for accessibility problems.
//
//go:embed testdata/axe.min.js
var axeSource string

// newBrowser starts Debian's headless Chromium for one test (skipped without it, unless GONGKAI_REQUIRE_TOOLS).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := lookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		bin = testtool.Require(t, "chromium", "chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

type css = chromedp.CSS

// run runs one action and fails the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func signIn(t *testing.T, ctx context.Context, base, user, pw string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/console/login"),
		chromedp.WaitVisible(css("#username")),
		chromedp.SendKeys(css("#username"), user),
		chromedp.SendKeys(css("#password"), pw),
	); err != nil {
		t.Fatal(err)
	}
	// Submitting navigates: wait for the response of that navigation, then for the page.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(css("form.form button[type=submit]"))); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.WaitVisible(css("main h1")))
}

func TestBrowserSignInRolesAndSignOut(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t)
	signIn(t, ctx, f.srv.URL, "officer", password)
	h1 := run(t, ctx, chromedp.Text(css("main h1")))
	run(t, ctx, chromedp.Navigate(f.srv.URL+"/console/audit"))
	restricted := run(t, ctx, chromedp.Text(css("main h1")))
	run(t, ctx, chromedp.Navigate(f.srv.URL+"/console/"))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(css("form.inline button"))); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(f.srv.URL+"/console/"))
	after := run(t, ctx, chromedp.Text(css("main h1")))
	if h1 != "工作台" || restricted != "没有访问权限" || after != "工作人员登录" {
		t.Errorf("after sign-in %q, audit page %q, after sign-out %q", h1, restricted, after)
	}
}

func TestBrowserLockout(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t)
	for i := 0; i < 5; i++ {
		signIn(t, ctx, f.srv.URL, "reviewer", "wrong-password")
	}
	if msg := run(t, ctx, chromedp.Text(css("p.error"))); !strings.Contains(msg, "已暂时锁定") {
		t.Errorf("message after five failures: %q", msg)
	}
}

func TestBrowserCareMode(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t)
	run(t, ctx, chromedp.Navigate(f.srv.URL+"/agencies/2/"))
	before := run(t, ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.body).fontSize)`))
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(css("nav.tools a[href^='/prefs?care=1']"))); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.WaitVisible(css("html.care")))
	class := run(t, ctx, chromedp.Evaluate[string](`document.documentElement.className`))
	after := run(t, ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.body).fontSize)`))
	if !strings.Contains(class, "care") || after < 20 || after <= before {
		t.Errorf("关怀版: class %q, font size %.0fpx → %.0fpx", class, before, after)
	}
}

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []string `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

// TestAccessibility scans the portal home, an agency's column and 指南, and the sign-in page with axe-core: no
// serious or critical violation is allowed.
func TestAccessibility(t *testing.T) {
	f := newFixture(t)
	data := []byte(`{"era":"2021","year":2024,"agency":"平阴县卫生健康局","sections":[{"id":"一","text":"全年主动公开信息147条。"}],"tables":{"s4":{"cases":{"review.total":0}}}}`)
	if err := f.db.SaveAnnualReport(context.Background(), disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: f.health.ID, Year: 2024, Era: "2021", Data: data}); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t)
	// Control: axe runs, and finds a form field without a label on a page made to have one.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(`data:text/html;charset=utf-8,<!DOCTYPE html><html lang="zh-CN"><title>x</title><main><input type="text"></main></html>`),
		chromedp.Evaluate[chromedp.Void](axeSource),
	); err != nil {
		t.Fatal(err)
	}
	if v := run(t, ctx, chromedp.Evaluate[string](`axe.version`)); v != "4.14.1" {
		t.Fatalf("axe version %q", v)
	}
	control := run(t, ctx, chromedp.Evaluate[axeResult](`axe.run(document, {resultTypes: ["violations"]})`, chromedp.EvalAwaitPromise))
	found := false
	for _, v := range control.Violations {
		found = found || v.ID == "label"
	}
	if !found {
		t.Fatalf("axe did not report the unlabelled field: %+v", control.Violations)
	}
	for _, path := range []string{"/", "/agencies/2/", "/agencies/2/guide", "/agencies/2/reports/2024", "/console/login"} {
		t.Run(path, func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.Navigate(f.srv.URL+path),
				chromedp.WaitVisible(css("main")),
				chromedp.Evaluate[chromedp.Void](axeSource),
			); err != nil {
				t.Fatal(err)
			}
			res := run(t, ctx, chromedp.Evaluate[axeResult](`axe.run(document, {resultTypes: ["violations"]})`, chromedp.EvalAwaitPromise))
			for _, v := range res.Violations {
				if v.Impact == "serious" || v.Impact == "critical" {
					var where []string
					for _, n := range v.Nodes {
						where = append(where, fmt.Sprint(n.Target))
					}
					t.Errorf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(where, ", "))
				}
			}
		})
	}
}
