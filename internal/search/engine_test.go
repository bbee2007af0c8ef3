package search

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"

	"github.com/gongkai/gongkai/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// engineDoc is one item of the test catalogue: the fields the store would index.
type engineDoc struct {
	id                     int
	title, docNumber, body string
}

var engineDocs = []engineDoc{
	{1, "关于做好新冠疫苗接种工作的通知", "", "各乡镇卫生院：请按要求组织接种。"},
	{2, "新冠病毒检测与疫苗研发进展", "", ""},
	{3, "城乡居民医保缴费标准调整", "", "2026年起个人缴费标准提高。"},
	{4, "最低生活保障（低保）申请审批办法", "", ""},
	{5, "药品集中带量采购结果公示", "", ""},
	{6, "中药材种植补贴发放", "", ""},
	{7, "关于加强中药、西药管理的意见", "", ""},
	{8, "國務院辦公廳關於疫苗管理的通知", "", ""},
	{9, "ＣＯＶＩＤ－１９疫苗接种指引（２０２１年版）", "", ""},
	{10, "COVID-19 vaccination guide for residents", "", ""},
	{11, "国务院办公厅关于印发政府信息公开条例的通知", "国办发〔2017〕47号", ""},
	{12, "平阴县卫生健康局关于2026年工作要点的通知", "平卫发〔2026〕3号", ""},
	{13, "关于调整信息处理费的说明", "", "根据国办函［２０２０］１０９号文件精神，调整收费。"},
	{14, "关于进一步优化营商环境的意见", "国发[2019]7号", ""},
	{15, "NEAR AND OR NOT 这些词只是普通文字", "", ""},
	{16, "SELECT * FROM items; DROP TABLE items; -- 注入测试", "", ""},
	{17, "香港澳门台湾地区来信处理", "", ""},
	{18, "新冠疫苗加强针香港居民预约", "", ""},
	{19, "emoji 😀 测试 第①项 和 Ⅲ 级", "", ""},
	{20, "Café naïve résumé 法文字母", "", ""},
	{21, "新冠、疫苗和口罩的储备", "", ""},
	{22, "政府資訊公開年報", "", "一、总体情况\n本机关依申请公开政府信息。"},
}

// engineQueries pairs queries, ordinary and hostile, with the documents both engines must return.
var engineQueries = []struct {
	q    string
	want []int
}{
	{"疫苗", []int{1, 2, 8, 9, 18, 21}},
	{"新冠疫苗", []int{1, 18}},
	{`"新冠 疫苗"`, []int{21}},
	{"医保", []int{3}},
	{"低保", []int{4}},
	{"药", []int{5, 6, 7}},
	{"中药", []int{6, 7}},
	{`"中药 西药"`, []int{7}},
	{"药 品", []int{5}},
	{"新冠疫苗 -香港", []int{1}},
	{"-香港 疫苗", []int{1, 2, 8, 9, 21}},
	{"covid", []int{9, 10}},
	{"COVID-19", []int{9, 10}},
	{"ｃｏｖｉｄ－１９ 疫苗", []int{9}},
	{"國務院", []int{8, 11}},
	{"公开", []int{11, 22}},
	{"2026年", []int{3, 12}},
	{"国办函〔2020〕109号", []int{13}},
	{"国办发(2017)47号", []int{11}},
	{"国发〔2019〕7号", []int{14}},
	{"平卫发［２０２６］第3號", []int{12}},
	{"卫发〔2026〕3号", []int{12}},
	{"cafe", []int{20}},
	{"CAFÉ résumé", []int{20}},
	{"Ⅲ", []int{19}},
	{"①", []int{19}},
	{"😀 测试", []int{16, 19}},
	{"AND", []int{15}},
	{"or not", []int{15}},
	{"疫苗 OR 医保", nil},
	{"NEAR(疫苗 医保)", nil},
	{`"疫苗"" OR ""1"="1`, nil},
	{"' OR '1'='1", nil},
	{"'); DROP TABLE items; --", []int{16}},
	{"DROP TABLE", []int{16}},
	{"tokens:疫苗", nil},
	{"疫苗* ^医保", nil},
	{"(疫苗", []int{1, 2, 8, 9, 18, 21}},
	{"\x00疫苗\x1b", []int{1, 2, 8, 9, 18, 21}},
	{"\xed\xa0\x80疫苗\xff", []int{1, 2, 8, 9, 18, 21}},
	{strings.Repeat("疫", 10000), nil},
	{strings.Repeat("新冠疫苗 ", 2000), []int{1, 18}},
	{strings.Repeat("a", 10000), nil},
}

