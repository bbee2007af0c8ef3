package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/report"
)

// A row whose cells as printed are fewer than its columns is not always lost. In a PDF text layer a blank cell
// leaves no trace, and some archives lose every separator ("713000074" for 71|3|0|0|0|0|74). Each way of reading
// such a row — splitting a run of digits into several figures, or putting a vanished blank cell (0) somewhere — is
// a reading; the table's own relations (勾稽关系: each row's 总计, each column's (七)总计, 一+二 = 三(七)+四, section
// 四's group totals) are used only to choose among them. A row is read when exactly one reading satisfies every
// relation that can be evaluated, and otherwise left missing with an I-SPLIT finding.

// maxSplitDigits bounds the digits a row's readings are searched over; a longer run is left unread.
const maxSplitDigits = 20

// maxReadings bounds the readings kept for one row; more means the row cannot be settled.
const maxReadings = 4096

// maxChecks bounds the readings weighed against the table's relations in one report.
const maxChecks = 4000

// pendingRow is a row left for the table's relations to settle.
type pendingRow struct {
	spec  *report.TableSpec
	row   report.Row
	cells []string // the cells as printed, "" for an explicit blank
	cands [][]float64
	over  bool // the search was cut off by its bounds
}

// readings returns the distinct readings of cells over n columns that pass rowOK. Explicit blanks and dash cells
// are 0 and stay where they are; when vanish is set, up to n-len(cells) blank cells may have vanished anywhere.
// over reports that the bounds cut the search short (then the readings are not all there).
//
// groupOK, if not nil, is asked about every partial reading (the figures of its first columns) and prunes those
// that already break a relation.
func readings(cells []string, n int, vanish bool, rowOK, groupOK func([]float64) bool) (out [][]float64, over bool) {
	digits := 0
	for _, c := range cells {
		if splittable(c) {
			digits += len(c)
		}
	}
	if digits > maxSplitDigits || len(cells) > n {
		return nil, true
	}
	// The value of each cell that is read whole, once.
	whole := make([]float64, len(cells))
	for i, c := range cells {
		if !splittable(c) {
			v, ok := cellValue(c)
			if !ok {
				return nil, false
			}
			whole[i] = v
		}
	}
	seen := map[string]bool{}
	var key []byte
	vals := make([]float64, 0, n)
	steps := 0
	var walk func(ci, off int)
	walk = func(ci, off int) {
		if steps++; steps > 200_000 || len(out) > maxReadings {
			over = true
			return
		}
		if len(vals) > n || groupOK != nil && !groupOK(vals) {
			return
		}
		if ci == len(cells) {
			if vanish && len(vals) < n {
				vals = append(vals, 0)
				walk(ci, 0)
				vals = vals[:len(vals)-1]
				return
			}
			if len(vals) == n && rowOK(vals) {
				key = key[:0]
				for _, v := range vals {
					key = strconv.AppendFloat(key, v, 'g', -1, 64)
					key = append(key, ' ')
				}
				if k := string(key); !seen[k] {
					seen[k] = true
					out = append(out, append([]float64(nil), vals...))
				}
			}
			return
		}
		c := cells[ci]
		// A vanished blank before this cell; never before a 0 read whole, as the same reading puts it after.
		if vanish && off == 0 && len(vals) < n && (splittable(c) || whole[ci] != 0) {
			vals = append(vals, 0)
			walk(ci, 0)
			vals = vals[:len(vals)-1]
		}
		if !splittable(c) {
			vals = append(vals, whole[ci])
			walk(ci+1, 0)
			vals = vals[:len(vals)-1]
			return
		}
		// The next figure is c[off:end]: no leading zero unless it is 0 itself.
		rest := c[off:]
		maxLen := len(rest)
		if rest[0] == '0' {
			maxLen = 1
		}
		v := 0.0
		for l := 1; l <= maxLen; l++ {
			v = v*10 + float64(rest[l-1]-'0') // exact to 15 digits; longer figures fit no relation anyway
			vals = append(vals, v)
			if l == len(rest) {
				walk(ci+1, 0)
			} else {
				walk(ci, off+l)
			}
			vals = vals[:len(vals)-1]
		}
	}
	walk(0, 0)
	return out, over
}

