package importer

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxLines bounds the work on hostile input; a real report has a few hundred lines.
const maxLines = 200_000

// splitLines normalises the text into trimmed, non-empty lines, drops separator lines and spam injected by mirrors,
// and on document-preview pages joins the page chunks back into running text.
func splitLines(text string) []string {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "")
	}
	n := strings.Count(text, "\n") + 1
	if n > maxLines {
		n = maxLines
	}
	preview := isPreviewPage(text)
	out := make([]string, 0, n)
	chunk := 0 // number of the last page chunk seen on a preview page
	for k := 0; k < maxLines && len(text) > 0; k++ {
		l := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			l, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		l = cleanLine(normLine(l))
		if l == "" || isSeparatorLine(l) || isSpam(l) || isPageNumber(l) {
			continue
		}
		if preview {
			// Preview sites cut the document into page chunks numbered "1、", "2、"…, often in the middle of a word
			// ("5、府信息公开工作"). Only the chunk that comes next in order is a chunk start, never a numbered list.
			if num, rest, ok := chunkStart(l); ok && (num == chunk+1 || chunk == 0 && num <= 3) {
				chunk = num
				if rest == "" {
					continue
				}
				if num > 1 && len(out) > 0 {
					out[len(out)-1] += rest
					continue
				}
				l = rest
			}
		}
		out = append(out, l)
	}
	return out
}

// cleanLine trims a line. A table row (a line whose fields are joined by TABs or "|") keeps its leading and trailing
// empty fields, which hold places, except the one bar that opens or closes a Markdown-style row. A line with a single
// filled cell is that cell ("\t0", "规章 |": indentation and decoration), unless two or more empty fields follow it —
// a row label whose figures are all blank ("二、上年结转政府信息公开申请数量\t\t\t\t\t\t\t").
func cleanLine(l string) string {
	right := strings.TrimRight(l, " \t")
	t := strings.TrimLeft(right, " \t")
	if t == "" {
		return ""
	}
	if !isRow(t) {
		if strings.Count(l[len(right):], "\t") >= 2 {
			return strings.Trim(l, " ") // a label whose cells are all blank
		}
		return t // one cell, indented or followed by a TAB
	}
	inner := strings.TrimSpace(strings.Trim(t, "|"))
	if inner == "" {
		return ""
	}
	if !isRow(inner) {
		end := strings.LastIndex(l, inner) + len(inner)
		if seps := strings.Count(l[end:], "\t") + strings.Count(l[end:], "|"); seps < 2 {
			return inner // one cell with bars around it ("0 |", "规章 |")
		}
	}
	l = strings.Trim(l, " ")
	// Only a row that opens with a bar is Markdown-style and closes with one. In a row that does not
	// ("（一）予以公开 | 258 | 12 |  |  | 1 | 1 | "), the last bar separates a blank last cell.
	if strings.HasPrefix(l, "|") {
		l = l[1:]
		if strings.HasSuffix(l, "|") {
			l = l[:len(l)-1]
		}
	}
	return l
}

// isPageNumber reports whether l is a page number of a PDF text layer ("—3—", "- 3 -", "第3页").
func isPageNumber(l string) bool {
	if len(l) > 24 || len(l) < 3 {
		return false
	}
	t := strings.Trim(l, " —-－–")
	if len(t) == 0 || len(t) > 4 || len(t) == len(l) {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) {
			return false
		}
	}
	return strings.ContainsAny(l[:len(l)-len(strings.TrimLeft(l, " —-－–"))], "—-－–") && strings.ContainsAny(l[len(strings.TrimRight(l, " —-－–")):], "—-－–")
}

// isRow reports whether a line holds several cells (fields joined by TABs or "|").
func isRow(l string) bool { return strings.IndexByte(l, '\t') >= 0 || strings.IndexByte(l, '|') >= 0 }

var rePageOf = regexp.MustCompile(`第\s*\d+\s*页\s*/\s*共\s*\d+\s*页`)

// isPreviewPage reports whether the text is a document-sharing site's preview ("第1页 / 共5页", "文档编号").
func isPreviewPage(text string) bool {
	text = text[:runeBound(text, 8192)] // the preview's page list and document number open the page
	if has(text, "文档编号") {
		return true
	}
	return has(text, "页") && (has(text, ".doc_第") || rePageOf.MatchString(text))
}

