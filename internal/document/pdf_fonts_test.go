package document

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/signintech/gopdf"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestPDFSetsTheBodyInAnEmbeddedSerifSubset(t *testing.T) {
	data := render(t, "pdf", notice())
	fonts := poppler(t, "pdffonts", data)
	// pdffonts columns: name type encoding emb sub uni; a subset's name carries a six-letter tag and "+".
	for _, name := range []string{"NotoSerifSC-Regular", "NotoSerifSC-Bold"} {
		if !regexp.MustCompile(`(?m)^[A-Z]{6}\+` + name + `\s.*yes\s+yes\s+yes`).MatchString(fonts) {
			t.Errorf("%s is not embedded as a subset:\n%s", name, fonts)
		}
	}
	if got := pdfText(t, data); strings.ContainsRune(got, '□') {
		t.Errorf("a character of the notice was replaced by □:\n%s", got)
	}
}

// gb2312Hanzi returns the 6763 characters of GB 2312's hanzi rows (0xB0A1–0xF7FE).
func gb2312Hanzi(t *testing.T) []rune {
	t.Helper()
	dec := simplifiedchinese.GBK.NewDecoder()
	var out []rune
	for hi := 0xB0; hi <= 0xF7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			s, err := dec.Bytes([]byte{byte(hi), byte(lo)})
			if err != nil {
				t.Fatal(err)
			}
			if r := []rune(string(s)); len(r) == 1 && r[0] != '\uFFFD' && r[0] >= 0x4E00 {
				out = append(out, r[0])
			}
		}
	}
	if len(out) != 6763 {
		t.Fatalf("%d GB 2312 hanzi decoded, want 6763", len(out))
	}
	return out
}

// newTestWriter is a pdfWriter with the fonts loaded, for measuring without writing a file.
func newTestWriter(t *testing.T) *pdfWriter {
	t.Helper()
	fonts, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	p := &pdfWriter{widths: map[faceRune]float64{}, has: map[faceRune]bool{}, cur: -1, fonts: fonts}
	p.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	p.pdf.AddPage()
	p.setFace(faceSerif, pdfBodySize)
	return p
}

func TestTheSerifCoversGB2312AndTheMarksOfNotices(t *testing.T) {
	p := newTestWriter(t)
	marks := []rune("〔〕、，。；：！？（）《》〈〉“”‘’「」【】…—·～％‰℃№×÷±≤≥①②③④⑤⑥⑦⑧⑨⑩⑴⑵⑶ⅠⅡⅢⅣⅤ" +
		"０１２３４５６７８９ＡＢＣ0123456789ABCXYZabcxyz□")
	for _, f := range []face{faceSerif, faceTitle} {
		var missing []rune
		for _, r := range append(gb2312Hanzi(t), marks...) {
			if !p.hasGlyph(f, r) {
				missing = append(missing, r)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s lacks %d characters: %q", pdfFontNames[f], len(missing), string(missing[:min(len(missing), 50)]))
		}
	}
}

func TestCharactersOutsideTheSerifComeFromTheSans(t *testing.T) {
	// 喆 and 堃 are outside GB 2312 (so outside the serif subset) but common in names; WQY MicroHei has them.
	d := &Doc{Title: "受理回执", Blocks: []Block{
		{Kind: Addressee, Text: "张喆、王堃："},
		{Kind: Paragraph, Text: "本机关已收到您提交的申请（申请人：张喆，代理人：王堃）。"},
	}}
	p := newTestWriter(t)
	for _, r := range "喆堃" {
		if p.hasGlyph(faceSerif, r) {
			t.Fatalf("%c is in the serif subset; pick another character for this test", r)
		}
	}
	got := squash(pdfText(t, render(t, "pdf", d)))
	for _, want := range []string{"张喆、王堃：", "申请人：张喆，代理人：王堃"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q not read back from: %s", want, got)
		}
	}
}

// pageOf returns the 1-based page whose text (pdftotext's pages are separated by form feeds) holds s, or 0.
func pageOf(pages []string, s string) int {
	for i, p := range pages {
		if strings.Contains(squash(p), squash(s)) {
			return i + 1
		}
	}
	return 0
}

