package hanzi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSimplify(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"report title", "政府資訊公開工作年度報告", "政府资讯公开工作年度报告"},
		{"agency", "國務院辦公廳", "国务院办公厅"},
		{"label", "「（三）不予公開」", "「（三）不予公开」"},
		{"prose", "本機關於2024年後收到申請", "本机关于2024年后收到申请"},
		{"already simplified", "平阴县卫生健康局2024年政府信息公开工作年度报告", "平阴县卫生健康局2024年政府信息公开工作年度报告"},
		{"kept as simplified text uses it", "乾县蒜薹哪吒", "乾县蒜薹哪吒"},
		{"chain resolved", "薴", "苎"},
		{"supplementary plane key", "𠁞", "𠀾"},
		{"ascii", "Annual report, 2024 (draft)", "Annual report, 2024 (draft)"},
		{"invalid utf-8 kept", "國\xff務", "国\xff务"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Simplify(tc.in); got != tc.want {
				t.Errorf("Simplify(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"traditional", "政府資訊公開工作年度報告", "政府资讯公开工作年度报告"},
		{"full-width letters and digits", "ＡＢＣ１２３ａｂｃ", "ABC123abc"},
		{"half-width label punctuation", "(三)不予公开:本机关不掌握;其他,", "（三）不予公开：本机关不掌握；其他，"},
		{"corner brackets kept", "「（三）不予公開」", "「（三）不予公开」"},
		{"thousands separator kept", "共1,234件,其中", "共1,234件，其中"},
		{"full-width digits around comma", "１,２３４", "1,234"},
		{"time kept", "10:30开始:", "10:30开始："},
		{"web address kept", "网址:https://www.gov.cn", "网址：https://www.gov.cn"},
		{"ideographic space and nbsp", "　　一、总体情况\u00a0说明", "  一、总体情况 说明"},
		{"zero-width removed", "公\u200b开\ufeff\u200d", "公开"},
		{"quotes kept", "\"依申请公开\" “答复”", "\"依申请公开\" “答复”"},
		{"other full-width kept", "１２．５％", "12．5％"},
		{"tabs and newlines kept", "一\t2\n三", "一\t2\n三"},
		{"invalid utf-8 kept", "（\xfe）,", "（\xfe），"},
		{"nothing to do", "一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Fold(tc.in)
			if got != tc.want {
				t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := Fold(got); again != got {
				t.Errorf("Fold not idempotent: %q → %q", got, again)
			}
		})
	}
}

func TestNoAllocWhenUnchanged(t *testing.T) {
	s := strings.Repeat("一、本年新收政府信息公开申请数量（三）：12,345\n", 20)
	for name, f := range map[string]func(string) string{"Simplify": Simplify, "Fold": Fold} {
		if n := testing.AllocsPerRun(100, func() { _ = f(s) }); n != 0 {
			t.Errorf("%s allocates %v times on text it leaves alone", name, n)
		}
		if got := f(s); got != s {
			t.Errorf("%s changed simplified text", name)
		}
	}
}

func TestTableLoaded(t *testing.T) {
	tb := loadTable()
	if n := len(tb.vals) - 1 + len(tb.supp); n < 4000 {
		t.Fatalf("table holds %d pairs, want the whole OpenCC list (> 4000)", n)
	}
	for k, v := range tb.supp {
		if _, again := tb.simp(v); again {
			t.Errorf("%c → %c is converted again", k, v)
		}
	}
	for k := range rune(0x10000) {
		if v, ok := tb.simp(k); ok {
			if _, again := tb.simp(v); again {
				t.Errorf("%c → %c is converted again", k, v)
			}
		}
	}
}

// seedText returns one published report (about 10 KB) in traditional characters, the worst case for speed.
func seedText(tb testing.TB) (simplified, traditional string) {
	tb.Helper()
	files, _ := filepath.Glob("../../../shared/seeds/*.txt")
	if len(files) == 0 {
		tb.Skip("seeds not found (../../../shared/seeds)")
	}
	data, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		tb.Fatal(err)
	}
	s := string(data)
	inv := map[rune]rune{}
	tt := loadTable()
	for k := range rune(0x10000) {
		if v, ok := tt.simp(k); ok {
			inv[v] = k
		}
	}
	trad := strings.Map(func(r rune) rune {
		if k, ok := inv[r]; ok {
			return k
		}
		return r
	}, s)
	return s, trad
}

func BenchmarkSimplify(b *testing.B) {
	simp, trad := seedText(b)
	for name, s := range map[string]string{"simplified": simp, "traditional": trad} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				Simplify(s)
			}
		})
	}
}

func BenchmarkFold(b *testing.B) {
	simp, trad := seedText(b)
	for name, s := range map[string]string{"simplified": simp, "traditional": trad} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			for b.Loop() {
				Fold(s)
			}
		})
	}
}

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{"政府資訊公開工作年度報告", "ＡＢＣ１２３", "(三):1,2;", "１,２", "　\u200b\ufeff", "國\xff務", ":/", "1\u200b,2"} {
		f.Add(s)
	}
	files, _ := filepath.Glob("../../../shared/seeds/*.txt")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(string(data[:min(len(data), 2000)]))
		}
	}
}

func FuzzSimplify(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		got := Simplify(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Simplify(%q) = %q: invalid UTF-8", s, got)
		}
		if again := Simplify(got); again != got {
			t.Fatalf("Simplify not idempotent: %q → %q → %q", s, got, again)
		}
	})
}

func FuzzFold(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, got)
		}
		if again := Fold(got); again != got {
			t.Fatalf("Fold not idempotent: %q → %q → %q", s, got, again)
		}
	})
}
