package casework

import (
	"fmt"
	"slices"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/workday"
)

// Cell is one cell of section 三: a row (一 new, 二 carried over, a result row, 四 carried forward) and a column (the
// applicant type).
type Cell struct {
	Row, Column string
}

// Cells returns the cells of section 三 of the year that the application is counted in, by the rules of the table:
// received in the year → 一、本年新收; received earlier and not closed before the year → 二、上年结转; closed in the
// year → its outcome's row; received by the end of the year and not closed in or before it → 四、结转下年度. So for
// every year and column 一 + 二 = results + 四 holds by construction, and a year's 二 equals the year before's 四.
// Correction requests (Art 41) are not counted, nor a referral from another agency until it is registered here
// (Art 36(5), 31).
func Cells(a *disclosure.Application, year int) []Cell {
	if a.Kind != disclosure.DisclosureRequest || a.State == disclosure.Referred || a.ReceivedOn.IsZero() || a.ReceivedOn.Year > year {
		return nil
	}
	col := string(a.Applicant.Type)
	closedBy := func(y int) bool { return a.State.Closed() && !a.ClosedOn.IsZero() && a.ClosedOn.Year <= y }
	var out []Cell
	switch {
	case a.ReceivedOn.Year == year:
		out = append(out, Cell{report.RowNew, col})
	case !closedBy(year - 1):
		out = append(out, Cell{report.RowCarriedOver, col})
	default:
		return nil // closed before the year
	}
	if a.State.Closed() && !a.ClosedOn.IsZero() && a.ClosedOn.Year == year {
		out = append(out, Cell{a.Outcome.ReportRow(string(report.EraForYear(year))), col})
	} else if !closedBy(year) {
		out = append(out, Cell{report.RowCarryForward, col})
	}
	return out
}

// AffectedYears returns the report years whose section 三 figures differ between two versions of an application:
// the years a change touches, so that a change to a published year can be refused unless recorded as a correction.
// thisYear bounds the years an open case is carried forward into.
func AffectedYears(before, after *disclosure.Application, thisYear int) []int {
	lo, hi := 0, 0
	for _, a := range []*disclosure.Application{before, after} {
		for _, d := range []int{a.ReceivedOn.Year, a.ClosedOn.Year} {
			if d == 0 {
				continue
			}
			if lo == 0 || d < lo {
				lo = d
			}
			hi = max(hi, d)
		}
	}
	if lo == 0 {
		return nil
	}
	// A case still open is carried forward into every later year: up to this year.
	if !before.State.Closed() || !after.State.Closed() {
		hi = max(hi, thisYear)
	}
	var out []int
	for y := lo; y <= hi; y++ {
		if !slices.Equal(Cells(before, y), Cells(after, y)) {
			out = append(out, y)
		}
	}
	return out
}

// RequestsGrid builds section 三 of the year from cell counts (as the store's GROUP BY returns them, or as Cells
// gives them case by case): every data cell present (0 where nothing is counted), with the 总计 column and the
// （七）总计 row added up.
func RequestsGrid(year int, counts map[Cell]int) report.Grid {
	f, _ := report.FormatOf(report.EraForYear(year))
	spec, ok := f.Table(report.TableRequests)
	if !ok {
		return nil
	}
	g := report.Grid{}
	results := map[string]bool{}
	for _, r := range report.ResultRows(spec) {
		results[r.ID] = true
	}
	for _, r := range spec.DataRows() {
		g[r.ID] = map[string]float64{}
		for _, c := range spec.Columns {
			g[r.ID][c.ID] = 0
		}
	}
	for cell, n := range counts {
		if _, ok := g[cell.Row]; !ok || cell.Column == report.ColTotal {
			continue
		}
		if _, ok := g[cell.Row][cell.Column]; !ok {
			continue
		}
		g[cell.Row][cell.Column] += float64(n)
	}
	for _, r := range spec.DataRows() {
		if r.ID == report.RowTotal {
			continue
		}
		sum := 0.0
		for _, c := range spec.Columns {
			if c.ID != report.ColTotal {
				sum += g[r.ID][c.ID]
			}
		}
		g[r.ID][report.ColTotal] = sum
	}
	for _, c := range spec.Columns {
		sum := 0.0
		for id := range results {
			sum += g[id][c.ID]
		}
		g[report.RowTotal][c.ID] = sum
	}
	return g
}

// AppealCell is one cell of section 四: the group (review, suit_direct, suit_after_review) and the result.
type AppealCell struct {
	Kind   disclosure.AppealKind
	Result disclosure.AppealResult
}

// AppealCellOf returns the cell of section 四 of the year that an appeal is counted in: appeals filed in the year,
// with the result as it stood on 31 December. ok is false when the appeal is not counted in that year.
func AppealCellOf(a *disclosure.Appeal, year int) (AppealCell, bool) {
	if a.FiledOn.Year != year {
		return AppealCell{}, false
	}
	return AppealCell{a.Kind, a.ResultAt(workday.NewDate(year, 12, 31))}, true
}

// AppealsGrid builds section 四 from cell counts, with the three totals added up.
func AppealsGrid(counts map[AppealCell]int) report.Grid {
	row := map[string]float64{}
	for _, g := range report.AppealGroups {
		total := 0.0
		for _, o := range report.AppealOutcomes {
			v := float64(counts[AppealCell{disclosure.AppealKind(g), disclosure.AppealResult(o)}])
			row[g+"."+o] = v
			total += v
		}
		row[g+"."+report.ColTotal] = total
	}
	return report.Grid{report.RowCases: row}
}

// ReportFromCases builds the part of a year's report that casework owns: sections 三 and 四 from the store's cell
// counts (RequestCounts, AppealCounts), in the year's format.
func ReportFromCases(year int, requests, appeals []disclosure.CellCount) *report.Report {
	rc := map[Cell]int{}
	for _, c := range requests {
		rc[Cell{disclosure.Outcome(c.Row).ReportRow(string(report.EraForYear(year))), c.Column}] += c.N
	}
	ac := map[AppealCell]int{}
	for _, c := range appeals {
		ac[AppealCell{disclosure.AppealKind(c.Row), disclosure.AppealResult(c.Column)}] += c.N
	}
	r := &report.Report{Era: report.EraForYear(year), Year: year, Tables: map[string]report.Grid{
		report.TableRequests: RequestsGrid(year, rc),
		report.TableAppeals:  AppealsGrid(ac),
	}}
	return r
}

// CaseFindings applies the report engine's checks to sections 三 and 四 built from cases (with last year's, for the
// carry-over rule) and keeps the findings about those sections: the other sections are not casework's to fill.
func CaseFindings(r, prev *report.Report) []report.Finding {
	var out []report.Finding
	for _, f := range report.Check(r, prev) {
		if f.Section == "三" || f.Section == "四" {
			out = append(out, f)
		}
	}
	return out
}

// FeeItemText is the text of report section 六(一) from the year's collected 信息处理费: the count and amount, or
// that none was collected (every report must say one or the other).
func FeeItemText(year, cases, amount int) string {
	if cases == 0 {
		return fmt.Sprintf("%d年度，本机关未收取政府信息公开信息处理费。", year)
	}
	return fmt.Sprintf("%d年度，本机关依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）对%d件政府信息公开申请收取信息处理费，共计%d元。", year, cases, amount)
}
