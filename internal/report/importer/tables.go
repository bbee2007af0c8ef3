package importer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/report"
)

// token is one cell of the text: a whole line, or one field of a line whose fields are joined by TABs or "|".
type token struct {
	text  string
	key   string  // key(text)
	num   float64 // the value, when isNum
	unit  string  // a unit written in the cell ("万元", "元")
	isNum bool
	blank bool // an empty or dash field of a structured line: 0 by the printed-table convention
	line  int
}

func tokenize(lines []string, from, to int) []token {
	var out []token
	for i := from; i < to && i < len(lines); i++ {
		l := lines[i]
		if !strings.ContainsAny(l, "\t|") {
			out = append(out, makeToken(l, i, false))
			continue
		}
		fields := splitCells(l)
		for _, f := range fields {
			out = append(out, makeToken(strings.TrimSpace(f), i, true))
		}
	}
	return out
}

func splitCells(l string) []string {
	var out []string
	start := 0
	for i := 0; i < len(l); i++ {
		if l[i] == '\t' || l[i] == '|' {
			out = append(out, l[start:i])
			start = i + 1
		}
	}
	return append(out, l[start:])
}

var units = []string{"万元", "元", "件", "条", "个", "项", "次", "例"}

func makeToken(s string, line int, structured bool) token {
	t := token{text: s, line: line}
	c := strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), ",", "")
	switch c {
	case "":
		t.blank = structured
		return t
	case "-", "—", "－", "/", "／", "——", "无", "–":
		if structured {
			t.blank = true
			return t
		}
	}
	for _, u := range units {
		if strings.HasSuffix(c, u) && len(c) > len(u) {
			t.unit = u
			c = strings.TrimSuffix(c, u)
			break
		}
	}
	if c != "" && (c[0] >= '0' && c[0] <= '9' || c[0] == '-' || c[0] == '+') && c[len(c)-1] >= '0' && c[len(c)-1] <= '9' {
		if v, err := strconv.ParseFloat(c, 64); err == nil && v > -1e12 && v < 1e12 {
			t.num, t.isNum = v, true
			return t
		}
	}
	t.key = key(s)
	return t
}

// rowKeys are the words that identify each row of the section 三 table (and its group headers), in addition to the
// row's own label without numbering.
var rowKeys = map[string][]string{
	"new":                       {"本年新收"},
	"carried_over":              {"上年结转"},
	"results":                   {"本年度办理结果", "办理结果"},
	"disclosed":                 {"予以公开"},
	"partial":                   {"部分公开"},
	"refused":                   {"不予公开"},
	"refused.state_secret":      {"国家秘密"},
	"refused.law_forbidden":     {"禁止公开"},
	"refused.three_safety":      {"三安全一稳定", "三安全"},
	"refused.third_party":       {"第三方合法权益", "第三方"},
	"refused.internal_affairs":  {"内部事务"},
	"refused.process_info":      {"过程性信息"},
	"refused.enforcement_file":  {"执法案卷"},
	"refused.query_matter":      {"查询事项"},
	"unable":                    {"无法提供"},
	"unable.not_held":           {"不掌握"},
	"unable.needs_creation":     {"另行制作"},
	"unable.still_unclear":      {"仍不明确"},
	"not_processed":             {"不予处理"},
	"not_processed.petition":    {"信访举报投诉", "信访"},
	"not_processed.repeat":      {"重复申请"},
	"not_processed.publication": {"公开出版物", "出版物"},
	"not_processed.excessive":   {"大量反复", "反复申请", "大量反覆", "无正当理由大量"},
	"not_processed.reconfirm":   {"确认或重新出具", "要求行政机关确认", "重新出具"},
	"other":                     {"其他处理"},
	"other.no_correction":       {"逾期不补正", "不补正"},
	"other.no_fee":              {"缴纳费用", "收费通知"},
	"other.other":               {"其他"},
	"total":                     {"总计", "合计"},
	"carry_forward":             {"结转下年度", "下年度继续办理"},
}

func matchesRow(buf string, keys []string, suffixOnly bool) bool {
	for _, k := range keys {
		if suffixOnly && strings.HasSuffix(buf, k) || !suffixOnly && strings.Contains(buf, k) {
			return true
		}
	}
	return false
}

