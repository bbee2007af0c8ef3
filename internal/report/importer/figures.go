package importer

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/report"
)

// figureRule reads one kind of figure stated in prose. The anchor is a literal that must occur near the figure; the
// pattern runs only on a window around each anchor, which keeps the scan linear and fast.
type figureRule struct {
	id     string
	anchor string
	re     *regexp.Regexp
	zero   bool // the pattern states "none": the figure is 0
	also   string
}

var figureRules = []figureRule{
	{id: "proactive_items", anchor: "条", re: regexp.MustCompile(`(?:主动公开(?:政府)?信息(?:数)?|主动(?:信息)?公开信息数|公开各类信息|共上传了?|共(?:发布|公开)(?:政府)?信息|发布(?:政府)?信息|主动公开各类(?:政府)?信息)\s*(\d+)\s*条`)},
	{id: "proactive_share", anchor: "比重", re: regexp.MustCompile(`主动公开政府信息占\S{0,6}?比重为\s*(\d+(?:\.\d+)?)\s*%`)},
	{id: "wechat_items", anchor: "微信", re: regexp.MustCompile(`微信\S{0,8}?(?:公开|发布|推送)(?:政府)?信息(?:数)?\s*(\d+)\s*条`)},
	{id: "weibo_items", anchor: "微博", re: regexp.MustCompile(`微博\S{0,8}?(?:公开|发布|推送)(?:政府)?信息(?:数)?\s*(\d+)\s*条`)},
	{id: "new_media_items", anchor: "推送", re: regexp.MustCompile(`(?:共计|合计|累计)推送(?:政府)?信息\s*(\d+)\s*条`)},
	{id: "opinion_responses", anchor: "回应", re: regexp.MustCompile(`回应(?:舆情|关切|社会关切)(?:数)?\s*(\d+)\s*(?:条|次|件)`)},
	{id: "applications", anchor: "申请", re: regexp.MustCompile(`(?:收到|受理)(?:依申请公开要求|(?:政府)?信息公开申请|依申请公开(?:政府信息)?申请)\s*(\d+)\s*(?:例|件|条|个|份)`)},
	{id: "applications_refused", anchor: "不予公开", re: regexp.MustCompile(`没有不予公开|无不予公开`), zero: true},
	{id: "fees_collected", anchor: "收费", re: regexp.MustCompile(`(?:无|没有)(?:针对政府信息公开(?:进行)?)?收费|未收取(?:任何)?(?:信息处理)?费`), zero: true},
	{id: "fees_collected", anchor: "处理费", re: regexp.MustCompile(`未收取(?:信息处理费|任何费用)|没有产生(?:信息公开)?处理费用|未产生(?:信息)?处理费`), zero: true},
	{id: "administrative_reviews", anchor: "复议", re: regexp.MustCompile(`(?:无|没有)\s*(?:因\s*政府信息公开)?\s*(?:申请)?\s*行政复议`), zero: true, also: "administrative_lawsuits"},
	{id: "proposals_npc", anchor: "建议", re: regexp.MustCompile(`人大代表建议\s*(\d+)\s*件`)},
	{id: "proposals_cppcc", anchor: "提案", re: regexp.MustCompile(`政协(?:委员)?提案\s*(\d+)\s*件`)},
}

// readFigures reads the figures stated in the preamble and the narrative sections.
func (p *parser) readFigures() {
	var b strings.Builder
	b.WriteString(p.r.Preamble)
	for _, s := range p.r.Sections {
		b.WriteString("\n")
		b.WriteString(s.Text)
		for _, it := range s.Items {
			b.WriteString("\n")
			b.WriteString(it.Text)
		}
	}
	text := b.String()
	have := map[string]bool{}
	for _, fr := range figureRules {
		if have[fr.id] {
			continue
		}
		for off := 0; off < len(text); {
			i := strings.Index(text[off:], fr.anchor)
			if i < 0 {
				break
			}
			at := off + i
			lo, hi := runeBound(text, at-90), runeBound(text, at+len(fr.anchor)+60)
			win := text[lo:hi]
			if m := fr.re.FindStringSubmatchIndex(win); m != nil {
				fg := report.Figure{ID: fr.id, Quote: quote(win, m[0], m[1])}
				if !fr.zero {
					v, err := strconv.ParseFloat(win[m[2]:m[3]], 64)
					if err != nil {
						off = at + len(fr.anchor)
						continue
					}
					fg.Value = v
					fg.Unit = unitAfter(win[m[3]:m[1]])
				}
				p.r.Figures = append(p.r.Figures, fg)
				have[fr.id] = true
				if fr.also != "" && !have[fr.also] {
					p.r.Figures = append(p.r.Figures, report.Figure{ID: fr.also, Quote: fg.Quote})
					have[fr.also] = true
				}
				break
			}
			off = at + len(fr.anchor)
		}
	}
}

func unitAfter(s string) string {
	s = strings.TrimSpace(s)
	if r, _ := utf8.DecodeRuneInString(s); r != utf8.RuneError {
		return string(r)
	}
	return ""
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

// quote returns the sentence fragment around a match, at most about 120 characters.
func quote(s string, from, to int) string {
	lo := from
	for k := 0; lo > 0 && k < 30; k++ {
		r, sz := utf8.DecodeLastRuneInString(s[:lo])
		if strings.ContainsRune("。；\n", r) {
			break
		}
		lo -= sz
	}
	hi := to
	for k := 0; hi < len(s) && k < 20; k++ {
		r, sz := utf8.DecodeRuneInString(s[hi:])
		if strings.ContainsRune("。；，\n", r) {
			break
		}
		hi += sz
	}
	return strings.TrimSpace(s[lo:hi])
}
