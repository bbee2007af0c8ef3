package web

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/document"
	"github.com/gongkai/gongkai/internal/jobs"
	"github.com/gongkai/gongkai/internal/workday"
)

// itemFixture is a draft item of the fixture's health bureau with one attachment.
type itemFixture struct{ itemID, attachmentID int64 }

func (f *fixture) mustItem(t *testing.T) itemFixture {
	t.Helper()
	ctx := context.Background()
	it, err := catalogue.NewItem(disclosure.Item{Title: "关于开展2026年春季爱国卫生运动的通知", Genre: disclosure.GenreNotice, WrittenOn: workday.DateOf(time.Now())}, f.health, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateItem(ctx, disclosure.SystemActor, it); err != nil {
		t.Fatal(err)
	}
	att := &disclosure.ItemAttachment{ItemID: it.ID, Name: "通知.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4\n%%EOF"), Text: "爱国卫生运动"}
	if err := f.db.AddItemAttachment(ctx, disclosure.SystemActor, att); err != nil {
		t.Fatal(err)
	}
	return itemFixture{it.ID, att.ID}
}

// signedIn returns a client signed in as the user.
func (f *fixture) signedIn(t *testing.T, user string) *http.Client {
	t.Helper()
	c := f.client(t)
	if resp := f.signIn(t, c, user, password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s cannot sign in: %d", user, resp.StatusCode)
	}
	return c
}

// mustUser creates an account with the grants and signs it in.
func (f *fixture) mustUser(t *testing.T, name string, grants ...disclosure.Grant) *http.Client {
	t.Helper()
	hash, _ := auth.HashPassword(password, cheap)
	if err := f.db.CreateUser(context.Background(), disclosure.SystemActor, &disclosure.User{Username: name, DisplayName: name, PasswordHash: hash, Grants: grants}); err != nil {
		t.Fatal(err)
	}
	return f.signedIn(t, name)
}

func newItemValues(title string, written workday.Date) url.Values {
	return url.Values{"agency": {"2"}, "title": {title}, "summary": {"部署春季爱国卫生运动。"}, "doc_number": {"平卫发〔2026〕3号"}, "genre": {"normative"},
		"category": {"health.public_health.education"}, "written_on": {written.String()}, "keywords": {"爱国卫生，环境整治"}, "validity": {"in_force"},
		"body": {`<p>各镇街卫生院：</p><p>请做好<strong>环境卫生整治</strong>。<script>alert(1)</script><a href="http://tracker.example/x">外链</a> <a href="https://www.gov.cn/zhengce/">政策</a> <a href="/agencies/2/">本站</a></p><img src="https://evil.example/pixel.gif" alt="x"><img src="/static/logo.png" alt="标志"><img src="data:image/png;base64,AAAA" alt="d"><p onclick="x()">附件见下</p>`}}
}

// createItem posts the new item form and returns the new item's ID.
func createItem(t *testing.T, f *fixture, c *http.Client, form url.Values) int64 {
	t.Helper()
	resp, doc := postForm(t, f, c, "/console/items/new", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", resp.StatusCode, doc.Find("#item-error").Text())
	}
	var id int64
	if _, err := fmt.Sscanf(resp.Header.Get("Location"), "/console/items/%d", &id); err != nil {
		t.Fatalf("redirect to %q", resp.Header.Get("Location"))
	}
	return id
}

// itemStep posts an action of an item's page and expects the redirect; it returns the next page.
func itemStep(t *testing.T, f *fixture, c *http.Client, id int64, form url.Values) *goquery.Document {
	t.Helper()
	resp, doc := postForm(t, f, c, fmt.Sprintf("/console/items/%d/step", id), form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("%s: status %d: %s", form.Get("action"), resp.StatusCode, doc.Find("#item-error").Text())
	}
	_, doc = get(t, c, f.srv.URL+resp.Header.Get("Location"))
	return doc
}

// refused posts an action that must fail with the status and a message containing words.
func refused(t *testing.T, f *fixture, c *http.Client, id int64, form url.Values, status int, words string) {
	t.Helper()
	resp, doc := postForm(t, f, c, fmt.Sprintf("/console/items/%d/step", id), form)
	if msg := doc.Find("#item-error").Text(); resp.StatusCode != status || !strings.Contains(msg, words) {
		t.Errorf("%s: status %d %q, want %d with %q", form.Get("action"), resp.StatusCode, msg, status, words)
	}
}

