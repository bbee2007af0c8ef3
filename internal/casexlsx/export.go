package casexlsx

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/disclosure"
	spreadsheet "github.com/gongkai/gongkai/internal/sheet"
	"github.com/gongkai/gongkai/internal/workday"
)

// ExportRow is one application to export, with the names the list shows instead of IDs.
type ExportRow struct {
	App disclosure.Application
	// Agency is the name of the agency handling the application.
	Agency string
	// Assignee is the name of the officer handling it, "" if none.
	Assignee string
	// Overdue says the application is still open and past its due date.
	Overdue bool
	// View is how much of the applicant's personal data the reader may see in this row (disclosure.ViewFor of the
	// reader's roles for the row's agency). The zero view shows none; a personal column that no row may show is
	// left out of the workbook.
	View disclosure.PersonalView
}

// Sheet and font names of the workbooks.
const (
	// NotesSheet is the export's second sheet: when it was made and how many applications it holds.
	NotesSheet = "说明"
	// HelpSheet is the template's sheet explaining every column.
	HelpSheet = "填写说明"
	// listSheet is the template's hidden sheet holding the drop-down lists, which are too long to write into the
	// validation rules themselves (Excel allows 255 characters there).
	listSheet = "选项"
	fontName  = "宋体"
)

// exportColumn is one column of the export: its header and how to get its value.
type exportColumn struct {
	header string
	date   bool
	value  func(r *ExportRow) string
	day    func(r *ExportRow) workday.Date
	// personal names the applicant's personal field the column holds, shown as the row's View allows; nil for
	// columns that hold none.
	personal *disclosure.PersonalField
}

func personal(f disclosure.PersonalField) *disclosure.PersonalField { return &f }

var exportColumns = []exportColumn{
	{header: "申请编号", value: func(r *ExportRow) string { return r.App.Number }},
	{header: "受理机关", value: func(r *ExportRow) string { return r.Agency }},
	{header: "申请类型", value: func(r *ExportRow) string { return kindName(r.App.Kind) }},
	{header: "申请方式", value: func(r *ExportRow) string { s, _ := r.App.Channel.Spec(); return s.Name }},
	{header: "收到日期", date: true, day: func(r *ExportRow) workday.Date { return r.App.ReceivedOn }},
	{header: "申请人类型", value: func(r *ExportRow) string { return r.App.Applicant.Type.Name() }},
	{header: "申请人", value: func(r *ExportRow) string { return r.App.Applicant.Name }},
	{header: "证件号码", personal: personal(disclosure.FieldIDNumber), value: func(r *ExportRow) string { return r.App.Applicant.IDNumber }},
	{header: "联系电话", personal: personal(disclosure.FieldPhone), value: func(r *ExportRow) string { return r.App.Applicant.Phone }},
	{header: "电子邮箱", personal: personal(disclosure.FieldEmail), value: func(r *ExportRow) string { return r.App.Applicant.Email }},
	{header: "信息名称", value: func(r *ExportRow) string { return r.App.Request.Title }},
	{header: "文号", value: func(r *ExportRow) string { return r.App.Request.DocNumber }},
	{header: "所需信息描述", value: func(r *ExportRow) string { return r.App.Request.Description }},
	{header: "状态", value: func(r *ExportRow) string { return disclosure.StateNames[r.App.State] }},
	{header: "办理结果", value: func(r *ExportRow) string { s, _ := r.App.Outcome.Spec(); return s.Name }},
	{header: "答复（办结）日期", date: true, day: func(r *ExportRow) workday.Date { return r.App.ClosedOn }},
	{header: "答复期限", date: true, day: func(r *ExportRow) workday.Date { return r.App.Due }},
	{header: "是否超期", value: func(r *ExportRow) string {
		if r.Overdue {
			return "是"
		}
		return "否"
	}},
	{header: "承办人", value: func(r *ExportRow) string { return r.Assignee }},
	{header: "查询码", value: func(r *ExportRow) string { return r.App.QueryCode }},
}

// styles are the style IDs the workbooks use.
type styles struct {
	header, required, text, date, title, para, helpHead, helpCell int
}

