package store

import (
	"context"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/search"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/workday"
)

// TestTSVectorLiteral checks, on the server, that the tsvector an import writes from Go equals the one PostgreSQL
// makes from the tokens, and that texts at tsvector's limits are left to the server.
func TestTSVectorLiteral(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := postgresDialect{}
	type pair struct{ title, body string }
	var texts []pair
	a := &disclosure.Agency{ID: 2, Name: "平阴县卫生健康局", USCC: "113701243072282028"}
	for _, it := range catalogue.GenerateItems(5, a, 2025, 300, workday.NewDate(2026, 6, 1)) {
		texts = append(texts, pair{search.IndexText(it.Title), search.IndexText(it.DocNumber, "113701243072282028/2025-00042", it.Summary, HTMLText(it.Body))})
	}
	texts = append(texts,
		pair{"", search.IndexText("只有正文")},
		pair{search.IndexText("只有标题"), ""},
		pair{search.IndexText("疫苗 疫苗 疫苗"), search.IndexText("疫苗接种，疫苗冷链")},
		pair{search.IndexText("O'Brien's C:\\path"), search.IndexText("it's a \\ back\\slash and 'quotes'")},
		pair{search.IndexText("COVID-19 新冠疫苗 ①②"), search.IndexText("ｆｕｌｌ　ｗｉｄｔｈ 國務院辦公廳 国办函〔2020〕109号")},
	)
	for i, p := range texts {
		lit, ok := d.ftsLiteral(p.title, p.body)
		if !ok {
			t.Fatalf("text %d: no literal", i)
		}
		var same bool
		var want string
		err := db.read.QueryRowContext(ctx, `SELECT $1::tsvector = (setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'D')),
			(setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'D'))::text`, lit, p.title, p.body).Scan(&same, &want)
		if err != nil {
			t.Fatalf("text %d: %v", i, err)
		}
		if !same {
			t.Errorf("text %d differs:\n got  %.300s\n want %.300s", i, lit, want)
		}
	}
	long := strings.Repeat("甲乙 ", 300)
	if _, ok := d.ftsLiteral("", long); ok {
		t.Error("a lexeme with 300 positions got a literal")
	}
	var many strings.Builder
	for i := range 17000 {
		many.WriteString("w")
		many.WriteString(strings.Repeat("a", i%7+1))
		many.WriteString(string(rune('a' + i%26)))
		many.WriteString(string(rune('a' + i/26%26)))
		many.WriteString(string(rune('a' + i/676%26)))
		many.WriteByte(' ')
	}
	if _, ok := d.ftsLiteral("", many.String()); ok {
		t.Error("17,000 tokens got a literal")
	}
}
