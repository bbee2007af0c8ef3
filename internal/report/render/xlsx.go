package render

import (
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/report"
)

// Sheet names of the workbook.
const (
	SheetReport = "年度报告"
	SheetData   = "数据"
)

// xlsxStyles holds the workbook's style IDs.
type xlsxStyles struct {
	title, heading, para, caption, head, label, count, amount, empty, signature int
}

func newXLSXStyles(f *excelize.File) (*xlsxStyles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "444444", Style: 1}, {Type: "right", Color: "444444", Style: 1},
		{Type: "top", Color: "444444", Style: 1}, {Type: "bottom", Color: "444444", Style: 1},
	}
	defs := []struct {
		dst *int
		st  *excelize.Style
	}{}
	s := &xlsxStyles{}
	two := 2
	add := func(dst *int, st *excelize.Style) {
		defs = append(defs, struct {
			dst *int
			st  *excelize.Style
		}{dst, st})
	}
	add(&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 16, Family: "宋体"}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	add(&s.heading, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 12, Family: "黑体"}, Alignment: &excelize.Alignment{Vertical: "center"}})
	add(&s.para, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true, Indent: 1}})
	add(&s.caption, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "center"}})
	add(&s.head, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF1F5"}}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	add(&s.label, &excelize.Style{Border: border, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}})
	add(&s.count, &excelize.Style{Border: border, NumFmt: 1, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	add(&s.amount, &excelize.Style{Border: border, NumFmt: two, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	add(&s.empty, &excelize.Style{Border: border})
	add(&s.signature, &excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}})
	for _, d := range defs {
		id, err := f.NewStyle(d.st)
		if err != nil {
			return nil, err
		}
		*d.dst = id
	}
	return s, nil
}

// XLSX writes the report as a workbook that opens in Excel, WPS and LibreOffice: sheet 年度报告 holds the whole
// report in the official layout (merged headers, bordered tables, figures as numbers), sheet 数据 one row per
// stated figure for analysts. The narrative is on the first sheet too, so the sheet prints as the whole report.
func XLSX(w io.Writer, r *report.Report) error {
	blocks, err := Outline(r)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDefaultFont("宋体"); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	if err := f.SetSheetName("Sheet1", SheetReport); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	width := 4 // columns the text spans: the widest table, at least four
	for _, b := range blocks {
		if b.Kind == Table && b.Grid.Cols() > width {
			width = b.Grid.Cols()
		}
	}
	xw := &xlsxWriter{f: f, st: st, width: width, row: 1}
	for _, b := range blocks {
		if err := xw.block(r, b); err != nil {
			return fmt.Errorf("render: xlsx: %w", err)
		}
	}
	// Column widths: label columns wide, figure columns narrow.
	for c := 1; c <= width; c++ {
		wdt := 10.0
		if c <= 3 {
			wdt = 20
		}
		name, _ := excelize.ColumnNumberToName(c)
		if err := f.SetColWidth(SheetReport, name, name, wdt); err != nil {
			return fmt.Errorf("render: xlsx: %w", err)
		}
	}
	size, landscape, enable, zero, one := 9, "landscape", true, 0, 1
	if err := f.SetSheetProps(SheetReport, &excelize.SheetPropsOptions{FitToPage: &enable}); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	if err := f.SetPageLayout(SheetReport, &excelize.PageLayoutOptions{Size: &size, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	if err := xlsxData(f, r); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: DocumentTitle(r), Subject: "政府信息公开工作年度报告", Creator: "gongkai", Language: "zh-CN"}); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("render: xlsx: %w", err)
	}
	return nil
}

type xlsxWriter struct {
	f     *excelize.File
	st    *xlsxStyles
	width int
	row   int
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// line writes text merged across the sheet's width, with a height that fits its wrapped length.
func (xw *xlsxWriter) line(text string, style int, height float64) error {
	from, to := cellName(1, xw.row), cellName(xw.width, xw.row)
	if err := xw.f.SetCellStr(SheetReport, from, text); err != nil {
		return err
	}
	if xw.width > 1 {
		if err := xw.f.MergeCell(SheetReport, from, to); err != nil {
			return err
		}
	}
	if err := xw.f.SetCellStyle(SheetReport, from, to, style); err != nil {
		return err
	}
	if height > 0 {
		if err := xw.f.SetRowHeight(SheetReport, xw.row, height); err != nil {
			return err
		}
	}
	xw.row++
	return nil
}

// charsPerLine is how many Chinese characters fit in the merged width (a CJK character is about two width units).
func (xw *xlsxWriter) charsPerLine() int {
	units := 3*20 + (xw.width-3)*10
	return max(20, units/2)
}

func (xw *xlsxWriter) block(r *report.Report, b Block) error {
	switch b.Kind {
	case Title:
		return xw.line(b.Text, xw.st.title, 36)
	case Heading:
		xw.row++
		return xw.line(b.Text, xw.st.heading, 22)
	case Paragraph:
		lines := math.Ceil(float64(utf8.RuneCountInString(b.Text)+2) / float64(xw.charsPerLine()))
		return xw.line(b.Text, xw.st.para, math.Min(409, 16*lines+4))
	case Signature:
		xw.row++
		for _, s := range []string{b.Text, b.Date} {
			if s != "" {
				if err := xw.line(s, xw.st.signature, 0); err != nil {
					return err
				}
			}
		}
		return nil
	case Table:
		return xw.table(b.Grid)
	}
	return nil
}

func (xw *xlsxWriter) table(g *Grid) error {
	f := xw.f
	if err := f.SetCellStr(SheetReport, cellName(1, xw.row), g.Title); err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetReport, cellName(1, xw.row), cellName(1, xw.row), xw.st.caption); err != nil {
		return err
	}
	xw.row++
	top := xw.row
	for i, row := range g.Cells {
		for j, c := range row {
			ref := cellName(j+1, top+i)
			style := xw.st.empty
			switch {
			case c.Covered:
			case c.Header && i < g.HeaderRows:
				style = xw.st.head
			case c.Header:
				style = xw.st.label
			case c.Numeric:
				style = xw.st.count
				if col := g.Spec.Columns[j-g.LabelCols]; col.Kind == report.Amount {
					style = xw.st.amount
				}
			}
			if err := f.SetCellStyle(SheetReport, ref, ref, style); err != nil {
				return err
			}
			if c.Covered {
				continue
			}
			if c.Numeric && !c.Missing {
				v, ok := xw.value(g, i, j)
				if ok {
					if err := f.SetCellValue(SheetReport, ref, v); err != nil {
						return err
					}
				}
			} else if c.Text != "" {
				if err := f.SetCellStr(SheetReport, ref, c.Text); err != nil {
					return err
				}
			}
			if c.RowSpan > 1 || c.ColSpan > 1 {
				if err := f.MergeCell(SheetReport, ref, cellName(j+c.ColSpan, top+i+c.RowSpan-1)); err != nil {
					return err
				}
			}
		}
		// Height: the longest label in the row, wrapped in its merged width.
		h := 18.0
		for j, c := range row {
			if c.Covered || !c.Header || c.Text == "" {
				continue
			}
			wdt := 0
			for k := j; k < j+c.ColSpan; k++ {
				if k < 3 {
					wdt += 20
				} else {
					wdt += 10
				}
			}
			lines := math.Ceil(float64(utf8.RuneCountInString(c.Text)*2) / float64(max(wdt, 1)) / float64(c.RowSpan))
			h = math.Max(h, 15*lines+3)
		}
		if err := f.SetRowHeight(SheetReport, top+i, math.Min(h, 120)); err != nil {
			return err
		}
	}
	xw.row = top + len(g.Cells) + 1
	return nil
}

// value returns the figure of grid cell (i, j) as a number.
func (xw *xlsxWriter) value(g *Grid, i, j int) (float64, bool) {
	rows := g.Spec.DataRows()
	ri, ci := i-g.HeaderRows, j-g.LabelCols
	if ri < 0 || ri >= len(rows) || ci < 0 || ci >= len(g.Spec.Columns) {
		return 0, false
	}
	v, ok := g.Values[rows[ri].ID][g.Spec.Columns[ci].ID]
	return v, ok
}

// xlsxData writes the long-form sheet: one row per stated figure.
func xlsxData(f *excelize.File, r *report.Report) error {
	if _, err := f.NewSheet(SheetData); err != nil {
		return err
	}
	head := []any{"表格", "部分", "行", "列", "数值"}
	if err := f.SetSheetRow(SheetData, "A1", &head); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetData, "A1", "E1", bold); err != nil {
		return err
	}
	f2, _ := report.FormatOf(r.Era)
	cells := r.Cells()
	for i, c := range cells {
		caption := c.Section
		if spec, ok := f2.Table(c.Table); ok && spec.Caption != "" {
			caption = spec.Caption
		}
		row := []any{caption, c.Section, c.Row, c.Column, c.Value}
		if err := f.SetSheetRow(SheetData, cellName(1, i+2), &row); err != nil {
			return err
		}
	}
	for col, wdt := range map[string]float64{"A": 20, "B": 6, "C": 44, "D": 30, "E": 10} {
		if err := f.SetColWidth(SheetData, col, col, wdt); err != nil {
			return err
		}
	}
	last := cellName(5, max(1, len(cells)+1))
	if err := f.AutoFilter(SheetData, "A1:"+last, nil); err != nil {
		return err
	}
	return f.SetPanes(SheetData, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
