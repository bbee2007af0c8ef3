package casexlsx

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

func exportRows() []ExportRow {
	return []ExportRow{
		{
			App: disclosure.Application{
				Kind: disclosure.DisclosureRequest, Number: "2026-0007", QueryCode: "K7Q2M9", Channel: disclosure.Letter,
				ReceivedOn: workday.NewDate(2026, 3, 2), State: disclosure.Replied, Outcome: disclosure.RefusedStateSecret,
				ClosedOn: workday.NewDate(2026, 3, 20), Due: workday.NewDate(2026, 3, 30),
				Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, Name: "张三", IDType: "resident_id",
					IDNumber: "110105194912310021", Phone: "13800138000", Email: "zhangsan@example.com"},
				Request: disclosure.Request{Title: "2024年老旧小区改造资金安排", DocNumber: "京政发〔2024〕3号",
					Description: "请公开本区 2024 年老旧小区改造项目的资金安排文件，包括各街道的分配明细。"},
			},
			Agency: "北京市东城区住房和城乡建设委员会", Assignee: "李四", View: disclosure.ViewFor(disclosure.Officer),
		},
		{
			App: disclosure.Application{
				Kind: disclosure.CorrectionRequest, Number: "2026-0008", QueryCode: "P3X8T1", Channel: disclosure.Online,
				ReceivedOn: workday.NewDate(2026, 1, 5), State: disclosure.Handling, Due: workday.NewDate(2026, 2, 2),
				Applicant: disclosure.Applicant{Type: disclosure.Commercial, Name: "北京某某科技有限公司",
					IDType: disclosure.USCCDocType, IDNumber: "91110000000000000E", Contact: "王五", Phone: "010-12345678"},
				Request: disclosure.Request{Description: "更正企业登记信息中的地址"},
			},
			Agency: "北京市东城区住房和城乡建设委员会", Overdue: true, View: disclosure.ViewFor(disclosure.Officer),
		},
	}
}

