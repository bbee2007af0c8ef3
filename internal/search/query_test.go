package search

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
	wh := func(s string) string { return docToken(s) }
	for _, tc := range []struct {
		name, q, fts5, tsquery, doc string
	}{
		{"two-character word", "疫苗", `"疫苗"`, `'疫苗'`, ""},
		{"run is a phrase of adjacent bigrams", "新冠疫苗", `"新冠 冠疫 疫苗"`, `('新冠' <-> '冠疫' <-> '疫苗')`, ""},
		{"one character is a prefix", "药", `"药"*`, `'药':*`, ""},
		{"words are ANDed", "医保 低保", `"医保" AND "低保"`, `'医保' & '低保'`, ""},
		{"exclusion", "新冠疫苗 -香港 药", `("新冠 冠疫 疫苗" AND "药"*) NOT "香港"`, `('新冠' <-> '冠疫' <-> '疫苗') & '药':* & !'香港'`, ""},
		{"one included term, several excluded", "疫苗 -香港 -澳门", `"疫苗" NOT "香港" NOT "澳门"`, `'疫苗' & !'香港' & !'澳门'`, ""},
		{"full-width minus excludes", "疫苗 －香港", `"疫苗" NOT "香港"`, `'疫苗' & !'香港'`, ""},
		{"excluded phrase", `疫苗 -"香港 澳门"`, `"疫苗" NOT "香港 港 澳门"`, `'疫苗' & !('香港' <-> '港' <-> '澳门')`, ""},
		{"phrase across a space keeps the tail token between runs", `"新冠 疫苗"`, `"新冠 冠 疫苗"`, `('新冠' <-> '冠' <-> '疫苗')`, ""},
		{"curly quotes make a phrase", "“新冠 疫苗”", `"新冠 冠 疫苗"`, `('新冠' <-> '冠' <-> '疫苗')`, ""},
		{"phrase ending in one character", `"新冠 药"`, `"新冠 冠 药"*`, `('新冠' <-> '冠' <-> '药':*)`, ""},
		{"unclosed quote runs to the end", `"新冠 疫苗`, `"新冠 冠 疫苗"`, `('新冠' <-> '冠' <-> '疫苗')`, ""},
		{"latin phrase from punctuation", "COVID-19", `"covid 19"`, `('covid' <-> '19')`, ""},
		{"full-width and case fold", "ＣＯＶＩＤ", `"covid"`, `'covid'`, ""},
		{"traditional folds", "醫保", `"医保"`, `'医保'`, ""},
		{"mixed chinese and digits", "2026年", `"2026 年"*`, `('2026' <-> '年':*)`, ""},
		{"doc number", "国办函〔2020〕109号", `"` + wh("国办函〔2020〕109号") + `"`, `'` + wh("国办函〔2020〕109号") + `'`, "国办函〔2020〕109号"},
		{"doc number variants", " 国办函［２０２０］第109號 ", `"` + wh("国办函〔2020〕109号") + `"`, `'` + wh("国办函〔2020〕109号") + `'`, "国办函〔2020〕109号"},
		{"quoted doc number", `"国发[2019]7号"`, `"` + wh("国发〔2019〕7号") + `"`, `'` + wh("国发〔2019〕7号") + `'`, "国发〔2019〕7号"},
		{"doc number among words", "国发[2019]7号 营商", `"` + wh("国发〔2019〕7号") + `" AND "营商"`, `'` + wh("国发〔2019〕7号") + `' & '营商'`, ""},
		{"operators are words", "疫苗 OR 医保 AND NOT NEAR", `"疫苗" AND "or" AND "医保" AND "and" AND "not" AND "near"`, `'疫苗' & 'or' & '医保' & 'and' & 'not' & 'near'`, ""},
		{"star and caret are separators", "疫苗* ^医保", `"疫苗" AND "医保"`, `'疫苗' & '医保'`, ""},
		{"column filter is text", "tokens:疫苗", `"tokens 疫苗"`, `('tokens' <-> '疫苗')`, ""},
		{"parentheses are separators", "(疫苗 OR 医保)", `"疫苗" AND "or" AND "医保"`, `'疫苗' & 'or' & '医保'`, ""},
		{"NEAR group is text", "NEAR(疫苗 医保, 5)", `"near 疫苗" AND "医保" AND "5"`, `('near' <-> '疫苗') & '医保' & '5'`, ""},
		{"sql injection is words", "'; DROP TABLE items; --", `"drop" AND "table" AND "items"`, `'drop' & 'table' & 'items'`, ""},
		{"tsquery syntax is text", "疫苗 & !医保 | a:* <-> b", `"疫苗" AND "医保" AND "a" AND "b"`, `'疫苗' & '医保' & 'a' & 'b'`, ""},
		{"duplicates dropped", "疫苗 疫苗 ＂疫苗＂", `"疫苗"`, `'疫苗'`, ""},
		{"same term included and excluded matches nothing", "疫苗 -疫苗", `"疫苗" NOT "疫苗"`, `'疫苗' & !'疫苗'`, ""},
		{"control characters and invalid utf-8 are spaces", "疫\x00苗\xff医保\x1b", `"疫"* AND "苗"* AND "医保"`, `'疫':* & '苗':* & '医保'`, ""},
		{"only excluded is empty", "-疫苗 -医保", "", "", ""},
		{"only punctuation is empty", `"" () * : - -- ' ;`, "", "", ""},
		{"emoji is empty", "😀🎉", "", "", ""},
		{"empty", "", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := ParseQuery(tc.q)
			if got := q.FTS5(); got != tc.fts5 {
				t.Errorf("FTS5() = %s, want %s", got, tc.fts5)
			}
			if got := q.TSQuery(); got != tc.tsquery {
				t.Errorf("TSQuery() = %s, want %s", got, tc.tsquery)
			}
			if got := q.DocNumber(); got != tc.doc {
				t.Errorf("DocNumber() = %q, want %q", got, tc.doc)
			}
			if got, want := q.Empty(), tc.fts5 == ""; got != want {
				t.Errorf("Empty() = %v, want %v", got, want)
			}
		})
	}
}

