package casexlsx

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/disclosure"
)

func TestTemplate(t *testing.T) {
	data := templateBytes(t)
	f := open(t, data)

	t.Run("sheets", func(t *testing.T) {
		if got, want := f.GetSheetList(), []string{SheetName, HelpSheet, listSheet}; !cmp.Equal(got, want) {
			t.Errorf("sheets = %q, want %q", got, want)
		}
		if visible, _ := f.GetSheetVisible(listSheet); visible {
			t.Errorf("sheet %s is visible, want hidden", listSheet)
		}
		if got := f.GetActiveSheetIndex(); got != 0 {
			t.Errorf("active sheet = %d, want 0 (%s)", got, SheetName)
		}
	})
	rows, err := f.GetRows(SheetName)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("header names the import columns, required ones starred", func(t *testing.T) {
		want := []string{"收到日期*", "申请方式*", "申请类型", "申请人类型*", "申请人姓名或名称*", "证件类型", "证件号码或统一社会信用代码*",
			"联系人", "联系电话*", "电子邮箱", "联系地址", "信息名称", "文号", "所需信息描述*", "载体形式", "获取方式", "办理结果",
			"办理依据", "答复日期", "备注"}
		if diff := cmp.Diff(want, rows[0]); diff != "" {
			t.Errorf("header (-want +got):\n%s", diff)
		}
	})
	t.Run("example row", func(t *testing.T) {
		if len(rows) != 2 {
			t.Fatalf("rows = %d, want header and example", len(rows))
		}
		if got, want := rows[1][0], "2025-03-03"; got != want {
			t.Errorf("example date shows %q, want %q", got, want)
		}
		if got, want := rows[1][6], "11010519491231002X"; got != want {
			t.Errorf("example ID = %q, want %q", got, want)
		}
	})
	t.Run("drop-down lists", func(t *testing.T) {
		dvs, err := f.GetDataValidations(SheetName)
		if err != nil {
			t.Fatal(err)
		}
		lists := map[string]string{}
		for _, dv := range dvs {
			if dv.Type == "list" {
				lists[strings.SplitN(dv.Sqref, ":", 2)[0]] = dv.Formula1
			}
		}
		for _, c := range []struct {
			cell, header string
			n            int
		}{
			{"B2", "申请方式", len(disclosure.Channels)},
			{"C2", "申请类型", 2},
			{"D2", "申请人类型", len(disclosure.ApplicantTypes)},
			{"F2", "证件类型", 7},
			{"O2", "载体形式", len(disclosure.RequestForms)},
			{"P2", "获取方式", len(disclosure.RequestDelivery)},
			{"Q2", "办理结果", len(disclosure.Outcomes()) + len(disclosure.CorrectionOutcomes())},
			{"R2", "办理依据", len(basisNames())},
		} {
			formula, ok := lists[c.cell]
			if !ok {
				t.Errorf("%s (%s) has no drop-down list; lists: %v", c.header, c.cell, lists)
				continue
			}
			sheet, ref, _ := strings.Cut(formula, "!")
			if sheet != "'"+listSheet+"'" {
				t.Errorf("%s list on sheet %s, want %s", c.header, sheet, listSheet)
				continue
			}
			values, err := f.GetCellValue(listSheet, strings.ReplaceAll(strings.Split(ref, ":")[1], "$", ""))
			if err != nil || values == "" {
				t.Errorf("%s list ends on an empty cell %s", c.header, ref)
			}
			if !strings.HasSuffix(ref, "$"+itoa(c.n)) {
				t.Errorf("%s list = %s, want %d values", c.header, ref, c.n)
			}
		}
	})
	t.Run("ID number column is text, dates are dates", func(t *testing.T) {
		if st := styleOf(t, f, "G2"); st.NumFmt != 49 {
			t.Errorf("G2 format = %d, want 49 (text)", st.NumFmt)
		}
		if st := styleOf(t, f, "A2"); st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
			t.Errorf("A2 format = %v, want yyyy-mm-dd", st.CustomNumFmt)
		}
		panes, _ := f.GetPanes(SheetName)
		if !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("panes = %+v, want the header frozen", panes)
		}
	})
	t.Run("help explains every column", func(t *testing.T) {
		help, err := f.GetRows(HelpSheet)
		if err != nil {
			t.Fatal(err)
		}
		explained := map[string]string{}
		var text strings.Builder
		for _, r := range help {
			text.WriteString(strings.Join(r, " ") + "\n")
			if len(r) >= 3 {
				explained[r[0]] = r[1] + " " + r[2]
			}
		}
		for c := range numCols {
			h := importColumns[c].Header
			if explained[h] == "" {
				t.Errorf("no explanation of %s", h)
			}
		}
		for _, want := range []string{"2026年3月2日", "不填表示仍在办理中", "就必须填写答复日期", "统一社会信用代码", "原样保留时导入会跳过"} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("help lacks %q", want)
			}
		}
		if got := explained["联系人"]; !strings.HasPrefix(got, "组织必填") {
			t.Errorf("联系人 = %q, want 组织必填", got)
		}
	})
	t.Run("left as it is, it imports nothing", func(t *testing.T) {
		_, _, err := parse(t, data)
		if got, want := disclosure.ErrorMessage(err), "工作表“申请”中没有要导入的申请：请从表头（第 1 行）的下一行起，每行填写一件申请"; got != want {
			t.Errorf("err = %q, want %q", got, want)
		}
	})
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// TestLookups checks that every value a drop-down list offers, every ID, and every report row label is read back
// as itself.
func TestLookups(t *testing.T) {
	for _, c := range disclosure.Channels {
		for _, s := range []string{c.Name, string(c.ID), beforeParen(c.Name)} {
			if got, ok := channelLookup.find(s); !ok || got != c.ID {
				t.Errorf("channel %q = %q, want %q", s, got, c.ID)
			}
		}
	}
	for _, a := range disclosure.ApplicantTypes {
		if got, ok := applicantTypeLookup.find(a.Name); !ok || got != a.ID {
			t.Errorf("applicant type %q = %q, want %q", a.Name, got, a.ID)
		}
	}
	for _, o := range allOutcomes() {
		for _, s := range []string{o.Name, o.Label, string(o.ID)} {
			if got, ok := outcomeLookup.find(s); !ok || got != o.ID {
				t.Errorf("outcome %q = %q, want %q", s, got, o.ID)
			}
		}
		for _, b := range o.Bases {
			if got, ok := basisOf(o, b.Name); !ok || got.Key != b.Key {
				t.Errorf("basis %q of %s = %q, want %q", b.Name, o.ID, got.Key, b.Key)
			}
		}
	}
	for _, it := range idTypes {
		if got, ok := idTypeLookup.find(it.Name); !ok || got != it.ID {
			t.Errorf("ID type %q = %q, want %q", it.Name, got, it.ID)
		}
	}
	for c := range numCols {
		for _, h := range append([]string{importColumns[c].title(), " " + importColumns[c].Header + " *"}, importColumns[c].Aliases...) {
			if got, ok := headerLookup.find(headerKey(h)); !ok || got != c {
				t.Errorf("header %q = %d, want %d", h, got, c)
			}
		}
	}
	if got, ok := channelLookup.find("邮寄(需签收)"); !ok || got != disclosure.Letter {
		t.Errorf("half-width brackets: %q, want %q", got, disclosure.Letter)
	}
}

func TestStandInsAreValid(t *testing.T) {
	if err := disclosure.ValidateUSCC(standInUSCC); err != nil {
		t.Errorf("standInUSCC: %v", err)
	}
	var all [numCols]bool
	for i := range all {
		all[i] = true
	}
	f := &rowFields{}
	app := f.application(all)
	if err := app.Validate(func(_, n string) (string, error) { return n, nil }); err != nil {
		t.Errorf("all stand-ins: %v", err)
	}
	f.atype = disclosure.Commercial
	all[cApplicantType] = false
	app = f.application(all)
	if err := app.Validate(func(_, n string) (string, error) { return n, nil }); err != nil {
		t.Errorf("stand-ins for an organisation: %v", err)
	}
}
