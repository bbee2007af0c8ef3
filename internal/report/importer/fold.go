package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/hanzi"
)

// normLine folds one line for parsing: hanzi.Fold (traditional → simplified, full-width letters and digits → ASCII,
// odd spaces → a plain space, zero-width characters dropped, half-width ( ) : , ; → the full-width forms of the
// official labels and of Chinese prose), then the full-width ％ ． － that figures are written with → % . -, and
// carriage returns dropped. Lines that need no change (most of them) are returned without allocating. s must be
// valid UTF-8.
func normLine(s string) string {
	s = hanzi.Fold(s)
	if hasToneMark(s) {
		s = stripPinyin(s)
	}
	if !hasFigureForm(s) {
		return s
	}
	return figureForms.Replace(s)
}

// toneVowels are the vowels with the tone marks of Hanyu Pinyin.
const toneVowels = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"

// hasToneMark reports whether s holds a vowel with a pinyin tone mark: a line of text annotated with pinyin
// (平píng阴yīn县xiàn…, as reading-aid mirrors publish it). The lead bytes of those letters (C3–C7) are looked for
// first, so that a line without any is passed by one scan.
func hasToneMark(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0xC3 && c <= 0xC7 {
			r, _ := utf8.DecodeRuneInString(s[i:])
			if strings.ContainsRune(toneVowels, r) {
				return true
			}
		}
	}
	return false
}

// stripPinyin removes the pinyin of a line annotated with it: every run of Latin letters (tone-marked vowels
// included) that stands next to a Chinese character, with the brackets around it, so that the Chinese text reads
// as printed. Latin words away from Chinese characters (a URL, an e-mail address) stay.
func stripPinyin(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	isLatin := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune(toneVowels, r)
	}
	rs := []rune(s)
	han := func(i int) bool { return i >= 0 && i < len(rs) && unicode.Is(unicode.Han, rs[i]) }
	for i := 0; i < len(rs); {
		if !isLatin(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isLatin(rs[j]) {
			j++
		}
		// The run's neighbours, through one bracket or space.
		lo, hi := i-1, j
		if lo >= 0 && strings.ContainsRune("（( ", rs[lo]) {
			lo--
		}
		if hi < len(rs) && strings.ContainsRune("）) ", rs[hi]) {
			hi++
		}
		if !han(lo) && !han(hi) {
			b.WriteString(string(rs[i:j]))
			i = j
			continue
		}
		// Drop the run and the bracket or space that opened it (already written) and the one that closes it.
		out := b.String()
		if i > 0 && strings.ContainsRune("（( ", rs[i-1]) && han(i-2) {
			out = out[:len(out)-utf8.RuneLen(rs[i-1])]
			b.Reset()
			b.WriteString(out)
		}
		i = j
		if i < len(rs) && strings.ContainsRune("）) ", rs[i]) && han(i+1) {
			i++
		}
	}
	return b.String()
}

// hasFigureForm reports whether s holds a carriage return or one of the full-width forms figureForms replaces
// (％ ． －, encoded EF BC 85, EF BC 8E, EF BC 8D).
func hasFigureForm(s string) bool {
	if strings.IndexByte(s, '\r') >= 0 {
		return true
	}
	for i := 0; ; {
		j := strings.IndexByte(s[i:], 0xEF)
		if j < 0 {
			return false
		}
		i += j + 1
		if i+1 < len(s) && s[i] == 0xBC && (s[i+1] == 0x85 || s[i+1] == 0x8E || s[i+1] == 0x8D) {
			return true
		}
	}
}

// figureForms writes the full-width forms used in figures as ASCII.
var figureForms = strings.NewReplacer("％", "%", "．", ".", "－", "-", "\r", "")

// decodeRune decodes the rune at s[i], with a fast path for the three-byte sequences of CJK text.
func decodeRune(s string, i int) (rune, int) {
	if c := s[i]; c&0xF0 == 0xE0 && i+2 < len(s) {
		return rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// key reduces a label to what matching compares: no spaces, no punctuation or symbols.
func key(s string) string {
	i := 0
	for i < len(s) {
		r, n := decodeRune(s, i)
		if dropInKey(r) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := decodeRune(s, i)
		if !dropInKey(r) {
			b.WriteString(s[i : i+n])
		}
		i += n
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

// indexOf is strings.Index tuned for Chinese needles in Chinese text. strings.Index looks for the needle's first
// byte, and the lead bytes of CJK characters are nearly all alike (0xE4–0xE9), so it stops at almost every
// character; the third byte is spread over 64 values, and looking for it skips most of the text at SIMD speed.
func indexOf(s, sub string) int {
	if len(sub) < 3 || sub[0] < 0xE0 {
		return strings.Index(s, sub)
	}
	c := sub[2]
	for i := 2; i < len(s); {
		j := strings.IndexByte(s[i:], c)
		if j < 0 {
			return -1
		}
		if p := i + j - 2; strings.HasPrefix(s[p:], sub) {
			return p
		}
		i += j + 1
	}
	return -1
}

// has reports whether s contains sub (see indexOf).
func has(s, sub string) bool { return indexOf(s, sub) >= 0 }

// runeSet is a set of Basic Multilingual Plane runes, as a bitmap: testing a rune is one load, which lets a
// prefilter pass a line in one scan.
type runeSet [0x10000 / 64]uint64

// newRuneSet returns the set of the runes of s.
func newRuneSet(s string) *runeSet {
	var t runeSet
	for _, r := range s {
		t.add(r)
	}
	return &t
}

func (t *runeSet) add(r rune) {
	if r >= 0 && r < 0x10000 {
		t[r/64] |= 1 << (r % 64)
	}
}

func (t *runeSet) has(r rune) bool { return r >= 0 && r < 0x10000 && t[r/64]&(1<<(r%64)) != 0 }

// hasRuneOf reports whether s holds a rune of the set.
func hasRuneOf(s string, set *runeSet) bool {
	for i := 0; i < len(s); {
		r, n := decodeRune(s, i)
		if set.has(r) {
			return true
		}
		i += n
	}
	return false
}
