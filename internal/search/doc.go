// Package search is the database-free half of gongkai's Chinese full-text search: it turns text into index tokens,
// turns what a user types into query strings for SQLite FTS5 and for PostgreSQL text search, and highlights matches
// in the original text. Neither engine segments Chinese, so the tokens are made here, in Go, and both engines only
// split the stored string at spaces; that is why they return the same results.
//
// # How the store uses it
//
// Store IndexText(title, 文号, body, attachment text) in a column and index it:
//
//	SQLite:     CREATE VIRTUAL TABLE item_fts USING fts5(tokens, tokenize='unicode61');
//	            … WHERE item_fts MATCH ?                               -- q.FTS5()
//	PostgreSQL: CREATE INDEX … USING gin (to_tsvector('simple', tokens));
//	            … WHERE to_tsvector('simple', tokens) @@ to_tsquery('simple', $1)   -- q.TSQuery()
//
// Check q.Empty() first and run no full-text search for an empty query. When q.DocNumber() is not "", also look
// for the item whose 文号 column, stored as NormalizeDocNumber(文号), equals it, and show that one first. Show
// results with Highlight (titles) and Snippet (bodies). The tokens need no particular unicode61 options
// (remove_diacritics 0, 1 and 2 give the same terms) and no particular PostgreSQL locale (C and C.UTF-8 are
// tested), but the PostgreSQL database must use the UTF8 encoding.
//
// # Tokens
//
// Text is folded first, one character at a time: traditional → simplified with internal/hanzi, NFKD
// compatibility decomposition (full-width ＡＢＣ１２３ → abc123, ① → 1, compatibility ideographs → unified ones),
// accents and other combining marks and zero-width characters dropped, lower case. Then:
//
//   - A run of CJK characters (Han, kana, Hangul) gives its overlapping bigrams and then its last character alone,
//     the tail token: 新冠疫苗 → 新冠 冠疫 疫苗 苗. A run of one character gives that character.
//   - A run of other letters and digits gives one word, cut at 40 characters: COVID-19 → covid 19.
//   - Every 文号 in the text (国办函〔2020〕109号, in any brackets, widths and with spaces or 第) gives a
//     document-number token — "wh" and its canonical UTF-8 bytes as letters a–p, letters only because an
//     underscore or digits would be split or parsed as numbers by the engines — after all other tokens of the
//     field, so phrase positions stay intact. In running text the agency abbreviation cannot be told from the
//     words before it (根据国办函〔2020〕109号), so one token is given for each of the last 2 to 12 characters
//     before the bracket; 4 here.
//   - Everything else separates tokens. So do characters newer than Unicode 11, private-use characters and "other
//     numbers" (No) left after decomposition, because PostgreSQL's parser asks the C library whether a character
//     is a letter, and glibc 2.28 says no to those. TestEnginesKeepEveryToken indexes every code point on both
//     engines and requires every token back unchanged.
//
// # Why the tail token and not unigrams
//
// Two-character words need bigrams. A one-character query (药) could be served by indexing every character alone
// as well, or by a prefix query on the bigrams — which misses the character at the end of a run (中药 has only the
// bigram 中药) unless the last character of each run is indexed alone too. Measured on the five annual reports in
// testdata (16,094 characters, 10,171 of them CJK), per copy of the corpus:
//
//	scheme                      tokens   FTS5 index bytes   PostgreSQL tsvector bytes
//	bigrams only                 9,854             26,949                      79,156
//	bigrams + tail (chosen)     11,001             30,157                      87,210
//	bigrams + every unigram     19,806             47,178                     119,340
//
// Unigrams would double the tokens (×1.80) and grow the index by ×1.56, and interleaved with the bigrams they would
// break the adjacency that phrase queries rely on. The tail token costs 12% more tokens and keeps bigrams adjacent
// within a run. A lone CJK character at the end of a term is therefore a prefix — FTS5 "药"*, tsquery '药':* —
// which matches every occurrence: as the first half of a bigram, or as a tail token. FTS5 walks the range of terms
// starting with the character in its term b-tree, fast enough for a catalogue; declaring the table with
// prefix='1' makes it one lookup but grows the index ×1.65 (one report, measured), the price of unigrams again.
// PostgreSQL's GIN index serves '药':* directly.
//
// # Queries
//
// See ParseQuery. Each term is a phrase of its tokens: a CJK run gives its bigrams, adjacent (so 新冠疫苗 does not
// match 新冠…疫苗 apart), plus its tail token when more of the term follows; the engine strings are built from
// tokens only, each quoted, so no input can become syntax. FuzzParseQuery checks that on every input (and runs
// each on SQLite), TestEnginesAgree runs 43 queries with their expected documents, hostile ones included, on both
// engines (three FTS5 declarations; PostgreSQL with and without its GIN index), and
// TestHostileQueriesRunOnBothEngines runs 69 more.
//
// # Limits of PostgreSQL that the store must handle
//
// A tsvector keeps at most 256 positions per lexeme and positions up to 16,383 (later tokens all get 16,383), and
// it may not exceed 1 MB. Single-token terms (two-character words, one character, Latin words, 文号) still match
// anywhere, but a phrase whose only occurrence lies past token 16,383 (about 24,000 characters of Chinese prose
// here, at 0.68 tokens a character) or past the 256th occurrence of one of its tokens is found by SQLite and not
// by PostgreSQL; and at the 5.4 tsvector bytes a character measured here, a text of about 190,000 characters
// makes the INSERT fail (repetitive text gets further). The store should cap what it indexes of long attachments;
// TestPostgresPositionLimit shows both position limits.
package search