func checklist(f *fixture) url.Values {
	v := url.Values{"action": {"pass"}}
	for _, q := range f.health.Settings.WithDefaults().ReviewList() {
		v.Add("answer", q)
	}
	return v
}

func itemState(t *testing.T, f *fixture, c *http.Client, id int64) (string, *goquery.Document) {
	t.Helper()
	resp, doc := get(t, c, fmt.Sprintf("%s/console/items/%d", f.srv.URL, id))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("item page: %d", resp.StatusCode)
	}
	return doc.Find("#item-state").Text(), doc
}

func TestAnItemThroughReviewPublicationCorrectionAndWithdrawal(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	officer, reviewer := f.signedIn(t, "officer"), f.signedIn(t, "reviewer")
	if resp, doc := get(t, officer, f.srv.URL+"/console/items/new"); resp.StatusCode != 200 || doc.Find("select#category option[value='health.public_health.vaccination']").Length() != 1 ||
		doc.Find("select#genre option[data-validity='1']").Length() == 0 {
		t.Fatalf("new form: %d", resp.StatusCode)
	}
	// What to fix is said, and the entered values stay.
	bad := newItemValues("", workday.DateOf(time.Now()))
	resp, doc := postForm(t, f, officer, "/console/items/new", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#item-error").Text(), "请填写信息名称") || doc.Find("#doc_number").AttrOr("value", "") != "平卫发〔2026〕3号" {
		t.Errorf("no title: %d %q", resp.StatusCode, doc.Find("#item-error").Text())
	}
	id := createItem(t, f, officer, newItemValues("关于印发《平阴县爱国卫生运动实施办法》的通知", workday.DateOf(time.Now())))
	it, _ := f.db.GetItem(ctx, id)
	for _, gone := range []string{"<script", "tracker.example", "evil.example", "data:image", "onclick"} {
		if strings.Contains(it.Body, gone) {
			t.Errorf("the body keeps %q: %s", gone, it.Body)
		}
	}
	for _, kept := range []string{`href="https://www.gov.cn/zhengce/"`, `href="/agencies/2/"`, `src="/static/logo.png"`, "<strong>环境卫生整治</strong>", `rel="nofollow"`} {
		if !strings.Contains(it.Body, kept) {
			t.Errorf("the body lost %q: %s", kept, it.Body)
		}
	}
	if !slices.Equal(it.Keywords, []string{"爱国卫生", "环境整治"}) || it.Category != "health.public_health.education" || it.Publisher != "平阴县卫生健康局" {
		t.Errorf("metadata %+v", it)
	}

	itemStep(t, f, officer, id, url.Values{"action": {"submit"}})
	// The officer may not review, and the reviewer may not publish.
	refused(t, f, officer, id, checklist(f), http.StatusForbidden, "没有权限")
	partial := checklist(f)
	partial["answer"] = partial["answer"][1:]
	refused(t, f, reviewer, id, partial, http.StatusUnprocessableEntity, "保密审查清单未全部确认")
	itemStep(t, f, reviewer, id, checklist(f))
	if state, _ := itemState(t, f, reviewer, id); state != "已审核待发布" {
		t.Fatalf("after the review: %q", state)
	}
	refused(t, f, reviewer, id, url.Values{"action": {"publish"}}, http.StatusForbidden, "没有权限")
	doc = itemStep(t, f, officer, id, url.Values{"action": {"publish"}})
	if got := doc.Find("#item-state").Text(); got != "已发布" || !strings.HasPrefix(doc.Find("#index-number").Text(), "113701243072282028/") {
		t.Fatalf("published: %q %q", got, doc.Find("#index-number").Text())
	}

	// A correction: the revision is edited and reviewed while the published version stays.
	resp, _ = postForm(t, f, officer, fmt.Sprintf("/console/items/%d/step", id), url.Values{"action": {"correct"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/console/items/%d/edit", id) {
		t.Fatalf("correct: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	fixed := newItemValues("关于印发《平阴县爱国卫生运动实施办法（修订）》的通知", workday.DateOf(time.Now()))
	fixed.Set("version", fmt.Sprint(it.Version+4))
	if resp, doc := postForm(t, f, officer, fmt.Sprintf("/console/items/%d/edit", id), fixed); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the revision: %d %s", resp.StatusCode, doc.Find("#item-error").Text())
	}
	_, doc = itemState(t, f, officer, id)
	if pub, rev := doc.Find("#h-published").Parent().Text(), doc.Find("#h-revision").Parent().Text(); strings.Contains(pub, "修订") || !strings.Contains(rev, "修订") {
		t.Errorf("published and revision side by side: %q / %q", pub, rev)
	}
	itemStep(t, f, officer, id, url.Values{"action": {"submit"}})
	if _, doc := get(t, reviewer, f.srv.URL+"/console/items?view=review"); !strings.Contains(doc.Find("table.items").Text(), "更正稿：保密审查中") {
		t.Errorf("the correction is not in the reviewer's queue: %s", doc.Find("table.items").Text())
	}
	itemStep(t, f, reviewer, id, checklist(f))
	doc = itemStep(t, f, officer, id, url.Values{"action": {"publish"}})
	if h1 := doc.Find("h1").Text(); !strings.Contains(h1, "修订") || doc.Find("#h-versions").Length() != 1 {
		t.Errorf("after the correction: %q, versions %d", h1, doc.Find("#h-versions").Length())
	}

	refused(t, f, officer, id, url.Values{"action": {"withdraw"}}, http.StatusUnprocessableEntity, "撤回的原因")
	doc = itemStep(t, f, officer, id, url.Values{"action": {"withdraw"}, "note": {"该文件已被新文件替代"}})
	if doc.Find("#item-state").Text() != "已撤回" || !strings.Contains(doc.Find("main").Text(), "该文件已被新文件替代") {
		t.Errorf("withdrawn: %q", doc.Find("#item-state").Text())
	}
	history := doc.Find("#item-history").Text()
	for _, want := range []string{"新建", "提交保密审查", "保密审查通过", "发布", "更正", "提交更正稿保密审查", "发布更正", "撤回"} {
		if !strings.Contains(history, want) {
			t.Errorf("history lacks %q: %s", want, history)
		}
	}
}

func TestTheSubmitterCannotReviewTheirOwnItem(t *testing.T) {
	f := newFixture(t)
	both := f.mustUser(t, "both", disclosure.Grant{Role: disclosure.Officer, AgencyID: &f.health.ID}, disclosure.Grant{Role: disclosure.Reviewer, AgencyID: &f.health.ID})
	id := createItem(t, f, both, newItemValues("关于公布家庭医生签约服务团队的公告", workday.DateOf(time.Now())))
	itemStep(t, f, both, id, url.Values{"action": {"submit"}})
	refused(t, f, both, id, checklist(f), http.StatusForbidden, "提交人以外的人员")
	// Another agency's officer does not see it at all.
	gov, _ := f.db.GetAgency(context.Background(), 1)
	civil := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县民政局"}
	f.db.CreateAgency(context.Background(), disclosure.SystemActor, civil)
	other := f.mustUser(t, "civil", disclosure.Grant{Role: disclosure.Officer, AgencyID: &civil.ID})
	if resp, _ := get(t, other, fmt.Sprintf("%s/console/items/%d", f.srv.URL, id)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("another agency's officer: %d", resp.StatusCode)
	}
	if _, doc := get(t, other, f.srv.URL+"/console/items"); strings.Contains(doc.Find("table.items").Text(), "家庭医生") {
		t.Error("another agency's officer lists the item")
	}
}

// publishDirect takes an item through the workflow in the store, published on the day.
func publishDirect(t *testing.T, f *fixture, content disclosure.Item, on workday.Date) *disclosure.Item {
	t.Helper()
	ctx := context.Background()
	it, err := catalogue.NewItem(content, f.health, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateItem(ctx, disclosure.SystemActor, it); err != nil {
		t.Fatal(err)
	}
	o, r := int64(1), int64(2)
	answers := map[string]bool{}
	for _, q := range disclosure.ReviewChecklist {
		answers[q] = true
	}
	env := catalogue.Env{Agency: f.health, Calendar: workday.Default()}
	for _, cmd := range []catalogue.Command{{Action: catalogue.Submit, Actor: catalogue.Actor{Who: catalogue.ByOfficer, UserID: &o}},
		{Action: catalogue.Pass, Actor: catalogue.Actor{Who: catalogue.ByReviewer, UserID: &r}, Answers: answers},
		{Action: catalogue.Publish, Actor: catalogue.Actor{Who: catalogue.ByOfficer, UserID: &o}}} {
		cmd.Now, cmd.Today = time.Now(), on
		ch, err := f.db.UpdateItem(ctx, disclosure.SystemActor, it.ID, func(_ context.Context, it *disclosure.Item) (*disclosure.ItemChange, error) {
			return catalogue.Decide(it, cmd, env)
		})
		if err != nil {
			t.Fatal(err)
		}
		it = &ch.Item
	}
	return it
}

func TestBulkValidityAndPeriodicReview(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	officer := f.signedIn(t, "officer")
	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))
	old := today.AddDays(-800)
	a := publishDirect(t, f, disclosure.Item{Title: "规范性文件甲", Genre: disclosure.GenreNormative, WrittenOn: old}, old)
	b := publishDirect(t, f, disclosure.Item{Title: "规范性文件乙", Genre: disclosure.GenreNormative, WrittenOn: old}, old)
	news := publishDirect(t, f, disclosure.Item{Title: "工作动态丙", Genre: disclosure.GenreNews, WrittenOn: old}, old)
	_, doc := get(t, officer, f.srv.URL+"/console/items?view=review_due")
	if got := doc.Find("table.items tbody a").Length(); got != 2 {
		t.Errorf("%d items due for review, want the two normative documents", got)
	}
	form := url.Values{"id": {fmt.Sprint(a.ID), fmt.Sprint(news.ID)}, "bulk_action": {"repealed"}, "date": {today.String()}, "back": {"/console/items?view=review_due"}}
	resp, _ := postForm(t, f, officer, "/console/items/bulk", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/items?view=review_due" {
		t.Fatalf("bulk: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc = get(t, officer, f.srv.URL+resp.Header.Get("Location"))
	results := doc.Find("#bulk-results li")
	if results.Length() != 2 || !strings.Contains(results.Eq(0).Text(), "已标注为废止") || !strings.Contains(results.Eq(1).Text(), "没有有效性") {
		t.Errorf("results: %q", results.Text())
	}
	if got, _ := f.db.GetItem(ctx, a.ID); got.Validity != disclosure.Repealed || got.EndedOn != today || !got.ReviewOn.IsZero() {
		t.Errorf("repealed: %s %s review %s", got.Validity, got.EndedOn, got.ReviewOn)
	}
	// The periodic review done: without a date, the genre's period from today (24 months for normative documents).
	postForm(t, f, officer, "/console/items/bulk", url.Values{"id": {fmt.Sprint(b.ID)}, "bulk_action": {"reviewed"}, "back": {"/console/items"}})
	if got, _ := f.db.GetItem(ctx, b.ID); got.ReviewOn.Year != today.Year+2 {
		t.Errorf("next review %s", got.ReviewOn)
	}
	if _, doc := get(t, officer, f.srv.URL+"/console/items"); !strings.Contains(doc.Find("#bulk-results").Text(), "下次评估日期") {
		t.Errorf("review result: %q", doc.Find("#bulk-results").Text())
	}
	// A reviewer cannot take bulk steps.
	if resp, _ := postForm(t, f, f.signedIn(t, "reviewer"), "/console/items/bulk", form); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer bulk: %d", resp.StatusCode)
	}
}

// workdaysBack returns the day n working days before d.
func workdaysBack(cal *workday.Calendar, d workday.Date, n int) workday.Date {
	for n > 0 {
		if d = d.AddDays(-1); cal.IsWorkday(d) {
			n--
		}
	}
	return d
}

func TestTheLateListCountsRealWorkingDays(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	officer := f.signedIn(t, "officer")
	cal, err := LoadCalendar(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))
	for _, c := range []struct {
		title string
		back  int
	}{{"二十五个工作日前形成", 25}, {"十八个工作日前形成", 18}, {"五个工作日前形成", 5}} {
		it, _ := catalogue.NewItem(disclosure.Item{Title: c.title, Genre: disclosure.GenreNotice, WrittenOn: workdaysBack(cal, today, c.back)}, f.health, time.Now())
		if err := f.db.CreateItem(ctx, disclosure.SystemActor, it); err != nil {
			t.Fatal(err)
		}
	}
	publishDirect(t, f, disclosure.Item{Title: "三十个工作日前形成已发布", Genre: disclosure.GenreNotice, WrittenOn: workdaysBack(cal, today, 30)}, today)
	_, doc := get(t, officer, f.srv.URL+"/console/items?view=late")
	rows := doc.Find("table.items tbody tr")
	text := rows.Text()
	if rows.Length() != 2 || !strings.Contains(text, "二十五个工作日前形成") || !strings.Contains(text, "十八个工作日前形成") || strings.Contains(text, "已发布") {
		t.Fatalf("late list: %d rows: %s", rows.Length(), text)
	}
	if late := rows.Filter(".overdue").Text(); !strings.Contains(late, "二十五个工作日前形成") || !strings.Contains(late, "已逾期 5 个工作日") {
		t.Errorf("the late item: %q", late)
	}
	if !strings.Contains(text, "还剩 2 个工作日") {
		t.Errorf("the soon-late item: %q", text)
	}
}

func TestPublishingLateWarnsOnce(t *testing.T) {
	f := newFixture(t)
	officer, reviewer := f.signedIn(t, "officer"), f.signedIn(t, "reviewer")
	cal, _ := LoadCalendar(context.Background(), f.db)
	id := createItem(t, f, officer, newItemValues("迟发的信息", workdaysBack(cal, workday.DateOf(time.Now().In(shanghaiLoc(t))), 30)))
	itemStep(t, f, officer, id, url.Values{"action": {"submit"}})
	itemStep(t, f, reviewer, id, checklist(f))
	doc := itemStep(t, f, officer, id, url.Values{"action": {"publish"}})
	if !strings.Contains(doc.Find(".warning[role=status]").Text(), "本次发布已逾期") {
		t.Errorf("no lateness warning: %q", doc.Find("main").Text())
	}
	if _, again := itemState(t, f, officer, id); again.Find(".warning[role=status]").Length() != 0 {
		t.Error("the warning shows twice")
	}
}

func TestScheduledPublicationFromTheConsoleIsReleasedByTheJob(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	officer, reviewer := f.signedIn(t, "officer"), f.signedIn(t, "reviewer")
	id := createItem(t, f, officer, newItemValues("定时发布的通知", workday.DateOf(time.Now())))
	itemStep(t, f, officer, id, url.Values{"action": {"submit"}})
	itemStep(t, f, reviewer, id, checklist(f))
	loc := shanghaiLoc(t)
	at := time.Now().In(loc).Add(2 * time.Hour).Truncate(time.Minute)
	doc := itemStep(t, f, officer, id, url.Values{"action": {"schedule"}, "at": {at.Format("2006-01-02T15:04")}})
	if doc.Find("#item-state").Text() != "定时发布" || !strings.Contains(doc.Find("main").Text(), at.Format("2006-01-02 15:04")) {
		t.Fatalf("scheduled: %q", doc.Find("#item-state").Text())
	}
	if got, _ := f.db.GetItem(ctx, id); got.PublishAt == nil || !got.PublishAt.Equal(at) {
		t.Errorf("publish at %v, want %v (Beijing time)", got.PublishAt, at)
	}
	r := &jobs.Runner{DB: f.db, Location: loc, Log: slog.New(slog.DiscardHandler), Calendar: func(ctx context.Context) (*workday.Calendar, error) { return LoadCalendar(ctx, f.db) },
		Now: func() time.Time { return at.Add(time.Minute) }}
	if n, err := r.ReleaseScheduled(ctx); err != nil || n != 1 {
		t.Fatalf("released %d, %v", n, err)
	}
	if state, _ := itemState(t, f, officer, id); state != "已发布" {
		t.Errorf("after the job: %q", state)
	}
}

// multipartFile posts a file to a path as the client.
func multipartFile(t *testing.T, f *fixture, c *http.Client, path, name string, data []byte) (*http.Response, *goquery.Document) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", f.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", f.srv.URL)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(resp.Body)
	return resp, doc
}

