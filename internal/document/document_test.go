package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/testtool"
)

var created = time.Date(2026, 3, 5, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

// notice is a reply notice (答复告知书) as the workflow will issue it.
func notice() *Doc {
	return &Doc{
		Title:   "政府信息公开申请答复告知书",
		Author:  "平阴县卫生健康局",
		Subject: "政府信息公开申请答复",
		Created: created,
		Blocks: []Block{
			{Kind: Title, Text: "政府信息公开申请答复告知书"},
			{Kind: DocNumber, Text: "平卫依公开〔2026〕3号"},
			{Kind: Addressee, Text: "张三："},
			{Kind: Paragraph, Text: "本机关于2026年2月10日收到您提出的政府信息公开申请，申请获取“2025年度全县医疗机构监督检查结果”。"},
			{Kind: Paragraph, Text: "经审查，您申请获取的信息属于已主动公开的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（一）项的规定，现告知如下：该信息已在本机关门户网站公开，网址为 http://www.pingyin.gov.cn/wjw/xxgk/2025-123.html ，您可自行查阅。"},
			{Kind: Paragraph, Text: "如对本答复不服，可以在收到本告知书之日起六十日内申请行政复议，或者在六个月内向人民法院提起行政诉讼。"},
			{Kind: Signature, Text: "平阴县卫生健康局", Date: "2026年3月5日"},
			{Kind: Note, Text: "（联系人：李四；联系电话：0531-87881234）"},
			{Kind: Note, Text: "（此件依申请公开）"},
		},
	}
}

// noticeTexts is what a reader must find in a rendered notice, in order.
func noticeTexts(d *Doc) []string {
	var want []string
	for _, b := range d.Blocks {
		want = append(want, b.Text)
		if b.Date != "" {
			want = append(want, b.Date)
		}
	}
	return want
}

func render(t *testing.T, format string, d *Doc) []byte {
	t.Helper()
	var buf bytes.Buffer
	write := DOCX
	if format == "pdf" {
		write = PDF
	}
	if err := write(&buf, d); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

// docxPart is one paragraph of word/document.xml: its style and its text.
type docxPart struct{ Style, Text string }

// docxParts unzips a DOCX, checks every XML part is well-formed and declared, and returns the parts' bytes.
func docxParts(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		parts[f.Name] = b
		dec := xml.NewDecoder(bytes.NewReader(b))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
			}
		}
	}
	ct := string(parts["[Content_Types].xml"])
	for name := range parts {
		if strings.HasSuffix(name, ".xml") && name != "[Content_Types].xml" && !strings.Contains(ct, "/"+name) {
			t.Errorf("part %s not declared in [Content_Types].xml", name)
		}
	}
	return parts
}

// paragraphs returns the body's paragraphs in order (empty spacer paragraphs left out).
func paragraphs(t *testing.T, documentXML []byte) []docxPart {
	t.Helper()
	var doc struct {
		Paras []struct {
			Style struct {
				Val string `xml:"val,attr"`
			} `xml:"pPr>pStyle"`
			Texts []string `xml:"r>t"`
		} `xml:"body>p"`
	}
	if err := xml.Unmarshal(documentXML, &doc); err != nil {
		t.Fatal(err)
	}
	var out []docxPart
	for _, p := range doc.Paras {
		if text := strings.Join(p.Texts, ""); text != "" {
			out = append(out, docxPart{p.Style.Val, text})
		}
	}
	return out
}

