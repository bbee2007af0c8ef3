package importer

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/report"
)

// maxLines bounds the work on hostile input; a real report has a few hundred lines.
const maxLines = 200_000

// parser holds one file's text while it is being read.
type parser struct {
	lines    []string // normalised, trimmed, furniture removed; headings start their own line
	heads    []heading
	era      report.Era
	r        *report.Report
	findings []report.Finding
	titleAt  int // line of the (last) title, or -1
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
	p.decideEra()
	p.r.Era = p.era
	p.assignSections()
	p.readNarrative()
	p.readTables()
	p.readFigures()
	if p.r.Year == 0 && len(p.heads) == 0 && len(p.r.Tables) == 0 {
		return errors.New("未发现报告标题、年度或任何章节")
	}
	if p.r.Year == 0 {
		p.finding("I-YEAR", report.Error, "", "", "未能确定报告年度：标题、统计期限和落款中都没有找到年份，请在报告中写明年度")
	}
	if p.r.Agency == "" {
		p.finding("I-AGENCY", report.Warning, "", "", "未能确定报告单位：标题和落款中没有找到机关名称")
	}
	return nil
}

// splitLines normalises the text into trimmed, non-empty lines and drops page furniture.
func splitLines(text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	raw := strings.Split(text, "\n")
	if len(raw) > maxLines {
		raw = raw[:maxLines]
	}
	preview := strings.Contains(text, "文档编号") || strings.Contains(text, "共5页") || strings.Contains(text, "页 / 共")
	out := make([]string, 0, len(raw))
	for _, l := range raw {
		l = normLine(l)
		t := strings.TrimSpace(l)
		if strings.Contains(t, "\t") {
			// A table row (two or more filled cells): its leading and trailing empty cells keep their places.
			l = strings.Trim(l, " \r\u3000")
		} else {
			l = t
		}
		l = strings.Trim(l, "|")
		if !strings.Contains(l, "\t") {
			l = strings.TrimSpace(l)
		}
		if l == "" || isSeparatorLine(l) {
			continue
		}
		if preview {
			l = chunkMarker.ReplaceAllString(l, "")
		}
		out = append(out, l)
	}
	return out
}

// chunkMarker is the "3、" that document-preview sites put at the start of each text chunk.
var chunkMarker = regexp.MustCompile(`^\d{1,2}、`)

func isSeparatorLine(l string) bool {
	for _, r := range l {
		if r != '|' && r != '-' && r != ':' && r != ' ' && r != '\t' && r != '+' && r != '=' {
			return false
		}
	}
	return true
}

// furniture are lines of web pages and document sites that are not part of a report.
var furniturePrefixes = []string{
	"无障碍", "关怀版", "返回首页", "字号", "打印", "分享", "【关闭窗口】", "关闭窗口", "【打印】", "扫码使用手机浏览",
	"单位概况", "信息发布总数", "点击量", "点击数", "浏览次数", "访问量", "收藏", "下载 ", "举报", "相关资源",
	"相关搜索", "展开阅读全文", "上一篇", "下一篇", "当前位置", "您现在的位置", "本站链接", "客服", "经营许可证",
	"版权所有", "文档编号", "上传人", "资源描述", "亲,该文档", "亲，该文档", "第1页", "主办单位", "网站标识码",
	"ICP", "京ICP", "粤ICP", "网站地图", "联系我们", "【字体", "【大", "分享到",
}

// terminal are furniture lines after which nothing belongs to the report.
var terminalPrefixes = []string{"扫码使用手机浏览", "【关闭窗口】", "关闭窗口", "展开阅读全文", "相关资源", "相关搜索", "上一篇", "下一篇", "分享到", "版权所有", "本站链接", "网站标识码"}

// furnitureFirst holds the first runes of furniturePrefixes, to reject most lines with one lookup.
var furnitureFirst = func() map[rune]bool {
	m := map[rune]bool{'第': true}
	for _, p := range furniturePrefixes {
		r, _ := utf8.DecodeRuneInString(p)
		m[r] = true
	}
	return m
}()

