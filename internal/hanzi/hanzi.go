// Package hanzi folds Chinese text for matching: traditional characters to simplified ones (Simplify), and the
// width, space and punctuation variants that published reports mix freely (Fold).
//
// The traditional→simplified table comes from OpenCC's TSCharacters dictionary (Apache-2.0, see LICENSE.opencc),
// one character at a time with the first candidate, so it is fast and never guesses at words. ts_table.txt is
// made by gen_table.go from Debian's opencc data (apt-get install opencc libopencc-data; go generate).
package hanzi

//go:generate go run gen_table.go -in /usr/share/opencc/TSCharacters.ocd2 -out ts_table.txt

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed ts_table.txt
var tsTable string

// table is the traditional→simplified lookup. Basic Multilingual Plane characters (all but a few hundred keys) go
// through a dense index, because Simplify looks up every non-ASCII character of every imported file and an array
// load is several times faster than a map; the rest go through a map.
type table struct {
	bmp  [0x10000]uint16 // index into vals, 0 for no mapping
	vals []rune
	supp map[rune]rune
}

var loadTable = sync.OnceValue(func() *table {
	t := &table{vals: make([]rune, 1, 4200), supp: map[rune]rune{}}
	for line := range strings.Lines(tsTable) {
		if strings.HasPrefix(line, "#") {
			continue
		}
		k, n := utf8.DecodeRuneInString(line)
		v, m := utf8.DecodeRuneInString(line[n:])
		if m == 0 || k == v || k == utf8.RuneError || v == utf8.RuneError {
			continue
		}
		if k < 0x10000 && len(t.vals) < 0x10000 {
			t.bmp[k] = uint16(len(t.vals))
			t.vals = append(t.vals, v)
		} else {
			t.supp[k] = v
		}
	}
	return t
})

// simp returns the simplified form of r and whether it differs from r.
func (t *table) simp(r rune) (rune, bool) {
	if r < 0x10000 {
		if i := t.bmp[r]; i != 0 {
			return t.vals[i], true
		}
		return r, false
	}
	v, ok := t.supp[r]
	if !ok {
		return r, false
	}
	return v, true
}

// Simplify converts traditional Chinese characters to simplified ones, one character at a time (國務院辦公廳 →
// 国务院办公厅), using the first simplified candidate OpenCC lists for each. Everything else, invalid UTF-8
// included, is copied unchanged, so Simplify(Simplify(s)) == Simplify(s). Characters that simplified text also uses
// in its own right (乾, 薹, 吒) are left alone. When nothing changes s itself is returned, without allocating.
func Simplify(s string) string {
	t := loadTable()
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if _, ok := t.simp(r); ok {
			return simplifyFrom(t, s, i)
		}
		i += n
	}
	return s
}

// simplifyFrom converts s knowing that s[:start] needs no change.
func simplifyFrom(t *table, s string, start int) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	b.WriteString(s[:start])
	for i := start; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if v, ok := t.simp(r); ok {
			b.WriteRune(v)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Fold normalises text for matching labels of published reports. It changes, one character at a time:
//
//   - traditional characters to simplified ones, as Simplify does;
//   - full-width ASCII letters and digits (ＡＢＣ１２３) to ASCII (ABC123);
//   - Unicode spaces other than ASCII ones (U+3000 ideographic space, U+00A0 no-break space, U+2000–U+200A,
//     U+202F, U+205F, U+1680, U+0085, U+2028, U+2029) to one ASCII space each — runs are not collapsed;
//   - the zero-width characters U+200B, U+200C, U+200D, U+2060 and U+FEFF (a stray byte-order mark) to nothing;
//   - ASCII ( ) : , ; to the full-width （ ）：，； of Chinese prose and of the official labels — except a comma or
//     colon between two digits (1,234 and 10:30 stay) and a colon followed by "/" (https://).
//
// Nothing else changes: quotation marks, other full-width punctuation (％ ． －), ASCII spaces, tabs, line breaks
// and invalid UTF-8 are kept as they are. Fold(Fold(s)) == Fold(s), and when nothing changes s itself is returned,
// without allocating.
func Fold(s string) string {
	t := loadTable()
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '(', ')', ';':
				return foldFrom(t, s, i)
			case ',', ':':
				if _, _, changed := foldASCIIPunct(s, i); changed {
					return foldFrom(t, s, i)
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if _, _, changed := foldRune(t, r); changed {
			return foldFrom(t, s, i)
		}
		i += n
	}
	return s
}

// foldFrom folds s knowing that s[:start] needs no change.
func foldFrom(t *table, s string, start int) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8 + 16)
	b.WriteString(s[:start])
	for i := start; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case '(':
				b.WriteString("（")
			case ')':
				b.WriteString("）")
			case ';':
				b.WriteString("；")
			case ',', ':':
				r, _, _ := foldASCIIPunct(s, i)
				b.WriteRune(r)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch v, keep, changed := foldRune(t, r); {
		case !changed:
			b.WriteString(s[i : i+n]) // keeps invalid bytes as they were
		case keep:
			b.WriteRune(v)
		}
		i += n
	}
	return b.String()
}

// foldASCIIPunct folds the ',' or ':' at s[i], looking at its neighbours as Fold leaves them so that folding twice
// decides the same way.
func foldASCIIPunct(s string, i int) (rune, int, bool) {
	c := s[i]
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	next, _ := utf8.DecodeRuneInString(s[i+1:])
	if isDigit(prev) && isDigit(next) {
		return rune(c), 1, false
	}
	if c == ':' {
		if next == '/' {
			return ':', 1, false
		}
		return '：', 1, true
	}
	return '，', 1, true
}

// isDigit reports whether r is an ASCII digit or folds to one.
func isDigit(r rune) bool {
	return '0' <= r && r <= '9' || '０' <= r && r <= '９'
}

// foldRune folds one non-ASCII rune: the result, whether to keep it (false: drop it) and whether anything changed.
func foldRune(t *table, r rune) (rune, bool, bool) {
	switch {
	case '０' <= r && r <= '９', 'Ａ' <= r && r <= 'Ｚ', 'ａ' <= r && r <= 'ｚ':
		return r - 0xFEE0, true, true
	case r == 0x200B, r == 0x200C, r == 0x200D, r == 0x2060, r == 0xFEFF:
		return 0, false, true
	case r >= 0x80 && r <= 0x3000 && unicode.IsSpace(r):
		return ' ', true, true
	}
	v, ok := t.simp(r)
	return v, true, ok
}
