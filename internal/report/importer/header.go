package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/report"
)

// chunkMarker is the "3、" that document-preview sites put at the start of each text chunk.
var chunkMarker = regexp.MustCompile(`^\d{1,2}、`)

var (
	reIndex    = regexp.MustCompile(`[0-9A-Z]{8,18}(?:-[0-9A-Z])?/(?:19|20)\d{2}-\d{2,}`)
	reISODate  = regexp.MustCompile(`((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})`)
	reAnyDate  = regexp.MustCompile(`((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})`)
	reTitle    = regexp.MustCompile(`([^\s，。、；：|\t]{2,40}?)\s*((?:19|20)\d{2})\s*年度?\s*(?:政府信息公开|政务公开|信息公开)[^。，；]{0,14}?(?:年度报告|报告|年报)`)
	reTitleAlt = regexp.MustCompile(`([^\s，。、；：|\t]{2,40}?)\s*(?:政府信息公开|政务公开)工作\s*((?:19|20)\d{2})\s*年\s*(?:年度)?(?:报告|年报)`)
	// "2023年度临潭县卫生健康局政府信息公开工作年度报告": the year first.
	reTitleYearFirst = regexp.MustCompile(`^((?:19|20)\d{2})\s*年度?\s*([^\s，。、；：|\t\d]{2,40}?)\s*(?:政府信息公开|政务公开|信息公开)工作\s*(?:年度)?(?:的)?(?:报告|年报)`)
	// "临潭县卫生健康局政府信息公开工作年度报告（2023年度）": the year in brackets after.
	reTitleYearAfter = regexp.MustCompile(`([^\s，。、；：|\t]{2,40}?)\s*(?:政府信息公开|政务公开)工作\s*(?:年度)?报告\s*[（(]\s*((?:19|20)\d{2})\s*年?度?\s*[)）]`)
	rePeriod         = regexp.MustCompile(`(?:统计期限|统计时限|统计期|统计时间|期限)[^。]{0,8}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日`)
	reLeadYear       = regexp.MustCompile(`((?:19|20)\d{2})\s*年(?:度)?(?:，|以来|内|我|全年|共)`)
	reYear           = regexp.MustCompile(`(?:19|20)\d{2}\s*年`)
	reDateEnd        = regexp.MustCompile(`((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$`)
)

// headLines is how far into the text the page header (索引号, 发布日期) and the title are looked for.
const headLines = 40

// readHeader reads the title, year, agency, index number and publication date, and cuts the page furniture and
// everything after a terminal marker (share buttons, document-site footers).
func (p *parser) readHeader() {
	p.readPageHeader()
	p.findTitle()
	// Drop furniture, and everything from a terminal marker on (once past the head of the page).
	out := p.lines[:0]
	for i, l := range p.lines {
		if i > p.titleAt+3 && startsFurniture(l) && i > len(p.lines)/3 && hasPrefixAny(l, terminalPrefixes) {
			break
		}
		if isFurniture(l) || i < headLines && isPageHeaderLine(l) {
			if i <= p.titleAt {
				p.titleAt--
			}
			continue
		}
		out = append(out, l)
	}
	p.lines = out
	if p.r.Year == 0 {
		head := p.lines[:min(len(p.lines), 80)]
		if y := periodYear(head); y > 0 {
			p.r.Year = y
		} else if y := leadYear(head); y > 0 {
			p.r.Year = y
		}
	}
	p.readSignature()
	if p.r.Signed == "" {
		p.r.Signed = p.headSigned
	}
	if p.r.Year == 0 && p.r.Signed != "" {
		y, _ := strconv.Atoi(p.r.Signed[:4])
		p.r.Year = y - 1
	}
	if p.r.Year < report.MinYear || p.r.Year > report.MaxYear {
		p.r.Year = 0 // not a plausible report year: say so (I-YEAR) rather than keep it
	}
	if p.r.Agency == "" {
		p.r.Agency = agencyInText(p.lines[:min(len(p.lines), 20)])
	}
}

