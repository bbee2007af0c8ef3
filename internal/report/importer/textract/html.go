package textract

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDepth bounds the recursion over element trees; deeper content is still written, as flat text.
const maxDepth = 400

// maxSpan bounds the empty fields a colspan or gridSpan adds, against hostile files.
const maxSpan = 100

// htmlText renders a web page as lines:
//
//   - the <title> is the first line; the rest of <head>, and script, style, noscript, template, iframe, svg,
//     object, embed, canvas, audio, video and form controls (input, select, textarea, button) are dropped, as are
//     elements with the hidden attribute, aria-hidden="true" or an inline display:none or visibility:hidden;
//   - block elements (p, div, br, li, h1–h6, table, tr, section, article …) start and end lines; white space runs
//     (including no-break and ideographic spaces; zero-width characters are removed) become one space, except that
//     a run holding a line break between two CJK characters disappears, as in a browser that follows CSS Text 3 —
//     otherwise a label wrapped in the source would gain a space; entities are decoded; blank lines are removed;
//   - each table row (tr) is one line, its cells (td, th) joined by TAB, an empty cell an empty field, white space
//     and <br> inside a cell one space. A cell with colspan=N is followed by N−1 empty fields only when it is empty
//     or a number, so figures keep their columns while a label that spans columns is written once: the importer
//     matches labels and then reads the numbers after them. rowspan adds nothing: the spanned rows simply have
//     fewer fields. A row that holds a nested table, or has a single cell, is laid out as blocks instead (pages
//     laid out with tables put whole articles in one cell), so a nested table's rows become lines of their own.
func htmlText(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil { // html.Parse only fails when its reader does
		return ""
	}
	w := &htmlWriter{}
	if t := findTitle(doc, 0); t != nil {
		for c := t.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				w.line.write(c.Data)
			}
		}
		w.newline()
	}
	w.walk(doc, 0)
	w.newline()
	return w.out.String()
}

// htmlWriter accumulates finished lines in out and the line being written in line.
type htmlWriter struct {
	out  strings.Builder
	line lineBuf
	pre  int // depth of <pre> elements around the current node
}

// newline ends the current line, dropping it when it is blank.
func (w *htmlWriter) newline() {
	if l := w.line.take(); l != "" {
		w.out.WriteString(l)
		w.out.WriteByte('\n')
	}
}

// lineBuf builds one line, collapsing white space.
type lineBuf struct {
	b       strings.Builder
	space   bool // white space seen since the last character written
	brk     bool // that white space held a line break
	last    rune
	started bool
}

// write appends text, collapsing its white space.
func (l *lineBuf) write(s string) {
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			l.space, l.brk = true, true
		case unicode.IsSpace(r):
			l.space = true
		case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF || r == 0 || r == 0xAD:
			// zero-width characters and soft hyphens print nothing
		case unicode.IsControl(r):
			l.space = true
		default:
			if l.space && l.started && !(l.brk && wide(l.last) && wide(r)) {
				l.b.WriteByte(' ')
			}
			l.space, l.brk = false, false
			l.b.WriteRune(r)
			l.last, l.started = r, true
		}
	}
}

// sep asks for a space before the next character, as <br> and block elements inside a table cell do.
func (l *lineBuf) sep() { l.space = true }

// take returns the line without white space at either end and resets the buffer.
func (l *lineBuf) take() string {
	s := l.b.String()
	*l = lineBuf{}
	return s
}

// wide reports whether r is an East Asian wide character (CJK ideographs, kana, CJK and full-width punctuation),
// between which a line break in the source is not a space.
func wide(r rune) bool {
	return r >= 0x2E80 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0xFE30 && r <= 0xFE4F ||
		r >= 0xFF00 && r <= 0xFF60 || r >= 0xFFE0 && r <= 0xFFE6 || r >= 0x20000 && r <= 0x3FFFF
}

var blockAtoms = map[atom.Atom]bool{
	atom.Html: true, atom.Body: true, atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Section: true, atom.Article: true, atom.Header: true, atom.Footer: true,
	atom.Blockquote: true, atom.Pre: true, atom.Table: true, atom.Caption: true, atom.Tr: true, atom.Td: true,
	atom.Th: true, atom.Hr: true, atom.Main: true, atom.Nav: true, atom.Aside: true, atom.Figure: true,
	atom.Figcaption: true, atom.Center: true, atom.Address: true, atom.Form: true, atom.Fieldset: true,
	atom.Legend: true, atom.Details: true, atom.Summary: true, atom.Br: true,
}

var dropAtoms = map[atom.Atom]bool{
	atom.Head: true, atom.Title: true, atom.Script: true, atom.Style: true, atom.Noscript: true,
	atom.Template: true, atom.Iframe: true, atom.Frame: true, atom.Svg: true, atom.Math: true, atom.Object: true,
	atom.Embed: true, atom.Canvas: true, atom.Audio: true, atom.Video: true, atom.Input: true,
	atom.Select: true, atom.Option: true, atom.Optgroup: true, atom.Datalist: true, atom.Textarea: true,
	atom.Button: true,
}

