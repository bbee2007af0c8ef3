package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A 文号 (document number) is an issuing-agency abbreviation, a four-digit year in brackets and a serial number
// followed by 号: 国办函〔2020〕109号. GB/T 9704 prescribes the hexagonal brackets 〔〕, but published pages use every
// bracket there is, full-width digits, spaces and "第", so all of them fold to the canonical form.
const (
	minDocPrefix = 2  // 国发
	maxDocPrefix = 12 // longer than any agency abbreviation (国卫办医函, 京政办发); bounds the tokens per 文号
	maxDocSerial = 6
)

// docMatch is one 文号 found in a folded stream.
type docMatch struct {
	prefix     []rune // up to maxDocPrefix CJK characters before the bracket, ending at the bracket
	runStart   int    // stream index where the CJK run holding the prefix starts (it may be longer than prefix)
	start, end int    // stream indexes of the first prefix character and just past 号
	rest       string // 〔year〕serial号, canonical
}

// canonical returns the canonical 文号 made of the last n characters of the prefix.
func (m docMatch) canonical(n int) string {
	return string(m.prefix[len(m.prefix)-n:]) + m.rest
}

func isOpenBracket(r rune) bool {
	switch r {
	case '(', '[', '〔', '【', '〖', '〘', '⦗':
		return true
	}
	return false
}

func isCloseBracket(r rune) bool {
	switch r {
	case ')', ']', '〕', '】', '〗', '〙', '⦘':
		return true
	}
	return false
}

func isSpaceRune(f frune) bool { return f.c == sep && unicode.IsSpace(f.r) }

// findDocNumbers returns every 文号 in st, in order.
func findDocNumbers(st []frune) []docMatch {
	var out []docMatch
	for k := range st {
		if st[k].c != sep || !isOpenBracket(st[k].r) {
			continue
		}
		if m, ok := docNumberAt(st, k); ok {
			out = append(out, m)
		}
	}
	return out
}

// docNumberAt matches a 文号 whose opening bracket is st[k].
func docNumberAt(st []frune, k int) (docMatch, bool) {
	var m docMatch
	p := k - 1
	for p >= 0 && isSpaceRune(st[p]) {
		p--
	}
	q := p
	for q >= 0 && st[q].c == cjk {
		q--
	}
	m.runStart = q + 1
	n := p - q
	if n < minDocPrefix {
		return m, false
	}
	m.start = p + 1 - min(n, maxDocPrefix)
	i := skipSpaces(st, k+1)
	year, i := digits(st, i)
	if len(year) != 4 {
		return m, false
	}
	i = skipSpaces(st, i)
	if i >= len(st) || st[i].c != sep || !isCloseBracket(st[i].r) {
		return m, false
	}
	i = skipSpaces(st, i+1)
	if i < len(st) && st[i].r == '第' {
		i = skipSpaces(st, i+1)
	}
	serial, i := digits(st, i)
	if len(serial) == 0 || len(serial) > maxDocSerial {
		return m, false
	}
	i = skipSpaces(st, i)
	if i >= len(st) || st[i].r != '号' {
		return m, false
	}
	m.end = i + 1
	m.prefix = make([]rune, 0, p+1-m.start)
	for _, f := range st[m.start : p+1] {
		m.prefix = append(m.prefix, f.r)
	}
	serial = strings.TrimLeft(serial, "0")
	if serial == "" {
		serial = "0"
	}
	m.rest = "〔" + year + "〕" + serial + "号"
	return m, true
}

func skipSpaces(st []frune, i int) int {
	for i < len(st) && isSpaceRune(st[i]) {
		i++
	}
	return i
}

// digits reads a whole run of ASCII digits at st[i]; a run that goes on into letters is no number.
func digits(st []frune, i int) (string, int) {
	j := i
	for j < len(st) && '0' <= st[j].r && st[j].r <= '9' {
		j++
	}
	if j < len(st) && st[j].c == word || j-i > 16 {
		return "", i
	}
	b := make([]byte, 0, j-i)
	for _, f := range st[i:j] {
		b = append(b, byte(f.r))
	}
	return string(b), j
}

// wholeDocNumber returns the 文号 that makes up all of st apart from surrounding spaces.
func wholeDocNumber(st []frune) (docMatch, bool) {
	lo, hi := 0, len(st)
	for lo < hi && isSpaceRune(st[lo]) {
		lo++
	}
	for hi > lo && isSpaceRune(st[hi-1]) {
		hi--
	}
	for _, m := range findDocNumbers(st[lo:hi]) {
		if m.runStart == 0 && m.start == 0 && m.end == hi-lo {
			return m, true
		}
	}
	return docMatch{}, false
}

// LooksLikeDocNumber reports whether q, apart from surrounding spaces, is one 文号: two to twelve Chinese
// characters, a four-digit year in any kind of bracket, an optional 第 and a serial number ending in 号, in full-
// or half-width characters, traditional or simplified, with or without spaces between the parts.
func LooksLikeDocNumber(q string) bool {
	_, ok := wholeDocNumber(fold(q, nil))
	return ok
}

// NormalizeDocNumber returns the canonical form of a 文号, so that the 文号 field of an item and a query can be
// compared for equality: hexagonal brackets 〔〕, ASCII digits, simplified characters, no spaces, no 第 and no
// leading zeros in the serial (平衛發［２０２６］第03號 → 平卫发〔2026〕3号). Text that is not one 文号 is still
// folded the same way (spaces removed, brackets made 〔〕, letters lower-cased), so equality stays meaningful for
// the odd numbering schemes agencies use.
func NormalizeDocNumber(s string) string {
	st := fold(s, nil)
	if m, ok := wholeDocNumber(st); ok {
		return m.canonical(len(m.prefix))
	}
	b := make([]byte, 0, len(s))
	for _, f := range st {
		switch {
		case isSpaceRune(f):
		case f.c == sep && isOpenBracket(f.r):
			b = append(b, "〔"...)
		case f.c == sep && isCloseBracket(f.r):
			b = append(b, "〕"...)
		default:
			b = utf8.AppendRune(b, f.r)
		}
	}
	return string(b)
}

// docTokenPrefix starts every document-number token. Underscores and other punctuation would split the token on
// both engines, so the prefix and the encoding use letters only.
const docTokenPrefix = "wh"

// appendDocToken appends the token for a canonical 文号: the prefix, then each byte of its UTF-8 form as two
// letters a–p. Letters only, so both engines keep it as one word and neither reads it as a number; at least 42
// letters long (the shortest 文号 has 20 bytes), so no ordinary word (≤ maxWordRunes) can equal it.
func appendDocToken(b []byte, canonical string) []byte {
	b = append(b, docTokenPrefix...)
	for i := 0; i < len(canonical); i++ {
		c := canonical[i]
		b = append(b, 'a'+c>>4, 'a'+c&15)
	}
	return b
}

func docToken(canonical string) string { return string(appendDocToken(nil, canonical)) }
