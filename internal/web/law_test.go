package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/testtool"
	"github.com/gongkai/gongkai/internal/workday"
)

// The rules of issue 10 hold in the console as in `gongkai scenario run`: a fee notice sent by post starts no
// payment period until its delivery is recorded, and no lapse can be recorded before; the refusal's notice names
// reconsideration first at the county government (from the hierarchy).
func TestConsolePeriodsRunFromDeliveryAndRefusalsNameReconsiderationFirst(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cf := f.mustCase(t) // a letter: notices go by post
	officer, approver := f.client(t), f.client(t)
	f.signIn(t, officer, "officer", password)
	f.signIn(t, approver, "approver", password)
	step(t, f, officer, cf.caseID, url.Values{"action": {"fee_notice"}, "fee_method": {"per_page"}, "fee_units": {"100"}})
	c, _ := f.db.GetCase(ctx, cf.caseID)
	if c.Fee == nil || c.Fee.Amount != 700 || !c.StepDue.IsZero() || c.Progress.Waiting == nil || c.Progress.Waiting.Via != "post" {
		t.Fatalf("after a fee notice by post: fee %+v, step due %s, waiting %+v", c.Fee, c.StepDue, c.Progress.Waiting)
	}
	notices, _ := f.db.CaseNotices(ctx, c.ID)
	feeNotice := notices[len(notices)-1]
	if !strings.Contains(feeNotice.Body, "自收到本通知的次日起20个工作日内缴纳") {
		t.Errorf("fee notice: %s", feeNotice.Body)
	}
	// The PDF the applicant downloads says the same (read back with pdftotext).
	if text := pdfText(t, officer, fmt.Sprintf("%s/console/cases/%d/notices/%d/pdf", f.srv.URL, c.ID, feeNotice.ID)); !strings.Contains(strings.Join(strings.Fields(text), ""), "自收到本通知的次日起20个工作日内缴纳") {
		t.Errorf("fee notice PDF: %s", text)
	}
	_, page := get(t, officer, fmt.Sprintf("%s/console/cases/%d", f.srv.URL, c.ID))
	if !strings.Contains(page.Find(".warning").Text(), "尚未登记送达日期") {
		t.Errorf("the case page does not ask for the delivery date: %q", page.Find(".warning").Text())
	}
	resp, doc := postForm(t, f, officer, fmt.Sprintf("/console/cases/%d/step", c.ID), url.Values{"action": {"fee_lapsed"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(doc.Find("#case-error").Text(), "尚未登记送达日期") {
		t.Errorf("lapse before delivery: %d %q", resp.StatusCode, doc.Find("#case-error").Text())
	}
	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))
	step(t, f, officer, c.ID, url.Values{"action": {"notice_delivered"}, "date": {today.String()}})
	c, _ = f.db.GetCase(ctx, c.ID)
	if want := workday.Default().Due(today, 20, nil).Due; c.StepDue != want {
		t.Errorf("payment due %s, want %s (20 working days from the day after delivery)", c.StepDue, want)
	}
	step(t, f, officer, c.ID, url.Values{"action": {"fee_paid"}})
	if resp, doc := postForm(t, f, officer, fmt.Sprintf("/console/cases/%d/step", c.ID), url.Values{"action": {"fee_notice"}, "fee_method": {"per_case"}, "fee_units": {"1"}}); resp.StatusCode != http.StatusConflict ||
		!strings.Contains(doc.Find("#case-error").Text(), "只能选择一种收费方式") {
		t.Errorf("a second fee notice: %d %q", resp.StatusCode, doc.Find("#case-error").Text())
	}
	step(t, f, officer, c.ID, url.Values{"action": {"draft_reply"}, "outcome": {"refused.third_party|art15"}, "reasons": {"涉及第三方商业秘密"}})
	step(t, f, officer, c.ID, url.Values{"action": {"submit_reply"}})
	step(t, f, approver, c.ID, url.Values{"action": {"approve_reply"}})
	step(t, f, officer, c.ID, url.Values{"action": {"send_reply"}})
	notices, _ = f.db.CaseNotices(ctx, c.ID)
	reply := notices[len(notices)-1]
	if !strings.Contains(reply.Body, "应当先自收到本告知书之日起60日内向平阴县人民政府申请行政复议") || strings.Contains(reply.Body, "6个月内") {
		t.Errorf("refusal's remedies:\n%s", reply.Body)
	}
}

// A member of the public is never refused because a report is published; and a year's report is published only
// after the year has ended.
func TestThePublicIsNeverRefusedForAPublishedReport(t *testing.T) {
	rg := newRegion(t)
	f := rg.fixture
	year := time.Now().In(shanghaiLoc(t)).Year()
	rg.year = year
	rg.publish(t, f.health, fmt.Sprintf("%d-01-20", year)) // as an older version did: the year's report published while it runs
	person := f.client(t)
	path := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
	resp, doc := postMultipart(t, f, person, path, withFormToken(t, f, person, path, applyValues()), "", nil)
	if resp.StatusCode != http.StatusOK || doc.Find("#query-code").Text() == "" {
		t.Fatalf("online application with %d's report published: %d %s", year, resp.StatusCode, doc.Find(".error").Text())
	}
	if _, err := f.db.GetCaseByCode(context.Background(), doc.Find("#query-code").Text()); err != nil {
		t.Fatal(err)
	}
	corrections, err := f.db.ReportCorrections(context.Background(), f.health.ID, year)
	if err != nil || len(corrections) != 1 || corrections[0].Reason != casework.PublicCorrection {
		t.Errorf("the change is not recorded as a correction for the officer: %v %+v", err, corrections)
	}
}

// A deadline into a year without its holiday notice skips 1 January and says, to the applicant too, that it is
// provisional.
func TestTrackShowsAProvisionalDeadline(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	received := workday.NewDate(2026, 12, 4) // 20 working days reach into 2027, whose notice is not entered
	if time.Now().Year() > 2026 {
		t.Skip("the built-in calendar may hold 2027 by now")
	}
	env := casework.Env{Calendar: workday.Default(), Agency: f.health, BaseURL: f.srv.URL}
	officer := casework.Actor{Who: casework.ByOfficer, Name: "公开专员"}
	ch, err := f.db.CreateCase(ctx, disclosure.SystemActor, newCaseBuild(casework.Intake{App: sampleApp(received), Actor: officer, Today: received, Now: time.Now()}, env, ""))
	if err != nil {
		t.Fatal(err)
	}
	if got := ch.Case.Due.String(); got != "2027-01-04" {
		t.Errorf("due %s, want 2027-01-04 (1 January a holiday)", got)
	}
	person := f.client(t)
	if resp, _ := postForm(t, f, person, "/track", url.Values{"code": {ch.Case.QueryCode}, "secret": {"secret2345"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("track sign-in: %d", resp.StatusCode)
	}
	_, page := get(t, person, f.srv.URL+"/track/"+ch.Case.QueryCode)
	if !strings.Contains(page.Find("#provisional").Text(), "暂定") || !strings.Contains(page.Find(".explain").Text(), "元旦（推定）") {
		t.Errorf("the applicant is not told the date is provisional: %q / %q", page.Find("#due").Text(), page.Find(".explain").Text())
	}
}

// pdfText downloads a PDF and returns its text as pdftotext reads it.
func pdfText(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	bin := testtool.Require(t, "pdftotext", "poppler-utils")
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("%s: %d, %d bytes", u, resp.StatusCode, len(body))
	}
	path := filepath.Join(t.TempDir(), "notice.pdf")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Two portal processes on one database: a change written through one (or the CLI) shows on the other's cached
// home page within 2 seconds (issue 14, item 1).
func TestAnotherProcessesChangeShowsOnCachedPages(t *testing.T) {
	f := newFixture(t)
	other, err := f.db.OpenAnother(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { other.Watch(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	h, err := NewServer(other, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Site: "测试门户", PasswordParams: cheap, MinFillTime: -1})
	if err != nil {
		t.Fatal(err)
	}
	b := httptest.NewServer(h)
	defer b.Close()
	page := func() string {
		resp, err := http.Get(b.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	if strings.Contains(page(), "平阴县医疗保障局") {
		t.Fatal("the agency is there before it was created")
	}
	page() // cached now
	a := &disclosure.Agency{Kind: disclosure.Department, ParentID: f.health.ParentID, Name: "平阴县医疗保障局"}
	if err := f.db.CreateAgency(context.Background(), disclosure.SystemActor, a); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for !strings.Contains(page(), "平阴县医疗保障局") {
		if time.Since(start) > 2*time.Second {
			t.Fatalf("the other process's home page still lacks the new agency after %s", time.Since(start))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
