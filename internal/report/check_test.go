package report

import (
	"fmt"
	"strings"
	"testing"
)

// cleanReport returns a complete, consistent report of the era: every cell present, narrative sections written.
func cleanReport(tb testing.TB, era Era, year int) *Report {
	tb.Helper()
	f, _ := FormatOf(era)
	r := &Report{Era: era, Year: year, Agency: "平阴县卫生健康局"}
	for _, s := range f.Sections {
		if s.Narrative {
			r.Sections = append(r.Sections, Section{ID: s.ID, Text: "已依法公开，未收取信息处理费。"})
		}
	}
	for _, t := range f.Tables {
		for _, row := range t.DataRows() {
			for _, col := range t.Columns {
				r.Set(t.ID, row.ID, col.ID, 0)
			}
		}
	}
	if era == EraPre2019 {
		return r
	}
	// Two natural-person applications, one disclosed and one not held.
	for _, row := range []string{RowNew, "disclosed", "unable.not_held"} {
		n := 1.0
		if row == RowNew {
			n = 2
		}
		r.Set(TableRequests, row, "natural_person", n)
		r.Set(TableRequests, row, ColTotal, n)
	}
	r.Set(TableRequests, RowTotal, "natural_person", 2)
	r.Set(TableRequests, RowTotal, ColTotal, 2)
	if err := r.Validate(); err != nil {
		tb.Fatal(err)
	}
	return r
}

func rules(fs []Finding) string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Rule)
	}
	return strings.Join(ids, ",")
}

func TestCheckCleanReportsHaveNoFindings(t *testing.T) {
	for _, tc := range []struct {
		era  Era
		year int
	}{{Era2021, 2024}, {Era2019, 2020}} {
		if fs := Check(cleanReport(t, tc.era, tc.year), nil); len(fs) != 0 {
			t.Errorf("%s: findings %+v", tc.era, fs)
		}
	}
}

