package search

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/unicode/rangetable"

	"github.com/gongkai/gongkai/internal/hanzi"
)

// class tells how a folded character takes part in tokens.
type class uint8

const (
	sep  class = iota // separates tokens; kept in the stream so that matches never run across it
	word              // letters and digits of scripts that put spaces between words: one token per run
	cjk               // Han, kana, Hangul and private-use characters: overlapping bigrams per run
)

// frune is one folded character and the bytes of the original text it came from. One original character may give
// several folded ones (Ⅲ → i i i, ㎡ → m 2), which then share its span; characters folded away (combining marks,
// zero-width characters) give none, so their bytes fall inside the span of a match around them.
type frune struct {
	r          rune
	c          class
	start, end int
}

// fold turns text into the stream of folded characters that tokens, queries and highlights are all made from, so
// the three can never disagree. Folding is, per character: traditional → simplified (hanzi.Simplify), Unicode
// compatibility decomposition (NFKD: full-width ＡＢＣ１２３ and ［］ to ASCII, ① to 1, ㎡ to m2, compatibility
// ideographs and Kangxi radicals to unified ideographs, é to e + a mark), combining marks and format characters
// dropped (so accents and zero-width spaces do not matter), and lower case. Invalid UTF-8 bytes are separators.
func fold(text string, dst []frune) []frune {
	// Simplify maps one character to one character and copies everything else byte for byte, so walking its
	// output in step with the input pairs every original character with its simplified form.
	simp := hanzi.Simplify(text)
	same := simp == text // Simplify returns text itself when nothing changes; comparing it costs nothing then
	j := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if r < utf8.RuneSelf {
			dst = append(dst, asciiRune(byte(r), i))
			i++
			j++
			continue
		}
		s := text[i : i+n] // the simplified character, as UTF-8
		if !same && j < len(simp) {
			_, m := utf8.DecodeRuneInString(simp[j:])
			s = simp[j : j+m]
			j += m
		}
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, frune{r: utf8.RuneError, c: sep, start: i, end: i + 1})
			i++
			continue
		}
		dst = foldRune(dst, s, i, i+n)
		i += n
	}
	return dst
}

// asciiRune folds one ASCII character.
func asciiRune(b byte, i int) frune {
	switch {
	case 'a' <= b && b <= 'z', '0' <= b && b <= '9':
		return frune{r: rune(b), c: word, start: i, end: i + 1}
	case 'A' <= b && b <= 'Z':
		return frune{r: rune(b + 'a' - 'A'), c: word, start: i, end: i + 1}
	}
	return frune{r: rune(b), c: sep, start: i, end: i + 1}
}

// foldRune appends the folded form of the non-ASCII character s (one character, already simplified) that spans
// text[start:end].
func foldRune(dst []frune, s string, start, end int) []frune {
	r, _ := utf8.DecodeRuneInString(s)
	// The common case, unified ideographs, has no decomposition.
	if 0x4E00 <= r && r <= 0x9FFF || 0x3400 <= r && r <= 0x4DBF {
		return append(dst, frune{r: r, c: cjk, start: start, end: end})
	}
	d := norm.NFKD.PropertiesString(s).Decomposition()
	if d == nil {
		return appendBase(dst, r, start, end)
	}
	for len(d) > 0 {
		r, n := utf8.DecodeRune(d)
		d = d[n:]
		if r >= 0x2E80 && unicode.Is(unicode.Han, r) {
			// Compatibility ideographs decompose to unified ones, which may be traditional in turn.
			r, _ = utf8.DecodeRuneInString(hanzi.Simplify(string(r)))
		}
		if r < utf8.RuneSelf {
			f := asciiRune(byte(r), start)
			f.end = end
			dst = append(dst, f)
			continue
		}
		dst = appendBase(dst, r, start, end)
	}
	return dst
}

// appendBase appends one fully decomposed non-ASCII character.
func appendBase(dst []frune, r rune, start, end int) []frune {
	switch c := classify(r); c {
	case dropped:
		return dst
	case word:
		r = unicode.ToLower(r)
		if r == 'ς' {
			r = 'σ' // SQLite folds the final sigma; PostgreSQL does not
		}
		return append(dst, frune{r: r, c: word, start: start, end: end})
	default:
		return append(dst, frune{r: r, c: c, start: start, end: end})
	}
}

// dropped marks characters that fold to nothing.
const dropped class = 255

// unicode11 holds the characters assigned in Unicode 11.0 (2018). PostgreSQL's text-search parser asks the C
// library whether a character is a letter (in every locale but C), and glibc 2.28 — the oldest C library of the
// server systems still supported (RHEL 8, Kylin V10, UOS 20) — knows Unicode 11; a newer character (CJK extension
// G and later) would be a letter to SQLite and a separator to such a server. Treating newer characters as
// separators everywhere keeps the engines identical.
var unicode11 = rangetable.Assigned("11.0.0")

// classify tells the class of a decomposed non-ASCII character. The choices were checked against every code point:
// TestEnginesKeepEveryToken indexes all of them on both engines and requires each token to come back unchanged.
func classify(r rune) class {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf),
		0x19B0 <= r && r <= 0x19C9, r == 0x1CF2, r == 0x1CF3: // vowel signs that were marks before Unicode 8, and still are to SQLite
		// Accents, vowel signs, variation selectors, zero-width spaces and joiners, soft hyphens, byte-order marks:
		// the engines would split words at them, and no one searches for them, so words join across them.
		return dropped
	case !unicode.Is(unicode11, r):
		return sep
	case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) && (unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)),
		r == 'ー': // the katakana length mark belongs to the Common script but sits inside katakana words
		return cjk
	case unicode.IsLetter(r), unicode.In(r, unicode.Nd, unicode.Nl):
		// Other numbers (No: ⁂-like counting signs, Aegean numbers) are no letters to the C library, and the
		// common ones (① ² ½) have decomposed to ASCII digits already.
		return word
	}
	// Private-use characters are separators too: the C library calls them no letters.
	return sep
}