// hostileQueries are queries that try to be syntax on one engine or the other, or to make the parser work hard.
var hostileQueries = []string{
	`"`, `""`, `"""`, `"疫苗`, `疫苗"`, `"疫苗"" OR ""1"="1`, `'`, `''`, `' OR '1'='1`, `'); DROP TABLE items; --`,
	`疫苗 OR 1=1`, `NOT 疫苗`, `疫苗 NOT`, `AND`, `or`, `NEAR(疫苗 医保)`, `NEAR/3`, `tokens:疫苗`, `{tokens}:疫苗`,
	`-tokens:疫苗`, `^疫苗`, `疫苗*`, `*`, `**`, `药*`, `+疫苗`, `疫苗 + 医保`, `(`, `)`, `(疫苗`, `疫苗)`, `()`,
	`\疫苗`, `\'`, `%疫苗%`, `_`, `疫苗 & 医保`, `疫苗 | 医保`, `!疫苗`, `疫苗 <-> 医保`, `疫苗:*`, `疫苗:A`, `<2>`,
	`$1`, `?`, `;`, "\x00", "\x00疫苗\x00", "疫苗\x1b[31m", "\xed\xa0\x80疫苗\xff", "\xff\xfe", "\uFEFF疫苗\u200b",
	"😀", "😀 测试", "\U0010FFFF", "\ue000", "-", "--", "- -", "-\"", "--疫苗", "-\"疫苗\"",
	strings.Repeat("疫", 10000), strings.Repeat("a", 10000), strings.Repeat("疫苗 ", 2000), strings.Repeat(`"`, 999),
	strings.Repeat("(", 500) + "疫苗" + strings.Repeat(")", 500), strings.Repeat("-疫苗 ", 100) + "医保",
	strings.Repeat("国发〔2019〕7号", 50),
}

// The engine strings ParseQuery may produce, and nothing else: quoted phrases of letters and digits, the few
// operators it writes itself, and nothing of what was typed outside the quotes.
var (
	fts5Phrase = `"[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*"\*?`
	fts5Shape  = regexp.MustCompile(`^(?:` + fts5Phrase + `(?: AND ` + fts5Phrase + `)*|\(` + fts5Phrase + `(?: AND ` + fts5Phrase + `)+\))(?: NOT ` + fts5Phrase + `)*$`)
	tsLexeme   = `'[\p{L}\p{N}]+'(?::\*)?`
	tsPhrase   = `(?:` + tsLexeme + `|\(` + tsLexeme + `(?: <-> ` + tsLexeme + `)+\))`
	tsShape    = regexp.MustCompile(`^` + tsPhrase + `(?: & ` + tsPhrase + `)*(?: & !` + tsPhrase + `)*$`)
)

// checkShape fails when the engine strings of q are not of the shapes above, or disagree on emptiness.
func checkShape(t testing.TB, input string, q Query) {
	t.Helper()
	f, ts := q.FTS5(), q.TSQuery()
	if q.Empty() {
		if f != "" || ts != "" {
			t.Fatalf("ParseQuery(%q) is empty but gives FTS5 %q, tsquery %q", input, f, ts)
		}
		return
	}
	if !fts5Shape.MatchString(f) {
		t.Fatalf("ParseQuery(%q).FTS5() = %q, not a well-formed phrase expression", input, f)
	}
	if !tsShape.MatchString(ts) {
		t.Fatalf("ParseQuery(%q).TSQuery() = %q, not a well-formed phrase expression", input, ts)
	}
	if n := strings.Count(f, " AND ") + strings.Count(f, " NOT ") + 1; n > MaxTerms {
		t.Fatalf("ParseQuery(%q) keeps %d terms, want at most %d", input, n, MaxTerms)
	}
}

func TestHostileQueriesAreWellFormed(t *testing.T) {
	for _, in := range hostileQueries {
		checkShape(t, in, ParseQuery(in))
	}
}

