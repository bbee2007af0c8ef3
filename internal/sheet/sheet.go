// Package sheet keeps text that gongkai writes into spreadsheets (CSV and XLSX) from being taken for a formula.
//
// A spreadsheet program treats a cell that starts with = + - or @ as a formula, and some also one that starts
// with a tab or a carriage return after it trims it, or with the full-width forms ＝＋－＠ that Chinese input methods
// type. A name like =HYPERLINK("http://…","点击") typed into a public form would then become a live link, or
// worse, in the hands of whoever opens the export (CSV injection, OWASP). SafeCell prefixes such text with an
// apostrophe, which spreadsheet programs take as "this is text" and do not show. Every CSV and XLSX writer of
// gongkai passes its text cells through it; numbers written as numbers need no care.
package sheet

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// SafeCell returns s as a spreadsheet cell can hold it without it being taken for a formula: s itself when it
// cannot start one, otherwise s with an apostrophe in front. Text that is a plain number ("-12", "+3.5") is left
// as it is, because a spreadsheet reads it as that number and nothing else.
func SafeCell(s string) string {
	if !Risky(s) || isPlainNumber(s) {
		return s
	}
	return "'" + s
}

// Risky reports whether a spreadsheet program might take s for a formula: it starts with = + - @, a tab, a
// carriage return or a line feed, or with one of the full-width forms ＝＋－＠.
func Risky(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch r {
	case '=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠':
		return true
	}
	return false
}

// Unsafe undoes SafeCell for text read back from a spreadsheet gongkai wrote, so that a value survives an export
// and re-import unchanged: an apostrophe followed by what SafeCell guards against is dropped. Anything else is
// returned as it is.
func Unsafe(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && Risky(rest) && !isPlainNumber(rest) {
		return rest
	}
	return s
}

// isPlainNumber reports whether s is a decimal number with an optional sign and nothing else.
func isPlainNumber(s string) bool {
	t := strings.TrimLeft(s, "+-")
	if len(s)-len(t) > 1 || t == "" || t[0] < '0' || t[0] > '9' {
		return false
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	_, err := strconv.ParseFloat(t, 64)
	return err == nil
}
