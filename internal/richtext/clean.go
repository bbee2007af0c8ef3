package richtext

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Clean returns the safe HTML of a body that comes as HTML: a Word or WPS clipboard, a web page, the editor's
// content. Before the sanitiser runs, Word's markup is undone so that the document's structure survives it:
//
//   - comments go, Word's conditional comments included, and the list number or bullet between
//     <![if !supportLists]> and <![endif]> (or in a span styled mso-list:Ignore) is read as the item's marker;
//   - paragraphs styled mso-list:lN levelM become items of nested lists — ordered when the marker is a number or a
//     letter, bullets when it is a symbol; a marker in Chinese numerals (一、 （二） ①) stays the paragraph's text,
//     since a list would renumber it 1. 2. 3.;
//   - head, style, script, Office XML islands and VML shapes are dropped with their content; <o:p>, span, font and
//     smart tags are unwrapped; a div becomes a paragraph (or is unwrapped when it holds blocks);
//   - h1 becomes h2 (the page's h1 is the item's title), h5 and h6 become h4, b and i become strong and em;
//   - empty paragraphs (Word's &nbsp; spacers) are dropped, and a paragraph's leading indent (full-width spaces) too;
//   - a line break that Word put into the source between two Chinese characters is removed, not shown as a space.
//
// The result then passes the policy: no style, class, id or event attribute survives, links keep only http, https,
// mailto and relative addresses.
func Clean(s string) string {
	if tooDeep(s) {
		// No document nests so deep; a hostile one keeps its text, one paragraph a line.
		return Clean(FromText(html.EscapeString(plainText(s))))
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return policy.Sanitize(s)
	}
	root := findBody(doc)
	if root == nil {
		root = doc
	}
	c := &cleaner{markers: map[*html.Node]string{}, items: map[*html.Node]listInfo{}}
	c.takeMarkers(root)
	return render(paragraphs(c.children(root)))
}

// render writes nodes, one block a line (for whoever reads the source: the editor's textarea), and sanitises them.
func render(nodes []*html.Node) string {
	var b strings.Builder
	for _, n := range nodes {
		if err := html.Render(&b, n); err != nil {
			return ""
		}
		if n.Type == html.ElementNode && blockLevel[n.DataAtom] {
			b.WriteByte('\n')
		}
	}
	return strings.TrimSpace(policy.Sanitize(b.String()))
}

// paragraphs puts text and inline elements that stand between blocks into paragraphs of their own (Chromium's
// contenteditable leaves the first line as bare text before the divs of the next ones).
func paragraphs(nodes []*html.Node) []*html.Node {
	if !slices.ContainsFunc(nodes, func(n *html.Node) bool { return n.Type == html.ElementNode && blockLevel[n.DataAtom] }) {
		return nodes
	}
	var out []*html.Node
	var p *html.Node
	for _, n := range nodes {
		if n.Type == html.ElementNode && blockLevel[n.DataAtom] {
			p = nil
			out = append(out, n)
			continue
		}
		if p == nil {
			p = &html.Node{Type: html.ElementNode, DataAtom: atom.P, Data: "p"}
			out = append(out, p)
		}
		p.AppendChild(n)
	}
	return slices.DeleteFunc(out, func(n *html.Node) bool {
		return n.DataAtom == atom.P && empty(n) && n.FirstChild != nil && n.FirstChild.DataAtom != atom.Img
	})
}

// maxDepth is the deepest nesting of elements cleaned as a tree (the cleaner and the renderer recurse).
const maxDepth = 256

// plainText is the text of HTML, a line for each block; the content of script and style is no text. It reads
// tokens, not a tree, so that it costs the same however deep the elements nest.
func plainText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style:
				if z.Token().Type == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			case blockTags[a]:
				b.WriteByte('\n')
			}
		}
	}
}

// optionalEnd are the elements whose end tag HTML lets a document leave out; they do not count towards the depth.
var optionalEnd = map[atom.Atom]bool{atom.P: true, atom.Li: true, atom.Td: true, atom.Th: true, atom.Tr: true,
	atom.Thead: true, atom.Tbody: true, atom.Tfoot: true, atom.Dt: true, atom.Dd: true, atom.Option: true, atom.Colgroup: true}

