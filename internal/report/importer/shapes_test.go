package importer

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/report"
)

// The tests of this file are built from the shapes of issue 12, each from the real example the issue quotes.

// requestRow asserts the seven figures of a section 三 row.
func requestRow(t *testing.T, r *report.Report, row string, want ...float64) {
	t.Helper()
	spec, _ := report.Format2021.Table(report.TableRequests)
	got := r.Tables[report.TableRequests][row]
	if len(got) != len(spec.Columns) {
		t.Errorf("row %s: %d cells %v, want %v", row, len(got), got, want)
		return
	}
	for c, col := range spec.Columns {
		if got[col.ID] != want[c] {
			t.Errorf("row %s column %s = %v, want %v", row, col.ID, got[col.ID], want[c])
		}
	}
}

func TestPipeRowWithBlankLastCell(t *testing.T) {
	text := joinRows(seed004(t), " | ")
	// The row as the issue quotes it: the bar after the last figure separates a blank last cell; blank cells
	// are 0, as in TAB rows.
	text = mustReplace(t, text, "(一)予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1", "（一）予以公开 | 258 | 12 |  |  | 1 | 1 | ")
	res := parseText(t, text)
	requestRow(t, res.Report, "disclosed", 258, 12, 0, 0, 1, 1, 0)
	if hasRule(res, "I-CELLS") {
		t.Errorf("findings %v", rulesOf(res.Findings))
	}
	if got := countCells(res.Report, report.TableRequests); got != 175 {
		t.Errorf("cells = %d, want 175", got)
	}
	// A Markdown row (opening bar) still closes with one.
	md := mustReplace(t, text, "（一）予以公开 | 258 | 12 |  |  | 1 | 1 | ", "| （一）予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |")
	requestRow(t, parseText(t, md).Report, "disclosed", 1, 0, 0, 0, 0, 0, 1)
}

func TestSingleSpaceSeparatedCells(t *testing.T) {
	text := joinRows(seed004(t), " ")
	text = mustReplace(t, text, "一、本年新收政府信息公开申请数量 2 0 0 0 0 0 2", "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119")
	res := parseText(t, text)
	requestRow(t, res.Report, "new", 3001, 53, 0, 0, 61, 4, 3119)
	requestRow(t, res.Report, "disclosed", 1, 0, 0, 0, 0, 0, 1)
	if got := countCells(res.Report, report.TableRequests); got != 175 {
		t.Errorf("s3 cells = %d, want 175", got)
	}
	if got := countCells(res.Report, report.TableAppeals); got != 15 {
		t.Errorf("s4 cells = %d, want 15 (a row of fifteen zeros)", got)
	}
	if v := value(t, res.Report, report.TablePenalties, "penalty", "decisions"); v != 59 {
		t.Errorf("行政处罚 = %v, want 59", v)
	}
	if !strings.Contains(text, "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0") {
		t.Fatal("the variant lost its row of fifteen zeros")
	}
}

// corpusFile is one report of the corpus with the figures it is known to hold.
type corpusFile struct {
	name string
	text string
	want *report.Report
}

