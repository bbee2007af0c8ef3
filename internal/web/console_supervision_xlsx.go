package web

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/render"
	spreadsheet "github.com/gongkai/gongkai/internal/sheet"
)

// The supervision page as a workbook, one sheet per view: the agencies' table, the published reports' sums and the
// live figures in the official layout, both side by side cell by cell, and the five-year trend. Figures are numbers
// and dates are dates, so that the office can go on calculating; every list's header row stays in view.

// Sheet names of the supervision workbook.
const (
	sheetAgencies = "各单位情况"
	sheetReports  = "已发布报告合计"
	sheetLive     = "系统实时统计"
	sheetCompare  = "对照"
	sheetTrend    = "近五年"
)

type supervisionStyles struct {
	title, note, head, text, label, group, count, amount, date int
}

func newSupervisionStyles(f *excelize.File) (*supervisionStyles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}
	body := &excelize.Font{Family: "宋体", Size: 11}
	bold := &excelize.Font{Family: "宋体", Size: 11, Bold: true}
	amount, date := "0.00##", "yyyy-mm-dd"
	st := &supervisionStyles{}
	for _, d := range []struct {
		dst *int
		s   *excelize.Style
	}{
		{&st.title, &excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 14, Bold: true}}},
		{&st.note, &excelize.Style{Font: body, Alignment: &excelize.Alignment{WrapText: false}}},
		{&st.head, &excelize.Style{Font: bold, Border: border, Fill: grey, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.text, &excelize.Style{Font: body, Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&st.label, &excelize.Style{Font: body, Border: border, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}}},
		{&st.group, &excelize.Style{Font: body, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.count, &excelize.Style{Font: body, Border: border, NumFmt: 1, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}}},
		{&st.amount, &excelize.Style{Font: body, Border: border, CustomNumFmt: &amount, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}}},
		{&st.date, &excelize.Style{Font: body, Border: border, CustomNumFmt: &date, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
	} {
		id, err := f.NewStyle(d.s)
		if err != nil {
			return nil, err
		}
		*d.dst = id
	}
	return st, nil
}

func cell(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row)
	return n
}

// freeze keeps the first rows and columns of a sheet in view.
func freeze(f *excelize.File, sheet string, rows, cols int) error {
	top := cell(cols+1, rows+1)
	pane := "bottomLeft"
	switch {
	case rows > 0 && cols > 0:
		pane = "bottomRight"
	case cols > 0:
		pane = "topRight"
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: cols, YSplit: rows, TopLeftCell: top, ActivePane: pane,
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: pane}}})
}

// writeRow writes one row of values from column A with one style per value (0: the text style). Text that a
// spreadsheet could take for a formula (an agency named =HYPERLINK(…)) is written as text (sheet.SafeCell).
func writeRow(f *excelize.File, sheet string, row int, vals []any, styles []int) error {
	for i, v := range vals {
		if s, ok := v.(string); ok {
			vals[i] = spreadsheet.SafeCell(s)
		}
	}
	if err := f.SetSheetRow(sheet, cell(1, row), &vals); err != nil {
		return err
	}
	for i, s := range styles {
		if err := f.SetCellStyle(sheet, cell(i+1, row), cell(i+1, row), s); err != nil {
			return err
		}
	}
	return nil
}

// exportSupervision answers the page's workbook.
func (s *Server) exportSupervision(w http.ResponseWriter, r *http.Request, d *supervisionData) {
	var buf bytes.Buffer
	if err := s.supervisionWorkbook(&buf, d); err != nil {
		s.serverError(w, r, err)
		return
	}
	name := fmt.Sprintf("%s%d年度政务公开监督.xlsx", d.Region.Root.Name, d.Year)
	sendFile(w, name, xlsxType, "no-store", buf.Bytes())
}

