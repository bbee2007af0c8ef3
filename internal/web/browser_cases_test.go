package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// submit clicks a submit button and waits for the page it navigates to.
func submit(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(css(sel))); err != nil {
		t.Fatalf("submit %s: %v", sel, err)
	}
	run(t, ctx, chromedp.WaitVisible(css("main h1")))
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	submit(t, ctx, "header form.inline button")
}

// caseAction opens a case page, unfolds the action's form, lets fill complete it, and submits it.
func caseAction(t *testing.T, ctx context.Context, base string, id int64, action string, fill ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/console/cases/%d", base, id)))
	form := "#form-" + action
	if open := run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).closest("details").open`, form))); !open {
		run(t, ctx, chromedp.Click(css("details:has("+form+") > summary")))
	}
	for _, f := range fill {
		run(t, ctx, f)
	}
	submit(t, ctx, form+" button[type=submit]")
	if msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#case-error")||{}).textContent||""`)); msg != "" {
		t.Fatalf("%s: %s", action, msg)
	}
}

// trackWith opens the status page of a case with its query code and password.
func trackWith(t *testing.T, ctx context.Context, base, code, secret string) {
	t.Helper()
	run(t, ctx, chromedp.Navigate(base+"/track"))
	run(t, ctx, chromedp.SendKeys(css("#code"), code))
	run(t, ctx, chromedp.SendKeys(css("#secret"), secret))
	submit(t, ctx, "form.form button[type=submit]")
}

func axeCheck(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	run(t, ctx, chromedp.Evaluate[chromedp.Void](axeSource))
	res := run(t, ctx, chromedp.Evaluate[axeResult](`axe.run(document, {resultTypes: ["violations"]})`, chromedp.EvalAwaitPromise))
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target))
			}
			t.Errorf("%s: %s (%s): %s at %s", page, v.ID, v.Impact, v.Help, strings.Join(where, ", "))
		}
	}
}

// A person applies on the portal; the officer handles the case through a correction, an extension approved by the
// head of the office, and a reply; the person follows every step and downloads the reply.
func TestBrowserApplicationThroughCorrectionExtensionAndReply(t *testing.T) {
	f := newFixture(t)
	ctx := newBrowser(t)
	base := f.srv.URL
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/agencies/%d/", base, f.health.ID)))
	submit(t, ctx, `a[href$="/apply"]`)
	axeCheck(t, ctx, "申请表")
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`input[name=applicant_type][value=natural_person]`)),
		chromedp.SendKeys(css("#name"), "王小明"),
		chromedp.SendKeys(css("#id_number"), residentID("37012419800101001")),
		chromedp.SendKeys(css("#phone"), "13800000000"),
		chromedp.SendKeys(css("#email"), "wang@example.com"),
		chromedp.SendKeys(css("#description"), "本县疫苗接种点名单"),
		chromedp.Click(css(`input[name=forms][value=电子文档]`)),
		chromedp.Click(css(`input[name=delivery][value=电子邮件]`)),
	); err != nil {
		t.Fatal(err)
	}
	submit(t, ctx, "form.apply button[type=submit]")
	code := run(t, ctx, chromedp.Text(css("#query-code")))
	secret := run(t, ctx, chromedp.Text(css("#query-secret")))
	c, err := f.db.GetCaseByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("no case with the receipt's code %q: %v", code, err)
	}
	submit(t, ctx, `a[href^="/track/"]`)
	if got := run(t, ctx, chromedp.Text(css("#state"))); got != "已登记" {
		t.Errorf("status after applying: %q", got)
	}
	axeCheck(t, ctx, "办理进度")

	signIn(t, ctx, base, "officer", password)
	caseAction(t, ctx, base, c.ID, "accept")
	caseAction(t, ctx, base, c.ID, "request_fix", chromedp.SendKeys(css("#request_fix-items"), "请写明所需名单的年份和乡镇"))
	signOut(t, ctx)

	trackWith(t, ctx, base, code, secret)
	if got := run(t, ctx, chromedp.Text(css("#state"))); got != "待补正" {
		t.Errorf("status after the fix notice: %q", got)
	}
	run(t, ctx, chromedp.SendKeys(css("#fix-note"), "2025年度，榆山街道"))
	submit(t, ctx, `form[action$="/fix"] button[type=submit]`)
	if got := run(t, ctx, chromedp.Text(css("#state"))); got != "办理中" {
		t.Errorf("status after the correction: %q", got)
	}

	signIn(t, ctx, base, "officer", password)
	caseAction(t, ctx, base, c.ID, "request_extension", chromedp.SendKeys(css("#request_extension-note"), "需要汇总多个乡镇的数据"))
	signOut(t, ctx)
	signIn(t, ctx, base, "approver", password)
	caseAction(t, ctx, base, c.ID, "approve_extension")
	signOut(t, ctx)
	signIn(t, ctx, base, "officer", password)
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/console/cases/%d", base, c.ID)))
	explain := run(t, ctx, chromedp.Text(css("#explain")))
	if !strings.Contains(explain, "经批准延长20个工作日") {
		t.Errorf("deadline explanation after the extension: %q", explain)
	}
	caseAction(t, ctx, base, c.ID, "draft_reply",
		chromedp.SetValue(css("#reply-outcome-select"), "disclosed|provided"),
		chromedp.SendKeys(css("#reply-provided"), "以电子邮件发送接种点名单"))
	caseAction(t, ctx, base, c.ID, "submit_reply")
	signOut(t, ctx)
	signIn(t, ctx, base, "approver", password)
	caseAction(t, ctx, base, c.ID, "approve_reply")
	signOut(t, ctx)
	signIn(t, ctx, base, "officer", password)
	caseAction(t, ctx, base, c.ID, "send_reply")
	signOut(t, ctx)

	trackWith(t, ctx, base, code, secret)
	if got := run(t, ctx, chromedp.Text(css("#state"))); got != "已答复" {
		t.Errorf("final status: %q", got)
	}
	steps := run(t, ctx, chromedp.Text(css("ol.timeline")))
	for _, want := range []string{"登记申请", "受理", "发出补正告知书", "在线补正", "批准延期", "发出答复"} {
		if !strings.Contains(steps, want) {
			t.Errorf("the applicant does not see %q in: %s", want, steps)
		}
	}
	notices := run(t, ctx, chromedp.Text(css("ul.notices")))
	for _, want := range []string{"补正告知书", "延期答复告知书", "答复告知书"} {
		if !strings.Contains(notices, want) {
			t.Errorf("notice %q missing: %s", want, notices)
		}
	}
	// Download the reply as the browser would: same cookies, the link of the page.
	got := run(t, ctx, chromedp.Evaluate[string](`(async () => {
		const links = [...document.querySelectorAll("ul.notices a")].filter(a => a.href.endsWith("/pdf"));
		const r = await fetch(links[links.length - 1].href);
		const b = new Uint8Array(await r.arrayBuffer());
		return r.headers.get("content-type") + " " + String.fromCharCode(...b.slice(0, 5));
	})()`, chromedp.EvalAwaitPromise))
	if got != "application/pdf %PDF-" {
		t.Errorf("reply download: %q", got)
	}
	axeCheck(t, ctx, "办理进度（已答复）")
}
