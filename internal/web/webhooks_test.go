package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/webhook"
)

// TestWebhooksConsole: an agency administrator registers a receiver (the form's errors in Chinese, the secret shown
// once), sees its deliveries with every attempt, retries one and stops the receiver; a subscriber of every agency
// stays the system administrator's.
func TestWebhooksConsole(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	c := f.signedIn(t, string(disclosure.AgencyAdmin))
	health := strconv.FormatInt(f.health.ID, 10)

	var up atomic.Bool
	var got atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		if !up.Load() {
			http.Error(w, "维护中", http.StatusServiceUnavailable)
		}
	}))
	defer recv.Close()

	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"url": {"http://10.0.0.1/hook"}, "kind": {store.WebhookCaseRegistered}, "agency": {health}}, "必须以 https:// 开头"},
		{url.Values{"url": {"https://169.254.169.254/latest/meta-data/"}, "kind": {store.WebhookCaseRegistered}, "agency": {health}}, "内部网络"},
		{url.Values{"url": {recv.URL + "/hook"}, "agency": {health}}, "请至少选择一种事件"},
		{url.Values{"url": {recv.URL + "/hook"}, "kind": {store.WebhookCaseRegistered}}, "请选择推送哪个单位"},
		{url.Values{"url": {""}, "kind": {store.WebhookCaseRegistered}, "agency": {health}}, "请填写接收地址"},
	} {
		resp, doc := postForm(t, f, c, "/console/webhooks", tc.form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#hook-error").Text(), tc.want) {
			t.Errorf("%v: %d %q, want %q", tc.form, resp.StatusCode, doc.Find("#hook-error").Text(), tc.want)
		}
		if v, _ := doc.Find("#hook-url").Attr("value"); v != tc.form.Get("url") {
			t.Errorf("the address was not kept: %q", v)
		}
	}

	resp, doc := postForm(t, f, c, "/console/webhooks", url.Values{"url": {recv.URL + "/hook"}, "kind": {store.WebhookCaseRegistered, store.WebhookItemPublished},
		"agency": {health}, "description": {"12345 热线"}})
	secret := strings.TrimSpace(doc.Find("#hook-secret").Text())
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(secret, "whsec_") || !strings.Contains(doc.Text(), "只显示这一次") {
		t.Fatalf("register: %d, secret %q", resp.StatusCode, secret)
	}
	subs, _ := f.db.Webhooks(ctx, nil)
	if len(subs) != 1 || subs[0].Secret != secret || subs[0].AgencyID == nil || *subs[0].AgencyID != f.health.ID {
		t.Fatalf("stored %+v", subs)
	}
	hook := strconv.FormatInt(subs[0].ID, 10)

	// An application registered at the agency goes out; the receiver is down, so the attempt is logged.
	f.mustCase(t)
	d := &webhook.Deliverer{DB: f.db, Log: slog.New(slog.DiscardHandler)}
	if n, err := d.DeliverDue(ctx); err != nil || n != 0 || got.Load() != 1 {
		t.Fatalf("delivered %d, %v, receiver saw %d", n, err, got.Load())
	}
	resp, doc = get(t, c, f.srv.URL+"/console/webhooks")
	page := doc.Text()
	if resp.StatusCode != http.StatusOK || strings.Contains(page, secret) || !strings.Contains(page, "HTTP 503") || !strings.Contains(page, "维护中") ||
		!strings.Contains(page, "依申请公开：申请登记") || !strings.Contains(page, "等待重试") || !strings.Contains(page, "12345 热线") {
		t.Fatalf("log page: %d\n%s", resp.StatusCode, page)
	}
	retry, ok := doc.Find("form[action$='/retry']").Attr("action")
	if !ok {
		t.Fatal("no retry button")
	}
	up.Store(true)
	resp, doc = postForm(t, f, c, retry, url.Values{})
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("p.ok").Text(), "立即重新推送") {
		t.Fatalf("retry: %d %s", resp.StatusCode, doc.Find("main").Text())
	}
	if n, err := d.DeliverDue(ctx); err != nil || n != 1 {
		t.Fatalf("after retry delivered %d, %v", n, err)
	}
	_, doc = get(t, c, f.srv.URL+"/console/webhooks")
	if !strings.Contains(doc.Text(), "已送达") || doc.Find("form[action$='/retry']").Length() != 0 {
		t.Errorf("the delivered event is not shown as such: %s", doc.Find("main").Text())
	}

	// Stopped, the receiver gets nothing; resumed, it is offered again.
	resp, doc = postForm(t, f, c, "/console/webhooks/"+hook+"/disable", url.Values{"disabled": {"1"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("h3").Text(), "已停用") {
		t.Fatalf("disable: %d %s", resp.StatusCode, doc.Find("main").Text())
	}
	if s, _ := f.db.GetWebhook(ctx, subs[0].ID); !s.Disabled {
		t.Error("not stopped")
	}

	// A subscriber of every agency is the system administrator's: the agency administrator neither sees nor stops it.
	everyone := &store.WebhookSubscription{URL: "https://oa.example.cn/hook", Kinds: []string{store.WebhookItemPublished}}
	if err := f.db.CreateWebhook(ctx, disclosure.SystemActor, everyone); err != nil {
		t.Fatal(err)
	}
	_, doc = get(t, c, f.srv.URL+"/console/webhooks")
	if strings.Contains(doc.Text(), "oa.example.cn") {
		t.Error("an agency administrator sees a subscriber of every agency")
	}
	if resp, _ := postForm(t, f, c, "/console/webhooks/"+strconv.FormatInt(everyone.ID, 10)+"/disable", url.Values{"disabled": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an agency administrator stops a subscriber of every agency: %d", resp.StatusCode)
	}
	sys := f.signedIn(t, string(disclosure.SysAdmin))
	_, doc = get(t, sys, f.srv.URL+"/console/webhooks")
	if !strings.Contains(doc.Text(), "oa.example.cn") || !strings.Contains(doc.Text(), recv.URL) || doc.Find("#hook-agency option[value='']").Length() != 1 {
		t.Errorf("the system administrator's page: %s", doc.Find("main").Text())
	}
}

// TestBrowserWebhooksPage: the page works in a browser — the form submitted with the kinds ticked, the secret
// shown, a delivery logged — and has no serious accessibility violation (axe-core).
func TestBrowserWebhooksPage(t *testing.T) {
	f := newFixture(t)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer recv.Close()
	ctx := newBrowser(t)
	signIn(t, ctx, f.srv.URL, string(disclosure.AgencyAdmin), password)
	run(t, ctx, chromedp.Navigate(f.srv.URL+"/console/"))
	run(t, ctx, chromedp.WaitVisible(css("a[href='/console/webhooks']")))
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/console/webhooks"),
		chromedp.WaitVisible(css("#hook-url")),
		chromedp.SendKeys(css("#hook-url"), recv.URL+"/hook"),
		chromedp.Click(css("input[value='case.step']")),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(css("form.form button[type=submit]"))); err != nil {
		t.Fatal(err)
	}
	secret := run(t, ctx, chromedp.Text(css("#hook-secret")))
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	subs, _ := f.db.Webhooks(context.Background(), nil)
	// Every kind is ticked at first; the one clicked was unticked.
	if len(subs) != 1 || len(subs[0].Kinds) != len(store.WebhookKinds)-1 || slices.Contains(subs[0].Kinds, store.WebhookCaseStep) {
		t.Fatalf("registered %+v", subs)
	}
	f.mustCase(t)
	if n, err := (&webhook.Deliverer{DB: f.db, Log: slog.New(slog.DiscardHandler)}).DeliverDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("delivered %d, %v", n, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/console/webhooks"), chromedp.WaitVisible(css("main h1")), chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		t.Fatal(err)
	}
	if log := run(t, ctx, chromedp.Text(css("table tbody"))); !strings.Contains(log, "已送达") || !strings.Contains(log, "申请登记") {
		t.Errorf("log %q", log)
	}
	res := run(t, ctx, chromedp.Evaluate[axeResult](`axe.run(document, {resultTypes: ["violations"]})`, chromedp.EvalAwaitPromise))
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s (%s): %s", v.ID, v.Impact, v.Help)
		}
	}
}
