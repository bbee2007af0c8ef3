package search

import (
	"strings"
	"unicode/utf8"
)

// maxWordRunes caps a Latin/digit token. PostgreSQL drops words over 2,047 bytes from a tsvector (SQLite keeps
// them), so an uncapped word would be found on one engine only; 40 characters keep every real word, and the query
// side truncates the same way, so a long word still matches itself. Document-number tokens are longer than this
// (see docToken), so no word can ever collide with one.
const maxWordRunes = 40

// Tokens returns the tokens of text in the form the store indexes: a run of CJK characters gives its overlapping
// bigrams followed by its last character alone (新冠疫苗 → 新冠 冠疫 疫苗 苗; a run of one character gives just that
// character), a run of letters and digits gives one lower-case word (COVID-19 → covid 19), and every 文号 in the
// text gives one document-number token after all the others. See the package documentation for why.
func Tokens(text string) []string {
	s := IndexText(text)
	if s == "" {
		return nil
	}
	out := make([]string, 0, strings.Count(s, " ")+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[min(i+1, len(s)):]
	}
	return out
}

// IndexText returns the tokens of all fields, separated by single spaces, ready to store in the column that the
// full-text index covers (FTS5 with tokenize='unicode61', or to_tsvector('simple', …) on PostgreSQL). Both
// engines split the stored string back into exactly these tokens and change none of them.
func IndexText(fields ...string) string {
	n, longest := 0, 0
	for _, f := range fields {
		n += len(f)
		longest = max(longest, utf8.RuneCountInString(f))
	}
	// A CJK character of 3 bytes gives a bigram of 6 and a space: reserve enough for all-CJK text.
	b := make([]byte, 0, n*7/3+len(fields)*64)
	st := make([]frune, 0, longest)
	for _, f := range fields {
		st = fold(f, st[:0])
		b = appendTokens(b, st)
	}
	return string(b)
}

// appendTokens appends the tokens of the folded stream st to b, each preceded by a space unless b is empty.
func appendTokens(b []byte, st []frune) []byte {
	for i := 0; i < len(st); {
		c := st[i].c
		if c == sep {
			i++
			continue
		}
		j := i + 1
		for j < len(st) && st[j].c == c {
			j++
		}
		if c == word {
			b = appendSpace(b)
			for k := i; k < j && k < i+maxWordRunes; k++ {
				b = utf8.AppendRune(b, st[k].r)
			}
		} else {
			b = appendRun(b, st[i:j])
		}
		i = j
	}
	for _, m := range findDocNumbers(st) {
		for n := minDocPrefix; n <= len(m.prefix); n++ {
			b = appendSpace(b)
			b = appendDocToken(b, m.canonical(n))
		}
	}
	return b
}

// appendRun appends the tokens of one run of CJK characters: its bigrams, then its last character alone.
func appendRun(b []byte, run []frune) []byte {
	for k := 0; k+1 < len(run); k++ {
		b = appendSpace(b)
		b = utf8.AppendRune(b, run[k].r)
		b = utf8.AppendRune(b, run[k+1].r)
	}
	b = appendSpace(b)
	return utf8.AppendRune(b, run[len(run)-1].r)
}

func appendSpace(b []byte) []byte {
	if len(b) > 0 {
		b = append(b, ' ')
	}
	return b
}
