package richtext

import (
	"os"
	"strings"
	"testing"
)

// TestCleanWordPaste cleans what Word (Microsoft Word 15, Chinese) puts on the clipboard: its head with Office XML
// islands and mso styles, conditional comments around list numbers, <o:p>, spans and fonts, a table with merged
// cells, and an injection (script, onerror, onclick, a javascript: link) added to it.
func TestCleanWordPaste(t *testing.T) {
	raw, err := os.ReadFile("testdata/word-paste.html")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		`<h2>关于开展2026年春季爱国卫生运动的通知</h2>`,
		`<p>各镇（街道）卫生院，县直各医疗卫生单位：</p>`,
		`<p>为做好春季爱国卫生工作，<strong>现将有关事项通知如下</strong>。<u>请认真落实</u>。</p>`,
		`<h2>一、工作任务</h2>`,
		`<ol><li>清理卫生死角<ul><li>农贸市场</li><li>城乡结合部</li></ul></li><li>开展病媒生物防制</li></ol>`,
		`<p>（一）加强组织领导</p>`,
		`<h3>二、经费安排</h3>`,
		`<table><tbody><tr><td rowspan="2"><strong>项目</strong></td><td colspan="2"><strong>金额（万元）</strong></td></tr>` +
			`<tr><td>县级</td><td>镇级</td></tr><tr><td>环境整治</td><td>12.5</td><td>3</td></tr></tbody></table>`,
		`<p>详见<a href="https://www.gov.cn/zhengce/" rel="nofollow">国务院政策文件库</a>、这里，联系邮箱<a href="mailto:wjj@example.gov.cn" rel="nofollow">wjj@example.gov.cn</a>。</p>`,
		`<p><img src="x"/>平阴县卫生健康局</p>`,
		`<p>2026年3月2日</p>`,
		`<h2>附件：经费明细</h2>`,
	}, "\n")
	got := Clean(string(raw))
	if got != want {
		t.Errorf("cleaned Word paste:\n%s\nwant:\n%s", got, want)
	}
	for _, gone := range []string{"mso-", "o:p", "style", "class", "script", "onerror", "onclick", "javascript", "file:", "<span", "<!--", "[if", "MsoNormal", "lang="} {
		if strings.Contains(got, gone) {
			t.Errorf("the cleaned body keeps %q", gone)
		}
	}
	// Cleaning is stable: the editor sends the cleaned body back on every save.
	if again := Clean(got); again != got {
		t.Errorf("cleaning twice changes the body:\n%s\n%s", got, again)
	}
}

