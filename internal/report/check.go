package report

import (
	"fmt"
	"math"
	"strings"
)

// Rules lists every check by its stable identifier, with what it verifies. The identifiers appear in findings, in
// the JSON output of `gongkai report check --json` and in the documentation; never renumber them.
var Rules = []struct {
	ID       string
	Severity Severity
	Text     string
}{
	{"R3-1", Error, "第三部分每一列：第一项（本年新收）加第二项（上年结转）等于第三项（七）总计加第四项（结转下年度继续办理）"},
	{"R3-2", Error, "第三部分每一行：总计等于自然人与五类法人或其他组织之和"},
	{"R3-3", Error, "第三部分每一列：（七）总计等于（一）至（六）各项办理结果之和"},
	{"R3-5", Warning, "跨年度：本年“上年结转”等于上年报告“结转下年度继续办理”"},
	{"R4-1", Error, "第四部分：行政复议、未经复议直接起诉、复议后起诉的总计各等于结果维持、结果纠正、其他结果、尚未审结之和"},
	{"R2-1", Warning, "跨年度：现行有效件数等于上年现行有效件数加本年制发件数减本年废止件数"},
	{"R2-2", Warning, "现行有效件数不少于本年制发件数减本年废止件数"},
	{"R2-3", Warning, "（试行格式）本年新制作的规章、规范性文件应当公开：新制作大于零时新公开与对外公开总数量不应为零，且新公开不超过对外公开总数量"},
	{"R2-4", Warning, "（试行格式）上一年项目数量加本年增/减不应为负数"},
	{"V-NEG", Error, "数据不得为负数（试行格式的“本年增/减”除外）"},
	{"V-INT", Error, "件数、决定数、案件数必须是整数"},
	{"C-1", Error, "报告格式规定的表格齐全"},
	{"C-2", Error, "表格中每个单元格都有数据（空白按 0 填报）"},
	{"C-3", Error, "报告格式规定的文字部分齐全"},
	{"C-4", Warning, "第六部分说明依据《政府信息公开信息处理费管理办法》收取信息处理费的情况"},
	{"C-5", Warning, "报告所用格式与报告年度相符（2019—2020年度用试行格式，2021年度起用现行格式）"},
}

// CrossYear reports whether a rule compares a report with the previous year's (and so needs prev).
func CrossYear(rule string) bool { return rule == "R3-5" || rule == "R2-1" }

// Check applies every rule of the report's format to r and returns the findings, errors first in printed order.
// prev, if not nil, is the same agency's report for the previous year, for the cross-year rules; a prev for another
// year is ignored. Rules whose figures are missing are skipped: the missing figures are findings themselves.
func Check(r *Report, prev *Report) []Finding {
	f, ok := FormatOf(r.Era)
	if !ok {
		return []Finding{{Rule: "C-5", Severity: Error, Message: fmt.Sprintf("未知的报告格式 %q：应为 2021、2019 或 pre2019", r.Era)}}
	}
	c := checker{r: r, f: f}
	if prev != nil && prev.Year == r.Year-1 && r.Year != 0 {
		c.prev = prev
	}
	c.era()
	c.completeness()
	c.values()
	c.requests()
	c.appeals()
	c.proactive()
	// Errors before warnings, each group in the order found.
	out := make([]Finding, 0, len(c.out))
	for _, sev := range []Severity{Error, Warning} {
		for _, fd := range c.out {
			if fd.Severity == sev {
				out = append(out, fd)
			}
		}
	}
	return out
}

type checker struct {
	r, prev *Report
	f       *Format
	out     []Finding
}

func (c *checker) add(fd Finding) { c.out = append(c.out, fd) }

func num(v float64) *float64 { return &v }

func sectionName(id string) string { return "第" + id + "部分" }

func (c *checker) era() {
	if c.r.Year == 0 {
		return
	}
	want := EraForYear(c.r.Year)
	if want == c.r.Era {
		return
	}
	names := map[Era]string{Era2021: "现行格式（国办公开办函〔2021〕30号）", Era2019: "试行格式（国办公开办函〔2019〕60号）", EraPre2019: "2019年以前的自由格式"}
	c.add(Finding{Rule: "C-5", Severity: Warning,
		Message: fmt.Sprintf("%d年度报告应使用%s，本报告使用的是%s，请确认报告年度或表格格式", c.r.Year, names[want], names[c.r.Era])})
}

