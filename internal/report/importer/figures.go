package importer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/report"
)

// countRule reads one kind of figure stated in prose as "<words> <number><unit>". The text is scanned once for
// numbers followed by a unit; a rule is tried only when the unit is one of its units and one of its keys occurs in
// the words just before the number, and its pattern must end exactly at the unit. This keeps the scan linear and
// the patterns small.
type countRule struct {
	id    string
	units []string
	keys  []string
	not   []string // words that, near the number, make it another figure
	re    *regexp.Regexp
}

// fill is what may stand between a figure's words and its number ("共计", "为", "达到").
const fill = `(?:共计|合计|累计|总计|共|为|达到|达|了)?\s*`

var countRules = []countRule{
	{id: "proactive_share", units: []string{"%"}, keys: []string{"比重", "比例", "比率"},
		re: regexp.MustCompile(`主动公开\S{0,14}?占\S{0,14}?(?:比重|比例|比率)` + fill + `(\d+(?:\.\d+)?)\s*%$`)},
	{id: "wechat_items", units: []string{"条"}, keys: []string{"微信"},
		re: regexp.MustCompile(`微信\S{0,10}?(?:公开|发布|推送)(?:政府)?信息(?:数|数量)?` + fill + `(\d+)\s*条$`)},
	{id: "weibo_items", units: []string{"条"}, keys: []string{"微博"},
		re: regexp.MustCompile(`微博\S{0,10}?(?:公开|发布|推送)(?:政府)?信息(?:数|数量)?` + fill + `(\d+)\s*条$`)},
	{id: "new_media_items", units: []string{"条"}, keys: []string{"推送"},
		re: regexp.MustCompile(`(?:共计|合计|累计|总计|共)推送(?:政府)?信息` + fill + `(\d+)\s*条$`)},
	{id: "proactive_items", units: []string{"条"}, keys: []string{"主动", "公开各类", "上传", "发布", "公开信息", "公开政府信息"},
		not: []string{"微信", "微博", "公众号", "推送", "头条", "抖音"},
		re:  regexp.MustCompile(`(?:主动公开(?:政府)?信息(?:数|数量|总数)?|主动(?:信息)?公开信息(?:数|数量)?|主动公开各类(?:政府)?信息|主动公开|公开各类(?:政府)?信息|上传了?|共(?:发布|公开)(?:各类)?(?:政府)?信息|发布(?:各类)?(?:政府)?信息)` + fill + `(\d+)\s*条$`)},
	{id: "opinion_responses", units: []string{"条", "次", "件"}, keys: []string{"回应"},
		re: regexp.MustCompile(`回应(?:舆情|关切|社会关切|热点)(?:数|数量)?` + fill + `(\d+)\s*(?:条|次|件)$`)},
	{id: "applications", units: []string{"例", "件", "条", "个", "份"}, keys: []string{"申请"},
		re: regexp.MustCompile(`(?:收到|受理|接收|接到)(?:依申请公开要求|(?:政府)?信息公开申请|依申请公开(?:政府信息)?申请|申请)` + fill + `(\d+)\s*(?:例|件|条|个|份)$`)},
	{id: "proposals_npc", units: []string{"件"}, keys: []string{"人大"},
		re: regexp.MustCompile(`人大(?:代表)?(?:建议|议案)` + fill + `(\d+)\s*件$`)},
	{id: "proposals_cppcc", units: []string{"件"}, keys: []string{"提案"},
		re: regexp.MustCompile(`政协(?:委员)?提案` + fill + `(\d+)\s*件$`)},
}

// zeroRule reads a statement that something did not happen ("没有不予公开的情况"): the figure is 0. The pattern
// runs only near its anchors.
type zeroRule struct {
	id      string
	anchors []string
	re      *regexp.Regexp
	// also names a second figure the statement covers when it names it too ("…行政复议、提起行政诉讼的情况").
	also, alsoWord string
}

var zeroRules = []zeroRule{
	{id: "applications", anchors: []string{"未收到", "没有收到", "未受理", "未接到", "无依申请"},
		re: regexp.MustCompile(`(?:未|没有)(?:收到|受理|接到)(?:任何)?(?:公民、法人或其他组织(?:提出)?的)?(?:政府)?(?:信息公开|依申请公开)(?:的)?(?:申请|要求)|无依申请公开(?:政府信息)?(?:的)?(?:申请|情况)`)},
	{id: "applications_refused", anchors: []string{"不予公开"}, re: regexp.MustCompile(`(?:没有|无|未出现|不存在)不予公开`)},
	{id: "fees_collected", anchors: []string{"收费", "处理费", "收取"},
		re: regexp.MustCompile(`(?:无|没有|未)(?:针对政府信息公开(?:进行)?)?收费|未收取(?:任何)?(?:信息处理)?费|没有(?:产生|收取)(?:信息公开)?(?:信息)?处理费|未产生(?:信息公开)?(?:信息)?处理费|无信息处理费`)},
	{id: "administrative_reviews", anchors: []string{"行政复议"}, also: "administrative_lawsuits", alsoWord: "诉讼",
		re: regexp.MustCompile(`(?:无|没有|未发生|未出现|未有|不存在)(?:因)?(?:政府)?(?:信息公开)?(?:工作)?(?:申请)?(?:而)?(?:引起|引发|提起)?(?:的)?(?:申请)?行政复议`)},
	{id: "administrative_lawsuits", anchors: []string{"行政诉讼"},
		re: regexp.MustCompile(`(?:无|没有|未发生|未出现|未有|不存在)(?:因)?(?:政府)?(?:信息公开)?(?:工作)?(?:申请)?(?:而)?(?:引起|引发)?(?:的)?(?:提起)?行政诉讼`)},
}

