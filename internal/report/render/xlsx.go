package render

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/sheet"
)

// Sheet names of the workbook XLSX writes.
const (
	// SheetReport is the sheet holding the whole report in the official layout.
	SheetReport = "年度报告"
	// SheetData is the sheet holding one row per stated figure, for analysts.
	SheetData = "数据"
)

// Fonts: 宋体 for text and tables, 黑体 for section headings. Excel and WPS know both names; LibreOffice substitutes a
// CJK serif and sans through its replacement table. Charset 134 (GB2312) tells Excel which script the font is for.
const (
	xlsxFontBody      = "宋体"
	xlsxFontHeading   = "黑体"
	xlsxCharsetGB2312 = 134
	xlsxBodySize      = 11.0
	xlsxTitleSize     = 18.0
	xlsxHeadingSize   = 12.0
)

// Column widths are in Excel's unit, the width of a digit of the default font: with 宋体 11 a digit is 8 pixels and
// a Chinese character 15, so a Chinese character is about 1.9 units wide.
const (
	xlsxGroupLabelWidth = 13.0 // outer label columns (vertical group labels such as （三）不予公开)
	xlsxLabelWidth      = 32.0 // the innermost label column (the longest row labels)
	xlsxFigureWidth     = 10.0 // figure columns
	xlsxTextOnlyWidth   = 72.0 // the single text column of a report without tables
	xlsxMaxRowHeight    = 409.0
	xlsxMinTableRow     = 20.0
)

// Number formats: whole counts and deltas print as "0", amounts with two to four decimals. A count that is not whole
// is a data error; it prints with its decimals rather than rounded, so that the error shows.
const (
	xlsxFmtAmount   = "0.00##"
	xlsxFmtFraction = "0.0###"
)

// xlsxStyles holds the workbook's style IDs.
type xlsxStyles struct {
	title, heading, para, signature int
	caption, head, label, group     int
	count, fraction, amount         int
	dataHead, dataCount, dataAmount int
	dataFraction, dataText          int
}

func xlsxFont(family string, size float64, bold bool) *excelize.Font {
	cs := xlsxCharsetGB2312
	return &excelize.Font{Family: family, Size: size, Bold: bold, Charset: &cs}
}