func (s *Server) supervisionWorkbook(buf *bytes.Buffer, d *supervisionData) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDefaultFont("宋体"); err != nil {
		return err
	}
	st, err := newSupervisionStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", sheetAgencies); err != nil {
		return err
	}
	if err := s.agenciesSheet(f, st, d); err != nil {
		return fmt.Errorf("xlsx %s: %w", sheetAgencies, err)
	}
	if sum := d.Summary; sum != nil {
		reg := d.Region.Root.Name
		note := fmt.Sprintf("共 %d 个单位，%d 个已发布%d年度报告并计入合计", sum.Agencies, sum.Published, d.Year)
		if sum.Other > 0 {
			note += fmt.Sprintf("；%d 份已发布报告不是%s格式，未计入", sum.Other, sum.Format.Name)
		}
		note += "。合计逐格相加，总计栏按分项重新计算。"
		if err := layoutSheet(f, st, sheetReports, fmt.Sprintf("%s%d年度政府信息公开工作年度报告汇总（已发布报告合计）", reg, d.Year), note, sum, sum.FromReports); err != nil {
			return fmt.Errorf("xlsx %s: %w", sheetReports, err)
		}
		if err := layoutSheet(f, st, sheetLive, fmt.Sprintf("%s%d年度政府信息公开数据（系统实时统计）", reg, d.Year),
			fmt.Sprintf("由本系统登记的申请、复议诉讼案件和主动公开目录统计，截至%s；空白为系统不统计的项目。", d.Today.Chinese()), sum, sum.FromLive); err != nil {
			return fmt.Errorf("xlsx %s: %w", sheetLive, err)
		}
		if err := compareSheet(f, st, sum); err != nil {
			return fmt.Errorf("xlsx %s: %w", sheetCompare, err)
		}
	}
	if d.Trend != nil {
		if err := trendSheet(f, st, d.Trend); err != nil {
			return fmt.Errorf("xlsx %s: %w", sheetTrend, err)
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: fmt.Sprintf("%s%d年度政务公开监督", d.Region.Root.Name, d.Year), Creator: "gongkai", Language: "zh-CN"}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(buf)
	return err
}

func (s *Server) agenciesSheet(f *excelize.File, st *supervisionStyles, d *supervisionData) error {
	sh := sheetAgencies
	head := []any{"单位", "上级单位", "报告状态", "说明", "发布期限", "发布日期", "更正次数", "错误", "警告", "超期未答复申请", fmt.Sprintf("%d年逾期公开信息", d.Year), "超过20个工作日未公开信息"}
	hs := make([]int, len(head))
	for i := range hs {
		hs[i] = st.head
	}
	if err := writeRow(f, sh, 1, head, hs); err != nil {
		return err
	}
	for i, row := range d.Rows {
		var published any = ""
		if !row.PublishedOn.IsZero() {
			published = row.PublishedOn.In(time.UTC)
		}
		note := row.Note
		if row.Correction != "" {
			note += "；" + row.Correction
		}
		vals := []any{row.Agency.Name, row.Parent, row.Label, note, row.Deadline.In(time.UTC), published, row.Corrections, row.Errors, row.Warnings, row.Overdue, row.LatePublished, row.Unpublished}
		styles := []int{st.text, st.text, st.text, st.text, st.date, st.date, st.count, st.count, st.count, st.count, st.count, st.count}
		if row.Status == "none" || row.Unreadable {
			vals[7], vals[8] = "", ""
		}
		if err := writeRow(f, sh, i+2, vals, styles); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		col string
		w   float64
	}{{"A", 26}, {"B", 18}, {"C", 10}, {"D", 44}, {"E", 12}, {"F", 12}, {"G", 9}, {"H", 7}, {"I", 7}, {"J", 14}, {"K", 16}, {"L", 22}} {
		if err := f.SetColWidth(sh, c.col, c.col, c.w); err != nil {
			return err
		}
	}
	if err := f.AutoFilter(sh, "A1:"+cell(len(head), len(d.Rows)+1), nil); err != nil {
		return err
	}
	return freeze(f, sh, 1, 1)
}

// layoutSheet writes the tables of sections 二, 三 and 四 in the official layout: the sheet's title and a note,
// then each table with its caption, merged headers, row labels and figures as numbers.
func layoutSheet(f *excelize.File, st *supervisionStyles, sh, title, note string, sum *regionSummary, tables map[string]report.Grid) error {
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	if err := f.SetCellStr(sh, "A1", spreadsheet.SafeCell(title)); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, "A1", "A1", st.title); err != nil {
		return err
	}
	if err := f.SetCellStr(sh, "A2", spreadsheet.SafeCell(note)); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, "A2", "A2", st.note); err != nil {
		return err
	}
	row := 4
	section := ""
	for _, t := range sum.Tables {
		if t.Section != section {
			section = t.Section
			if err := f.SetCellStr(sh, cell(1, row), spreadsheet.SafeCell(section)); err != nil {
				return err
			}
			if err := f.SetCellStyle(sh, cell(1, row), cell(1, row), st.title); err != nil {
				return err
			}
			row++
		}
		g := render.Layout(t.Spec, t.Title, tables[t.Spec.ID])
		next, err := writeGrid(f, st, sh, row, g)
		if err != nil {
			return err
		}
		row = next + 1
	}
	for _, c := range []struct {
		col string
		w   float64
	}{{"A", 16}, {"B", 14}, {"C", 34}} {
		if err := f.SetColWidth(sh, c.col, c.col, c.w); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sh, "D", "Q", 11); err != nil {
		return err
	}
	return freeze(f, sh, 2, 0)
}

