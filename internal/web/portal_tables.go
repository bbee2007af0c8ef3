package web

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// tableWrapOpen opens the box a table of an item's body scrolls in when it is wider than the screen: a named region
// that takes the keyboard's focus, so that it can be scrolled without a mouse (WCAG 2.1.1).
const tableWrapOpen = `<div class="table-wrap" role="region" tabindex="0" aria-label="表格（可左右滚动）">`

// scrollableTables puts each top-level table of sanitised HTML in its own scrolling box, so that a wide table
// pasted into an item's body scrolls by itself on a phone instead of widening the page. Everything else is copied
// byte for byte.
func scrollableTables(body string) string {
	if !strings.Contains(body, "<table") {
		return body
	}
	var out bytes.Buffer
	z := html.NewTokenizer(strings.NewReader(body))
	depth := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				return body
			}
			break
		}
		name, _ := z.TagName()
		isTable := string(name) == "table"
		if tt == html.StartTagToken && isTable {
			if depth == 0 {
				out.WriteString(tableWrapOpen)
			}
			depth++
		}
		out.Write(z.Raw())
		if tt == html.EndTagToken && isTable && depth > 0 {
			depth--
			if depth == 0 {
				out.WriteString("</div>")
			}
		}
	}
	for ; depth > 0; depth-- {
		out.WriteString("</div>")
	}
	return out.String()
}