func TestCheckFindsEachBrokenRule(t *testing.T) {
	tests := []struct {
		name    string
		era     Era
		mutate  func(r *Report)
		rule    string
		sev     Severity
		section string
		row     string
		column  string
		exp     string // expected value, "" when none
		found   string
		msg     string // a fragment of the message
		n       int    // how many findings the change causes, when more than one
	}{
		{
			name: "column out of balance", era: Era2021,
			mutate: func(r *Report) {
				r.Set(TableRequests, RowCarriedOver, "research", 1)
				r.Set(TableRequests, RowCarriedOver, ColTotal, 1)
			},
			rule: "R3-1", sev: Error, section: "三", column: "法人或其他组织/科研机构", exp: "1", found: "0", msg: "相差 1", n: 2,
		},
		{
			name: "row total wrong", era: Era2021,
			mutate: func(r *Report) { r.Set(TableRequests, "disclosed", ColTotal, 3) },
			rule:   "R3-2", sev: Error, section: "三", row: "（一）予以公开", column: "总计", exp: "1", found: "3", msg: "各类申请人合计为 1", n: 2,
		},
		{
			name: "result total wrong", era: Era2021,
			mutate: func(r *Report) {
				r.Set(TableRequests, "refused.third_party", "commercial", 1)
				r.Set(TableRequests, "refused.third_party", ColTotal, 1)
			},
			rule: "R3-3", sev: Error, section: "三", row: "（七）总计", column: "法人或其他组织/商业企业", exp: "1", found: "0", n: 2,
		},
		{
			name: "appeal total wrong", era: Era2021,
			mutate: func(r *Report) { r.Set(TableAppeals, RowCases, "suit_after_review.corrected", 2) },
			rule:   "R4-1", sev: Error, section: "四", column: "行政诉讼/复议后起诉/总计", exp: "2", found: "0",
		},
		{
			name: "negative count", era: Era2021,
			mutate: func(r *Report) { r.Set(TableRules, "normative", "repealed", -1) },
			rule:   "V-NEG", sev: Error, section: "二", row: "行政规范性文件", column: "本年废止件数", exp: "0", found: "-1",
		},
		{
			name: "fractional count", era: Era2021,
			mutate: func(r *Report) { r.Set(TablePenalties, "penalty", "decisions", 2.5) },
			rule:   "V-INT", sev: Error, section: "二", row: "行政处罚", column: "本年处理决定数量", found: "2.5",
		},
		{
			name: "in force below made minus repealed", era: Era2021,
			mutate: func(r *Report) { r.Set(TableRules, "normative", "made", 5) },
			rule:   "R2-2", sev: Warning, section: "二", row: "行政规范性文件", column: "现行有效件数", exp: "5", found: "0",
		},
		{
			name: "made but never published (trial format)", era: Era2019,
			mutate: func(r *Report) { r.Set(TableRules, "normative", "made", 310) },
			rule:   "R2-3", sev: Warning, section: "二", row: "规范性文件", column: "本年新公开数量", found: "0", msg: "本年新制作 310 件",
		},
		{
			name: "published more than published in total (trial format)", era: Era2019,
			mutate: func(r *Report) { r.Set(TableRules, "normative", "published", 4) },
			rule:   "R2-3", sev: Warning, section: "二", row: "规范性文件", column: "对外公开总数量", exp: "4", found: "0",
		},
		{
			name: "items fall below zero (trial format)", era: Era2019,
			mutate: func(r *Report) { r.Set(TableLicensing, "licensing", "items_change", -3) },
			rule:   "R2-4", sev: Warning, section: "二", row: "行政许可", column: "本年增/减", exp: "0", found: "-3",
		},
		{
			name: "table missing", era: Era2021,
			mutate: func(r *Report) { delete(r.Tables, TableRequests) },
			rule:   "C-1", sev: Error, section: "三", msg: "未找到第三部分表格",
		},
		{
			name: "one section 二 table missing", era: Era2021,
			mutate: func(r *Report) { delete(r.Tables, TableFees) },
			rule:   "C-1", sev: Error, section: "二", row: "第二十条第（八）项", msg: "第二十条第（八）项",
		},
		{
			name: "cells missing", era: Era2021,
			mutate: func(r *Report) { delete(r.Tables[TableRequests][RowCarryForward], "legal_service") },
			rule:   "C-2", sev: Error, section: "三", row: "四、结转下年度继续办理", column: "法人或其他组织/法律服务机构", msg: "缺少 1 个数据",
		},
		{
			name: "narrative section missing", era: Era2021,
			mutate: func(r *Report) { r.Sections = r.Sections[:1] },
			rule:   "C-3", sev: Error, section: "五", msg: "存在的主要问题及改进情况", n: 2,
		},
		{
			name: "fee item not stated", era: Era2021,
			mutate: func(r *Report) {
				for i := range r.Sections {
					r.Sections[i].Text = "无。"
				}
			},
			rule: "C-4", sev: Warning, section: "六", row: "（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况", msg: "信息处理费",
		},
		{
			name: "format does not fit the year", era: Era2019,
			mutate: func(r *Report) { r.Year = 2023 },
			rule:   "C-5", sev: Warning, msg: "2023年度报告应使用现行格式",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			year := 2024
			if tc.era == Era2019 {
				year = 2020
			}
			r := cleanReport(t, tc.era, year)
			tc.mutate(r)
			fs := Check(r, nil)
			if tc.n == 0 {
				tc.n = 1
			}
			if len(fs) != tc.n {
				t.Fatalf("findings = %s (%+v), want one %s", rules(fs), fs, tc.rule)
			}
			f := fs[0]
			if f.Rule != tc.rule || f.Severity != tc.sev || f.Section != tc.section || f.Row != tc.row || f.Column != tc.column {
				t.Errorf("got %s/%s at %q/%q/%q, want %s/%s at %q/%q/%q", f.Rule, f.Severity, f.Section, f.Row, f.Column,
					tc.rule, tc.sev, tc.section, tc.row, tc.column)
			}
			if got := optNum(f.Expected); got != tc.exp {
				t.Errorf("expected = %q, want %q", got, tc.exp)
			}
			if got := optNum(f.Found); got != tc.found {
				t.Errorf("found = %q, want %q", got, tc.found)
			}
			if !strings.Contains(f.Message, tc.msg) {
				t.Errorf("message %q does not contain %q", f.Message, tc.msg)
			}
			if !knownRule(f.Rule) {
				t.Errorf("rule %s is not listed in Rules", f.Rule)
			}
		})
	}
}

func optNum(p *float64) string {
	if p == nil {
		return ""
	}
	return FormatNumber(*p)
}

func knownRule(id string) bool {
	for _, r := range Rules {
		if r.ID == id {
			return true
		}
	}
	return false
}