// readTables finds the era's tables in the text and reads their figures.
func (p *parser) readTables() {
	f, _ := report.FormatOf(p.era)
	if len(f.Tables) == 0 {
		return
	}
	// Regions: section 二 from its heading, 三 and 四 likewise; without headings, from the first table words on.
	lo2, hi2, ok2 := p.span("二")
	lo3, hi3, ok3 := p.span("三")
	lo4, hi4, ok4 := p.span("四")
	if !ok3 {
		if i := p.find("本年新收政府信息公开申请"); i >= 0 {
			lo3, hi3, ok3 = max(0, i-12), len(p.lines), true
			if ok4 && lo4 > lo3 {
				hi3 = lo4 - 1
			}
		}
	}
	if !ok2 {
		if i := p.find("第二十条第"); i >= 0 {
			lo2, hi2, ok2 = i, len(p.lines), true
			if ok3 && lo3 > lo2 {
				hi2 = lo3
			}
		}
	}
	if !ok4 && ok3 {
		// The appeals table follows the requests table even when its heading was lost.
		for i := lo3; i < len(p.lines); i++ {
			if strings.HasPrefix(p.lines[i], "行政复议") {
				lo4, hi4, ok4 = i, len(p.lines), true
				break
			}
		}
	}
	if ok2 {
		p.readSection2(f, tokenize(p.lines, lo2, hi2), hi2 >= len(p.lines))
	}
	if ok3 {
		spec, _ := f.Table(report.TableRequests)
		p.readRequests(spec, tokenize(p.lines, lo3, hi3), hi3 >= len(p.lines))
	}
	if ok4 {
		spec, _ := f.Table(report.TableAppeals)
		p.readAppeals(spec, tokenize(p.lines, lo4, hi4), hi4 >= len(p.lines))
	}
}

// find returns the first line whose key contains k, or -1.
func (p *parser) find(k string) int {
	for i, l := range p.lines {
		if strings.Contains(key(l), k) {
			return i
		}
	}
	return -1
}

// readValues reads up to n figures starting at toks[i]: numbers, and blank fields of structured lines as 0. A few
// non-numeric tokens right after the label that match no other row are the rest of a label split over lines.
// It returns the values and the index of the first token not consumed.
func readValues(toks []token, i, n int, isLabel func(string) bool) ([]float64, []string, int) {
	var vals []float64
	var units []string
	cont := 0
	for i < len(toks) && len(vals) < n {
		t := toks[i]
		switch {
		case t.isNum:
			vals = append(vals, t.num)
			units = append(units, t.unit)
		case t.blank:
			vals = append(vals, 0)
			units = append(units, "")
		case len(vals) == 0 && cont < 2 && t.key != "" && !isLabel(t.key):
			cont++
		default:
			return vals, units, i
		}
		i++
	}
	return vals, units, i
}

