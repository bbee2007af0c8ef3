package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/document"
	"github.com/gongkai/gongkai/internal/workday"
)

// publishItem takes a draft through the secrecy review and publishes it, as the officer and the reviewer do.
func publishItem(t *testing.T, f *fixture, id int64) {
	t.Helper()
	officer, reviewer := f.signedIn(t, "officer"), f.signedIn(t, "reviewer")
	itemStep(t, f, officer, id, url.Values{"action": {"submit"}})
	itemStep(t, f, reviewer, id, checklist(f))
	if doc := itemStep(t, f, officer, id, url.Values{"action": {"publish"}}); doc.Find("#item-state").Text() != "已发布" {
		t.Fatalf("not published: %q %s", doc.Find("#item-state").Text(), doc.Find("#item-error").Text())
	}
}

// publicBody returns the body of an item's public page.
func publicBody(t *testing.T, f *fixture, id int64) *goquery.Selection {
	t.Helper()
	resp, doc := get(t, f.client(t), fmt.Sprintf("%s/items/%d", f.srv.URL, id))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("public page: %d", resp.StatusCode)
	}
	return doc.Find(".item-body")
}

// TestItemBodyPlainTextKeepsItsParagraphs: a body typed (or pasted into the textarea without JavaScript) as plain
// text shows one paragraph a line on the public page; before, the lines ran together into one.
func TestItemBodyPlainTextKeepsItsParagraphs(t *testing.T) {
	f := newFixture(t)
	form := newItemValues("关于做好春季爱国卫生运动的通知", workday.DateOf(time.Now()))
	form.Set("body", "各镇（街道）卫生院：\r\n\u3000\u3000为做好春季爱国卫生工作，现将有关事项通知如下。\r\n\r\n一、清理卫生死角。\r\n二、开展病媒生物防制。\r\n")
	id := createItem(t, f, f.signedIn(t, "officer"), form)
	publishItem(t, f, id)
	var got []string
	publicBody(t, f, id).Find("p").Each(func(_ int, p *goquery.Selection) { got = append(got, p.Text()) })
	want := []string{"各镇（街道）卫生院：", "为做好春季爱国卫生工作，现将有关事项通知如下。", "一、清理卫生死角。", "二、开展病媒生物防制。"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs on the public page: %q, want %q", got, want)
	}
}

