// Package richtext keeps the body of a catalogue item (信息正文) as the document it came from: what an officer pastes
// from Word, WPS or a web page, types as plain text, or imports from a DOCX file becomes one small, safe dialect of
// HTML — paragraphs, headings, lists, tables with merged cells, bold, italic and underline, line breaks and links —
// and nothing else.
//
//   - Clean takes HTML from anywhere (a Word or WPS clipboard, a web page, the console's editor), removes Word's
//     markup (mso-* styles, <o:p>, conditional comments, spans and fonts), turns Word's list paragraphs into lists
//     and sanitises the result with the package's bluemonday policy.
//   - FromText turns plain text into paragraphs, one paragraph a line, as Chinese official documents are written.
//   - Body decides which of the two an input is and returns the HTML to store; Render does the same for a stored
//     body on its way to a page, so that bodies saved as plain text before this package still show their paragraphs.
//   - DOCX converts a Word document's body (styles, numbering, tables) into the same dialect.
package richtext

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is the package's sanitiser: the only elements and attributes a body may keep. A bluemonday policy is safe
// for concurrent use once built.
var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "h2", "h3", "h4", "ul", "ol", "li", "table", "caption", "thead", "tbody", "tfoot", "tr",
		"strong", "em", "u", "br", "sub", "sup", "blockquote")
	p.AllowElements("th", "td")
	p.AllowAttrs("colspan", "rowspan").Matching(regexp.MustCompile(`^[1-9][0-9]{0,2}$`)).OnElements("th", "td")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.AllowAttrs("src", "alt").OnElements("img")
	return p
}

// Policy returns the sanitiser of bodies (a copy is not needed: it is never changed after it is made).
func Policy() *bluemonday.Policy { return policy }

// blockTags are the elements that make an input HTML rather than text with an odd tag in it.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Ul: true, atom.Ol: true, atom.Li: true, atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Thead: true, atom.Tbody: true, atom.Br: true,
	atom.Blockquote: true, atom.Pre: true, atom.Section: true, atom.Article: true, atom.Html: true, atom.Body: true,
}

// IsHTML reports whether s is a document in HTML — it has at least one block element or line break — rather than
// plain text, in which a newline is what separates paragraphs.
func IsHTML(s string) bool {
	if !strings.Contains(s, "<") {
		return false
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			if blockTags[atom.Lookup(name)] {
				return true
			}
		}
	}
}

// Body returns the HTML to store for what an officer entered: HTML is cleaned (Clean), plain text becomes
// paragraphs first (FromText). The result is "" for an input without any text.
func Body(s string) string {
	if IsHTML(s) {
		return Clean(s)
	}
	return Clean(FromText(s))
}

// Render returns a stored body as the HTML a page shows. A body stored as plain text (before bodies were kept as
// HTML, or through another path) gets its paragraphs; every body passes the sanitiser again on its way out.
func Render(stored string) string { return Body(stored) }

// FromText turns plain text into paragraphs: each line that has text is one paragraph, blank lines only separate.
// Official documents are written so (each paragraph a line, its first line indented by two full-width spaces), and
// a copy from Word or WPS as plain text gives one line a paragraph. The indent at a line's start (spaces, full-width
// spaces, tabs) is dropped: the page indents paragraphs itself. The lines are kept as they are otherwise: what looks
// like a tag is left for the sanitiser, which keeps the inline formatting it allows and escapes the rest.
func FromText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimFunc(line, isSpace)
		if line == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(line)
		b.WriteString("</p>\n")
	}
	return b.String()
}

// isSpace is white space, the no-break space and the ideographic (full-width) space included.
func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' || r == '\u3000' }
