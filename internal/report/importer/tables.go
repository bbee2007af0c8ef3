package importer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/report"
)

// token is one cell of the text: a whole line, or one field of a line whose fields are joined by TABs or "|".
type token struct {
	text string
	key  string  // key(text)
	num  float64 // the value, when isNum
	line int32
	// field is the index of the field in its line; -1 when the line is a single cell.
	field int16
	unit  uint8 // index+1 in cellUnits of a unit written in the cell ("万元", "元"), 0 for none
	isNum bool
	// blank marks an empty field of a structured line, or a dash cell ("—", "/", "无"): 0 by the printed-table
	// convention.
	blank bool
	// prose marks a sentence of narrative (long, or with a full stop): never a label, never a figure.
	prose bool
	// runOn marks a run of more digits than one figure has (cells whose separators were lost): a value of the
	// row, but never read as one figure.
	runOn bool
	// spaced marks a figure of a line whose cells are separated by spaces only (PDF text layers, copy-paste from
	// a PDF viewer): a blank cell leaves no trace there, and neighbouring cells may run together.
	spaced bool
}

// splitSpaced splits a line whose figures are separated by spaces ("一、本年新收政府信息公开申请数量 3001 53 0 0
// 61 4 3119", "0 0 0 … 0") into its label (possibly "") and its figure cells; figs is nil when the line is not
// such a row. A run of digits glued to the label ("（一）予以公开713000074") is one cell. A line with a full stop
// is prose; a line of one figure stays one cell, as in a table printed one cell per line.
func splitSpaced(l string) (label string, figs []string) {
	if len(l) > 600 || !hasDigit(l) || has(l, "。") {
		return "", nil
	}
	end := len(l)
	var rev []string
	for end > 0 {
		j := strings.LastIndexByte(l[:end], ' ')
		f := l[j+1 : end]
		if f == "" {
			end = j
			continue
		}
		if !isFigureField(f) {
			break
		}
		rev = append(rev, f)
		end = j
		if j < 0 {
			end = 0
		}
	}
	label = strings.TrimSpace(l[:max(end, 0)])
	spacedRun := len(rev)
	if label != "" {
		// Digits glued to the end of the label.
		k := len(label)
		for k > 0 && isDigit(label[k-1]) {
			k--
		}
		if k < len(label) && k > 0 && label[k-1] >= 0x80 && (len(rev) > 0 || !strings.ContainsAny(label, "，,；") && utf8.RuneCountInString(label) <= 40) {
			rev = append(rev, label[k:])
			label = strings.TrimSpace(label[:k])
		}
	}
	switch {
	case len(rev) == 0:
		return "", nil
	case label == "" && len(rev) < 2:
		return "", nil
	case label != "" && spacedRun == 1 && len(rev) == 1 && (strings.ContainsAny(label, "，,；") || utf8.RuneCountInString(label) > 40):
		return "", nil // a sentence broken before its last number
	}
	if label != "" && !hasCJK(label) {
		return "", nil
	}
	figs = make([]string, len(rev))
	for i, f := range rev {
		figs[len(rev)-1-i] = f
	}
	return label, figs
}

