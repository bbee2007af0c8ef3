package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/auth"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// caseFixture is a case of the fixture's health bureau with one notice (the 受理回执) and one file.
type caseFixture struct {
	caseID, noticeID, fileID int64
	code                     string
}

// residentID returns a resident ID number with a valid check digit (computed, not a real person's).
func residentID(body string) string {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

func sampleApp(received workday.Date) disclosure.Application {
	return disclosure.Application{Kind: disclosure.DisclosureRequest, Channel: disclosure.Letter, ReceivedOn: received, SecretHash: HashSecret("secret2345"),
		Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, Name: "王小明", IDNumber: residentID("37012419800101001"), Phone: "13800000000", Email: "wang@example.com"},
		Request:   disclosure.Request{Description: "2025年度本县疫苗接种点名单", Forms: []string{"电子文档"}, Delivery: []string{"电子邮件"}}}
}

func (f *fixture) mustCase(t *testing.T) caseFixture {
	t.Helper()
	ctx := context.Background()
	today := workday.DateOf(time.Now())
	env := casework.Env{Calendar: workday.Default(), Agency: f.health, BaseURL: f.srv.URL}
	officer := casework.Actor{Who: casework.ByOfficer, Name: "公开专员"}
	ch, err := f.db.CreateCase(ctx, disclosure.SystemActor, newCaseBuild(casework.Intake{App: sampleApp(today), Actor: officer, Today: today, Now: time.Now()}, env, ""))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := f.db.UpdateCase(ctx, disclosure.SystemActor, ch.Case.ID, casework.Step(casework.Command{Action: casework.Accept, Actor: officer, Today: today, Now: time.Now()}, env))
	if err != nil {
		t.Fatal(err)
	}
	file := &disclosure.CaseFile{ApplicationID: ch.Case.ID, Kind: "document", Name: "材料.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4\n%%EOF")}
	if err := f.db.AddCaseFile(ctx, disclosure.SystemActor, file); err != nil {
		t.Fatal(err)
	}
	return caseFixture{caseID: ch.Case.ID, noticeID: acc.Notices[0].ID, fileID: file.ID, code: ch.Case.QueryCode}
}

func postForm(t *testing.T, f *fixture, c *http.Client, path string, form url.Values) (*http.Response, *goquery.Document) {
	t.Helper()
	return postBody(t, f, c, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

func postMultipart(t *testing.T, f *fixture, c *http.Client, path string, form url.Values, file string, data []byte) (*http.Response, *goquery.Document) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != "" {
		fw, _ := mw.CreateFormFile(file, "证件.png")
		fw.Write(data)
	}
	mw.Close()
	return postBody(t, f, c, path, mw.FormDataContentType(), &body)
}

// postBody posts a body of the content type from this site (Origin set, as a browser does) and parses the answer.
func postBody(t *testing.T, f *fixture, c *http.Client, path, contentType string, body io.Reader) (*http.Response, *goquery.Document) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Origin", f.srv.URL)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(resp.Body)
	return resp, doc
}

// withFormToken opens the form page at path as the client, as a person would before filling it in, and returns
// the values with the form token the page issued.
func withFormToken(t *testing.T, f *fixture, c *http.Client, path string, v url.Values) url.Values {
	t.Helper()
	resp, doc := get(t, c, f.srv.URL+path)
	token, ok := doc.Find("input[name=form_token]").Attr("value")
	if resp.StatusCode != http.StatusOK || !ok || token == "" {
		t.Fatalf("%s: %d, no form token", path, resp.StatusCode)
	}
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	out.Set("form_token", token)
	return out
}

func applyValues() url.Values {
	return url.Values{
		"applicant_type": {"natural_person"}, "name": {"王小明"}, "id_type": {"resident_id"}, "id_number": {residentID("37012419800101001")},
		"phone": {"13800000000"}, "email": {"wang@example.com"}, "description": {"2025年度本县疫苗接种点名单"},
		"forms": {"电子文档"}, "delivery": {"电子邮件"},
	}
}

func pngBytes() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)))
	return b.Bytes()
}

// step posts a case action as the signed-in client and expects the redirect back to the case.
func step(t *testing.T, f *fixture, c *http.Client, caseID int64, form url.Values) {
	t.Helper()
	resp, doc := postForm(t, f, c, fmt.Sprintf("/console/cases/%d/step", caseID), form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s: status %d: %s", form.Get("action"), resp.StatusCode, doc.Find(".error").Text())
	}
}

