package annual

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/workday"
)

// Rules lists the checks this package adds to the report engine's (report.Rules), by their stable identifiers.
var Rules = []struct {
	ID       string
	Severity report.Severity
	Text     string
}{
	{"A-1", report.Error, "报告中不得留有“【请补充…】”待补充标记：发布前须由工作人员写明实际情况"},
	{"A-2", report.Warning, "由系统计算的数据（第二部分来自主动公开目录，第三、四部分和第六部分（一）来自办件）与实时统计一致，手工填报的表格除外"},
	{"A-3", report.Warning, "年度报告在法定期限前发布：县级以上人民政府部门于每年1月31日前，县级以上地方人民政府的本级年度报告于3月31日前（《条例》第四十九条）"},
}

// Env is what the checks beyond the report's own consistency need to know.
type Env struct {
	// Live are the figures as the sources give them now; nil skips the comparison.
	Live *Live
	// Entered lists the tables (and FeeItem) the officer entered by hand: they are not compared with Live.
	Entered []string
	// Kind is the reporting agency's kind, which decides the deadline.
	Kind disclosure.AgencyKind
	// Today is the date in the agency's time zone; zero skips the deadline rule.
	Today workday.Date
	// Published marks a report already published: the deadline no longer applies.
	Published bool
}

// Deadline is the last day to publish an agency's report for a year: 31 January of the next year for departments
// and other agencies, 31 March for a region government's own report (Art 49 of the 2019 Regulation); under the 2007
// Regulation (reports for 2008–2018) 31 March for all.
func Deadline(kind disclosure.AgencyKind, year int) workday.Date {
	if kind == disclosure.RegionGovernment || year < MinYear {
		return workday.NewDate(year+1, time.March, 31)
	}
	return workday.NewDate(year+1, time.January, 31)
}

// DaysBetween counts the days from a to b (negative when b is before a).
func DaysBetween(a, b workday.Date) int {
	return int(b.In(time.UTC).Sub(a.In(time.UTC)).Hours() / 24)
}

// Findings checks a report before publication: the report engine's rules (report.Check, with last year's report
// for the cross-year rules), then placeholders still in the text (A-1, an error: the report cannot be published),
// computed figures that differ from the live data (A-2, with both values), and the publication deadline passed or
// within 10 days. Errors come first.
func Findings(r, prev *report.Report, env Env) []report.Finding {
	out := report.Check(r, prev)
	out = append(out, markerFindings(r)...)
	out = append(out, staleFindings(r, env)...)
	if fd, ok := deadlineFinding(r.Year, env); ok {
		out = append(out, fd)
	}
	sorted := make([]report.Finding, 0, len(out))
	for _, sev := range []report.Severity{report.Error, report.Warning} {
		for _, fd := range out {
			if fd.Severity == sev {
				sorted = append(sorted, fd)
			}
		}
	}
	return sorted
}

func markerFindings(r *report.Report) []report.Finding {
	var out []report.Finding
	add := func(section, where, text string) {
		if m := Markers(text); len(m) > 0 {
			out = append(out, report.Finding{Rule: "A-1", Severity: report.Error, Section: section, Row: where,
				Message: fmt.Sprintf("%s还有 %d 处待补充内容（如“%s”），请写明实际情况并删去【】标记后再提交", where, len(m), m[0])})
		}
	}
	add("", "标题", r.Title)
	add("", "前言", r.Preamble)
	f, _ := report.FormatOf(r.Era)
	for _, s := range r.Sections {
		where := "第" + s.ID + "部分"
		add(s.ID, where, s.Text)
		for _, it := range s.Items {
			label := it.ID
			if f != nil {
				for _, is := range f.OtherItems {
					if is.ID == it.ID {
						label = is.Number
					}
				}
			}
			add(s.ID, where+label, it.Text)
		}
	}
	return out
}

func staleFindings(r *report.Report, env Env) []report.Finding {
	l := env.Live
	f, ok := report.FormatOf(r.Era)
	if l == nil || !ok || l.Year != r.Year {
		return nil
	}
	var out []report.Finding
	for i := range f.Tables {
		t := &f.Tables[i]
		if slices.Contains(env.Entered, t.ID) {
			continue
		}
		for _, row := range t.DataRows() {
			for _, col := range t.Columns {
				want, ok := l.Tables[t.ID][row.ID][col.ID]
				if !ok {
					continue
				}
				got, has := r.Value(t.ID, row.ID, col.ID)
				if !has || got == want {
					continue // a missing figure is C-2's
				}
				w, g := want, got
				out = append(out, report.Finding{Rule: "A-2", Severity: report.Warning, Section: t.Section, Row: t.RowPath(row), Column: col.Path(),
					Expected: &w, Found: &g,
					Message: fmt.Sprintf("%s：报告填了 %s，而%s实时统计为 %s。请点击“刷新计算数据”更新；如本表为手工填报，请勾选本表的“手工填报”",
						CellName(t, row, col), report.FormatNumber(got), source(t.Section), report.FormatNumber(want))})
			}
		}
	}
	if f.Era == report.Era2021 && !slices.Contains(env.Entered, FeeItem) {
		if sec, ok := r.Section("六"); ok {
			for _, it := range sec.Items {
				if it.ID == "fees" && strings.TrimSpace(it.Text) != l.FeeText {
					out = append(out, report.Finding{Rule: "A-2", Severity: report.Warning, Section: "六", Row: "（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况",
						Message: fmt.Sprintf("第六部分（一）与办件中的信息处理费不一致：办件统计为“%s”。请点击“刷新计算数据”更新；如为手工填写，请勾选“手工填报”", l.FeeText)})
				}
			}
		}
	}
	return out
}

func source(section string) string {
	if section == "二" {
		return "主动公开目录"
	}
	return "办件"
}

func deadlineFinding(year int, env Env) (report.Finding, bool) {
	if env.Published || env.Today.IsZero() || year == 0 {
		return report.Finding{}, false
	}
	due := Deadline(env.Kind, year)
	left := DaysBetween(env.Today, due)
	switch {
	case left < 0:
		return report.Finding{Rule: "A-3", Severity: report.Warning,
			Message: fmt.Sprintf("%d年度报告的发布期限%s已过（逾期 %d 天），请尽快完成审核并发布", year, due.Chinese(), -left)}, true
	case left <= 10:
		return report.Finding{Rule: "A-3", Severity: report.Warning,
			Message: fmt.Sprintf("%d年度报告须于%s前发布，还有 %d 天，请预留审核时间", year, due.Chinese(), left)}, true
	}
	return report.Finding{}, false
}
