package casexlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// required are the required headers, and good a row of values for them.
var (
	required = []string{"收到日期", "申请方式", "申请人类型", "申请人姓名或名称", "证件号码或统一社会信用代码", "联系电话", "所需信息描述"}
	good     = []string{"2026-02-10", "邮寄", "公民", "张三", "11010519491231002X", "13800138000", "某文件"}
)

// inline writes a row of inline-string cells from column A.
func inline(r int, values ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, r)
	for i, v := range values {
		fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, cellName(i+1, r), v)
	}
	b.WriteString("</row>")
	return b.String()
}

func wantError(t *testing.T, err error, want string) {
	t.Helper()
	if disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("err = %v (code %q), want an EInvalid error", err, disclosure.ErrorCode(err))
	}
	if got := disclosure.ErrorMessage(err); !strings.Contains(got, want) {
		t.Errorf("err = %q, want it to contain %q", got, want)
	}
}

func TestParseNotAWorkbook(t *testing.T) {
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}
	var plainZip bytes.Buffer
	zw := zip.NewWriter(&plainZip)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("你好"))
	zw.Close()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "这不是 Excel 工作簿"},
		{"random bytes", random, "这不是 Excel 工作簿"},
		{"CSV renamed", []byte("收到日期,申请方式\n2026-03-02,邮寄\n"), "这不是 Excel 工作簿"},
		{"HTML saved as xls", []byte("<html><table><tr><td>收到日期</td></tr></table></html>"), "这不是 Excel 工作簿"},
		{"zip without a workbook", plainZip.Bytes(), "这不是 Excel 工作簿"},
		{"old xls", append(append([]byte(nil), oleMagic...), random...), "旧版 Excel（.xls）"},
		{"truncated workbook", templateBytes(t)[:2000], "这不是 Excel 工作簿"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, problems, err := parse(t, tt.data)
			if rows != nil || problems != nil {
				t.Errorf("rows %v, problems %v, want neither", rows, problems)
			}
			wantError(t, err, tt.want)
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	data := make([]byte, 20<<20+1)
	_, _, err := parse(t, data)
	wantError(t, err, "文件超过 20 MB")
}