func TestCleanAttacks(t *testing.T) {
	for in, want := range map[string]string{
		`<p>a<script>alert(1)</script>b</p>`:                                           `<p>ab</p>`,
		`<p><img src=x onerror=alert(1)>正文</p>`:                                        `<p><img src="x"/>正文</p>`,
		`<p><a href="javascript:alert(1)">链接</a></p>`:                                  `<p>链接</p>`,
		`<p><a href="JaVaScRiPt:alert(1)" onmouseover="x()">链接</a></p>`:                `<p>链接</p>`,
		`<p style="background:url(javascript:alert(1))">文字</p>`:                        `<p>文字</p>`,
		`<svg><script>alert(1)</script></svg><p>文字</p>`:                                `<p>文字</p>`,
		`<iframe src="https://evil.example/"></iframe><p>文字</p>`:                       `<p>文字</p>`,
		`<p><a href="data:text/html,<script>alert(1)</script>">x</a></p>`:              `<p>x</p>`,
		`<style>p{color:red}</style><p class="x" id="y">文字</p>`:                        `<p>文字</p>`,
		`<table><tr><td colspan="2 onmouseover=x" rowspan="99999">格</td></tr></table>`: `<table><tbody><tr><td>格</td></tr></tbody></table>`,
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCleanDeepNesting: a paste nested far deeper than any document keeps its text, instead of being recursed
// through a hundred thousand levels deep.
func TestCleanDeepNesting(t *testing.T) {
	const n = 100_000
	in := strings.Repeat("<span><b>", n) + "正文" + strings.Repeat("</b></span>", n) + "<p>第二行 &lt;b&gt;</p><script>alert(1)</script>"
	// The text path (no bold: the tree was not built) reads tokens in one pass; the tree path would recurse as
	// deep as the paste, and bluemonday's sanitiser alone takes quadratic time on such nesting.
	if got := Clean(in); got != "<p>正文</p>\n<p>第二行 &lt;b&gt;</p>" {
		t.Errorf("deep paste: %.200q", got)
	}
	// Lists and tables that leave out their optional end tags are not deep.
	if got := Clean(strings.Repeat("<ul><li>项", 3) + strings.Repeat("<p>段", 500)); !strings.Contains(got, "<ul><li>项<ul><li>项") {
		t.Errorf("optional end tags: %.200q", got)
	}
}

func TestCleanWebAndEditorHTML(t *testing.T) {
	for in, want := range map[string]string{
		// The editor's own output passes unchanged.
		"<h2>标题</h2>\n<p>第一段<br/>续行</p>\n<ul><li>甲</li><li>乙</li></ul>": "<h2>标题</h2>\n<p>第一段<br/>续行</p>\n<ul><li>甲</li><li>乙</li></ul>",
		// Chromium's contenteditable writes divs; a div of text is a paragraph, a div of blocks a mere wrapper.
		`<div>第一段</div><div>第二段</div>`:           "<p>第一段</p>\n<p>第二段</p>",
		`<div><p>甲</p><p>乙</p></div>`:            "<p>甲</p>\n<p>乙</p>",
		`<h1>大标题</h1><h5>小</h5><b>粗</b><i>斜</i>`: "<h2>大标题</h2>\n<h4>小</h4>\n<p><strong>粗</strong><em>斜</em></p>",
		// WPS writes the list markers in hidden conditional comments (<!--[if !supportLists]-->) rather than Word's
		// revealed ones; a number with the Chinese comma stays text, as the document shows it.
		`<p class=MsoNormal style="margin-left:21pt;mso-list:l0 level1 lfo1"><!--[if !supportLists]--><span style="font-family:Wingdings">·&nbsp;</span><!--[endif]--><span>甲</span></p>` +
			`<p class=MsoNormal style="mso-list:l0 level1 lfo1"><!--[if !supportLists]--><span>·</span><!--[endif]-->乙</p>` +
			`<p style="mso-list:l1 level1 lfo2"><!--[if !supportLists]--><span>1、</span><!--[endif]-->丙</p>`: "<ul><li>甲</li><li>乙</li></ul>\n<p>1、丙</p>",
		// A line break Word or a site put between Chinese characters in the source is no space.
		"<p>春季爱国\r\n卫生运动 and\nmore</p>":        "<p>春季爱国卫生运动 and more</p>",
		"<p>\u3000\u3000首行缩进</p><p>&nbsp;</p>": "<p>首行缩进</p>",
	} {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFromText: each line of plain text is a paragraph, as official documents are written; blank lines separate
// and are not kept; the indent is the page's business.
func TestFromText(t *testing.T) {
	in := "各镇（街道）卫生院：\r\n\u3000\u3000为做好春季爱国卫生工作，现将有关事项通知如下。\n\n\n一、工作任务\n  清理卫生死角 <b>重点</b> & 1<2\n"
	want := "<p>各镇（街道）卫生院：</p>\n<p>为做好春季爱国卫生工作，现将有关事项通知如下。</p>\n<p>一、工作任务</p>\n<p>清理卫生死角 <strong>重点</strong> &amp; 1&lt;2</p>"
	if got := Body(in); got != want {
		t.Errorf("Body(text) =\n%q\nwant\n%q", got, want)
	}
	if got := Body("  \n\u3000\n"); got != "" {
		t.Errorf("blank text gives %q", got)
	}
}

func TestIsHTML(t *testing.T) {
	for s, want := range map[string]bool{
		"第一行\n第二行":                           false,
		"1 < 2 且 3 > 2":                      false,
		"<strong>加粗</strong>\n第二行":           false,
		"<p>段落</p>":                          true,
		"第一行<br>第二行":                         true,
		"<table><tr><td>x</td></tr></table>": true,
	} {
		if got := IsHTML(s); got != want {
			t.Errorf("IsHTML(%q) = %v", s, got)
		}
	}
}

// TestRenderKeepsOldBodies: bodies stored before, as HTML or as plain text with line breaks, show their paragraphs.
func TestRenderKeepsOldBodies(t *testing.T) {
	for in, want := range map[string]string{
		"<p>各镇街卫生院：</p><p>请做好<strong>环境卫生整治</strong>。</p>": "<p>各镇街卫生院：</p>\n<p>请做好<strong>环境卫生整治</strong>。</p>",
		"第一段\n第二段":                           "<p>第一段</p>\n<p>第二段</p>",
		"<table><tr><td>1</td></tr></table>": "<table><tbody><tr><td>1</td></tr></tbody></table>",
	} {
		if got := Render(in); got != want {
			t.Errorf("Render(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkCleanWordPaste is the cost of one paste or save of the Word sample (8 KB of Word HTML).
func BenchmarkCleanWordPaste(b *testing.B) {
	raw, err := os.ReadFile("testdata/word-paste.html")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		Clean(string(raw))
	}
}

// BenchmarkRenderStoredBody is the cost the public item page adds for a stored body (the page itself is cached).
func BenchmarkRenderStoredBody(b *testing.B) {
	raw, _ := os.ReadFile("testdata/word-paste.html")
	stored := Clean(string(raw))
	b.SetBytes(int64(len(stored)))
	for b.Loop() {
		Render(stored)
	}
}