// voidTags have no end tag.
var voidTags = map[atom.Atom]bool{atom.Br: true, atom.Img: true, atom.Hr: true, atom.Meta: true, atom.Link: true,
	atom.Input: true, atom.Col: true, atom.Wbr: true, atom.Area: true, atom.Base: true, atom.Embed: true, atom.Source: true,
	atom.Track: true, atom.Param: true}

// tooDeep reports whether the elements of s nest deeper than maxDepth.
func tooDeep(s string) bool {
	z := html.NewTokenizer(strings.NewReader(s))
	depth := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); !optionalEnd[a] && !voidTags[a] {
				if depth++; depth > maxDepth {
					return true
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); !optionalEnd[a] && !voidTags[a] && depth > 0 {
				depth--
			}
		}
	}
}

func findBody(n *html.Node) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == atom.Body {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if b := findBody(c); b != nil {
			return b
		}
	}
	return nil
}

// listInfo is what a Word list paragraph says of its list.
type listInfo struct {
	list    string // the list's id within the document ("l0")
	level   int    // 1 for the top level
	ordered bool
}

type cleaner struct {
	// markers are the list markers read from Word's paragraphs, by paragraph.
	markers map[*html.Node]string
	// items are the list items made from Word's list paragraphs, waiting to be grouped into lists.
	items map[*html.Node]listInfo
}

// takeMarkers removes Word's list markers from the tree (what <![if !supportLists]> … <![endif]> enclose, and spans
// styled mso-list:Ignore) and keeps their text by the paragraph they belong to.
func (c *cleaner) takeMarkers(n *html.Node) {
	for ch := n.FirstChild; ch != nil; {
		next := ch.NextSibling
		switch {
		case ch.Type == html.CommentNode && strings.HasPrefix(strings.TrimSpace(ch.Data), "[if !support"):
			// Everything up to the matching [endif] is what old browsers were to show instead: the marker.
			var text strings.Builder
			for next != nil && !(next.Type == html.CommentNode && strings.TrimSpace(next.Data) == "[endif]") {
				after := next.NextSibling
				text.WriteString(textOf(next))
				n.RemoveChild(next)
				next = after
			}
			c.addMarker(ch, text.String())
		case ch.Type == html.ElementNode && strings.Contains(compactStyle(ch), "mso-list:ignore"):
			c.addMarker(ch, textOf(ch))
			n.RemoveChild(ch)
		default:
			c.takeMarkers(ch)
		}
		ch = next
	}
}

