package importer

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/report"
)

// parser holds one file's text while it is being read.
type parser struct {
	lines    []string // normalised, trimmed, furniture removed; headings start their own line
	heads    []heading
	era      report.Era
	r        *report.Report
	findings []report.Finding
	titleAt  int // line of the (last) title, or -1
	// headSigned is the 成文日期 of the page header, used when the report has no signature.
	headSigned string
	// mixed names the labels of both table formats when a report holds both, or "".
	mixed string
	// pending are the rows left for the table's relations to settle (readings.go).
	pending []pendingRow
	// tablesAt holds, by section, the section's heading and the line of its table's first figure.
	tablesAt map[string][2]string
}

// heading is a section heading found at the start of a line.
type heading struct {
	line int
	kind string // overview, proactive, requests, appeals, fees, problems, other
	text string // heading as published, without its numeral
	id   string // section ID in the era's format
}

func newParser(text string) *parser {
	return &parser{r: &report.Report{}, titleAt: -1, lines: splitLines(text)}
}

func (p *parser) finding(rule string, sev report.Severity, section, row, msg string) {
	p.findings = append(p.findings, report.Finding{Rule: rule, Severity: sev, Section: section, Row: row, Message: msg})
}

func (p *parser) run() error {
	if len(p.lines) == 0 {
		return errors.New("文件中没有文字")
	}
	p.readHeader()
	p.splitInlineHeadings()
	p.findHeadings()
	// The header findings come first; era and table findings follow in the order the text is read.
	if p.r.Year == 0 {
		p.finding("I-YEAR", report.Error, "", "", "未能确定报告年度：标题、统计期限、正文开头和落款中都没有找到年份，请核对报告标题是否写明年度")
	}
	if p.r.Agency == "" {
		p.finding("I-AGENCY", report.Warning, "", "", "未能确定报告单位：标题、落款和正文开头都没有找到机关名称，请核对报告标题或落款")
	}
	p.decideEra()
	p.r.Era = p.era
	p.assignSections()
	p.readNarrative()
	p.readTables()
	p.settle()
	if len(p.heads) == 0 && len(p.r.Tables) == 0 && (p.r.Title == "" || utf8.RuneCountInString(p.r.Preamble) < 100) {
		return errors.New("未发现报告标题、年度或任何章节")
	}
	p.readFigures()
	return nil
}

// headingKinds recognises section headings by their words, in the order they are tried.
var headingKinds = []struct {
	kind string
	keys []string
}{
	{"requests", []string{"收到和处理政府信息公开申请", "依申请公开政府信息", "依申请公开情况", "依申请公开工作情况"}},
	{"proactive", []string{"主动公开政府信息"}},
	{"appeals", []string{"行政复议"}},
	{"fees", []string{"收费及减免", "收费和减免"}},
	{"problems", []string{"存在的主要问题", "主要问题及改进", "主要问题和改进", "问题及改进"}},
	{"other", []string{"其他需要报告的事项", "其他需要报告事项"}},
	{"overview", []string{"总体情况", "概述", "基本情况"}},
}

var numerals = "一二三四五六七八九"

