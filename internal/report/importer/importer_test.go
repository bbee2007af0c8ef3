package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/report"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden from the current importer")

const seedDir = "../../../../shared/seeds"

// seed reads a seed report; the seeds live beside the repository (shared/seeds).
func seed(t testing.TB, prefix string) (string, []byte) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(seedDir, prefix+"_*.txt"))
	if len(files) != 1 {
		t.Skipf("seed %s not found in %s", prefix, seedDir)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return files[0], data
}

func readSeed(t *testing.T, prefix string) *Result {
	t.Helper()
	name, data := seed(t, prefix)
	res, err := Read(context.Background(), filepath.Base(name), data, nil)
	if err != nil {
		t.Fatalf("%s: %v", prefix, err)
	}
	return res
}

func TestGoldenSeeds(t *testing.T) {
	for _, prefix := range []string{"000", "001", "002", "003", "004"} {
		t.Run(prefix, func(t *testing.T) {
			res := readSeed(t, prefix)
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", prefix+".json")
			if *updateGolden {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden -update)", err)
			}
			if diff := cmp.Diff(string(bytes.TrimSpace(want)), string(got)); diff != "" {
				t.Errorf("import of %s changed (-golden +now):\n%s", prefix, diff)
			}
		})
	}
}

func value(t *testing.T, r *report.Report, table, row, col string) float64 {
	t.Helper()
	v, ok := r.Value(table, row, col)
	if !ok {
		t.Fatalf("%s/%s/%s not read", table, row, col)
	}
	return v
}

func figure(r *report.Report, id string) (float64, bool) {
	for _, f := range r.Figures {
		if f.ID == id {
			return f.Value, true
		}
	}
	return 0, false
}