// readRequests reads the section 三 table.
func (p *parser) readRequests(spec *report.TableSpec, toks []token, atEnd bool) {
	rows := spec.Rows
	n := len(spec.Columns)
	ptr := 0
	buf := ""
	found := 0
	inWindow := func(k string) bool {
		for j := ptr; j < len(rows) && j < ptr+4; j++ {
			if matchesRow(k, rowKeys[rows[j].ID], rows[j].ID == "other.other") {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(toks) && ptr < len(rows); i++ {
		t := toks[i]
		if t.isNum || t.blank || t.key == "" {
			continue
		}
		buf += t.key
		if len(buf) > 600 {
			buf = buf[len(buf)-300:]
		}
		match := -1
		for j := ptr; j < len(rows) && j < ptr+4; j++ {
			if matchesRow(buf, rowKeys[rows[j].ID], rows[j].ID == "other.other") {
				match = j
				break
			}
		}
		if match < 0 {
			continue
		}
		row := rows[match]
		ptr = match + 1
		buf = ""
		if row.Header {
			continue
		}
		vals, _, next := readValues(toks, i+1, n, inWindow)
		i = next - 1
		if len(vals) == n {
			for c, col := range spec.Columns {
				p.r.Set(spec.ID, row.ID, col.ID, vals[c])
			}
			found++
			continue
		}
		if len(vals) > 0 || next < len(toks) {
			p.cellsFinding(spec, row, len(vals), n)
		}
	}
	if found > 0 && ptr < len(rows) && atEnd {
		p.finding("I-TRUNC", report.Warning, spec.Section, "", fmt.Sprintf("第%s部分表格在“%s”之前中断，原文可能不完整，请核对原报告", spec.Section, spec.RowPath(rows[ptr])))
	}
}

func (p *parser) cellsFinding(spec *report.TableSpec, row report.Row, got, want int) {
	where := "“" + spec.RowPath(row) + "”行"
	if row.Label == "" {
		where = "表格"
	}
	p.findings = append(p.findings, report.Finding{Rule: "I-CELLS", Severity: report.Error, Section: spec.Section, Row: spec.RowPath(row),
		Message: fmt.Sprintf("第%s部分%s只读到 %d 个数字，应为 %d 个；无法确定空白单元格的位置，未采用该行数据，请核对原文", spec.Section, where, got, want)})
}

// readAppeals reads the 15 figures of section 四, which has no row label. The figures start at the first number,
// or at the first blank cell of a line that holds only figures and blanks (a table row whose first cells are empty).
func (p *parser) readAppeals(spec *report.TableSpec, toks []token, atEnd bool) {
	n := len(spec.Columns)
	figureLine := map[int]bool{}
	for _, t := range toks {
		if _, seen := figureLine[t.line]; !seen {
			figureLine[t.line] = true
		}
		if !t.isNum && !t.blank {
			figureLine[t.line] = false
		}
	}
	for i, t := range toks {
		if !t.isNum && !(t.blank && figureLine[t.line]) {
			continue
		}
		vals, _, _ := readValues(toks, i, n, func(string) bool { return true })
		if len(vals) == n {
			for c, col := range spec.Columns {
				p.r.Set(spec.ID, report.RowCases, col.ID, vals[c])
			}
		} else {
			p.cellsFinding(spec, spec.Rows[0], len(vals), n)
			if atEnd {
				p.finding("I-TRUNC", report.Warning, spec.Section, "", "第四部分表格不完整，原文可能在表格中间中断，请核对原报告")
			}
		}
		return
	}
}

// readSection2 reads the small tables of section 二: each row label is followed by its figures.
func (p *parser) readSection2(f *report.Format, toks []token, atEnd bool) {
	type target struct {
		spec *report.TableSpec
		row  report.Row
		key  string
	}
	var targets []target
	for i := range f.Tables {
		t := &f.Tables[i]
		if t.Section != "二" {
			continue
		}
		for _, r := range t.Rows {
			targets = append(targets, target{spec: t, row: r, key: key(r.Label)})
		}
	}
	done := make([]bool, len(targets))
	isLabel := func(k string) bool {
		for _, tg := range targets {
			if strings.Contains(k, tg.key) {
				return true
			}
		}
		return strings.Contains(k, "第二十条")
	}
	buf := ""
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.isNum || t.blank || t.key == "" {
			continue
		}
		if strings.HasPrefix(t.key, "第二十条") {
			buf = ""
			continue
		}
		buf += t.key
		match := -1
		for j, tg := range targets {
			if !done[j] && strings.HasSuffix(buf, tg.key) && !(tg.key == "规范性文件" && strings.HasSuffix(buf, "行政规范性文件") && p.era == report.Era2019) {
				match = j
				break
			}
		}
		if match < 0 {
			continue
		}
		done[match] = true
		buf = ""
		tg := targets[match]
		n := len(tg.spec.Columns)
		vals, units, next := readValues(toks, i+1, n, isLabel)
		i = next - 1
		if len(vals) != n {
			p.cellsFinding(tg.spec, tg.row, len(vals), n)
			continue
		}
		for c, col := range tg.spec.Columns {
			v := vals[c]
			if col.Unit == "万元" && units[c] == "元" {
				v /= 10000
			}
			p.r.Set(tg.spec.ID, tg.row.ID, col.ID, v)
		}
	}
	if atEnd {
		for j, tg := range targets {
			if !done[j] && len(p.r.Tables) > 0 {
				p.finding("I-TRUNC", report.Warning, "二", tg.row.Label, "第二部分表格在“"+tg.row.Label+"”之前中断，原文可能不完整，请核对原报告")
				break
			}
		}
	}
}
