package importer

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tsmap.txt holds traditional→simplified character pairs (3,738), generated once from OpenCC's t2s conversion
// (Apache-2.0, see LICENSE.opencc.txt) for every CJK character outside GB2312, plus 後→后 and 於→于:
//
//	for c in U+3400…U+9FFF, U+F900…U+FAFF: opencc -c t2s.json; keep single-character changes of characters that
//	simplified text does not use (not encodable in GB2312)
//
// Characters that simplified text also uses (乾, 著 in 显著 …) are left alone, so simplified reports never change.
//
//go:embed tsmap.txt
var tsmap string

// tradBMP maps a Basic Multilingual Plane rune to its simplified form, 0 when it has none: an array lookup is
// several times faster than a map on the hot path (every character of every imported file).
var tradBMP = func() *[0x10000]rune {
	var t [0x10000]rune
	rs := []rune(strings.TrimSpace(tsmap))
	for i := 0; i+1 < len(rs); i += 2 {
		if rs[i] < 0x10000 {
			t[rs[i]] = rs[i+1]
		}
	}
	return &t
}()

func toSimp(r rune) (rune, bool) {
	if r < 0x10000 {
		if m := tradBMP[r]; m != 0 {
			return m, true
		}
	}
	return r, false
}

// normLine folds one line for parsing: traditional → simplified, full-width ASCII → ASCII, the ideographic space,
// no-break and zero-width spaces → a plain space or nothing, and half-width parentheses and colons → full-width (the
// printed forms of the official labels).
func normLine(s string) string {
	clean := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '(' || c == ')' || c == ':' || c == '\r' {
				clean = false
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0xFF01 && r <= 0xFF5E && r != '（' && r != '）' && r != '：' && r != '，' && r != '；' || r == 0x3000 || r == 0xA0 || r == 0x200B || r == 0xFEFF || r == utf8.RuneError {
			clean = false
			break
		}
		if _, ok := toSimp(r); ok {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '(':
			r = '（'
		case r == ')':
			r = '）'
		case r == ':':
			r = '：'
		case r == '\r' || r == 0x200B || r == 0xFEFF || r == utf8.RuneError:
			continue
		case r == 0x3000 || r == 0xA0:
			r = ' '
		case r >= 0xFF01 && r <= 0xFF5E && r != '（' && r != '）' && r != '：' && r != '，' && r != '；':
			r -= 0xFEE0
		}
		r, _ = toSimp(r)
		b.WriteRune(r)
	}
	return b.String()
}

// key reduces a label to what matching compares: no spaces, no punctuation or symbols.
func key(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if dropInKey(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// dropInKey reports whether r is a space, punctuation or a symbol; the CJK ideograph range, by far the most
// common, is answered without the Unicode tables.
func dropInKey(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF:
		return false
	case r < 0x80:
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFF0F, r >= 0xFF1A && r <= 0xFF20, r >= 0xFF3B && r <= 0xFF40, r >= 0xFF5B && r <= 0xFF65, r >= 0x2000 && r <= 0x206F:
		return true
	}
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}