func TestParseUnzipBudget(t *testing.T) {
	data := sheetXML(t, "", inline(1, required...)+`<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, "",
		strings.Repeat("申", 1<<20))
	_, _, err := parse(t, data, withLimits(func(l *limits) { l.unzipBytes = 1 << 20 }))
	wantError(t, err, "文件解压后超过")
}

// TestParseSharedStringAmplification feeds 100,000 references to one string of a million characters: each cell is
// too long, and reading it costs no copy of the string.
func TestParseSharedStringAmplification(t *testing.T) {
	var rows strings.Builder
	rows.WriteString(inline(1, required...))
	for r := 2; r <= 5001; r++ {
		fmt.Fprintf(&rows, `<row r="%d">`, r)
		for c := 0; c < 20; c++ {
			rows.WriteString(`<c t="s"><v>0</v></c>`)
		}
		rows.WriteString("</row>")
	}
	data := sheetXML(t, "", rows.String(), "", strings.Repeat("申", 1_000_000))
	if len(data) > 200_000 {
		t.Fatalf("test file is %d bytes; it should be small", len(data))
	}
	_, problems, err := parse(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(problems), 5000*len(required); got != want {
		t.Errorf("problems = %d, want %d", got, want)
	}
	if want := (Problem{Row: 2, Column: "收到日期", Message: "内容超过 4000 字：请删减"}); problems[0] != want {
		t.Errorf("first problem = %v, want %v", problems[0], want)
	}
}

func TestParseFirstSheetWhenNoneNamed申请(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	for i, h := range required {
		f.SetCellStr("Sheet1", cellName(i+1, 1), h)
		f.SetCellStr("Sheet1", cellName(i+1, 2), good[i])
	}
	f.NewSheet("其他")
	got, problems, err := parse(t, save(t, f))
	if err != nil || problems != nil {
		t.Fatalf("err %v, problems %v", err, problems)
	}
	if len(got) != 1 || got[0].Row != 2 || got[0].App.Applicant.Name != "张三" {
		t.Errorf("got %+v, want row 2 of Sheet1", got)
	}
}

func TestParseMissingColumns(t *testing.T) {
	headers := []string{"申请方式", "申请人类型", "申请人姓名或名称", "证件号码或统一社会信用代码", "所需信息描述", "备注"}
	data := sheetXML(t, "", inline(1, headers...)+inline(2, "邮寄", "公民", "张三", "x", "某文件"), "")
	rows, problems, err := parse(t, data)
	if err != nil || rows != nil {
		t.Fatalf("err %v, rows %v", err, rows)
	}
	want := []Problem{
		{Row: 1, Column: "收到日期", Message: "缺少必填列“收到日期”：请在表头（第 1 行）加上这一列，列名与导入模板一致"},
		{Row: 1, Column: "联系电话", Message: "缺少必填列“联系电话”：请在表头（第 1 行）加上这一列，列名与导入模板一致"},
	}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestParseNoHeaderAtAll(t *testing.T) {
	data := sheetXML(t, "", inline(1, "a", "b")+inline(2, "c", "d"), "")
	_, problems, err := parse(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(problems), len(required); got != want {
		t.Errorf("problems = %v, want one per required column", problems)
	}
}

func TestParseDuplicateColumn(t *testing.T) {
	headers := append(append([]string(nil), required...), "联系电话*")
	data := sheetXML(t, "", inline(1, headers...)+inline(2, good...), "")
	_, problems, err := parse(t, data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Row: 1, Column: "联系电话", Message: "表头中有 2 列都是这一列（第 F、H 列）：请删除多余的列或改正表头，只保留一列"}}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestParseOfficersLedger reads a ledger of an officer's own making: a title row, columns in another order, an
// unknown 序号 column, headers with stars and spaces, aliases, and numbered but otherwise empty rows at the end.
func TestParseOfficersLedger(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	s := "Sheet1"
	f.SetCellStr(s, "A1", "2025年依申请公开台账")
	f.MergeCell(s, "A1", "H1")
	headers := []string{"序号", " 申请人 ", "联系电话 *", "收到申请日期", "申请方式*", "申请人类型（必填）", "身份证号码", "申请内容"}
	values := [][]any{
		{1.0, "张三", "13800138000", date(2025, 11, 3), "当面提交", "公民", "11010519491231002X", "某文件"},
		{2.0, "李四", 13900139000.0, "2025-11-04 09:30", "传真", "个人", "11010519491231002X", "另一文件"},
	}
	for i, h := range headers {
		f.SetCellStr(s, cellName(i+1, 2), h)
	}
	for r, vals := range values {
		for i, v := range vals {
			f.SetCellValue(s, cellName(i+1, r+3), v)
		}
	}
	style, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
	for r := 5; r <= 50; r++ {
		f.SetCellValue(s, cellName(1, r), float64(r-2)) // 序号 only
		f.SetCellStyle(s, cellName(2, r), cellName(8, r), style)
	}
	f.SetCellStr(s, "B51", "   ")
	// With a limit of two rows the two cases still fit: rows numbered in 序号 only do not count.
	got, problems, err := parse(t, save(t, f), withLimits(func(l *limits) { l.rows = 2 }))
	if err != nil || problems != nil {
		t.Fatalf("err %v, problems %v", err, problems)
	}
	if len(got) != 2 {
		t.Fatalf("imported %d rows, want 2: %+v", len(got), got)
	}
	for i, want := range []struct {
		row     int
		name    string
		phone   string
		channel disclosure.Channel
		on      workday.Date
	}{
		{3, "张三", "13800138000", disclosure.InPerson, workday.NewDate(2025, 11, 3)},
		{4, "李四", "13900139000", disclosure.Fax, workday.NewDate(2025, 11, 4)},
	} {
		a := got[i].App
		if got[i].Row != want.row || a.Applicant.Name != want.name || a.Applicant.Phone != want.phone ||
			a.Channel != want.channel || a.ReceivedOn != want.on {
			t.Errorf("row %d = %d %s %s %s %s, want %+v", i, got[i].Row, a.Applicant.Name, a.Applicant.Phone, a.Channel, a.ReceivedOn, want)
		}
	}
}

func TestParseFormulasUseCachedValues(t *testing.T) {
	rows := inline(1, required...) +
		`<row r="2">` +
		`<c r="A2"><f>DATE(2026,2,10)</f><v>46063</v></c>` +
		`<c r="B2" t="str"><f>"邮"&amp;"寄"</f><v>邮寄</v></c>` +
		`<c r="C2" t="inlineStr"><is><t>公民</t></is></c>` +
		`<c r="D2" t="s"><f>Sheet2!A1</f><v>0</v></c>` +
		`<c r="E2" t="inlineStr"><is><t>11010519491231002X</t></is></c>` +
		`<c r="F2"><f>13800138000</f><v>13800138000</v></c>` +
		`<c r="G2" t="inlineStr"><is><r><t>某</t></r><r><rPr><b/></rPr><t>文件</t></r><rPh><t>ぶんしょ</t></rPh></is></c>` +
		`</row>`
	data := sheetXML(t, "", rows, "", "张三")
	got, problems, err := parse(t, data)
	if err != nil || problems != nil {
		t.Fatalf("err %v, problems %v", err, problems)
	}
	a := got[0].App
	if a.ReceivedOn != workday.NewDate(2026, 2, 10) || a.Channel != disclosure.Letter || a.Applicant.Name != "张三" ||
		a.Applicant.Phone != "13800138000" || a.Request.Description != "某文件" {
		t.Errorf("got %+v", a)
	}
}

func TestParseMergedCells(t *testing.T) {
	f := open(t, templateBytes(t))
	rows := []row{goodRows()[0], goodRows()[0], goodRows()[0]}
	for _, r := range rows[1:] {
		delete(r, "收到日期")
		delete(r, "申请方式")
	}
	rows[0]["文号"] = "不是文号"
	rows[0]["信息名称"] = "某名称"
	delete(rows[0], "文号")
	writeRows(t, f, SheetName, 3, rows...)
	for _, m := range [][2]string{{"A3", "A5"}, {"B3", "B5"}, {"L3", "M3"}} {
		if err := f.MergeCell(SheetName, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	got, problems, err := parse(t, save(t, f))
	if err != nil || problems != nil {
		t.Fatalf("err %v, problems %v", err, problems)
	}
	if len(got) != 3 {
		t.Fatalf("imported %d rows, want 3", len(got))
	}
	for _, im := range got {
		if im.App.ReceivedOn != workday.NewDate(2026, 2, 10) || im.App.Channel != disclosure.InPerson {
			t.Errorf("row %d: received %s by %s, want the merged 2026-02-10 and in_person", im.Row, im.App.ReceivedOn, im.App.Channel)
		}
	}
	if got[0].App.Request.Title != "某名称" || got[0].App.Request.DocNumber != "" {
		t.Errorf("merged across columns: title %q, doc number %q; want the value in the first column only",
			got[0].App.Request.Title, got[0].App.Request.DocNumber)
	}
}

func TestParseTooManyRows(t *testing.T) {
	lim := withLimits(func(l *limits) { l.rows = 3 })
	for _, tt := range []struct {
		rows int
		ok   bool
	}{{3, true}, {4, false}, {20, false}} {
		t.Run(fmt.Sprintf("%d rows", tt.rows), func(t *testing.T) {
			xml := inline(1, required...)
			for r := 2; r < 2+tt.rows; r++ {
				xml += inline(r, good...)
			}
			got, _, err := parse(t, sheetXML(t, "", xml, ""), lim)
			switch {
			case tt.ok && (err != nil || len(got) != tt.rows):
				t.Errorf("err %v, %d rows; want %d rows", err, len(got), tt.rows)
			case !tt.ok:
				wantError(t, err, "超过 3 行")
			}
		})
	}
}

func TestParseDamagedSheets(t *testing.T) {
	head := inline(1, required...)
	tests := []struct {
		name, rows, extra string
		want              string
	}{
		{"empty sheet", "", "", "工作表“申请”是空的"},
		{"header only", head, "", "没有要导入的申请"},
		{"bad shared string index", head + `<row r="2"><c r="A2" t="s"><v>7</v></c></row>`, "", "共享字符串编号“7”无效"},
		{"rows out of order", head + inline(3, good...) + inline(2, good...), "", "行号重复或顺序错误"},
		{"row number out of range", head + `<row r="1048577"><c t="inlineStr"><is><t>x</t></is></c></row>`, "", "行号重复或顺序错误"},
		{"bad cell reference", head + `<row r="2"><c r="A0"><v>1</v></c></row>`, "", "单元格位置“A0”无效"},
		{"too many merged ranges", head + inline(2, good...), `<mergeCells><mergeCell ref="A2:A3"/><mergeCell ref="B2:B3"/><mergeCell ref="C2:C3"/></mergeCells>`, "合并单元格过多"},
		{"deep nesting", head + strings.Repeat("<x>", 100) + strings.Repeat("</x>", 100), "", "嵌套过深"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parse(t, sheetXML(t, "", tt.rows, tt.extra), withLimits(func(l *limits) { l.merges = 2 }))
			wantError(t, err, tt.want)
		})
	}
	t.Run("not UTF-8", func(t *testing.T) {
		data := rewritePart(t, sheetXML(t, "", head+inline(2, good...), ""), "xl/worksheets/sheet1.xml", func(s string) string {
			return strings.Replace(s, `encoding="UTF-8"`, `encoding="GBK"`, 1)
		})
		_, _, err := parse(t, data)
		wantError(t, err, "文件已损坏")
	})
}

func TestParseOddButReadable(t *testing.T) {
	head := inline(1, required...)
	tests := []struct {
		name, rows string
		check      func(t *testing.T, got []Imported, problems []Problem)
	}{
		{"a cell in the last column of the last row", head + inline(2, good...) +
			`<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>`,
			func(t *testing.T, got []Imported, problems []Problem) {
				if len(got) != 1 || problems != nil {
					t.Errorf("got %d rows, problems %v; want the one row", len(got), problems)
				}
			}},
		{"ID number in scientific notation", head + strings.Replace(inline(2, good...),
			`<c r="E2" t="inlineStr"><is><t>11010519491231002X</t></is></c>`, `<c r="E2"><v>1.10105194912310E+17</v></c>`, 1),
			func(t *testing.T, got []Imported, problems []Problem) {
				want := []Problem{{Row: 2, Column: "证件号码或统一社会信用代码",
					Message: "这一格被 Excel 存成了数字（1.10105194912310E+17），超过 15 位的数字末尾已变成 0：请先把这一列设为“文本”格式，再重新输入完整的号码"}}
				if diff := cmp.Diff(want, problems); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			}},
		{"cells without references", head + `<row><c t="inlineStr"><is><t>2026-02-10</t></is></c><c t="inlineStr"><is><t>邮寄</t></is></c>` +
			`<c t="inlineStr"><is><t>公民</t></is></c><c t="inlineStr"><is><t>张三</t></is></c><c t="inlineStr"><is><t>11010519491231002X</t></is></c>` +
			`<c t="inlineStr"><is><t>13800138000</t></is></c><c t="inlineStr"><is><t>某_x000D_文件</t></is></c></row>`,
			func(t *testing.T, got []Imported, problems []Problem) {
				if len(got) != 1 || got[0].Row != 2 || got[0].App.Request.Description != "某\n文件" {
					t.Errorf("got %+v, problems %v", got, problems)
				}
			}},
		{"date serial with a time of day", head + strings.Replace(inline(2, good...), `t="inlineStr"><is><t>2026-02-10</t></is>`, `><v>46063.75</v>`, 1),
			func(t *testing.T, got []Imported, problems []Problem) {
				if len(got) != 1 || got[0].App.ReceivedOn != workday.NewDate(2026, 2, 10) {
					t.Errorf("got %+v, problems %v", got, problems)
				}
			}},
		{"date serial out of range", head + strings.Replace(inline(2, good...), `t="inlineStr"><is><t>2026-02-10</t></is>`, `><v>1e300</v>`, 1),
			func(t *testing.T, got []Imported, problems []Problem) {
				want := []Problem{{Row: 2, Column: "收到日期", Message: "“1e300”不是有效的日期：请填写如 2026-03-02 的日期"}}
				if diff := cmp.Diff(want, problems); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems, err := parse(t, sheetXML(t, "", tt.rows, ""))
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got, problems)
		})
	}
}

func TestParse1904Dates(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	for i, h := range required {
		f.SetCellStr("Sheet1", cellName(i+1, 1), h)
		f.SetCellStr("Sheet1", cellName(i+1, 2), good[i])
	}
	f.SetCellFloat("Sheet1", "A2", date(2026, 2, 10)-1462, 0, 64) // the 1904 system counts 1,462 days fewer
	got, problems, err := parse(t, save(t, f))
	if err != nil || problems != nil {
		t.Fatalf("err %v, problems %v", err, problems)
	}
	if got[0].App.ReceivedOn != workday.NewDate(2026, 2, 10) {
		t.Errorf("received %s, want 2026-02-10", got[0].App.ReceivedOn)
	}
}

func TestParseToday(t *testing.T) {
	data := sheetXML(t, "", inline(1, required...)+inline(2, good...), "")
	_, problems, err := Parse(bytes.NewReader(data), checkID, WithToday(workday.NewDate(2026, 2, 9)))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Row: 2, Column: "收到日期", Message: "收到日期（2026-02-10）晚于今天（2026-02-09）：请核对"}}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// Without WithToday, today is the current date in China, which is after 2026-02-10 on any machine running this.
	got, problems, err := Parse(bytes.NewReader(data), checkID)
	if err != nil || problems != nil || len(got) != 1 {
		t.Errorf("err %v, problems %v, rows %d", err, problems, len(got))
	}
}
