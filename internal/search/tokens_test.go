package search

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"two-character word", "疫苗", []string{"疫苗", "苗"}},
		{"one character", "药", []string{"药"}},
		{"run gives bigrams and tail", "新冠疫苗", []string{"新冠", "冠疫", "疫苗", "苗"}},
		{"punctuation splits runs", "低保、医保。", []string{"低保", "保", "医保", "保"}},
		{"latin words case-folded", "COVID-19 Vaccine", []string{"covid", "19", "vaccine"}},
		{"digits and letters together are one word", "5G网络 abc123", []string{"5g", "网络", "络", "abc123"}},
		{"digits next to chinese split", "2026年3月", []string{"2026", "年", "3", "月"}},
		{"full-width letters and digits", "ＣＯＶＩＤ－１９疫苗", []string{"covid", "19", "疫苗", "苗"}},
		{"ideographic space separates", "政务\u3000公开", []string{"政务", "务", "公开", "开"}},
		{"traditional to simplified", "國務院辦公廳", []string{"国务", "务院", "院办", "办公", "公厅", "厅"}},
		{"accents dropped", "Café naïve", []string{"cafe", "naive"}},
		{"circled and roman numerals decompose", "①Ⅲ", []string{"1iii"}},
		{"zero-width characters join", "疫\u200b苗", []string{"疫苗", "苗"}},
		{"emoji and symbols separate", "疫😀苗 ★ ©", []string{"疫", "苗"}},
		{"private use separates", "王\ue000明", []string{"王", "明"}},
		{"kana and hangul are runs", "ワクチン 백신", []string{"ワク", "クチ", "チン", "ン", "백신", "신"}},
		{"invalid utf-8 separates", "疫\xff苗", []string{"疫", "苗"}},
		{"long word cut", strings.Repeat("a", 50), []string{strings.Repeat("a", maxWordRunes)}},
		{"final sigma folded like SQLite", "ΛΌΓΟΣ λόγος", []string{"λογοσ", "λογοσ"}},
		{"doc number adds tokens after the rest", "国发〔2019〕7号", []string{"国发", "发", "2019", "7", "号", docToken("国发〔2019〕7号")}},
		{"doc number in prose: one token per prefix length", "据国办函[2020]109号文", []string{
			"据国", "国办", "办函", "函", "2020", "109", "号文", "文",
			docToken("办函〔2020〕109号"), docToken("国办函〔2020〕109号"), docToken("据国办函〔2020〕109号")}},
		{"empty", "", nil},
		{"only punctuation", "，。！？（）", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Tokens(tc.text)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Tokens(%q) mismatch (-want +got):\n%s", tc.text, diff)
			}
		})
	}
}

func TestIndexText(t *testing.T) {
	got := IndexText("关于疫苗", "", "国发[2019]7号", "COVID")
	want := "关于 于疫 疫苗 苗 国发 发 2019 7 号 " + docToken("国发〔2019〕7号") + " covid"
	if got != want {
		t.Errorf("IndexText = %q, want %q", got, want)
	}
	if got := IndexText(); got != "" {
		t.Errorf("IndexText() = %q, want empty", got)
	}
}

func TestDocTokenCannotCollideWithWord(t *testing.T) {
	shortest := docToken("国发〔2019〕1号")
	if n := utf8.RuneCountInString(shortest); n <= maxWordRunes {
		t.Fatalf("shortest document-number token has %d letters, want more than maxWordRunes (%d)", n, maxWordRunes)
	}
	for _, r := range shortest {
		if r < 'a' || r > 'z' {
			t.Fatalf("document-number token %q holds %q, want letters only", shortest, r)
		}
	}
}

func TestNormalizeDocNumber(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"canonical", "平卫发〔2026〕3号", "平卫发〔2026〕3号"},
		{"square brackets", "国发[2019]7号", "国发〔2019〕7号"},
		{"full-width brackets and digits", "国办函［２０２０］１０９号", "国办函〔2020〕109号"},
		{"parentheses", "国办发(2017)47号", "国办发〔2017〕47号"},
		{"full-width parentheses", "国办发（2017）47号", "国办发〔2017〕47号"},
		{"lenticular brackets", "国办发【2017】47号", "国办发〔2017〕47号"},
		{"small tortoise-shell brackets", "国办发﹝2017﹞47号", "国办发〔2017〕47号"},
		{"spaces, 第 and leading zeros", " 国办发 〔2017〕 第 047 号 ", "国办发〔2017〕47号"},
		{"traditional", "平衛發〔2026〕3號", "平卫发〔2026〕3号"},
		{"everything at once", "平衛發［２０２６］第03號", "平卫发〔2026〕3号"},
		{"not a doc number is still folded", "GB/T 9704－2012", "gb/t9704-2012"},
		{"brackets unified outside the pattern", "京政办〔2020〕", "京政办〔2020〕"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NormalizeDocNumber(tc.in); got != tc.want {
				t.Errorf("NormalizeDocNumber(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got := NormalizeDocNumber(NormalizeDocNumber(tc.in)); got != tc.want {
				t.Errorf("NormalizeDocNumber not idempotent on %q: %q", tc.in, got)
			}
		})
	}
}

func TestLooksLikeDocNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"平卫发〔2026〕3号", true},
		{"国办函〔2020〕109号", true},
		{"国发[2019]7号", true},
		{"国办发〔2017〕47号", true},
		{"  国办发（２０１７）第47號  ", true},
		{"国卫办医函〔2019〕12号", true},
		{"发〔2019〕7号", false},             // one-character prefix
		{"〔2019〕7号", false},              // no prefix
		{"国发〔19〕7号", false},              // two-digit year
		{"国发〔2019〕7", false},             // no 号
		{"国发〔2019〕7号 疫苗", false},         // more than a 文号
		{"关于国发〔2019〕7号", true},           // a longer prefix is still a prefix
		{"一二三四五六七八九十一二三〔2019〕7号", false}, // 13 characters: no agency abbreviation is that long
		{"国发〔2019〕1234567号", false},      // serial too long
		{"国发〔2019〕7a号", false},
		{"疫苗", false},
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := LooksLikeDocNumber(tc.in); got != tc.want {
				t.Errorf("LooksLikeDocNumber(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

// TestTokenBudget keeps the measurement in the package documentation true: bigrams plus tail tokens cost little
// more than bigrams alone, far less than bigrams plus unigrams.
func TestTokenBudget(t *testing.T) {
	files, err := filepath.Glob("testdata/report-*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no reports in testdata: %v", err)
	}
	var tokens, cjkChars, runs, longRuns int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		tokens += len(Tokens(string(b)))
		st := fold(string(b), nil)
		for i, r := range st {
			if r.c == cjk {
				cjkChars++
				if i == 0 || st[i-1].c != cjk {
					runs++
					if i+1 < len(st) && st[i+1].c == cjk {
						longRuns++
					}
				}
			}
		}
	}
	bigramsOnly := tokens - longRuns // a run of two or more gives one token more than its bigrams
	unigrams := tokens + cjkChars - runs
	if got := float64(tokens) / float64(bigramsOnly); got > 1.2 {
		t.Errorf("tail tokens cost ×%.2f over bigrams only, want at most ×1.2", got)
	}
	if got := float64(unigrams) / float64(tokens); got < 1.6 {
		t.Errorf("unigrams would cost only ×%.2f over the tail scheme; revisit the decision in doc.go", got)
	}
	t.Logf("%d tokens (bigrams only %d, with unigrams %d) for %d CJK characters in %d runs", tokens, bigramsOnly, unigrams, cjkChars, runs)
}