func newXLSXStyles(f *excelize.File) (*xlsxStyles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}
	body := xlsxFont(xlsxFontBody, xlsxBodySize, false)
	bold := xlsxFont(xlsxFontBody, xlsxBodySize, true)
	amount, fraction := xlsxFmtAmount, xlsxFmtFraction
	figure := func(numFmt int, custom *string, b []excelize.Border) *excelize.Style {
		return &excelize.Style{
			Font: body, Border: b, NumFmt: numFmt, CustomNumFmt: custom,
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"},
		}
	}
	s := &xlsxStyles{}
	for _, d := range []struct {
		dst *int
		st  *excelize.Style
	}{
		{&s.title, &excelize.Style{Font: xlsxFont(xlsxFontBody, xlsxTitleSize, true),
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.heading, &excelize.Style{Font: xlsxFont(xlsxFontHeading, xlsxHeadingSize, false),
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}}},
		{&s.para, &excelize.Style{Font: body,
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}}},
		{&s.signature, &excelize.Style{Font: body,
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}}},
		{&s.caption, &excelize.Style{Font: bold, Border: border, Fill: grey,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.head, &excelize.Style{Font: bold, Border: border, Fill: grey,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.label, &excelize.Style{Font: body, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}}},
		{&s.group, &excelize.Style{Font: body, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.count, figure(1, nil, border)},
		{&s.fraction, figure(0, &fraction, border)},
		{&s.amount, figure(0, &amount, border)},
		{&s.dataHead, &excelize.Style{Font: bold, Fill: grey,
			Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.dataText, &excelize.Style{Font: body, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.dataCount, figure(1, nil, nil)},
		{&s.dataFraction, figure(0, &fraction, nil)},
		{&s.dataAmount, figure(0, &amount, nil)},
	} {
		id, err := f.NewStyle(d.st)
		if err != nil {
			return nil, err
		}
		*d.dst = id
	}
	return s, nil
}

// figureStyle returns the style of a figure: amounts with decimals, whole counts as integers, other counts with
// their decimals.
func figureStyle(kind report.ValueKind, v float64, amount, count, fraction int) int {
	switch {
	case kind == report.Amount:
		return amount
	case v != math.Trunc(v):
		return fraction
	}
	return count
}

// XLSX writes the report as a workbook that opens in Excel, WPS and LibreOffice.
//
// Sheet 年度报告 holds the whole report in reading order: the title, each section heading, the narrative and each
// official table with its merged headers, borders and figures as numbers, and the signature; it prints on A4, one
// page wide. Sheet 数据 holds one row per stated figure (表格, 部分, 行, 列, 数值) with a filter, for analysts.
//
// The narrative sits on the first sheet rather than on a sheet of its own: the sheet is then the report as
// published, it prints as one document in the official order, and a reader sees each table under its section
// heading with the text that explains it, instead of tables cut loose from their sections.
func XLSX(w io.Writer, r *report.Report) error {
	blocks, err := Outline(r)
	if err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := xlsxBuild(f, r, blocks); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	return nil
}

func xlsxBuild(f *excelize.File, r *report.Report, blocks []Block) error {
	if err := f.SetDefaultFont(xlsxFontBody); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetReport); err != nil {
		return err
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	var grids []*Grid
	for _, b := range blocks {
		if b.Kind == Table && b.Grid != nil {
			grids = append(grids, b.Grid)
		}
	}
	s := &xlsxSheet{f: f, st: st, widths: xlsxColumnWidths(grids), row: 1, blank: true}
	for _, b := range blocks {
		if err := s.block(b); err != nil {
			return err
		}
	}
	for c, wd := range s.widths {
		name, err := excelize.ColumnNumberToName(c + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(SheetReport, name, name, wd); err != nil {
			return err
		}
	}
	if err := xlsxPageSetup(f, len(grids) > 0); err != nil {
		return err
	}
	if err := xlsxData(f, st, r, grids); err != nil {
		return err
	}
	props := &excelize.DocProperties{
		Title: DocumentTitle(r), Subject: "政府信息公开工作年度报告", Creator: "gongkai", LastModifiedBy: "gongkai",
		Language: "zh-CN",
	}
	// The report's own date (signed, else published) stands for the document's, so that the same report always
	// gives the same file.
	if d := reportDate(r); !d.IsZero() {
		props.Created = d.Format(time.RFC3339)
		props.Modified = props.Created
	}
	if err := f.SetDocProps(props); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return nil
}

// xlsxColumnWidths returns the width of each column of the report sheet. Every table starts in column A with one
// sheet column per grid column, so a column serves all tables at once; the widths follow the table with the deepest
// row labels (section 三), whose outer label columns hold only vertical group labels and stay narrow while the
// innermost holds the longest labels. Section 二's single label column is then column A, wide enough for its
// labels on one or two lines. A report without tables gets one wide text column.
func xlsxColumnWidths(grids []*Grid) []float64 {
	cols, labels := 0, 0
	for _, g := range grids {
		cols = max(cols, g.Cols())
		labels = max(labels, g.LabelCols)
	}
	if cols == 0 {
		return []float64{xlsxTextOnlyWidth}
	}
	widths := make([]float64, cols)
	for c := range widths {
		switch {
		case c < labels-1:
			widths[c] = xlsxGroupLabelWidth
		case c == labels-1:
			widths[c] = xlsxLabelWidth
		default:
			widths[c] = xlsxFigureWidth
		}
	}
	// A figure too long for its column would show as ####: widen the column to the longest one.
	for _, g := range grids {
		for _, row := range g.Cells {
			for j, c := range row {
				if c.Numeric && !c.Covered && c.Text != "" {
					n := float64(len(c.Text))
					if k := j - g.LabelCols; k >= 0 && k < len(g.Spec.Columns) && g.Spec.Columns[k].Kind == report.Amount && !strings.Contains(c.Text, ".") {
						n += 3 // the two decimals the amount format always shows
					}
					widths[j] = max(widths[j], n+2)
				}
			}
		}
	}
	return widths
}

// xlsxPageSetup prints the report sheet on A4, one page wide, centred, with page numbers in the footer. A report
// with tables prints landscape so the widest table stays legible; a text-only report (pre-2019) prints portrait
// like the published document.
func xlsxPageSetup(f *excelize.File, tables bool) error {
	size, orientation, one, zero, fit := 9, "portrait", 1, 0, true
	if tables {
		orientation = "landscape"
	}
	if err := f.SetSheetProps(SheetReport, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(SheetReport, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &orientation, FitToWidth: &one, FitToHeight: &zero,
	}); err != nil {
		return err
	}
	side, edge, hf, centre := 0.5, 0.6, 0.3, true
	if err := f.SetPageMargins(SheetReport, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &edge, Bottom: &edge, Header: &hf, Footer: &hf, Horizontally: &centre,
	}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(SheetReport, &excelize.HeaderFooterOptions{
		OddFooter: "&C第 &P 页，共 &N 页",
	}); err != nil {
		return err
	}
	// The tables draw their own borders; without gridlines the sheet reads like the printed report.
	off := false
	return f.SetSheetView(SheetReport, 0, &excelize.ViewOptions{ShowGridLines: &off})
}

// xlsxSheet writes blocks down the report sheet.
type xlsxSheet struct {
	f      *excelize.File
	st     *xlsxStyles
	widths []float64
	row    int  // the next row to write
	blank  bool // whether the row above the next one is blank (or there is none)
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// gap leaves one blank row, unless the row above is blank already.
func (s *xlsxSheet) gap() {
	if !s.blank {
		s.row++
		s.blank = true
	}
}

func (s *xlsxSheet) block(b Block) error {
	switch b.Kind {
	case Title:
		if err := s.line(b.Text, s.st.title, xlsxTitleSize, 0); err != nil {
			return err
		}
		s.gap()
	case Heading:
		s.gap()
		return s.line(b.Text, s.st.heading, xlsxHeadingSize, 24)
	case Paragraph:
		for _, part := range splitForCell(b.Text, s.maxUnits()) {
			if err := s.line(part, s.st.para, xlsxBodySize, 0); err != nil {
				return err
			}
		}
	case Table:
		if b.Grid == nil {
			return nil
		}
		if err := s.table(b.Grid); err != nil {
			return err
		}
		s.gap()
	case Signature:
		s.gap()
		for _, t := range []string{b.Text, b.Date} {
			if strings.TrimSpace(t) != "" {
				if err := s.line(t, s.st.signature, xlsxBodySize, 0); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// span returns the width, in Excel units, of columns [from, from+n) (0-based).
func (s *xlsxSheet) span(from, n int) float64 {
	w := 0.0
	for c := from; c < from+n && c < len(s.widths); c++ {
		w += s.widths[c]
	}
	return w
}

// maxUnits is how much text one merged text row holds at the largest row height.
func (s *xlsxSheet) maxUnits() float64 {
	perLine := textLineUnits(s.span(0, len(s.widths)))
	return perLine * math.Floor((xlsxMaxRowHeight-6)/lineHeight(xlsxBodySize))
}

// line writes one text row merged across the sheet's text width, as tall as its wrapped text needs.
func (s *xlsxSheet) line(text string, style int, size, minHeight float64) error {
	from, to := cellName(1, s.row), cellName(len(s.widths), s.row)
	if err := s.f.SetCellStr(SheetReport, from, cleanCellText(text)); err != nil {
		return err
	}
	if from != to {
		if err := s.f.MergeCell(SheetReport, from, to); err != nil {
			return err
		}
	}
	if err := s.f.SetCellStyle(SheetReport, from, to, style); err != nil {
		return err
	}
	h := max(minHeight, textHeight(text, size, s.span(0, len(s.widths))))
	if err := s.f.SetRowHeight(SheetReport, s.row, math.Min(h, xlsxMaxRowHeight)); err != nil {
		return err
	}
	s.row++
	s.blank = false
	return nil
}

// table draws one official table: a caption row merged across the table, then the grid cell for cell, starting in
// column A, with a real merge for every span and the anchor's style over the whole merged range so that borders
// draw on every edge.
func (s *xlsxSheet) table(g *Grid) error {
	f, st := s.f, s.st
	cols := g.Cols()
	if cols == 0 {
		return nil
	}
	capFrom, capTo := cellName(1, s.row), cellName(cols, s.row)
	if err := f.SetCellStr(SheetReport, capFrom, cleanCellText(g.Title)); err != nil {
		return err
	}
	if capFrom != capTo {
		if err := f.MergeCell(SheetReport, capFrom, capTo); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(SheetReport, capFrom, capTo, st.caption); err != nil {
		return err
	}
	if err := f.SetRowHeight(SheetReport, s.row, math.Max(xlsxMinTableRow+2, textHeight(g.Title, xlsxBodySize, s.span(0, cols)))); err != nil {
		return err
	}
	top := s.row + 1
	dataRows := g.Spec.DataRows()
	heights := make([]float64, g.Rows())
	for i := range heights {
		heights[i] = xlsxMinTableRow
	}
	type tall struct {
		i, n int
		h    float64
	}
	var spanning []tall
	for i, row := range g.Cells {
		for j, c := range row {
			if c.Covered {
				continue
			}
			rs, cs := max(c.RowSpan, 1), max(c.ColSpan, 1)
			from, to := cellName(j+1, top+i), cellName(j+cs, top+i+rs-1)
			style := st.label
			switch {
			case c.Numeric:
				var col report.Column
				if k := j - g.LabelCols; k >= 0 && k < len(g.Spec.Columns) {
					col = g.Spec.Columns[k]
				}
				v, ok := gridValue(g, dataRows, i, j)
				style = figureStyle(col.Kind, v, st.amount, st.count, st.fraction)
				if ok && !c.Missing {
					if err := f.SetCellFloat(SheetReport, from, v, -1, 64); err != nil {
						return err
					}
				}
			case c.Header && i < g.HeaderRows:
				style = st.head
			case c.Scope == "rowgroup":
				style = st.group
			}
			if !c.Numeric && c.Text != "" {
				if err := f.SetCellStr(SheetReport, from, cleanCellText(c.Text)); err != nil {
					return err
				}
			}
			if err := f.SetCellStyle(SheetReport, from, to, style); err != nil {
				return err
			}
			if from != to {
				if err := f.MergeCell(SheetReport, from, to); err != nil {
					return err
				}
			}
			if c.Numeric || c.Text == "" {
				continue
			}
			h := textHeight(c.Text, xlsxBodySize, s.span(j, cs))
			if rs == 1 {
				heights[i] = max(heights[i], h)
			} else {
				spanning = append(spanning, tall{i, min(rs, len(heights)-i), h})
			}
		}
	}
	// A label spanning several rows gets the rows it needs, shared out evenly.
	for _, t := range spanning {
		have := 0.0
		for k := t.i; k < t.i+t.n; k++ {
			have += heights[k]
		}
		if have < t.h {
			extra := (t.h - have) / float64(t.n)
			for k := t.i; k < t.i+t.n; k++ {
				heights[k] += extra
			}
		}
	}
	for i, h := range heights {
		if err := f.SetRowHeight(SheetReport, top+i, math.Min(math.Ceil(h), xlsxMaxRowHeight)); err != nil {
			return err
		}
	}
	s.row = top + g.Rows()
	s.blank = false
	return nil
}

// gridValue returns the figure of grid cell (i, j) as a number: from the table's values where the cell maps onto
// a data row and column, else parsed from the cell's text.
func gridValue(g *Grid, dataRows []report.Row, i, j int) (float64, bool) {
	ri, ci := i-g.HeaderRows, j-g.LabelCols
	if ri >= 0 && ri < len(dataRows) && ci >= 0 && ci < len(g.Spec.Columns) {
		v, ok := g.Values[dataRows[ri].ID][g.Spec.Columns[ci].ID]
		return v, ok
	}
	v, err := strconv.ParseFloat(g.Cells[i][j].Text, 64)
	return v, err == nil
}

// xlsxData writes the long-form sheet: a header and one row per stated figure, with a filter and a frozen header.
func xlsxData(f *excelize.File, st *xlsxStyles, r *report.Report, grids []*Grid) error {
	if _, err := f.NewSheet(SheetData); err != nil {
		return err
	}
	head := []any{"表格", "部分", "行", "列", "数值"}
	if err := f.SetSheetRow(SheetData, "A1", &head); err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetData, "A1", "E1", st.dataHead); err != nil {
		return err
	}
	titles := map[string]string{}
	kinds := map[string]report.ValueKind{}
	for _, g := range grids {
		titles[g.Spec.ID] = g.Title
		for _, c := range g.Spec.Columns {
			kinds[g.Spec.ID+"\x00"+c.ID] = c.Kind
		}
	}
	cells := r.Cells()
	for i, c := range cells {
		title := titles[c.Table]
		if title == "" {
			title = c.Table
		}
		row := []any{cleanCellText(title), cleanCellText(c.Section), cleanCellText(c.Row), cleanCellText(c.Column), c.Value}
		ref := cellName(1, i+2)
		if err := f.SetSheetRow(SheetData, ref, &row); err != nil {
			return err
		}
		if err := f.SetCellStyle(SheetData, ref, cellName(4, i+2), st.dataText); err != nil {
			return err
		}
		num := cellName(5, i+2)
		style := figureStyle(kinds[c.Table+"\x00"+c.ColumnID], c.Value, st.dataAmount, st.dataCount, st.dataFraction)
		if err := f.SetCellStyle(SheetData, num, num, style); err != nil {
			return err
		}
	}
	for _, cw := range []struct {
		col string
		w   float64
	}{{"A", 32}, {"B", 6}, {"C", 56}, {"D", 34}, {"E", 12}} {
		if err := f.SetColWidth(SheetData, cw.col, cw.col, cw.w); err != nil {
			return err
		}
	}
	if err := f.AutoFilter(SheetData, "A1:"+cellName(5, len(cells)+1), nil); err != nil {
		return err
	}
	if err := f.SetPanes(SheetData, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	// Printed, the list runs one page wide with its header repeated on every page.
	size, orientation, one, zero, fit := 9, "landscape", 1, 0, true
	if err := f.SetSheetProps(SheetData, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetPageLayout(SheetData, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &orientation, FitToWidth: &one, FitToHeight: &zero,
	}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + SheetData + "'!$1:$1", Scope: SheetData})
}

// textUnits is the width of s in Excel units at the default size: a wide (Chinese) character counts 1.9, others
// one.
func textUnits(s string) float64 {
	n := 0.0
	for _, r := range s {
		n += runeUnits(r)
	}
	return n
}

func runeUnits(r rune) float64 {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
		return 1.9
	}
	return 1
}

// textLineUnits is how much text fits on one line of a cell of the given width, less the cell's padding and a
// margin for the line-breaking rules that keep punctuation off the start of a line.
func textLineUnits(w float64) float64 {
	return math.Max(2, (w-1)*0.95)
}

// lineHeight is the height in points of one line of text at the given font size.
func lineHeight(size float64) float64 {
	return size * 1.36
}

// textHeight is the row height in points that text of the given font size needs, wrapped in a cell of width w.
func textHeight(text string, size, w float64) float64 {
	units := textUnits(text) * size / xlsxBodySize
	lines := math.Max(1, math.Ceil(units/textLineUnits(w)))
	return lines*lineHeight(size) + 6
}

// splitForCell cuts a paragraph into pieces of at most maxUnits, so that no row is taller than Excel allows and no
// cell holds more than Excel's 32,767 characters. It cuts after the end of a sentence where it can, else after a
// comma, else anywhere.
func splitForCell(text string, maxUnits float64) []string {
	maxUnits = math.Min(maxUnits, 30000) // well under Excel's limit of 32,767 characters a cell
	var out []string
	for textUnits(text) > maxUnits {
		cut, sentence, comma, units := 0, 0, 0, 0.0
		for i, r := range text {
			units += runeUnits(r)
			if units > maxUnits {
				break
			}
			end := i + utf8.RuneLen(r)
			switch r {
			case '。', '！', '？', '；', '.', '!', '?', ';':
				sentence = end
			case '，', '、', ',':
				comma = end
			}
			cut = end
		}
		switch {
		case sentence > 0:
			cut = sentence
		case comma > 0:
			cut = comma
		}
		if cut == 0 {
			break
		}
		out = append(out, text[:cut])
		text = text[cut:]
	}
	return append(out, text)
}

// cleanCellText drops the control characters that XML cannot carry, keeping tabs and line breaks, and writes text
// that a spreadsheet could take for a formula as text (sheet.SafeCell): a report's text comes from the agency or,
// imported, from a published page.
func cleanCellText(s string) string {
	if !strings.ContainsFunc(s, isBadCellRune) {
		return sheet.SafeCell(s)
	}
	return sheet.SafeCell(strings.Map(func(r rune) rune {
		if isBadCellRune(r) {
			return -1
		}
		return r
	}, s))
}

func isBadCellRune(r rune) bool {
	return r == utf8.RuneError || (unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r')
}
