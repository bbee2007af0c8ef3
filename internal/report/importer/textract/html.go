package textract

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlText renders a parsed page as lines: block elements break lines, table rows become one line with TAB-joined
// cells, and scripts, styles, forms and hidden elements are dropped. The <title> comes first.
func htmlText(s string) (string, error) {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return "", err
	}
	w := &htmlWriter{}
	if t := findTitle(doc); t != "" {
		w.text(t)
		w.newline()
	}
	w.walk(doc, 0)
	w.newline()
	return strings.TrimSpace(w.b.String()) + "\n", nil
}

type htmlWriter struct {
	b    strings.Builder
	line strings.Builder
}

func (w *htmlWriter) text(s string) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return
	}
	if w.line.Len() > 0 {
		w.line.WriteByte(' ')
	}
	w.line.WriteString(s)
}

func (w *htmlWriter) newline() {
	if l := strings.TrimSpace(w.line.String()); l != "" {
		w.b.WriteString(l)
		w.b.WriteByte('\n')
	}
	w.line.Reset()
}

var blockAtoms = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.H1: true,
	atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Blockquote: true, atom.Pre: true,
	atom.Table: true, atom.Tr: true, atom.Caption: true, atom.Dt: true, atom.Dd: true, atom.Hr: true,
	atom.Main: true, atom.Nav: true, atom.Aside: true, atom.Figure: true, atom.Figcaption: true, atom.Center: true,
}

var dropAtoms = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Head: true, atom.Iframe: true, atom.Svg: true,
	atom.Select: true, atom.Option: true, atom.Button: true, atom.Input: true, atom.Textarea: true, atom.Template: true,
	atom.Object: true, atom.Embed: true, atom.Canvas: true,
}

func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			v := strings.ReplaceAll(strings.ToLower(a.Val), " ", "")
			if strings.Contains(v, "display:none") || strings.Contains(v, "visibility:hidden") {
				return true
			}
		case "aria-hidden":
			if a.Val == "true" {
				return true
			}
		}
	}
	return false
}

func (w *htmlWriter) walk(n *html.Node, depth int) {
	if depth > 200 {
		return
	}
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
		if dropAtoms[n.DataAtom] || hidden(n) {
			return
		}
		if n.DataAtom == atom.Tr {
			w.newline()
			w.row(n, depth)
			return
		}
		if blockAtoms[n.DataAtom] {
			w.newline()
			defer w.newline()
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
}

// row writes one table row as TAB-joined cells. A nested table inside a cell is written as its own lines after
// the row. An empty cell or a figure with colspan N is followed by N−1 empty fields so that figures keep their
// columns; a label cell with a colspan is written once.
func (w *htmlWriter) row(tr *html.Node, depth int) {
	var cells []string
	var nested []*html.Node
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || (c.DataAtom != atom.Td && c.DataAtom != atom.Th) || hidden(c) {
			continue
		}
		sub := &htmlWriter{}
		sub.cell(c, &nested, depth)
		txt := strings.Join(strings.Fields(strings.ReplaceAll(sub.line.String(), "\t", " ")), " ")
		cells = append(cells, txt)
		if span := colspan(c); span > 1 && (txt == "" || isFigure(txt)) {
			for k := 1; k < span && k < 50; k++ {
				cells = append(cells, "")
			}
		}
	}
	if line := strings.Join(cells, "\t"); strings.TrimSpace(line) != "" {
		w.b.WriteString(line)
		w.b.WriteByte('\n')
	}
	for _, t := range nested {
		w.walk(t, depth+1)
		w.newline()
	}
}

// cell collects a cell's text on one line; nested tables are deferred.
func (w *htmlWriter) cell(n *html.Node, nested *[]*html.Node, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			w.text(c.Data)
		case c.Type == html.ElementNode && c.DataAtom == atom.Table:
			*nested = append(*nested, c)
		case c.Type == html.ElementNode && (dropAtoms[c.DataAtom] || hidden(c)):
		case c.Type == html.ElementNode && depth < 200:
			w.cell(c, nested, depth+1)
		}
	}
}

func colspan(n *html.Node) int {
	for _, a := range n.Attr {
		if a.Key == "colspan" {
			if v, err := strconv.Atoi(strings.TrimSpace(a.Val)); err == nil && v > 0 {
				return v
			}
		}
	}
	return 1
}

func isFigure(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != '-' && r != ',' {
			return false
		}
	}
	return true
}

func findTitle(n *html.Node) string {
	if n.Type == html.ElementNode && n.DataAtom == atom.Title {
		if n.FirstChild != nil {
			return strings.TrimSpace(n.FirstChild.Data)
		}
		return ""
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if t := findTitle(c); t != "" {
			return t
		}
	}
	return ""
}
