package importer

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// cnDigits are the characters official documents write years with ("二〇二四年").
var cnDigits = map[rune]int{'〇': 0, '零': 0, 'Ｏ': 0, 'O': 0, '○': 0, '一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// arabicDates rewrites dates written in Chinese numerals — "二〇二四年一月十五日", "二〇二三年度" — with Arabic digits,
// for the header and signature patterns. Other text is returned unchanged (and without allocating when there is
// no 年 in it).
func arabicDates(s string) string {
	if !strings.Contains(s, "年") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		// A run of four Chinese digits followed by 年.
		if y, n := cnYear(s[i:]); n > 0 {
			b.WriteString(strconv.Itoa(y))
			i += n
			// Month and day after it: 一月十五日.
			if strings.HasPrefix(s[i:], "年") {
				b.WriteString("年")
				i += len("年")
				if m, n := cnSmall(s[i:]); n > 0 && strings.HasPrefix(s[i+n:], "月") {
					b.WriteString(strconv.Itoa(m) + "月")
					i += n + len("月")
					if d, n := cnSmall(s[i:]); n > 0 && strings.HasPrefix(s[i+n:], "日") {
						b.WriteString(strconv.Itoa(d))
						i += n
					}
				}
			}
			continue
		}
		_, sz := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+sz])
		i += sz
	}
	return b.String()
}

// cnYear reads four Chinese digits followed by 年 at the start of s.
func cnYear(s string) (int, int) {
	y, n := 0, 0
	for k := 0; k < 4; k++ {
		r, sz := utf8.DecodeRuneInString(s[n:])
		d, ok := cnDigits[r]
		if !ok {
			return 0, 0
		}
		y = y*10 + d
		n += sz
	}
	if !strings.HasPrefix(s[n:], "年") || y < 1900 || y > 2199 {
		return 0, 0
	}
	return y, n
}

// cnSmall reads a number from 1 to 39 written in Chinese (一, 十, 十五, 二十, 三十一) at the start of s.
func cnSmall(s string) (int, int) {
	val, n, tens := 0, 0, false
	for k := 0; k < 3; k++ {
		r, sz := utf8.DecodeRuneInString(s[n:])
		if r == '十' {
			if tens {
				break
			}
			if val == 0 {
				val = 1
			}
			val *= 10
			tens = true
			n += sz
			continue
		}
		d, ok := cnDigits[r]
		if !ok || d == 0 {
			break
		}
		if tens {
			val += d
			n += sz
			break
		}
		if val != 0 {
			break
		}
		val = d
		n += sz
	}
	if n == 0 || val < 1 || val > 39 {
		return 0, 0
	}
	return val, n
}
