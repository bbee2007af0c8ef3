package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a query can ask for. Longer queries are cut, further terms are ignored: a search box is not a
// place to paste a document, and every term is a posting-list walk on the database.
const (
	// MaxQueryRunes is how many characters of a query are read; the rest is ignored.
	MaxQueryRunes = 256
	// MaxTerms is how many terms (included and excluded together, in the order typed) a query keeps.
	MaxTerms = 16
	// maxPhraseTokens caps the tokens of one term; a longer phrase matches on its first maxPhraseTokens tokens.
	maxPhraseTokens = 32
)

// Query is a parsed search query: the terms that must all match, the terms that must not, and the 文号 when the
// whole query is one. Its zero value is the empty query. Build it with ParseQuery; the strings it gives for the
// engines are made only from tokens, so nothing the user typed reaches them as syntax.
type Query struct {
	include   []term
	exclude   []term
	docNumber string
}

// term is one word or phrase of a query, as a sequence of index tokens that must appear in order, adjacent.
type term struct {
	tokens []string
	// prefix marks the last token as a prefix: a lone CJK character at the end of a term matches the bigrams
	// starting with it and the tail token of a run ending with it — every occurrence of the character.
	prefix  bool
	needles []needle // what Highlight looks for
	doc     string   // the canonical 文号 when the term is one
}

// needle is one run of a term, searched for in the folded text by Highlight.
type needle struct {
	runes []rune
	c     class
}