func TestAttachmentsAreCheckedAndTheirTextIsSearched(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	officer, reviewer := f.signedIn(t, "officer"), f.signedIn(t, "reviewer")
	id := createItem(t, f, officer, newItemValues("2025年度部门决算", workday.DateOf(time.Now())))
	path := fmt.Sprintf("/console/items/%d/attachments", id)
	var docx bytes.Buffer
	if err := document.DOCX(&docx, &document.Doc{Title: "决算说明", Blocks: []document.Block{{Kind: document.Paragraph, Text: "一般公共预算财政拨款三公经费支出决算说明"}}}); err != nil {
		t.Fatal(err)
	}
	wb := excelize.NewFile()
	wb.SetCellValue("Sheet1", "A1", "项目")
	wb.SetCellValue("Sheet1", "B1", "公务接待费")
	wb.NewSheet("支出明细")
	wb.SetCellValue("支出明细", "A2", "医疗卫生与计划生育支出")
	xlsx, _ := wb.WriteToBuffer()
	var pdf bytes.Buffer
	if err := document.PDF(&pdf, &document.Doc{Title: "决算表", Blocks: []document.Block{{Kind: document.Paragraph, Text: "政府性基金预算财政拨款收入支出决算表"}}}); err != nil {
		t.Fatal(err)
	}
	for _, up := range []struct {
		name string
		data []byte
	}{{"说明.docx", docx.Bytes()}, {"决算表.xlsx", xlsx.Bytes()}, {"决算表.pdf", pdf.Bytes()}, {"封面.png", pngBytes()}} {
		if resp, doc := multipartFile(t, f, officer, path, up.name, up.data); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload %s: %d %s", up.name, resp.StatusCode, doc.Find("#item-error").Text())
		}
	}
	for _, bad := range []struct {
		name  string
		data  []byte
		words string
	}{
		{"程序.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), "只能上传"},
		{"打包.zip", zipBytes(t, "a.txt", "x"), "压缩包"},
		{"坏.pdf", []byte("%PDF-1.4\n1 0 obj"), "不完整"},
		{"假.png", []byte("\x89PNG\r\n\x1a\nnot really"), "图片已损坏"},
	} {
		resp, doc := multipartFile(t, f, officer, path, bad.name, bad.data)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#item-error").Text(), bad.words) {
			t.Errorf("%s: %d %q", bad.name, resp.StatusCode, doc.Find("#item-error").Text())
		}
	}
	if resp, _ := multipartFile(t, f, f.signedIn(t, "reviewer"), path, "说明.docx", docx.Bytes()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer uploads: %d", resp.StatusCode)
	}
	files, _, _ := f.db.ItemAttachments(ctx, id, false)
	if len(files) != 4 || files[1].ContentType != typeXLSX || files[0].ContentType != typeDOCX {
		t.Fatalf("files %+v", files)
	}
	itemStep(t, f, officer, id, url.Values{"action": {"submit"}})
	itemStep(t, f, reviewer, id, checklist(f))
	itemStep(t, f, officer, id, url.Values{"action": {"publish"}})
	words := []string{"三公经费", "公务接待费", "计划生育支出"}
	if _, err := lookPath("pdftotext"); err == nil {
		words = append(words, "政府性基金")
	}
	for _, q := range words {
		hits, _, err := f.db.SearchItems(ctx, disclosure.SearchQuery{Q: q})
		if err != nil || len(hits) != 1 || hits[0].Item.ID != id {
			t.Errorf("%s finds %d, %v", q, len(hits), err)
		}
	}
	// The published item's files change only through a correction, and the page says so.
	resp, doc := multipartFile(t, f, officer, path, "补充.docx", docx.Bytes())
	if resp.StatusCode != http.StatusConflict || !strings.Contains(doc.Find("#item-error").Text(), "更正") {
		t.Errorf("upload to a published item: %d %q", resp.StatusCode, doc.Find("#item-error").Text())
	}
	resp, doc = postForm(t, f, officer, fmt.Sprintf("/console/items/%d/attachments/%d/remove", id, files[3].ID), nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(doc.Find("#item-error").Text(), "更正") {
		t.Errorf("removing from a published item: %d %q", resp.StatusCode, doc.Find("#item-error").Text())
	}
	// Staff download the files.
	dl, err := officer.Get(fmt.Sprintf("%s/console/items/%d/attachments/%d", f.srv.URL, id, files[1].ID))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if dl.StatusCode != 200 || dl.Header.Get("Content-Type") != typeXLSX || !bytes.Equal(body, xlsx.Bytes()) {
		t.Errorf("download: %d %s", dl.StatusCode, dl.Header.Get("Content-Type"))
	}
}

