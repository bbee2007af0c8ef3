package render

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/report"
)

func renderXLSX(tb testing.TB, r *report.Report) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := XLSX(&buf, r); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func openXLSX(tb testing.TB, data []byte) *excelize.File {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// xlsxTableTops finds each grid on the report sheet the way a reader does: its caption in column A, after the end
// of the table before it, with the grid starting in column A of the next row. It returns the 1-based row of each
// grid's first row.
func xlsxTableTops(t *testing.T, f *excelize.File, grids []*Grid) []int {
	t.Helper()
	rows, err := f.GetRows(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	var tops []int
	next := 0 // 0-based index of the first row to search
	for _, g := range grids {
		top := -1
		for i := next; i < len(rows); i++ {
			if len(rows[i]) > 0 && rows[i][0] == g.Title {
				top = i + 2
				break
			}
		}
		if top < 0 {
			t.Fatalf("caption %q not found after row %d", g.Title, next)
		}
		tops = append(tops, top)
		next = top - 1 + g.Rows()
	}
	return tops
}

func xlsxMergeSet(t *testing.T, f *excelize.File) map[string]string {
	t.Helper()
	merges, err := f.GetMergeCells(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]string{}
	for _, m := range merges {
		set[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
	}
	return set
}

func xlsxStyleOf(t *testing.T, f *excelize.File, sheet, ref string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// xlsxAllCells returns the text of every non-empty cell of every sheet, as a reader sees it (number formats applied).
func xlsxAllCells(t *testing.T, f *excelize.File) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			for _, v := range row {
				if v != "" {
					out[v] = true
				}
			}
		}
	}
	return out
}

// TestXLSXRoundTrip renders the complete 2021 and 2019 samples, reads the workbook back with excelize and checks
// the report sheet cell for cell against the grids: every figure of r.Cells() as a number in its cell with its
// number format, every label in its cell, every span a real merge, borders on every table cell (covered ones too),
// styled headers, and every expected text somewhere in the workbook.
func TestXLSXRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		era        report.Era
		resultRows int // rows under 三、本年度办理结果
	}{
		{report.Era2021, 22},
		{report.Era2019, 20},
	} {
		t.Run(string(tc.era), func(t *testing.T) {
			r := sampleReport(t, tc.era)
			f := openXLSX(t, renderXLSX(t, r))
			if got, want := f.GetSheetList(), []string{SheetReport, SheetData}; !slices.Equal(got, want) {
				t.Fatalf("sheets %v, want %v", got, want)
			}
			grids, err := Tables(r)
			if err != nil {
				t.Fatal(err)
			}
			tops := xlsxTableTops(t, f, grids)
			merges := xlsxMergeSet(t, f)
			widest := 0
			for _, g := range grids {
				widest = max(widest, g.Cols())
			}

			// The title: A1, merged across the widest table, bold, centred, larger.
			title := "A1:" + cellName(widest, 1)
			if got, ok := merges[title]; !ok || got != DocumentTitle(r) {
				t.Errorf("title merge %s = %q, %v; want %q", title, got, ok, DocumentTitle(r))
			}
			if st := xlsxStyleOf(t, f, SheetReport, "A1"); !st.Font.Bold || st.Font.Size <= xlsxBodySize || st.Alignment.Horizontal != "center" {
				t.Errorf("title style %+v %+v", st.Font, st.Alignment)
			}

			pos := map[string]int{} // table ID → index in grids
			for gi, g := range grids {
				pos[g.Spec.ID] = gi
				top := tops[gi]
				// The caption row spans the table; a blank row separates it from whatever is above.
				if g.Cols() > 1 {
					if _, ok := merges[cellName(1, top-1)+":"+cellName(g.Cols(), top-1)]; !ok {
						t.Errorf("%s: caption row %d is not merged across %d columns", g.Title, top-1, g.Cols())
					}
				}
				if gi > 0 && grids[gi-1].Spec.Section == g.Spec.Section {
					if above := tops[gi-1] + grids[gi-1].Rows(); above != top-2 {
						t.Errorf("%s: %d rows between tables, want one blank row", g.Title, top-2-above+1)
					}
					if v, _ := f.GetCellValue(SheetReport, cellName(1, top-2)); v != "" {
						t.Errorf("%s: row above the caption holds %q", g.Title, v)
					}
				}
				for i, row := range g.Cells {
					for j, c := range row {
						ref := cellName(j+1, top+i)
						st := xlsxStyleOf(t, f, SheetReport, ref)
						if len(st.Border) != 4 {
							t.Errorf("%s %s: %d borders, want 4", g.Title, ref, len(st.Border))
						}
						if c.Covered {
							continue
						}
						if c.RowSpan > 1 || c.ColSpan > 1 {
							span := ref + ":" + cellName(j+c.ColSpan, top+i+c.RowSpan-1)
							if got, ok := merges[span]; !ok || got != c.Text {
								t.Errorf("%s: merge %s = %q, %v; want %q", g.Title, span, got, ok, c.Text)
							}
						}
						got, err := f.GetCellValue(SheetReport, ref)
						if err != nil {
							t.Fatal(err)
						}
						if got != c.Text {
							t.Errorf("%s %s = %q, want %q", g.Title, ref, got, c.Text)
						}
						switch {
						case c.Numeric:
							if st.Alignment == nil || st.Alignment.Horizontal != "right" {
								t.Errorf("%s %s: figure not right-aligned", g.Title, ref)
							}
							col := g.Spec.Columns[j-g.LabelCols]
							if col.Kind == report.Amount {
								if st.CustomNumFmt == nil || *st.CustomNumFmt != "0.00##" {
									t.Errorf("%s %s: amount format %v, want 0.00##", g.Title, ref, st.CustomNumFmt)
								}
							} else if st.NumFmt != 1 {
								t.Errorf("%s %s: number format %d, want 1 (\"0\")", g.Title, ref, st.NumFmt)
							}
						case c.Header && i < g.HeaderRows:
							if !st.Font.Bold || st.Alignment.Horizontal != "center" || !st.Alignment.WrapText || len(st.Fill.Color) == 0 {
								t.Errorf("%s %s: header style font %+v alignment %+v fill %+v", g.Title, ref, st.Font, st.Alignment, st.Fill)
							}
						case c.Header:
							if !st.Alignment.WrapText {
								t.Errorf("%s %s: row label does not wrap", g.Title, ref)
							}
						}
					}
				}
			}

			// Every stated figure sits, as a number, where the grid puts its row and column.
			cells := r.Cells()
			if len(cells) == 0 {
				t.Fatal("sample has no figures")
			}
			for _, c := range cells {
				g := grids[pos[c.Table]]
				ri := slices.IndexFunc(g.Spec.DataRows(), func(x report.Row) bool { return x.ID == c.RowID })
				ci := slices.IndexFunc(g.Spec.Columns, func(x report.Column) bool { return x.ID == c.ColumnID })
				ref := cellName(g.LabelCols+ci+1, tops[pos[c.Table]]+g.HeaderRows+ri)
				raw, err := f.GetCellValue(SheetReport, ref, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				if v, err := strconv.ParseFloat(raw, 64); err != nil || v != c.Value {
					t.Errorf("%s %s/%s at %s: raw %q, want %v", c.Table, c.Row, c.Column, ref, raw, c.Value)
				}
				if typ, _ := f.GetCellType(SheetReport, ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
					t.Errorf("%s: cell type %v, want a number", ref, typ)
				}
			}

			// Section 三's merges: the corner note 3×3, 申请人情况 across the seven columns, the results band.
			top := tops[pos[report.TableRequests]]
			for span, want := range map[string]string{
				cellName(1, top) + ":" + cellName(3, top+2):                               report.RequestsCaption,
				cellName(4, top) + ":" + cellName(10, top):                                "申请人情况",
				cellName(1, top+5) + ":" + cellName(1, top+5+tc.resultRows-1):             "三、本年度办理结果",
				cellName(2, top+7) + ":" + cellName(2, top+7+7):                           "（三）不予公开",
				cellName(5, top+1) + ":" + cellName(9, top+1):                             "法人或其他组织",
				cellName(1, top+5+tc.resultRows) + ":" + cellName(3, top+5+tc.resultRows): "四、结转下年度继续办理",
			} {
				if got, ok := merges[span]; !ok || got != want {
					t.Errorf("section 三 merge %s = %q, %v; want %q", span, got, ok, want)
				}
			}

			// Every label, heading, paragraph and figure is a cell of the workbook.
			all := xlsxAllCells(t, f)
			for _, want := range expectedTexts(t, r) {
				if !all[want] {
					t.Errorf("text %q is in no cell", want)
				}
			}
			// Section headings are in 黑体, the rest in 宋体.
			if font, _ := f.GetDefaultFont(); font != xlsxFontBody {
				t.Errorf("default font %q, want %s", font, xlsxFontBody)
			}
			rows, _ := f.GetRows(SheetReport)
			for i, row := range rows {
				if len(row) > 0 && strings.HasPrefix(row[0], "三、收到和处理") {
					if st := xlsxStyleOf(t, f, SheetReport, cellName(1, i+1)); st.Font.Family != xlsxFontHeading {
						t.Errorf("heading font %q, want %s", st.Font.Family, xlsxFontHeading)
					}
				}
			}

			xlsxCheckDataSheet(t, f, r, grids)
			xlsxCheckSetup(t, f, r, "landscape")
		})
	}
}

