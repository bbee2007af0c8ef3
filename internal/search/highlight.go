package search

import (
	"html/template"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultSnippetRunes is the window Snippet uses when asked for zero or fewer characters.
const DefaultSnippetRunes = 120

// maxNeedles bounds the work of Highlight: MaxTerms terms of a few runs each stay well under it.
const maxNeedles = 64

// span is a match: bytes [start, end) of the original text, found for the included term with index term.
type span struct{ start, end, term int }

// Highlight returns text HTML-escaped, with every match of the query's included terms wrapped in <mark>…</mark>.
// Matches are found on the folded text, exactly as the index sees it (full-width ＣＯＶＩＤ matches covid, 醫保
// matches 医保), but the original characters are shown; overlapping and touching matches are merged into one mark.
// Each run of a term is marked wherever it occurs (a phrase's words separately), Latin and digit words only as
// whole words, a 文号 as a whole. Invalid UTF-8 is shown as U+FFFD.
func Highlight(text string, q Query) template.HTML {
	st := fold(text, make([]frune, 0, utf8.RuneCountInString(text)))
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	render(&b, text, 0, len(text), merge(q.matches(st, len(text))))
	return template.HTML(b.String())
}

// Snippet returns a window of about runes characters of text (DefaultSnippetRunes when runes ≤ 0) around the best
// match, highlighted as Highlight does, with … where text was cut. The best match is the one whose window shows
// the most different terms, the first of those on a tie; without matches the window is the start of text. A
// window never cuts a match, and it does not cut a Latin word or a number when a boundary is close.
func Snippet(text string, q Query, runes int) template.HTML {
	if runes <= 0 {
		runes = DefaultSnippetRunes
	}
	st := fold(text, make([]frune, 0, utf8.RuneCountInString(text)))
	raw := q.matches(st, len(text))
	merged := merge(slices.Clone(raw))
	lo, hi := window(text, raw, runes)
	lo, hi = adjust(text, merged, lo, hi)
	var b strings.Builder
	if strings.TrimSpace(text[:lo]) != "" {
		b.WriteString("…")
	}
	render(&b, text, lo, hi, merged)
	if strings.TrimSpace(text[hi:]) != "" {
		b.WriteString("…")
	}
	return template.HTML(b.String())
}

// matches returns every match of the included terms in the folded stream st, sorted by start.
func (q Query) matches(st []frune, textLen int) []span {
	var out []span
	var docs []docMatch
	needles := 0
	for ti, t := range q.include {
		if t.doc != "" {
			if docs == nil {
				docs = findDocNumbers(st)
			}
			for _, m := range docs {
				for n := minDocPrefix; n <= len(m.prefix); n++ {
					if m.canonical(n) == t.doc {
						first := m.start + len(m.prefix) - n
						out = append(out, span{st[first].start, spanEnd(st, m.end, textLen), ti})
						break
					}
				}
			}
			continue
		}
		for _, nd := range t.needles {
			if needles++; needles > maxNeedles {
				break
			}
			out = find(out, st, textLen, nd, ti)
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.start - b.start })
	return out
}

// spanEnd returns where a match ending before st[i] ends in the original text: at the start of st[i], so that it
// takes in the characters folded away after its last one (a combining accent, a zero-width space).
func spanEnd(st []frune, i, textLen int) int {
	if i < len(st) {
		return st[i].start
	}
	return textLen
}

// find appends the occurrences of nd in st, a text of textLen bytes.
func find(out []span, st []frune, textLen int, nd needle, ti int) []span {
	n := len(nd.runes)
	for i := 0; i+n <= len(st); i++ {
		if st[i].r != nd.runes[0] || st[i].c != nd.c {
			continue
		}
		ok := true
		for k := 1; k < n; k++ {
			if st[i+k].r != nd.runes[k] || st[i+k].c != nd.c {
				ok = false
				break
			}
		}
		if ok && nd.c == word {
			// Words match whole, as in the index; a needle of maxWordRunes may be a truncated longer word.
			ok = (i == 0 || st[i-1].c != word) && (i+n == len(st) || st[i+n].c != word || n >= maxWordRunes)
		}
		if ok {
			out = append(out, span{st[i].start, spanEnd(st, i+n, textLen), ti})
		}
	}
	return out
}

// merge sorts spans by start and merges the overlapping and touching ones.
func merge(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := spans[:0]
	for _, s := range spans {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// render writes text[lo:hi] escaped, with the merged spans inside it marked.
func render(b *strings.Builder, text string, lo, hi int, spans []span) {
	at := lo
	for _, s := range spans {
		start, end := max(s.start, lo), min(s.end, hi)
		if start >= end {
			continue
		}
		escape(b, text[at:start])
		b.WriteString("<mark>")
		escape(b, text[start:end])
		b.WriteString("</mark>")
		at = end
	}
	escape(b, text[at:hi])
}

func escape(b *strings.Builder, s string) {
	b.WriteString(template.HTMLEscapeString(strings.ToValidUTF8(s, "\uFFFD")))
}

// window picks the bytes [lo, hi) of about runes characters around the best match of raw.
func window(text string, raw []span, runes int) (int, int) {
	lead := runes / 4
	best, bestLo, bestHi := -1, 0, 0
	const maxCandidates = 256
	for i, a := range raw {
		if i == maxCandidates {
			break
		}
		if i > 0 && a.start == raw[i-1].start {
			continue
		}
		lo := back(text, a.start, lead)
		hi := forward(text, lo, runes)
		if hi == len(text) {
			lo = back(text, hi, runes)
		}
		// raw is sorted by start: look only at the spans that start inside the window.
		var seen [MaxTerms]bool
		terms := 0
		for _, s := range raw[sort.Search(len(raw), func(k int) bool { return raw[k].start >= lo }):] {
			if s.start >= hi {
				break
			}
			if s.end <= hi && !seen[s.term] {
				seen[s.term] = true
				terms++
			}
		}
		if terms > best {
			best, bestLo, bestHi = terms, lo, hi
		}
	}
	if best < 0 {
		return 0, forward(text, 0, runes)
	}
	return bestLo, bestHi
}

// adjust widens [lo, hi) so that it cuts no match and, when the rest is short, no Latin word or number, and trims
// spaces at both ends.
func adjust(text string, merged []span, lo, hi int) (int, int) {
	const near = 12 // bytes; a longer word is cut
	if lo > 0 && isWordByte(text, lo-1) && isWordByte(text, lo) {
		i := lo
		for i > 0 && lo-i < near && isWordByte(text, i-1) {
			i--
		}
		if i == 0 || !isWordByte(text, i-1) {
			lo = i
		}
	}
	if hi < len(text) && isWordByte(text, hi-1) && isWordByte(text, hi) {
		i := hi
		for i < len(text) && i-hi < near && isWordByte(text, i) {
			i++
		}
		if i == len(text) || !isWordByte(text, i) {
			hi = i
		}
	}
	for _, s := range merged {
		if s.start < lo && lo < s.end {
			lo = s.start
		}
		if s.start < hi && hi < s.end {
			hi = s.end
		}
	}
	for lo < hi {
		r, n := utf8.DecodeRuneInString(text[lo:])
		if !unicode.IsSpace(r) {
			break
		}
		lo += n
	}
	for hi > lo {
		r, n := utf8.DecodeLastRuneInString(text[:hi])
		if !unicode.IsSpace(r) {
			break
		}
		hi -= n
	}
	return lo, hi
}

func isWordByte(text string, i int) bool {
	c := text[i]
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// back returns the offset n characters before i (or 0).
func back(text string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, w := utf8.DecodeLastRuneInString(text[:i])
		i -= w
	}
	return i
}

// forward returns the offset n characters after i (or len(text)).
func forward(text string, i, n int) int {
	for ; n > 0 && i < len(text); n-- {
		_, w := utf8.DecodeRuneInString(text[i:])
		i += w
	}
	return i
}