// figureUnits are the units countRules accept, longest first.
var figureUnits = []string{"条", "件", "例", "个", "份", "次", "%"}

// readFigures reads the figures stated in the preamble and the narrative sections: each at most once, the first
// statement winning.
func (p *parser) readFigures() {
	have := map[string]report.Figure{}
	scanFigures(p.r.Preamble, have)
	for _, s := range p.r.Sections {
		scanFigures(s.Text, have)
		for _, it := range s.Items {
			scanFigures(it.Text, have)
		}
	}
	for _, id := range figureOrder {
		if f, ok := have[id]; ok {
			p.r.Figures = append(p.r.Figures, f)
		}
	}
}

// scanFigures reads the figures stated in one piece of narrative into have, keeping figures already there (read
// from earlier text) and, within the piece, the first statement of each.
func scanFigures(text string, have map[string]report.Figure) {
	if text == "" {
		return
	}
	at := map[string]int{}
	keep := func(pos int, fg report.Figure) {
		if old, ok := at[fg.ID]; ok && old <= pos {
			return
		}
		if _, ok := have[fg.ID]; ok {
			if _, mine := at[fg.ID]; !mine {
				return // stated in an earlier piece
			}
		}
		have[fg.ID], at[fg.ID] = fg, pos
	}
	// Stated counts: numbers followed by a unit.
	for i := 0; i < len(text); i++ {
		if !isDigit(text[i]) || i > 0 && (isDigit(text[i-1]) || text[i-1] == '.') {
			continue
		}
		j := i
		for j < len(text) && (isDigit(text[j]) || text[j] == '.') {
			j++
		}
		k := j
		for k < len(text) && text[k] == ' ' {
			k++
		}
		unit := ""
		for _, u := range figureUnits {
			if strings.HasPrefix(text[k:], u) {
				unit = u
				break
			}
		}
		if unit == "" {
			i = j - 1
			continue
		}
		end := k + len(unit)
		lo := sentenceStart(text, i, 40)
		words := text[lo:i]
		for ri := range countRules {
			cr := &countRules[ri]
			if _, ok := at[cr.id]; ok || !hasString(cr.units, unit) || !containsAny(words, cr.keys) || containsAny(words, cr.not) {
				continue
			}
			if _, ok := have[cr.id]; ok {
				continue
			}
			w := text[lo:end]
			m := cr.re.FindStringSubmatchIndex(w)
			if m == nil || m[1] != len(w) {
				continue
			}
			v, err := strconv.ParseFloat(w[m[2]:m[3]], 64)
			if err != nil {
				continue
			}
			keep(lo+m[0], report.Figure{ID: cr.id, Value: v, Unit: unit, Quote: quote(text, lo+m[0], end)})
		}
		i = end - 1
	}
	// Statements that something did not happen.
	for _, zr := range zeroRules {
		if _, ok := have[zr.id]; ok {
			continue
		}
	anchors:
		for _, a := range zr.anchors {
			for off := 0; off < len(text); {
				i := indexOf(text[off:], a)
				if i < 0 {
					break
				}
				pos := off + i
				off = pos + len(a)
				lo, hi := sentenceStart(text, pos, 30), runeBound(text, pos+len(a)+6)
				w := text[lo:hi]
				m := zr.re.FindStringIndex(w)
				if m == nil {
					continue
				}
				q := quote(text, lo+m[0], lo+m[1])
				keep(lo+m[0], report.Figure{ID: zr.id, Quote: q})
				if zr.also != "" {
					if _, ok := have[zr.also]; !ok && has(firstRunes(text[lo+m[1]:], 14), zr.alsoWord) {
						keep(lo+m[0], report.Figure{ID: zr.also, Quote: q})
					}
				}
				break anchors
			}
		}
	}
}

// figureOrder is the order figures are listed in a report.
var figureOrder = []string{
	"proactive_items", "proactive_share", "website_items", "wechat_items", "weibo_items", "new_media_items",
	"opinion_responses", "applications", "applications_refused", "fees_collected", "administrative_reviews",
	"administrative_lawsuits", "proposals_npc", "proposals_cppcc",
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if has(s, w) {
			return true
		}
	}
	return false
}

// sentenceStart returns where the clause holding text[i] starts, looking back at most n runes: after a full stop,
// a semicolon or a line break.
func sentenceStart(s string, i, n int) int {
	for k := 0; i > 0 && k < n; k++ {
		r, sz := utf8.DecodeLastRuneInString(s[:i])
		if r == '。' || r == '；' || r == '\n' || r == '！' {
			break
		}
		i -= sz
	}
	return i
}

// runeBound moves i inside [0, len(s)] and back to the start of a rune.
func runeBound(s string, i int) int {
	if i <= 0 {
		return 0
	}
	if i >= len(s) {
		return len(s)
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// maxQuote is the longest quote kept with a figure, in runes.
const maxQuote = 120

// quote returns the sentence fragment around text[from:to]: back to the start of its clause and on to the next
// comma or full stop, at most maxQuote runes.
func quote(s string, from, to int) string {
	lo := from
	for k := 0; lo > 0 && k < 30; k++ {
		r, sz := utf8.DecodeLastRuneInString(s[:lo])
		if strings.ContainsRune("。；，！\n", r) {
			break
		}
		lo -= sz
	}
	hi := to
	for k := 0; hi < len(s) && k < 20; k++ {
		r, sz := utf8.DecodeRuneInString(s[hi:])
		if strings.ContainsRune("。；，！\n", r) {
			break
		}
		hi += sz
	}
	q := strings.Join(strings.Fields(s[lo:hi]), " ")
	if utf8.RuneCountInString(q) > maxQuote {
		q = firstRunes(q, maxQuote)
	}
	return q
}