// chunkStart reads a page-chunk number ("12、") at the start of a line.
func chunkStart(l string) (int, string, bool) {
	num, i := 0, 0
	for i < len(l) && i < 3 && isDigit(l[i]) {
		num = num*10 + int(l[i]-'0')
		i++
	}
	if i == 0 || !strings.HasPrefix(l[i:], "、") {
		return 0, "", false
	}
	return num, strings.TrimSpace(l[i+len("、"):]), true
}

func isSeparatorLine(l string) bool {
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '|', '-', ':', ' ', '\t', '+', '=':
		default:
			return false
		}
	}
	return true
}

// spamWords are words of the gambling and advertising lines that mirror sites inject; no government report uses
// them. A line is dropped only when it is short and holds one of them, so report text is never lost. Each word comes
// with its least common character, which a line must hold before the words are searched.
var spamWords = []struct {
	word string
	rare rune
}{
	{"娱乐城", '娱'}, {"娱乐场", '娱'}, {"博彩", '彩'}, {"百家乐", '乐'}, {"六合彩", '彩'}, {"时时彩", '彩'}, {"老虎机", '虎'},
	{"真人视讯", '讯'}, {"葡京", '葡'}, {"彩金", '彩'}, {"注册送", '册'}, {"开户送", '送'}, {"体育投注", '注'},
	{"网上赌场", '赌'}, {"线上赌场", '赌'}, {"澳门赌", '赌'}, {"威尼斯人", '尼'}, {"代开发票", '票'}, {"棋牌游戏", '棋'},
	{"捕鱼游戏", '捕'}, {"电子游艺", '艺'},
}

// spamRunes holds the rare character of every spam word.
var spamRunes = func() *runeSet {
	var t runeSet
	for _, w := range spamWords {
		t.add(w.rare)
	}
	return &t
}()

func isSpam(l string) bool {
	if len(l) > 300 {
		return false // spam lines are short; report paragraphs are not checked
	}
	if !hasRuneOf(l, spamRunes) {
		return false
	}
	for _, w := range spamWords {
		if has(l, w.word) {
			return true
		}
	}
	return false
}

// furniturePrefixes start lines of web pages and document sites that are not part of a report.
var furniturePrefixes = []string{
	"无障碍", "关怀版", "返回首页", "字号", "打印", "分享", "【关闭窗口】", "关闭窗口", "【打印】", "扫码使用手机浏览",
	"单位概况", "信息发布总数", "点击量", "点击数", "浏览次数", "访问量", "阅读次数", "收藏", "下载 ", "举报", "相关资源",
	"相关搜索", "展开阅读全文", "上一篇", "下一篇", "当前位置", "您现在的位置", "您当前的位置", "本站链接", "客服",
	"经营许可证", "版权所有", "文档编号", "上传人", "资源描述", "亲，该文档", "第1页", "主办单位", "承办单位", "网站标识码",
	"ICP", "京ICP", "粤ICP", "网站地图", "联系我们", "【字体", "【大", "分享到", "【打印", "【收藏", "【返回", "【关闭",
}

// terminalPrefixes start furniture lines after which nothing belongs to the report.
var terminalPrefixes = []string{"扫码使用手机浏览", "【关闭窗口】", "关闭窗口", "展开阅读全文", "相关资源", "相关搜索", "上一篇", "下一篇", "分享到", "版权所有", "本站链接", "网站标识码"}

// furnitureFirst holds the first runes of furniturePrefixes, to reject most lines with one lookup.
var furnitureFirst = func() *runeSet {
	var t runeSet
	for _, p := range append(furniturePrefixes, "第") {
		r, _ := utf8.DecodeRuneInString(p)
		t.add(r)
	}
	return &t
}()

// startsFurniture reports whether l starts with the first rune of a furniture prefix.
func startsFurniture(l string) bool {
	if l == "" {
		return false
	}
	r, _ := decodeRune(l, 0)
	return furnitureFirst.has(r)
}

// furnitureLines are whole lines that are page buttons.
var furnitureLines = map[string]bool{"下载": true, "打印": true, "收藏": true, "分享": true, "关闭": true, "返回": true, "顶部": true, "返回顶部": true, "微信": true, "微博": true}

func isFurniture(l string) bool {
	if len(l) > 180 {
		return false
	}
	if len(l) <= 12 && furnitureLines[l] {
		return true
	}
	if !startsFurniture(l) && !has(l, ".doc_第") && !has(l, "点击数") {
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
	if strings.HasPrefix(l, "第") && has(l, "页") && utf8.RuneCountInString(l) < 16 {
		return true
	}
	if has(l, ".doc_第") || has(l, "点击数") && has(l, "作者") {
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