func TestExport(t *testing.T) {
	var buf bytes.Buffer
	generated := time.Date(2026, 3, 2, 14, 5, 0, 0, chinaTime)
	if err := Export(&buf, exportRows(), generated); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())

	t.Run("sheets", func(t *testing.T) {
		if got, want := f.GetSheetList(), []string{SheetName, NotesSheet}; !cmp.Equal(got, want) {
			t.Errorf("sheets = %q, want %q", got, want)
		}
	})
	rows, err := f.GetRows(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("headers in order", func(t *testing.T) {
		want := []string{"申请编号", "受理机关", "申请类型", "申请方式", "收到日期", "申请人类型", "申请人", "证件号码", "联系电话",
			"电子邮箱", "信息名称", "文号", "所需信息描述", "状态", "办理结果", "答复（办结）日期", "答复期限", "是否超期", "承办人", "查询码"}
		if diff := cmp.Diff(want, rows[0]); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
	})
	t.Run("values as shown", func(t *testing.T) {
		want := [][]string{
			{"2026-0007", "北京市东城区住房和城乡建设委员会", "政府信息公开申请", "邮寄（需签收）", "2026-03-02", "公民（自然人）", "张三",
				"110105194912310021", "13800138000", "zhangsan@example.com", "2024年老旧小区改造资金安排", "京政发〔2024〕3号",
				"请公开本区 2024 年老旧小区改造项目的资金安排文件，包括各街道的分配明细。", "已答复", "不予公开：属于国家秘密",
				"2026-03-20", "2026-03-30", "否", "李四", "K7Q2M9"},
			{"2026-0008", "北京市东城区住房和城乡建设委员会", "更正申请", "互联网在线申请", "2026-01-05", "商业企业", "北京某某科技有限公司",
				"91110000000000000E", "010-12345678", "", "", "", "更正企业登记信息中的地址", "办理中", "", "", "2026-02-02", "是", "", "P3X8T1"},
		}
		if diff := cmp.Diff(want, rows[1:]); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
	})
	t.Run("ID number is text with all 18 digits", func(t *testing.T) {
		typ, err := f.GetCellType(SheetName, "H2")
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("H2 type = %v, want a string", typ)
		}
		raw, _ := f.GetCellValue(SheetName, "H2", excelize.Options{RawCellValue: true})
		if raw != "110105194912310021" {
			t.Errorf("H2 raw = %q, want the 18 digits", raw)
		}
		if got := styleOf(t, f, "H2").NumFmt; got != 49 {
			t.Errorf("H2 number format = %d, want 49 (text)", got)
		}
	})
	t.Run("date is an Excel date", func(t *testing.T) {
		raw, _ := f.GetCellValue(SheetName, "E2", excelize.Options{RawCellValue: true})
		if raw != "46083" {
			t.Errorf("E2 raw = %q, want serial 46083 (2026-03-02)", raw)
		}
		if typ, _ := f.GetCellType(SheetName, "E2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("E2 type = %v, want a number", typ)
		}
		st := styleOf(t, f, "E2")
		if st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
			t.Errorf("E2 format = %v, want yyyy-mm-dd", st.CustomNumFmt)
		}
	})
	t.Run("header frozen, bold, filtered", func(t *testing.T) {
		panes, err := f.GetPanes(SheetName)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("panes = %+v, want row 1 frozen", panes)
		}
		if st := styleOf(t, f, "A1"); st.Font == nil || !st.Font.Bold {
			t.Errorf("A1 font = %+v, want bold", st.Font)
		}
		found := false
		for _, d := range f.GetDefinedName() {
			if d.Name == "_xlnm._FilterDatabase" && strings.Contains(d.RefersTo, "$A$1:$T$3") {
				found = true
			}
		}
		if !found {
			t.Errorf("no filter over A1:T3 in %+v", f.GetDefinedName())
		}
	})
	t.Run("widths fit Chinese text", func(t *testing.T) {
		width := func(c string) float64 {
			w, err := f.GetColWidth(SheetName, c)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		// 受理机关: 16 Chinese characters = 32 units, plus a margin.
		if got := width("B"); got != 34 {
			t.Errorf("受理机关 width = %v, want 34", got)
		}
		// 是否超期: the header is the longest text (4 characters).
		if got := width("R"); got != 10 {
			t.Errorf("是否超期 width = %v, want 10", got)
		}
		if got := width("M"); got != 60 {
			t.Errorf("所需信息描述 width = %v, want the cap 60", got)
		}
	})
	t.Run("notes say when and how many", func(t *testing.T) {
		notes, err := f.GetRows(NotesSheet)
		if err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, r := range notes {
			text = append(text, strings.Join(r, ""))
		}
		all := strings.Join(text, "\n")
		for _, want := range []string{"导出时间：2026年3月2日 14:05（UTC+8）", "申请件数：2 件", "其中仍在办理：1 件；已超过答复期限：1 件"} {
			if !strings.Contains(all, want) {
				t.Errorf("notes lack %q:\n%s", want, all)
			}
		}
	})
}

func TestExportEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Export(&buf, nil, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	rows, err := f.GetRows(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), 1; got != want {
		t.Errorf("rows = %d, want %d (the header)", got, want)
	}
}

// TestExportHostileText shows that control characters, formula-like text and long text stay inert text.
func TestExportHostileText(t *testing.T) {
	rows := exportRows()[:1]
	rows[0].App.Applicant.Name = "=HYPERLINK(\"http://x\")\x00\x1b张三"
	rows[0].App.Request.Description = strings.Repeat("长", 40000)
	var buf bytes.Buffer
	if err := Export(&buf, rows, time.Now()); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	got, _ := f.GetCellValue(SheetName, "G2")
	if want := "'=HYPERLINK(\"http://x\")张三"; got != want {
		t.Errorf("G2 = %q, want %q", got, want)
	}
	if fm, _ := f.GetCellFormula(SheetName, "G2"); fm != "" {
		t.Errorf("G2 formula = %q, want none", fm)
	}
	desc, _ := f.GetCellValue(SheetName, "M2")
	if n := len([]rune(desc)); n != 32000 {
		t.Errorf("description length = %d, want 32000", n)
	}
}