// writeGrid draws one laid-out table from row top: its caption merged across it, then the cells with their
// spans; it returns the row after the table.
func writeGrid(f *excelize.File, st *supervisionStyles, sh string, top int, g *render.Grid) (int, error) {
	cols := g.Cols()
	if err := f.SetCellStr(sh, cell(1, top), spreadsheet.SafeCell(g.Title)); err != nil {
		return 0, err
	}
	if cols > 1 {
		if err := f.MergeCell(sh, cell(1, top), cell(cols, top)); err != nil {
			return 0, err
		}
	}
	if err := f.SetCellStyle(sh, cell(1, top), cell(cols, top), st.head); err != nil {
		return 0, err
	}
	first := top + 1
	data := g.Spec.DataRows()
	for i, row := range g.Cells {
		for j, c := range row {
			if c.Covered {
				continue
			}
			rs, cs := max(c.RowSpan, 1), max(c.ColSpan, 1)
			from, to := cell(j+1, first+i), cell(j+cs, first+i+rs-1)
			style := st.label
			switch {
			case c.Numeric:
				ri, ci := i-g.HeaderRows, j-g.LabelCols
				col := g.Spec.Columns[ci]
				style = st.count
				if col.Kind == report.Amount {
					style = st.amount
				}
				if v, ok := g.Values[data[ri].ID][col.ID]; ok {
					if err := f.SetCellFloat(sh, from, v, -1, 64); err != nil {
						return 0, err
					}
				}
			case i < g.HeaderRows:
				style = st.head
			case c.Scope == "rowgroup":
				style = st.group
			}
			if !c.Numeric && c.Text != "" {
				if err := f.SetCellStr(sh, from, spreadsheet.SafeCell(c.Text)); err != nil {
					return 0, err
				}
			}
			if err := f.SetCellStyle(sh, from, to, style); err != nil {
				return 0, err
			}
			if from != to {
				if err := f.MergeCell(sh, from, to); err != nil {
					return 0, err
				}
			}
		}
	}
	return first + g.Rows(), nil
}

// compareSheet lists every figure of the three sections with both sums and their difference.
func compareSheet(f *excelize.File, st *supervisionStyles, sum *regionSummary) error {
	sh := sheetCompare
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	head := []any{"部分", "表格", "行", "列", "已发布报告合计", "系统实时统计", "差额（报告−实时）"}
	hs := []int{st.head, st.head, st.head, st.head, st.head, st.head, st.head}
	if err := writeRow(f, sh, 1, head, hs); err != nil {
		return err
	}
	n := 2
	for _, t := range sum.Tables {
		for _, row := range t.Spec.DataRows() {
			for _, col := range t.Spec.Columns {
				pv, pok := sum.FromReports[t.Spec.ID][row.ID][col.ID]
				lv, lok := sum.FromLive[t.Spec.ID][row.ID][col.ID]
				rowName := t.Spec.RowPath(row)
				if rowName == "" {
					rowName = "案件数"
				}
				vals := []any{t.Section, t.Title, rowName, col.Path(), "", "", ""}
				num := st.count
				if col.Kind == report.Amount {
					num = st.amount
				}
				if pok {
					vals[4] = pv
				}
				if lok {
					vals[5] = lv
				}
				if pok && lok {
					vals[6] = pv - lv
				}
				if err := writeRow(f, sh, n, vals, []int{st.text, st.text, st.text, st.text, num, num, num}); err != nil {
					return err
				}
				n++
			}
		}
	}
	for _, c := range []struct {
		col string
		w   float64
	}{{"A", 22}, {"B", 26}, {"C", 48}, {"D", 30}, {"E", 14}, {"F", 14}, {"G", 16}} {
		if err := f.SetColWidth(sh, c.col, c.col, c.w); err != nil {
			return err
		}
	}
	if err := f.AutoFilter(sh, "A1:G"+fmt.Sprint(n-1), nil); err != nil {
		return err
	}
	return freeze(f, sh, 1, 4)
}

// trendSheet holds the chart's figures: one row per series, one column per year.
func trendSheet(f *excelize.File, st *supervisionStyles, t *trend) error {
	sh := sheetTrend
	if _, err := f.NewSheet(sh); err != nil {
		return err
	}
	head := []any{"项目", "单位"}
	hs := []int{st.head, st.head}
	for _, y := range t.Years {
		head = append(head, fmt.Sprintf("%d年", y))
		hs = append(hs, st.head)
	}
	if err := writeRow(f, sh, 1, head, hs); err != nil {
		return err
	}
	for i, ser := range t.Series {
		vals := []any{ser.Name, ser.Unit}
		styles := []int{st.text, st.text}
		for _, v := range ser.Values {
			vals = append(vals, v)
			styles = append(styles, st.count)
		}
		if err := writeRow(f, sh, i+2, vals, styles); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sh, "A", "A", 16); err != nil {
		return err
	}
	return freeze(f, sh, 1, 2)
}
