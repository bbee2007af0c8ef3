package casexlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/workday"
)

// templateRows is how many rows below the header carry the drop-down lists and formats: the import's limit.
const templateRows = 10000

// Template writes the import template. Sheet 申请 has the header row of the import columns (required ones marked
// "*" in red), one example row, drop-down lists for every column with a fixed set of values, and each column
// formatted as what it holds: dates as dates, everything else as text. Sheet 填写说明 explains every column.
//
// The lists warn rather than refuse a value not on them, because Parse also accepts other spellings (a channel's
// ID, a report row label) and several 载体形式 or 获取方式 separated by commas.
func Template(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := templateBuild(f); err != nil {
		return fmt.Errorf("casexlsx: template: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("casexlsx: template: %w", err)
	}
	return nil
}

func templateBuild(f *excelize.File) error {
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
	if _, err := f.NewSheet(HelpSheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(listSheet); err != nil {
		return err
	}
	last := templateRows + 1
	listCol := 0
	for i := range numCols {
		c := importColumns[i]
		n := int(i) + 1
		name := colName(n)
		style := st.text
		if c.Date {
			style = st.date
		}
		if err := f.SetColStyle(SheetName, name, style); err != nil {
			return err
		}
		width := max(displayWidth(c.title()), displayWidth(c.Example), 10)
		for _, o := range c.Options {
			width = max(width, displayWidth(o))
		}
		if err := f.SetColWidth(SheetName, name, name, columnWidth(min(width, 40))); err != nil {
			return err
		}
		head := cellName(n, 1)
		if err := f.SetCellStr(SheetName, head, c.title()); err != nil {
			return err
		}
		hs := st.header
		if c.Required {
			hs = st.required
		}
		if err := f.SetCellStyle(SheetName, head, head, hs); err != nil {
			return err
		}
		if err := templateExample(f, n, c); err != nil {
			return err
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", name, name, last))
		dv.SetInput(c.Header, inputPrompt(c))
		switch {
		case len(c.Options) > 0:
			listCol++
			lc := colName(listCol)
			for j, o := range c.Options {
				if err := f.SetCellStr(listSheet, cellName(listCol, j+1), o); err != nil {
					return err
				}
			}
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", listSheet, lc, lc, len(c.Options)))
			dv.SetError(excelize.DataValidationErrorStyleWarning, "不在下拉列表中",
				"“"+c.Header+"”请从下拉列表中选择。如确需填写其他写法，可选“是”继续，导入时会再检查。")
		case c.Date:
			if err := dv.SetRange(int(excelSerial(firstDay)), int(excelSerial(workday.NewDate(2099, 12, 31))),
				excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleWarning, "日期有误",
				"请填写"+firstDayText+"以后的日期，如 2026-03-02。")
		}
		if err := f.AddDataValidation(SheetName, dv); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(SheetName, 1, 30); err != nil {
		return err
	}
	if err := f.SetPanes(SheetName, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := templateHelp(f, st); err != nil {
		return err
	}
	if err := f.SetSheetVisible(listSheet, false); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.SetDocProps(&excelize.DocProperties{
		Title: "政府信息公开申请导入模板", Creator: "gongkai", LastModifiedBy: "gongkai", Language: "zh-CN",
	})
}

// inputPrompt is the hint Excel shows when a cell of the column is selected: the start of its help, within
// Excel's 255 characters.
func inputPrompt(c importColumn) string {
	s := c.Help
	if i := strings.Index(s, "。"); i > 0 {
		s = s[:i+len("。")]
	}
	if c.Required {
		s = "必填。" + s
	}
	r := []rune(s)
	if len(r) > 250 {
		r = append(r[:249], '…')
	}
	return string(r)
}

func templateExample(f *excelize.File, n int, c importColumn) error {
	at := cellName(n, 2)
	if c.Example == "" {
		return nil
	}
	if c.Date {
		d, err := workday.ParseDate(c.Example)
		if err != nil {
			return err
		}
		return f.SetCellFloat(SheetName, at, excelSerial(d), 0, 64)
	}
	return f.SetCellStr(SheetName, at, c.Example)
}

// helpNotes are the general rules, shown above the table of columns.
var helpNotes = []string{
	"1. 本表用于把以往登记在表格中的依申请公开案件导入系统。每行填写一件申请；第 2 行是示例，可以直接改成真实数据，原样保留时导入会跳过这一行。",
	"2. 带 * 的列必须填写。列的顺序可以调整，多出的列（如“序号”）会被忽略，但请不要修改表头的文字。",
	"3. 日期可以填写 Excel 日期，也可以写成 2026-03-02、2026/3/2 或 2026年3月2日；日期不能晚于导入当天，也不能早于" + firstDayText + "。",
	"4. 证件号码、联系电话等列已设为文本格式，请直接输入；从其他表格粘贴时请选择“只粘贴数值”，不要把这些列改成数字格式。",
	"5. 办理结果不填表示仍在办理中；填写了办理结果就必须填写答复日期，仍在办理的不要填写答复日期。",
	"6. 法人或其他组织须填写 18 位统一社会信用代码和联系人。",
	"7. 每个文件最多 10000 行、不超过 20 MB，每个单元格最多 4000 字。",
	"8. 导入时逐行检查，只要有一处问题，整个文件都不会导入；系统会列出每个问题所在的行号、列名和修改方法，改正后重新导入即可。",
}

func templateHelp(f *excelize.File, st *styles) error {
	s := HelpSheet
	set := func(c, r int, v string, style int) error {
		at := cellName(c, r)
		if err := f.SetCellStr(s, at, v); err != nil {
			return err
		}
		return f.SetCellStyle(s, at, at, style)
	}
	if err := set(1, 1, "政府信息公开申请导入模板 填写说明", st.title); err != nil {
		return err
	}
	row := 2
	for _, n := range helpNotes {
		if err := set(1, row, n, st.para); err != nil {
			return err
		}
		if err := f.MergeCell(s, cellName(1, row), cellName(4, row)); err != nil {
			return err
		}
		if err := f.SetRowHeight(s, row, 32); err != nil {
			return err
		}
		row++
	}
	row++
	for i, h := range []string{"列名", "是否必填", "填写说明", "可选值"} {
		if err := set(i+1, row, h, st.helpHead); err != nil {
			return err
		}
	}
	row++
	for i := range numCols {
		c := importColumns[i]
		req := "选填"
		switch {
		case c.Required:
			req = "必填"
		case i == cContact:
			req = "组织必填"
		case i == cClosed:
			req = "办结的必填"
		}
		vals := []string{c.Header, req, c.Help, strings.Join(c.Options, "\n")}
		for j, v := range vals {
			if err := set(j+1, row, v, st.helpCell); err != nil {
				return err
			}
		}
		lines := max(displayWidth(c.Help)/70+1, len(c.Options), 1)
		if err := f.SetRowHeight(s, row, min(float64(lines)*15+6, 409)); err != nil {
			return err
		}
		row++
	}
	for c, w := range []float64{26, 12, 72, 40} {
		name := colName(c + 1)
		if err := f.SetColWidth(s, name, name, w); err != nil {
			return err
		}
	}
	return nil
}