func styleOf(t *testing.T, f *excelize.File, cell string) *excelize.Style {
	t.Helper()
	id, err := f.GetCellStyle(SheetName, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func BenchmarkExport(b *testing.B) {
	base := exportRows()
	rows := make([]ExportRow, 5000)
	for i := range rows {
		rows[i] = base[i%2]
	}
	for b.Loop() {
		var buf bytes.Buffer
		if err := Export(&buf, rows, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExportPersonalDataByView checks the export against the masking policy: the officer's export holds the whole
// identity number, the approver's the masked one, and the supervisor's no personal column at all.
func TestExportPersonalDataByView(t *testing.T) {
	const id = "11010519491231002X"
	for _, tc := range []struct {
		role            disclosure.Role
		wantID, wantTel string
		wantIDColumn    bool
		wantPhoneColumn bool
	}{
		{disclosure.Officer, id, "13800138000", true, true},
		{disclosure.Approver, "110105********002X", "13800138000", true, true},
		{disclosure.Supervisor, "", "", false, false},
	} {
		t.Run(string(tc.role), func(t *testing.T) {
			rows := exportRows()[:1]
			rows[0].App.Applicant.IDNumber = id
			rows[0].View = disclosure.ViewFor(tc.role)
			var buf bytes.Buffer
			if err := Export(&buf, rows, time.Now()); err != nil {
				t.Fatal(err)
			}
			got, err := open(t, buf.Bytes()).GetRows(SheetName)
			if err != nil {
				t.Fatal(err)
			}
			cell := map[string]string{}
			for i, h := range got[0] {
				if i < len(got[1]) {
					cell[h] = got[1][i]
				} else {
					cell[h] = ""
				}
			}
			if _, ok := cell["证件号码"]; ok != tc.wantIDColumn || cell["证件号码"] != tc.wantID {
				t.Errorf("证件号码 column %v %q, want %v %q", ok, cell["证件号码"], tc.wantIDColumn, tc.wantID)
			}
			if _, ok := cell["联系电话"]; ok != tc.wantPhoneColumn || cell["联系电话"] != tc.wantTel {
				t.Errorf("联系电话 column %v %q, want %v %q", ok, cell["联系电话"], tc.wantPhoneColumn, tc.wantTel)
			}
			if tc.role != disclosure.Officer && strings.Contains(buf.String(), id) {
				t.Error("the whole identity number is in the file")
			}
			if tc.role == disclosure.Supervisor && cell["申请人"] != "张三" {
				t.Errorf("the supervisor's export lost the non-personal columns: %q", got[0])
			}
		})
	}
}

// TestExportNeutralisesFormulas writes a name and a request that a spreadsheet would take for formulas and reads
// the file back: no cell is a formula and no text starts with '='.
func TestExportNeutralisesFormulas(t *testing.T) {
	rows := exportRows()[:1]
	rows[0].App.Applicant.Name = `=HYPERLINK("http://x","点击")`
	rows[0].App.Request.Title = "＝cmd|' /C calc'!A0"
	rows[0].App.Request.Description = "@SUM(1+1)*cmd|' /C calc'!A0"
	rows[0].App.Applicant.Phone = "+86 138 0013 8000"
	var buf bytes.Buffer
	if err := Export(&buf, rows, time.Now()); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	got, err := f.GetRows(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got[1] {
		cell := cellName(i+1, 2)
		if formula, _ := f.GetCellFormula(SheetName, cell); formula != "" {
			t.Errorf("%s is a formula: %q", cell, formula)
		}
		if spreadsheetRisky(v) {
			t.Errorf("%s starts a formula: %q", cell, v)
		}
	}
}

func spreadsheetRisky(s string) bool {
	return strings.HasPrefix(s, "=") || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "@") ||
		strings.HasPrefix(s, "＝") || strings.HasPrefix(s, "＠") || (strings.HasPrefix(s, "-") && len(s) > 1)
}
