package textract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/gongkai/gongkai/internal/testtool"
)

const seedDir = "../../../../../shared/seeds"

func extract(t testing.TB, name string, data []byte) Text {
	t.Helper()
	txt, err := Extract(context.Background(), name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !utf8.ValidString(txt.Body) {
		t.Fatalf("%s: invalid UTF-8", name)
	}
	if strings.ContainsAny(txt.Body, "\r\f") {
		t.Fatalf("%s: line ends other than \\n", name)
	}
	return txt
}

func encode(e encoding.Encoding, s string) []byte {
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// gbk encodes s as GBK (GB18030 for the rare character outside GBK).
func gbk(s string) []byte { return encode(simplifiedchinese.GB18030, s) }

// reportTable is section 三's table as published pages write it: a label spanning two rows and columns, blank
// cells, a colspan over blank figures.
const reportTable = `<table border="1">
<tr><td colspan="2" rowspan="2">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>
<tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td>2</td><td></td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>1</td><td colspan="5">&nbsp;</td><td>1</td></tr>
<tr><td>（二）部分公开</td><td colspan="3">0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td colspan="2">四、结转下年度继续办理</td><td>0</td><td></td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>&nbsp;</td><td></td><td> </td></tr>
</table>`

var reportTableLines = []string{
	"（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
	"自然人\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t总计",
	"一、本年新收政府信息公开申请数量\t2\t\t0\t0\t0\t0\t2",
	"三、本年度办理结果\t（一）予以公开\t1\t\t\t\t\t\t1",
	"（二）部分公开\t0\t\t\t0\t0\t0\t0",
	"四、结转下年度继续办理\t0\t\t0\t0\t0\t0\t0",
}

const page = `<!DOCTYPE html><html><head>%s<title>平阴县卫生健康局2024年
政府信息公开工作年度报告</title>
<style>.x{color:red}</style><script>var a = "一、总体情况";</script></head>
<body><div class="nav">无障碍阅读 关怀版</div><noscript>请启用脚本</noscript><h1>年度报告</h1>
<p>一、总体情况</p><p>本年度共公开<b>147</b>条，
其中主动公开&lt;政策&gt;文件<span>12</span>件。<br>第二行</p>
<div style="display: none">隐藏的文字</div><form><input value="输入框"><select><option>选项</option></select><button>提交</button></form>
<iframe src="x.html">框架</iframe><svg><text>图形</text></svg>` + reportTable + `<p hidden>也隐藏</p><span aria-hidden="true">图标</span></body></html>`

func TestHTMLEncodings(t *testing.T) {
	withMeta := func(meta string) string { return fmt.Sprintf(page, meta) }
	for _, tc := range []struct {
		name string
		data []byte
		enc  string
	}{
		{"utf8.html", []byte(withMeta(`<meta charset="utf-8">`)), "utf-8"},
		{"gbk-meta.html", gbk(withMeta(`<meta charset=gbk>`)), "gb18030"},
		{"gb2312-http-equiv.htm", gbk(withMeta(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`)), "gb18030"},
		{"gbk-no-meta.htm", gbk(withMeta("")), "gb18030"},
		{"gbk-declared-utf8.html", gbk(withMeta(`<meta charset="utf-8">`)), "gb18030"},
		{"utf8-declared-gbk.html", []byte(withMeta(`<meta charset="gbk">`)), "utf-8"},
		{"gbk-declared-latin1.html", gbk(withMeta(`<meta charset="iso-8859-1">`)), "gb18030"},
		{"utf8-bom.html", append([]byte("\xef\xbb\xbf"), withMeta("")...), "utf-8"},
		{"utf16le-bom.html", encode(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), withMeta("")), "utf-16le"},
		{"no-extension", gbk("\n  " + withMeta("")), "gb18030"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			txt := extract(t, tc.name, tc.data)
			if txt.Kind != HTML || txt.Encoding != tc.enc {
				t.Errorf("kind/encoding = %s/%s, want html/%s", txt.Kind, txt.Encoding, tc.enc)
			}
			lines := strings.Split(txt.Body, "\n")
			want := append([]string{
				"平阴县卫生健康局2024年政府信息公开工作年度报告",
				"无障碍阅读 关怀版",
				"年度报告",
				"一、总体情况",
				"本年度共公开147条，其中主动公开<政策>文件12件。",
				"第二行",
			}, reportTableLines...)
			want = append(want, "")
			if got := strings.Join(lines, "\n"); got != strings.Join(want, "\n") {
				t.Errorf("body:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
			}
		})
	}
}

func TestHTMLDeclaredCharsets(t *testing.T) {
	const body = `<p>政府資訊公開年度報告</p></body></html>`
	for _, tc := range []struct {
		name string
		data []byte
		enc  string
	}{
		{"big5", encode(traditionalchinese.Big5, `<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head><body>`+body), "big5"},
		{"big5 declared after 1 KB of script", encode(traditionalchinese.Big5, `<html><head><script>`+strings.Repeat("var x = 1;\n", 120)+`</script><meta charset="big5"></head><body>`+body), "big5"},
		{"windows-1252 page", encode(charmap.Windows1252, `<html><head><meta charset="windows-1252"></head><body><p>Café</p></body></html>`), "windows-1252"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			txt := extract(t, tc.name+".html", tc.data)
			if txt.Encoding != tc.enc {
				t.Errorf("encoding = %s, want %s", txt.Encoding, tc.enc)
			}
			want := "政府資訊公開年度報告\n" // traditional text is left as it is: hanzi.Simplify is the importer's step
			if tc.enc == "windows-1252" {
				want = "Café\n"
			}
			if txt.Body != want {
				t.Errorf("body = %q, want %q", txt.Body, want)
			}
		})
	}
}

func TestHTMLText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"entities and spaces", `<p>a&nbsp;&nbsp; b&amp;c　　d&#x4E00;</p>`, "a b&c d一\n"},
		{"zero-width removed", "<p>公\u200b开</p>", "公开\n"},
		{"line break between CJK joins", "<p>本年新收政府信息公开\n   申请数量</p>", "本年新收政府信息公开申请数量\n"},
		{"line break next to ASCII is a space", "<p>共\n147\n条 and\nmore</p>", "共 147 条 and more\n"},
		{"space between CJK kept", "<p>无障碍阅读 关怀版</p>", "无障碍阅读 关怀版\n"},
		{"br outside cell", "<div>甲<br>乙<br/><br>丙</div>", "甲\n乙\n丙\n"},
		{"br and blocks inside cell are spaces", "<table><tr><td>一、本年新收<br>申请数量</td><td><p>2</p><p>3</p></td></tr></table>", "一、本年新收 申请数量\t2 3\n"},
		{"list items", "<ul><li>一</li><li>二</li></ul>", "一\n二\n"},
		{"pre keeps lines", "<pre>一  1\n二  2</pre>", "一 1\n二 2\n"},
		{"hidden cell skipped", `<table><tr><td>a</td><td style="DISPLAY:NONE">x</td><td>b</td></tr></table>`, "a\tb\n"},
		{"label colspan once, number colspan expanded", `<table><tr><td colspan="3">合计</td><td colspan="3">12</td><td colspan="2"></td></tr></table>`, "合计\t12\t\t\t\t\n"},
		{"th cells", `<table><thead><tr><th>项目</th><th>数量</th></tr></thead><tbody><tr><td>甲</td><td>1</td></tr></tbody></table>`, "项目\t数量\n甲\t1\n"},
		{"caption", `<table><caption>表一</caption><tr><td>甲</td><td>1</td></tr></table>`, "表一\n甲\t1\n"},
		{"nested table rows are their own lines", `<table><tr><td>外</td><td><table><tr><td>甲</td><td>1</td></tr><tr><td>乙</td><td>2</td></tr></table></td></tr></table>`, "外\n甲\t1\n乙\t2\n"},
		{"layout table cell keeps paragraphs", `<table><tr><td><p>一、总体情况</p><p>本年度……</p><table><tr><td>甲</td><td></td><td>1</td></tr></table><p>二、其他</p></td></tr></table>`, "一、总体情况\n本年度……\n甲\t\t1\n二、其他\n"},
		{"text after table", `<table><tr><td>a</td><td>b</td></tr></table>尾`, "a\tb\n尾\n"},
		{"traditional left as is", `<p>國務院辦公廳</p>`, "國務院辦公廳\n"},
		{"comments dropped", `<p>a<!-- b -->c</p>`, "ac\n"},
		{"fragment starting with table", `<table><tr><td>一</td><td>2</td></tr></table>`, "一\t2\n"},
		{"blank page", `<html><body> <p> </p><div>&nbsp;</div></body></html>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := htmlText(tc.in); got != tc.want {
				t.Errorf("htmlText(%q) =\n%q\nwant\n%q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHTMLDetection(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       Kind
	}{
		{"doctype upper case", "<!DOCTYPE HTML><p>x</p>", HTML},
		{"leading white space and table", "\r\n  <TABLE><tr><td>x</td></tr></TABLE>", HTML},
		{"div", "<div>x</div>", HTML},
		{"p", "<p>x", HTML},
		{"banner before html", "HTTP/1.1 200 OK\n\n<html><body>x</body></html>", HTML},
		{"html extension", "一、总体情况<b>x</b>", Plain},
		{"plain text with a less-than sign", "a < b 一、总体情况", Plain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if txt := extract(t, "x.txt", []byte(tc.data)); txt.Kind != tc.want {
				t.Errorf("kind = %s, want %s", txt.Kind, tc.want)
			}
		})
	}
	if txt := extract(t, "报告.HTM", []byte("一、总体情况<b>x</b>")); txt.Kind != HTML || txt.Body != "一、总体情况x\n" {
		t.Errorf(".htm name: %s %q", txt.Kind, txt.Body)
	}
}

func TestPlainText(t *testing.T) {
	const s = "一、总体情况\r\n本年度共公开147条。\r\n"
	const want = "一、总体情况\n本年度共公开147条。\n"
	for _, tc := range []struct {
		name string
		data []byte
		enc  string
		want string
	}{
		{"utf8", []byte(s), "utf-8", want},
		{"utf8-bom", append([]byte{0xEF, 0xBB, 0xBF}, s...), "utf-8", want},
		{"gb18030", gbk(s), "gb18030", want},
		{"gb18030 beyond gbk", gbk("𠀾一\n"), "gb18030", "𠀾一\n"},
		{"utf16le-bom", encode(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), s), "utf-16le", want},
		{"utf16be-bom", encode(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), s), "utf-16be", want},
		{"utf16le without bom", encode(unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), s), "utf-16le", want},
		{"old mac line ends and page breaks", []byte("一\r二\f三"), "utf-8", "一\n二\n三"},
		{"utf8 with a damaged byte", []byte("一、总体情况\n本年度\xff共公开147条。\n"), "utf-8", "一、总体情况\n本年度\uFFFD共公开147条。\n"},
		{"traditional left as is", []byte("政府資訊公開工作年度報告"), "utf-8", "政府資訊公開工作年度報告"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			txt := extract(t, "report.txt", tc.data)
			if txt.Kind != Plain || txt.Encoding != tc.enc {
				t.Errorf("kind/encoding = %s/%s, want text/%s", txt.Kind, txt.Encoding, tc.enc)
			}
			if txt.Body != tc.want {
				t.Errorf("body = %q, want %q", txt.Body, tc.want)
			}
		})
	}
}

func seeds(tb testing.TB) map[string][]byte {
	files, _ := filepath.Glob(filepath.Join(seedDir, "*.txt"))
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(f)] = data
	}
	return out
}

func TestSeedsArePlainText(t *testing.T) {
	files := seeds(t)
	if len(files) == 0 {
		t.Skip("seeds not found at " + seedDir)
	}
	for name, data := range files {
		txt := extract(t, name, data)
		if txt.Kind != Plain || txt.Encoding != "utf-8" || txt.Body != string(data) {
			t.Errorf("%s: kind %s, encoding %s, body changed: %v", name, txt.Kind, txt.Encoding, txt.Body != string(data))
		}
		// The same report saved as GBK reads back the same.
		if txt := extract(t, name, gbk(string(data))); txt.Encoding != "gb18030" || txt.Body != string(data) {
			t.Errorf("%s as GBK: encoding %s, body changed: %v", name, txt.Encoding, txt.Body != string(data))
		}
	}
}

const wns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

// docxPara and docxCell write WordprocessingML fragments.
func docxPara(runs ...string) string {
	var b strings.Builder
	b.WriteString("<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"420\"/></w:tabs></w:pPr>")
	for _, r := range runs {
		b.WriteString(`<w:r><w:t xml:space="preserve">` + r + `</w:t></w:r>`)
	}
	b.WriteString("</w:p>")
	return b.String()
}

func docxCell(props string, paras ...string) string {
	return "<w:tc><w:tcPr>" + props + "</w:tcPr>" + strings.Join(paras, "") + "</w:tc>"
}

// docxBodyXML is a report fragment: two paragraphs and a 2×3 table with a gridSpan and a vertical merge.
var docxBodyXML = docxPara("一、总体情况") +
	docxPara("本年度", "共公开147条。") +
	`<w:p><w:r><w:t>甲</w:t><w:tab/><w:t>1</w:t><w:br/><w:t>乙</w:t></w:r></w:p>` +
	`<w:tbl><w:tblPr><w:tblW w:w="0"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>` +
	`<w:tr>` + docxCell(`<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>`, docxPara("三、本年度办理结果"), docxPara("（一）予以公开")) +
	docxCell(`<w:gridSpan w:val="2"/>`, docxPara("1")) + docxCell("", docxPara()) + `</w:tr>` +
	`<w:tr>` + docxCell(`<w:gridSpan w:val="2"/><w:vMerge/>`, docxPara()) + docxCell("", docxPara("0")) +
	docxCell(`<w:gridSpan w:val="2"/>`, `<w:p><w:r><w:t>有</w:t><w:tab/><w:t>空格</w:t></w:r></w:p>`) + `</w:tr></w:tbl>` +
	`<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>` + docxPara("文本框") +
	`</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict>` + docxPara("文本框") + `</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>` +
	`<w:p><w:r><w:instrText>PAGE</w:instrText></w:r><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del></w:p>`

const docxBodyText = "一、总体情况\n本年度共公开147条。\n甲\t1\n乙\n" +
	"三、本年度办理结果 （一）予以公开\t1\t\t\n" +
	"\t\t0\t有 空格\n" +
	"文本框\n"

// makeDOCX builds a Word document whose body is body, under the given part name.
func makeDOCX(tb testing.TB, part, body string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files := []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + part + `"/></Relationships>`},
		{part, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wns + `><w:body>` + body + `<w:sectPr><w:pgSz w:w="11906"/></w:sectPr></w:body></w:document>`},
	}
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(f.data)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestDOCX(t *testing.T) {
	for _, tc := range []struct{ name, part, body, want string }{
		{"paragraphs and a table", "word/document.xml", docxBodyXML, docxBodyText},
		{"main part named by _rels", "word/document2.xml", docxPara("正文"), "正文\n"},
		{"nested table", "word/document.xml",
			`<w:tbl><w:tr>` + docxCell("", docxPara("外")) + docxCell("", `<w:tbl><w:tr>`+docxCell("", docxPara("甲"))+docxCell("", docxPara("1"))+`</w:tr></w:tbl>`) + `</w:tr></w:tbl>`,
			"外\n甲\t1\n"},
		{"single-cell layout row keeps paragraphs", "word/document.xml",
			`<w:tbl><w:tr>` + docxCell("", docxPara("一、总体情况"), docxPara("本年度……")) + `</w:tr></w:tbl>`, "一、总体情况\n本年度……\n"},
		{"carriage return by reference", "word/document.xml", docxPara("甲&#13;乙"), "甲\n乙\n"},
		{"empty document", "word/document.xml", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			txt := extract(t, "report.docx", makeDOCX(t, tc.part, tc.body))
			if txt.Kind != DOCX || txt.Encoding != "utf-8" {
				t.Errorf("kind/encoding = %s/%s", txt.Kind, txt.Encoding)
			}
			if txt.Body != tc.want {
				t.Errorf("body:\n%q\nwant:\n%q", txt.Body, tc.want)
			}
		})
	}
}

// zipOf builds a ZIP archive of the named entries.
func zipOf(tb testing.TB, entries map[string][]byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// lieAboutSize rewrites the uncompressed size that a one-entry archive's headers declare.
func lieAboutSize(data []byte, size uint32) []byte {
	data = bytes.Clone(data)
	if i := bytes.Index(data, []byte("PK\x01\x02")); i >= 0 {
		binary.LittleEndian.PutUint32(data[i+24:], size)
	}
	return data
}

func TestRefusals(t *testing.T) {
	doc := makeDOCX(t, "word/document.xml", docxBodyXML)
	random := make([]byte, 4096)
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	bomb := zipOf(t, map[string][]byte{"word/document.xml": bytes.Repeat([]byte(" "), maxDocumentXML+1)})
	many := map[string][]byte{"word/document.xml": []byte("<w:document/>")}
	for i := range maxZipEntries {
		many[fmt.Sprintf("f%d", i)] = nil
	}
	for _, tc := range []struct {
		name string
		data []byte
		kind error
		msg  string
	}{
		{"empty.txt", nil, ErrEmpty, "文件为空"},
		{"blank.txt", []byte(" \r\n\t "), ErrEmpty, "文件为空"},
		{"random.bin", random, ErrBinary, "不是可识别的文本、HTML、DOCX 或 PDF 文件"},
		{"png.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), ErrBinary, "不是可识别"},
		{"controls.txt", bytes.Repeat([]byte{0x01, 0x02, 'a'}, 100), ErrBinary, "不是可识别"},
		{"old.doc", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), ErrBinary, "旧版 Office 文件"},
		{"report.rtf", []byte(`{\rtf1\ansi\ansicpg936 一}`), ErrBinary, "RTF"},
		{"truncated.docx", doc[:len(doc)/2], ErrCorruptDOCX, "DOCX 文件已损坏：不是完整的 ZIP 压缩包"},
		{"bad-xml.docx", makeDOCX(t, "word/document.xml", "<w:p><w:t>未闭合</w:p>"), ErrCorruptDOCX, "DOCX 文件已损坏：正文 XML 格式错误"},
		{"no-document.zip", zipOf(t, map[string][]byte{"hello.txt": []byte("x")}), ErrBinary, "ZIP 压缩包中没有 Word 正文"},
		{"bomb.docx", bomb, ErrTooLarge, "文件过大：Word 正文解压后超过 64 MB"},
		{"lying-bomb.docx", lieAboutSize(bomb, 1000), ErrCorruptDOCX, "DOCX 文件已损坏"},
		{"many.docx", zipOf(t, many), ErrCorruptDOCX, "超过 10000 个"},
		{"huge.txt", make([]byte, MaxSize+1), ErrTooLarge, "文件过大：超过 100 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Extract(context.Background(), tc.name, tc.data)
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %v containing %q", err, tc.kind, tc.msg)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("err %T is not *Error", err)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	cause := errors.New("zip: not a valid zip file")
	err := error(&Error{Kind: ErrCorruptDOCX, Detail: "不是完整的 ZIP 压缩包", Err: cause})
	if got, want := err.Error(), "DOCX 文件已损坏：不是完整的 ZIP 压缩包"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrCorruptDOCX) || !errors.Is(err, cause) {
		t.Error("errors.Is must reach both the kind and the cause")
	}
	if got := (&Error{Kind: ErrEmpty}).Error(); got != "文件为空" {
		t.Errorf("Error() = %q", got)
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Extract(ctx, "a.txt", []byte("一")); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// minimalPDF writes PDF pages with Helvetica text, offsets computed so the xref table is exact.
func minimalPDF(pages ...[]string) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	var kids []string
	for _, lines := range pages {
		var content strings.Builder
		if len(lines) > 0 {
			content.WriteString("BT /F1 12 Tf 72 720 Td 14 TL\n")
			for _, l := range lines {
				content.WriteString("(" + l + ") Tj T*\n")
			}
			content.WriteString("ET")
		}
		n := len(objs) + 1
		kids = append(kids, fmt.Sprintf("%d 0 R", n))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>", n+1, n+2),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
			"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestPDF(t *testing.T) {
	testtool.Require(t, "pdftotext", "poppler-utils")
	txt := extract(t, "report.pdf", minimalPDF(
		[]string{"Annual report 2024", "Row A         2         0         2", "one space kept"},
		[]string{"Page two"},
	))
	if txt.Kind != PDF || txt.Encoding != "utf-8" {
		t.Errorf("kind/encoding = %s/%s", txt.Kind, txt.Encoding)
	}
	if want := "Annual report 2024\nRow A\t2\t0\t2\none space kept\nPage two\n"; txt.Body != want {
		t.Errorf("body = %q, want %q", txt.Body, want)
	}
	// The content decides: a PDF with a .txt name is still a PDF, and junk before %PDF- is accepted for .pdf names.
	if txt := extract(t, "report.txt", minimalPDF([]string{"x"})); txt.Kind != PDF {
		t.Errorf("kind = %s", txt.Kind)
	}
	if txt := extract(t, "report.pdf", append([]byte("\r\n"), minimalPDF([]string{"x"})...)); txt.Kind != PDF {
		t.Errorf("kind = %s", txt.Kind)
	}
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"corrupt", []byte("%PDF-1.4\nnot really a pdf\n%%EOF"), "PDF 文件无法读取：文件已损坏或不是 PDF"},
		{"scanned", minimalPDF(nil), "PDF 文件无法读取：其中没有可提取的文字"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Extract(context.Background(), tc.name+".pdf", tc.data)
			if !errors.Is(err, ErrPDF) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v, want %q", err, tc.msg)
			}
		})
	}
}

func TestPDFWithoutPdftotext(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Extract(context.Background(), "report.pdf", minimalPDF([]string{"x"}))
	if !errors.Is(err, ErrNoPDFTool) || err.Error() != "读取 PDF 需要 poppler-utils（pdftotext）：请先安装 apt-get install poppler-utils" {
		t.Errorf("err = %v", err)
	}
}

func TestColumns(t *testing.T) {
	for in, want := range map[string]string{
		"a  b":               "a\tb",
		"a b":                "a b",
		"一、本年新收    2      0": "一、本年新收\t2\t0",
		"":                   "",
	} {
		if got := columns(in); got != want {
			t.Errorf("columns(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, data := range seeds(f) {
		f.Add(data)
		f.Add(gbk(string(data)))
	}
	f.Add([]byte(fmt.Sprintf(page, `<meta charset="utf-8">`)))
	f.Add(gbk(fmt.Sprintf(page, `<meta charset="gbk">`)))
	f.Add([]byte("<table><tr><td colspan=3>1<table><tr><td>2</td></tr></table></td></tr></table>"))
	f.Add(makeDOCX(f, "word/document.xml", docxBodyXML))
	f.Add(encode(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "一、总体情况\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, []byte("%PDF-")) {
			return // pdftotext is another program; fuzzing it is not this package's job
		}
		txt, err := Extract(context.Background(), "fuzz", data)
		if errors.Is(err, ErrInternal) {
			t.Fatalf("panic: %v", errors.Unwrap(err))
		}
		if err == nil && (!utf8.ValidString(txt.Body) || strings.ContainsAny(txt.Body, "\r\f")) {
			t.Fatalf("body %q is not UTF-8 with \\n line ends", txt.Body)
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	data := seeds(b)["004_cf59cfa8c9ac4fc5.txt"]
	if data == nil {
		b.Skip("seeds not found at " + seedDir)
	}
	var html strings.Builder
	html.WriteString(`<!DOCTYPE html><html><head><meta charset="gbk"><title>年度报告</title></head><body>`)
	for html.Len() < 60_000 { // about 40 KB once GBK-encoded
		for line := range strings.Lines(string(data)) {
			html.WriteString("<p>" + strings.TrimSpace(line) + "</p>\n")
		}
		html.WriteString(reportTable)
	}
	html.WriteString("</body></html>")
	var docBody strings.Builder
	for docBody.Len() < 40_000 {
		for line := range strings.Lines(string(data)) {
			docBody.WriteString(docxPara(strings.TrimSpace(line)))
		}
		docBody.WriteString(docxBodyXML)
	}
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"text-utf8", data},
		{"html-gbk", gbk(html.String())},
		{"docx", makeDOCX(b, "word/document.xml", docBody.String())},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Extract(context.Background(), bc.name, bc.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
