package casexlsx

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldWidth turns full-width ASCII (typed with a Chinese input method: "１３８", "（") into half-width, and the
// ideographic space into a plain one.
func foldWidth(s string) string {
	if isASCII(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// key is the form in which headers and list values are compared: width folded, without any spaces, lower case, so
// that "公民(自然人)", "公民（自然人）" and " 公民（自然人） " are one value.
func key(s string) string {
	s = foldWidth(s)
	return strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, s))
}

// headerKey is key for a header cell, without the "*" that marks a required column in the template nor the
// "（必填）" some officers write instead.
func headerKey(s string) string {
	k := key(s)
	for {
		switch {
		case strings.HasSuffix(k, "*"):
			k = strings.TrimSuffix(k, "*")
		case strings.HasSuffix(k, "(必填)"):
			k = strings.TrimSuffix(k, "(必填)")
		case strings.HasPrefix(k, "*"):
			k = strings.TrimPrefix(k, "*")
		default:
			return k
		}
	}
}

// displayWidth is the width of s in Excel's column unit (the width of a digit): a Chinese character or full-width
// form takes two, anything else one. Multi-line text counts its longest line.
func displayWidth(s string) int {
	best, w := 0, 0
	for _, r := range s {
		switch {
		case r == '\n':
			best, w = max(best, w), 0
		case isWide(r):
			w += 2
		default:
			w++
		}
	}
	return max(best, w)
}

func isWide(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case unicode.Is(unicode.Han, r):
		return true
	}
	return (r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) ||
		(r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6)
}

// columnWidth fits a column to its longest text, within bounds that keep a sheet readable: long descriptions are
// cut off at the edge of a wide column rather than making the sheet scroll for ever.
func columnWidth(longest int) float64 {
	return float64(min(max(longest+2, 8), 60))
}

// cleanCell drops the control characters XML cannot hold (keeping line breaks and tabs) and keeps the text within
// Excel's limit of 32,767 characters per cell.
func cleanCell(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 32000 {
		s = string([]rune(s)[:32000])
	}
	return s
}

// quote shortens a value for a message, so that a pasted essay does not flood the list of problems.
func quote(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 20 {
		s = string([]rune(s)[:20]) + "…"
	}
	return "“" + s + "”"
}

// unescapeOOXML decodes the _xHHHH_ escapes with which Excel stores characters XML cannot hold (_x000D_ for a
// carriage return); _x005F_ escapes a literal underscore.
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if v, ok := hex4(s[i+2 : i+6]); ok {
				if v == 0x5F && i+14 <= len(s) && s[i+7] == '_' && s[i+8] == 'x' && s[i+13] == '_' {
					if _, ok := hex4(s[i+9 : i+13]); ok {
						b.WriteString(s[i+7 : i+14])
						i += 14
						continue
					}
				}
				b.WriteRune(rune(v))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func hex4(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			v = v*16 + int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v*16 + int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v*16 + int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