func TestDOCXNoticeReadsBackInOrder(t *testing.T) {
	parts := docxParts(t, render(t, "docx", notice()))
	got := paragraphs(t, parts["word/document.xml"])
	want := []docxPart{
		{"TitleAboveNumber", "政府信息公开申请答复告知书"},
		{"DocNumber", "平卫依公开〔2026〕3号"},
		{"Addressee", "张三："},
		{"", notice().Blocks[3].Text},
		{"", notice().Blocks[4].Text},
		{"", notice().Blocks[5].Text},
		{"Signature", "平阴县卫生健康局"},
		{"Signature", "2026年3月5日"},
		{"NoteFirst", "（联系人：李四；联系电话：0531-87881234）"},
		{"Note", "（此件依申请公开）"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paragraphs (-want +got):\n%s", diff)
	}

	styles := string(parts["word/styles.xml"])
	for _, font := range []string{`w:eastAsia="仿宋_GB2312"`, `w:eastAsia="方正小标宋简体"`, `w:eastAsia="黑体"`} {
		if !strings.Contains(styles, font) {
			t.Errorf("East-Asian font %s not set in styles.xml", font)
		}
	}
	// Every style the document uses is defined.
	for _, p := range got {
		if p.Style != "" && !strings.Contains(styles, `w:styleId="`+p.Style+`"`) {
			t.Errorf("style %s used but not defined", p.Style)
		}
	}
	for _, style := range []string{"DocNumber", "Addressee", "Note"} {
		re := regexp.MustCompile(`w:styleId="` + style + `">.*?</w:style>`)
		def := re.FindString(styles)
		if !strings.Contains(def, `w:firstLine="0"`) {
			t.Errorf("style %s keeps the first-line indent: %s", style, def)
		}
	}
	if !regexp.MustCompile(`w:styleId="DocNumber">.*?<w:jc w:val="center"/>.*?</w:style>`).MatchString(styles) {
		t.Error("DocNumber is not centred")
	}
	if !regexp.MustCompile(`w:styleId="Note">.*?<w:sz w:val="28"/>.*?</w:style>`).MatchString(styles) {
		t.Error("Note is not smaller than the body (三号 = 32 half-points)")
	}

	doc := string(parts["word/document.xml"])
	for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="2098"`, `w:bottom="1984"`, `w:left="1587"`, `w:right="1474"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("A4 page setup %s missing", want)
		}
	}
	core := string(parts["docProps/core.xml"])
	for _, want := range []string{
		"<dc:title>政府信息公开申请答复告知书</dc:title>", "<dc:creator>平阴县卫生健康局</dc:creator>",
		"<dc:subject>政府信息公开申请答复</dc:subject>", ">2026-03-05T01:30:00Z</dcterms:created>",
	} {
		if !strings.Contains(core, want) {
			t.Errorf("core properties lack %s:\n%s", want, core)
		}
	}
}