// wordNotice is a notice written by the project's DOCX writer: title, heading, paragraphs, a table with merged
// cells.
func wordNotice(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	grid := &document.Grid{HeaderRows: 1, Cells: [][]document.Cell{
		{{Text: "项目", RowSpan: 2, Header: true}, {Text: "金额（万元）", ColSpan: 2, Header: true}, {Covered: true}},
		{{Covered: true}, {Text: "县级"}, {Text: "镇级"}},
		{{Text: "环境整治"}, {Text: "12.5", Numeric: true}, {Text: "3", Numeric: true}},
	}}
	if err := document.DOCX(&buf, &document.Doc{Title: "经费安排", Blocks: []document.Block{
		{Kind: document.Addressee, Text: "各镇（街道）卫生院："},
		{Kind: document.Paragraph, Text: "为做好春季爱国卫生工作，现将经费安排通知如下。"},
		{Kind: document.Heading, Text: "一、经费安排"},
		{Kind: document.Table, Table: grid},
		{Kind: document.Signature, Text: "平阴县卫生健康局", Date: "2026年3月2日"},
	}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// postItemWithFile posts the item form as a browser does when a file is chosen: multipart, the file under body_docx.
func postItemWithFile(t *testing.T, f *fixture, c *http.Client, path string, form url.Values, name string, data []byte) (*http.Response, *goquery.Document) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("body_docx", name)
	fw.Write(data)
	mw.Close()
	return postBody(t, f, c, path, mw.FormDataContentType(), &body)
}

// TestItemBodyImportedFromWord: “导入Word正文” on the new item form turns the DOCX into the body — paragraphs,
// heading, the table with its merged cells — and the officer lands on the edit page to check it; the public page
// then shows it. A file that is not a DOCX, or the button without a file, says what to do and keeps what was typed.
func TestItemBodyImportedFromWord(t *testing.T) {
	f := newFixture(t)
	officer := f.signedIn(t, "officer")
	form := newItemValues("关于春季爱国卫生运动经费安排的通知", workday.DateOf(time.Now()))
	form.Set("body", "")
	form.Set("then", "import")

	// A legacy .doc is refused with what to do; the title typed stays.
	doc := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 1024)...)
	resp, page := postItemWithFile(t, f, officer, "/console/items/new", form, "通知.doc", doc)
	if msg := page.Find("#item-error").Text(); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "“通知.doc”不能导入正文") || !strings.Contains(msg, "另存为 .docx") ||
		page.Find("#title").AttrOr("value", "") != form.Get("title") {
		t.Errorf("a .doc: %d %q, title %q", resp.StatusCode, msg, page.Find("#title").AttrOr("value", ""))
	}
	// The import button without a file.
	resp, page = postItemWithFile(t, f, officer, "/console/items/new", form, "", nil)
	if msg := page.Find("#item-error").Text(); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, "请先选择要导入正文的 Word 文件") {
		t.Errorf("no file: %d %q", resp.StatusCode, msg)
	}

	resp, _ = postItemWithFile(t, f, officer, "/console/items/new", form, "经费安排.docx", wordNotice(t))
	var id int64
	if _, err := fmt.Sscanf(resp.Header.Get("Location"), "/console/items/%d/edit", &id); resp.StatusCode != http.StatusSeeOther || err != nil {
		t.Fatalf("import: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = get(t, officer, f.srv.URL+resp.Header.Get("Location"))
	if msg := page.Find("p.warning").Text(); !strings.Contains(msg, "已将 Word 文件“经费安排.docx”导入为正文") {
		t.Errorf("no word of the import on the edit page: %q", msg)
	}
	if body := page.Find("textarea#body").Text(); !strings.Contains(body, `<th rowspan="2">`) || !strings.Contains(body, "<h2>一、经费安排</h2>") {
		t.Errorf("the editor's body: %s", body)
	}
	publishItem(t, f, id)
	body := publicBody(t, f, id)
	if body.Find("h2").Text() != "经费安排一、经费安排" || body.Find(`table th[rowspan="2"]`).Text() != "项目" || body.Find(`table th[colspan="2"]`).Text() != "金额（万元）" ||
		body.Find("table tbody tr").Length() != 2 || body.Find("p").First().Text() != "各镇（街道）卫生院：" {
		h, _ := body.Html()
		t.Errorf("public body: %s", h)
	}
	// The body's table scrolls in its own box on a narrow screen, and the box can be reached with the keyboard.
	if body.Find(`div.table-wrap[tabindex="0"][role="region"] > table`).Length() != 1 {
		t.Errorf("the table is not in a scrolling box")
	}
}

// TestItemPasteIsCleanedLikeASave: the editor's paste goes through the same cleaning as a save — Word's markup out,
// the table and list in — and only officers may use it.
func TestItemPasteIsCleanedLikeASave(t *testing.T) {
	f := newFixture(t)
	word, err := os.ReadFile("../richtext/testdata/word-paste.html")
	if err != nil {
		t.Fatal(err)
	}
	req := func(c *http.Client, form url.Values) (*http.Response, string) {
		req, _ := http.NewRequest("POST", f.srv.URL+"/console/items/clean", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.srv.URL)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp, b.String()
	}
	officer := f.signedIn(t, "officer")
	resp, got := req(officer, url.Values{"html": {string(word)}})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("clean: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, kept := range []string{`<td rowspan="2">`, `<td colspan="2">`, "<ol><li>清理卫生死角<ul><li>农贸市场</li>", "<h2>一、工作任务</h2>", `href="mailto:wjj@example.gov.cn"`} {
		if !strings.Contains(got, kept) {
			t.Errorf("the cleaned paste lost %q:\n%s", kept, got)
		}
	}
	// Images from elsewhere go as on save (only this site's images stay).
	for _, gone := range []string{"mso-", "<o:p", "<script", "onerror", "<img", "<span", "style="} {
		if strings.Contains(got, gone) {
			t.Errorf("the cleaned paste keeps %q", gone)
		}
	}
	if _, got := req(officer, url.Values{"text": {"第一段\n第二段"}}); got != "<p>第一段</p>\n<p>第二段</p>" {
		t.Errorf("plain text pasted: %q", got)
	}
	if resp, _ := req(f.signedIn(t, "reviewer"), url.Values{"text": {"x"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer cleans: %d", resp.StatusCode)
	}
}
