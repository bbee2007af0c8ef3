package web

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// formValues reads a form of the page as a browser would submit it: inputs (checkboxes only when checked), text
// areas and selects, without the submit buttons.
func formValues(doc *goquery.Document, sel string) url.Values {
	v := url.Values{}
	doc.Find(sel + " input, " + sel + " textarea, " + sel + " select").Each(func(_ int, s *goquery.Selection) {
		name, ok := s.Attr("name")
		if !ok {
			return
		}
		switch goquery.NodeName(s) {
		case "textarea":
			v.Add(name, s.Text())
		case "select":
			val, _ := s.Find("option[selected]").Attr("value")
			v.Add(name, val)
		default:
			typ, _ := s.Attr("type")
			if typ == "submit" || typ == "button" {
				return
			}
			if _, checked := s.Attr("checked"); (typ == "checkbox" || typ == "radio") && !checked {
				return
			}
			val, _ := s.Attr("value")
			v.Add(name, val)
		}
	})
	return v
}

var markerRE = regexp.MustCompile(`【请补充[^】]*】`)

// fillIn replaces every placeholder of the draft with what the officer would write.
func fillIn(v url.Values) {
	for k, vals := range v {
		for i := range vals {
			vals[i] = markerRE.ReplaceAllString(vals[i], "已按实际情况填写")
		}
		v[k] = vals
	}
}

