package search

import (
	"html"
	"strings"
	"testing"
)

func TestHighlight(t *testing.T) {
	for _, tc := range []struct{ name, text, q, want string }{
		{"script escaped", "<script>alert('疫苗')</script>", "疫苗", "&lt;script&gt;alert(&#39;<mark>疫苗</mark>&#39;)&lt;/script&gt;"},
		{"no match leaves escaped text", `<b>"a" & 'b'</b>`, "疫苗", "&lt;b&gt;&#34;a&#34; &amp; &#39;b&#39;&lt;/b&gt;"},
		{"empty query leaves escaped text", "a<b", "", "a&lt;b"},
		{"overlapping matches merged", "开展新冠疫苗接种", "新冠疫苗 疫苗接种", "开展<mark>新冠疫苗接种</mark>"},
		{"touching matches merged", "新冠疫苗", "新冠 疫苗", "<mark>新冠疫苗</mark>"},
		{"every occurrence", "疫苗、疫苗和疫苗", "疫苗", "<mark>疫苗</mark>、<mark>疫苗</mark>和<mark>疫苗</mark>"},
		{"one character", "中药、药品", "药", "中<mark>药</mark>、<mark>药</mark>品"},
		{"full-width text, half-width query", "ＣＯＶＩＤ－１９疫苗", "covid-19", "<mark>ＣＯＶＩＤ</mark>－<mark>１９</mark>疫苗"},
		{"half-width text, full-width query", "COVID-19", "ＣＯＶＩＤ", "<mark>COVID</mark>-19"},
		{"traditional text", "城鄉醫保", "医保", "城鄉<mark>醫保</mark>"},
		{"latin words match whole", "covid19 covid Covid", "covid", "covid19 <mark>covid</mark> <mark>Covid</mark>"},
		{"digits inside chinese", "2026年3月", "2026", "<mark>2026</mark>年3月"},
		{"doc number as a whole", "根据国办函［２０２０］１０９号文件", "国办函〔2020〕109号", "根据<mark>国办函［２０２０］１０９号</mark>文件"},
		{"doc number with a shorter prefix", "根据国办函〔2020〕109号", "办函[2020]109号", "根据国<mark>办函〔2020〕109号</mark>"},
		{"other doc number not marked", "国办函〔2020〕110号", "国办函〔2020〕109号", "国办函〔2020〕110号"},
		{"excluded term not marked", "香港疫苗", "疫苗 -香港", "香港<mark>疫苗</mark>"},
		{"zero-width character inside a match", "疫\u200b苗", "疫苗", "<mark>疫\u200b苗</mark>"},
		{"combining accent inside a match", "cafe\u0301 bar", "café", "<mark>cafe\u0301</mark> bar"},
		{"one character folding to several", "Ⅲ级", "iii", "<mark>Ⅲ</mark>级"},
		{"invalid utf-8 shown as replacement", "疫苗\xff", "疫苗", "<mark>疫苗</mark>\uFFFD"},
		{"phrase runs marked separately", "新冠、疫苗", `"新冠 疫苗"`, "<mark>新冠</mark>、<mark>疫苗</mark>"},
		{"empty text", "", "疫苗", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Highlight(tc.text, ParseQuery(tc.q))); got != tc.want {
				t.Errorf("Highlight(%q, %q) = %q, want %q", tc.text, tc.q, got, tc.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	one := func(n int) string { return strings.Repeat("一", n) }
	for _, tc := range []struct {
		name, text, q string
		runes         int
		want          string
	}{
		{"short text whole", "新冠疫苗接种", "疫苗", 20, "新冠<mark>疫苗</mark>接种"},
		{"match at the start", "疫苗" + one(100), "疫苗", 20, "<mark>疫苗</mark>" + one(18) + "…"},
		{"match at the end", one(100) + "疫苗", "疫苗", 20, "…" + one(18) + "<mark>疫苗</mark>"},
		{"match in the middle", one(50) + "疫苗" + one(50), "疫苗", 20, "…" + one(5) + "<mark>疫苗</mark>" + one(13) + "…"},
		{"no match shows the start", one(50), "疫苗", 10, one(10) + "…"},
		{"best window shows most terms", "疫苗" + one(50) + "医保和疫苗" + one(50), "疫苗 医保", 20,
			"…" + one(5) + "<mark>医保</mark>和<mark>疫苗</mark>" + one(10) + "…"},
		{"match never cut", one(10) + "新冠疫苗接种" + one(10), "新冠疫苗接种", 4, "…一<mark>新冠疫苗接种</mark>…"},
		{"latin word not cut at the start", "alpha beta gamma delta 疫苗 epsilon", "疫苗", 12, "…delta <mark>疫苗</mark> epsilon"},
		{"latin word not cut at the end", "疫苗 alphabet soup", "疫苗", 6, "<mark>疫苗</mark> alphabet…"},
		{"spaces trimmed at cuts", one(20) + "\n\n疫苗\n\n" + one(20), "疫苗", 6, "…<mark>疫苗</mark>\n\n一…"},
		{"escaped", "<b>疫苗</b>" + one(30), "疫苗", 12, "&lt;b&gt;<mark>疫苗</mark>&lt;/b&gt;" + one(3) + "…"},
		{"cut inside markup-looking text", "<b>疫苗</b>" + one(30), "疫苗", 10, "…b&gt;<mark>疫苗</mark>&lt;/b&gt;" + one(2) + "…"},
		{"zero means the default", one(200), "", 0, one(DefaultSnippetRunes) + "…"},
		{"empty text", "", "疫苗", 10, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Snippet(tc.text, ParseQuery(tc.q), tc.runes)); got != tc.want {
				t.Errorf("Snippet(%q, %q, %d)\n got %q\nwant %q", tc.text, tc.q, tc.runes, got, tc.want)
			}
		})
	}
}

// unmark removes the <mark> tags of highlighted HTML, checking that they pair up and do not nest, and unescapes
// the rest.
func unmark(t testing.TB, h string) string {
	t.Helper()
	var b strings.Builder
	open := false
	for len(h) > 0 {
		switch {
		case strings.HasPrefix(h, "<mark>"):
			if open {
				t.Fatalf("nested <mark> in %q", h)
			}
			open = true
			h = h[len("<mark>"):]
		case strings.HasPrefix(h, "</mark>"):
			if !open {
				t.Fatalf("</mark> without <mark> in %q", h)
			}
			open = false
			h = h[len("</mark>"):]
		case h[0] == '<' || h[0] == '>':
			t.Fatalf("unescaped %q in %q", h[0], h)
		default:
			i := strings.IndexByte(h, '<')
			if i < 0 {
				i = len(h)
			}
			b.WriteString(h[:i])
			h = h[i:]
		}
	}
	if open {
		t.Fatalf("unclosed <mark>")
	}
	return html.UnescapeString(b.String())
}
