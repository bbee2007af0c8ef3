package richtext

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/document"
)

// TestDOCXFromTheProjectsWriter reads back a notice written by internal/document (the DOCX writer of the annual
// reports and notices): its title, numbered heading, paragraphs and a table with merged cells and header rows.
func TestDOCXFromTheProjectsWriter(t *testing.T) {
	grid := &document.Grid{HeaderRows: 1, LabelCols: 1, Cells: [][]document.Cell{
		{{Text: "项目", RowSpan: 2, Header: true}, {Text: "金额（万元）", ColSpan: 2, Header: true}, {Covered: true}},
		{{Covered: true}, {Text: "县级"}, {Text: "镇级"}},
		{{Text: "环境整治"}, {Text: "12.5", Numeric: true}, {Text: "3", Numeric: true}},
	}}
	var buf bytes.Buffer
	err := document.DOCX(&buf, &document.Doc{Title: "关于开展春季爱国卫生运动的通知", Blocks: []document.Block{
		{Kind: document.Title, Text: "关于开展春季爱国卫生运动的通知"},
		{Kind: document.DocNumber, Text: "平卫发〔2026〕3号"},
		{Kind: document.Addressee, Text: "各镇（街道）卫生院："},
		{Kind: document.Paragraph, Text: "为做好春季爱国卫生工作，现将有关事项通知如下。"},
		{Kind: document.Heading, Text: "一、经费安排"},
		{Kind: document.Table, Table: grid},
		{Kind: document.Signature, Text: "平阴县卫生健康局", Date: "2026年3月2日"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := DOCX(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		`<h2>关于开展春季爱国卫生运动的通知</h2>`,
		`<p>平卫发〔2026〕3号</p>`,
		`<p>各镇（街道）卫生院：</p>`,
		`<p>为做好春季爱国卫生工作，现将有关事项通知如下。</p>`,
		`<h2>一、经费安排</h2>`,
		`<table><thead><tr><th rowspan="2"><strong>项目</strong></th><th colspan="2"><strong>金额（万元）</strong></th></tr></thead>` +
			`<tbody><tr><td>县级</td><td>镇级</td></tr><tr><td>环境整治</td><td>12.5</td><td>3</td></tr></tbody></table>`,
		`<p>平阴县卫生健康局</p>`,
		`<p>2026年3月2日</p>`,
	}, "\n")
	if got.HTML != want {
		t.Errorf("imported:\n%s\nwant:\n%s", got.HTML, want)
	}
}

// wpsDOCX is a document as WPS and a Chinese Word write it: styles with numeric ids and Chinese or English names,
// a heading by outline level only, numbering in bullets, digits and Chinese numerals, bold and underlined runs, a
// hyperlink, a tracked deletion, a field code, a picture and a page break.
func wpsDOCX(t *testing.T) []byte {
	t.Helper()
	const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"`
	styles := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ` + w + `>
<w:style w:type="paragraph" w:default="1" w:styleId="1"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/><w:basedOn w:val="1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="3"><w:name w:val="标题 2"/><w:basedOn w:val="1"/></w:style>
<w:style w:type="paragraph" w:styleId="a5"><w:name w:val="公文三级标题"/><w:basedOn w:val="1"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="a6"><w:name w:val="我的标题2"/><w:basedOn w:val="3"/></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="1"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
</w:styles>`
	numbering := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ` + w + `>
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>`
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.gov.cn/zhengce/" TargetMode="External"/>
</Relationships>`
	p := func(style, num, body string) string {
		s := `<w:p><w:pPr>`
		if style != "" {
			s += `<w:pStyle w:val="` + style + `"/>`
		}
		s += num + `<w:ind w:firstLineChars="200"/></w:pPr>` + body + `</w:p>`
		return s
	}
	r := func(text string) string {
		return `<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">` + text + `</w:t></w:r>`
	}
	num := func(id, lvl string) string {
		return `<w:numPr><w:ilvl w:val="` + lvl + `"/><w:numId w:val="` + id + `"/></w:numPr>`
	}
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + w + `><w:body>` +
		p("2", "", r("关于开展春季爱国卫生运动的通知")) +
		p("", "", r("　　为做好")+`<w:r><w:rPr><w:b/></w:rPr><w:t>春季</w:t></w:r><w:r><w:rPr><w:b w:val="0"/><w:u w:val="single"/></w:rPr><w:t>爱国卫生</w:t></w:r>`+
			`<w:del w:id="1" w:author="x"><w:r><w:delText>删去的字</w:delText></w:r></w:del><w:ins w:id="2" w:author="x">`+r("工作")+`</w:ins>`+
			`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`+
			r("，详见")+`<w:hyperlink r:id="rId9">`+r("政策文件库")+`</w:hyperlink>`+r("。")) +
		p("", "", `<w:r><w:drawing><wp:inline><wp:docPr id="1" name="图片 1"/></wp:inline></w:drawing></w:r>`) +
		p("", "", `<w:r><w:br w:type="page"/></w:r>`) +
		p("3", "", r("（一）组织领导")) +
		p("a6", "", r("（二）继承的二级标题")) +
		p("a5", "", r("三级标题")) +
		p("1", "", `<w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r>`) +
		p("ListBullet", "", r("农贸市场")) +
		p("", num("1", "1"), r("早市")) +
		p("ListBullet", "", r("城乡结合部")) +
		p("", num("2", "0"), r("清理卫生死角")) +
		p("", num("2", "0"), r("开展病媒生物防制")) +
		p("", num("3", "0"), r("工作要求")) +
		p("", num("3", "1"), r("加强领导")) +
		p("", num("3", "1"), r("落实责任")) +
		p("", num("3", "0"), r("其他事项")) +
		`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{"word/document.xml": doc, "word/styles.xml": styles, "word/numbering.xml": numbering, "word/_rels/document.xml.rels": rels,
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`} {
		fw, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDOCXStylesListsAndRuns(t *testing.T) {
	got, err := DOCX(wpsDOCX(t))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		`<h2>关于开展春季爱国卫生运动的通知</h2>`,
		`<p>为做好<strong>春季</strong><u>爱国卫生</u>工作，详见<a href="https://www.gov.cn/zhengce/" rel="nofollow">政策文件库</a>。</p>`,
		`<h3>（一）组织领导</h3>`,
		`<h3>（二）继承的二级标题</h3>`,
		`<h4>三级标题</h4>`,
		`<p>第一行<br/>第二行</p>`,
		`<ul><li>农贸市场<ul><li>早市</li></ul></li><li>城乡结合部</li></ul>`,
		`<ol><li>清理卫生死角</li><li>开展病媒生物防制</li></ol>`,
		`<p>一、工作要求</p>`,
		`<p>（一）加强领导</p>`,
		`<p>（二）落实责任</p>`,
		`<p>二、其他事项</p>`,
	}, "\n")
	if got.HTML != want {
		t.Errorf("imported:\n%s\nwant:\n%s", got.HTML, want)
	}
	if got.Images != 1 {
		t.Errorf("images left out: %d, want 1", got.Images)
	}
}

func TestDOCXRefusesWhatIsNotOne(t *testing.T) {
	var empty bytes.Buffer
	zw := zip.NewWriter(&empty)
	zw.Create("readme.txt")
	zw.Close()
	for name, data := range map[string][]byte{
		"text":        []byte("这不是 Word 文件"),
		"legacy .doc": append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...),
		"zip":         empty.Bytes(),
		"cut":         wpsDOCX(t)[:300],
	} {
		_, err := DOCX(data)
		if !errors.Is(err, ErrDOCX) || !strings.Contains(err.Error(), "docx") && !strings.Contains(err.Error(), "Word") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// BenchmarkDOCX is the cost of one 导入Word正文 of the styled test document.
func BenchmarkDOCX(b *testing.B) {
	t := &testing.T{}
	data := wpsDOCX(t)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DOCX(data); err != nil {
			b.Fatal(err)
		}
	}
}