// corpus returns the five seeds (the figures they hold are those read from the seed itself, checked in detail by
// the seed tests) and the variants: seed 004 with rows joined by bars (blank cells, a blank last cell) and by single
// spaces, and testdata/corpus: a report with figures in every kind of row rendered to PDF and turned back into text
// by pdftotext (-layout and plain), with wrapped labels, vanished blank cells and run-together digits.
func corpus(t *testing.T) []corpusFile {
	t.Helper()
	var out []corpusFile
	for _, p := range []string{"000", "001", "002", "003", "004"} {
		name, data := seed(t, p)
		res, err := Read(context.Background(), name, data, nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, corpusFile{name: "seed " + p, text: string(data), want: res.Report})
	}
	base := seed004(t)
	want004 := parseText(t, base).Report
	pipe := joinRows(base, " | ")
	pipe = mustReplace(t, pipe, "2.重复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0", "2.重复申请 | 0 |  |  |  |  |  | ")
	pipe = mustReplace(t, pipe, "(一)予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1", "(一)予以公开 | 1 |  |  |  |  |  | 1 | ")
	out = append(out, corpusFile{"004 pipe with blanks", pipe, want004}, corpusFile{"004 single spaces", joinRows(base, " "), want004})
	files, _ := filepath.Glob("testdata/corpus/*.txt")
	if len(files) < 8 {
		t.Fatalf("corpus files = %v", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// a-layout.txt holds the figures of a.json; seed004-layout.txt those of seed004.json.
		wantFile := strings.SplitN(filepath.Base(f), "-", 2)[0] + ".json"
		js, err := os.ReadFile(filepath.Join("testdata/corpus", wantFile))
		if err != nil {
			t.Fatal(err)
		}
		want := new(report.Report)
		if err := json.Unmarshal(js, want); err != nil {
			t.Fatal(err)
		}
		out = append(out, corpusFile{filepath.Base(f), string(data), want})
	}
	return out
}

// TestCorpus imports the whole corpus: at least 95% of the table cells read, none wrong in sections 三 and 四
// (nor elsewhere), and no error finding for a report whose tables are consistent.
func TestCorpus(t *testing.T) {
	var total, read, wrong int
	for _, c := range corpus(t) {
		res, err := Read(context.Background(), c.name+".txt", []byte(c.text), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		n, r := 0, 0
		for tid, g := range c.want.Tables {
			for row, cols := range g {
				for col, v := range cols {
					n++
					got, ok := res.Report.Value(tid, row, col)
					if !ok {
						continue
					}
					r++
					if got != v {
						wrong++
						t.Errorf("%s: %s/%s/%s = %v, want %v", c.name, tid, row, col, got, v)
					}
				}
			}
		}
		// Figures read where the known report has none are wrong too.
		for tid, g := range res.Report.Tables {
			for row, cols := range g {
				for col := range cols {
					if _, ok := c.want.Value(tid, row, col); !ok {
						wrong++
						t.Errorf("%s: %s/%s/%s read but not in the report", c.name, tid, row, col)
					}
				}
			}
		}
		total, read = total+n, read+r
		consistent := true
		for _, f := range report.Check(c.want, nil) {
			consistent = consistent && f.Severity != report.Error
		}
		if consistent {
			for _, f := range res.Findings {
				if f.Severity == report.Error {
					t.Errorf("%s: consistent report has error finding %s: %s", c.name, f.Rule, f.Message)
				}
			}
		}
		t.Logf("%-22s %3d/%3d cells read, consistent=%v, findings %v", c.name, r, n, consistent, rulesOf(res.Findings))
	}
	pct := 100 * float64(read) / float64(total)
	t.Logf("corpus: %d of %d cells read (%.1f%%), %d wrong", read, total, pct, wrong)
	if pct < 95 {
		t.Errorf("cells read = %.1f%%, want ≥ 95%%", pct)
	}
}

func corpusText(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestWrappedPDFLabelsJoinTheirOwnRow(t *testing.T) {
	res, err := Read(context.Background(), "a.txt", []byte(corpusText(t, "a-wrapped.txt")), nil)
	if err != nil {
		t.Fatal(err)
	}
	requestRow(t, res.Report, "refused.law_forbidden", 2, 0, 0, 0, 0, 0, 2)
	requestRow(t, res.Report, "refused.internal_affairs", 0, 0, 0, 0, 0, 0, 0)
	requestRow(t, res.Report, "refused.process_info", 0, 0, 0, 0, 0, 0, 0)
	requestRow(t, res.Report, "unable.not_held", 12, 1, 0, 0, 0, 1, 14)
	if len(res.Findings) != 0 {
		t.Errorf("findings %v", res.Findings)
	}
}

func TestRunTogetherDigits(t *testing.T) {
	text := corpusText(t, "a-runtogether.txt")
	if !strings.Contains(text, "一、本年新收政府信息公开申请数量713000074") {
		t.Fatal("the variant lost the issue's example")
	}
	res, err := Read(context.Background(), "a.txt", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	requestRow(t, res.Report, "new", 71, 3, 0, 0, 0, 0, 74)
	requestRow(t, res.Report, "unable.not_held", 12, 1, 0, 0, 0, 1, 14)
	if got := res.Report.Tables[report.TableAppeals][report.RowCases]["review.total"]; got != 6 || countCells(res.Report, report.TableAppeals) != 15 {
		t.Errorf("s4 = %v", res.Report.Tables[report.TableAppeals])
	}
	// A run that two readings fit (10|1|0|0|0|0|11 and 1|0|10|0|0|0|11) and the columns fit neither: not read.
	text = mustReplace(t, text, "（一）予以公开                40     2     0      0      0        0    42", "（一）予以公开101000011")
	res, err = Read(context.Background(), "a.txt", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Report.Tables[report.TableRequests]["disclosed"]; ok {
		t.Errorf("disclosed guessed: %v", res.Report.Tables[report.TableRequests]["disclosed"])
	}
	f, ok := findingOf(res, "I-SPLIT")
	if !ok || f.Severity != report.Warning || !strings.Contains(f.Message, "101000011") {
		t.Errorf("I-SPLIT = %+v (%v)", f, rulesOf(res.Findings))
	}
	if hasRule(res, "C-2") {
		t.Errorf("C-2 blames the agency: %v", rulesOf(res.Findings))
	}
}

func TestPDFSection4WithVanishedBlanks(t *testing.T) {
	text := corpusText(t, "a-vanished.txt")
	res, err := Read(context.Background(), "a.txt", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	g := res.Report.Tables[report.TableAppeals][report.RowCases]
	if len(g) != 15 || g["review.upheld"] != 3 || g["review.corrected"] != 1 || g["review.pending"] != 2 || g["review.total"] != 6 || g["suit_direct.total"] != 1 {
		t.Errorf("s4 = %v", g)
	}
	requestRow(t, res.Report, "disclosed", 40, 2, 0, 0, 0, 0, 42)
	// Two narrow columns with no space between them ("02" for 0|2): only the split satisfies the group total.
	touch := mustReplace(t, text, "  3 1  0 2  6    1 0      0     0     1       0       0        0        0", "  3 1 02 6 1 0 0 0 1 0 0 0 0 0")
	res, err = Read(context.Background(), "a.txt", []byte(touch), nil)
	if err != nil {
		t.Fatal(err)
	}
	if g := res.Report.Tables[report.TableAppeals][report.RowCases]; len(g) != 15 || g["review.other"] != 0 || g["review.pending"] != 2 || g["review.total"] != 6 {
		t.Errorf("s4 with touching cells = %v (%v)", g, rulesOf(res.Findings))
	}
	// Zeros printed as blanks in two groups: twelve readings satisfy the group totals, so the row stays unread,
	// and the finding says so instead of C-1.
	text = mustReplace(t, text, "  3 1  0 2  6    1 0      0     0     1       0       0        0        0", "  3 1  2  6    1                         1")
	res, err = Read(context.Background(), "a.txt", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Report.Tables[report.TableAppeals]; ok {
		t.Errorf("s4 guessed: %v", res.Report.Tables[report.TableAppeals])
	}
	if f, ok := findingOf(res, "I-SPLIT"); !ok || f.Section != "四" || !strings.Contains(f.Message, "种读法") {
		t.Errorf("I-SPLIT = %+v", f)
	}
	if hasRule(res, "C-1") {
		t.Errorf("C-1 blames the agency: %v", rulesOf(res.Findings))
	}
}

func TestUnreadTableNamesItsLine(t *testing.T) {
	text := corpusText(t, "a-raw.txt")
	res, err := Read(context.Background(), "a.txt", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule == "C-1" || f.Rule == "C-2" || strings.Contains(f.Message, "请按规定格式填报") {
			t.Errorf("finding blames the agency: %+v", f)
		}
	}
	f, ok := findingOf(res, "I-UNREAD")
	if !ok || f.Severity != report.Warning || f.Section != "三" || !strings.Contains(f.Message, "第三部分表格在原文第 1") || !strings.Contains(f.Message, "不表示报告缺少") {
		t.Errorf("I-UNREAD = %+v", f)
	}
}

func TestAgencyNames(t *testing.T) {
	body := "\n一、总体情况\n2023年，本机关认真贯彻《条例》。\n五、存在的主要问题及改进情况\n无。\n"
	for _, c := range []struct{ name, text, want string }{
		{"title split over two lines", "威海市环翠区人民\n政府2023年政府信息公开工作年度报告" + body, "威海市环翠区人民政府"},
		{"agency above the year", "威海市环翠区信访局\n2023年政府信息公开工作年度报告" + body, "威海市环翠区信访局"},
		{"contact sentence", "政府信息公开工作年度报告\n本报告如有疑问，请联系桃江县审计局。" + body, "桃江县审计局"},
		{"year fragment", "2023年威海市环翠区信访局认真落实政府信息公开工作。" + body, "威海市环翠区信访局"},
		{"traditional with pinyin", "平píng陰yīn縣xiàn衛wèi生shēng健jiàn康kāng局jú2024年nián政府信息公開工作年度報告" + body, "平阴县卫生健康局"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := Parse("t.txt", c.text)
			if err != nil {
				t.Fatal(err)
			}
			if res.Report.Agency != c.want {
				t.Errorf("agency = %q, want %q", res.Report.Agency, c.want)
			}
		})
	}
	// The whole of seed 004 in traditional characters with pinyin over its title and first paragraph.
	data, err := os.ReadFile("testdata/traditional-004.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "平陰縣衛生健康局2024年", "平(píng)陰(yīn)縣(xiàn)衛(wèi)生(shēng)健(jiàn)康(kāng)局(jú)2024年", -1)
	if text == string(data) {
		t.Fatal("the title was not annotated")
	}
	res, err := Parse("t.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Agency != "平阴县卫生健康局" || res.Report.Year != 2024 || len(res.Report.Cells()) != 200 {
		t.Errorf("agency/year/cells = %q/%d/%d", res.Report.Agency, res.Report.Year, len(res.Report.Cells()))
	}
}

func TestPageNumbersOfPDFText(t *testing.T) {
	for l, want := range map[string]bool{"—3—": true, "- 12 -": true, "－3－": true, "3": false, "2024-01-15": false, "—": false, "第3页": false} {
		if got := isPageNumber(l); got != want {
			t.Errorf("isPageNumber(%q) = %v, want %v", l, got, want)
		}
	}
}

// TestRunTogetherSearchIsBounded: a table whose every row ran together, with twenty digits to a row, is settled
// (or left) quickly.
func TestRunTogetherSearchIsBounded(t *testing.T) {
	spec, _ := report.Format2021.Table(report.TableRequests)
	var b strings.Builder
	b.WriteString("某县民政局2024年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n")
	for _, r := range spec.Rows {
		b.WriteString(r.Label)
		if !r.Header {
			b.WriteString("11111111111111111111")
		}
		b.WriteString("\n")
	}
	b.WriteString("四、政府信息公开行政复议、行政诉讼情况\n101010101010101010101\n五、存在的主要问题及改进情况\n无。\n")
	start := time.Now()
	res, err := Read(context.Background(), "t.txt", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	limit := 2 * time.Second
	if raceEnabled {
		limit *= 10
	}
	if d := time.Since(start); d > limit {
		t.Errorf("took %v", d)
	}
	t.Logf("%v, findings %v", time.Since(start), rulesOf(res.Findings))
	if len(res.Report.Tables) != 0 {
		t.Errorf("figures invented: %v", res.Report.Tables)
	}
	if !hasRule(res, "I-SPLIT") {
		t.Errorf("findings %v", rulesOf(res.Findings))
	}
}

// BenchmarkParseCorpus parses the PDF text layers of the corpus: space-separated cells, wrapped labels, and rows
// settled by the table's relations.
func BenchmarkParseCorpus(b *testing.B) {
	for _, name := range []string{"a-layout.txt", "a-runtogether.txt", "a-vanished.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata/corpus", name))
		if err != nil {
			b.Fatal(err)
		}
		text := string(data)
		b.Run(strings.TrimSuffix(name, ".txt"), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(name, text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestRelationErrorsAgreeWithCheck: the relations weighed when settling a row are report.Check's, counted alike
// on complete, incomplete and inconsistent tables.
func TestRelationErrorsAgreeWithCheck(t *testing.T) {
	relation := map[string]bool{"R3-1": true, "R3-2": true, "R3-3": true, "R4-1": true}
	for _, c := range corpus(t) {
		for k := 0; k < 4; k++ {
			r := *c.want
			r.Tables = map[string]report.Grid{}
			for tid, g := range c.want.Tables {
				ng := report.Grid{}
				for row, cols := range g {
					nc := map[string]float64{}
					for col, v := range cols {
						nc[col] = v
					}
					ng[row] = nc
				}
				r.Tables[tid] = ng
			}
			switch k {
			case 1: // a figure changed
				if g := r.Tables[report.TableRequests]; g != nil {
					g["disclosed"]["natural_person"] += 3
				}
				if g := r.Tables[report.TableAppeals]; g != nil {
					g[report.RowCases]["review.upheld"]++
				}
			case 2: // a row missing
				delete(r.Tables[report.TableRequests], "total")
			case 3: // a cell missing
				if g := r.Tables[report.TableRequests]; g != nil && g["new"] != nil {
					delete(g["new"], "commercial")
					g["partial"]["total"] += 1
				}
			}
			want := 0
			for _, f := range report.Check(&r, nil) {
				if relation[f.Rule] {
					want++
				}
			}
			var results []report.Row
			if f, ok := report.FormatOf(r.Era); ok {
				if t, _ := f.Table(report.TableRequests); t != nil {
					results = report.ResultRows(t)
				}
			}
			if got := relationErrors(&r, results); got != want {
				t.Errorf("%s case %d: relationErrors = %d, report.Check = %d", c.name, k, got, want)
			}
		}
	}
}

// TestOneFigureIsNotARowOfVanishedBlanks: a line with a single figure under section 四 is not read as fifteen
// cells of which fourteen vanished.
func TestOneFigureIsNotARowOfVanishedBlanks(t *testing.T) {
	text := "某县民政局2024年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n本年度本机关行政复议 0\n五、存在的主要问题及改进情况\n无。\n"
	res, err := Read(context.Background(), "t.txt", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := res.Report.Tables[report.TableAppeals]; ok {
		t.Errorf("s4 invented from one figure: %v", g)
	}
}

// TestLabelsPrintedTogether: plain pdftotext prints the labels of two rows together and their fourteen figures
// after both; they are the two rows' in order. Figures that no label sequence accounts for stay unread.
func TestLabelsPrintedTogether(t *testing.T) {
	text := corpusText(t, "a-raw.txt")
	if !strings.Contains(text, "（三） 4.保护第三方合法权益\n不予公\n5.属于三类内部事务信息\n开\n") {
		t.Fatal("the variant lost its stacked labels")
	}
	// Distinct figures in the two rows, so that their order shows.
	marker := "5.属于三类内部事务信息\n开\n"
	at := strings.Index(text, marker) + len(marker)
	lines := strings.Split(text[at:], "\n")
	figs := []string{"1", "0", "0", "0", "0", "0", "1", "2", "0", "0", "0", "0", "0", "2"}
	k := 0
	for j := 0; k < len(figs); j++ {
		switch strings.TrimSpace(lines[j]) {
		case "":
		case "0":
			lines[j] = figs[k]
			k++
		default:
			t.Fatalf("line %d after the labels = %q", j, lines[j])
		}
	}
	text = text[:at] + strings.Join(lines, "\n")
	res, err := Read(context.Background(), "a.txt", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	requestRow(t, res.Report, "refused.third_party", 1, 0, 0, 0, 0, 0, 1)
	requestRow(t, res.Report, "refused.internal_affairs", 2, 0, 0, 0, 0, 0, 2)
	requestRow(t, res.Report, "new", 71, 3, 0, 0, 0, 0, 74)
	if _, ok := res.Report.Tables[report.TableRequests]["unable.not_held"]; ok {
		t.Error("a row whose label stands after eleven rows' figures was given some of them")
	}
	// The same labels with one figure too many: nobody's.
	text = strings.Replace(text, "（三） 4.保护第三方合法权益\n不予公\n5.属于三类内部事务信息\n开\n", "（三） 4.保护第三方合法权益\n不予公\n5.属于三类内部事务信息\n开\n0\n", 1)
	res, err = Read(context.Background(), "a.txt", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{"refused.third_party", "refused.internal_affairs"} {
		if _, ok := res.Report.Tables[report.TableRequests][row]; ok {
			t.Errorf("%s read from fifteen figures", row)
		}
	}
}

// TestTitleWordsPassEveryTitle: the prefilter of matchTitle never drops a line one of the title regexps matches.
func TestTitleWordsPassEveryTitle(t *testing.T) {
	lines := []string{
		"平阴县卫生健康局2024年政府信息公开工作年度报告", "2023年度临潭县卫生健康局政府信息公开工作年度报告",
		"临潭县卫生健康局政府信息公开工作年度报告（2023年度）", "某县政府信息公开工作2023年年度报告",
		"某县2023 年 度 政务公开工作报告", "某县二〇二三年信息公开年报",
	}
	for _, c := range corpus(t) {
		lines = append(lines, strings.Split(c.text, "\n")...)
	}
	n := 0
	for _, l := range lines {
		s := arabicDates(normLine(l))
		matched := false
		for _, re := range []*regexp.Regexp{reTitle, reTitleAlt, reTitleYearFirst, reTitleYearAfter} {
			matched = matched || re.MatchString(s)
		}
		if matched {
			n++
			if !titleWords(s) {
				t.Errorf("titleWords drops %q", s)
			}
		}
	}
	if n < 6 {
		t.Errorf("only %d lines hold a title", n)
	}
}
