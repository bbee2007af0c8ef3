package gather

import (
	"bytes"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// link is one <a href> of a page, resolved against the page's address.
type link struct {
	URL  *url.URL
	Text string // the visible text, or the title attribute when that is longer (portals cut long titles with "…")
}

// page is a fetched HTML page as the crawler sees it: its links and its visible text.
type page struct {
	Title string
	Links []link
	Text  string
}

// parsePage decodes an HTML page (UTF-8, GBK, GB18030 … as its header or <meta> says) and collects its links and
// text. base is the page's own address; a <base href> in the page takes its place.
func parsePage(data []byte, contentType string, base *url.URL) (*page, error) {
	r, err := charset.NewReader(bytes.NewReader(data), contentType)
	if err != nil {
		return nil, err
	}
	doc, err := html.Parse(r)
	if err != nil {
		return nil, err
	}
	p := &page{}
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript:
				return
			case atom.Title:
				if p.Title == "" {
					p.Title = collapse(nodeText(n))
				}
				return
			case atom.Base:
				if u, err := base.Parse(attr(n, "href")); err == nil && attr(n, "href") != "" {
					base = u
				}
			case atom.A:
				if l, ok := makeLink(n, base); ok {
					p.Links = append(p.Links, l)
				}
			}
		}
		if n.Type == html.TextNode {
			text.WriteString(n.Data)
			text.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	p.Text = collapse(text.String())
	return p, nil
}

func makeLink(n *html.Node, base *url.URL) (link, bool) {
	href := strings.TrimSpace(attr(n, "href"))
	if href == "" || strings.HasPrefix(href, "#") {
		return link{}, false
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return link{}, false // javascript:, mailto: and broken addresses
	}
	u.Fragment = ""
	text := collapse(nodeText(n))
	if title := collapse(attr(n, "title")); len([]rune(title)) > len([]rune(text)) {
		text = title
	}
	return link{URL: u, Text: text}, true
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, name) {
			return a.Val
		}
	}
	return ""
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// collapse folds every run of white space (including the ideographic space and &nbsp;) into one ASCII space.
func collapse(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\u3000' || r == '\f' || r == '\v'
	}), " ")
}

// cnDigits maps the characters used to write a year in Chinese (二〇二五年, 二零二五年) to digits.
var cnDigits = strings.NewReplacer("〇", "0", "零", "0", "○", "0", "Ｏ", "0", "一", "1", "二", "2", "三", "3", "四", "4",
	"五", "5", "六", "6", "七", "7", "八", "8", "九", "9",
	"０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9")

// yearRe finds a year written before 年: "2025年", "2025 年度", and — once cnDigits has run — "二〇二五年".
var yearRe = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})\s*年`)

// normalise makes a link text comparable: no spaces, full-width digits and Chinese-written years as ASCII digits.
func normalise(s string) string {
	s = strings.ReplaceAll(collapse(s), " ", "")
	// Only four-character runs of Chinese digits are years; other numerals (一、二、) stay as they are.
	return cnYearRe.ReplaceAllStringFunc(s, cnDigits.Replace)
}

var cnYearRe = regexp.MustCompile(`[〇零○Ｏ一二三四五六七八九０-９]{4}年`)

// reportYear returns the year a link text names as its report's year — the first year written before 年 — and
// whether the text names a government information disclosure annual report at all. Notices about writing the
// reports (关于做好2025年政府信息公开工作年度报告编制发布工作的通知), their readings (解读, 图解) and lists of
// overdue ones are not reports, nor are the year's 工作要点, plans and arrangements.
func reportYear(text string) (int, bool) {
	t := normalise(text)
	if !strings.Contains(t, "政府信息公开") && !strings.Contains(t, "政务公开") {
		return 0, false
	}
	// Portals cut long titles ("平阴县卫生健康局2025年政府信息公开工作年…"): a cut text naming the disclosure work
	// after its year stands for the report when nothing in it says otherwise.
	cut := strings.HasSuffix(t, "…") || strings.HasSuffix(t, "...") || strings.HasSuffix(t, "..")
	if !strings.Contains(t, "年度报告") && !strings.Contains(t, "年报") && !strings.Contains(t, "年度工作报告") && !cut {
		return 0, false
	}
	for _, w := range []string{"通知", "解读", "图解", "编制发布", "编制工作", "检查", "评估", "考核", "要点", "计划", "方案", "安排"} {
		if strings.Contains(t, w) {
			return 0, false
		}
	}
	m := yearRe.FindStringSubmatch(t)
	if m == nil {
		return 0, false
	}
	y, _ := strconv.Atoi(m[1])
	return y, true
}

// isListing tells a link to a 年报 column listing: its text names 年报 or 年度报告 and no year.
func isListing(text string) bool {
	t := normalise(text)
	if !strings.Contains(t, "年报") && !strings.Contains(t, "年度报告") {
		return false
	}
	return !yearRe.MatchString(t) && len([]rune(t)) <= 30
}

// agencyFromText takes the agency's name from a report link text: what stands before the year
// ("平阴县卫生健康局2025年政府信息公开工作年度报告" → "平阴县卫生健康局"), or "" when the text starts with the year.
func agencyFromText(text string) string {
	t := normalise(text)
	loc := yearRe.FindStringSubmatchIndex(t)
	if loc == nil {
		return ""
	}
	name := strings.Trim(t[:loc[2]], "《》“”\"'：:·-—_|[]【】()（） ")
	if n := len([]rune(name)); n < 2 || n > 40 {
		return ""
	}
	return name
}

// attachmentExts are the file types an annual report is published as, besides an HTML page.
var attachmentExts = map[string]bool{".pdf": true, ".doc": true, ".docx": true, ".wps": true}

// attachmentExt returns the file type of a link to an attachment, from its address or, for download scripts
// (download.jsp?id=…), from its text ("…年度报告.pdf"), or "" when the link is not an attachment.
func attachmentExt(l link) string {
	if ext := strings.ToLower(path.Ext(l.URL.Path)); attachmentExts[ext] {
		return ext
	}
	for _, v := range l.URL.Query() {
		for _, s := range v {
			if ext := strings.ToLower(path.Ext(s)); attachmentExts[ext] {
				return ext
			}
		}
	}
	if ext := strings.ToLower(path.Ext(strings.TrimSpace(l.Text))); attachmentExts[ext] {
		return ext
	}
	return ""
}

// reportMarkers are headings only an annual report's body holds: a page with two of them is the report itself,
// not a cover page for an attachment.
var reportMarkers = []string{"主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议", "存在的主要问题及改进情况"}

func holdsReport(text string) bool {
	t := strings.ReplaceAll(text, " ", "")
	n := 0
	for _, m := range reportMarkers {
		if strings.Contains(t, m) {
			n++
		}
	}
	return n >= 2
}