// xlsxCheckDataSheet checks the long-form sheet: the header, one row per stated figure in order with its value as
// a number, a filter over the header and a frozen header row.
func xlsxCheckDataSheet(t *testing.T, f *excelize.File, r *report.Report, grids []*Grid) {
	t.Helper()
	cells := r.Cells()
	rows, err := f.GetRows(SheetData)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), len(cells)+1; got != want {
		t.Fatalf("data sheet has %d rows, want %d", got, want)
	}
	if got := strings.Join(rows[0], ","); got != "表格,部分,行,列,数值" {
		t.Errorf("data header = %s", got)
	}
	titles := map[string]string{}
	for _, g := range grids {
		titles[g.Spec.ID] = g.Title
	}
	for i, c := range cells {
		row := rows[i+1]
		for len(row) < 5 {
			row = append(row, "")
		}
		want := []string{titles[c.Table], c.Section, c.Row, c.Column, report.FormatNumber(c.Value)}
		if !slices.Equal(row[:5], want) {
			t.Errorf("data row %d = %q, want %q", i+2, row, want)
		}
		ref := cellName(5, i+2)
		raw, _ := f.GetCellValue(SheetData, ref, excelize.Options{RawCellValue: true})
		if v, err := strconv.ParseFloat(raw, 64); err != nil || v != c.Value {
			t.Errorf("data %s raw %q, want %v", ref, raw, c.Value)
		}
		if typ, _ := f.GetCellType(SheetData, ref); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("data %s: type %v, want a number", ref, typ)
		}
	}
	filter := false
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm._FilterDatabase" && dn.Scope == SheetData && strings.HasSuffix(dn.RefersTo, "$A$1:$E$"+strconv.Itoa(len(cells)+1)) {
			filter = true
		}
	}
	if !filter {
		t.Errorf("no filter over A1:E%d: %+v", len(cells)+1, f.GetDefinedName())
	}
	panes, err := f.GetPanes(SheetData)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 {
		t.Errorf("data panes %+v, want the header row frozen", panes)
	}
}

