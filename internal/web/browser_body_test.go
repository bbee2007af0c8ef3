package web

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An officer pastes a notice from Word into the body editor — headings, a nested list, a table with merged cells,
// and an injected script — saves it and publishes it; the public page shows the headings, the list and the table,
// with no script and no Word markup, and it fits a 390 px phone. The edit page passes axe-core with the editor in
// it, on the desktop and at 390 px, where it fits the screen too. Then a DOCX imported with 导入Word正文 becomes the
// body of a new item.
func TestBrowserBodyEditorKeepsAPastedWordDocument(t *testing.T) {
	word, err := os.ReadFile("../richtext/testdata/word-paste.html")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	ctx := newBrowser(t)
	base := f.srv.URL
	signIn(t, ctx, base, "officer", password)
	run(t, ctx, chromedp.Navigate(base+"/console/items/new"))
	run(t, ctx, chromedp.WaitVisible(css("#body-editable")))
	if hidden := run(t, ctx, chromedp.Evaluate[bool](`document.getElementById("body").hidden`)); !hidden {
		t.Errorf("the textarea shows beside the editor")
	}
	run(t, ctx, chromedp.SendKeys(css("#title"), "关于开展2026年春季爱国卫生运动的通知"))
	run(t, ctx, chromedp.SetValue(css("#genre"), "notice"))

	// Paste as the browser does it: a paste event whose clipboard holds Word's HTML and its plain text.
	html, _ := json.Marshal(string(word))
	run(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const el = document.getElementById("body-editable");
		el.focus();
		const dt = new DataTransfer();
		dt.setData("text/html", %s);
		dt.setData("text/plain", "关于开展2026年春季爱国卫生运动的通知");
		return el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
	})()`, html)))
	run(t, ctx, chromedp.WaitVisible(css("#body-editable table td[rowspan='2']")))
	if status := run(t, ctx, chromedp.Text(css("#body-status"))); !strings.Contains(status, "已粘贴") {
		t.Errorf("status after pasting: %q", status)
	}
	if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#body-editable script, #body-editable [onerror], #body-editable [class*=Mso]").length`)); n != 0 {
		t.Errorf("%d elements of Word's markup or the injection reached the editor", n)
	}
	axeCheck(t, ctx, "新建信息（正文编辑器）")

	submit(t, ctx, "#item-form button[type=submit]")
	var id int64
	if path := run(t, ctx, chromedp.Evaluate[string](`location.pathname`)); func() bool { _, err := fmt.Sscanf(path, "/console/items/%d", &id); return err != nil }() {
		t.Fatalf("after saving: %s %s", path, run(t, ctx, chromedp.Evaluate[string](`(document.querySelector("#item-error")||{}).textContent||""`)))
	}
	// On a phone the edit page, the editor and the pasted table fit the screen, and it passes axe-core.
	run(t, ctx, chromedp.EmulateViewport(390, 844))
	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/console/items/%d/edit", base, id)))
	run(t, ctx, chromedp.WaitVisible(css("#body-editable table")))
	if w := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
		t.Errorf("the edit page is %d px wide at 390 px", w)
	}
	axeCheck(t, ctx, "修改信息（手机）")
	publishItem(t, f, id)

	run(t, ctx, chromedp.Navigate(fmt.Sprintf("%s/items/%d", base, id)))
	type page struct {
		Headings []string `json:"headings"`
		Nested   int      `json:"nested"`
		Merged   int      `json:"merged"`
		Rows     int      `json:"rows"`
		Scripts  int      `json:"scripts"`
		Markup   bool     `json:"markup"`
		Width    int      `json:"width"`
	}
	look := func() page {
		return run(t, ctx, chromedp.Evaluate[page](`(() => {
			const b = document.querySelector(".item-body");
			return {
				headings: [...b.querySelectorAll("h2, h3")].map(h => h.textContent),
				nested: b.querySelectorAll("ol > li > ul > li").length,
				merged: b.querySelectorAll("table td[rowspan='2'], table td[colspan='2']").length,
				rows: b.querySelectorAll("table tr").length,
				scripts: document.scripts.length,
				markup: /mso-|o:p|onerror|MsoNormal/.test(b.innerHTML),
				width: document.documentElement.scrollWidth,
			};
		})()`))
	}
	got := look()
	if strings.Join(got.Headings, "|") != "关于开展2026年春季爱国卫生运动的通知|一、工作任务|二、经费安排|附件：经费明细" || got.Nested != 2 || got.Merged != 2 || got.Rows != 3 || got.Scripts != 0 || got.Markup {
		t.Errorf("public page: %+v", got)
	}

	if got.Width > 390 {
		t.Errorf("the public page is %d px wide at 390 px", got.Width)
	}

	// 导入Word正文 from the same form: the DOCX's body replaces the editor's, and the officer checks it on the edit page.
	docx := filepath.Join(t.TempDir(), "经费安排.docx")
	if err := os.WriteFile(docx, wordNotice(t), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, chromedp.Navigate(base+"/console/items/new"))
	run(t, ctx, chromedp.WaitVisible(css("#body-editable")))
	run(t, ctx, chromedp.SendKeys(css("#title"), "关于春季爱国卫生运动经费安排的通知"))
	run(t, ctx, chromedp.SetUploadFiles(css("#body_docx"), []string{docx}))
	submit(t, ctx, `#item-form button[value="import"]`)
	if msg := run(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("p.warning, #item-error")].map(p => p.textContent).join(" ")`)); !strings.Contains(msg, "已将 Word 文件“经费安排.docx”导入为正文") {
		t.Errorf("after importing: %q", msg)
	}
	run(t, ctx, chromedp.WaitVisible(css("#body-editable table th[rowspan='2']")))
	if h := run(t, ctx, chromedp.Text(css("#body-editable h2:nth-of-type(2)"))); h != "一、经费安排" {
		t.Errorf("the imported heading: %q", h)
	}
}