// addMarker records a marker for the nearest enclosing paragraph or heading of n.
func (c *cleaner) addMarker(n *html.Node, text string) {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && (p.DataAtom == atom.P || p.DataAtom == atom.Li || isHeading(p.DataAtom)) {
			c.markers[p] += strings.TrimFunc(text, isSpace)
			return
		}
	}
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// compactStyle is an element's style attribute in lower case without white space.
func compactStyle(n *html.Node) string {
	for _, a := range n.Attr {
		if a.Key == "style" {
			return strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

// dropped are the elements removed with everything in them.
var dropped = map[atom.Atom]bool{
	atom.Head: true, atom.Style: true, atom.Script: true, atom.Title: true, atom.Meta: true, atom.Link: true,
	atom.Noscript: true, atom.Template: true, atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true,
	atom.Math: true, atom.Form: true, atom.Input: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Colgroup: true, atom.Col: true,
}

// kept are the elements kept as they are (the policy then removes their attributes but colspan, rowspan, href).
var kept = map[atom.Atom]bool{
	atom.P: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.Ul: true, atom.Ol: true, atom.Li: true,
	atom.Table: true, atom.Caption: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true, atom.Tr: true,
	atom.Th: true, atom.Td: true, atom.Strong: true, atom.Em: true, atom.U: true, atom.Br: true, atom.Sub: true,
	atom.Sup: true, atom.Blockquote: true, atom.A: true, atom.Img: true,
}

// blockLevel are the output's block elements.
var blockLevel = map[atom.Atom]bool{
	atom.P: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.Ul: true, atom.Ol: true, atom.Li: true,
	atom.Table: true, atom.Caption: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true, atom.Tr: true,
	atom.Th: true, atom.Td: true, atom.Blockquote: true,
}

// renamed are the elements kept under another name.
var renamed = map[atom.Atom]atom.Atom{atom.H1: atom.H2, atom.H5: atom.H4, atom.H6: atom.H4, atom.B: atom.Strong, atom.I: atom.Em}

var reMsoList = regexp.MustCompile(`mso-list:(l\d+)level(\d+)`)

// children cleans the children of n and groups Word's list items among them into lists.
func (c *cleaner) children(n *html.Node) []*html.Node {
	var out []*html.Node
	blocks := false
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		for _, x := range c.node(ch) {
			blocks = blocks || x.Type == html.ElementNode && blockLevel[x.DataAtom]
			out = append(out, x)
		}
	}
	if blocks {
		// Between blocks, white space of the source is no content.
		out = slices.DeleteFunc(out, func(x *html.Node) bool {
			return x.Type == html.TextNode && strings.TrimFunc(x.Data, isSpace) == ""
		})
	}
	return c.groupLists(out)
}

// node returns what an input node becomes: nothing, itself cleaned, or its cleaned children (unwrapped).
func (c *cleaner) node(n *html.Node) []*html.Node {
	switch n.Type {
	case html.TextNode:
		return []*html.Node{{Type: html.TextNode, Data: joinLines(n.Data)}}
	case html.ElementNode:
	default:
		return nil
	}
	a := n.DataAtom
	if strings.Contains(n.Data, ":") {
		switch {
		case n.Data == "o:p" && strings.TrimFunc(textOf(n), isSpace) == "":
			return nil
		case strings.HasPrefix(n.Data, "v:"), strings.HasPrefix(n.Data, "w:"), strings.HasPrefix(n.Data, "m:"):
			return nil // VML shapes, Word's own XML, equations: nothing readable on a page
		}
		return c.children(n)
	}
	if dropped[a] {
		return nil
	}
	if r, ok := renamed[a]; ok {
		a = r
	}
	if a == atom.P {
		// Word writes its title styles as classes of a paragraph.
		switch strings.ToLower(attr(n, "class")) {
		case "msotitle":
			a = atom.H2
		case "msosubtitle":
			a = atom.H3
		}
	}
	if a == atom.Div || a == atom.Section || a == atom.Article || a == atom.Center || a == atom.Pre || a == atom.Address {
		if hasBlock(n) {
			return c.children(n)
		}
		a = atom.P
	}
	if a == atom.A && attr(n, "href") == "" {
		return c.children(n)
	}
	if !kept[a] {
		return c.children(n) // span, font, smart tags, body: their content stays
	}
	el := &html.Node{Type: html.ElementNode, DataAtom: a, Data: a.String()}
	for _, at := range n.Attr {
		switch at.Key {
		case "colspan", "rowspan", "href", "src", "alt", "scope":
			el.Attr = append(el.Attr, html.Attribute{Key: at.Key, Val: strings.TrimSpace(at.Val)})
		}
	}
	kids := c.children(n)
	if (a == atom.Td || a == atom.Th) && len(kids) == 1 && kids[0].DataAtom == atom.P {
		kids = unwrap(kids[0]) // a cell of one paragraph holds its text directly
	}
	for _, ch := range kids {
		el.AppendChild(ch)
	}
	if a == atom.P || isHeading(a) {
		marker := strings.TrimFunc(c.markers[n], isSpace)
		if m := reMsoList.FindStringSubmatch(compactStyle(n)); m != nil && marker != "" {
			if ordered, literal := markerKind(marker); !literal {
				level, _ := strconv.Atoi(m[2])
				el.DataAtom, el.Data = atom.Li, "li"
				c.items[el] = listInfo{list: m[1], level: max(level, 1), ordered: ordered}
				return []*html.Node{el}
			}
		}
		if marker != "" {
			if last := []rune(marker)[len([]rune(marker))-1]; !wide(last) {
				marker += " "
			}
			el.InsertBefore(&html.Node{Type: html.TextNode, Data: marker}, el.FirstChild)
		}
		trimLeading(el)
		if empty(el) {
			return nil
		}
	}
	return []*html.Node{el}
}

// unwrap detaches the children of n and returns them.
func unwrap(n *html.Node) []*html.Node {
	var out []*html.Node
	for ch := n.FirstChild; ch != nil; {
		next := ch.NextSibling
		n.RemoveChild(ch)
		out = append(out, ch)
		ch = next
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// hasBlock reports whether n holds a block element, so that n is a container rather than a paragraph.
func hasBlock(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Table,
			atom.Blockquote, atom.Pre, atom.Section, atom.Article, atom.Center, atom.Address:
			return true
		}
		if hasBlock(c) {
			return true
		}
	}
	return false
}

// markerKind classifies a Word list marker: a number or letter (1. 2) a. iv.) makes an ordered list, a symbol a
// bullet list; Chinese numbering (一、 （一） ① 第一条) is literal: the paragraph keeps it as text.
func markerKind(m string) (ordered, literal bool) {
	m = strings.TrimFunc(m, isSpace)
	rs := []rune(m)
	if len(rs) == 0 {
		return false, false
	}
	for _, r := range rs {
		if unicode.Is(unicode.Han, r) || r == '（' || r == '）' || r == '、' || r >= '①' && r <= '⑳' {
			return false, true
		}
	}
	if unicode.IsDigit(rs[0]) {
		return true, false
	}
	if len(rs) >= 2 && unicode.IsLetter(rs[0]) && strings.ContainsRune(".)", rs[len(rs)-1]) {
		return true, false
	}
	return false, false
}

// trimLeading removes the indent at the start of a paragraph: spaces, full-width spaces, no-break spaces. It
// reports whether it reached the paragraph's first text, image or line break.
func trimLeading(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			if c.Data = strings.TrimLeftFunc(c.Data, isSpace); c.Data != "" {
				return true
			}
		case html.ElementNode:
			if c.DataAtom == atom.Br || c.DataAtom == atom.Img || trimLeading(c) {
				return true
			}
		}
	}
	return false
}