func newStyles(f *excelize.File) (*styles, error) {
	cs := 134 // GB2312: tells Excel the font is for Chinese
	font := func(bold bool, size float64, color string) *excelize.Font {
		return &excelize.Font{Family: fontName, Size: size, Bold: bold, Color: color, Charset: &cs}
	}
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}}
	dateFmt := "yyyy-mm-dd"
	s := &styles{}
	for _, d := range []struct {
		dst *int
		st  *excelize.Style
	}{
		{&s.header, &excelize.Style{Font: font(true, 11, ""), Fill: grey, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.required, &excelize.Style{Font: font(true, 11, "C00000"), Fill: grey, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		// Text format (@): what is typed stays as typed, so an ID number keeps its 18 digits.
		{&s.text, &excelize.Style{Font: font(false, 11, ""), NumFmt: 49, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.date, &excelize.Style{Font: font(false, 11, ""), CustomNumFmt: &dateFmt,
			Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center"}}},
		{&s.title, &excelize.Style{Font: font(true, 14, ""), Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.para, &excelize.Style{Font: font(false, 11, ""), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.helpHead, &excelize.Style{Font: font(true, 11, ""), Fill: grey, Border: border,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.helpCell, &excelize.Style{Font: font(false, 11, ""), Border: border,
			Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
	} {
		id, err := f.NewStyle(d.st)
		if err != nil {
			return nil, err
		}
		*d.dst = id
	}
	return s, nil
}

// excelSerial is the date as Excel stores it: days since 1899-12-30 (the 1900 date system).
func excelSerial(d workday.Date) float64 {
	return float64(d.In(time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
}

func cellName(c, r int) string {
	n, _ := excelize.CoordinatesToCellName(c, r)
	return n
}

func colName(c int) string {
	n, _ := excelize.ColumnNumberToName(c)
	return n
}

// Export writes the applications as an XLSX workbook. Sheet 申请 has a header row (frozen, bold, with a filter)
// and one row per application; dates are Excel dates shown as yyyy-mm-dd, and every other value is text, so that
// an ID number keeps its 18 digits and a 申请编号 stays "2026-0007". Columns are as wide as their Chinese text.
// The applicant's personal data is shown as each row's View allows, and a personal column no row may show is left
// out. Text that a spreadsheet could take for a formula is written as text (spreadsheet.SafeCell).
// Sheet 说明 says when the list was made (in generated's own time zone) and how many applications it holds.
func Export(w io.Writer, rows []ExportRow, generated time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := exportBuild(f, rows, generated); err != nil {
		return fmt.Errorf("casexlsx: export: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("casexlsx: export: %w", err)
	}
	return nil
}

// visibleColumns returns the export's columns without the personal ones that no row may show.
func visibleColumns(rows []ExportRow) []exportColumn {
	var cols []exportColumn
	for _, c := range exportColumns {
		seen := c.personal == nil
		for i := 0; !seen && i < len(rows); i++ {
			seen = rows[i].View.Sees(*c.personal)
		}
		if seen {
			cols = append(cols, c)
		}
	}
	return cols
}

func exportBuild(f *excelize.File, rows []ExportRow, generated time.Time) error {
	exportColumns := visibleColumns(rows)
	if err := f.SetDefaultFont(fontName); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return err
	}
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	widths := make([]int, len(exportColumns))
	for i, c := range exportColumns {
		widths[i] = displayWidth(c.header)
		name := colName(i + 1)
		style := st.text
		if c.date {
			style = st.date
			widths[i] = max(widths[i], 10)
		}
		if err := f.SetColStyle(SheetName, name, style); err != nil {
			return err
		}
	}
	header := make([]any, len(exportColumns))
	for i, c := range exportColumns {
		header[i] = c.header
	}
	if err := f.SetSheetRow(SheetName, "A1", &header); err != nil {
		return err
	}
	if err := f.SetCellStyle(SheetName, "A1", cellName(len(exportColumns), 1), st.header); err != nil {
		return err
	}
	values := make([]any, len(exportColumns))
	for n := range rows {
		r := &rows[n]
		for i, c := range exportColumns {
			if c.date {
				if d := c.day(r); !d.IsZero() {
					values[i] = excelSerial(d)
				} else {
					values[i] = nil
				}
				continue
			}
			v := c.value(r)
			if c.personal != nil {
				v = r.View.Show(*c.personal, v)
			}
			s := spreadsheet.SafeCell(cleanCell(v))
			widths[i] = max(widths[i], displayWidth(s))
			if s == "" {
				values[i] = nil
			} else {
				values[i] = s
			}
		}
		if err := f.SetSheetRow(SheetName, cellName(1, n+2), &values); err != nil {
			return err
		}
	}
	for i := range exportColumns {
		name := colName(i + 1)
		if err := f.SetColWidth(SheetName, name, name, columnWidth(widths[i])); err != nil {
			return err
		}
	}
	if err := f.SetPanes(SheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := f.AutoFilter(SheetName, "A1:"+cellName(len(exportColumns), len(rows)+1), nil); err != nil {
		return err
	}
	if err := exportNotes(f, st, rows, generated); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.SetDocProps(&excelize.DocProperties{
		Title: "政府信息公开申请清单", Creator: "gongkai", LastModifiedBy: "gongkai", Language: "zh-CN",
		Created: generated.UTC().Format(time.RFC3339), Modified: generated.UTC().Format(time.RFC3339),
	})
}

func exportNotes(f *excelize.File, st *styles, rows []ExportRow, generated time.Time) error {
	if _, err := f.NewSheet(NotesSheet); err != nil {
		return err
	}
	overdue, open := 0, 0
	for _, r := range rows {
		if r.Overdue {
			overdue++
		}
		if !r.App.State.Closed() {
			open++
		}
	}
	_, offset := generated.Zone()
	zone := fmt.Sprintf("UTC%+d", offset/3600)
	if offset%3600 != 0 {
		zone = fmt.Sprintf("UTC%+03d:%02d", offset/3600, abs(offset%3600)/60)
	}
	lines := []string{
		"政府信息公开申请清单",
		fmt.Sprintf("导出时间：%d年%d月%d日 %02d:%02d（%s）", generated.Year(), generated.Month(), generated.Day(),
			generated.Hour(), generated.Minute(), zone),
		fmt.Sprintf("申请件数：%d 件（工作表“%s”每行一件）", len(rows), SheetName),
		fmt.Sprintf("其中仍在办理：%d 件；已超过答复期限：%d 件", open, overdue),
		"“是否超期”指尚未办结且已超过答复期限。",
	}
	for i, l := range lines {
		c := cellName(1, i+1)
		if err := f.SetCellStr(NotesSheet, c, l); err != nil {
			return err
		}
		style := st.para
		if i == 0 {
			style = st.title
		}
		if err := f.SetCellStyle(NotesSheet, c, c, style); err != nil {
			return err
		}
	}
	return f.SetColWidth(NotesSheet, "A", "A", 90)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