// xlsxCheckSetup checks what every workbook has: document properties, an unfrozen report sheet printed on A4 one
// page wide.
func xlsxCheckSetup(t *testing.T, f *excelize.File, r *report.Report, orientation string) {
	t.Helper()
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Title != DocumentTitle(r) || props.Subject != "政府信息公开工作年度报告" || props.Creator != "gongkai" {
		t.Errorf("document properties %+v", props)
	}
	layout, err := f.GetPageLayout(SheetReport)
	if err != nil {
		t.Fatal(err)
	}
	if layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != orientation ||
		layout.FitToWidth == nil || *layout.FitToWidth != 1 || layout.FitToHeight == nil || *layout.FitToHeight != 0 {
		t.Errorf("page layout %+v, want A4 %s one page wide", layout, orientation)
	}
	if sp, _ := f.GetSheetProps(SheetReport); sp.FitToPage == nil || !*sp.FitToPage {
		t.Error("report sheet does not fit to page")
	}
	if panes, _ := f.GetPanes(SheetReport); panes.Freeze {
		t.Errorf("report sheet panes frozen: %+v", panes)
	}
}

// TestXLSXPre2019HasTextAndNoTables renders a free-text report: its whole text is on the report sheet, printed
// portrait, with no table and no merge, and the data sheet holds only its header.
func TestXLSXPre2019HasTextAndNoTables(t *testing.T) {
	r := sampleReport(t, report.EraPre2019)
	f := openXLSX(t, renderXLSX(t, r))
	all := xlsxAllCells(t, f)
	for _, want := range expectedTexts(t, r) {
		if !all[want] {
			t.Errorf("text %q is in no cell", want)
		}
	}
	if merges := xlsxMergeSet(t, f); len(merges) != 0 {
		t.Errorf("merges %v in a report without tables", merges)
	}
	rows, _ := f.GetRows(SheetReport)
	for i, row := range rows {
		if len(row) > 1 {
			t.Errorf("row %d has %d columns: %q", i+1, len(row), row)
		}
		if len(row) == 1 {
			if st := xlsxStyleOf(t, f, SheetReport, cellName(1, i+1)); len(st.Border) != 0 {
				t.Errorf("row %d is bordered like a table cell", i+1)
			}
		}
	}
	if data, _ := f.GetRows(SheetData); len(data) != 1 {
		t.Errorf("data sheet has %d rows, want the header only", len(data))
	}
	xlsxCheckSetup(t, f, r, "portrait")
}