// isFigureField reports whether a space-separated field is one cell of figures: a number, with a unit
// ("251000元") or not, or a dash cell.
func isFigureField(f string) bool {
	if len(f) <= 6 && dashCells[f] {
		return true
	}
	c := f
	if c[0] == '-' || c[0] == '+' {
		c = c[1:]
	}
	if c == "" || !isDigit(c[0]) {
		return false
	}
	for _, u := range cellUnits[:3] {
		if strings.HasSuffix(c, u) {
			c = c[:len(c)-len(u)]
			break
		}
	}
	dot := false
	for i := 0; i < len(c); i++ {
		switch {
		case isDigit(c[i]):
		case (c[i] == '.' || c[i] == ',') && !dot && i > 0 && i < len(c)-1:
			dot = c[i] == '.'
		default:
			return false
		}
	}
	return isDigit(c[len(c)-1])
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

// hasCJK reports whether s holds a character that is not ASCII.
func hasCJK(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// value reports whether the token is a figure of a table: a number, a blank cell, or a run of digits too long to
// be one figure (cells run together).
func (t *token) value() bool { return t.isNum || t.blank || t.runOn }

// unitName returns the unit written in the token's cell, or "".
func (t *token) unitName() string {
	if t.unit == 0 {
		return ""
	}
	return cellUnits[t.unit-1]
}

func tokenize(lines []string, from, to int) []token {
	if to > len(lines) {
		to = len(lines)
	}
	if from >= to {
		return nil
	}
	out := make([]token, 0, to-from+16)
	for i := from; i < to; i++ {
		l := lines[i]
		if strings.IndexByte(l, '\t') < 0 && strings.IndexByte(l, '|') < 0 {
			label, figs := splitSpaced(l)
			if figs == nil {
				out = append(out, makeToken(l, i, -1))
				continue
			}
			field := 0
			if label != "" {
				out = append(out, makeToken(label, i, 0))
				field = 1
			}
			for _, f := range figs {
				t := makeToken(f, i, min(field, 1<<14))
				t.spaced = true
				out = append(out, t)
				field++
			}
			continue
		}
		field, start := 0, 0
		for j := 0; j <= len(l); j++ {
			if j == len(l) || l[j] == '\t' || l[j] == '|' {
				out = append(out, makeToken(strings.TrimSpace(l[start:j]), i, min(field, 1<<14)))
				field++
				start = j + 1
			}
		}
	}
	return out
}

// dropSeparators removes the spaces and thousands separators inside a cell ("1 000", "1,000").
var dropSeparators = strings.NewReplacer(" ", "", ",", "")

// cellUnits are the units a figure's cell may carry; 万 alone is read as 万元.
var cellUnits = []string{"万元", "元", "万", "件", "条", "个", "项", "次", "例", "份"}

// dashCells are what printed tables write in a cell that holds nothing.
var dashCells = map[string]bool{"-": true, "—": true, "－": true, "/": true, "／": true, "——": true, "–": true, "无": true, "--": true, "―": true}

func makeToken(s string, line, field int) token {
	t := token{text: s, line: int32(min(line, 1<<30)), field: int16(field)}
	if s == "" {
		t.blank = field >= 0
		return t
	}
	c := s
	if strings.IndexByte(c, ' ') >= 0 || strings.IndexByte(c, ',') >= 0 {
		c = dropSeparators.Replace(c)
		if c == "" {
			t.blank = field >= 0
			return t
		}
	}
	if len(c) <= 6 && dashCells[c] {
		t.blank = true
		return t
	}
	if len(c) < 40 && (isDigit(c[0]) || c[0] == '-' || c[0] == '+' || c[0] == '.') {
		for k, u := range cellUnits {
			if len(c) > len(u) && strings.HasSuffix(c, u) {
				t.unit = uint8(k + 1)
				c = c[:len(c)-len(u)]
				break
			}
		}
		if t.unit == 3 { // 万
			t.unit = 1
		}
		if isDigit(c[len(c)-1]) {
			if v, err := strconv.ParseFloat(c, 64); err == nil && v > -1e12 && v < 1e12 {
				t.num, t.isNum = v, true
				return t
			}
			if t.unit == 0 && splittable(c) {
				t.runOn = true
				return t
			}
		}
		t.unit = 0
	}
	if len(s) > 180 || has(s, "。") || len(s) > 60 && utf8.RuneCountInString(s) > 60 {
		t.prose = true
		return t
	}
	t.key = key(s)
	return t
}

// rowKeys are the words that identify each row of the section 三 table (and its group headers): each row's label
// without its numbering, shortened to what survives truncation and line breaks.
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
	"not_processed.excessive":   {"大量反复", "反复申请", "无正当理由大量"},
	"not_processed.reconfirm":   {"确认或重新出具", "要求行政机关确认", "重新出具"},
	"other":                     {"其他处理"},
	"other.no_correction":       {"逾期不补正", "不补正"},
	"other.no_fee":              {"缴纳费用", "收费通知"},
	"other.other":               {"其他"},
	"total":                     {"总计", "合计"},
	"carry_forward":             {"结转下年度", "下年度继续办理"},
}

// rowWindow is how many rows ahead of the last one read a label may match: a report may leave rows out, but a
// label never jumps back, which keeps "1.属于国家秘密" and "1.本机关不掌握…" apart by their groups.
const rowWindow = 5

func matchesRow(buf string, keys []string, suffixOnly bool) bool {
	for _, k := range keys {
		if suffixOnly && strings.HasSuffix(buf, k) || !suffixOnly && has(buf, k) {
			return true
		}
	}
	return false
}

// labelNumber returns the sub-row number that starts a label ("1.属于国家秘密" → "1"), or "".
func labelNumber(k string) string {
	i := 0
	for i < len(k) && i < 2 && isDigit(k[i]) {
		i++
	}
	return k[:i]
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
	if ok2 && !p.otherFormatIn(lo2, hi2) {
		toks := tokenize(p.lines, lo2, hi2)
		p.tableFound("二", toks)
		p.readSection2(f, toks, hi2 >= len(p.lines))
	}
	if ok3 {
		spec, _ := f.Table(report.TableRequests)
		toks := tokenize(p.lines, lo3, hi3)
		p.tableFound("三", toks)
		p.readRequests(spec, toks, hi3 >= len(p.lines))
	}
	if ok4 {
		spec, _ := f.Table(report.TableAppeals)
		toks := tokenize(p.lines, lo4, hi4)
		p.tableFound("四", toks)
		p.readAppeals(spec, toks, hi4 >= len(p.lines))
	}
}

// tableFound notes where a section's table stands: its first figure, when the section holds one.
func (p *parser) tableFound(section string, toks []token) {
	for i := range toks {
		if toks[i].isNum || toks[i].runOn {
			if p.tablesAt == nil {
				p.tablesAt = map[string][2]string{}
			}
			head := ""
			for _, h := range p.heads {
				if h.id == section {
					head = h.text
				}
			}
			p.tablesAt[section] = [2]string{head, p.lines[toks[i].line]}
			return
		}
	}
}

// otherFormatIn reports whether lines[from:to] of a report that mixes the two table formats hold a column label of
// the format the report is not read in: its section 二 figures would land in the wrong columns, so they are left
// unread.
func (p *parser) otherFormatIn(from, to int) bool {
	if p.mixed == "" {
		return false
	}
	markers := f60Markers
	if p.era == report.Era2019 {
		markers = f30Markers
	}
	for _, l := range p.lines[from:min(to, len(p.lines))] {
		if len(l) > 600 {
			continue
		}
		k := key(l)
		for _, m := range markers {
			if has(k, m) {
				return true
			}
		}
	}
	return false
}

// find returns the first line (not a sentence of prose) whose key contains k, or -1.
func (p *parser) find(k string) int {
	for i, l := range p.lines {
		if len(l) > 180 || has(l, "。") {
			continue
		}
		if has(key(l), k) {
			return i
		}
	}
	return -1
}

// readValues reads the figures of one row, starting at toks[i] (the token after the row's label): numbers, and
// blank cells as 0. A few words right after the label that match no other row are the rest of a label split over
// lines. A one-cell-per-line table gives up to n figures; a structured line (fields joined by TABs or "|") is read
// to its end, and surplus empty fields at its start or end — cells spanning two columns — are dropped, so that
// the figures keep their columns. It returns the values, their units, and the index of the first token not used.
func readValues(toks []token, i, n int, isLabel func(string) bool) ([]float64, []string, int) {
	vals, units, _, runOn, next := readCells(toks, i, n, isLabel)
	if runOn {
		// A cell holds several figures: the row has more figures than its cells show, never n.
		vals, units = append(vals, 0), append(units, "")
	}
	return vals, units, next
}

// readCells is readValues that also returns the cells as printed ("" for a blank), for the rows whose cells do
// not match the columns, and whether one of them is a run of digits too long for one figure (then the row is
// never complete as it stands).
func readCells(toks []token, i, n int, isLabel func(string) bool) (vals []float64, units, raw []string, runOn bool, next int) {
	vals = make([]float64, 0, n+2)
	units = make([]string, 0, n+2)
	blanks := make([]bool, 0, n+2)
	raw = make([]string, 0, n+2)
	cont, line := 0, int32(-1)
	spacedLine := int32(-1)
	for ; i < len(toks); i++ {
		t := &toks[i]
		if len(vals) >= n && (t.field < 0 || t.line != line) {
			break
		}
		if spacedLine >= 0 && t.line != spacedLine {
			break // a row of space-separated figures ends with its line
		}
		if !t.value() {
			// The rest of a label split over lines; never a numbered sub-row ("1.申请人…").
			if len(vals) == 0 && cont < 2 && t.key != "" && !t.prose && labelNumber(t.key) == "" && !isLabel(t.key) {
				cont++
				continue
			}
			break
		}
		vals = append(vals, t.num)
		units = append(units, t.unitName())
		blanks = append(blanks, t.blank)
		runOn = runOn || t.runOn
		if t.blank && t.text == "" {
			raw = append(raw, "")
		} else {
			raw = append(raw, t.text)
		}
		line = -1
		if t.field >= 0 {
			line = t.line
		}
		if t.spaced {
			spacedLine = t.line
		}
	}
	for len(vals) > n && blanks[0] {
		vals, units, blanks, raw = vals[1:], units[1:], blanks[1:], raw[1:]
	}
	for len(vals) > n && blanks[len(blanks)-1] {
		vals, units, blanks, raw = vals[:len(vals)-1], units[:len(units)-1], blanks[:len(blanks)-1], raw[:len(raw)-1]
	}
	return vals, units, raw, runOn, i
}

// vanishing reports whether blank cells of the row read from toks[from:to] may have vanished: the row's figures
// are separated by spaces, as in a PDF text layer. Between TABs and bars a blank cell keeps its place; in a table
// printed one cell per line a missing cell may as well be a lost figure, so such a row stays unread.
func vanishing(toks []token, from, to int) bool {
	for i := from; i < to && i < len(toks); i++ {
		if toks[i].value() && toks[i].spaced {
			return true
		}
	}
	return false
}

// labelStart reports whether a cell starts a numbered row label ("1.属于国家秘密", "（三）不予公开", "四、结转…"):
// words before it belong to the label of the row above, wrapped onto its own line.
func labelStart(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	for i < len(s) && i < 2 && isDigit(s[i]) {
		i++
	}
	if i > 0 {
		return strings.HasPrefix(s[i:], ".") || strings.HasPrefix(s[i:], "、") || strings.HasPrefix(s[i:], "．")
	}
	if strings.HasPrefix(s, "（") || strings.HasPrefix(s, "(") {
		r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, "（("))
		return strings.ContainsRune(numerals, r)
	}
	r, sz := utf8.DecodeRuneInString(s)
	return strings.ContainsRune(numerals, r) && strings.HasPrefix(s[sz:], "、")
}