func TestDOCXTitleComesFromTheDocWhenNoBlockIsATitle(t *testing.T) {
	for _, tc := range []struct {
		name   string
		blocks []Block
		want   []docxPart
	}{
		{"title printed first", []Block{{Kind: Addressee, Text: "张三："}},
			[]docxPart{{"Title", "补正告知书"}, {"Addressee", "张三："}}},
		{"title block not duplicated", []Block{{Kind: Title, Text: "另一个标题"}, {Kind: Paragraph, Text: "正文"}},
			[]docxPart{{"Title", "另一个标题"}, {"", "正文"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Doc{Title: "补正告知书", Blocks: tc.blocks}
			parts := docxParts(t, render(t, "docx", d))
			if diff := cmp.Diff(tc.want, paragraphs(t, parts["word/document.xml"])); diff != "" {
				t.Errorf("paragraphs (-want +got):\n%s", diff)
			}
			if got := string(parts["docProps/core.xml"]); !strings.Contains(got, "<dc:title>补正告知书</dc:title>") || strings.Contains(got, "dcterms:created") {
				t.Errorf("core properties: title missing or a date written for a zero Created:\n%s", got)
			}
		})
	}
}

func pdfText(t *testing.T, data []byte, args ...string) string {
	t.Helper()
	bin := testtool.Require(t, "pdftotext", "poppler-utils")
	cmd := exec.Command(bin, append(append([]string{"-enc", "UTF-8"}, args...), "-", "-")...)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func poppler(t *testing.T, tool string, data []byte, args ...string) string {
	t.Helper()
	bin := testtool.Require(t, tool, "poppler-utils")
	cmd := exec.Command(bin, append(args, "-")...)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
	return string(out)
}

func pages(t *testing.T, data []byte) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(poppler(t, "pdfinfo", data))
	if m == nil {
		t.Fatal("pdfinfo reports no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func squash(s string) string { return strings.Join(strings.Fields(s), "") }

// inOrder reports the first of want that is not found in got after the previous one.
func inOrder(got string, want []string) (missing string, ok bool) {
	at := 0
	for _, w := range want {
		k := strings.Index(got[at:], squash(w))
		if k < 0 {
			return w, false
		}
		at += k + len(squash(w))
	}
	return "", true
}

func TestPDFNoticeReadsBackInOrder(t *testing.T) {
	d := notice()
	data := render(t, "pdf", d)
	if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[max(0, len(data)-32):], []byte("%%EOF")) {
		t.Fatal("not a complete PDF file")
	}
	if missing, ok := inOrder(squash(pdfText(t, data, "-raw")), noticeTexts(d)); !ok {
		t.Errorf("%q missing or out of order in:\n%s", missing, pdfText(t, data, "-raw"))
	}
	fonts := poppler(t, "pdffonts", data)
	if !regexp.MustCompile(`[A-Z]{6}\+NotoSerifSC-Regular\s.*yes\s+yes\s+yes`).MatchString(fonts) {
		t.Errorf("font not embedded as a subset:\n%s", fonts)
	}
	if len(data) > 200<<10 {
		t.Errorf("a one-page notice is %d bytes: the font was not subset", len(data))
	}
	info := poppler(t, "pdfinfo", data, "-isodates")
	for _, want := range []string{"(A4)", "Title:           政府信息公开申请答复告知书", "Author:          平阴县卫生健康局", "CreationDate:    2026-03-05T09:30:00+08"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	if got := pages(t, data); got != 1 {
		t.Errorf("%d pages, want 1", got)
	}
}

func TestPDFCentresTheNumberAndIndentsOnlyParagraphs(t *testing.T) {
	d := notice()
	data := render(t, "pdf", d)
	// Word boxes: the left edge of the first word of each line.
	re := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>`)
	left := map[string]float64{}
	right := map[string]float64{}
	for _, m := range re.FindAllStringSubmatch(pdfText(t, data, "-bbox"), -1) {
		x0, _ := strconv.ParseFloat(m[1], 64)
		x1, _ := strconv.ParseFloat(m[3], 64)
		if _, seen := left[m[4]]; !seen {
			left[m[4]], right[m[4]] = x0, x1
		}
	}
	number := "平卫依公开〔2026〕3号"
	mid := (left[number] + right[number]) / 2
	if centre := (pdfLeft + pdfRight) / 2; mid < centre-2 || mid > centre+2 {
		t.Errorf("document number centred at %.1f, text block centre %.1f", mid, centre)
	}
	if got := left["张三："]; got < pdfLeft-1 || got > pdfLeft+1 {
		t.Errorf("addressee starts at %.1f, want the margin %.1f", got, pdfLeft)
	}
	note := "（此件依申请公开）"
	if got := left[note]; got < pdfLeft-1 || got > pdfLeft+1 {
		t.Errorf("note starts at %.1f, want the margin %.1f", got, pdfLeft)
	}
	if w, body := right[note]-left[note], float64(len([]rune(note)))*pdfBodySize; w >= body {
		t.Errorf("note is %.1f pt wide, not smaller than body text (%.1f)", w, body)
	}
}

func TestOutputIsDeterministic(t *testing.T) {
	for _, format := range []string{"docx", "pdf"} {
		t.Run(format+" same Created gives the same bytes", func(t *testing.T) {
			a, b := render(t, format, notice()), render(t, format, notice())
			if !bytes.Equal(a, b) {
				t.Errorf("two renderings differ (%d and %d bytes)", len(a), len(b))
			}
			later := notice()
			later.Created = created.Add(24 * time.Hour)
			if bytes.Equal(a, render(t, format, later)) {
				t.Error("Created is not written into the file")
			}
		})
	}
}

func TestCharactersMissingFromTheFontDoNotBreakTheDocument(t *testing.T) {
	d := &Doc{Title: "告知书", Blocks: []Block{
		{Kind: Addressee, Text: "张😀三："},
		{Kind: Paragraph, Text: "生僻字𠀀与表情😀之前的文字，\x01控制字符\x7f，无效编码\xff\xfe之后的文字。"},
		{Kind: Note, Text: "a < b & c > d ]]>"},
	}}
	t.Run("pdf keeps the text around them", func(t *testing.T) {
		got := squash(pdfText(t, render(t, "pdf", d), "-raw"))
		for _, want := range []string{"生僻字", "与表情", "之前的文字，", "控制字符", "之后的文字。", "a<b&c>d]]>"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q lost: %s", want, got)
			}
		}
	})
	t.Run("docx stays well-formed and escaped", func(t *testing.T) {
		got := paragraphs(t, docxParts(t, render(t, "docx", d))["word/document.xml"])
		if len(got) != 4 || got[1].Text != "张😀三：" || got[3].Text != "a < b & c > d ]]>" || !strings.Contains(got[2].Text, "生僻字𠀀与表情😀") {
			t.Errorf("paragraphs = %q", got)
		}
	})
}

func TestLongNoticeWrapsAndPaginates(t *testing.T) {
	d := notice()
	// Three long paragraphs of about 830 characters each, as a detailed 不予公开 reason may run, fill three pages.
	var long []string
	for k := 1; k <= 3; k++ {
		long = append(long, "第"+strconv.Itoa(k)+"段："+strings.Repeat("经检索，该信息涉及第三方商业秘密，公开后可能损害第三方合法权益，ABC-123 号文件另行说明。", 18)+"本段完。")
	}
	body := []Block{d.Blocks[0], d.Blocks[1], d.Blocks[2]}
	for _, p := range long {
		body = append(body, Block{Kind: Paragraph, Text: p})
	}
	d.Blocks = append(body, d.Blocks[6:]...)
	data := render(t, "pdf", d)

	if got := pages(t, data); got != 3 {
		t.Errorf("%d pages, want 3", got)
	}
	third := squash(pdfText(t, data, "-raw", "-f", "3", "-l", "3"))
	if first := squash(pdfText(t, data, "-raw", "-f", "1", "-l", "1")); !strings.Contains(first, "政府信息公开申请答复告知书") || strings.Contains(first, "第3段") {
		t.Errorf("page 1 should hold the title and not yet the third paragraph")
	}
	for _, want := range []string{"本段完。", "平阴县卫生健康局", "2026年3月5日", "（此件依申请公开）", "—3—"} {
		if !strings.Contains(third, want) {
			t.Errorf("page 3 lacks %q", want)
		}
	}
	// Page numbers are drawn first on each page, so they fall inside a paragraph that runs over a page.
	text := regexp.MustCompile(`—\d+—`).ReplaceAllString(squash(pdfText(t, data, "-raw")), "")
	if missing, ok := inOrder(text, noticeTexts(d)); !ok {
		t.Errorf("%q missing or out of order after wrapping", missing)
	}
	// No line runs into the right margin.
	re := regexp.MustCompile(`xMax="([\d.]+)"`)
	for _, m := range re.FindAllStringSubmatch(pdfText(t, data, "-bbox"), -1) {
		if x, _ := strconv.ParseFloat(m[1], 64); x > pdfRight+pdfBodySize { // one hanging punctuation mark allowed
			t.Fatalf("a line ends at x=%.1f, right margin at %.1f", x, pdfRight)
		}
	}
}

// feeTable is the breakdown a 收费通知书 carries: a header row, two bands and a total spanning two columns.
func feeTable() *Grid {
	return &Grid{
		Caption: "信息处理费计算明细", HeaderRows: 1, LabelCols: 1,
		Cells: [][]Cell{
			{{Text: "计费区间", Header: true}, {Text: "数量", Header: true}, {Text: "标准（元）", Header: true}, {Text: "金额（元）", Header: true}},
			{{Text: "第11—30件"}, {Text: "20", Numeric: true}, {Text: "100", Numeric: true}, {Text: "2,000", Numeric: true}},
			{{Text: "第31—35件"}, {Text: "5", Numeric: true}, {Text: "200", Numeric: true}, {Text: "1,000", Numeric: true}},
			{{Text: "合计", ColSpan: 3}, {Covered: true}, {Covered: true}, {Text: "3,000", Numeric: true}},
		},
	}
}

func TestTablesInANotice(t *testing.T) {
	d := notice()
	d.Blocks = append(d.Blocks[:4:4], append([]Block{{Kind: Table, Table: feeTable()}}, d.Blocks[4:]...)...)
	texts := []string{"信息处理费计算明细", "计费区间", "数量", "标准（元）", "金额（元）", "第11—30件", "20", "100", "2,000", "第31—35件", "5", "200", "1,000", "合计", "3,000"}

	t.Run("docx grid fills the text width and spans add up", func(t *testing.T) {
		parts := docxParts(t, render(t, "docx", d))
		var body struct {
			Tables []struct {
				Grid []struct {
					W int `xml:"w,attr"`
				} `xml:"tblGrid>gridCol"`
				Rows []struct {
					Cells []struct {
						Span *struct {
							Val int `xml:"val,attr"`
						} `xml:"tcPr>gridSpan"`
						Texts []string `xml:"p>r>t"`
					} `xml:"tc"`
				} `xml:"tr"`
			} `xml:"body>tbl"`
		}
		if err := xml.Unmarshal(parts["word/document.xml"], &body); err != nil {
			t.Fatal(err)
		}
		if len(body.Tables) != 1 {
			t.Fatalf("%d tables, want 1", len(body.Tables))
		}
		tb := body.Tables[0]
		sum := 0
		for _, g := range tb.Grid {
			sum += g.W
		}
		if sum != TextWidthTwips {
			t.Errorf("grid width %d, want the text width %d", sum, TextWidthTwips)
		}
		var got []string
		for k, row := range tb.Rows {
			n := 0
			for _, c := range row.Cells {
				got = append(got, strings.Join(c.Texts, ""))
				if c.Span != nil {
					n += c.Span.Val
				} else {
					n++
				}
			}
			if n != len(tb.Grid) {
				t.Errorf("row %d covers %d grid columns, want %d", k, n, len(tb.Grid))
			}
		}
		if diff := cmp.Diff(texts, got); diff != "" {
			t.Errorf("cells (-want +got):\n%s", diff)
		}
	})
	t.Run("pdf prints every cell in order", func(t *testing.T) {
		if missing, ok := inOrder(squash(pdfText(t, render(t, "pdf", d), "-raw")), append([]string{"张三："}, texts...)); !ok {
			t.Errorf("%q missing or out of order", missing)
		}
	})
}

func TestBadInputGivesAChineseError(t *testing.T) {
	table := func(edit func(g *Grid)) *Doc {
		g := feeTable()
		edit(g)
		return &Doc{Title: "收费通知书", Blocks: []Block{{Kind: Table, Table: g}}}
	}
	for _, tc := range []struct {
		name string
		doc  *Doc
		want string
	}{
		{"nil document", nil, "没有要生成的文档内容"},
		{"unknown kind", &Doc{Blocks: []Block{{Kind: Note + 1, Text: "x"}}}, "第1个内容块的类型（8）无法识别"},
		{"negative kind", &Doc{Blocks: []Block{{Kind: -1}}}, "无法识别"},
		{"table block without a table", &Doc{Blocks: []Block{{Kind: Table}}}, "第1个内容块：表格内容块没有表格"},
		{"ragged rows", table(func(g *Grid) { g.Cells[2] = g.Cells[2][:3] }), "表格第3行有3格，应与第1行一样有4格"},
		{"span past the right edge", table(func(g *Grid) { g.Cells[1][3].ColSpan = 2 }), "表格第2行第4列的单元格合并超出了表格范围"},
		{"span past the bottom", table(func(g *Grid) { g.Cells[3][3].RowSpan = 2 }), "表格第4行第4列的单元格合并超出了表格范围"},
		{"overlapping spans", table(func(g *Grid) { g.Cells[1][0].ColSpan = 2 }), "表格第2行第1列的单元格合并与第2行第2列重叠"},
		{"covered but not covered", table(func(g *Grid) { g.Cells[3][0].ColSpan = 2 }), "表格第4行第3列标为被合并，但没有单元格覆盖它"},
		{"negative span", table(func(g *Grid) { g.Cells[1][1].RowSpan = -1 }), "不能为负数"},
		{"too many header rows", table(func(g *Grid) { g.HeaderRows = 5 }), "表头行数5不在0到4之间"},
		{"too many label columns", table(func(g *Grid) { g.LabelCols = -1 }), "标签列数-1不在0到4之间"},
		{"rows without columns", table(func(g *Grid) { g.Cells = [][]Cell{{}}; g.HeaderRows, g.LabelCols = 0, 0 }), "表格没有列"},
		{"huge table", table(func(g *Grid) {
			g.Cells = make([][]Cell, 1001)
			for i := range g.Cells {
				g.Cells[i] = make([]Cell, 101)
			}
			g.HeaderRows, g.LabelCols = 0, 0
		}), "超过上限100000"},
	} {
		for _, format := range []string{"docx", "pdf"} {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				write := DOCX
				if format == "pdf" {
					write = PDF
				}
				var buf bytes.Buffer
				err := write(&buf, tc.doc)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error = %v, want one containing %q", err, tc.want)
				}
				if buf.Len() != 0 {
					t.Errorf("%d bytes written despite the error", buf.Len())
				}
			})
		}
	}
}

func TestEmptyTablesAndSpansOfZeroAreAccepted(t *testing.T) {
	d := &Doc{Title: "告知书", Blocks: []Block{
		{Kind: Table, Table: &Grid{}},
		{Kind: Table, Table: &Grid{Cells: [][]Cell{{{Text: "甲"}, {Text: "乙"}}}}},
	}}
	parts := docxParts(t, render(t, "docx", d))
	if got := strings.Count(string(parts["word/document.xml"]), "<w:tbl>"); got != 1 {
		t.Errorf("%d tables written, want 1 (the empty one is left out)", got)
	}
	if got := squash(pdfText(t, render(t, "pdf", d), "-raw")); !strings.Contains(got, "甲") || !strings.Contains(got, "乙") {
		t.Errorf("cells with zero spans not printed: %s", got)
	}
}

func BenchmarkNotice(b *testing.B) {
	for _, format := range []string{"docx", "pdf"} {
		write := DOCX
		if format == "pdf" {
			write = PDF
		}
		b.Run(format, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := write(&buf, notice()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes")
		})
	}
}