// TestXLSXMissingFiguresStayEmpty leaves figures, a whole table, the agency, the year and sections out: the missing
// cells are empty but bordered (never 0), the data sheet lists only what is stated, and bare reports of every era
// render without error.
func TestXLSXMissingFiguresStayEmpty(t *testing.T) {
	r := sampleReport(t, report.Era2021)
	delete(r.Tables[report.TableRequests][report.RowNew], "research")
	delete(r.Tables[report.TableRequests], "refused.state_secret")
	delete(r.Tables, report.TableAppeals)
	r.Agency, r.Year, r.Signed, r.Sections = "", 0, "", r.Sections[:1]
	r.Set(report.TableRequests, "disclosed", "natural_person", 1.5) // a count that is not whole shows its decimals
	r.Set(report.TableFees, "fees", "amount", 3)                    // an amount shows at least two decimals
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, renderXLSX(t, r))
	grids, _ := Tables(r)
	tops := xlsxTableTops(t, f, grids)
	empty := 0
	for gi, g := range grids {
		for i, row := range g.Cells {
			for j, c := range row {
				if !c.Numeric {
					continue
				}
				ref := cellName(j+1, tops[gi]+i)
				raw, _ := f.GetCellValue(SheetReport, ref, excelize.Options{RawCellValue: true})
				if c.Missing {
					empty++
					if raw != "" {
						t.Errorf("%s: missing figure written as %q", ref, raw)
					}
					if st := xlsxStyleOf(t, f, SheetReport, ref); len(st.Border) != 4 {
						t.Errorf("%s: missing figure has no border", ref)
					}
				} else if raw == "" {
					t.Errorf("%s: stated figure %q left empty", ref, c.Text)
				}
			}
		}
	}
	if want := 1 + 7 + 15; empty != want {
		t.Errorf("%d empty figure cells, want %d", empty, want)
	}
	g := grids[slices.IndexFunc(grids, func(g *Grid) bool { return g.Spec.ID == report.TableRequests })]
	ref := cellName(g.LabelCols+1, tops[slices.Index(grids, g)]+g.HeaderRows+2) // （一）予以公开 / 自然人
	if got, _ := f.GetCellValue(SheetReport, ref); got != "1.5" {
		t.Errorf("%s = %q, want 1.5", ref, got)
	}
	fees := grids[slices.IndexFunc(grids, func(g *Grid) bool { return g.Spec.ID == report.TableFees })]
	ref = cellName(2, tops[slices.Index(grids, fees)]+1)
	if got, _ := f.GetCellValue(SheetReport, ref); got != "3.00" {
		t.Errorf("whole amount %s = %q, want 3.00", ref, got)
	}
	if data, _ := f.GetRows(SheetData); len(data) != len(r.Cells())+1 {
		t.Errorf("data sheet has %d rows, want %d", len(data), len(r.Cells())+1)
	}
	if v, _ := f.GetCellValue(SheetReport, "A1"); v != "政府信息公开工作年度报告" {
		t.Errorf("title %q", v)
	}
	// Bare reports of every era render too.
	for _, era := range []report.Era{report.Era2021, report.Era2019, report.EraPre2019} {
		bare := &report.Report{Era: era}
		data := renderXLSX(t, bare)
		if rows, _ := openXLSX(t, data).GetRows(SheetData); len(rows) != 1 {
			t.Errorf("%s: bare report has %d data rows, want the header only", era, len(rows))
		}
	}
}