// readRequests reads the section 三 table. Rows are matched in printed order by their label words; a label
// that matches nothing but starts with the number of the next expected sub-row ("1.申请人无正当理由逾期…", cut
// short) is that sub-row.
func (p *parser) readRequests(spec *report.TableSpec, toks []token, atEnd bool) {
	rows := spec.Rows
	n := len(spec.Columns)
	ptr, buf, fresh := 0, "", true
	var orphans []int // rows matched with no figures since the last figures read
	matched := false
	cut := -1 // a row whose figures the end of the text cut off
	inWindow := func(k string) bool {
		for j := ptr; j < len(rows) && j < ptr+rowWindow; j++ {
			if matchesRow(k, rowKeys[rows[j].ID], rows[j].ID == "other.other") {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(toks) && ptr < len(rows); i++ {
		t := &toks[i]
		switch {
		case t.prose:
			buf, fresh = "", true
			continue
		case t.value():
			fresh = true // figures of a row not recognised: the next words start a new label
			orphans = orphans[:0]
			continue
		case t.key == "":
			continue
		}
		if fresh || labelStart(t.text) {
			// A numbered label starts a row: words gathered before it are the wrapped end of the row above.
			buf, fresh = "", false
		}
		buf += t.key
		if len(buf) > 600 {
			buf = buf[len(buf)-300:]
		}
		match := -1
		for j := ptr; j < len(rows) && j < ptr+rowWindow; j++ {
			if matchesRow(buf, rowKeys[rows[j].ID], rows[j].ID == "other.other") {
				match = j
				break
			}
		}
		if match < 0 && ptr > 0 && !rows[ptr].Header && rows[ptr].Parent != "" {
			if num := labelNumber(buf); num != "" && num == labelNumber(rows[ptr].Label) {
				match = ptr
			}
		}
		if match < 0 {
			continue
		}
		row := rows[match]
		before := ptr
		ptr, buf, matched = match+1, "", true
		if row.Header {
			continue
		}
		vals, _, raw, runOn, next := readCells(toks, i+1, n, inWindow)
		from := i + 1
		i = next - 1
		switch {
		case len(vals) == n && !runOn && next < len(toks) && toks[next].value() && toks[next].field < 0 && toks[next-1].field < 0:
			// More figures follow one per line than the row has columns: the figures of rows whose labels were
			// printed together (a PDF text layer in reading order), which cannot be told apart.
			extra := 0
			for next < len(toks) && toks[next].value() {
				next++
				extra++
			}
			i = next - 1
			// Unless the rows whose labels stood together just before, with no figures, are as many as the
			// figures are rows' worth, and follow one another in the table: then the figures are theirs in order.
			if figs, ok := stackedFigures(toks, from, next); ok && len(orphans) > 0 && len(figs) == (len(orphans)+1)*n && consecutiveRows(rows, append(orphans, match)) {
				for k, r := range append(orphans, match) {
					p.setRow(spec, rows[r].ID, figs[k*n:(k+1)*n])
				}
				orphans = orphans[:0]
				break
			}
			p.cellsFinding(spec, row, n+extra, n)
		case len(vals) == n && !runOn:
			p.setRow(spec, row.ID, vals)
		case next >= len(toks) && atEnd:
			cut = match
		case len(vals) > 0:
			if !p.pend(spec, row, raw, vanishing(toks, from, next)) {
				p.cellsFinding(spec, row, len(vals), n)
			}
		default:
			// No figures at all: words that name the row ("本年新收政府信息公开申请2件" in a note above the
			// table), not the row itself, which may still come; or a row whose label a PDF text layer printed
			// together with the next one's, their figures after both.
			ptr = before
			if len(orphans) > 0 && orphans[len(orphans)-1] >= match {
				orphans = orphans[:0]
			}
			orphans = append(orphans, match)
			continue
		}
		orphans = orphans[:0]
	}
	if !atEnd {
		return
	}
	switch {
	case !matched:
		// The text ends after the heading or the column headers, before the first row.
		if tableWords(toks) {
			p.truncFinding(spec, spec.DataRows()[0])
		}
	case cut >= 0:
		p.truncFinding(spec, rows[cut])
	case ptr < len(rows):
		for _, r := range rows[ptr:] {
			if !r.Header {
				p.truncFinding(spec, r)
				break
			}
		}
	}
}

// stackedFigures returns the figures of toks[from:to] when all of them stand one per line, as plain numbers (no
// blank, no run of digits), after at most the words that end a label.
func stackedFigures(toks []token, from, to int) ([]float64, bool) {
	var out []float64
	for i := from; i < to; i++ {
		t := &toks[i]
		if !t.value() {
			if len(out) > 0 {
				return nil, false
			}
			continue
		}
		if !t.isNum || t.field >= 0 || t.spaced {
			return nil, false
		}
		out = append(out, t.num)
	}
	return out, true
}

// consecutiveRows reports whether the rows at idx (increasing) are data rows that follow one another in the table,
// group headers aside.
func consecutiveRows(rows []report.Row, idx []int) bool {
	for k := 1; k < len(idx); k++ {
		if idx[k] <= idx[k-1] {
			return false
		}
		for j := idx[k-1] + 1; j < idx[k]; j++ {
			if !rows[j].Header {
				return false
			}
		}
	}
	for _, i := range idx {
		if rows[i].Header {
			return false
		}
	}
	return true
}

// setRow stores a row's figures, one per column of the table.
func (p *parser) setRow(spec *report.TableSpec, rowID string, vals []float64) {
	row := make(map[string]float64, len(spec.Columns))
	for c, col := range spec.Columns {
		row[col.ID] = vals[c]
	}
	if p.r.Tables == nil {
		p.r.Tables = map[string]report.Grid{}
	}
	g := p.r.Tables[spec.ID]
	if g == nil {
		g = report.Grid{}
		p.r.Tables[spec.ID] = g
	}
	g[rowID] = row
}

// tableWords reports whether a table region holds what a cut-off table leaves: nothing (the text ends at the
// heading), or header words, as opposed to prose only.
func tableWords(toks []token) bool {
	for i := range toks {
		if !toks[i].prose {
			return true
		}
	}
	return len(toks) == 0
}

func (p *parser) cellsFinding(spec *report.TableSpec, row report.Row, got, want int) {
	where := "“" + spec.RowPath(row) + "”行"
	if row.Label == "" {
		where = "表格"
	}
	p.findings = append(p.findings, report.Finding{Rule: "I-CELLS", Severity: report.Warning, Section: spec.Section, Row: spec.RowPath(row),
		Message: fmt.Sprintf("第%s部分%s读到 %d 个数字，应为 %d 个；无法确定空白单元格的位置，未采用该行数据，请核对原文", spec.Section, where, got, want)})
}

func (p *parser) truncFinding(spec *report.TableSpec, row report.Row) {
	where := "在“" + spec.RowPath(row) + "”处"
	if row.Label == "" {
		where = "的数字"
	}
	p.findings = append(p.findings, report.Finding{Rule: "I-TRUNC", Severity: report.Warning, Section: spec.Section, Row: spec.RowPath(row),
		Message: fmt.Sprintf("第%s部分表格%s中断，文件到此结束，原文可能不完整：之前读到的数据已保留，之后的数据缺失，请核对原报告", spec.Section, where)})
}

// readAppeals reads the 15 figures of section 四, which has no row label. The figures start at the first number,
// or at the first blank cell of a line that holds only figures and blanks (a table row whose first cells are empty);
// header words (however they are split or shortened) are skipped.
func (p *parser) readAppeals(spec *report.TableSpec, toks []token, atEnd bool) {
	n := len(spec.Columns)
	// figureLine reports whether the line of toks[i] holds only figures and blank cells; tokens are asked in order,
	// so one answer per line is kept.
	lastLine, lastAnswer := int32(-1), false
	figureLine := func(i int) bool {
		if toks[i].line == lastLine {
			return lastAnswer
		}
		lastLine, lastAnswer = toks[i].line, true
		for j := i; j >= 0 && toks[j].line == lastLine; j-- {
			lastAnswer = lastAnswer && toks[j].value()
		}
		for j := i + 1; j < len(toks) && toks[j].line == lastLine && lastAnswer; j++ {
			lastAnswer = toks[j].value()
		}
		return lastAnswer
	}
	for i, t := range toks {
		if !t.isNum && !t.runOn && !(t.blank && figureLine(i)) {
			continue
		}
		vals, _, raw, runOn, next := readCells(toks, i, n, func(string) bool { return true })
		switch {
		case len(vals) == n && !runOn:
			p.setRow(spec, report.RowCases, vals)
		case next >= len(toks) && atEnd:
			p.truncFinding(spec, spec.Rows[0])
		default:
			if !p.pend(spec, spec.Rows[0], raw, vanishing(toks, i, next)) {
				p.cellsFinding(spec, spec.Rows[0], len(vals), n)
			}
		}
		return
	}
	if atEnd && tableWords(toks) {
		p.truncFinding(spec, spec.Rows[0]) // the text ends before the figures
	}
}

// section2Keys identify the rows of the section 二 tables, as parts of their labels.
var section2Keys = map[string][]string{
	"rules":          {"规章"},
	"normative":      {"规范性文件"},
	"licensing":      {"行政许可"},
	"other_services": {"其他对外管理服务", "对外管理服务"},
	"penalty":        {"行政处罚"},
	"coercion":       {"行政强制"},
	"fees":           {"事业性收费"},
	"procurement":    {"集中采购"},
}

// readSection2 reads the small tables of section 二: each row label is followed by its figures.
func (p *parser) readSection2(f *report.Format, toks []token, atEnd bool) {
	type target struct {
		spec *report.TableSpec
		row  report.Row
	}
	var targets []target
	for i := range f.Tables {
		t := &f.Tables[i]
		if t.Section != "二" {
			continue
		}
		for _, r := range t.Rows {
			targets = append(targets, target{spec: t, row: r})
		}
	}
	done := make([]bool, len(targets))
	isLabel := func(k string) bool {
		for _, tg := range targets {
			if matchesRow(k, section2Keys[tg.row.ID], false) {
				return true
			}
		}
		return has(k, "第二十条")
	}
	buf, fresh := "", true
	matched, cut := false, -1
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		switch {
		case t.prose:
			buf, fresh = "", true
			continue
		case t.value():
			fresh = true
			continue
		case t.key == "":
			continue
		case strings.HasPrefix(t.key, "第二十条"):
			buf, fresh = "", true
			continue
		}
		if fresh {
			buf, fresh = "", false
		}
		buf += t.key
		match := -1
		for j, tg := range targets {
			if !done[j] && matchesRow(buf, section2Keys[tg.row.ID], false) {
				match = j
				break
			}
		}
		if match < 0 {
			continue
		}
		done[match], buf, matched = true, "", true
		tg := targets[match]
		n := len(tg.spec.Columns)
		vals, units, next := readValues(toks, i+1, n, isLabel)
		i = next - 1
		switch {
		case len(vals) == 0 && next < len(toks):
			done[match] = false // words naming the row, not the row
		case len(vals) == n:
			for c, col := range tg.spec.Columns {
				if col.Unit == "万元" && units[c] == "元" {
					// The model holds one unit per column; the figure as printed is kept beside it.
					if p.r.Printed == nil {
						p.r.Printed = map[string]report.PrintedFigure{}
					}
					p.r.Printed[report.PrintedKey(tg.spec.ID, tg.row.ID, col.ID)] = report.PrintedFigure{Value: vals[c], Unit: units[c]}
					vals[c] /= 10000
				}
			}
			p.setRow(tg.spec, tg.row.ID, vals)
		case next >= len(toks) && atEnd:
			cut = match
		case len(vals) > 0:
			p.cellsFinding(tg.spec, tg.row, len(vals), n)
		}
	}
	if !atEnd || !matched && !tableWords(toks) {
		return
	}
	if cut >= 0 {
		p.truncFinding(targets[cut].spec, targets[cut].row)
		return
	}
	for j, tg := range targets {
		if !done[j] {
			p.truncFinding(tg.spec, tg.row)
			return
		}
	}
}