// hidden reports whether an element is not displayed.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			if strings.Contains(v, "display:none") || strings.Contains(v, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// skip reports whether an element and everything in it is left out.
func skip(n *html.Node) bool {
	return n.Type == html.ElementNode && (dropAtoms[n.DataAtom] || n.Namespace != "" || hidden(n))
}

// walk writes a node and its descendants as block text.
func (w *htmlWriter) walk(n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
		if skip(n) {
			return
		}
		if depth > maxDepth {
			w.collect(n, &w.line)
			return
		}
		switch n.DataAtom {
		case atom.Br:
			w.newline()
			return
		case atom.Table:
			w.newline()
			w.table(n, depth)
			w.newline()
			return
		case atom.Pre:
			w.pre++
			defer func() { w.pre-- }()
		}
		if blockAtoms[n.DataAtom] {
			w.newline()
			defer w.newline()
		}
	case html.DocumentNode:
	default:
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
}

// text writes a text node; inside <pre> its line breaks are kept.
func (w *htmlWriter) text(s string) {
	if w.pre == 0 {
		w.line.write(s)
		return
	}
	for i, part := range strings.Split(s, "\n") {
		if i > 0 {
			w.newline()
		}
		w.line.write(part)
	}
}

// table writes a table's rows and caption in document order, leaving the rows of nested tables to their cells.
func (w *htmlWriter) table(t *html.Node, depth int) {
	for c := t.FirstChild; c != nil; c = c.NextSibling {
		if skip(c) {
			continue
		}
		switch c.DataAtom {
		case atom.Tr:
			w.row(c, depth+1)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			w.table(c, depth+1)
		default:
			w.walk(c, depth+1)
		}
	}
}

// row writes one table row: TAB-joined cells, or blocks for a layout row (see htmlText).
func (w *htmlWriter) row(tr *html.Node, depth int) {
	var cells []*html.Node
	layout := false
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.Td && c.DataAtom != atom.Th || skip(c) {
			continue
		}
		cells = append(cells, c)
		layout = layout || hasTable(c, depth)
	}
	w.newline()
	if layout || len(cells) == 1 {
		for _, c := range cells {
			w.walk(c, depth+1)
			w.newline()
		}
		return
	}
	fields := make([]string, 0, len(cells))
	for _, c := range cells {
		var l lineBuf
		w.collect(c, &l)
		txt := l.take()
		fields = append(fields, txt)
		if span := attrInt(c, "colspan"); span > 1 && (txt == "" || isFigure(txt)) {
			for k := 1; k < min(span, maxSpan); k++ {
				fields = append(fields, "")
			}
		}
	}
	if line := strings.Join(fields, "\t"); strings.TrimSpace(line) != "" {
		w.out.WriteString(line)
		w.out.WriteByte('\n')
	}
}

// collect writes the text of n's subtree on one line, element boundaries of blocks and <br> as spaces. It walks
// with an explicit stack, so any depth is safe.
func (w *htmlWriter) collect(n *html.Node, l *lineBuf) {
	stack := []*html.Node{n}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == nil { // the end of a block element
			l.sep()
			continue
		}
		switch n.Type {
		case html.TextNode:
			l.write(n.Data)
			continue
		case html.ElementNode:
			if skip(n) {
				continue
			}
			if blockAtoms[n.DataAtom] {
				l.sep()
				stack = append(stack, nil)
			}
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
}

// hasTable reports whether a cell holds a displayed table.
func hasTable(n *html.Node, depth int) bool {
	if depth > maxDepth {
		return false
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || skip(c) {
			continue
		}
		if c.DataAtom == atom.Table || hasTable(c, depth+1) {
			return true
		}
	}
	return false
}

// attrInt returns an element's integer attribute, 1 when it is missing or not a positive number.
func attrInt(n *html.Node, key string) int {
	for _, a := range n.Attr {
		if a.Key == key {
			if v, err := strconv.Atoi(strings.TrimSpace(a.Val)); err == nil && v > 0 {
				return v
			}
		}
	}
	return 1
}

// isFigure reports whether a cell holds a number: digits (ASCII or full-width) with an optional sign, thousands
// separators, a decimal point and a percent sign.
func isFigure(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "-"), "+")
	s = strings.TrimSuffix(strings.TrimSuffix(s, "%"), "％")
	if s == "" {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
			digits++
		case r == '.', r == ',', r == '．', r == '，':
		default:
			return false
		}
	}
	return digits > 0 && utf8.ValidString(s)
}

// findTitle returns the page's <title> element, if any.
func findTitle(n *html.Node, depth int) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == atom.Title && n.Namespace == "" {
		return n
	}
	if depth > maxDepth {
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if t := findTitle(c, depth+1); t != nil {
			return t
		}
	}
	return nil
}