func (c *checker) completeness() {
	pre := c.f.Era == EraPre2019
	for _, s := range c.f.Sections {
		if !s.Required {
			continue
		}
		if s.Narrative {
			sec, ok := c.r.Section(s.ID)
			if !ok || strings.TrimSpace(sec.Text) == "" && len(sec.Items) == 0 {
				sev := Error
				if pre {
					sev = Warning
				}
				c.add(Finding{Rule: "C-3", Severity: sev, Section: s.ID,
					Message: fmt.Sprintf("未找到“%s”部分的内容，请补充", s.Heading)})
			}
			continue
		}
		var specs []*TableSpec
		missing := 0
		for i := range c.f.Tables {
			if c.f.Tables[i].Section == s.ID {
				specs = append(specs, &c.f.Tables[i])
				if _, ok := c.r.Tables[c.f.Tables[i].ID]; !ok {
					missing++
				}
			}
		}
		if missing == len(specs) && missing > 0 {
			c.add(Finding{Rule: "C-1", Severity: Error, Section: s.ID,
				Message: fmt.Sprintf("未找到%s表格（%s），请按规定格式填报", sectionName(s.ID), s.Heading)})
			continue
		}
		for _, t := range specs {
			g, ok := c.r.Tables[t.ID]
			if !ok {
				c.add(Finding{Rule: "C-1", Severity: Error, Section: s.ID, Row: t.Caption,
					Message: fmt.Sprintf("未找到%s“%s”表格，请按规定格式填报", sectionName(s.ID), t.Caption)})
				continue
			}
			c.missingCells(t, g)
		}
	}
	if c.f.Era == Era2021 {
		c.feeItem()
	}
}

func (c *checker) missingCells(t *TableSpec, g Grid) {
	for _, row := range t.DataRows() {
		var cols []string
		vals := g[row.ID]
		for _, col := range t.Columns {
			if _, ok := vals[col.ID]; !ok {
				cols = append(cols, col.Path())
			}
		}
		if len(cols) == 0 {
			continue
		}
		where := "“" + t.RowPath(row) + "”行"
		if row.Label == "" {
			where = "数据行"
		}
		fd := Finding{Rule: "C-2", Severity: Error, Section: t.Section, Row: t.RowPath(row),
			Message: fmt.Sprintf("%s%s缺少 %d 个数据（%s），请按原表补齐；空白单元格按 0 填报", sectionName(t.Section), where, len(cols), strings.Join(cols, "、"))}
		if len(cols) == 1 {
			fd.Column = cols[0]
		}
		c.add(fd)
	}
}

func (c *checker) feeItem() {
	sec, ok := c.r.Section("六")
	if !ok {
		return // reported by C-3
	}
	text := sec.Text
	for _, it := range sec.Items {
		if it.ID == "fees" && strings.TrimSpace(it.Text) != "" {
			return
		}
		text += it.Text
	}
	if strings.Contains(text, "信息处理费") || strings.Contains(text, "处理费") {
		return
	}
	c.add(Finding{Rule: "C-4", Severity: Warning, Section: "六", Row: c.f.OtherItems[0].Number + c.f.OtherItems[0].Label,
		Message: "第六部分未说明信息处理费收取情况：请写明依据《政府信息公开信息处理费管理办法》收取信息处理费的金额和件数，未收取的写明“未收取信息处理费”"})
}

func (c *checker) values() {
	for i := range c.f.Tables {
		t := &c.f.Tables[i]
		g, ok := c.r.Tables[t.ID]
		if !ok {
			continue
		}
		for _, row := range t.Rows {
			vals, ok := g[row.ID]
			if !ok {
				continue
			}
			for _, col := range t.Columns {
				v, ok := vals[col.ID]
				if !ok {
					continue
				}
				if v < 0 && col.Kind != Delta {
					c.add(Finding{Rule: "V-NEG", Severity: Error, Section: t.Section, Row: t.RowPath(row), Column: col.Path(),
						Expected: num(0), Found: num(v),
						Message: fmt.Sprintf("%s%s的“%s”为负数 %s，请改为实际数量", sectionName(t.Section), rowWhere(t, row), col.Path(), FormatNumber(v))})
				}
				if col.Kind != Amount && v != math.Trunc(v) {
					c.add(Finding{Rule: "V-INT", Severity: Error, Section: t.Section, Row: t.RowPath(row), Column: col.Path(),
						Found:   num(v),
						Message: fmt.Sprintf("%s%s的“%s”为 %s，件数必须是整数", sectionName(t.Section), rowWhere(t, row), col.Path(), FormatNumber(v))})
				}
			}
		}
	}
}

