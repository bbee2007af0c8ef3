package render

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

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/testtool"
)

var renderers = map[string]func(io.Writer, *report.Report) error{
	"html": HTML, "md": Markdown, "xlsx": XLSX, "docx": DOCX, "pdf": PDF,
}

func renderTo(t testing.TB, format string, r *report.Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := renderers[format](&buf, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

// textOf reads a rendered file back with a real reader and returns all its text.
func textOf(t *testing.T, format string, data []byte) string {
	t.Helper()
	switch format {
	case "html":
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return doc.Find("body").Text()
	case "md":
		return strings.ReplaceAll(string(data), `\`, "")
	case "xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var b strings.Builder
		for _, sh := range f.GetSheetList() {
			rows, err := f.GetRows(sh)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				b.WriteString(strings.Join(row, "\n") + "\n")
			}
		}
		return b.String()
	case "docx":
		return docxTexts(t, data)
	case "pdf":
		bin := testtool.Require(t, "pdftotext", "poppler-utils")
		cmd := exec.Command(bin, "-raw", "-enc", "UTF-8", "-", "-")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	t.Fatalf("unknown format %s", format)
	return ""
}

func docxTexts(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		rc, _ := f.Open()
		dec := xml.NewDecoder(rc)
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			switch el := tok.(type) {
			case xml.StartElement:
				if el.Name.Local == "t" {
					var s string
					if err := dec.DecodeElement(&s, &el); err != nil {
						t.Fatal(err)
					}
					b.WriteString(s)
				}
			case xml.EndElement:
				if el.Name.Local == "p" {
					b.WriteString("\n")
				}
			}
		}
		rc.Close()
	}
	return b.String()
}

func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func preReport(t *testing.T) *report.Report {
	r := sampleReport(t, report.EraPre2019)
	r.Figures = []report.Figure{{ID: "proactive_items", Value: 419, Unit: "条"}}
	return r
}

// TestRoundTrip renders complete reports of every era to every format and reads each file back: every label,
// figure, heading and paragraph must be in it.
func TestRoundTrip(t *testing.T) {
	reports := map[string]*report.Report{
		"2021":    sampleReport(t, report.Era2021),
		"2019":    sampleReport(t, report.Era2019),
		"pre2019": preReport(t),
	}
	for _, format := range []string{"html", "md", "xlsx", "docx", "pdf"} {
		for name, r := range reports {
			t.Run(format+"/"+name, func(t *testing.T) {
				got := squash(textOf(t, format, renderTo(t, format, r)))
				if strings.ContainsRune(got, '□') {
					t.Errorf("%s: a character was replaced by □ (missing from the fonts)", format)
				}
				for _, want := range expectedTexts(t, r) {
					if !strings.Contains(got, squash(want)) {
						t.Errorf("%s: %q missing", format, want)
					}
				}
				for _, c := range r.Cells() {
					if !strings.Contains(got, report.FormatNumber(c.Value)) {
						t.Errorf("%s: figure %s (%s/%s) missing", format, report.FormatNumber(c.Value), c.Row, c.Column)
					}
				}
			})
		}
	}
}

func TestHTMLTablesAreAccessibleAndExact(t *testing.T) {
	for _, tc := range []struct {
		era               report.Era
		tables, s3rows    int
		s3Caption, s2Caps string
	}{
		{report.Era2021, 6, 25, "收到和处理政府信息公开申请情况", "第二十条第（一）项"},
		{report.Era2019, 7, 23, "收到和处理政府信息公开申请情况", "第二十条第（九）项"},
	} {
		r := sampleReport(t, tc.era)
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(renderTo(t, "html", r)))
		if err != nil {
			t.Fatal(err)
		}
		if got := doc.Find("html[lang='zh-CN']").Length(); got != 1 {
			t.Errorf("lang attribute missing")
		}
		tables := doc.Find("table")
		if tables.Length() != tc.tables {
			t.Fatalf("%s: %d tables, want %d", tc.era, tables.Length(), tc.tables)
		}
		tables.Each(func(i int, tb *goquery.Selection) {
			if strings.TrimSpace(tb.Find("caption").Text()) == "" {
				t.Errorf("table %d has no caption", i)
			}
			if tb.Find("thead th").Length() == 0 || tb.Find("th:not([scope])").Length() > 0 {
				t.Errorf("table %d: header cells without scope", i)
			}
			if tb.Closest("div.table-wrap[role=region][tabindex]").Length() != 1 {
				t.Errorf("table %d is not in a focusable scroll region", i)
			}
		})
		if doc.Find("caption:contains('"+tc.s2Caps+"')").Length() != 1 {
			t.Errorf("caption %s missing", tc.s2Caps)
		}
		grids, _ := Tables(r)
		for gi, g := range grids {
			tb := tables.Eq(gi)
			if got := strings.TrimSpace(tb.Find("caption").Text()); got != g.Title {
				t.Errorf("table %d caption %q, want %q", gi, got, g.Title)
			}
			if g.Spec.ID == report.TableRequests {
				if got := tb.Find("tbody tr").Length(); got != tc.s3rows {
					t.Errorf("section 三: %d body rows, want %d", got, tc.s3rows)
				}
			}
			// Every laid-out cell appears in order with its spans.
			rows := tb.Find("tr")
			for i, row := range g.Cells {
				var want []Cell
				for _, c := range row {
					if !c.Covered {
						want = append(want, c)
					}
				}
				cells := rows.Eq(i).Children()
				if cells.Length() != len(want) {
					t.Fatalf("table %d row %d: %d cells, want %d", gi, i, cells.Length(), len(want))
				}
				cells.Each(func(k int, s *goquery.Selection) {
					c := want[k]
					if got := strings.TrimSpace(s.Text()); got != c.Text {
						t.Errorf("table %d row %d cell %d: %q, want %q", gi, i, k, got, c.Text)
					}
					rs, _ := strconv.Atoi(s.AttrOr("rowspan", "1"))
					cs, _ := strconv.Atoi(s.AttrOr("colspan", "1"))
					if rs != c.RowSpan || cs != c.ColSpan {
						t.Errorf("table %d row %d cell %d spans %dx%d, want %dx%d", gi, i, k, rs, cs, c.RowSpan, c.ColSpan)
					}
					if c.Header != (goquery.NodeName(s) == "th") {
						t.Errorf("table %d row %d cell %d: header=%v but element %s", gi, i, k, c.Header, goquery.NodeName(s))
					}
				})
			}
		}
	}
}

func TestHTMLEscapesAndMarksMissingFigures(t *testing.T) {
	r := sampleReport(t, report.Era2021)
	r.Sections[0].Text = `<script>alert("x")</script> & 其他`
	delete(r.Tables[report.TableRequests][report.RowNew], "research")
	data := renderTo(t, "html", r)
	if bytes.Contains(data, []byte("<script>alert")) {
		t.Fatal("narrative text was not escaped")
	}
	doc, _ := goquery.NewDocumentFromReader(bytes.NewReader(data))
	if !strings.Contains(doc.Find("p").Text(), `<script>alert("x")</script> & 其他`) {
		t.Error("escaped text does not read back as written")
	}
	if got := doc.Find("td.missing[aria-label='未填报']").Length(); got != 1 {
		t.Errorf("missing cells = %d, want 1", got)
	}
	var frag bytes.Buffer
	if err := HTMLFragment(&frag, r); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.TrimSpace(frag.String()), `<article class="annual-report"`) || strings.Contains(frag.String(), "<html") {
		t.Errorf("fragment is not a bare article: %.80s", frag.String())
	}
}

func TestMarkdownTablesHaveOneRowPerDataRow(t *testing.T) {
	r := sampleReport(t, report.Era2021)
	md := string(renderTo(t, "md", r))
	f, _ := report.FormatOf(report.Era2021)
	spec, _ := f.Table(report.TableRequests)
	header := "| " + strings.Join(append([]string{mdCell(spec.Corner)}, func() (s []string) {
		for _, c := range spec.Columns {
			s = append(s, mdCell(mdColumn(spec, c)))
		}
		return
	}()...), " | ") + " |"
	if !strings.Contains(md, header) {
		t.Fatalf("section 三 header row missing:\n%s", header)
	}
	v, _ := r.Value(report.TableRequests, "refused.state_secret", "natural_person")
	row := "| （三）不予公开/1.属于国家秘密 | " + report.FormatNumber(v) + " |"
	if !strings.Contains(md, row) {
		t.Errorf("sub-row line missing: %s", row)
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| 四、结转下年度继续办理") {
			if got := strings.Count(line, " | ") + 1; got != 8 {
				t.Errorf("row has %d cells, want 8: %s", got, line)
			}
		}
	}
}

func TestXLSXFiguresAreNumbersInTheirCells(t *testing.T) {
	for _, era := range []report.Era{report.Era2021, report.Era2019} {
		r := sampleReport(t, era)
		f, err := excelize.OpenReader(bytes.NewReader(renderTo(t, "xlsx", r)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(SheetReport)
		grids, _ := Tables(r)
		merges, _ := f.GetMergeCells(SheetReport)
		mergeSet := map[string]string{}
		for _, m := range merges {
			mergeSet[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
		}
		for _, g := range grids {
			top := -1
			for i, row := range rows {
				if len(row) > 0 && row[0] == g.Title && i+1 < len(rows) {
					top = i + 2 // 1-based row of the grid's first row
				}
			}
			if top < 0 {
				t.Fatalf("%s: caption %q not found", era, g.Title)
			}
			for i, row := range g.Cells {
				for j, c := range row {
					if c.Covered {
						continue
					}
					ref := cellName(j+1, top+i)
					if c.RowSpan > 1 || c.ColSpan > 1 {
						span := ref + ":" + cellName(j+c.ColSpan, top+i+c.RowSpan-1)
						if _, ok := mergeSet[span]; !ok {
							t.Errorf("%s %s: merge %s missing", era, g.Title, span)
						}
					}
					if !c.Numeric {
						continue
					}
					got, _ := f.GetCellValue(SheetReport, ref)
					if got != c.Text {
						t.Errorf("%s %s %s = %q, want %q", era, g.Title, ref, got, c.Text)
					}
					if typ, _ := f.GetCellType(SheetReport, ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
						t.Errorf("%s %s: type %v, want a number", era, ref, typ)
					}
				}
			}
		}
		data, _ := f.GetRows(SheetData)
		if got, want := len(data), len(r.Cells())+1; got != want {
			t.Errorf("%s: data sheet has %d rows, want %d", era, got, want)
		}
		if strings.Join(data[0], ",") != "表格,部分,行,列,数值" {
			t.Errorf("data header = %v", data[0])
		}
		f.Close()
	}
}

func TestDOCXIsValidAndTablesAddUp(t *testing.T) {
	r := sampleReport(t, report.Era2021)
	r.Sections[0].Text = "a < b & c > d ]]> \x01控制字符"
	data := renderTo(t, "docx", r)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		parts[f.Name] = b
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(b))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
				}
			}
		}
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels", "docProps/core.xml"} {
		if parts[name] == nil {
			t.Errorf("part %s missing", name)
		}
	}
	ct := string(parts["[Content_Types].xml"])
	for name := range parts {
		if strings.HasSuffix(name, ".xml") && name != "[Content_Types].xml" && !strings.Contains(ct, "/"+name) {
			t.Errorf("part %s not declared in [Content_Types].xml", name)
		}
	}
	doc := string(parts["word/document.xml"])
	for _, want := range []string{`w:w="11906" w:h="16838"`, `w:top="2098"`, `w:left="1587"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("page setup %s missing", want)
		}
	}
	if !strings.Contains(docxTexts(t, data), "a < b & c > d ]]> 控制字符") {
		t.Error("escaped text does not read back")
	}
	// Each row's grid spans add up to the table grid, and the grid fits the text width.
	type tbl struct {
		Grid []struct {
			W int `xml:"w,attr"`
		} `xml:"tblGrid>gridCol"`
		Rows []struct {
			Cells []struct {
				Span *struct {
					Val int `xml:"val,attr"`
				} `xml:"tcPr>gridSpan"`
			} `xml:"tc"`
		} `xml:"tr"`
	}
	var body struct {
		Tables []tbl `xml:"body>tbl"`
	}
	if err := xml.Unmarshal(parts["word/document.xml"], &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Tables) != 6 {
		t.Fatalf("%d tables, want 6", len(body.Tables))
	}
	for i, tb := range body.Tables {
		sum := 0
		for _, g := range tb.Grid {
			sum += g.W
		}
		if sum > docxTextW || sum < docxTextW-20 {
			t.Errorf("table %d grid width %d, text width %d", i, sum, docxTextW)
		}
		for k, row := range tb.Rows {
			n := 0
			for _, c := range row.Cells {
				if c.Span != nil {
					n += c.Span.Val
				} else {
					n++
				}
			}
			if n != len(tb.Grid) {
				t.Errorf("table %d row %d covers %d grid columns, want %d", i, k, n, len(tb.Grid))
			}
		}
	}
}

func TestPDFEmbedsASubsetFontOnA4(t *testing.T) {
	pdffonts := testtool.Require(t, "pdffonts", "poppler-utils")
	pdfinfo := testtool.Require(t, "pdfinfo", "poppler-utils")
	r := sampleReport(t, report.Era2021)
	r.Sections[0].Text = strings.Repeat("长段落文字，检查分页与换行。", 400) + "\n不在字体中的字符：😀𠀀"
	data := renderTo(t, "pdf", r)
	if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[max(0, len(data)-32):], []byte("%%EOF")) {
		t.Fatal("not a complete PDF file")
	}
	if len(data) > 1<<20 {
		t.Errorf("PDF is %d bytes: the font was not subset", len(data))
	}
	run := func(bin string) string {
		cmd := exec.Command(bin, "-")
		cmd.Stdin = bytes.NewReader(data)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", bin, err, out)
		}
		return string(out)
	}
	fonts := run(pdffonts)
	// The body in the serif, the headings in 黑体 (WQY MicroHei), each an embedded subset.
	for _, name := range []string{"NotoSerifSC-Regular", "WenQuanYiMicroHei"} {
		if !regexpMatch(`(?m)^[A-Z]{6}\+`+name+`\s.*yes\s+yes\s+yes`, fonts) {
			t.Errorf("%s not embedded as a subset:\n%s", name, fonts)
		}
	}
	info := run(pdfinfo)
	if !strings.Contains(info, "(A4)") {
		t.Errorf("not A4:\n%s", info)
	}
	pages := 0
	for _, l := range strings.Split(info, "\n") {
		if strings.HasPrefix(l, "Pages:") {
			pages, _ = strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(l, "Pages:")))
		}
	}
	if pages < 4 {
		t.Errorf("%d pages; the long paragraph should flow over several", pages)
	}
	if txt := squash(textOf(t, "pdf", data)); !strings.Contains(txt, "不在字体中的字符：") {
		t.Error("text around unsupported characters lost")
	}
}

func BenchmarkRender(b *testing.B) {
	r := sampleReport(b, report.Era2021)
	for _, format := range []string{"html", "md", "xlsx", "docx", "pdf"} {
		b.Run(format, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := renderers[format](&buf, r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes")
		})
	}
}

func regexpMatch(pattern, s string) bool {
	return regexp.MustCompile(pattern).MatchString(s)
}