func isFurniture(l string) bool {
	r, _ := utf8.DecodeRuneInString(l)
	if !furnitureFirst[r] && !strings.Contains(l, ".doc_第") && !strings.Contains(l, "点击数") {
		return false
	}
	if utf8.RuneCountInString(l) > 60 {
		return false
	}
	for _, p := range furniturePrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	if strings.HasPrefix(l, "第") && strings.Contains(l, "页") && utf8.RuneCountInString(l) < 16 {
		return true
	}
	if strings.Contains(l, ".doc_第") || strings.Contains(l, "点击数") && strings.Contains(l, "作者") {
		return true
	}
	return false
}

func hasPrefixAny(l string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

var (
	reIndex    = regexp.MustCompile(`[0-9A-Z]{8,18}(?:-[0-9A-Z])?/(?:19|20)\d{2}-\d{2,}`)
	reISODate  = regexp.MustCompile(`((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})`)
	reCNDate   = regexp.MustCompile(`((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
	reTitle    = regexp.MustCompile(`([^\s，。、；：|\t]{2,40}?)\s*((?:19|20)\d{2})\s*年度?\s*(?:政府信息公开|政务公开|信息公开)[^。，；]{0,14}?(?:年度报告|报告|年报)`)
	reTitleAlt = regexp.MustCompile(`([^\s，。、；：|\t]{2,40}?)\s*(?:政府信息公开|政务公开)工作\s*((?:19|20)\d{2})\s*年\s*(?:年度)?(?:报告|年报)`)
	// "2023年度临潭县卫生健康局政府信息公开工作年度报告": the year first.
	reTitleYearFirst = regexp.MustCompile(`^((?:19|20)\d{2})\s*年度?\s*([^\s，。、；：|\t\d]{2,40}?)\s*(?:政府信息公开|政务公开|信息公开)工作\s*(?:年度)?(?:的)?(?:报告|年报)`)
	// "临潭县卫生健康局政府信息公开工作年度报告（2023年度）": the year in brackets after.
	reTitleYearAfter = regexp.MustCompile(`([^\s，。、；：|\t]{2,40}?)\s*(?:政府信息公开|政务公开)工作\s*(?:年度)?报告\s*[（(]\s*((?:19|20)\d{2})\s*年?度?\s*[)）]`)
	rePeriod         = regexp.MustCompile(`(?:统计期限|统计时限|统计期|统计时间|期限)[^。]{0,8}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日`)
	reLeadYear       = regexp.MustCompile(`((?:19|20)\d{2})\s*年(?:度)?(?:[,，]|以来|内|我|全年|共|，)`)
	reAgencyAny      = regexp.MustCompile(`\p{Han}{1,10}?(?:省|市|县|区|旗|州|盟)\p{Han}{1,14}?(?:局|委员会|委|办公室|政府|中心|院|厅)`)
	reYear           = regexp.MustCompile(`(?:19|20)\d{2}\s*年`)
	reSignature      = regexp.MustCompile(`(?:特此报告[。.]?)?\s*(\p{Han}{2,30}?)?\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$`)
)

// readHeader reads the title, year, agency, index number and publication date, and cuts the page furniture and
// everything after a terminal marker (share buttons, document-site footers).
func (p *parser) readHeader() {
	// Publication date and index number from the head of the page.
	for i, l := range p.lines {
		if i > 25 {
			break
		}
		if p.r.IndexNumber == "" && strings.Contains(l, "/") {
			if m := reIndex.FindString(l); m != "" {
				p.r.IndexNumber = m
			}
		}
		if p.r.Published == "" && strings.Contains(l, "-") && (strings.HasPrefix(l, "时间") || strings.HasPrefix(l, "发布日期") || strings.HasPrefix(l, "发布时间") || strings.HasPrefix(l, "日期") || reISODate.FindString(l) == l) {
			if m := reISODate.FindStringSubmatch(l); m != nil {
				p.r.Published = isoDate(m[1], m[2], m[3])
			}
		}
	}
	// Title: a line (or two joined) naming the agency, the year and the report.
	for i := 0; i < len(p.lines) && i < 40; i++ {
		l := p.lines[i]
		if p.r.Title != "" {
			// Pages repeat the title above the text: the last copy ends the page header.
			if strings.Join(strings.Fields(l), "") == p.r.Title {
				p.titleAt = i
			}
			continue
		}
		cand := l
		agency, year, title, ok := matchTitle(cand)
		if !ok && i+1 < len(p.lines) && len(l) < 120 && utf8.RuneCountInString(l) < 40 && reYear.MatchString(arabicDates(l)) {
			cand = l + p.lines[i+1]
			agency, year, title, ok = matchTitle(cand)
		}
		if !ok {
			continue
		}
		if p.r.Year == 0 {
			p.r.Year, p.r.Agency, p.r.Title = year, agency, title
		}
		if year == p.r.Year {
			p.titleAt = i
			if cand != l {
				p.titleAt = i + 1
			}
		}
	}
	// Drop furniture, and everything from a terminal marker on (once past the head of the page).
	out := p.lines[:0]
	for i, l := range p.lines {
		r, _ := utf8.DecodeRuneInString(l)
		if furnitureFirst[r] && i > p.titleAt+3 && i > len(p.lines)/3 && hasPrefixAny(l, terminalPrefixes) {
			break
		}
		if isFurniture(l) {
			if i <= p.titleAt {
				p.titleAt--
			}
			continue
		}
		out = append(out, l)
	}
	p.lines = out
	if p.r.Year == 0 {
		head := strings.Join(p.lines[:min(len(p.lines), 80)], "\n")
		if y := periodYear(head); y > 0 {
			p.r.Year = y
		} else if m := reLeadYear.FindStringSubmatch(firstRunes(head, 600)); m != nil {
			p.r.Year, _ = strconv.Atoi(m[1])
		}
	}
	p.readSignature()
	if p.r.Year == 0 && p.r.Signed != "" {
		y, _ := strconv.Atoi(p.r.Signed[:4])
		p.r.Year = y - 1
	}
	if p.r.Year < report.MinYear || p.r.Year > report.MaxYear {
		p.r.Year = 0 // not a plausible report year: say so (I-YEAR) rather than keep it
	}
	if p.r.Agency == "" {
		head := firstRunes(strings.Join(p.lines[:min(len(p.lines), 20)], "\n"), 300)
		if m := reAgencyAny.FindString(head); m != "" {
			p.r.Agency = trimAgency(m)
		}
	}
}

// matchTitle reads a report title ("平阴县卫生健康局2024年政府信息公开工作年度报告") at the start of s, or anywhere
// in a short line; a title quoted in running text (《…关于做好2020年度政府信息公开工作报告…》) is not one.
// periodYear reads the year of the statistical period ("统计期限自2022年1月1日起"), looking only near the words
// that introduce it.
func periodYear(s string) int {
	for _, w := range []string{"统计", "期限"} {
		for off := 0; off < len(s); {
			i := strings.Index(s[off:], w)
			if i < 0 {
				break
			}
			at := off + i
			lo := runeBound(s, at-12)
			if m := rePeriod.FindStringSubmatch(s[lo:runeBound(s, at+60)]); m != nil {
				y, _ := strconv.Atoi(m[1])
				return y
			}
			off = at + len(w)
		}
	}
	return 0
}

func matchTitle(s string) (agency string, year int, title string, ok bool) {
	full := s
	if len(s) > 180 {
		s = firstRunes(s, 60) // in a long line the title can only be at its start
	}
	// Cheap tests first: the regexps backtrack, and most lines are not titles.
	if !strings.Contains(s, "报告") && !strings.Contains(s, "年报") || !strings.Contains(s, "公开") {
		return "", 0, "", false
	}
	s = arabicDates(s)
	if m := reTitleYearFirst.FindStringSubmatchIndex(s); m != nil {
		year, _ = strconv.Atoi(s[m[2]:m[3]])
		agency = trimAgency(s[m[4]:m[5]])
		return agency, year, strings.Join(strings.Fields(s[m[0]:m[1]]), ""), agency != ""
	}
	m := reTitle.FindStringSubmatchIndex(s)
	if m == nil {
		m = reTitleAlt.FindStringSubmatchIndex(s)
	}
	if m == nil {
		if m = reTitleYearAfter.FindStringSubmatchIndex(s); m != nil && m[0] == 0 {
			year, _ = strconv.Atoi(s[m[4]:m[5]])
			agency = trimAgency(s[m[2]:m[3]])
			return agency, year, strings.Join(strings.Fields(s[m[0]:m[1]]), ""), agency != ""
		}
		return "", 0, "", false
	}
	before := s[:m[0]]
	if m[0] > 0 && len(s) != len(full) || strings.Count(before, "《") > strings.Count(before, "》") {
		return "", 0, "", false
	}
	if g := s[m[2]:m[3]]; strings.Contains(g, "关于") || strings.Contains(g, "《") {
		return "", 0, "", false
	}
	year, _ = strconv.Atoi(s[m[4]:m[5]])
	agency = trimAgency(s[m[2]:m[3]])
	title = strings.Join(strings.Fields(s[m[2]:m[1]]), "")
	return agency, year, title, agency != "" || year > 0
}

// trimAgency removes what precedes an agency name in a title ("关于", chunk numbers, column names).
func trimAgency(s string) string {
	s = chunkMarker.ReplaceAllString(strings.TrimSpace(s), "")
	for _, p := range []string{"政府信息公开", "关于", "《"} {
		if i := strings.LastIndex(s, p); i >= 0 && i+len(p) < len(s) {
			s = s[i+len(p):]
		}
	}
	s = strings.TrimRight(s, "《》“”\"'（）")
	if utf8.RuneCountInString(s) < 2 {
		return ""
	}
	return s
}

// lastRunes returns the last n runes of s (all of s when shorter).
func lastRunes(s string, n int) string {
	i := len(s)
	for k := 0; k < n && i > 0; k++ {
		_, sz := utf8.DecodeLastRuneInString(s[:i])
		i -= sz
	}
	return s[i:]
}

func firstRunes(s string, n int) string {
	if len(s) <= n*3 {
		return s
	}
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, sz := utf8.DecodeRuneInString(s[i:])
		i += sz
	}
	return s[:i]
}

func isoDate(y, m, d string) string {
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	if mi < 1 || mi > 12 || di < 1 || di > 31 {
		return ""
	}
	return fmt.Sprintf("%s-%02d-%02d", y, mi, di)
}

// readSignature finds the closing "agency + date" block and removes it from the text.
func (p *parser) readSignature() {
	n := len(p.lines)
	for k := 0; k < 3 && n > 0; k++ {
		l := arabicDates(p.lines[n-1])
		tail := lastRunes(l, 60)
		if m := reSignature.FindStringSubmatchIndex(tail); m != nil {
			off := len(l) - len(tail)
			for k := range m {
				if m[k] >= 0 {
					m[k] += off
				}
			}
			p.r.Signed = isoDate(l[m[4]:m[5]], l[m[6]:m[7]], l[m[8]:m[9]])
			if m[2] >= 0 && p.r.Agency == "" {
				p.r.Agency = trimAgency(l[m[2]:m[3]])
			}
			rest := strings.TrimSpace(l[:m[0]])
			if i := strings.LastIndex(rest, "特此报告"); i >= 0 {
				rest = strings.TrimSpace(rest[:i])
			}
			if rest == "" {
				p.lines = p.lines[:n-1]
			} else {
				p.lines[n-1] = rest
			}
			// A bare agency line just above the date.
			if n := len(p.lines); n > 0 && rest == "" && looksLikeOrg(p.lines[n-1]) {
				if p.r.Agency == "" {
					p.r.Agency = p.lines[n-1]
				}
				p.lines = p.lines[:n-1]
			}
			if n := len(p.lines); n > 0 && strings.TrimRight(p.lines[n-1], "。.") == "特此报告" {
				p.lines = p.lines[:n-1]
			}
			return
		}
		if !looksLikeOrg(l) && l != "特此报告" {
			return
		}
		n--
	}
}

func looksLikeOrg(l string) bool {
	n := utf8.RuneCountInString(l)
	if n < 3 || n > 30 || strings.ContainsAny(l, "，。；：、") {
		return false
	}
	for _, s := range []string{"局", "委", "政府", "办公室", "中心", "院", "厅", "办", "所", "站", "会"} {
		if strings.HasSuffix(l, s) {
			return true
		}
	}
	return false
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

// headingAt reports whether s starts a heading ("二、主动公开政府信息情况…", or a bare heading line), and returns its
// kind and the byte length of its heading text (numeral included).
func headingAt(s string, bare bool) (kind string, end int, text string) {
	body := s
	start := 0
	if r, sz := utf8.DecodeRuneInString(s); strings.ContainsRune(numerals, r) && strings.HasPrefix(s[sz:], "、") {
		start = sz + len("、")
		body = s[start:]
	} else if !bare || !strings.Contains(s, "情况") && !strings.Contains(s, "事项") && !strings.Contains(s, "概述") {
		return "", 0, "" // every bare heading names 情况, 事项 or 概述; table cells (the most lines) do not
	}
	window := firstRunes(body, 30)
	for _, hk := range headingKinds {
		for _, k := range hk.keys {
			i := strings.Index(window, k)
			if i < 0 || (start == 0 && i > 0) {
				continue
			}
			e := i + len(k)
			// Extend to the end of "…情况" / "…事项" when it follows closely in the same phrase.
			if !strings.HasSuffix(k, "情况") && !strings.HasSuffix(k, "事项") {
				rest := firstRunes(body[e:], 22)
				for _, suf := range []string{"情况", "事项", "措施"} {
					if j := strings.Index(rest, suf); j >= 0 && !strings.ContainsAny(rest[:j], "。，；,; \t") {
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

// splitInlineHeadings puts each section heading that appears inside a long line (text copied without line breaks)
// at the start of its own line.
func (p *parser) splitInlineHeadings() {
	out := make([]string, 0, len(p.lines)+8)
	for _, l := range p.lines {
		for {
			cut := -1
			for off := 0; off < len(l); {
				k := strings.Index(l[off:], "、")
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
		kind, end, text := headingAt(l, utf8.RuneCountInString(l) <= 30)
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

func (p *parser) decideEra() {
	var f30, f60, tables bool
	for _, l := range p.lines {
		if len(l) > 400 || !strings.Contains(l, "本年") && !strings.Contains(l, "现行") && !strings.Contains(l, "逾期") &&
			!strings.Contains(l, "对外") && !strings.Contains(l, "上一年") && !strings.Contains(l, "采购") && !strings.Contains(l, "第二十条") {
			continue // narrative, or no marker
		}
		k := key(l)
		switch {
		case strings.Contains(k, "本年制发件数") || strings.Contains(k, "现行有效件数") || strings.Contains(k, "本年废止件数") ||
			strings.Contains(k, "逾期不补正") || strings.Contains(k, "收费通知要求缴纳费用"):
			f30 = true
		case strings.Contains(k, "本年新制作") || strings.Contains(k, "对外公开总数量") || strings.Contains(k, "其他对外管理服务事项") ||
			strings.Contains(k, "上一年项目数量") || strings.Contains(k, "政府集中采购") || strings.Contains(k, "本年增减") || strings.Contains(k, "本年新公开"):
			f60 = true
		}
		if strings.Contains(k, "本年新收政府信息公开申请") || strings.Contains(k, "第二十条第") {
			tables = true
		}
	}
	byYear := report.EraForYear(p.r.Year)
	switch {
	case f30:
		p.era = report.Era2021
	case f60:
		p.era = report.Era2019
	case tables:
		p.era = byYear
		if p.era == report.EraPre2019 {
			p.era = report.Era2019
		}
	case p.r.Year == 0:
		p.era = report.Era2021
		for _, h := range p.heads {
			if h.kind == "fees" {
				p.era = report.EraPre2019
			}
		}
	default:
		p.era = byYear
	}
}

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

var itemKeys = map[string][]string{
	"fees":        {"信息处理费"},
	"work_points": {"工作要点"},
	"proposals":   {"建议和政协提案", "建议提案", "人大代表建议"},
	"innovation":  {"创新"},
	"statistics":  {"数据统计", "统计需要说明"},
	"other":       {"认为需要报告的其他事项", "其他事项"},
}

var reItemMark = regexp.MustCompile(`（[一二三四五六]）`)

// splitItems splits section 六 into its numbered items; text before the first item stays as the section's text.
func splitItems(text string, specs []report.ItemSpec) (string, []report.Item) {
	marks := reItemMark.FindAllStringIndex(text, -1)
	type hit struct {
		start, body int
		id          string
	}
	var hits []hit
	used := map[string]bool{}
	for _, m := range marks {
		window := firstRunes(text[m[1]:], 40)
		for _, sp := range specs {
			if used[sp.ID] {
				continue
			}
			found := false
			for _, k := range itemKeys[sp.ID] {
				if strings.Contains(window, k) {
					found = true
				}
			}
			if !found {
				continue
			}
			used[sp.ID] = true
			body := m[1]
			// The item's text follows its label and a colon, when there is one.
			if i := strings.IndexAny(text[m[1]:], "：:"); i >= 0 && i < len(window)+3 {
				body = m[1] + i + len("：")
				if text[m[1]+i] == ':' {
					body = m[1] + i + 1
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