// readPageHeader reads the portal's 索引号 and publication date from the head of the page.
func (p *parser) readPageHeader() {
	for i, l := range p.lines {
		if i >= headLines {
			break
		}
		if len(l) > 240 {
			l = l[:runeBound(l, 240)] // header fields are short; a long line can only hold them at its start
		}
		if p.r.IndexNumber == "" {
			if j := indexOf(l, "索引号"); j >= 0 {
				v := indexValue(l[j+len("索引号"):])
				if v == "" && strings.TrimSpace(strings.Trim(l[j+len("索引号"):], "：: \t|")) == "" && i+1 < len(p.lines) {
					v = indexValue(p.lines[i+1])
				}
				p.r.IndexNumber = v
			} else if has(l, "/") {
				p.r.IndexNumber = reIndex.FindString(l)
			}
		}
		if p.r.Published == "" {
			if j := dateLabel(l, "发布日期", "发布时间", "公开日期", "发文日期"); j >= 0 {
				p.r.Published = findDate(l[j:])
			} else if strings.HasPrefix(l, "时间") || strings.HasPrefix(l, "日期") {
				p.r.Published = findDate(l)
			} else if len(l) <= 10 && isDigit(l[0]) && reISODate.FindString(l) == l {
				p.r.Published = findDate(l)
			}
		}
		if p.headSigned == "" {
			if j := dateLabel(l, "成文日期"); j >= 0 {
				p.headSigned = findDate(l[j:])
			}
		}
	}
}

// isPageHeaderLine reports whether a line is a label of the portal's header block (索引号, 发布机构, 发布日期 …),
// which is not part of the report.
func isPageHeaderLine(l string) bool {
	if len(l) > 240 {
		return false
	}
	l = strings.TrimPrefix(l, "【")
	for _, w := range pageHeaderLabels {
		if strings.HasPrefix(l, w) {
			return true
		}
	}
	return false
}

// pageHeaderLabels start the lines of a portal's header block.
var pageHeaderLabels = []string{"索引号", "发布机构", "发文机关", "发布日期", "发布时间", "成文日期", "公开日期", "信息来源", "主题分类", "公开方式", "公开范围", "文号：", "时效性", "信息分类"}

// dateLabel returns the offset just after the first of the labels that l contains, or -1.
func dateLabel(l string, labels ...string) int {
	for _, w := range labels {
		if j := indexOf(l, w); j >= 0 {
			return j + len(w)
		}
	}
	return -1
}

// findDate returns the first date in s ("2025-01-15", "2025/1/15", "2025年1月15日") as YYYY-MM-DD, or "".
func findDate(s string) string {
	s = firstRunes(s, 40)
	for off := 0; off < len(s); {
		m := reAnyDate.FindStringSubmatchIndex(s[off:])
		if m == nil {
			return ""
		}
		at := off + m[0]
		if at == 0 || !isDigit(s[at-1]) {
			sub := func(k int) string { return s[off+m[2*k] : off+m[2*k+1]] }
			return isoDate(sub(1), sub(2), sub(3))
		}
		off = at + 1
	}
	return ""
}

// indexValue reads an index number (索引号) after its label: ASCII letters, digits and "/-_.".
func indexValue(s string) string {
	s = strings.TrimLeft(s, "：: \t|")
	end := 0
	digits := false
	for end < len(s) {
		c := s[end]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '/' || c == '-' || c == '_' || c == '.' {
			end++
			continue
		}
		if isDigit(c) {
			digits = true
			end++
			continue
		}
		break
	}
	if end < 4 || !digits {
		return ""
	}
	return s[:end]
}