func rowWhere(t *TableSpec, row Row) string {
	if row.Label == "" {
		return ""
	}
	return "“" + t.RowPath(row) + "”行"
}

// get returns a figure of r's table and whether all the asked figures were present so far.
type getter struct {
	g  Grid
	ok bool
}

func (x *getter) v(row, col string) float64 {
	v, ok := x.g[row][col]
	if !ok {
		x.ok = false
	}
	return v
}

func differs(a, b float64) bool { return math.Abs(a-b) > 1e-9 }

func (c *checker) requests() {
	t, _ := c.f.Table(TableRequests)
	if t == nil {
		return
	}
	g, ok := c.r.Tables[TableRequests]
	if !ok {
		return
	}
	results := ResultRows(t)
	resultVals := make([]map[string]float64, len(results))
	for i, row := range results {
		resultVals[i] = g[row.ID]
	}
	total, _ := t.Row(RowTotal)
	// R3-2: each row's 总计 = the six applicant columns.
	for _, row := range t.Rows {
		vals, ok := g[row.ID]
		if !ok || row.Header {
			continue
		}
		sum := 0.0
		for _, col := range t.Columns {
			if col.ID != ColTotal {
				v, has := vals[col.ID]
				ok = ok && has
				sum += v
			}
		}
		tot, has := vals[ColTotal]
		if ok && has && differs(sum, tot) {
			c.add(Finding{Rule: "R3-2", Severity: Error, Section: "三", Row: t.RowPath(row), Column: "总计",
				Expected: num(sum), Found: num(tot),
				Message: fmt.Sprintf("第三部分“%s”行：各类申请人合计为 %s，但总计栏填了 %s，请核对", t.RowPath(row), FormatNumber(sum), FormatNumber(tot))})
		}
	}
	for _, col := range t.Columns {
		// R3-3: (七)总计 = sum of the result rows.
		sum, ok := 0.0, true
		for _, vals := range resultVals {
			v, has := vals[col.ID]
			ok = ok && has
			sum += v
		}
		tot, has := g[RowTotal][col.ID]
		if ok && has && differs(sum, tot) {
			c.add(Finding{Rule: "R3-3", Severity: Error, Section: "三", Row: total.Label, Column: col.Path(),
				Expected: num(sum), Found: num(tot),
				Message: fmt.Sprintf("第三部分“%s”列：（一）至（六）各项办理结果之和为 %s，但（七）总计填了 %s，请核对", col.Path(), FormatNumber(sum), FormatNumber(tot))})
		}
		// R3-1: 一 + 二 = 三(七)总计 + 四.
		y := getter{g: g, ok: true}
		in := y.v(RowNew, col.ID) + y.v(RowCarriedOver, col.ID)
		closed, carry := y.v(RowTotal, col.ID), y.v(RowCarryForward, col.ID)
		if y.ok && differs(in, closed+carry) {
			c.add(Finding{Rule: "R3-1", Severity: Error, Section: "三", Column: col.Path(),
				Expected: num(in), Found: num(closed + carry),
				Message: fmt.Sprintf("第三部分“%s”列不平衡：本年新收加上年结转为 %s，而办理结果总计 %s 加结转下年度 %s 为 %s，相差 %s，请核对本列数据",
					col.Path(), FormatNumber(in), FormatNumber(closed), FormatNumber(carry), FormatNumber(closed+carry), FormatNumber(math.Abs(in-closed-carry)))})
		}
		// R3-5: this year's 上年结转 = last year's 结转下年度.
		if c.prev != nil {
			pv, pok := c.prev.Value(TableRequests, RowCarryForward, col.ID)
			cv, cok := g[RowCarriedOver][col.ID]
			if pok && cok && differs(pv, cv) {
				c.add(Finding{Rule: "R3-5", Severity: Warning, Section: "三", Row: "二、上年结转政府信息公开申请数量", Column: col.Path(),
					Expected: num(pv), Found: num(cv),
					Message: fmt.Sprintf("第三部分“%s”列：上年结转填了 %s，但%d年度报告的结转下年度继续办理为 %s，请核对", col.Path(), FormatNumber(cv), c.prev.Year, FormatNumber(pv))})
			}
		}
	}
}