// splittable reports whether a cell is a run of digits that may hold several figures.
func splittable(c string) bool {
	if len(c) < 2 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if !isDigit(c[i]) {
			return false
		}
	}
	return true
}

// cellValue reads one cell as printed: a blank or dash cell is 0.
func cellValue(c string) (float64, bool) {
	t := makeToken(c, 0, 0)
	if t.blank || c == "" {
		return 0, true
	}
	return t.num, t.isNum
}

// rowRelation returns the relations within one row of the table: each row's 总计 in section 三, each group's total
// in section 四; nil when the table has none.
func rowRelation(spec *report.TableSpec) func([]float64) bool {
	switch spec.ID {
	case report.TableRequests:
		last := len(spec.Columns) - 1
		if spec.Columns[last].ID != report.ColTotal {
			return nil
		}
		return func(v []float64) bool {
			sum := 0.0
			for _, x := range v[:last] {
				sum += x
			}
			return !differs(sum, v[last])
		}
	case report.TableAppeals:
		if len(spec.Columns)%5 != 0 {
			return nil
		}
		return func(v []float64) bool {
			for g := 0; g+5 <= len(v); g += 5 {
				if differs(v[g]+v[g+1]+v[g+2]+v[g+3], v[g+4]) {
					return false
				}
			}
			return true
		}
	}
	return nil
}

func differs(a, b float64) bool { return a-b > 1e-9 || b-a > 1e-9 }

// pend records a row whose cells do not match its columns. It reports false when no reading at all is possible
// (the row keeps the I-CELLS finding of a row whose blank cells cannot be placed).
func (p *parser) pend(spec *report.TableSpec, row report.Row, cells []string, vanish bool) bool {
	if len(cells) < 2 {
		// One figure is not a row whose blanks vanished: all the other cells would be supposed.
		vanish = false
	}
	rel := rowRelation(spec)
	if rel == nil {
		rel = func([]float64) bool { return true }
	}
	var groups func([]float64) bool
	if spec.ID == report.TableAppeals && len(spec.Columns)%5 == 0 {
		// Section 四: each group of five is checked as soon as it is complete.
		groups = func(v []float64) bool {
			if len(v) == 0 || len(v)%5 != 0 {
				return true
			}
			g := len(v) - 5
			return !differs(v[g]+v[g+1]+v[g+2]+v[g+3], v[g+4])
		}
	}
	cands, over := readings(cells, len(spec.Columns), vanish, rel, groups)
	if !over && !vanish {
		// Without vanished blanks a row is pending only when a run of digits can be split.
		split := false
		for _, c := range cells {
			split = split || splittable(c)
		}
		if !split {
			return false
		}
	}
	p.pending = append(p.pending, pendingRow{spec: spec, row: row, cells: cells, cands: cands, over: over})
	return true
}

// relationErrors counts the relations of the report's tables that fail — the rules R3-1, R3-2, R3-3 and R4-1 of
// report.Check, each skipped when a figure it needs is missing, as Check does — without writing their findings:
// it runs once for every reading weighed.
func relationErrors(r *report.Report, results []report.Row) int {
	f, ok := report.FormatOf(r.Era)
	if !ok {
		return 0
	}
	n := 0
	if t, _ := f.Table(report.TableRequests); t != nil {
		if g, ok := r.Tables[report.TableRequests]; ok {
			n += requestErrors(t, results, g)
		}
	}
	if g, ok := r.Tables[report.TableAppeals]; ok {
		vals := g[report.RowCases]
		for _, grp := range report.AppealGroups {
			sum, all := 0.0, true
			for _, o := range report.AppealOutcomes {
				v, has := vals[grp+"."+o]
				sum, all = sum+v, all && has
			}
			tot, has := vals[grp+"."+report.ColTotal]
			if all && has && differs(sum, tot) {
				n++
			}
		}
	}
	return n
}