// sqliteTables are the FTS5 declarations the store may choose; all must give the same results.
var sqliteTables = []string{
	`fts5(tokens, tokenize='unicode61')`,
	`fts5(tokens, tokenize='unicode61 remove_diacritics 2')`,
	`fts5(tokens, tokenize='unicode61', prefix='1')`,
}

// openSQLite returns an in-memory FTS5 table items(tokens), declared as sqliteTables[0], holding engineDocs,
// rowid = id.
func openSQLite(tb testing.TB) *sql.DB { return openSQLiteAs(tb, sqliteTables[0]) }

func openSQLiteAs(tb testing.TB, table string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one connection: each in-memory connection is a database of its own
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE VIRTUAL TABLE items USING ` + table); err != nil {
		tb.Fatal(err)
	}
	for _, d := range engineDocs {
		if _, err := db.Exec(`INSERT INTO items(rowid, tokens) VALUES (?, ?)`, d.id, IndexText(d.title, d.docNumber, d.body)); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

func sqliteMatch(db *sql.DB, match string) ([]int, error) {
	return ids(db.Query(`SELECT rowid FROM items WHERE items MATCH ? ORDER BY rowid`, match))
}

// openPostgres returns a fresh database with a table items(id, tokens) holding engineDocs, indexed by GIN.
func openPostgres(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, s := range []string{
		`CREATE TABLE items (id int PRIMARY KEY, tokens text NOT NULL)`,
		`CREATE INDEX items_fts ON items USING gin (to_tsvector('simple', tokens))`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range engineDocs {
		if _, err := db.Exec(`INSERT INTO items (id, tokens) VALUES ($1, $2)`, d.id, IndexText(d.title, d.docNumber, d.body)); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// pgMatch runs tsquery on a connection of its own, with sequential scans allowed or not (so through the GIN
// index).
func pgMatch(db *sql.DB, tsquery string, useIndex bool) ([]int, error) {
	tx, err := db.Begin()
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if useIndex {
		if _, err := tx.Exec(`SET LOCAL enable_seqscan = off`); err != nil {
			return nil, err
		}
	}
	return ids(tx.Query(`SELECT id FROM items WHERE to_tsvector('simple', tokens) @@ to_tsquery('simple', $1) ORDER BY id`, tsquery))
}

func ids(rows *sql.Rows, err error) ([]int, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// TestEnginesAgree runs every query on SQLite FTS5 (each declaration of sqliteTables) and on PostgreSQL (by
// sequential scan and through the GIN index) over the same documents, and requires the expected documents from
// all of them.
func TestEnginesAgree(t *testing.T) {
	var lites []*sql.DB
	for _, table := range sqliteTables {
		lites = append(lites, openSQLiteAs(t, table))
	}
	pg := openPostgres(t)
	for _, tc := range engineQueries {
		name := tc.q
		if r := []rune(name); len(r) > 20 {
			name = string(r[:20])
		}
		t.Run(name, func(t *testing.T) {
			q := ParseQuery(tc.q)
			if q.Empty() {
				if tc.want != nil {
					t.Fatalf("ParseQuery(%q) is empty, want documents %v", tc.q, tc.want)
				}
				return
			}
			for i, lite := range lites {
				got, err := sqliteMatch(lite, q.FTS5())
				if err != nil {
					t.Fatalf("SQLite %s MATCH %q: %v", sqliteTables[i], q.FTS5(), err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("SQLite %s MATCH %s (-want +got):\n%s", sqliteTables[i], q.FTS5(), diff)
				}
			}
			for _, useIndex := range []bool{false, true} {
				gotPG, err := pgMatch(pg, q.TSQuery(), useIndex)
				if err != nil {
					t.Fatalf("PostgreSQL to_tsquery %q: %v", q.TSQuery(), err)
				}
				if diff := cmp.Diff(tc.want, gotPG); diff != "" {
					t.Errorf("PostgreSQL (GIN index %v) @@ %s (-want +got):\n%s", useIndex, q.TSQuery(), diff)
				}
			}
			// The loose query the store gives the index finds at least the same documents.
			loose, err := pgMatch(pg, q.TSQueryTokens(), true)
			if err != nil {
				t.Fatalf("PostgreSQL to_tsquery %q: %v", q.TSQueryTokens(), err)
			}
			for _, id := range tc.want {
				if !slices.Contains(loose, id) {
					t.Errorf("the loose query %s misses document %v of %s", q.TSQueryTokens(), id, q.TSQuery())
				}
			}
		})
	}
}

// TestHostileQueriesRunOnBothEngines runs every hostile query on both engines: none may fail to parse.
func TestHostileQueriesRunOnBothEngines(t *testing.T) {
	lite := openSQLite(t)
	pg := openPostgres(t)
	for _, in := range hostileQueries {
		q := ParseQuery(in)
		if q.Empty() {
			continue
		}
		a, err := sqliteMatch(lite, q.FTS5())
		if err != nil {
			t.Errorf("SQLite MATCH %q (from %q): %v", q.FTS5(), in, err)
			continue
		}
		b, err := pgMatch(pg, q.TSQuery(), false)
		if err != nil {
			t.Errorf("PostgreSQL to_tsquery %q (from %q): %v", q.TSQuery(), in, err)
			continue
		}
		if _, err := pgMatch(pg, q.TSQueryTokens(), false); err != nil {
			t.Errorf("PostgreSQL to_tsquery %q (from %q): %v", q.TSQueryTokens(), in, err)
		}
		if !slices.Equal(a, b) {
			t.Errorf("query %q: SQLite %v, PostgreSQL %v", in, a, b)
		}
	}
}

// TestEnginesKeepEveryToken indexes every code point (and some numbers PostgreSQL's parser reads specially) on
// SQLite with each remove_diacritics setting and on PostgreSQL in the C and C.UTF-8 locales, and requires each
// engine's terms to be exactly the tokens: no token split, changed, merged with another or lost.
func TestEnginesKeepEveryToken(t *testing.T) {
	var b strings.Builder
	for r := rune(0x80); r <= 0x10FFFF; r++ {
		if 0xD800 <= r && r <= 0xDFFF {
			continue
		}
		b.WriteRune(r)
		b.WriteByte(' ')
	}
	b.WriteString("1e5 2E10 5g 19covid 0x1f 00123 1st inf nan 1e+5 3.14 1,000 a-b a_b a/b a@b.cn www.gov.cn 新冠疫苗 ワクチン")
	toks := Tokens(b.String())
	want := map[string]bool{}
	for _, tk := range toks {
		want[tk] = true
	}
	if len(want) < 100000 {
		t.Fatalf("only %d distinct tokens from all of Unicode", len(want))
	}
	text := strings.Join(toks, " ")

	lite, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	lite.SetMaxOpenConns(1)
	for _, opt := range []string{"", " remove_diacritics 0", " remove_diacritics 2"} {
		for _, s := range []string{
			`DROP TABLE IF EXISTS v`, `DROP TABLE IF EXISTS f`,
			`CREATE VIRTUAL TABLE f USING fts5(tokens, tokenize='unicode61` + opt + `')`,
			`CREATE VIRTUAL TABLE v USING fts5vocab(f, 'row')`,
		} {
			if _, err := lite.Exec(s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := lite.Exec(`INSERT INTO f VALUES (?)`, text); err != nil {
			t.Fatal(err)
		}
		compareTerms(t, "SQLite unicode61"+opt, want, terms(t, lite, `SELECT term FROM v`))
	}

	dsn := pgtest.NewDatabase(t)
	pg, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	compareTerms(t, "PostgreSQL, C locale", want, pgTerms(t, pg, toks))

	// The same on a database whose character classes come from the C library.
	name := "t_cutf8_" + randomHex()
	if _, err := pg.Exec(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`); err != nil {
		t.Logf("no C.UTF-8 locale on this server, skipping that part: %v", err)
		return
	}
	t.Cleanup(func() {
		if _, err := pg.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	pg2, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer pg2.Close()
	compareTerms(t, "PostgreSQL, C.UTF-8 locale", want, pgTerms(t, pg2, toks))
}

func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// pgTerms returns the lexemes of the tokens, in chunks that stay under the tsvector size limit.
func pgTerms(t *testing.T, db *sql.DB, toks []string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for i := 0; i < len(toks); i += 20000 {
		chunk := strings.Join(toks[i:min(i+20000, len(toks))], " ")
		for k := range terms(t, db, `SELECT unnest(tsvector_to_array(to_tsvector('simple', $1)))`, chunk) {
			out[k] = true
		}
	}
	return out
}

func terms(t *testing.T, db *sql.DB, query string, args ...any) map[string]bool {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out[s] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func compareTerms(t *testing.T, engine string, want, got map[string]bool) {
	t.Helper()
	var missing, extra []string
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("%s: %d tokens missing (first: %+q), %d terms not among the tokens (first: %+q)",
			engine, len(missing), missing[:min(10, len(missing))], len(extra), extra[:min(10, len(extra))])
	}
}

// TestIndexSize measures, on both engines, the index of the annual reports in testdata under the chosen scheme
// (bigrams + tail token) and under bigrams + every unigram, the alternative doc.go rejects; it fails if the numbers
// stop supporting that decision.
func TestIndexSize(t *testing.T) {
	files, err := filepath.Glob("testdata/report-*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no reports in testdata: %v", err)
	}
	var docs []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	withUnigrams := func(s string) string {
		var out []string
		st := fold(s, nil)
		for i := 0; i < len(st); {
			c := st[i].c
			j := i + 1
			for j < len(st) && st[j].c == c {
				j++
			}
			var run []rune
			for _, f := range st[i:j] {
				run = append(run, f.r)
			}
			switch c {
			case word:
				out = append(out, string(run[:min(len(run), maxWordRunes)]))
			case cjk:
				for k := range run {
					out = append(out, string(run[k]))
					if k+1 < len(run) {
						out = append(out, string(run[k:k+2]))
					}
				}
			}
			i = j
		}
		return strings.Join(out, " ")
	}
	pg, err := sql.Open("pgx", pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	type size struct{ tokens, fts5, tsvector int }
	measure := func(index func(string) string) size {
		lite, err := sql.Open("sqlite", "file::memory:")
		if err != nil {
			t.Fatal(err)
		}
		defer lite.Close()
		lite.SetMaxOpenConns(1)
		if _, err := lite.Exec(`CREATE VIRTUAL TABLE f USING fts5(tokens, tokenize='unicode61')`); err != nil {
			t.Fatal(err)
		}
		var s size
		const copies = 20 // enough rows for the index's fixed costs to stop mattering
		for range copies {
			for _, d := range docs {
				if _, err := lite.Exec(`INSERT INTO f VALUES (?)`, index(d)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := lite.Exec(`INSERT INTO f(f) VALUES ('optimize')`); err != nil {
			t.Fatal(err)
		}
		if err := lite.QueryRow(`SELECT sum(length(block)) FROM f_data`).Scan(&s.fts5); err != nil {
			t.Fatal(err)
		}
		s.fts5 /= copies
		for _, d := range docs {
			s.tokens += len(strings.Fields(index(d)))
			var n int
			if err := pg.QueryRow(`SELECT pg_column_size(to_tsvector('simple', $1))`, index(d)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			s.tsvector += n
		}
		return s
	}
	tail := measure(func(s string) string { return IndexText(s) })
	uni := measure(withUnigrams)
	t.Logf("bigrams + tail: %+v; bigrams + unigrams: %+v", tail, uni)
	if r := float64(uni.tokens) / float64(tail.tokens); r < 1.6 {
		t.Errorf("unigrams cost only ×%.2f tokens; revisit the decision in doc.go", r)
	}
	if r := float64(uni.fts5) / float64(tail.fts5); r < 1.3 {
		t.Errorf("unigrams grow the FTS5 index only ×%.2f; revisit the decision in doc.go", r)
	}
}

// TestPostgresPositionLimit shows the PostgreSQL limits that doc.go tells the store about: a phrase is no longer
// found past token 16,383 (document 1), nor past the 256th occurrence of one of its tokens (document 2), while
// single tokens still are; SQLite finds all.
func TestPostgresPositionLimit(t *testing.T) {
	docs := []string{
		IndexText(strings.Repeat("a ", 16400) + "新冠疫苗"),
		IndexText(strings.Repeat("疫苗，", 300) + "新冠疫苗"),
	}
	lite, err := sql.Open("sqlite", "file::memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	lite.SetMaxOpenConns(1)
	if _, err := lite.Exec(`CREATE VIRTUAL TABLE items USING fts5(tokens, tokenize='unicode61')`); err != nil {
		t.Fatal(err)
	}
	pg, err := sql.Open("pgx", pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if _, err := pg.Exec(`CREATE TABLE items (id int PRIMARY KEY, tokens text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i, d := range docs {
		if _, err := lite.Exec(`INSERT INTO items(rowid, tokens) VALUES (?, ?)`, i+1, d); err != nil {
			t.Fatal(err)
		}
		if _, err := pg.Exec(`INSERT INTO items VALUES ($1, $2)`, i+1, d); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name             string
		q                Query
		sqlite, postgres []int
	}{
		{"phrase past the limits", ParseQuery("新冠疫苗"), []int{1, 2}, nil},
		{"single token past the limits", ParseQuery("新冠"), []int{1, 2}, []int{1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := sqliteMatch(lite, tc.q.FTS5())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.sqlite, got); diff != "" {
				t.Errorf("SQLite (-want +got):\n%s", diff)
			}
			got, err = pgMatch(pg, tc.q.TSQuery(), false)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.postgres, got); diff != "" {
				t.Errorf("PostgreSQL (-want +got):\n%s", diff)
			}
		})
	}
}
