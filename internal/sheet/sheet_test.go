package sheet

import "testing"

func TestSafeCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`=HYPERLINK("http://x","点击")`, `'=HYPERLINK("http://x","点击")`},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"＝HYPERLINK(\"http://x\")", "'＝HYPERLINK(\"http://x\")"},
		{"＋1", "'＋1"}, {"－1", "'－1"}, {"＠x", "'＠x"},
		{"+86 138 0013 8000", "'+86 138 0013 8000"},
		{"-12", "-12"}, {"+3.5", "+3.5"}, {"-0.25", "-0.25"}, {"--1", "'--1"}, {"-", "'-"}, {"-1e5", "'-1e5"},
		{"张三", "张三"}, {"", ""}, {"a=b", "a=b"}, {"'=x", "'=x"},
	} {
		if got := SafeCell(tc.in); got != tc.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if tc.in == "'=x" {
			continue // already escaped by whoever typed it: Unsafe cannot tell it from SafeCell's own
		}
		if got := Unsafe(SafeCell(tc.in)); got != tc.in {
			t.Errorf("Unsafe(SafeCell(%q)) = %q", tc.in, got)
		}
	}
}
