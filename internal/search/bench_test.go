package search

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// body returns a realistic Chinese body of n characters, made from the annual reports in testdata.
func body(tb testing.TB, n int) string {
	tb.Helper()
	files, err := filepath.Glob("testdata/report-*.txt")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no reports in testdata: %v", err)
	}
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < n {
		for _, f := range files {
			text, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			b.Write(text)
		}
	}
	r := []rune(b.String())
	return string(r[:n])
}

func BenchmarkTokens(b *testing.B) {
	text := body(b, 5000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Tokens(text)
	}
}

func BenchmarkIndexText(b *testing.B) {
	text := body(b, 5000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		IndexText("关于做好2026年政府信息公开工作的通知", "平卫发〔2026〕3号", text)
	}
}

func BenchmarkParseQuery(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		q := ParseQuery(`新冠疫苗 "政府信息 公开" -香港 药 国办函〔2020〕109号`)
		_, _ = q.FTS5(), q.TSQuery()
	}
}

func BenchmarkHighlight(b *testing.B) {
	text := body(b, 5000)
	q := ParseQuery("政府信息公开 申请 2020")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Highlight(text, q)
	}
}

func BenchmarkSnippet(b *testing.B) {
	text := body(b, 5000)
	q := ParseQuery("行政复议 诉讼")
	b.ReportAllocs()
	for b.Loop() {
		Snippet(text, q, DefaultSnippetRunes)
	}
}