// headingAt reports whether s starts a heading ("二、主动公开政府信息情况…", "第二部分 …", or a bare heading line),
// and returns its kind and the byte length of its heading text (numeral included).
func headingAt(s string, bare bool) (kind string, end int, text string) {
	body := s
	start := numeralPrefix(s)
	if start > 0 {
		body = s[start:]
	} else if !bare || !hasRuneOf(s, bareHeadingRunes) || !has(s, "情况") && !has(s, "事项") && !has(s, "概述") && !has(s, "措施") {
		return "", 0, "" // every bare heading names 情况, 事项, 措施 or 概述; table cells (the most lines) do not
	}
	if start == 0 && len(s) <= 90 {
		// A bare line that is exactly one of the format's headings.
		if k, ok := headingAliases[key(s)]; ok {
			return k, len(s), s
		}
	}
	window := firstRunes(body, 30)
	for _, hk := range headingKinds {
		for _, k := range hk.keys {
			i := indexOf(window, k)
			if i < 0 || (start == 0 && i > 0) {
				continue
			}
			e := i + len(k)
			// Extend to the end of "…情况" / "…事项" when it follows closely in the same phrase.
			if !strings.HasSuffix(k, "情况") && !strings.HasSuffix(k, "事项") {
				rest := firstRunes(body[e:], 22)
				for _, suf := range []string{"情况", "事项", "措施"} {
					if j := indexOf(rest, suf); j >= 0 && !strings.ContainsAny(rest[:j], "。，；,; \t") {
						e += j + len(suf)
						break
					}
				}
			}
			if start == 0 && e != len(body) {
				return "", 0, "" // a bare heading is the whole line
			}
			return hk.kind, start + e, strings.TrimSpace(body[:e])
		}
	}
	return "", 0, ""
}

// bareHeadingRunes holds the last characters of 情况, 事项, 概述 and 措施.
var bareHeadingRunes = newRuneSet("况项述施")

// numeralPrefix returns the byte length of a section number at the start of s: "二、", "二．", "二.", "二 " or
// "第二部分", or 0.
func numeralPrefix(s string) int {
	r, sz := utf8.DecodeRuneInString(s)
	if r == '第' {
		r2, sz2 := utf8.DecodeRuneInString(s[sz:])
		if strings.ContainsRune(numerals, r2) && strings.HasPrefix(s[sz+sz2:], "部分") {
			n := sz + sz2 + len("部分")
			for _, sep := range []string{"、", "：", "．", " "} {
				if strings.HasPrefix(s[n:], sep) {
					return n + len(sep)
				}
			}
			return n
		}
		return 0
	}
	if !strings.ContainsRune(numerals, r) {
		return 0
	}
	for _, sep := range []string{"、", "．", ".", " ", "，"} {
		if strings.HasPrefix(s[sz:], sep) {
			return sz + len(sep)
		}
	}
	return 0
}

// headingAliases maps the folded heading and aliases of every section of every format to its heading kind.
var headingAliases = func() map[string]string {
	m := map[string]string{}
	for _, f := range []*report.Format{&report.FormatPre2019, &report.Format2019, &report.Format2021} {
		ids := sectionIDs[f.Era]
		kinds := map[string]string{}
		for k, id := range ids {
			kinds[id] = k
		}
		for _, s := range f.Sections {
			k, ok := kinds[s.ID]
			if !ok {
				continue
			}
			m[key(s.Heading)] = k
			for _, a := range s.Aliases {
				m[key(a)] = k
			}
		}
	}
	return m
}()

// splitInlineHeadings puts each section heading that appears inside a long line (text copied without line breaks)
// at the start of its own line.
func (p *parser) splitInlineHeadings() {
	out := make([]string, 0, len(p.lines)+8)
	for _, l := range p.lines {
		for {
			cut := -1
			for off := 0; off < len(l); {
				k := indexOf(l[off:], "、")
				if k < 0 {
					break
				}
				at := off + k
				off = at + len("、")
				r, sz := utf8.DecodeLastRuneInString(l[:at])
				i := at - sz
				if i <= 0 || !strings.ContainsRune(numerals, r) {
					continue
				}
				prev, _ := utf8.DecodeLastRuneInString(l[:i])
				if unicode.IsSpace(prev) || strings.ContainsRune("。！；|）)”", prev) || unicode.IsDigit(prev) || prev == '报' || prev == '告' {
					if k, _, _ := headingAt(l[i:], false); k != "" {
						cut = i
						break
					}
				}
			}
			if cut < 0 {
				break
			}
			if head := strings.TrimSpace(l[:cut]); head != "" {
				out = append(out, head)
			}
			l = l[cut:]
		}
		out = append(out, l)
	}
	p.lines = out
}