// empty reports whether an element has neither text nor an image.
func empty(n *html.Node) bool {
	if n.Type == html.TextNode {
		return strings.TrimFunc(n.Data, isSpace) == ""
	}
	if n.DataAtom == atom.Img {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !empty(c) {
			return false
		}
	}
	return true
}

// joinLines turns the line breaks of HTML source into what a browser would show, except that a break between two
// Chinese characters (Word wraps its HTML source anywhere) disappears instead of becoming a space.
func joinLines(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		if rs[i] != '\n' && rs[i] != '\r' {
			out = append(out, rs[i])
			continue
		}
		// The run of white space around the break.
		for len(out) > 0 && (out[len(out)-1] == ' ' || out[len(out)-1] == '\t') {
			out = out[:len(out)-1]
		}
		j := i
		for j < len(rs) && (rs[j] == '\n' || rs[j] == '\r' || rs[j] == ' ' || rs[j] == '\t') {
			j++
		}
		var before, after rune
		if len(out) > 0 {
			before = out[len(out)-1]
		}
		if j < len(rs) {
			after = rs[j]
		}
		if !wide(before) && !wide(after) {
			out = append(out, ' ')
		}
		i = j - 1
	}
	return string(out)
}

// wide reports whether r is a Chinese character or full-width punctuation, between which no space is written.
func wide(r rune) bool {
	return unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFFEF
}

// groupLists puts consecutive list items made from Word's paragraphs into (nested) lists. White space between
// them does not break a list.
func (c *cleaner) groupLists(nodes []*html.Node) []*html.Node {
	var out []*html.Node
	type open struct {
		level int
		list  *html.Node
	}
	var stack []open
	for _, n := range nodes {
		info, ok := c.items[n]
		if !ok {
			if n.Type == html.TextNode && strings.TrimFunc(n.Data, isSpace) == "" && len(stack) > 0 {
				continue
			}
			stack = stack[:0]
			out = append(out, n)
			continue
		}
		for len(stack) > 0 && stack[len(stack)-1].level > info.level {
			stack = stack[:len(stack)-1]
		}
		tag := atom.Ul
		if info.ordered {
			tag = atom.Ol
		}
		if len(stack) > 0 && stack[len(stack)-1].level == info.level && stack[len(stack)-1].list.DataAtom != tag {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 || stack[len(stack)-1].level < info.level {
			list := &html.Node{Type: html.ElementNode, DataAtom: tag, Data: tag.String()}
			if len(stack) == 0 {
				out = append(out, list)
			} else if last := stack[len(stack)-1].list.LastChild; last != nil {
				last.AppendChild(list)
			} else {
				stack[len(stack)-1].list.AppendChild(list)
			}
			stack = append(stack, open{info.level, list})
		}
		trimLeading(n)
		stack[len(stack)-1].list.AppendChild(n)
	}
	return out
}