func rulesOf(fs []report.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func countCells(r *report.Report, table string) int {
	n := 0
	for _, row := range r.Tables[table] {
		n += len(row)
	}
	return n
}

func TestSeed004CurrentFormatComplete(t *testing.T) {
	res := readSeed(t, "004")
	r := res.Report
	if r.Era != report.Era2021 || r.Year != 2024 || r.Agency != "平阴县卫生健康局" {
		t.Fatalf("era/year/agency = %s/%d/%s", r.Era, r.Year, r.Agency)
	}
	if r.IndexNumber != "113701243072282028/2025-6626482" || r.Published != "2025-01-15" {
		t.Errorf("index/published = %q/%q", r.IndexNumber, r.Published)
	}
	if r.Title != "平阴县卫生健康局2024年政府信息公开工作年度报告" {
		t.Errorf("title = %q", r.Title)
	}
	if got := countCells(r, report.TableRequests); got != 175 {
		t.Errorf("section 三 cells = %d, want 175", got)
	}
	for _, c := range []struct {
		table, row, col string
		want            float64
	}{
		{report.TableRequests, "new", "natural_person", 2},
		{report.TableRequests, "new", "total", 2},
		{report.TableRequests, "disclosed", "total", 1},
		{report.TableRequests, "unable.not_held", "natural_person", 1},
		{report.TableRequests, "total", "total", 2},
		{report.TableRequests, "carry_forward", "total", 0},
		{report.TablePenalties, "penalty", "decisions", 59},
		{report.TablePenalties, "coercion", "decisions", 0},
		{report.TableRules, "normative", "in_force", 0},
		{report.TableFees, "fees", "amount", 0},
	} {
		if got := value(t, r, c.table, c.row, c.col); got != c.want {
			t.Errorf("%s/%s/%s = %v, want %v", c.table, c.row, c.col, got, c.want)
		}
	}
	if got := countCells(r, report.TableAppeals); got != 15 {
		t.Errorf("section 四 cells = %d, want 15", got)
	}
	six, ok := r.Section("六")
	if !ok || len(six.Items) != 6 || six.Items[0].ID != "fees" || !strings.Contains(six.Items[0].Text, "未收取信息处理费") {
		t.Errorf("section 六 = %+v", six)
	}
	for id, want := range map[string]float64{"proactive_items": 147, "new_media_items": 1339, "proposals_npc": 4, "proposals_cppcc": 10, "applications": 2} {
		if got, ok := figure(r, id); !ok || got != want {
			t.Errorf("figure %s = %v (%v), want %v", id, got, ok, want)
		}
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings = %+v, want none", res.Findings)
	}
	if strings.Contains(r.Preamble, "字号") || !strings.HasPrefix(r.Preamble, "本年度政府信息公开工作报告全面回顾") {
		t.Errorf("preamble = %.60q", r.Preamble)
	}
}

func TestSeed001TrialFormatFlagsImplausibleRow(t *testing.T) {
	res := readSeed(t, "001")
	r := res.Report
	if r.Era != report.Era2019 || r.Year != 2020 || r.Agency != "朝阳县卫生健康局" {
		t.Fatalf("era/year/agency = %s/%d/%s", r.Era, r.Year, r.Agency)
	}
	for _, c := range []struct {
		table, row, col string
		want            float64
	}{
		{report.TableRules, "normative", "made", 310},
		{report.TableRules, "normative", "published", 0},
		{report.TableRules, "normative", "published_total", 0},
		{report.TableLicensing, "licensing", "items_last_year", 7},
		{report.TableLicensing, "licensing", "decisions", 154},
		{report.TablePenalties, "penalty", "items_last_year", 72},
		{report.TablePenalties, "penalty", "decisions", 38},
		{report.TableProcure, "procurement", "projects", 4},
		{report.TableProcure, "procurement", "amount", 4106},
		{report.TableRequests, "other", "total", 0},
	} {
		if got := value(t, r, c.table, c.row, c.col); got != c.want {
			t.Errorf("%s/%s/%s = %v, want %v", c.table, c.row, c.col, got, c.want)
		}
	}
	if got := countCells(r, report.TableRequests); got != 23*7 {
		t.Errorf("section 三 cells = %d, want %d", got, 23*7)
	}
	if got := countCells(r, report.TableAppeals); got != 15 {
		t.Errorf("section 四 cells = %d", got)
	}
	if got := strings.Join(rulesOf(res.Findings), ","); got != "R2-3" {
		t.Fatalf("findings = %s, want the implausible 规范性文件 row (R2-3)", got)
	}
	if f := res.Findings[0]; f.Row != "规范性文件" || !strings.Contains(f.Message, "310") {
		t.Errorf("R2-3 = %+v", f)
	}
}

func TestSeed000HasNoTables(t *testing.T) {
	res := readSeed(t, "000")
	r := res.Report
	if r.Era != report.Era2021 || r.Year != 2022 || r.Agency != "临潭县卫生健康局" || r.Signed != "2023-01-13" || r.Published != "2023-02-01" {
		t.Fatalf("header = %s/%d/%s/%s/%s", r.Era, r.Year, r.Agency, r.Signed, r.Published)
	}
	if len(r.Tables) != 0 {
		t.Errorf("tables = %v, want none", r.Tables)
	}
	for _, id := range []string{"一", "五", "六"} {
		if s, ok := r.Section(id); !ok || len(s.Text) < 100 && id != "六" || s.Text == "" {
			t.Errorf("section %s = %+v", id, s)
		}
	}
	if s, _ := r.Section("六"); strings.Contains(s.Text, "特此报告") || strings.Contains(s.Text, "2023年1月13日") {
		t.Errorf("signature left in section 六: %q", s.Text)
	}
	want := []string{"C-1", "C-1", "C-1"}
	if got := rulesOf(res.Findings); !cmp.Equal(got, want) {
		t.Fatalf("findings = %v, want %v", got, want)
	}
	for i, sec := range []string{"二", "三", "四"} {
		if !strings.Contains(res.Findings[i].Message, "未找到第"+sec+"部分表格") {
			t.Errorf("finding %d: %s", i, res.Findings[i].Message)
		}
	}
}

func TestSeed002PreRegulationProse(t *testing.T) {
	res := readSeed(t, "002")
	r := res.Report
	if r.Era != report.EraPre2019 || r.Year != 2016 || r.Agency != "镇海区卫生计生局" || r.Signed != "2016-12-30" {
		t.Fatalf("header = %s/%d/%s/%s", r.Era, r.Year, r.Agency, r.Signed)
	}
	if len(r.Tables) != 0 {
		t.Errorf("tables = %v", r.Tables)
	}
	for id, want := range map[string]float64{
		"proactive_items": 419, "proactive_share": 100, "wechat_items": 129, "weibo_items": 258,
		"opinion_responses": 70, "applications": 4, "applications_refused": 0, "fees_collected": 0,
		"administrative_reviews": 0, "administrative_lawsuits": 0,
	} {
		if got, ok := figure(r, id); !ok || got != want {
			t.Errorf("figure %s = %v (%v), want %v", id, got, ok, want)
		}
	}
	if len(r.Sections) != 6 {
		t.Errorf("sections = %d, want 6", len(r.Sections))
	}
	for _, s := range r.Sections {
		if strings.Contains(s.Text, "展开阅读全文") || strings.Contains(s.Text, "文档编号") {
			t.Errorf("document-site furniture in section %s", s.ID)
		}
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings = %+v", res.Findings)
	}
}

func TestSeed003CurrentFormatTabIndented(t *testing.T) {
	res := readSeed(t, "003")
	r := res.Report
	if r.Era != report.Era2021 || r.Year != 2021 || r.Agency != "积石山县卫生健康局" || r.Signed != "2022-01-18" {
		t.Fatalf("header = %s/%d/%s/%s", r.Era, r.Year, r.Agency, r.Signed)
	}
	if got := len(r.Cells()); got != 200 {
		t.Errorf("cells = %d, want 200", got)
	}
	for _, c := range r.Cells() {
		if c.Value != 0 {
			t.Errorf("%s/%s = %v, want 0", c.Row, c.Column, c.Value)
		}
	}
	// Its section 六 says only "无。": the fee item is not stated.
	if got := strings.Join(rulesOf(res.Findings), ","); got != "C-4" {
		t.Errorf("findings = %s, want C-4", got)
	}
}

// The variants below change a real report the way mirrors, editors and converters do.

func seed004(t *testing.T) string {
	_, data := seed(t, "004")
	return string(data)
}

func parseText(t *testing.T, text string) *Result {
	t.Helper()
	res, err := Parse("variant.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	res.Findings = append(res.Findings, report.Check(res.Report, nil)...)
	return res
}

func TestVariants(t *testing.T) {
	base := seed004(t)
	tests := []struct {
		name   string
		text   func() string
		check  func(t *testing.T, res *Result)
		errors int // error-level findings expected
	}{
		{
			name: "traditional characters",
			text: func() string {
				return strings.NewReplacer("公开", "公開", "处理", "處理", "报告", "報告", "国家", "國家", "总计", "總計", "结转", "結轉", "数量", "數量").Replace(base)
			},
			check: func(t *testing.T, res *Result) {
				if got := countCells(res.Report, report.TableRequests); got != 175 {
					t.Errorf("cells = %d", got)
				}
			},
		},
		{
			name: "half-width parentheses and full-width digits",
			text: func() string {
				return strings.NewReplacer("（", "(", "）", ")", "59", "５９").Replace(base)
			},
			check: func(t *testing.T, res *Result) {
				if v, _ := res.Report.Value(report.TablePenalties, "penalty", "decisions"); v != 59 {
					t.Errorf("penalties = %v", v)
				}
			},
		},
		{
			name: "rows joined with bars",
			text: func() string { return joinRows(base, " | ") },
			check: func(t *testing.T, res *Result) {
				if got := countCells(res.Report, report.TableRequests); got != 175 {
					t.Errorf("cells = %d", got)
				}
			},
		},
		{
			name: "rows joined with tabs, blank cells meaning 0",
			text: func() string {
				return strings.ReplaceAll(joinRows(base, "\t"), "2.重复申请\t0\t0\t0", "2.重复申请\t\t—\t")
			},
			check: func(t *testing.T, res *Result) {
				if v, ok := res.Report.Value(report.TableRequests, "not_processed.repeat", "commercial"); !ok || v != 0 {
					t.Errorf("blank cell = %v %v, want 0", v, ok)
				}
				if got := countCells(res.Report, report.TableRequests); got != 175 {
					t.Errorf("cells = %d", got)
				}
			},
		},
		{
			name: "spam and furniture between rows",
			text: func() string {
				return strings.Replace(strings.Replace(base, "二、上年结转政府信息公开申请数量", "点击数：1024\n\n分享到：微信 微博\n二、上年结转政府信息公开申请数量", 1),
					"（二）部分公开", "打印本页\n（二）部分公开", 1)
			},
			check: func(t *testing.T, res *Result) {
				if got := countCells(res.Report, report.TableRequests); got != 175 {
					t.Errorf("cells = %d", got)
				}
			},
		},
		{
			name: "cut off in the middle of section 三",
			text: func() string { return base[:strings.Index(base, "2.没有现成信息需要另行制作")] },
			check: func(t *testing.T, res *Result) {
				r := res.Report
				if v := value(t, r, report.TableRequests, "unable.not_held", "natural_person"); v != 1 {
					t.Errorf("last row before the cut = %v", v)
				}
				if _, ok := r.Value(report.TableRequests, "total", "total"); ok {
					t.Error("a figure after the cut was invented")
				}
				if !contains(rulesOf(res.Findings), "I-TRUNC") || !contains(rulesOf(res.Findings), "C-2") || !contains(rulesOf(res.Findings), "C-1") {
					t.Errorf("findings = %v", rulesOf(res.Findings))
				}
			},
			errors: -1,
		},
		{
			name: "a flattened row missing one cell",
			text: func() string {
				i := strings.Index(base, "2.其他法律行政法规禁止公开")
				j := i + strings.Index(base[i:], "\n0\n")
				return base[:j] + base[j+2:]
			},
			check: func(t *testing.T, res *Result) {
				if _, ok := res.Report.Value(report.TableRequests, "refused.law_forbidden", "natural_person"); ok {
					t.Error("row with a missing cell was guessed")
				}
				if !contains(rulesOf(res.Findings), "I-CELLS") {
					t.Errorf("findings = %v", rulesOf(res.Findings))
				}
			},
			errors: -1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := parseText(t, tc.text())
			if res.Report.Year != 2024 || res.Report.Era != report.Era2021 {
				t.Errorf("year/era = %d/%s", res.Report.Year, res.Report.Era)
			}
			tc.check(t, res)
			if tc.errors == 0 && report.HasErrors(res.Findings) {
				t.Errorf("unexpected errors: %+v", res.Findings)
			}
			if err := res.Report.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// joinRows turns the one-cell-per-line tables of seed 004 into one line per row: a label followed by its figures.
func joinRows(text, sep string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if isDigits(l) && len(out) > 0 {
			out[len(out)-1] += sep + l
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestNoReport(t *testing.T) {
	for name, text := range map[string]string{
		"empty":       "",
		"spaces":      "   \n\n\t ",
		"bars":        "||||||\n|||",
		"unrelated":   "今天天气很好，我们去公园散步。\n明天继续。",
		"page chrome": "无障碍阅读 关怀版 返回首页\n【关闭窗口】",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse(name, text); err == nil || !strings.Contains(err.Error(), "没有找到") {
				t.Errorf("err = %v, want ErrNoReport", err)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, prefix := range []string{"000", "001", "002", "003", "004"} {
		_, data := seed(b, prefix)
		text := string(data)
		b.Run(prefix, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(prefix, text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, prefix := range []string{"000", "001", "002", "003", "004"} {
		files, _ := filepath.Glob(filepath.Join(seedDir, prefix+"_*.txt"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil {
				s := string(data)
				f.Add(s)
				f.Add(joinRows(s, "\t"))
				f.Add(joinRows(s, " | "))
				f.Add(s[:len(s)/2])
				f.Add(strings.NewReplacer("公开", "公開", "处理", "處理", "（", "(", "）", ")").Replace(s))
			}
		}
	}
	f.Add("一、总体情况\n三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t1\t\t\t\t\t\t1")
	f.Add("第1页 / 共2页\n1、某县民政局2019年政府信息公开工作年度报告一、概述\n2、二、主动公开政府信息的情况")
	f.Add("|||")
	// The shapes of issue 12: a blank last cell after a bar, single spaces, a wrapped PDF label, run-together
	// digits, a PDF section 四 with vanished blanks.
	f.Add("三、收到和处理政府信息公开申请情况\n（一）予以公开 | 258 | 12 |  |  | 1 | 1 | ")
	f.Add("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119\n四、政府信息公开行政复议、行政诉讼情况\n0 0 0 0 0 0 0 0 0 0 0 0 0 0 0")
	f.Add("三、收到和处理政府信息公开申请情况\n1.属于国家秘密 0 0 0 0 0 0 0\n2.其他法律行政法规    0    0 0 0 0 0 0\n禁止公开\n3.危及“三安全一稳定” 0 0 0 0 0 0 0")
	f.Add("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量713000074\n（一）予以公开99999999999999999999999")
	f.Add("四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n  3 1  0 2  6    1 0      0     0     1       0       0        0")
	for _, name := range []string{"a-layout.txt", "a-runtogether.txt", "a-vanished.txt", "a-wrapped.txt", "a-raw.txt"} {
		if data, err := os.ReadFile(filepath.Join("testdata/corpus", name)); err == nil {
			f.Add(string(data))
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		res, err := Parse("fuzz.txt", text)
		if err != nil {
			if !errors.Is(err, ErrNoReport) {
				t.Fatalf("error %v is not ErrNoReport", err)
			}
			return
		}
		checkResult(t, res)
	})
}

func TestTitleAndDateVariants(t *testing.T) {
	body := "\n一、总体情况\n本年度依法公开。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n未收取信息处理费。\n"
	for _, tc := range []struct {
		name, text, agency, signed string
		year                       int
	}{
		{"year in Chinese numerals", "临潭县卫生健康局二〇二三年政府信息公开工作年度报告" + body + "临潭县卫生健康局\n二〇二四年一月十五日", "临潭县卫生健康局", "2024-01-15", 2023},
		{"year first", "2023年度临潭县卫生健康局政府信息公开工作年度报告" + body, "临潭县卫生健康局", "", 2023},
		{"year in brackets after", "临潭县卫生健康局政府信息公开工作年度报告（2023年度）" + body, "临潭县卫生健康局", "", 2023},
		{"signature with day twenty-one", "某县民政局2022年政府信息公开工作年度报告" + body + "某县民政局 二〇二三年一月二十一日", "某县民政局", "2023-01-21", 2022},
		{"no title, statistical period", "统计期限自2021年1月1日至2021年12月31日。" + body, "", "", 2021},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse("t.txt", tc.text)
			if err != nil {
				t.Fatal(err)
			}
			r := res.Report
			if r.Year != tc.year || r.Agency != tc.agency || r.Signed != tc.signed {
				t.Errorf("year/agency/signed = %d/%q/%q, want %d/%q/%q", r.Year, r.Agency, r.Signed, tc.year, tc.agency, tc.signed)
			}
			if _, ok := r.Section("五"); !ok {
				t.Error("section 五 not found")
			}
		})
	}
}

func TestAppealsRowWithBlankLeadingCells(t *testing.T) {
	text := "某县民政局2024年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n行政复议\t行政诉讼\n" +
		"结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n\t\t1\t\t1\t\t\t\t\t\t\t\t\t\t\n五、存在的主要问题及改进情况\n无。"
	res, err := Parse("t.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if got := countCells(r, report.TableAppeals); got != 15 {
		t.Fatalf("cells = %d, want 15 (findings %v)", got, rulesOf(res.Findings))
	}
	if v := value(t, r, report.TableAppeals, report.RowCases, "review.other"); v != 1 {
		t.Errorf("review.other = %v, want 1", v)
	}
	if v := value(t, r, report.TableAppeals, report.RowCases, "review.upheld"); v != 0 {
		t.Errorf("blank review.upheld = %v, want 0", v)
	}
}

func TestArabicDates(t *testing.T) {
	for in, want := range map[string]string{
		"二〇二四年一月十五日":   "2024年1月15日",
		"二零二三年度报告":     "2023年度报告",
		"二〇二三年十二月三十一日": "2023年12月31日",
		"二〇二三年十月":      "2023年10月",
		"第三年":          "第三年",
		"没有日期的文字":      "没有日期的文字",
	} {
		if got := arabicDates(in); got != want {
			t.Errorf("arabicDates(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTraditionalCharacters reads seed 004 as a Taiwan mirror would publish it (converted with OpenCC s2tw): every
// figure, and the report read in simplified characters.
func TestTraditionalCharacters(t *testing.T) {
	data, err := os.ReadFile("testdata/traditional-004.txt")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Parse("traditional-004.txt", string(data))
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if r.Agency != "平阴县卫生健康局" || r.Year != 2024 || r.Era != report.Era2021 {
		t.Errorf("agency/year/era = %s/%d/%s", r.Agency, r.Year, r.Era)
	}
	if got := len(r.Cells()); got != 200 {
		t.Errorf("cells = %d, want 200", got)
	}
	want := readSeed(t, "004").Report
	if diff := cmp.Diff(want.Tables, r.Tables); diff != "" {
		t.Errorf("figures differ from the simplified original:\n%s", diff)
	}
	if s, _ := r.Section("五"); !strings.Contains(s.Text, "存在问题") {
		t.Errorf("section 五 not in simplified characters: %.40s", s.Text)
	}
	if v, ok := figure(r, "proactive_items"); !ok || v != 147 {
		t.Errorf("proactive_items = %v %v", v, ok)
	}
}