// findHeadings lists the section headings in order and puts each on a line of its own (the rest of its line is the
// section's first paragraph). A heading of a kind already seen is body text.
func (p *parser) findHeadings() {
	seen := map[string]bool{}
	out := make([]string, 0, len(p.lines)+8)
	for _, l := range p.lines {
		kind, end, text := headingAt(l, len(l) <= 120 && utf8.RuneCountInString(l) <= 30)
		if kind == "" || seen[kind] {
			out = append(out, l)
			continue
		}
		seen[kind] = true
		p.heads = append(p.heads, heading{line: len(out), kind: kind, text: text})
		out = append(out, l[:end])
		if rest := strings.TrimSpace(l[end:]); rest != "" {
			out = append(out, rest)
		}
	}
	p.lines = out
}

// eraNames are the formats as findings name them.
var eraNames = map[report.Era]string{
	report.Era2021:    "现行格式（国办公开办函〔2021〕30号）",
	report.Era2019:    "试行格式（国办公开办函〔2019〕60号）",
	report.EraPre2019: "2019年以前的自由格式",
}

// decideEra settles the report's format from what the text shows — the column and row labels only one format has,
// or the 2007 Regulation's section headings in a report without tables — and checks it against the year. When the
// two disagree the content wins (the figures are in the columns it shows) and I-ERA says so.
func (p *parser) decideEra() {
	content, marker := p.contentEra()
	byYear := report.EraForYear(p.r.Year)
	switch {
	case content == "" && p.r.Year == 0:
		p.era = report.Era2021
	case content == "":
		p.era = byYear
	case p.mixed != "":
		p.era = content
		p.finding("I-ERA", report.Warning, "", "", fmt.Sprintf("报告同时含有%s两种格式的表格标签；已按%s读取，与之不符的表格未读取，请核对报告使用的表格格式",
			p.mixed, eraNames[content]))
	default:
		p.era = content
		if p.r.Year != 0 && content != byYear {
			p.finding("I-ERA", report.Warning, "", "", fmt.Sprintf("报告内容使用的是%s（%s），而%d年度报告应使用%s；已按报告实际使用的格式读取，请核对报告年度和表格格式",
				eraNames[content], marker, p.r.Year, eraNames[byYear]))
		}
	}
}

// contentEra returns the format the text's tables or headings show, with the words that show it, or "".
func (p *parser) contentEra() (report.Era, string) {
	var f30, f60, tables string
	for i, l := range p.lines {
		if len(l) < 6 || len(l) > 150 && (len(l) > 600 || !isRow(l)) || !hasRuneOf(l, eraMarkRunes) {
			continue // narrative, or no marker
		}
		k := key(l)
		for _, m := range f30Markers {
			if f30 == "" && has(k, m) {
				f30 = m
			}
		}
		for _, m := range f60Markers {
			if f60 == "" && has(k, m) {
				f60 = m
			}
		}
		if f30 == "" && f60 == "" && has(k, "其他处理") && len(k) < 40 {
			// （六）其他处理: a data row in the trial format (figures follow), a group of three sub-rows in the current one.
			next := ""
			if j := indexOf(l, "其他处理"); j >= 0 {
				next = strings.TrimSpace(strings.TrimLeft(l[j+len("其他处理"):], "\t|） "))
			}
			if next == "" && i+1 < len(p.lines) {
				next = p.lines[i+1]
			}
			if next != "" && (isDigit(next[0]) || next[0] == '\t') {
				if nk := key(next); !has(nk, "申请人") && !strings.HasPrefix(next, "1.") && !strings.HasPrefix(next, "1、") {
					f60 = "（六）其他处理后直接填写数字"
				}
			}
		}
		if tables == "" && (has(k, "本年新收政府信息公开申请") || has(k, "第二十条第")) {
			tables = "有表格"
		}
	}
	switch {
	case f30 != "" && f60 != "":
		// Both formats' labels: a report that mixes the tables of the two. The year settles which one the model
		// follows; the tables of the other stay unread.
		p.mixed = "现行格式的“" + f30 + "”和试行格式的“" + f60 + "”"
		if report.EraForYear(p.r.Year) == report.Era2019 {
			return report.Era2019, "“" + f60 + "”"
		}
		return report.Era2021, "“" + f30 + "”"
	case f30 != "":
		return report.Era2021, "“" + f30 + "”"
	case f60 != "":
		return report.Era2019, "“" + f60 + "”"
	case tables != "":
		if y := report.EraForYear(p.r.Year); y != report.EraPre2019 {
			return y, ""
		}
		return report.Era2019, "含统计表格"
	}
	// No tables: the 2007 Regulation's headings (收费及减免, 依申请公开政府信息…) show the free-text era.
	for _, h := range p.heads {
		if h.kind == "fees" || h.kind == "requests" && has(h.text, "依申请公开") && !has(h.text, "收到和处理") {
			return report.EraPre2019, "按2007年条例第三十二条列写的章节“" + h.text + "”"
		}
	}
	return "", ""
}