func zipBytes(t *testing.T, name, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create(name)
	w.Write([]byte(text))
	zw.Close()
	return b.Bytes()
}

func TestStaffSearchHighlightsAndStaysWithinTheAgencies(t *testing.T) {
	f := newFixture(t)
	officer := f.signedIn(t, "officer")
	createItem(t, f, officer, newItemValues("关于做好春季疫苗接种工作的通知", workday.DateOf(time.Now())))
	_, doc := get(t, officer, f.srv.URL+"/console/items/search?q="+url.QueryEscape("疫苗"))
	if doc.Find("ol.search-results li").Length() != 1 || doc.Find(".result-title mark").Text() != "疫苗" {
		t.Errorf("results: %s", doc.Find("main").Text())
	}
	if _, doc := get(t, officer, f.srv.URL+"/console/items/search?q="+url.QueryEscape("平卫发〔2026〕3号")); doc.Find("ol.search-results li").Length() != 1 {
		t.Errorf("文号: %s", doc.Find("main").Text())
	}
	gov, _ := f.db.GetAgency(context.Background(), 1)
	civil := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县民政局"}
	f.db.CreateAgency(context.Background(), disclosure.SystemActor, civil)
	other := f.mustUser(t, "civil", disclosure.Grant{Role: disclosure.Officer, AgencyID: &civil.ID})
	for _, q := range []string{"疫苗", "平卫发〔2026〕3号"} {
		if _, doc := get(t, other, f.srv.URL+"/console/items/search?q="+url.QueryEscape(q)); doc.Find("ol.search-results li").Length() != 0 {
			t.Errorf("another agency finds %q", q)
		}
	}
}