// requestErrors counts the failing relations of section 三: R3-2 by row, R3-3 (over results, the result rows) and
// R3-1 by column.
func requestErrors(t *report.TableSpec, results []report.Row, g report.Grid) int {
	n := 0
	for _, row := range t.Rows {
		vals, ok := g[row.ID]
		if !ok || row.Header {
			continue
		}
		sum, all := 0.0, true
		for _, col := range t.Columns {
			if col.ID != report.ColTotal {
				v, has := vals[col.ID]
				sum, all = sum+v, all && has
			}
		}
		if tot, has := vals[report.ColTotal]; all && has && differs(sum, tot) {
			n++
		}
	}
	for _, col := range t.Columns {
		sum, all := 0.0, true
		for _, row := range results {
			v, has := g[row.ID][col.ID]
			sum, all = sum+v, all && has
		}
		if tot, has := g[report.RowTotal][col.ID]; all && has && differs(sum, tot) {
			n++
		}
		a, ok1 := g[report.RowNew][col.ID]
		b, ok2 := g[report.RowCarriedOver][col.ID]
		c, ok3 := g[report.RowTotal][col.ID]
		d, ok4 := g[report.RowCarryForward][col.ID]
		if ok1 && ok2 && ok3 && ok4 && differs(a+b, c+d) {
			n++
		}
	}
	return n
}

// settle reads the pending rows that exactly one reading fits, again and again while rows are settled (a row read
// may allow the relations of another to be evaluated), and reports the others.
func (p *parser) settle() {
	if len(p.pending) == 0 {
		return
	}
	var results []report.Row
	if f, ok := report.FormatOf(p.r.Era); ok {
		if t, _ := f.Table(report.TableRequests); t != nil {
			results = report.ResultRows(t)
		}
	}
	budget := maxChecks
	for progress := true; progress && len(p.pending) > 0; {
		progress = false
		for i := 0; i < len(p.pending); i++ {
			pr := &p.pending[i]
			if pr.over || len(pr.cands) == 0 {
				continue
			}
			if budget -= len(pr.cands) + 1; budget < 0 {
				pr.over = true // hostile input: too many readings to weigh
				continue
			}
			base := relationErrors(p.r, results)
			var fit [][]float64
			for _, c := range pr.cands {
				p.setRow(pr.spec, pr.row.ID, c)
				if relationErrors(p.r, results) <= base {
					fit = append(fit, c)
				}
				p.unsetRow(pr.spec, pr.row.ID)
			}
			pr.cands = fit
			if len(fit) == 1 {
				p.setRow(pr.spec, pr.row.ID, fit[0])
				p.pending = append(p.pending[:i], p.pending[i+1:]...)
				i--
				progress = true
			}
		}
	}
	for _, pr := range p.pending {
		where := "“" + pr.spec.RowPath(pr.row) + "”行"
		if pr.row.Label == "" {
			where = "数据行"
		}
		printed := strings.Join(pr.cells, " ")
		var why string
		switch {
		case pr.over:
			why = "数字过多，无法逐一核对各种读法"
		case len(pr.cands) == 0:
			why = "没有一种读法符合表格的勾稽关系"
		default:
			why = fmt.Sprintf("有 %d 种读法都符合表格的勾稽关系", len(pr.cands))
		}
		p.finding("I-SPLIT", report.Warning, pr.spec.Section, pr.spec.RowPath(pr.row),
			fmt.Sprintf("第%s部分%s原文为“%s”，单元格之间的分隔已丢失或空白单元格未保留，无法确定 %d 个单元格各是多少：%s；未采用该行数据，请核对原报告",
				pr.spec.Section, where, printed, len(pr.spec.Columns), why))
	}
	p.pending = nil
}

// unsetRow removes a row's figures.
func (p *parser) unsetRow(spec *report.TableSpec, rowID string) {
	if g := p.r.Tables[spec.ID]; g != nil {
		delete(g, rowID)
		if len(g) == 0 {
			delete(p.r.Tables, spec.ID)
		}
	}
}