// eraMarkRunes marks a character of every marker contentEra looks for (本年…, 现行…, 逾期…, 其他处理, 对外…,
// 上一年…, 采购…, 第二十条, 本年新收…), so that lines without any are passed by one scan.
var eraMarkRunes = newRuneSet("年现逾处外购条")

// f30Markers are labels only the current format prints; f60Markers only the trial format.
var (
	f30Markers = []string{"本年制发件数", "现行有效件数", "本年废止件数", "逾期不补正", "收费通知要求缴纳费用", "本年处理决定数量", "本年收费金额"}
	f60Markers = []string{"本年新制作", "对外公开总数量", "其他对外管理服务事项", "上一年项目数量", "政府集中采购", "本年增减", "本年新公开", "采购项目数量", "采购总金额"}
)

// sectionIDs maps a heading kind to the section ID of each era's format.
var sectionIDs = map[report.Era]map[string]string{
	report.Era2021:    {"overview": "一", "proactive": "二", "requests": "三", "appeals": "四", "problems": "五", "other": "六"},
	report.Era2019:    {"overview": "一", "proactive": "二", "requests": "三", "appeals": "四", "problems": "五", "other": "六"},
	report.EraPre2019: {"overview": "概述", "proactive": "主动公开", "requests": "依申请公开", "fees": "收费", "appeals": "复议诉讼", "problems": "问题改进", "other": "其他"},
}

func (p *parser) assignSections() {
	ids := sectionIDs[p.era]
	out := p.heads[:0]
	for _, h := range p.heads {
		if id, ok := ids[h.kind]; ok {
			h.id = id
			out = append(out, h)
		}
	}
	p.heads = out
}

// span returns the lines of the section with the given ID: from after its heading to the next heading.
func (p *parser) span(id string) (from, to int, ok bool) {
	for i, h := range p.heads {
		if h.id == id {
			to = len(p.lines)
			if i+1 < len(p.heads) {
				to = p.heads[i+1].line
			}
			return h.line + 1, to, true
		}
	}
	return 0, 0, false
}