func TestQueryLimits(t *testing.T) {
	t.Run("terms capped", func(t *testing.T) {
		var words []string
		for i := range 40 {
			words = append(words, "w"+strings.Repeat("x", i))
		}
		q := ParseQuery(strings.Join(words, " "))
		if got := strings.Count(q.FTS5(), " AND ") + 1; got != MaxTerms {
			t.Errorf("%d terms kept, want %d", got, MaxTerms)
		}
		if !strings.HasPrefix(q.FTS5(), `"w" AND "wx" AND`) {
			t.Errorf("FTS5() = %s, want the first terms kept", q.FTS5())
		}
	})
	t.Run("excluded terms count toward the cap", func(t *testing.T) {
		var words []string
		for i := range 20 {
			words = append(words, "-x"+strings.Repeat("y", i))
		}
		q := ParseQuery("疫苗 " + strings.Join(words, " ") + " 医保")
		if strings.Contains(q.FTS5(), "医保") {
			t.Errorf("FTS5() = %s, want terms past the cap ignored", q.FTS5())
		}
	})
	t.Run("long phrase capped", func(t *testing.T) {
		q := ParseQuery(strings.Repeat("疫苗", 100))
		if got := strings.Count(q.FTS5(), " ") + 1; got != maxPhraseTokens {
			t.Errorf("phrase of %d tokens, want %d", got, maxPhraseTokens)
		}
	})
	t.Run("query cut at MaxQueryRunes", func(t *testing.T) {
		if got, want := ParseQuery(strings.Repeat(" ", MaxQueryRunes-1)+"疫苗").FTS5(), `"疫"*`; got != want {
			t.Errorf("FTS5() = %s, want %s", got, want)
		}
		if q := ParseQuery(strings.Repeat(" ", MaxQueryRunes) + "疫苗"); !q.Empty() {
			t.Errorf("FTS5() = %s, want the text after %d characters ignored", q.FTS5(), MaxQueryRunes)
		}
	})
}

func FuzzParseQuery(f *testing.F) {
	for _, q := range hostileQueries {
		f.Add(q)
	}
	for _, q := range engineQueries {
		f.Add(q.q)
	}
	db := openSQLite(f)
	f.Fuzz(func(t *testing.T, in string) {
		q := ParseQuery(in)
		checkShape(t, in, q)
		if !q.Empty() {
			if _, err := sqliteMatch(db, q.FTS5()); err != nil {
				t.Fatalf("ParseQuery(%q).FTS5() = %q fails on SQLite: %v", in, q.FTS5(), err)
			}
		}
		h := string(Highlight(in, q))
		if !utf8.ValidString(h) {
			t.Fatalf("Highlight(%q) is not valid UTF-8: %q", in, h)
		}
		if got, want := unmark(t, h), strings.ReplaceAll(strings.ToValidUTF8(in, "\uFFFD"), "\x00", "\uFFFD"); got != want {
			t.Fatalf("Highlight(%q) without marks = %q, want the text back", in, got)
		}
		if s := string(Snippet(in, q, 20)); !utf8.ValidString(s) {
			t.Fatalf("Snippet(%q) is not valid UTF-8: %q", in, s)
		}
	})
}

func TestTSQueryTokens(t *testing.T) {
	for _, tc := range []struct{ q, want string }{
		{"新冠疫苗 -香港 药", `'新冠' & '冠疫' & '疫苗' & '药':*`},
		{"疫苗 医保", `'疫苗' & '医保'`},
		{"疫苗接种 疫苗", `'疫苗' & '苗接' & '接种'`},
		{"平卫发〔2025〕3号", ParseQuery("平卫发〔2025〕3号").TSQuery()},
		{"-香港", ""},
	} {
		if got := ParseQuery(tc.q).TSQueryTokens(); got != tc.want {
			t.Errorf("TSQueryTokens(%q) = %s, want %s", tc.q, got, tc.want)
		}
	}
	// Without phrases and exclusions it is the query itself.
	if q := ParseQuery("疫苗 医保 药"); q.TSQueryTokens() != q.TSQuery() {
		t.Errorf("%s ≠ %s", q.TSQueryTokens(), q.TSQuery())
	}
}

func TestTSQueryTokensPrefixed(t *testing.T) {
	q := ParseQuery("新冠疫苗 -香港 药")
	if got, want := q.TSQueryTokensPrefixed("12t|"), `'12t|新冠' & '12t|冠疫' & '12t|疫苗' & '12t|药':*`; got != want {
		t.Errorf("TSQueryTokensPrefixed = %s, want %s", got, want)
	}
	if got := q.TSQueryTokensPrefixed(""); got != q.TSQueryTokens() {
		t.Errorf("no prefix: %s ≠ %s", got, q.TSQueryTokens())
	}
	if got, want := QuoteLexeme(`a'b\c`), `'a''b\\c'`; got != want {
		t.Errorf("QuoteLexeme = %s, want %s", got, want)
	}
	if got := (Query{}).TSQueryTokensPrefixed("1|"); got != "" {
		t.Errorf("empty query: %q", got)
	}
}