func TestAnApplicationFromThePortalToTheReply(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	person := f.client(t)
	applyPath := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
	resp, doc := postMultipart(t, f, person, applyPath, withFormToken(t, f, person, applyPath, applyValues()), "id_proof", pngBytes())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("apply: %d %s", resp.StatusCode, doc.Find(".error").Text())
	}
	code, secret := doc.Find("#query-code").Text(), doc.Find("#query-secret").Text()
	if len(code) != 12 || len(secret) != 10 {
		t.Fatalf("receipt code %q secret %q", code, secret)
	}
	c, err := f.db.GetCaseByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if files, _ := f.db.CaseFiles(ctx, c.ID); len(files) != 1 || files[0].ContentType != "image/png" {
		t.Errorf("id proof = %+v", files)
	}

	// Another browser needs the code and the password.
	other := f.client(t)
	if resp, _ := get(t, other, f.srv.URL+"/track/"+code); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("status page without the password: %d, want a redirect to the lookup", resp.StatusCode)
	}
	if resp, _ := postForm(t, f, other, "/track", url.Values{"code": {code}, "secret": {"wrongwrong"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, f, other, "/track", url.Values{"code": {strings.ToLower(code)}, "secret": {strings.ToUpper(secret)}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("right code and password in other letter cases: %d", resp.StatusCode)
	}

	officer, approver := f.client(t), f.client(t)
	f.signIn(t, officer, "officer", password)
	f.signIn(t, approver, "approver", password)
	_, list := get(t, officer, f.srv.URL+"/console/cases")
	if !strings.Contains(list.Find("table.cases").Text(), c.Number) {
		t.Fatalf("case %s not in the officer's list", c.Number)
	}
	step(t, f, officer, c.ID, url.Values{"action": {"accept"}})
	step(t, f, officer, c.ID, url.Values{"action": {"request_fix"}, "items": {"请写明所需名单的乡镇"}})

	_, page := get(t, other, f.srv.URL+"/track/"+code)
	if got := page.Find("#state").Text(); got != "待补正" {
		t.Errorf("applicant sees state %q", got)
	}
	if page.Find(`form[action$="/fix"]`).Length() != 1 {
		t.Fatal("no online correction form for the applicant")
	}
	if resp, doc := postForm(t, f, other, "/track/"+code+"/fix", url.Values{"note": {"榆山街道"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("online correction: %d %s", resp.StatusCode, doc.Find(".error").Text())
	}
	step(t, f, officer, c.ID, url.Values{"action": {"request_extension"}, "days": {"20"}, "note": {"需要汇总多个乡镇的数据"}})
	if resp, _ := postForm(t, f, officer, fmt.Sprintf("/console/cases/%d/step", c.ID), url.Values{"action": {"approve_extension"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an officer approving an extension: %d, want 403", resp.StatusCode)
	}
	step(t, f, approver, c.ID, url.Values{"action": {"approve_extension"}})
	step(t, f, officer, c.ID, url.Values{"action": {"draft_reply"}, "outcome": {"disclosed|provided"}, "provided": {"以电子邮件发送接种点名单"}})
	step(t, f, officer, c.ID, url.Values{"action": {"submit_reply"}})
	step(t, f, approver, c.ID, url.Values{"action": {"approve_reply"}})
	step(t, f, officer, c.ID, url.Values{"action": {"send_reply"}})

	_, page = get(t, other, f.srv.URL+"/track/"+code)
	if got := page.Find("#state").Text(); got != "已答复" {
		t.Errorf("applicant sees state %q, want 已答复", got)
	}
	var titles []string
	page.Find("ul.notices li").Each(func(_ int, s *goquery.Selection) { titles = append(titles, strings.SplitN(s.Text(), "（", 2)[0]) })
	want := []string{"政府信息公开申请受理回执", "政府信息公开申请补正告知书", "政府信息公开申请延期答复告知书", "政府信息公开申请答复告知书"}
	if !slices.Equal(titles, want) {
		t.Errorf("notices %v, want %v", titles, want)
	}
	href, _ := page.Find("ul.notices li").Last().Find("a").First().Attr("href")
	pdf, err := other.Get(f.srv.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(pdf.Body)
	pdf.Body.Close()
	if pdf.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Errorf("reply download: %s, %d bytes", pdf.Header.Get("Content-Type"), len(body))
	}
	if resp, _ := get(t, f.client(t), f.srv.URL+href); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("notice without the password: %d", resp.StatusCode)
	}
	events, _ := f.db.CaseEvents(ctx, c.ID)
	var actions []string
	for _, e := range events {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{"register", "accept", "request_fix", "submit_fix", "request_extension", "approve_extension", "draft_reply", "submit_reply", "approve_reply", "send_reply"}) {
		t.Errorf("history %v", actions)
	}
	waiting, _, _, _ := f.db.OutboxStats(ctx)
	if waiting != 6 {
		t.Errorf("%d e-mails to the applicant in the outbox, want 6 (receipt of the online form is the status page; accept, fix, correction, extension, reply … )", waiting)
	}
	if res, err := f.db.VerifyAudit(ctx); err != nil || !res.OK {
		t.Errorf("audit chain: %+v %v", res, err)
	}
}

func TestTheApplicationFormSaysWhatToFix(t *testing.T) {
	f := newFixture(t)
	path := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
	tests := []struct {
		name   string
		change func(url.Values)
		file   []byte
		want   string
	}{
		{"check digit", func(v url.Values) { v.Set("id_number", "370124198001010010") }, nil, "校验位"},
		{"no description", func(v url.Values) { v.Del("description") }, nil, "请描述所需的政府信息"},
		{"no applicant type", func(v url.Values) { v.Del("applicant_type") }, nil, "申请人类型"},
		{"bad USCC", func(v url.Values) {
			v.Set("applicant_type", "commercial")
			v.Set("org_name", "某公司")
			v.Set("uscc", "91370124MA3C7XQX40")
			v.Set("contact", "李经理")
		}, nil, "统一社会信用代码"},
		{"not an image", nil, []byte("MZ\x90\x00 this is an executable"), "只能上传 JPG、PNG 图片或 PDF"},
		{"broken png", nil, append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 40)...), "图片已损坏"},
		{"a script fills the hidden field", func(v url.Values) { v.Set("website", "http://spam.example") }, nil, "提交未成功"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := applyValues()
			if tt.change != nil {
				tt.change(v)
			}
			field := ""
			if tt.file != nil {
				field = "id_proof"
			}
			c := f.client(t)
			resp, doc := postMultipart(t, f, c, path, withFormToken(t, f, c, path, v), field, tt.file)
			if resp.StatusCode < 400 || !strings.Contains(doc.Find(".error").Text(), tt.want) {
				t.Errorf("status %d, error %q; want a message with %q", resp.StatusCode, doc.Find(".error").Text(), tt.want)
			}
			if got := doc.Find("#description").Text(); tt.name != "no description" && !strings.Contains(got, "疫苗") {
				t.Errorf("the description was lost: %q", got)
			}
		})
	}
	if _, total, _ := f.db.FindCases(context.Background(), disclosure.CaseFilter{}); total != 0 {
		t.Errorf("%d cases stored from bad forms", total)
	}
}

func TestOtherAgenciesOfficersCannotSeeACase(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cs := f.mustCase(t)
	other := &disclosure.Agency{Kind: disclosure.Department, ParentID: f.health.ParentID, Name: "平阴县民政局"}
	if err := f.db.CreateAgency(ctx, disclosure.SystemActor, other); err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword(password, cheap)
	if err := f.db.CreateUser(ctx, disclosure.SystemActor, &disclosure.User{Username: "minzheng", DisplayName: "民政专员", PasswordHash: hash, Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &other.ID}}}); err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	f.signIn(t, c, "minzheng", password)
	for _, path := range []string{fmt.Sprintf("/console/cases/%d", cs.caseID), fmt.Sprintf("/console/cases/%d/notices/%d/pdf", cs.caseID, cs.noticeID), fmt.Sprintf("/console/cases/%d/files/%d", cs.caseID, cs.fileID)} {
		if resp, _ := get(t, c, f.srv.URL+path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", path, resp.StatusCode)
		}
	}
	if resp, _ := postForm(t, f, c, fmt.Sprintf("/console/cases/%d/step", cs.caseID), url.Values{"action": {"note"}, "note": {"x"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("step: %d, want 403", resp.StatusCode)
	}
	_, list := get(t, c, f.srv.URL+"/console/cases?view=all")
	if list.Find("table.cases tbody a").Length() != 0 {
		t.Errorf("the other agency's officer lists cases: %s", list.Find("table.cases").Text())
	}
	// The supervisor of the region reads but cannot act.
	sup := f.client(t)
	f.signIn(t, sup, "supervisor", password)
	if resp, page := get(t, sup, fmt.Sprintf("%s/console/cases/%d", f.srv.URL, cs.caseID)); resp.StatusCode != http.StatusOK || page.Find("#h-actions").Length() != 0 {
		t.Errorf("supervisor: %d, actions shown %v", resp.StatusCode, page.Find("#h-actions").Length() != 0)
	}
}

func TestStaffIntakeAndTheReportCells(t *testing.T) {
	f := newFixture(t)
	officer := f.client(t)
	f.signIn(t, officer, "officer", password)
	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))
	v := applyValues()
	v.Set("agency", strconv.FormatInt(f.health.ID, 10))
	v.Set("channel", "letter")
	v.Set("received_on", today.String())
	resp, doc := postMultipart(t, f, officer, "/console/cases/new", v, "", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("intake: %d %s", resp.StatusCode, doc.Find(".error").Text())
	}
	_, page := get(t, officer, f.srv.URL+resp.Header.Get("Location"))
	if !strings.Contains(page.Find(".warning").Text(), "查询密码") {
		t.Errorf("the query password is not shown once after intake")
	}
	if got := page.Find("#due").Text(); !strings.Contains(got, "答复期限") {
		t.Errorf("deadline %q", got)
	}
	v.Set("received_on", today.AddDays(3).String())
	if resp, doc := postMultipart(t, f, officer, "/console/cases/new", v, "", nil); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find(".error").Text(), "晚于今天") {
		t.Errorf("a receipt date in the future: %d %q", resp.StatusCode, doc.Find(".error").Text())
	}
	_, rep := get(t, officer, fmt.Sprintf("%s/console/casereport?year=%d", f.srv.URL, today.Year))
	cell := rep.Find("table.report-cells").First().Find("tbody tr").First().Find("td a").First()
	if cell.Text() != "1" {
		t.Fatalf("本年新收/自然人 = %q, want 1", cell.Text())
	}
	href, _ := cell.Attr("href")
	_, cases := get(t, officer, f.srv.URL+href)
	if n := cases.Find("table.cases tbody a").Length(); n != 1 {
		t.Errorf("the cell links to %d cases, want 1", n)
	}
	if rep.Find(".ok").Length() != 1 {
		t.Errorf("findings: %s", rep.Find(".findings").Text())
	}
}