func (p *parser) readNarrative() {
	f, _ := report.FormatOf(p.era)
	// Preamble: after the title, before the first heading, without header lines.
	first := len(p.lines)
	if len(p.heads) > 0 {
		first = p.heads[0].line
	}
	var pre []string
	if p.titleAt >= 0 && p.titleAt < first {
		// A title with the preamble run on after it on the same line.
		l := p.lines[p.titleAt]
		if m := reTitle.FindStringIndex(l); m != nil && m[0] == 0 && m[1] < len(l) {
			pre = append(pre, strings.TrimSpace(l[m[1]:]))
		} else if m := reTitleAlt.FindStringIndex(l); m != nil && m[0] == 0 && m[1] < len(l) {
			pre = append(pre, strings.TrimSpace(l[m[1]:]))
		}
	}
	for i := p.titleAt + 1; i < first && i >= 0; i++ {
		l := p.lines[i]
		if utf8.RuneCountInString(l) < 25 && (reISODate.MatchString(l) || reIndex.MatchString(l) || looksLikeOrg(l) || l == "政府信息公开") {
			continue
		}
		if len(l) > 180 {
			pre = append(pre, l)
			continue
		}
		if t, _, _, ok := matchTitle(l); ok && t != "" {
			continue
		}
		pre = append(pre, l)
	}
	p.r.Preamble = strings.TrimSpace(strings.Join(pre, "\n"))
	for _, s := range f.Sections {
		if !s.Narrative {
			continue
		}
		from, to, ok := p.span(s.ID)
		if !ok {
			continue
		}
		var head string
		for _, h := range p.heads {
			if h.id == s.ID {
				head = h.text
			}
		}
		text := strings.TrimSpace(strings.Join(p.lines[from:to], "\n"))
		sec := report.Section{ID: s.ID, Heading: stripNumeral(head), Text: text}
		if s.ID == "六" && len(f.OtherItems) > 0 {
			sec.Text, sec.Items = splitItems(text, f.OtherItems)
		}
		p.r.Sections = append(p.r.Sections, sec)
	}
}

func stripNumeral(s string) string {
	if r, sz := utf8.DecodeRuneInString(s); strings.ContainsRune(numerals, r) && strings.HasPrefix(s[sz:], "、") {
		return s[sz+len("、"):]
	}
	return s
}

// itemKeys are words that identify the sub-items of section 六 when their labels are worded differently from the
// format's (Format2021.OtherItems).
var itemKeys = map[string][]string{
	"fees":        {"信息处理费"},
	"work_points": {"工作要点"},
	"proposals":   {"建议和政协提案", "建议提案", "人大代表建议"},
	"innovation":  {"创新"},
	"statistics":  {"数据统计", "统计需要说明"},
	"other":       {"认为需要报告的其他事项", "其他事项"},
}

var reItemMark = regexp.MustCompile(`（[一二三四五六]）`)

// splitItems splits section 六 into its numbered items （一）…（六）, each recognised by the format's label (or the
// words of itemKeys) right after its number; an item's text is what follows its label and colon. Text before the
// first item stays as the section's text.
func splitItems(text string, specs []report.ItemSpec) (string, []report.Item) {
	marks := reItemMark.FindAllStringIndex(text, 12)
	type hit struct {
		start, body int
		id          string
	}
	var hits []hit
	used := map[string]bool{}
	for _, m := range marks {
		rest := text[m[1]:]
		window := firstRunes(rest, 40)
		wkey := key(window)
		for _, sp := range specs {
			if used[sp.ID] {
				continue
			}
			lk := key(sp.Label)
			found := strings.HasPrefix(wkey, lk[:runeBound(lk, 18)])
			for _, k := range itemKeys[sp.ID] {
				found = found || has(window, k)
			}
			if !found {
				continue
			}
			used[sp.ID] = true
			body := m[1]
			if i := strings.IndexAny(window, "：:"); i >= 0 && !has(window[:i], "。") {
				// The label ends at its colon.
				body += i + len("：")
				if window[i] == ':' {
					body = m[1] + i + 1
				}
			} else {
				// The official label without a colon: the text starts after its last words (…情况, …事项).
				end := lastRunes(sp.Label, 2)
				if j := indexOf(window, end); j >= 0 && key(window[:j+len(end)]) == lk {
					after := rest[j+len(end):]
					body += j + len(end) + len(after) - len(strings.TrimLeft(after, "。，. \n"))
				}
			}
			hits = append(hits, hit{start: m[0], body: body, id: sp.ID})
			break
		}
	}
	if len(hits) == 0 {
		return text, nil
	}
	var items []report.Item
	for i, h := range hits {
		end := len(text)
		if i+1 < len(hits) {
			end = hits[i+1].start
		}
		items = append(items, report.Item{ID: h.id, Text: strings.TrimSpace(text[h.body:end])})
	}
	return strings.TrimSpace(text[:hits[0].start]), items
}
