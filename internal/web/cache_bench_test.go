package web

import (
	"strings"
	"testing"
)

// BenchmarkCompressPage measures compressing one cached page of an item's size (about 6 KB of HTML), done once
// when the page is rendered.
func BenchmarkCompressPage(b *testing.B) {
	body := []byte("<!doctype html><html lang=\"zh-CN\"><body>" + strings.Repeat("<tr><th scope=\"row\">发布机构</th><td>平阴县卫生健康局</td></tr>\n", 80) + "</body></html>")
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		p := &cachedPage{body: body}
		p.compress()
		if p.gz == nil {
			b.Fatal("not compressed")
		}
	}
}