// disclosedCase imports an application answered 予以公开 with the request.
func (f *fixture) disclosedCase(t *testing.T, request string) int64 {
	t.Helper()
	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))
	app := sampleApp(today.AddDays(-30))
	app.Request.Description = request
	env := casework.Env{Calendar: workday.Default(), Agency: f.health}
	c, ev, err := casework.ImportedCase(casework.Intake{App: app, Actor: casework.Actor{Who: casework.ByOfficer, Name: "公开专员"}, Today: today, Now: time.Now()}, env, disclosure.Disclosed, "provided", today.AddDays(-10), "")
	if err != nil {
		t.Fatal(err)
	}
	ch := &disclosure.CaseChange{Case: *c, Event: ev}
	if err := f.db.ImportCases(context.Background(), disclosure.SystemActor, []*disclosure.CaseChange{ch}); err != nil {
		t.Fatal(err)
	}
	return ch.Case.ID
}

func TestAnAnsweredRequestIsPublishedProactivelyAndRepeatsArePointedOut(t *testing.T) {
	f := newFixture(t)
	officer := f.signedIn(t, "officer")
	request := "2025年度本县疫苗接种点名单"
	id := f.disclosedCase(t, request)
	f.disclosedCase(t, "请提供2025年度本县疫苗接种点名单")
	f.disclosedCase(t, "县人民医院2024年财务决算")
	_, doc := get(t, officer, fmt.Sprintf("%s/console/cases/%d", f.srv.URL, id))
	if doc.Find("#form-art44 button").Length() != 1 || doc.Find("#similar-cases a").Length() != 1 {
		t.Fatalf("case page: action %d, similar %d: %s", doc.Find("#form-art44").Length(), doc.Find("#similar-cases a").Length(), doc.Find("#similar-cases").Text())
	}
	if _, sup := get(t, f.signedIn(t, "supervisor"), fmt.Sprintf("%s/console/cases/%d", f.srv.URL, id)); sup.Find("#form-art44").Length() != 0 {
		t.Error("the supervisor is offered the action")
	}
	resp, _ := postForm(t, f, officer, fmt.Sprintf("/console/cases/%d/item", id), nil)
	var itemID int64
	if _, err := fmt.Sscanf(resp.Header.Get("Location"), "/console/items/%d/edit", &itemID); resp.StatusCode != http.StatusSeeOther || err != nil {
		t.Fatalf("the action: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	it, _ := f.db.GetItem(context.Background(), itemID)
	if it.Title != request || it.SourceCaseID == nil || *it.SourceCaseID != id || it.State != disclosure.ItemDraft {
		t.Errorf("draft %+v", it)
	}
	// Again: the same item, not a second one.
	if resp, _ := postForm(t, f, officer, fmt.Sprintf("/console/cases/%d/item", id), nil); resp.Header.Get("Location") != fmt.Sprintf("/console/items/%d", itemID) {
		t.Errorf("second time: %s", resp.Header.Get("Location"))
	}
	_, doc = itemState(t, f, officer, itemID)
	if doc.Find("#similar-cases a").Length() != 1 || !strings.Contains(doc.Find(".status").Text(), "第四十四条") {
		t.Errorf("item page: %s", doc.Find(".status").Text())
	}
	_, doc = get(t, officer, fmt.Sprintf("%s/console/cases/%d", f.srv.URL, id))
	if !strings.Contains(doc.Find("#art44-items").Text(), request) {
		t.Errorf("the case page does not link the item: %q", doc.Find("#art44-items").Text())
	}
	// Only from an answer that discloses.
	open := f.mustCase(t)
	if resp, _ := postForm(t, f, officer, fmt.Sprintf("/console/cases/%d/item", open.caseID), nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("from an open case: %d", resp.StatusCode)
	}
}

func TestApprovalChannelsValidityAndDiscardOnTheItemPage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.health.Settings.ItemApproval = true
	if err := f.db.UpdateAgency(ctx, disclosure.SystemActor, f.health); err != nil {
		t.Fatal(err)
	}
	officer, reviewer, approver := f.signedIn(t, "officer"), f.signedIn(t, "reviewer"), f.signedIn(t, "approver")
	id := createItem(t, f, officer, newItemValues("关于印发《平阴县医疗废物管理办法》的通知", workday.DateOf(time.Now())))
	itemStep(t, f, officer, id, url.Values{"action": {"submit"}})
	itemStep(t, f, reviewer, id, checklist(f))
	if state, _ := itemState(t, f, officer, id); state != "待审批" {
		t.Fatalf("with approval required: %q", state)
	}
	refused(t, f, officer, id, url.Values{"action": {"publish"}}, http.StatusConflict, "待审批")
	if _, doc := get(t, approver, f.srv.URL+"/console/items"); !strings.Contains(doc.Find("table.items").Text(), "医疗废物管理办法") {
		t.Errorf("the approver's queue: %s", doc.Find("table.items").Text())
	}
	itemStep(t, f, approver, id, url.Values{"action": {"approve"}, "note": {"同意发布"}})
	doc := itemStep(t, f, officer, id, url.Values{"action": {"publish"}})
	if !strings.Contains(doc.Find(".status").Text(), "审批领导审批通过") {
		t.Errorf("the review record: %q", doc.Find(".status").Text())
	}
	today := workday.DateOf(time.Now().In(shanghaiLoc(t)))
	doc = itemStep(t, f, officer, id, url.Values{"action": {"channels"}, "channel_0": {"微信公众号"}, "on_0": {today.String()}, "count_0": {"2"},
		"channel_1": {""}, "channel_other_1": {"县融媒体中心"}, "on_1": {today.String()}, "count_1": {"1"}, "channel_2": {""}})
	channels, _ := f.db.ItemChannelsOf(ctx, id)
	if len(channels) != 2 || !strings.Contains(doc.Find("#h-channels").Parent().Text(), "县融媒体中心") {
		t.Errorf("channels %+v", channels)
	}
	refused(t, f, officer, id, url.Values{"action": {"channels"}, "channel_0": {"微博"}, "on_0": {today.AddDays(3).String()}, "count_0": {"1"}}, http.StatusUnprocessableEntity, "今天或之前")
	itemStep(t, f, officer, id, url.Values{"action": {"validity"}, "validity": {"expired"}, "date": {today.String()}})
	if got, _ := f.db.GetItem(ctx, id); got.Validity != disclosure.Expired || got.EndedOn != today {
		t.Errorf("validity %s %s", got.Validity, got.EndedOn)
	}
	// A correction dropped leaves the published item as it was.
	postForm(t, f, officer, fmt.Sprintf("/console/items/%d/step", id), url.Values{"action": {"correct"}})
	itemStep(t, f, officer, id, url.Values{"action": {"discard"}})
	if got, _ := f.db.GetItem(ctx, id); got.Revision != nil || got.State != disclosure.ItemPublished {
		t.Errorf("after discarding: %s %v", got.State, got.Revision != nil)
	}
	// A genre without 有效性 is not offered the action.
	f.health.Settings.ItemApproval = false
	news := publishDirect(t, f, disclosure.Item{Title: "工作动态", Genre: disclosure.GenreNews}, today)
	if _, doc := itemState(t, f, officer, news.ID); doc.Find("#form-validity").Length() != 0 || doc.Find("#form-reviewed").Length() != 1 {
		t.Error("the actions of a news item")
	}
}