// TestXLSXLongAndDirtyText splits a paragraph too long for one row into rows that read back as the paragraph, keeps
// every row within Excel's height limit, drops control characters XML cannot carry, and widens a column for a long
// figure so that it does not show as ####.
func TestXLSXLongAndDirtyText(t *testing.T) {
	r := sampleReport(t, report.Era2021)
	long := strings.Repeat("本机关坚持以公开为常态、不公开为例外，持续深化政务公开。", 300)
	r.Sections[0].Text = long + "\na < b & c > d \x01控制字符"
	r.Set(report.TableRequests, report.RowNew, "natural_person", 123456789012)
	f := openXLSX(t, renderXLSX(t, r))
	if w, _ := f.GetColWidth(SheetReport, "D"); w < 14 {
		t.Errorf("column D is %.1f wide, too narrow for 123456789012", w)
	}
	rows, _ := f.GetRows(SheetReport)
	var joined strings.Builder
	pieces := 0
	for i, row := range rows {
		if h, _ := f.GetRowHeight(SheetReport, i+1); h > 409 {
			t.Errorf("row %d is %.0f points high", i+1, h)
		}
		if len(row) > 0 && strings.HasPrefix(row[0], "本机关坚持") {
			joined.WriteString(row[0])
			pieces++
		}
	}
	if joined.String() != long || pieces < 2 {
		t.Errorf("long paragraph in %d pieces reads back as %d characters, want %d", pieces, len(joined.String()), len(long))
	}
	if !xlsxAllCells(t, f)["a < b & c > d 控制字符"] {
		t.Error("text with markup characters does not read back")
	}
}

// TestXLSXIsAValidPackage checks the file as a zip: the parts Excel needs exist, every XML part is well-formed, and
// the same report always gives the same bytes.
func TestXLSXIsAValidPackage(t *testing.T) {
	r := sampleReport(t, report.Era2021)
	data := renderXLSX(t, r)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]bool{}
	for _, zf := range zr.File {
		parts[zf.Name] = true
		if !strings.HasSuffix(zf.Name, ".xml") && !strings.HasSuffix(zf.Name, ".rels") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(rc)
		for {
			if _, err := dec.Token(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", zf.Name, err)
			}
		}
		rc.Close()
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "docProps/core.xml"} {
		if !parts[name] {
			t.Errorf("part %s missing", name)
		}
	}
	if !bytes.Equal(data, renderXLSX(t, r)) {
		t.Error("rendering the same report twice gives different files")
	}
}

// TestXLSXOpensInLibreOffice converts the workbook to CSV with LibreOffice when it is installed (it is not by
// default, so the test skips without it) and checks that it reads every label and figure of the report sheet.
func TestXLSXOpensInLibreOffice(t *testing.T) {
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed")
	}
	if testing.Short() {
		t.Skip("slow: starts LibreOffice")
	}
	r := sampleReport(t, report.Era2021)
	dir := t.TempDir()
	in := filepath.Join(dir, "report.xlsx")
	if err := os.WriteFile(in, renderXLSX(t, r), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	fh, err := os.Open(filepath.Join(dir, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	cr := csv.NewReader(fh)
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, rec := range records {
		for _, v := range rec {
			got[v] = true
		}
	}
	for _, want := range expectedTexts(t, r) {
		if !got[want] {
			t.Errorf("LibreOffice does not read %q", want)
		}
	}
}

func BenchmarkXLSX(b *testing.B) {
	r := sampleReport(b, report.Era2021)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := XLSX(&buf, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

// TestXLSXNeutralisesFormulas renders a report whose agency, preamble and a paragraph read like formulas (a report
// imported from a hostile page) and reads the workbook back: every such text is there, none starts a formula.
func TestXLSXNeutralisesFormulas(t *testing.T) {
	r := sampleReport(t, report.Era2021)
	const evil = `=HYPERLINK("http://x","点击")`
	r.Agency = evil
	r.Preamble = "@SUM(1+1)*cmd|' /C calc'!A0"
	r.Sections[0].Text = "+cmd|' /C calc'!A0\n－1+1"
	f := openXLSX(t, renderXLSX(t, r))
	cells := xlsxAllCells(t, f)
	for v := range cells {
		if v != "" && strings.ContainsRune("=+@\t\r＝＋－＠", []rune(v)[0]) {
			t.Errorf("cell %q starts a formula", v)
		}
	}
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh)
		for i, row := range rows {
			for j := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if fm, _ := f.GetCellFormula(sh, cell); fm != "" {
					t.Errorf("%s!%s is a formula %q", sh, cell, fm)
				}
			}
		}
	}
	if !cells["'@SUM(1+1)*cmd|' /C calc'!A0"] && !cells["'+cmd|' /C calc'!A0"] {
		t.Error("the hostile text is not in the workbook as text")
	}
}