func TestCheckCrossYear(t *testing.T) {
	prev := cleanReport(t, Era2021, 2023)
	prev.Set(TableRequests, RowNew, "natural_person", 3)
	prev.Set(TableRequests, RowNew, ColTotal, 3)
	prev.Set(TableRequests, RowCarryForward, "natural_person", 1)
	prev.Set(TableRequests, RowCarryForward, ColTotal, 1)
	prev.Set(TableRules, "normative", "made", 4)
	prev.Set(TableRules, "normative", "in_force", 20)
	if fs := Check(prev, nil); len(fs) != 0 {
		t.Fatalf("previous year not clean: %+v", fs)
	}

	cur := cleanReport(t, Era2021, 2024)
	cur.Set(TableRules, "normative", "made", 2)
	cur.Set(TableRules, "normative", "repealed", 1)
	cur.Set(TableRules, "normative", "in_force", 25) // 20 + 2 − 1 = 21
	fs := Check(cur, prev)
	if got := rules(fs); got != "R3-5,R3-5,R2-1" {
		t.Fatalf("findings = %s: %+v", got, fs)
	}
	if f := fs[0]; f.Column != "自然人" || optNum(f.Expected) != "1" || optNum(f.Found) != "0" || !strings.Contains(f.Message, "2023年度报告") {
		t.Errorf("R3-5 = %+v", f)
	}
	if f := fs[2]; optNum(f.Expected) != "21" || optNum(f.Found) != "25" {
		t.Errorf("R2-1 = %+v", f)
	}
	for _, f := range fs {
		if !CrossYear(f.Rule) {
			t.Errorf("%s is reported only with last year's report but CrossYear says otherwise", f.Rule)
		}
	}
	// A report for another year is not last year's.
	prev.Year = 2021
	if fs := Check(cur, prev); len(fs) != 0 {
		t.Errorf("with a non-adjacent year: %+v", fs)
	}
}

func TestCheckMissingFiguresSkipArithmetic(t *testing.T) {
	r := cleanReport(t, Era2021, 2024)
	delete(r.Tables[TableRequests], RowTotal)
	fs := Check(r, nil)
	if got := rules(fs); got != "C-2" {
		t.Errorf("findings = %s, want only the missing row (no arithmetic on absent figures): %+v", got, fs)
	}
}

func TestCheckReportWithoutTables(t *testing.T) {
	r := cleanReport(t, Era2021, 2022)
	r.Tables = nil
	fs := Check(r, nil)
	if got := rules(fs); got != "C-1,C-1,C-1" {
		t.Fatalf("findings = %s", got)
	}
	for i, sec := range []string{"二", "三", "四"} {
		if fs[i].Section != sec || !strings.Contains(fs[i].Message, fmt.Sprintf("未找到第%s部分表格", sec)) {
			t.Errorf("finding %d = %+v", i, fs[i])
		}
	}
}

func TestCheckPre2019NeedsNoTables(t *testing.T) {
	r := cleanReport(t, EraPre2019, 2016)
	if fs := Check(r, nil); len(fs) != 0 {
		t.Errorf("findings: %+v", fs)
	}
	r.Sections = r.Sections[:2]
	fs := Check(r, nil)
	if len(fs) == 0 || fs[0].Severity != Warning || fs[0].Rule != "C-3" {
		t.Errorf("missing pre-2019 sections should be warnings: %+v", fs)
	}
}

func TestCheckOrdersErrorsFirst(t *testing.T) {
	r := cleanReport(t, Era2021, 2024)
	r.Set(TableRules, "normative", "made", 5)        // warning
	r.Set(TableAppeals, RowCases, "review.total", 1) // error
	fs := Check(r, nil)
	if got := rules(fs); got != "R4-1,R2-2" {
		t.Errorf("order = %s", got)
	}
}

func TestCheckUnknownEra(t *testing.T) {
	fs := Check(&Report{Era: "1998"}, nil)
	if len(fs) != 1 || fs[0].Severity != Error {
		t.Errorf("findings = %+v", fs)
	}
}

func BenchmarkCheck(b *testing.B) {
	r := cleanReport(b, Era2021, 2024)
	r.Set(TableRequests, RowCarriedOver, "research", 1) // one broken rule, so findings are built too
	prev := cleanReport(b, Era2021, 2023)
	b.ReportAllocs()
	for b.Loop() {
		Check(r, prev)
	}
}