func (c *checker) appeals() {
	g, ok := c.r.Tables[TableAppeals]
	if !ok {
		return
	}
	t, _ := c.f.Table(TableAppeals)
	for _, grp := range AppealGroups {
		x := getter{g: g, ok: true}
		sum := 0.0
		for _, o := range AppealOutcomes {
			sum += x.v(RowCases, grp+"."+o)
		}
		tot := x.v(RowCases, grp+"."+ColTotal)
		col, _ := t.Column(grp + "." + ColTotal)
		if x.ok && differs(sum, tot) {
			c.add(Finding{Rule: "R4-1", Severity: Error, Section: "四", Column: col.Path(),
				Expected: num(sum), Found: num(tot),
				Message: fmt.Sprintf("第四部分“%s”：结果维持、结果纠正、其他结果、尚未审结之和为 %s，但总计填了 %s，请核对", strings.Join(col.Parents, "/"), FormatNumber(sum), FormatNumber(tot))})
		}
	}
}

func (c *checker) proactive() {
	t, _ := c.f.Table(TableRules)
	g, ok := c.r.Tables[TableRules]
	if t == nil || !ok {
		return
	}
	switch c.f.Era {
	case Era2021:
		for _, row := range t.DataRows() {
			made, mok := g[row.ID]["made"]
			rep, rok := g[row.ID]["repealed"]
			now, nok := g[row.ID]["in_force"]
			if !mok || !rok || !nok || made < 0 || rep < 0 || now < 0 {
				continue // negative figures are reported by V-NEG
			}
			if now < made-rep {
				c.add(Finding{Rule: "R2-2", Severity: Warning, Section: "二", Row: row.Label, Column: "现行有效件数",
					Expected: num(made - rep), Found: num(now),
					Message: fmt.Sprintf("第二部分“%s”：本年制发 %s 件、废止 %s 件，现行有效却只有 %s 件，请核对", row.Label, FormatNumber(made), FormatNumber(rep), FormatNumber(now))})
			}
			if c.prev != nil && c.prev.Era == Era2021 {
				if last, ok := c.prev.Value(TableRules, row.ID, "in_force"); ok && differs(last+made-rep, now) {
					c.add(Finding{Rule: "R2-1", Severity: Warning, Section: "二", Row: row.Label, Column: "现行有效件数",
						Expected: num(last + made - rep), Found: num(now),
						Message: fmt.Sprintf("第二部分“%s”：上年现行有效 %s 件，加本年制发 %s 件、减本年废止 %s 件应为 %s 件，本年填了 %s 件，请核对或说明原因",
							row.Label, FormatNumber(last), FormatNumber(made), FormatNumber(rep), FormatNumber(last+made-rep), FormatNumber(now))})
				}
			}
		}
	case Era2019:
		for _, row := range t.DataRows() {
			made, mok := g[row.ID]["made"]
			pub, pok := g[row.ID]["published"]
			total, tok := g[row.ID]["published_total"]
			if !mok || !pok || !tok || made < 0 || pub < 0 || total < 0 {
				continue
			}
			if made > 0 && pub == 0 {
				c.add(Finding{Rule: "R2-3", Severity: Warning, Section: "二", Row: row.Label, Column: "本年新公开数量",
					Found:   num(pub),
					Message: fmt.Sprintf("第二部分“%s”：本年新制作 %s 件，但本年新公开 %s 件、对外公开总数量 %s 件，数据不合常理（规章和规范性文件应当主动公开），请核对", row.Label, FormatNumber(made), FormatNumber(pub), FormatNumber(total))})
			} else if pub > total {
				c.add(Finding{Rule: "R2-3", Severity: Warning, Section: "二", Row: row.Label, Column: "对外公开总数量",
					Expected: num(pub), Found: num(total),
					Message: fmt.Sprintf("第二部分“%s”：本年新公开 %s 件，多于对外公开总数量 %s 件，请核对", row.Label, FormatNumber(pub), FormatNumber(total))})
			}
		}
		for _, id := range []string{TableLicensing, TablePenalties, TableFees} {
			t, _ := c.f.Table(id)
			g := c.r.Tables[id]
			for _, row := range t.DataRows() {
				last, lok := g[row.ID]["items_last_year"]
				chg, cok := g[row.ID]["items_change"]
				if lok && cok && last+chg < 0 {
					c.add(Finding{Rule: "R2-4", Severity: Warning, Section: "二", Row: row.Label, Column: "本年增/减",
						Expected: num(-last), Found: num(chg),
						Message: fmt.Sprintf("第二部分“%s”：上一年项目数量 %s，本年减少 %s，项目数量将为负数，请核对", row.Label, FormatNumber(last), FormatNumber(-chg))})
				}
			}
		}
	}
}