func fetch(t *testing.T, c *http.Client, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// caseIn registers a case received on the day, for the annual figures.
func (f *fixture) caseIn(t *testing.T, received workday.Date) {
	t.Helper()
	env := casework.Env{Calendar: workday.Default(), Agency: f.health, BaseURL: f.srv.URL}
	officer := casework.Actor{Who: casework.ByOfficer, Name: "公开专员"}
	if _, err := f.db.CreateCase(context.Background(), disclosure.SystemActor, newCaseBuild(casework.Intake{App: sampleApp(received), Actor: officer, Today: received, Now: time.Now()}, env, "")); err != nil {
		t.Fatal(err)
	}
}

func TestTheAnnualReportFromDraftToPublicationAndCorrection(t *testing.T) {
	f := newFixture(t)
	// Last year's report: a year's report is published only once the year has ended (Art 49).
	year := time.Now().Year() - 1
	f.caseIn(t, workday.NewDate(year, 6, 15))
	base := fmt.Sprintf("/console/annual/%d/%d", f.health.ID, year)
	officer, approver, supervisor, public := f.client(t), f.client(t), f.client(t), f.client(t)
	f.signIn(t, officer, "officer", password)
	f.signIn(t, approver, "approver", password)
	f.signIn(t, supervisor, "supervisor", password)

	// The list shows the agency's years with their deadline.
	_, list := get(t, officer, f.srv.URL+"/console/annual")
	row := list.Find("table.annual-list tbody tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), fmt.Sprintf("%d年度", year))
	})
	if !strings.Contains(row.Text(), "平阴县卫生健康局") || !strings.Contains(row.Text(), fmt.Sprintf("%d年1月31日", year+1)) || !strings.Contains(row.Text(), "未开始") {
		t.Errorf("list row %q", row.Text())
	}

	// A fresh draft holds the year's figures; every figure has a label naming its row and column.
	resp, doc := get(t, officer, f.srv.URL+base)
	if resp.StatusCode != 200 || doc.Find("#annual-form").Length() != 1 {
		t.Fatalf("editor: %d", resp.StatusCode)
	}
	inputs := doc.Find("table.report-form input")
	if inputs.Length() < 200 {
		t.Errorf("%d figure inputs, want every cell", inputs.Length())
	}
	inputs.Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if label := doc.Find(`label[for="` + id + `"]`); !strings.Contains(label.Text(), " · ") {
			t.Errorf("input %s has label %q", id, label.Text())
		}
	})
	if v, _ := doc.Find(`input[name="cell:s3:new:natural_person"]`).Attr("value"); v != "1" {
		t.Errorf("section 三 一 自然人 = %q, want 1 from the case", v)
	}
	if href, _ := doc.Find(`input[name="cell:s3:new:natural_person"] + a.live`).Attr("href"); !strings.Contains(href, "/console/cases?") || !strings.Contains(href, "row=new") || !strings.Contains(href, fmt.Sprintf("year=%d", year)) {
		t.Errorf("link to the cases behind the cell: %q", href)
	}
	if !strings.Contains(doc.Find("#findings").Text(), "A-1") || doc.Find(`#annual-form[hx-post$="/check"][hx-trigger="change delay:500ms"]`).Length() != 1 {
		t.Error("the markers are not reported, or the form does not check as the officer writes")
	}
	if doc.Find(`script[src^="/static/htmx.min."][src$=".js"]`).Length() != 1 || doc.Find("script:not([src])").Length() != 0 {
		t.Error("htmx is not loaded from the site, or there is an inline script")
	}
	if resp, body := fetch(t, public, f.srv.URL+"/static/htmx.min.js"); resp.StatusCode != 200 || !bytes.Contains(body, []byte(`version:"2.0.11"`)) {
		t.Errorf("htmx.min.js: %d", resp.StatusCode)
	}
	draft := formValues(doc, "#annual-form")

	// The check endpoint answers the findings alone.
	bad := url.Values{}
	for k, v := range draft {
		bad[k] = append([]string(nil), v...)
	}
	bad.Set("cell:s2.8:fees:amount", "十万")
	resp, frag := postForm(t, f, officer, base+"/check", bad)
	if resp.StatusCode != 200 || frag.Find("h1").Length() != 0 || !strings.Contains(frag.Find("ul.findings").Text(), "不是数字") || !strings.Contains(frag.Text(), "A-1") {
		t.Errorf("check: %d %q", resp.StatusCode, frag.Text())
	}

	// Not published yet: the portal does not show it.
	if resp, _ := get(t, public, fmt.Sprintf("%s/agencies/%d/reports/%d", f.srv.URL, f.health.ID, year)); resp.StatusCode != 404 {
		t.Errorf("an unsaved report in the portal: %d", resp.StatusCode)
	}

	// Saving the draft as it is works; submitting it with markers does not.
	draft.Set("action", "save")
	if resp, doc := postForm(t, f, officer, base+"/save", draft); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, doc.Find("#annual-problems").Text())
	}
	_, doc = get(t, officer, f.srv.URL+base+"?done=saved")
	if got := doc.Find("#annual-status").Text(); !strings.Contains(got, "草稿（第 1 版）") {
		t.Errorf("status after saving: %q", got)
	}
	if !strings.Contains(doc.Find("#findings").Text(), "A-1") {
		t.Error("saving without JavaScript does not show the findings")
	}
	if resp, doc := postForm(t, f, officer, base+"/submit", url.Values{"version": {"1"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(doc.Find("#annual-problems").Text(), "处错误") {
		t.Errorf("submitting with markers: %d", resp.StatusCode)
	}
	if resp, _ := get(t, public, fmt.Sprintf("%s/agencies/%d/reports/%d", f.srv.URL, f.health.ID, year)); resp.StatusCode != 404 {
		t.Errorf("a draft in the portal: %d", resp.StatusCode)
	}
	if _, doc := get(t, public, fmt.Sprintf("%s/agencies/%d/", f.srv.URL, f.health.ID)); doc.Find("#reports a").Length() != 0 {
		t.Error("a draft is listed in the 年报 room")
	}

	// The officer writes the text, enters the fees, and submits.
	edit := formValues(doc, "#annual-form")
	fillIn(edit)
	edit.Set("sec:五", "（一）存在的主要问题\n公开内容不够全面。\n（二）改进情况\n加强培训。")
	edit.Set("cell:s2.8:fees:amount", "0")
	edit.Set("action", "save")
	if resp, doc := postForm(t, f, officer, base+"/save", edit); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second save: %d %s", resp.StatusCode, doc.Find("#annual-problems").Text())
	}
	_, doc = get(t, officer, f.srv.URL+base)
	if doc.Find("#findings li.error").Length() != 0 {
		t.Fatalf("errors left: %s", doc.Find("#findings li.error").Text())
	}
	if resp, _ := postForm(t, f, officer, base+"/submit", url.Values{"version": {"2"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	_, doc = get(t, officer, f.srv.URL+base)
	if got := doc.Find("#annual-status").Text(); !strings.Contains(got, "审核中") || doc.Find("#annual-form").Length() != 0 || doc.Find("#approve").Length() != 0 {
		t.Errorf("after submitting the officer sees %q, a form %d, an approve button %d", got, doc.Find("#annual-form").Length(), doc.Find("#approve").Length())
	}
	// The officer cannot approve; the approver can.
	if resp, _ := postForm(t, f, officer, base+"/approve", url.Values{"version": {"3"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an officer approving: %d", resp.StatusCode)
	}
	_, doc = get(t, approver, f.srv.URL+base)
	if doc.Find("#approve").Length() != 1 || doc.Find("#return").Length() != 1 {
		t.Fatal("the approver is offered no review")
	}
	if resp, _ := postForm(t, f, approver, base+"/return", url.Values{"version": {"3"}, "comment": {""}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("returning without a comment: %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, f, approver, base+"/approve", url.Values{"version": {"3"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	_, doc = get(t, officer, f.srv.URL+base)
	if got := doc.Find("#annual-status").Text(); !strings.Contains(got, "已发布") || doc.Find("#open-correction").Length() != 1 {
		t.Errorf("after publication: %q", got)
	}

	// The portal shows it, with four real downloads.
	room := fmt.Sprintf("%s/agencies/%d/reports/%d", f.srv.URL, f.health.ID, year)
	title := fmt.Sprintf("平阴县卫生健康局%d年政府信息公开工作年度报告", year)
	_, doc = get(t, public, fmt.Sprintf("%s/agencies/%d/", f.srv.URL, f.health.ID))
	if !strings.Contains(doc.Find("#reports a").Text(), title) {
		t.Errorf("年报 room lists %q", doc.Find("#reports a").Text())
	}
	resp, doc = get(t, public, room)
	if resp.StatusCode != 200 || !strings.Contains(doc.Find("article.annual-report").Text(), "公开内容不够全面") || doc.Find("article.annual-report table").Length() != 6 {
		t.Fatalf("portal page: %d", resp.StatusCode)
	}
	checkDownloads(t, public, room, title)

	// A supervisor reads, and cannot change anything.
	if resp, doc := get(t, supervisor, f.srv.URL+base); resp.StatusCode != 200 || doc.Find("#annual-form").Length() != 0 || doc.Find("#open-correction").Length() != 0 {
		t.Errorf("supervisor: %d, form %d", resp.StatusCode, doc.Find("#annual-form").Length())
	}
	if resp, _ := postForm(t, f, supervisor, base+"/save", edit); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a supervisor saving: %d", resp.StatusCode)
	}

	// Locked: saving is refused; a correction needs a reason and keeps the earlier version readable.
	edit.Set("version", "4")
	if resp, _ := postForm(t, f, officer, base+"/save", edit); resp.StatusCode != http.StatusConflict {
		t.Errorf("saving a published report: %d", resp.StatusCode)
	}
	resp, doc = get(t, officer, f.srv.URL+base+"?correct=1")
	if resp.StatusCode != 200 || doc.Find(`#annual-form[action$="/correct"] #reason`).Length() != 1 {
		t.Fatalf("correction form: %d", resp.StatusCode)
	}
	corr := formValues(doc, "#annual-form")
	corr.Set("sec:五", "（一）存在的主要问题\n公开内容不够全面，更新不够及时。\n（二）改进情况\n加强培训。")
	if resp, doc := postForm(t, f, officer, base+"/correct", corr); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#annual-problems").Text(), "更正原因") {
		t.Errorf("a correction without a reason: %d", resp.StatusCode)
	}
	corr.Set("reason", "第五部分遗漏了信息更新不及时的问题")
	if resp, doc := postForm(t, f, officer, base+"/correct", corr); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("correct: %d %s", resp.StatusCode, doc.Find("#annual-problems").Text())
	}
	_, doc = get(t, public, room)
	note := doc.Find("#correction")
	if !strings.Contains(note.Text(), "更正，更正说明：第五部分遗漏了信息更新不及时的问题") || !strings.Contains(doc.Find("article").Text(), "更新不够及时") {
		t.Errorf("correction note %q", note.Text())
	}
	prev, _ := note.Find("a").Attr("href")
	resp, doc = get(t, public, f.srv.URL+prev)
	if resp.StatusCode != 200 || strings.Contains(doc.Find("article").Text(), "更新不够及时") || !strings.Contains(doc.Find("article").Text(), "公开内容不够全面") || doc.Find("#earlier").Length() != 1 {
		t.Errorf("the earlier version %s: %d", prev, resp.StatusCode)
	}
	checkDownloads(t, public, room, title)
	// Versions of drafts are not public.
	for _, v := range []string{"1", "2", "3", "99", "x"} {
		if resp, _ := get(t, public, room+"/versions/"+v); resp.StatusCode != 404 {
			t.Errorf("version %s in the portal: %d", v, resp.StatusCode)
		}
	}
	// The whole way is in the audit trail, whose chain is intact.
	entries, _ := f.db.ListAudit(context.Background(), disclosure.AuditFilter{ObjectType: "annual_report", Limit: 50})
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != "annual_report.correct annual_report.publish annual_report.submit annual_report.save annual_report.create" {
		t.Errorf("audited: %s", got)
	}
	if res, err := f.db.VerifyAudit(context.Background()); err != nil || !res.OK {
		t.Errorf("audit chain: %+v %v", res, err)
	}
}

// checkDownloads fetches the four files of a published report and reads its title back from each.
func checkDownloads(t *testing.T, c *http.Client, room, title string) {
	t.Helper()
	for _, format := range []string{"pdf", "docx", "xlsx", "md"} {
		resp, body := fetch(t, c, room+"/download/"+format)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", format, resp.StatusCode)
			continue
		}
		switch format {
		case "pdf":
			if !bytes.HasPrefix(body, []byte("%PDF-")) {
				t.Errorf("pdf starts %q", body[:min(8, len(body))])
			}
		case "docx":
			zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Errorf("docx is not a zip: %v", err)
				continue
			}
			found := false
			for _, zf := range zr.File {
				if zf.Name == "word/document.xml" {
					rc, _ := zf.Open()
					b, _ := io.ReadAll(rc)
					rc.Close()
					found = bytes.Contains(b, []byte(title))
				}
			}
			if !found {
				t.Error("docx: the title is not in word/document.xml")
			}
		case "xlsx":
			x, err := excelize.OpenReader(bytes.NewReader(body))
			if err != nil {
				t.Errorf("xlsx: %v", err)
				continue
			}
			props, err := x.GetDocProps()
			if err != nil || props.Title != title {
				t.Errorf("xlsx title %q %v", props.Title, err)
			}
			x.Close()
		case "md":
			if !bytes.Contains(body, []byte("# "+title)) {
				t.Errorf("markdown does not start with the title: %.60s", body)
			}
		}
	}
}

func TestTheAnnualEditorRefreshesStaleFiguresAndReturnsWithAComment(t *testing.T) {
	f := newFixture(t)
	year := time.Now().Year()
	base := fmt.Sprintf("/console/annual/%d/%d", f.health.ID, year)
	officer, approver := f.client(t), f.client(t)
	f.signIn(t, officer, "officer", password)
	f.signIn(t, approver, "approver", password)
	_, doc := get(t, officer, f.srv.URL+base)
	v := formValues(doc, "#annual-form")
	fillIn(v)
	v.Set("sec:一", "（一）主动公开。本局自行撰写的总体情况。")
	v.Set("action", "save")
	if resp, _ := postForm(t, f, officer, base+"/save", v); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	// A case arrives after the draft was saved: the figures are stale.
	f.caseIn(t, workday.DateOf(time.Now()))
	_, doc = get(t, officer, f.srv.URL+base)
	if warn := doc.Find("#findings li.warning").Text(); !strings.Contains(warn, "A-2") || !strings.Contains(warn, "报告填了 0，而办件实时统计为 1") {
		t.Errorf("stale figures: %q", warn)
	}
	v = formValues(doc, "#annual-form")
	v.Set("action", "refresh")
	resp, doc := postForm(t, f, officer, base+"/save", v)
	if resp.StatusCode != 200 || !strings.Contains(doc.Find("ul.changes").Text(), "一、本年新收政府信息公开申请数量 › 自然人：0 → 1") {
		t.Fatalf("refresh: %d %q", resp.StatusCode, doc.Find("ul.changes").Text())
	}
	if got := doc.Find(`textarea[name="sec:一"]`).Text(); got != "（一）主动公开。本局自行撰写的总体情况。" {
		t.Errorf("typed text after refresh: %q", got)
	}
	if strings.Contains(doc.Find("#findings").Text(), "A-2") {
		t.Error("still stale after refresh")
	}
	// Entering a table by hand keeps the typed figure and silences the comparison.
	v = formValues(doc, "#annual-form")
	v.Set("cell:s4:cases:review.upheld", "1")
	v.Set("cell:s4:cases:review.total", "1")
	v.Add("entered", "s4")
	v.Set("action", "refresh")
	_, doc = postForm(t, f, officer, base+"/save", v)
	if got, _ := doc.Find(`input[name="cell:s4:cases:review.total"]`).Attr("value"); got != "1" || strings.Contains(doc.Find("#findings").Text(), "A-2") {
		t.Errorf("an entered table after refresh: %q, %s", got, doc.Find("#findings").Text())
	}
	// A stale form is refused, not saved over the newer version.
	v.Set("version", "1")
	v.Set("action", "save")
	if resp, doc := postForm(t, f, officer, base+"/save", v); resp.StatusCode != http.StatusConflict || !strings.Contains(doc.Find("#annual-problems").Text(), "刷新页面") {
		t.Errorf("stale save: %d", resp.StatusCode)
	}
	// Submitted and returned with a comment.
	if resp, _ := postForm(t, f, officer, base+"/submit", url.Values{"version": {"3"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	// Art 49: the report is of 上一年度 — this year's cannot be published before the year ends.
	if resp, doc := postForm(t, f, approver, base+"/approve", url.Values{"version": {"4"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(doc.Text(), "第四十九条") {
		t.Errorf("publishing the report of a year not yet ended: %d %q", resp.StatusCode, doc.Find(".error").Text())
	}
	if resp, _ := postForm(t, f, approver, base+"/return", url.Values{"version": {"4"}, "comment": {"请补充第四部分的说明"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", resp.StatusCode)
	}
	_, doc = get(t, officer, f.srv.URL+base)
	if !strings.Contains(doc.Find("#annual-status").Text(), "草稿") || !strings.Contains(doc.Find("ul.comments").Text(), "请补充第四部分的说明") || doc.Find("#annual-form").Length() != 1 {
		t.Errorf("after return: %q %q", doc.Find("#annual-status").Text(), doc.Find("ul.comments").Text())
	}
	// Hostile input: a bad year, a foreign agency, a huge form.
	for _, p := range []string{fmt.Sprintf("/console/annual/%d/2018", f.health.ID), fmt.Sprintf("/console/annual/%d/%d", f.health.ID, year+1), "/console/annual/999/2025", "/console/annual/x/2025"} {
		if resp, _ := get(t, officer, f.srv.URL+p); resp.StatusCode != 404 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	gov, _ := f.db.GetAgency(context.Background(), 1)
	if resp, _ := get(t, officer, fmt.Sprintf("%s/console/annual/%d/%d", f.srv.URL, gov.ID, year)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the officer of a department opens the government's report: %d", resp.StatusCode)
	}
	huge := url.Values{"version": {"5"}, "sec:一": {strings.Repeat("字", 400000)}}
	if resp, _ := postForm(t, f, officer, base+"/save", huge); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a huge form: %d", resp.StatusCode)
	}
}