func shanghaiLoc(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAgencyTemplatesAreCheckedAndUsed(t *testing.T) {
	f := newFixture(t)
	officer := f.client(t)
	f.signIn(t, officer, "officer", password)
	key := "receipt"
	path := fmt.Sprintf("/console/templates/%s?agency=%d", key, f.health.ID)
	_, page := get(t, officer, f.srv.URL+path)
	body := page.Find("#tpl-body").Text()
	if !strings.Contains(body, "{申请人}") {
		t.Fatalf("template body %q", body)
	}
	resp, doc := postForm(t, f, officer, path, url.Values{"title": {"受理回执"}, "body": {body + "\n{不存在}"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find(".error").Text(), "{不存在}") {
		t.Errorf("unknown placeholder: %d %q", resp.StatusCode, doc.Find(".error").Text())
	}
	if resp, _ := postForm(t, f, officer, path, url.Values{"title": {"平阴县卫生健康局受理回执"}, "body": {body + "\n特别提示：本局办公地址已迁至府前街31号。"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	cs := f.mustCase(t)
	notices, _ := f.db.CaseNotices(context.Background(), cs.caseID)
	if len(notices) != 1 || notices[0].Title != "平阴县卫生健康局受理回执" || !strings.Contains(notices[0].Body, "特别提示") {
		t.Errorf("notice = %+v", notices)
	}
}

func TestEnteringNextYearsCalendar(t *testing.T) {
	f := newFixture(t)
	admin := f.client(t)
	f.signIn(t, admin, "sysadmin", password)
	text := "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"
	resp, doc := postForm(t, f, admin, "/console/calendar", url.Values{"year": {"2027"}, "text": {text}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("#h-preview").Parent().Text(), "元旦") {
		t.Fatalf("preview: %d %s", resp.StatusCode, doc.Find(".error").Text())
	}
	if resp, doc := postForm(t, f, admin, "/console/calendar", url.Values{"year": {"2027"}, "text": {"一、元旦：1月1日（周四）至3日（周六）放假，共3天。"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("wrong weekdays: %d %s", resp.StatusCode, doc.Text())
	}
	if resp, _ := postForm(t, f, admin, "/console/calendar", url.Values{"year": {"2027"}, "text": {text}, "save": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	officer := f.client(t)
	f.signIn(t, officer, "officer", password)
	if resp, _ := postForm(t, f, officer, "/console/calendar", url.Values{"year": {"2027"}, "text": {text}, "save": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an officer entering the calendar: %d", resp.StatusCode)
	}
	_, page := get(t, officer, f.srv.URL+"/console/calendar")
	if !strings.Contains(page.Find("#h-y2027").Text(), "管理员录入") {
		t.Errorf("2027 not listed: %s", page.Find("main").Text())
	}
	_, calc := get(t, f.client(t), f.srv.URL+"/deadline?from=2026-12-31&days=1")
	if got := calc.Find("#due-date").Text(); got != "2027年1月4日" {
		t.Errorf("1 working day after 2026-12-31 = %q, want 2027年1月4日 (1–3 Jan off)", got)
	}
}

func TestPublicDeadlineCalculator(t *testing.T) {
	f := newFixture(t)
	_, doc := get(t, f.client(t), f.srv.URL+"/deadline?from=2026-02-10&days=20&pauses=2026-03-02:2026-03-06")
	if got := doc.Find("#due-date").Text(); got != "2026年3月23日" {
		t.Errorf("due %q", got)
	}
	if !strings.Contains(doc.Find(".result").Text(), "春节") {
		t.Errorf("explanation: %s", doc.Find(".result").Text())
	}
	resp, doc := get(t, f.client(t), f.srv.URL+"/deadline?from=2026-13-10&days=20")
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find(".error").Text(), "起算日期") {
		t.Errorf("bad date: %d %s", resp.StatusCode, doc.Find(".error").Text())
	}
}

func TestTheApplicantDownloadsOnlyWhatWasProvided(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cs := f.mustCase(t)
	provided := &disclosure.CaseFile{ApplicationID: cs.caseID, Kind: "provided", Name: "接种点名单.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4\n%%EOF"), Public: true}
	if err := f.db.AddCaseFile(ctx, disclosure.SystemActor, provided); err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	if resp, _ := postForm(t, f, c, "/track", url.Values{"code": {cs.code}, "secret": {"secret2345"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("lookup: %d", resp.StatusCode)
	}
	_, page := get(t, c, f.srv.URL+"/track/"+cs.code)
	if got := page.Find("ul.files a").Text(); got != "接种点名单.pdf" {
		t.Errorf("files listed: %q", got)
	}
	if resp, _ := get(t, c, fmt.Sprintf("%s/track/%s/files/%d", f.srv.URL, cs.code, provided.ID)); resp.StatusCode != http.StatusOK {
		t.Errorf("provided file: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, fmt.Sprintf("%s/track/%s/files/%d", f.srv.URL, cs.code, cs.fileID)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an internal file: %d, want 404", resp.StatusCode)
	}
}

// Every download is an attachment in a sandbox, and an uploaded file's declared type is sent only when it is an
// accepted kind: an HTML file uploaded as one never runs as a page of the site, for staff or the applicant.
func TestDownloadsAreSandboxedAttachments(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cs := f.mustCase(t)
	html := &disclosure.CaseFile{ApplicationID: cs.caseID, Kind: "provided", Name: "名单.html", ContentType: "text/html", Data: []byte("<script>alert(1)</script>"), Public: true}
	if err := f.db.AddCaseFile(ctx, disclosure.SystemActor, html); err != nil {
		t.Fatal(err)
	}
	applicant := f.client(t)
	if resp, _ := postForm(t, f, applicant, "/track", url.Values{"code": {cs.code}, "secret": {"secret2345"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("lookup: %d", resp.StatusCode)
	}
	staff := f.client(t)
	f.signIn(t, staff, "officer", password)
	check := func(c *http.Client, path, wantType string) {
		t.Helper()
		resp, err := c.Get(f.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != wantType || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") ||
			!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || h.Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s: %d, type %q, disposition %q, CSP %q, cache %q", path, resp.StatusCode, h.Get("Content-Type"), h.Get("Content-Disposition"), h.Get("Content-Security-Policy"), h.Get("Cache-Control"))
		}
	}
	check(staff, fmt.Sprintf("/console/cases/%d/files/%d", cs.caseID, html.ID), "application/octet-stream")
	check(applicant, fmt.Sprintf("/track/%s/files/%d", cs.code, html.ID), "application/octet-stream")
	check(staff, fmt.Sprintf("/console/cases/%d/notices/%d/pdf", cs.caseID, cs.noticeID), "application/pdf")
}

func TestCasesToExcelAndHistoricalImport(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	officer := f.client(t)
	f.signIn(t, officer, "officer", password)
	f.mustCase(t)
	resp, err := officer.Get(f.srv.URL + "/console/cases?view=all&format=xlsx")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("export is not a workbook: %v (%s)", err, resp.Header.Get("Content-Type"))
	}
	if v, _ := x.GetCellValue("申请", "G2"); v != "王小明" {
		t.Errorf("exported applicant %q", v)
	}

	resp, err = officer.Get(f.srv.URL + "/console/cases/import/template")
	if err != nil {
		t.Fatal(err)
	}
	data, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	tpl, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	headers, _ := tpl.GetRows("申请")
	col := map[string]int{}
	for i, h := range headers[0] {
		col[strings.TrimRight(strings.TrimSpace(h), "*")] = i
	}
	fill := func(row int, vals map[string]string) {
		for k, v := range vals {
			i, ok := col[k]
			if !ok {
				t.Fatalf("template has no column %q (has %v)", k, headers[0])
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			tpl.SetCellStr("申请", cell, v)
		}
	}
	good := map[string]string{"收到日期": "2024-03-04", "申请方式": "邮寄（需签收）", "申请人类型": "公民（自然人）", "申请人姓名或名称": "赵六",
		"证件号码或统一社会信用代码": residentID("37012419700101002"), "联系电话": "13900000000", "所需信息描述": "2023年度卫生监督抽查结果",
		"办理结果": "予以公开", "答复日期": "2024-03-20"}
	fill(2, good)
	upload := func() (*http.Response, *goquery.Document) {
		var buf bytes.Buffer
		tpl.Write(&buf)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("agency", strconv.FormatInt(f.health.ID, 10))
		fw, _ := mw.CreateFormFile("file", "历史申请.xlsx")
		fw.Write(buf.Bytes())
		mw.Close()
		req, _ := http.NewRequest("POST", f.srv.URL+"/console/cases/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Origin", f.srv.URL)
		resp, err := officer.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		doc, _ := goquery.NewDocumentFromReader(resp.Body)
		return resp, doc
	}
	bad := maps.Clone(good)
	bad["证件号码或统一社会信用代码"] = "370124197001010020"
	fill(3, bad)
	resp, doc := upload()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("ul.problems").Text(), "第 3 行") {
		t.Fatalf("a bad row: %d %q", resp.StatusCode, doc.Find("ul.problems").Text())
	}
	if _, total, _ := f.db.FindCases(ctx, disclosure.CaseFilter{ReportYear: 2024, ReportRow: "new"}); total != 0 {
		t.Errorf("%d rows imported from a file with a problem", total)
	}
	tpl.RemoveRow("申请", 3)
	resp, doc = upload()
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find(".ok").Text(), "已导入 1 件") {
		t.Fatalf("import: %d %q %q", resp.StatusCode, doc.Find(".error").Text(), doc.Find("ul.problems").Text())
	}
	counts, _ := f.db.RequestCounts(ctx, []int64{f.health.ID}, 2024)
	got := map[string]int{}
	for _, c := range counts {
		got[c.Row] += c.N
	}
	if got["new"] != 1 || got["disclosed"] != 1 {
		t.Errorf("2024 after the import: %v", got)
	}
}