func TestAHeadingIsNeverLastOnAPage(t *testing.T) {
	filler := func(n int) []Block {
		bs := []Block{{Kind: Title, Text: "年度报告"}}
		for k := 1; k <= n; k++ {
			bs = append(bs, Block{Kind: Paragraph, Text: fmt.Sprintf("第%d段，本段只有一行文字。", k)})
		}
		return bs
	}
	cases := []struct {
		name  string
		after []Block // what follows the heading
		first string  // text of the first thing after the heading
	}{
		{"paragraph", []Block{{Kind: Paragraph, Text: "紧随标题的第一段正文。"}}, "紧随标题的第一段正文。"},
		{"table", []Block{{Kind: Table, Table: feeTable()}}, feeTable().Caption},
		{"subheading", []Block{{Kind: Heading, Text: "（一）主动公开情况"}, {Kind: Paragraph, Text: "紧随小标题的正文。"}}, "紧随小标题的正文。"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			moved := 0
			// After the one-line title (30 pt and 12 pt of space) and n one-line paragraphs (21 pt each), the heading
			// (8 pt of space and a 24 pt line) still fits on the first page for n up to last, with less room under
			// it than any of the three cases needs; with one paragraph fewer a following paragraph fits too.
			room := float64(pdfBottom - pdfTop - 42 - 32)
			last := int(room / pdfBodyLeading)
			for n := last - 1; n <= last; n++ {
				d := &Doc{Title: "报告", Blocks: append(append(filler(n), Block{Kind: Heading, Text: "二、主动公开政府信息情况"}), tc.after...)}
				data := render(t, "pdf", d)
				pages := strings.Split(pdfText(t, data), "\f")
				h, next := pageOf(pages, "二、主动公开政府信息情况"), pageOf(pages, tc.first)
				if h == 0 || next == 0 {
					t.Fatalf("%d paragraphs: heading on page %d, %q on page %d", n, h, tc.first, next)
				}
				if h != next {
					t.Errorf("%d paragraphs: the heading is last on page %d, %q starts page %d", n, h, tc.first, next)
				}
				if h == 2 && pageOf(pages, fmt.Sprintf("第%d段", n)) == 1 {
					moved++
				}
			}
			if moved == 0 {
				t.Error("the heading never fell at a page's foot: the test did not test anything")
			}
		})
	}
}

// The DOCX names the fonts every government PC has, so Word sets it as an official document: 仿宋_GB2312 for the
// body (the default), 方正小标宋简体 for the title, 黑体 for headings; no paragraph overrides them.
func TestDOCXNamesTheOfficialFonts(t *testing.T) {
	d := notice()
	d.Blocks = append(d.Blocks[:3], append([]Block{{Kind: Heading, Text: "一、答复内容"}}, d.Blocks[3:]...)...)
	parts := docxParts(t, render(t, "docx", d))
	styles := string(parts["word/styles.xml"])
	eastAsia := func(xml string) string {
		m := regexp.MustCompile(`w:eastAsia="([^"]+)"`).FindStringSubmatch(xml)
		if m == nil {
			return ""
		}
		return m[1]
	}
	section := func(start string) string {
		i := strings.Index(styles, start)
		if i < 0 {
			t.Fatalf("styles.xml has no %s", start)
		}
		end := strings.Index(styles[i:], "</w:style>")
		if end < 0 {
			end = strings.Index(styles[i:], "</w:docDefaults>")
		}
		return styles[i : i+end]
	}
	for start, want := range map[string]string{
		`<w:docDefaults>`:      "仿宋_GB2312",
		`w:styleId="Title"`:    "方正小标宋简体",
		`w:styleId="Heading1"`: "黑体",
	} {
		if got := eastAsia(section(start)); got != want {
			t.Errorf("%s: East-Asian font %q, want %q", start, got, want)
		}
	}
	if body := string(parts["word/document.xml"]); strings.Contains(body, "w:eastAsia=") {
		t.Error("document.xml overrides the styles' East-Asian fonts")
	}
}

// The parsed fonts are shared by every document: documents written at once come out as they do one by one.
func TestPDFsWrittenAtOnceAreTheSameAsOneByOne(t *testing.T) {
	docs := []*Doc{notice(), {Title: "受理回执", Blocks: []Block{{Kind: Heading, Text: "一、受理情况"}, {Kind: Paragraph, Text: "张喆：本机关已收到您的申请。"}}},
		{Title: "收费通知书", Blocks: []Block{{Kind: Table, Table: feeTable()}}}}
	want := make([][]byte, len(docs))
	for i, d := range docs {
		want[i] = render(t, "pdf", d)
	}
	got := make([][]byte, len(docs))
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := PDF(&buf, docs[i%len(docs)]); err != nil {
				t.Error(err)
			}
			got[i] = buf.Bytes()
		}()
	}
	wg.Wait()
	for i, b := range got {
		if !bytes.Equal(b, want[i%len(docs)]) {
			t.Errorf("document %d written alongside others differs from the one written alone", i%len(docs))
		}
	}
}