// ParseQuery parses what a user typed into the search box. Terms are separated by spaces (any Unicode space) and
// must all match; "…" (or “…”, ＂…＂) makes a phrase that may contain spaces; a - or － at the start of a term
// excludes it. Inside a term, text is folded and split exactly as Tokens does, so a term is a phrase of its tokens:
// 新冠疫苗 matches only the four characters together, COVID-19 matches covid followed by 19. Everything else is
// text, never syntax: AND, OR, NOT and NEAR are plain words, and quotes, parentheses, colons, stars, carets and
// emoji are separators. Only the first MaxQueryRunes characters and the first MaxTerms terms count; invalid UTF-8
// and control characters are spaces. A query that is one 文号 (LooksLikeDocNumber) becomes a single
// document-number term, and DocNumber reports it. A query with excluded terms only is empty: the engines cannot
// search for what is absent without scanning everything.
func ParseQuery(q string) Query {
	s := sanitize(q)
	if m, ok := wholeDocNumber(fold(unquote(s), nil)); ok {
		d := m.canonical(len(m.prefix))
		return Query{include: []term{docTerm(d)}, docNumber: d}
	}
	var out Query
	seen := map[string]bool{}
	n := 0
	for _, raw := range splitTerms(s) {
		if n == MaxTerms {
			break
		}
		t, ok := makeTerm(raw.text)
		if !ok {
			continue
		}
		key := t.fts5()
		if raw.exclude {
			key = "-" + key
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		n++
		if raw.exclude {
			out.exclude = append(out.exclude, t)
		} else {
			out.include = append(out.include, t)
		}
	}
	if len(out.include) == 0 {
		return Query{}
	}
	return out
}

// sanitize keeps the first MaxQueryRunes characters of q and turns invalid bytes and control characters into
// spaces.
func sanitize(q string) string {
	var b strings.Builder
	b.Grow(min(len(q), 4*MaxQueryRunes))
	n := 0
	for i := 0; i < len(q) && n < MaxQueryRunes; n++ {
		r, w := utf8.DecodeRuneInString(q[i:])
		i += w
		if r == utf8.RuneError && w == 1 || unicode.IsControl(r) {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isQuote reports whether r opens or closes a phrase.
func isQuote(r rune) bool {
	switch r {
	case '"', '＂', '“', '”':
		return true
	}
	return false
}

// unquote removes one pair of quotes around s, so that "国办函〔2020〕109号" typed in quotes is still a 文号.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	first, n := utf8.DecodeRuneInString(s)
	last, m := utf8.DecodeLastRuneInString(s)
	if len(s) > n+m && isQuote(first) && isQuote(last) {
		return s[n : len(s)-m]
	}
	return s
}

type rawTerm struct {
	text    string
	exclude bool
}

// splitTerms splits a sanitized query into its words and phrases.
func splitTerms(s string) []rawTerm {
	var out []rawTerm
	i := 0
	next := func() (rune, int) { return utf8.DecodeRuneInString(s[i:]) }
	for i < len(s) {
		r, w := next()
		if unicode.IsSpace(r) {
			i += w
			continue
		}
		var t rawTerm
		if r == '-' || r == '－' {
			t.exclude = true
			i += w
			if i >= len(s) {
				break
			}
			r, w = next()
		}
		start := i
		if isQuote(r) {
			i += w
			start = i
			for i < len(s) {
				if r, w := next(); isQuote(r) {
					t.text = s[start:i]
					i += w
					start = -1
					break
				} else {
					i += w
				}
			}
			if start >= 0 { // no closing quote: the phrase runs to the end
				t.text = s[start:]
			}
		} else {
			for i < len(s) {
				if r, w := next(); unicode.IsSpace(r) {
					break
				} else {
					i += w
				}
			}
			t.text = s[start:i]
		}
		out = append(out, t)
	}
	return out
}

// docTerm is the term of a canonical 文号: its one document-number token.
func docTerm(canonical string) term {
	return term{tokens: []string{docToken(canonical)}, doc: canonical}
}

// makeTerm turns the text of one word or phrase into a term; ok is false when the text has no tokens.
func makeTerm(text string) (term, bool) {
	st := fold(text, nil)
	if m, ok := wholeDocNumber(st); ok {
		return docTerm(m.canonical(len(m.prefix))), true
	}
	var runs [][]frune
	for i := 0; i < len(st); {
		if st[i].c == sep {
			i++
			continue
		}
		j := i + 1
		for j < len(st) && st[j].c == st[i].c {
			j++
		}
		runs = append(runs, st[i:j])
		i = j
	}
	var t term
	for k, run := range runs {
		last := k == len(runs)-1
		nd := needle{c: run[0].c}
		for _, f := range run {
			nd.runes = append(nd.runes, f.r)
		}
		if nd.c == word {
			nd.runes = nd.runes[:min(len(nd.runes), maxWordRunes)]
			t.tokens = append(t.tokens, string(nd.runes))
		} else {
			// The bigrams of the run, and — when more follows — its tail token, which the index has wherever a
			// run ends. A lone last character becomes a prefix, so it is found at the start and in the middle of
			// runs (as the first half of a bigram) and at their end (as a tail token).
			for k := 0; k+1 < len(nd.runes); k++ {
				t.tokens = append(t.tokens, string(nd.runes[k:k+2]))
			}
			if len(nd.runes) == 1 || !last {
				t.tokens = append(t.tokens, string(nd.runes[len(nd.runes)-1:]))
			}
			t.prefix = last && len(nd.runes) == 1
		}
		t.needles = append(t.needles, nd)
	}
	if len(t.tokens) > maxPhraseTokens {
		t.tokens = t.tokens[:maxPhraseTokens]
		t.prefix = false
	}
	return t, len(t.tokens) > 0
}

// Empty reports whether the query has nothing to search for; FTS5 and TSQuery return "" then, and the store must
// not run a full-text search (an empty tsquery matches nothing, and PostgreSQL logs a notice about it).
func (q Query) Empty() bool { return len(q.include) == 0 }

// DocNumber returns the canonical 文号 (NormalizeDocNumber) when the whole query is one, else "". The store can
// then look for the item whose 文号 field equals it, and show it first.
func (q Query) DocNumber() string { return q.docNumber }

// FTS5 returns the argument for SQLite's MATCH on an FTS5 table whose column holds IndexText: every term a
// double-quoted phrase of tokens (a lone trailing CJK character as a prefix phrase, "药"*), joined by AND, and each
// excluded term after NOT — for 新冠疫苗 -香港 药: ("新冠 冠疫 疫苗" AND "药"*) NOT "香港". Pass it as a bound
// parameter. It is "" for the empty query.
func (q Query) FTS5() string {
	if q.Empty() {
		return ""
	}
	var b strings.Builder
	if len(q.include) > 1 && len(q.exclude) > 0 {
		b.WriteByte('(')
	}
	for i, t := range q.include {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(t.fts5())
	}
	if len(q.include) > 1 && len(q.exclude) > 0 {
		b.WriteByte(')')
	}
	for _, t := range q.exclude {
		b.WriteString(" NOT ")
		b.WriteString(t.fts5())
	}
	return b.String()
}

// fts5 renders one term as an FTS5 phrase.
func (t term) fts5() string {
	s := `"` + strings.ReplaceAll(strings.Join(t.tokens, " "), `"`, `""`) + `"`
	if t.prefix {
		s += "*"
	}
	return s
}

// TSQuery returns the argument for PostgreSQL's to_tsquery('simple', …), matched against
// to_tsvector('simple', column) of a column holding IndexText: every term its quoted tokens joined by the
// followed-by operator <->, the terms joined by &, excluded terms after & ! — for 新冠疫苗 -香港 药:
// ('新冠' <-> '冠疫' <-> '疫苗') & '药':* & !'香港'. Pass it as a bound parameter. It is "" for the empty query.
func (q Query) TSQuery() string {
	if q.Empty() {
		return ""
	}
	var b strings.Builder
	for i, t := range q.include {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteString(t.tsquery())
	}
	for _, t := range q.exclude {
		b.WriteString(" & !")
		b.WriteString(t.tsquery())
	}
	return b.String()
}

// TSQueryTokens returns a looser query than TSQuery for PostgreSQL: the included terms' tokens, each once, joined by
// &, without their order and without the excluded terms — for 新冠疫苗 -香港 药: '新冠' & '冠疫' & '疫苗' & '药':*.
// Its matches include TSQuery's, and a GIN index answers it exactly, without re-reading each candidate's tsvector
// for positions; the store checks TSQuery on the few candidates it shows. It equals TSQuery when the query has no
// phrase and no excluded term. It is "" for the empty query.
func (q Query) TSQueryTokens() string { return q.TSQueryTokensPrefixed("") }

// TSQueryTokensPrefixed is TSQueryTokens with every lexeme written as pre followed by the token, for an index whose
// lexemes carry a prefix of the store's making (PostgreSQL's item_search: "12|疫苗"). Unlike TSQueryTokens, whose
// lexemes to_tsquery re-parses, it is meant for the tsquery type's own input ($1::tsquery), which takes a quoted
// lexeme as it is: pre may hold characters that the parser would split at. It is "" for the empty query.
func (q Query) TSQueryTokensPrefixed(pre string) string {
	if q.Empty() {
		return ""
	}
	var parts []string
	seen := map[string]bool{}
	for _, t := range q.include {
		for i, tok := range t.tokens {
			lex := QuoteLexeme(pre + tok)
			if t.prefix && i == len(t.tokens)-1 {
				lex += ":*"
			}
			if !seen[lex] {
				seen[lex] = true
				parts = append(parts, lex)
			}
		}
	}
	return strings.Join(parts, " & ")
}

// QuoteLexeme writes a lexeme as a quoted operand of a tsquery: in quotes, with quotes doubled and backslashes
// escaped, so that the tsquery input takes it as one lexeme whatever it holds.
func QuoteLexeme(lex string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(lex, `\`, `\\`), "'", "''") + "'"
}

// TSQueryIn is TSQuery with every included lexeme restricted to the weight label (A–D) the store gives a field:
// "A" finds the query's words in the titles alone, when titles are indexed with setweight(…, 'A').
func (q Query) TSQueryIn(label string) string {
	if q.Empty() {
		return ""
	}
	var b strings.Builder
	for i, t := range q.include {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteString(t.tsqueryLabel(label))
	}
	for _, t := range q.exclude {
		b.WriteString(" & !")
		b.WriteString(t.tsquery())
	}
	return b.String()
}

// tsquery renders one term as a tsquery phrase.
func (t term) tsquery() string { return t.tsqueryLabel("") }

// tsqueryLabel renders one term as a tsquery phrase whose lexemes carry the weight label (none for "").
func (t term) tsqueryLabel(label string) string {
	var b strings.Builder
	if len(t.tokens) > 1 {
		b.WriteByte('(')
	}
	for i, tok := range t.tokens {
		if i > 0 {
			b.WriteString(" <-> ")
		}
		b.WriteString("'" + strings.ReplaceAll(tok, "'", "''") + "'")
		switch prefix := t.prefix && i == len(t.tokens)-1; {
		case prefix && label != "":
			b.WriteString(":*" + label)
		case prefix:
			b.WriteString(":*")
		case label != "":
			b.WriteString(":" + label)
		}
	}
	if len(t.tokens) > 1 {
		b.WriteByte(')')
	}
	return b.String()
}