// findTitle looks for the report's title in the head of the text: a line (or two joined) naming the agency, the
// year and the report. Pages repeat the title above the text: the last copy ends the page header.
func (p *parser) findTitle() {
	for i := 0; i < len(p.lines) && i < headLines; i++ {
		l := p.lines[i]
		if p.r.Title != "" {
			if l == p.r.Title || len(l) > len(p.r.Title) && len(l) < len(p.r.Title)+12 && strings.Join(strings.Fields(l), "") == p.r.Title {
				p.titleAt = i
			}
			continue
		}
		cand := l
		agency, year, title, ok := matchTitle(cand)
		if !ok && i+1 < len(p.lines) && len(l) < 120 && utf8.RuneCountInString(l) < 40 && has(l, "年") && reYear.MatchString(arabicDates(l)) {
			cand = l + p.lines[i+1]
			agency, year, title, ok = matchTitle(cand)
		}
		if i > 0 && titleFragment(p.lines[i-1]) && (ok && partialAgency(agency) || !ok && len(l) < 120 && has(l, "报告")) {
			// A title split over two lines: "威海市环翠区人民" / "政府2023年政府信息公开工作年度报告", or the agency
			// alone on the line above "2023年政府信息公开工作年度报告".
			if a, y, t, ok2 := matchTitle(p.lines[i-1] + l); ok2 && a != "" && !partialAgency(a) {
				agency, year, title, ok = a, y, t, true
			}
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
}

// titleFragment reports whether a line may be the first part of a title split over two lines: a few Chinese
// characters and no punctuation.
func titleFragment(l string) bool {
	n := utf8.RuneCountInString(l)
	if n < 2 || n > 30 || strings.ContainsAny(l, "，。；：、|\t ") || has(l, "报告") {
		return false
	}
	for _, r := range l {
		if !unicode.Is(unicode.Han, r) && !strings.ContainsRune("（）()", r) {
			return false
		}
	}
	return true
}

// partialAgency reports whether an agency read from a title is only the end of a name split over two lines
// ("政府", "信访局", "人民政府"): it names no place.
func partialAgency(a string) bool {
	if a == "" {
		return true
	}
	return !strings.ContainsAny(a, "省市县区旗州盟镇乡街道村") && utf8.RuneCountInString(a) <= 5
}

// periodYear reads the year of the statistical period ("统计期限自2022年1月1日起"), looking only near the words
// that introduce it.
func periodYear(lines []string) int {
	for _, s := range lines {
		if !has(s, "期") && !has(s, "统计") {
			continue
		}
		for _, w := range []string{"统计", "期限"} {
			for off := 0; off < len(s); {
				i := indexOf(s[off:], w)
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
	}
	return 0
}

// leadYear reads a year that opens the account of the work ("2020年，朝阳县…", "2016 年内") in the first 600
// characters.
func leadYear(lines []string) int {
	budget := 1800
	for _, l := range lines {
		if budget <= 0 {
			break
		}
		if len(l) > budget {
			l = l[:runeBound(l, budget)]
		}
		budget -= len(l)
		if !has(l, "年") {
			continue
		}
		if m := reLeadYear.FindStringSubmatch(l); m != nil {
			y, _ := strconv.Atoi(m[1])
			return y
		}
	}
	return 0
}

// agencyInText finds an agency name ("朝阳县卫生健康局") in the first sentences, outside quoted document titles: a
// run of Chinese characters holding a place (省, 市, 县 …) and ending in an agency word (局, 委员会, 政府 …).
func agencyInText(lines []string) string {
	head := firstRunes(strings.Join(lines, "\n"), 300)
	type hit struct{ at, end int }
	var best *hit
	for _, suf := range agencySuffixes {
		for off := 0; off < len(head); {
			i := indexOf(head[off:], suf)
			if i < 0 {
				break
			}
			end := off + i + len(suf)
			off = end
			if best != nil && end >= best.end {
				break
			}
			// The Chinese characters before the suffix, at most 24, and the first place word among them that has a
			// character before it and one after it.
			start := off - len(suf)
			for k := 0; start > 0 && k < 24; k++ {
				r, sz := utf8.DecodeLastRuneInString(head[:start])
				if !unicode.Is(unicode.Han, r) {
					break
				}
				start -= sz
			}
			place, body := -1, head[start:end-len(suf)]
			for j, r := range body {
				if j > 0 && j+utf8.RuneLen(r) < len(body) && strings.ContainsRune("省市县区旗州盟", r) {
					place = start + j
					break
				}
			}
			if place < 0 {
				continue
			}
			// At most ten characters before the place, as in "甘南藏族自治州".
			for utf8.RuneCountInString(head[start:place]) > 10 {
				_, sz := utf8.DecodeRuneInString(head[start:])
				start += sz
			}
			if before := head[:start]; strings.Count(before, "《") > strings.Count(before, "》") {
				continue
			}
			best = &hit{start, end}
			break
		}
	}
	if best == nil {
		return ""
	}
	return trimAgency(head[best.at:best.end])
}

// agencySuffixes end the agency names agencyInText looks for.
var agencySuffixes = []string{"局", "委员会", "委", "办公室", "政府", "中心", "院", "厅"}

// matchTitle reads a report title ("平阴县卫生健康局2024年政府信息公开工作年度报告") at the start of s, or anywhere
// in a short line; a title quoted in running text (《…关于做好2020年度政府信息公开工作报告…》) is not one.
func matchTitle(s string) (agency string, year int, title string, ok bool) {
	full := s
	if len(s) > 180 {
		s = firstRunes(s, 60) // in a long line the title can only be at its start
	}
	// Cheap tests first: the regexps backtrack, and most lines are not titles.
	if !has(s, "报告") && !has(s, "年报") || !has(s, "公开") {
		return "", 0, "", false
	}
	if !hasDigit(s) && !strings.ContainsAny(s, "〇零○") {
		return "", 0, "", false // every title names its year, in digits or in Chinese numerals with a zero
	}
	s = arabicDates(s)
	if !titleWords(s) {
		return "", 0, "", false
	}
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
	if g := s[m[2]:m[3]]; has(g, "关于") || has(g, "《") {
		return "", 0, "", false
	}
	year, _ = strconv.Atoi(s[m[4]:m[5]])
	agency = trimAgency(s[m[2]:m[3]])
	title = strings.Join(strings.Fields(s[m[2]:m[1]]), "")
	return agency, year, title, agency != "" || year > 0
}

// agencyLeads are words that a sentence puts before an agency's name ("请联系桃江县审计局", "2023年威海市环翠区信访局"
// with the year's digits cut off), longest first.
var agencyLeads = []string{"如有疑问请联系", "请联系", "联系", "请向", "请与", "现将", "根据", "按照", "依据", "本年度", "年度", "年", "月", "日", "度", "由", "向", "经", "与"}

// titleWords reports whether s (its years in digits) holds what one of the title regexps needs: a year at its
// start (reTitleYearFirst); "公开工作" followed by a year (reTitleAlt) or by (年度)报告 and a bracket
// (reTitleYearAfter); or 年 (度) right before 政府信息公开, 政务公开 or 信息公开 (reTitle), spaces aside. Most
// sentences that mention disclosure have none of these, and are passed without running the regexps, which
// backtrack.
func titleWords(s string) bool {
	if t := strings.TrimLeft(s, " \t"); len(t) > 0 && isDigit(t[0]) {
		return true
	}
	for off := 0; ; {
		i := indexOf(s[off:], "公开工作")
		if i < 0 {
			break
		}
		off += i + len("公开工作")
		rest := strings.TrimLeft(s[off:], " \t\r\n\f")
		if rest != "" && isDigit(rest[0]) {
			return true
		}
		rest = strings.TrimPrefix(rest, "年度")
		if strings.HasPrefix(rest, "报告") {
			rest = strings.TrimLeft(rest[len("报告"):], " \t\r\n\f")
			if strings.HasPrefix(rest, "（") || strings.HasPrefix(rest, "(") {
				return true
			}
		}
	}
	for off := 0; ; {
		i := indexOf(s[off:], "公开")
		if i < 0 {
			return false
		}
		prefix := s[:off+i]
		off += i + len("公开")
		for _, w := range []string{"政府信息", "政务", "信息"} {
			if !strings.HasSuffix(prefix, w) {
				continue
			}
			q := strings.TrimRight(prefix[:len(prefix)-len(w)], " \t\r\n\f")
			q = strings.TrimRight(strings.TrimSuffix(q, "度"), " \t\r\n\f")
			if strings.HasSuffix(q, "年") {
				return true
			}
		}
	}
}

// trimAgency removes what precedes an agency name in a title or a sentence ("关于", chunk numbers, column names,
// agencyLeads).
func trimAgency(s string) string {
	s = chunkMarker.ReplaceAllString(strings.TrimSpace(s), "")
	for _, p := range []string{"政府信息公开", "关于", "《"} {
		if i := strings.LastIndex(s, p); i >= 0 && i+len(p) < len(s) {
			s = s[i+len(p):]
		}
	}
	for again := true; again; {
		again = false
		for _, w := range agencyLeads {
			if strings.HasPrefix(s, w) && utf8.RuneCountInString(s)-utf8.RuneCountInString(w) >= 3 {
				s, again = s[len(w):], true
				break
			}
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
	if len(s) <= n {
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

// sigWindow is how many lines from the end the signature (落款) is looked for; what follows it is page footer.
const sigWindow = 8

// readSignature finds the closing "agency + date" block (落款) near the end, reads the date and, when the title did
// not name one, the agency, and removes the block, "特此报告" and the short footer lines after it from the text.
func (p *parser) readSignature() {
	n := len(p.lines)
	for i := n - 1; i >= 0 && i >= n-sigWindow; i-- {
		l := p.lines[i]
		if !strings.HasSuffix(strings.TrimSpace(l), "日") {
			// Only short lines may follow a signature: page footers, or the agency written under the date.
			if utf8.RuneCountInString(l) > 40 || strings.HasSuffix(l, "。") || strings.ContainsAny(l, "\t|") {
				return
			}
			continue
		}
		date, agency, rest, ok := signatureIn(l)
		if !ok {
			return
		}
		p.r.Signed = date
		if agency == "" {
			// The agency on the line above the date, or under it.
			if i > 0 && rest == "" && looksLikeOrg(p.lines[i-1]) {
				agency = p.lines[i-1]
				i--
			} else {
				for _, t := range p.lines[i+1:] {
					if looksLikeOrg(t) {
						agency = t
						break
					}
				}
			}
		}
		if p.r.Agency == "" && agency != "" {
			p.r.Agency = agency
		}
		p.lines = p.lines[:i]
		if rest != "" {
			p.lines = append(p.lines, rest)
		}
		if k := len(p.lines); k > 0 && strings.TrimRight(p.lines[k-1], "。.！") == "特此报告" {
			p.lines = p.lines[:k-1]
		}
		return
	}
}

// signatureIn reads a signature at the end of a line: an optional "特此报告", an optional agency name and the date.
// The name must stand apart from the text before it (start of line, a space or the end of a sentence), so that a
// sentence ending in a date ("统计时限自2024年1月1日至2024年12月31日") is not taken for a signature. rest is the
// text before the signature.
func signatureIn(l string) (date, agency, rest string, ok bool) {
	l = strings.TrimSpace(l)
	if t := lastRunes(l, 30); strings.ContainsAny(t, "〇零○一二三四五六七八九十") {
		l = l[:len(l)-len(t)] + arabicDates(t) // a date in Chinese numerals: 二〇二三年一月十三日
	}
	tail := lastRunes(l, 24)
	m := reDateEnd.FindStringSubmatchIndex(tail)
	if m == nil {
		return "", "", "", false
	}
	off := len(l) - len(tail)
	date = isoDate(tail[m[2]:m[3]], tail[m[4]:m[5]], tail[m[6]:m[7]])
	if date == "" {
		return "", "", "", false
	}
	before := strings.TrimRight(l[:off+m[0]], " \t")
	// The name: the run of Han characters (and brackets) just before the date.
	i := len(before)
	for k := 0; i > 0 && k < 40; k++ {
		r, sz := utf8.DecodeLastRuneInString(before[:i])
		if !unicode.Is(unicode.Han, r) && !strings.ContainsRune("（）·", r) {
			break
		}
		i -= sz
	}
	name, head := before[i:], before[:i]
	if strings.HasPrefix(name, "特此报告") {
		name = strings.TrimPrefix(name, "特此报告")
	} else if r, _ := utf8.DecodeLastRuneInString(head); head != "" && !unicode.IsSpace(r) && !strings.ContainsRune("。；！：，”）)", r) {
		return "", "", "", false // the name (or the date) runs on from the text before it
	}
	if name != "" && !looksLikeOrg(name) {
		return "", "", "", false
	}
	head = strings.TrimSpace(head)
	if j := strings.LastIndex(head, "特此报告"); j >= 0 && strings.Trim(head[j+len("特此报告"):], "。.！ ") == "" {
		head = strings.TrimSpace(head[:j])
	}
	return date, name, head, true
}

// orgSuffixes end the names of agencies.
var orgSuffixes = []string{"局", "委", "政府", "办公室", "中心", "院", "厅", "办", "所", "站", "会", "处", "部", "署", "馆", "队"}

func looksLikeOrg(l string) bool {
	n := utf8.RuneCountInString(l)
	if n < 3 || n > 30 || strings.ContainsAny(l, "，。；：、 \t|") {
		return false
	}
	for _, s := range orgSuffixes {
		if strings.HasSuffix(l, s) {
			return true
		}
	}
	return false
}
