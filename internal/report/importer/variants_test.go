package importer

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/report"
)

// mustReplace replaces old by new in s once and fails when old is not there, so that a mutation that no longer
// applies to the seed does not pass silently.
func mustReplace(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("mutation target %q not in the text", old)
	}
	return strings.Replace(s, old, new, 1)
}

func hasRule(res *Result, rule string) bool {
	for _, f := range res.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

func findingOf(res *Result, rule string) (report.Finding, bool) {
	for _, f := range res.Findings {
		if f.Rule == rule {
			return f, true
		}
	}
	return report.Finding{}, false
}

func TestSeedFiguresInDetail(t *testing.T) {
	t.Run("004 section 四 all zero", func(t *testing.T) {
		r := readSeed(t, "004").Report
		spec, _ := report.Format2021.Table(report.TableAppeals)
		for _, col := range spec.Columns {
			if v := value(t, r, report.TableAppeals, report.RowCases, col.ID); v != 0 {
				t.Errorf("s4 %s = %v", col.ID, v)
			}
		}
	})
	t.Run("001 every row of section 三 and 四", func(t *testing.T) {
		r := readSeed(t, "001").Report
		spec, _ := report.Format2019.Table(report.TableRequests)
		if got := len(spec.DataRows()); got != 23 {
			t.Fatalf("trial format has %d data rows, want 23", got)
		}
		for _, row := range spec.DataRows() {
			for _, col := range spec.Columns {
				value(t, r, report.TableRequests, row.ID, col.ID)
			}
		}
		for _, col := range report.Format2019.Tables[len(report.Format2019.Tables)-1].Columns {
			if v := value(t, r, report.TableAppeals, report.RowCases, col.ID); v != 0 {
				t.Errorf("s4 %s = %v", col.ID, v)
			}
		}
		if v := value(t, r, report.TableProcure, "procurement", "amount"); v != 4106 {
			t.Errorf("procurement amount = %v", v)
		}
	})
	t.Run("003 section 三 complete", func(t *testing.T) {
		r := readSeed(t, "003").Report
		if got := countCells(r, report.TableRequests); got != 175 {
			t.Errorf("s3 cells = %d, want 175", got)
		}
	})
	t.Run("002 chunks joined", func(t *testing.T) {
		r := readSeed(t, "002").Report
		s, _ := r.Section("复议诉讼")
		if s.Text != "2016 年内镇海卫生计生局无因政府信息公开申请行政复议、提起行政诉讼的情况。" {
			t.Errorf("复议诉讼 = %q", s.Text)
		}
		for _, s := range r.Sections {
			if strings.Contains(s.Text, "、府信息") || strings.Contains(s.Text, "\n") && s.ID != "概述" {
				t.Errorf("section %s keeps a page chunk break: %q", s.ID, s.Text)
			}
		}
	})
}

func TestTableVariants(t *testing.T) {
	base := seed004(t)
	tests := []struct {
		name  string
		text  func(t *testing.T) string
		check func(t *testing.T, res *Result)
	}{
		{
			name: "labels split over two lines",
			text: func(t *testing.T) string {
				s := mustReplace(t, base, "1.本机关不掌握相关政府信息", "1.本机关不掌握相关\n政府信息")
				s = mustReplace(t, s, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "(二)部分公开(区分处理的,只计这一情形,\n不计其他情形)")
				s = mustReplace(t, s, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "2.申请人逾期未按收费通知要求\n缴纳费用、行政机关不再处理其\n政府信息公开申请")
				s = mustReplace(t, s, "3.危及“三安全一稳定”", "3.危及“三安全\n一稳定”")
				return mustReplace(t, s, "行政规范性文件", "行政规范性\n文件")
			},
			check: func(t *testing.T, res *Result) {
				if got := countCells(res.Report, report.TableRequests); got != 175 {
					t.Errorf("s3 cells = %d", got)
				}
				if v := value(t, res.Report, report.TableRequests, "unable.not_held", "total"); v != 1 {
					t.Errorf("unable.not_held/total = %v", v)
				}
				value(t, res.Report, report.TableRules, "normative", "in_force")
			},
		},
		{
			name: "a long sub-row label cut short is placed by its number",
			text: func(t *testing.T) string {
				return mustReplace(t, base, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "1.申请人无正当理由逾期")
			},
			check: func(t *testing.T, res *Result) {
				value(t, res.Report, report.TableRequests, "other.no_correction", "total")
				if got := countCells(res.Report, report.TableRequests); got != 175 {
					t.Errorf("s3 cells = %d", got)
				}
			},
		},
		{
			name: "gambling spam between rows and in the prose",
			text: func(t *testing.T) string {
				s := mustReplace(t, base, "2.重复申请", "澳门葡京娱乐场 注册送彩金 www.example.com\n2.重复申请")
				s = mustReplace(t, s, "(二)依申请公开方面", "真人视讯百家乐，线上赌场首选\n(二)依申请公开方面")
				return mustReplace(t, s, "行政处罚\n", "行政处罚\n威尼斯人娱乐城\n")
			},
			check: func(t *testing.T, res *Result) {
				if got := countCells(res.Report, report.TableRequests); got != 175 {
					t.Errorf("s3 cells = %d", got)
				}
				if v := value(t, res.Report, report.TablePenalties, "penalty", "decisions"); v != 59 {
					t.Errorf("penalty = %v", v)
				}
				s, _ := res.Report.Section("一")
				if strings.Contains(s.Text, "赌场") {
					t.Error("spam kept in section 一")
				}
			},
		},
		{
			name: "page furniture between rows",
			text: func(t *testing.T) string {
				s := mustReplace(t, base, "3.要求提供公开出版物", "【打印本页】\n下载\n浏览次数：88\n3.要求提供公开出版物")
				return mustReplace(t, s, "行政许可\n", "行政许可\n【关闭】\n")
			},
			check: func(t *testing.T, res *Result) {
				if got := len(res.Report.Cells()); got != 200 {
					t.Errorf("cells = %d, want 200", got)
				}
			},
		},
		{
			name: "cut off in the middle of a row of section 三",
			text: func(t *testing.T) string {
				i := strings.Index(base, "2.没有现成信息需要另行制作")
				return base[:i+len("2.没有现成信息需要另行制作\n0\n0\n")]
			},
			check: func(t *testing.T, res *Result) {
				r := res.Report
				if v := value(t, r, report.TableRequests, "unable.not_held", "natural_person"); v != 1 {
					t.Errorf("last complete row = %v", v)
				}
				if _, ok := r.Value(report.TableRequests, "unable.needs_creation", "natural_person"); ok {
					t.Error("the row cut in the middle was kept")
				}
				f, ok := findingOf(res, "I-TRUNC")
				if !ok || f.Row != "（四）无法提供/2.没有现成信息需要另行制作" || f.Section != "三" {
					t.Errorf("I-TRUNC = %+v", f)
				}
				if hasRule(res, "I-CELLS") {
					t.Error("a row cut by the end of the text is not an I-CELLS error")
				}
			},
		},
		{
			name: "cut off inside section 四",
			text: func(t *testing.T) string {
				i := strings.Index(base, "四、政府信息公开行政复议")
				j := strings.Index(base[i:], "0\n")
				return base[:i+j+len("0\n\n0\n\n0\n")]
			},
			check: func(t *testing.T, res *Result) {
				if _, ok := res.Report.Tables[report.TableAppeals]; ok {
					t.Error("section 四 read from a cut table")
				}
				if got := countCells(res.Report, report.TableRequests); got != 175 {
					t.Errorf("s3 cells = %d", got)
				}
				if !hasRule(res, "I-TRUNC") || hasRule(res, "I-CELLS") {
					t.Errorf("findings = %v", rulesOf(res.Findings))
				}
			},
		},
		{
			name: "cut off after the column headers of section 四",
			text: func(t *testing.T) string {
				i := strings.Index(base, "四、政府信息公开行政复议")
				return base[:i+strings.Index(base[i:], "0\n")]
			},
			check: func(t *testing.T, res *Result) {
				f, ok := findingOf(res, "I-TRUNC")
				if !ok || f.Section != "四" {
					t.Errorf("findings = %+v", res.Findings)
				}
			},
		},
		{
			name: "cut off right after the heading of section 三",
			text: func(t *testing.T) string {
				i := strings.Index(base, "三、收到和处理政府信息公开申请情况")
				return base[:i+len("三、收到和处理政府信息公开申请情况")]
			},
			check: func(t *testing.T, res *Result) {
				f, ok := findingOf(res, "I-TRUNC")
				if !ok || f.Section != "三" || f.Row != "一、本年新收政府信息公开申请数量" {
					t.Errorf("findings = %+v", res.Findings)
				}
				if got := countCells(res.Report, report.TablePenalties); got != 2 {
					t.Errorf("section 二 = %v", res.Report.Tables)
				}
			},
		},
		{
			name: "section 四 with a missing figure",
			text: func(t *testing.T) string {
				i := strings.Index(base, "四、政府信息公开行政复议")
				j := i + strings.Index(base[i:], "\n0\n")
				return base[:j] + base[j+2:]
			},
			check: func(t *testing.T, res *Result) {
				if _, ok := res.Report.Tables[report.TableAppeals]; ok {
					t.Error("section 四 guessed")
				}
				f, ok := findingOf(res, "I-CELLS")
				if !ok || f.Section != "四" || !strings.Contains(f.Message, "读到 14 个数字，应为 15 个") {
					t.Errorf("I-CELLS = %+v", f)
				}
			},
		},
		{
			name: "a note above the table naming its rows",
			text: func(t *testing.T) string {
				s := mustReplace(t, base, "(本列数据的勾稽关系为", "本年新收政府信息公开申请2件\n行政处罚59件\n(本列数据的勾稽关系为")
				return mustReplace(t, s, "第二十条第(一)项", "行政处罚情况见下表\n第二十条第(一)项")
			},
			check: func(t *testing.T, res *Result) {
				if got := len(res.Report.Cells()); got != 200 {
					t.Errorf("cells = %d, want 200", got)
				}
			},
		},
		{
			name: "fee in 元 converted to 万元",
			text: func(t *testing.T) string {
				return mustReplace(t, base, "行政事业性收费\n\n0", "行政事业性收费\n41060元")
			},
			check: func(t *testing.T, res *Result) {
				if v := value(t, res.Report, report.TableFees, "fees", "amount"); math.Abs(v-4.106) > 1e-9 {
					t.Errorf("fees = %v, want 4.106", v)
				}
			},
		},
		{
			name: "dashes in a one-cell-per-line table are zero",
			text: func(t *testing.T) string {
				return mustReplace(t, base, "行政强制\n\n0", "行政强制\n—")
			},
			check: func(t *testing.T, res *Result) {
				if v, ok := res.Report.Value(report.TablePenalties, "coercion", "decisions"); !ok || v != 0 {
					t.Errorf("coercion = %v %v", v, ok)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := parseText(t, tc.text(t))
			if res.Report.Year != 2024 || res.Report.Era != report.Era2021 || res.Report.Agency != "平阴县卫生健康局" {
				t.Errorf("year/era/agency = %d/%s/%s", res.Report.Year, res.Report.Era, res.Report.Agency)
			}
			tc.check(t, res)
			if err := res.Report.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// requestsTabLayout writes the section 三 table the way textract writes an HTML or DOCX table: one line per row,
// cells joined by TABs, the band label 三、本年度办理结果 and the group labels in the leading cells of the first row
// they span, empty cells where a spanning cell continues. Every figure is distinct: row index × 10 + column.
func requestsTabLayout(spec *report.TableSpec, pad string) string {
	var b strings.Builder
	b.WriteString(report.RequestsCaption + "\t申请人情况\n")
	b.WriteString("\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n")
	b.WriteString("\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n")
	firstInGroup := map[string]bool{}
	for i, row := range spec.Rows {
		if row.Header {
			continue
		}
		var cells []string
		switch {
		case row.Parent == "":
			cells = []string{row.Label + pad}
		case row.Parent == "results":
			lead := ""
			if row.ID == "disclosed" {
				lead = "三、本年度办理结果"
			}
			cells = []string{lead, row.Label + pad}
		default:
			lead, group := "", ""
			if !firstInGroup[row.Parent] {
				firstInGroup[row.Parent] = true
				p, _ := spec.Row(row.Parent)
				group = p.Label
			}
			cells = []string{lead, group, row.Label}
		}
		for c := range spec.Columns {
			cells = append(cells, fmt.Sprint(i*10+c))
		}
		b.WriteString(strings.Join(cells, "\t") + "\n")
	}
	return b.String()
}

func TestHTMLTabLayoutOfSection3(t *testing.T) {
	spec, _ := report.Format2021.Table(report.TableRequests)
	for _, pad := range []string{"", "\t"} {
		t.Run(fmt.Sprintf("label padding %q", pad), func(t *testing.T) {
			text := "某县民政局2024年政府信息公开工作年度报告\n一、总体情况\n依法公开。\n三、收到和处理政府信息公开申请情况\n" +
				requestsTabLayout(spec, pad) + "五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n未收取信息处理费。"
			res, err := Parse("html.txt", text)
			if err != nil {
				t.Fatal(err)
			}
			for i, row := range spec.Rows {
				if row.Header {
					continue
				}
				for c, col := range spec.Columns {
					if v, ok := res.Report.Value(report.TableRequests, row.ID, col.ID); !ok || v != float64(i*10+c) {
						t.Errorf("%s/%s = %v %v, want %d", row.ID, col.ID, v, ok, i*10+c)
					}
				}
			}
			if len(res.Findings) != 0 {
				t.Errorf("findings = %+v", res.Findings)
			}
		})
	}
}

func TestTabRowsWithBlankCells(t *testing.T) {
	text := "某县民政局2024年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" +
		"一、本年新收政府信息公开申请数量\t2\t\t—\t\t\t\t2\n" +
		"二、上年结转政府信息公开申请数量\t\t\t\t\t\t\t\n" +
		"三、本年度办理结果\t（一）予以公开\t1||-||||1\n" +
		"四、政府信息公开行政复议、行政诉讼情况\n行政复议\t行政诉讼\n0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n五、存在的主要问题及改进情况\n无。"
	res, err := Parse("t.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	for _, c := range []struct {
		row, col string
		want     float64
	}{
		{"new", "natural_person", 2}, {"new", "commercial", 0}, {"new", "research", 0}, {"new", "total", 2},
		{"carried_over", "natural_person", 0}, {"carried_over", "total", 0},
		{"disclosed", "natural_person", 1}, {"disclosed", "commercial", 0}, {"disclosed", "research", 0}, {"disclosed", "total", 1},
	} {
		if v := value(t, r, report.TableRequests, c.row, c.col); v != c.want {
			t.Errorf("%s/%s = %v, want %v", c.row, c.col, v, c.want)
		}
	}
	if countCells(r, report.TableAppeals) != 15 {
		t.Errorf("s4 = %v", r.Tables[report.TableAppeals])
	}
}

func TestEraDisagreesWithYear(t *testing.T) {
	t.Run("trial tables in a 2021 report", func(t *testing.T) {
		_, data := seed(t, "001")
		res := parseText(t, strings.ReplaceAll(string(data), "2020年", "2021年"))
		r := res.Report
		if r.Year != 2021 || r.Era != report.Era2019 {
			t.Fatalf("year/era = %d/%s", r.Year, r.Era)
		}
		f, ok := findingOf(res, "I-ERA")
		if !ok || f.Severity != report.Warning || !strings.Contains(f.Message, "试行格式") || !strings.Contains(f.Message, "2021年度") {
			t.Errorf("I-ERA = %+v", f)
		}
		if got := countCells(r, report.TableRequests); got != 161 {
			t.Errorf("s3 cells = %d", got)
		}
	})
	t.Run("free-text report for 2020", func(t *testing.T) {
		_, data := seed(t, "002")
		res := parseText(t, strings.ReplaceAll(string(data), "2016", "2020"))
		if res.Report.Era != report.EraPre2019 || !hasRule(res, "I-ERA") {
			t.Errorf("era = %s, findings %v", res.Report.Era, rulesOf(res.Findings))
		}
	})
	t.Run("current-format section 三 in a trial-format report", func(t *testing.T) {
		_, data := seed(t, "001")
		_, data4 := seed(t, "004")
		s3 := string(data4)
		s3 = s3[strings.Index(s3, "三、收到和处理政府信息公开申请情况"):strings.Index(s3, "四、政府信息公开行政复议")]
		text := string(data)
		text = text[:strings.Index(text, "三、收到和处理政府信息公开申请情况")] + s3 + text[strings.Index(text, "四、政府信息公开行政复议"):]
		res := parseText(t, text)
		r := res.Report
		if r.Era != report.Era2019 {
			t.Fatalf("era = %s", r.Era)
		}
		if f, ok := findingOf(res, "I-ERA"); !ok || !strings.Contains(f.Message, "两种格式") {
			t.Errorf("I-ERA = %+v", f)
		}
		if _, ok := r.Value(report.TableRequests, "other", "total"); ok {
			t.Error("（六）其他处理 of the trial format read from the current format's sub-rows")
		}
		if v := value(t, r, report.TableRequests, "total", "total"); v != 2 {
			t.Errorf("total = %v", v)
		}
		if v := value(t, r, report.TableRules, "normative", "made"); v != 310 {
			t.Errorf("section 二 = %v", v)
		}
	})
	t.Run("no disagreement, no finding", func(t *testing.T) {
		for _, prefix := range []string{"000", "001", "002", "003", "004"} {
			if res := readSeed(t, prefix); hasRule(res, "I-ERA") {
				t.Errorf("%s: %+v", prefix, res.Findings)
			}
		}
	})
}

func TestHeaderFindings(t *testing.T) {
	body := "一、总体情况\n本机关依法公开政府信息。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。"
	res, err := Parse("t.txt", body)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rulesOf(res.Findings), ","); got != "I-YEAR,I-AGENCY" {
		t.Errorf("findings = %s", got)
	}
	for _, f := range res.Findings {
		if f.Rule == "I-YEAR" && f.Severity != report.Error || f.Rule == "I-AGENCY" && f.Severity != report.Warning {
			t.Errorf("%+v", f)
		}
	}
}

func TestPageHeaderFields(t *testing.T) {
	text := "索引号：11370124MB2853431X/2025-00012\n发布机构：某县民政局\n发布日期：2025年01月15日\n成文日期：2025-01-10\n" +
		"某县民政局2024年政府信息公开工作年度报告\n一、总体情况\n依法公开。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。"
	res, err := Parse("t.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if r.IndexNumber != "11370124MB2853431X/2025-00012" || r.Published != "2025-01-15" || r.Signed != "2025-01-10" {
		t.Errorf("index/published/signed = %q/%q/%q", r.IndexNumber, r.Published, r.Signed)
	}
	if r.Preamble != "" {
		t.Errorf("preamble = %q", r.Preamble)
	}
}

func TestSignatureIsNotASentenceEndingInADate(t *testing.T) {
	text := "某县民政局2024年政府信息公开工作年度报告\n一、总体情况\n依法公开。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n" +
		"（五）本行政机关政府信息公开工作年度报告数据统计需要说明的事项：统计时限自2024年1月1日至2024年12月31日"
	res, err := Parse("t.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Signed != "" {
		t.Errorf("signed = %q", res.Report.Signed)
	}
	if s, _ := res.Report.Section("六"); len(s.Items) != 1 || !strings.HasSuffix(s.Items[0].Text, "2024年12月31日") {
		t.Errorf("section 六 = %+v", s)
	}
}

func TestNarrativeNumbersAreNotCells(t *testing.T) {
	text := "某县民政局2024年政府信息公开工作年度报告\n一、总体情况\n本年新收政府信息公开申请数量2件，予以公开1件，本机关不掌握相关政府信息1件。\n" +
		"二、主动公开政府信息情况\n本年共制发行政规范性文件3件，行政处罚59件。\n三、收到和处理政府信息公开申请情况\n本年新收政府信息公开申请2件，办结2件。\n" +
		"四、政府信息公开行政复议、行政诉讼情况\n本年度未发生行政复议、行政诉讼，0件。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。"
	res, err := Parse("t.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Tables) != 0 {
		t.Errorf("tables = %v", res.Report.Tables)
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings = %+v", res.Findings)
	}
}

func TestNumberedListIsNotAPageChunk(t *testing.T) {
	text := "某县民政局2024年政府信息公开工作年度报告\n一、总体情况\n1、依法公开。\n2、及时公开。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。"
	res, err := Parse("t.txt", text)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := res.Report.Section("一"); s.Text != "1、依法公开。\n2、及时公开。" {
		t.Errorf("section 一 = %q", s.Text)
	}
}

func TestRobustness(t *testing.T) {
	inputs := map[string]string{
		"bars only":            strings.Repeat("|", 1<<16),
		"one long line":        strings.Repeat("三、收到和处理政府信息公开申请情况 一、本年新收政府信息公开申请数量 1 ", 20000),
		"tabs and numbers":     strings.Repeat("0\t", 1<<16),
		"invalid UTF-8":        strings.Repeat("\xff\xfe\x00政府信息公开\x80", 5000),
		"many short lines":     strings.Repeat("（三）不予公开\n1.属于国家秘密\n0\n", 30000),
		"headings repeated":    strings.Repeat("一、总体情况\n二、主动公开政府信息情况\n第二十条第（一）项\n规章\n1\n", 20000),
		"dates everywhere":     strings.Repeat("2024年1月1日\n", 20000),
		"digits without end":   strings.Repeat("9", 1<<20),
		"chunk markers":        "第1页 / 共5页\n" + strings.Repeat("1、2、3、\n", 10000),
		"nested title":         strings.Repeat("某县民政局2024年政府信息公开工作年度报告", 5000),
		"section 四 only zeros": "四、政府信息公开行政复议、行政诉讼情况\n" + strings.Repeat("0\n", 100000),
	}
	for name, text := range inputs {
		t.Run(name, func(t *testing.T) {
			res, err := Parse(name, text)
			if err != nil {
				return
			}
			checkResult(t, res)
		})
	}
}

// checkResult asserts what every result must satisfy.
func checkResult(t testing.TB, res *Result) {
	t.Helper()
	if err := res.Report.Validate(); err != nil {
		t.Fatalf("invalid report: %v", err)
	}
	for tid, g := range res.Report.Tables {
		for rid, row := range g {
			for cid, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%s/%s/%s = %v", tid, rid, cid, v)
				}
			}
		}
	}
	for _, f := range res.Report.Figures {
		if math.IsNaN(f.Value) || math.IsInf(f.Value, 0) || len([]rune(f.Quote)) > maxQuote {
			t.Fatalf("figure %+v", f)
		}
	}
	report.Check(res.Report, nil)
}

func TestHundredMegabytes(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("100 MB input: not in -short mode or under the race detector (1 GB of memory)")
	}
	_, data := seed(t, "004")
	var b strings.Builder
	for b.Len() < 100<<20 {
		b.Write(data)
	}
	res, err := Parse("big.txt", b.String())
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res)
}

func TestSection6Items(t *testing.T) {
	head := "某县民政局2024年政府信息公开工作年度报告\n一、总体情况\n依法公开。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n"
	for _, tc := range []struct {
		name, text string
		want       map[string]string
	}{
		{"labels with colons", "（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况：本年度未收取信息处理费。\n（三）本行政机关人大代表建议和政协提案办理结果公开情况：承办人大代表建议4件。",
			map[string]string{"fees": "本年度未收取信息处理费。", "proposals": "承办人大代表建议4件。"}},
		{"labels without colons", "（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况。本年度未收取信息处理费。\n（六）本行政机关认为需要报告的其他事项\n无。",
			map[string]string{"fees": "本年度未收取信息处理费。", "other": "无。"}},
		{"other wording", "（一）信息处理费收取情况：无。\n（二）落实政务公开工作要点情况：已落实。",
			map[string]string{"fees": "无。", "work_points": "已落实。"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse("t.txt", head+tc.text)
			if err != nil {
				t.Fatal(err)
			}
			s, _ := res.Report.Section("六")
			got := map[string]string{}
			for _, it := range s.Items {
				got[it.ID] = it.Text
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("items = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestSignatureBlock(t *testing.T) {
	body := "一、总体情况\n依法公开。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"
	for _, tc := range []struct {
		name, text, agency, signed, six string
	}{
		{"agency and date on their own lines, footer after", body + "特此报告。\n某县民政局\n2025年1月15日\n主办单位：某县人民政府办公室\n网站标识码：1234567890",
			"某县民政局", "2025-01-15", "无。"},
		{"on the last line of the text", strings.TrimSuffix(body, "\n") + "特此报告 某县民政局 2025年1月15日", "某县民政局", "2025-01-15", "无。"},
		{"in Chinese numerals", body + "某县民政局\n二〇二五年一月十五日", "某县民政局", "2025-01-15", "无。"},
		{"date without agency", body + "2025年1月15日", "", "2025-01-15", "无。"},
		{"a sentence ending in a date is text", body + "本报告统计时限截至2024年12月31日", "", "", "无。\n本报告统计时限截至2024年12月31日"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse("t.txt", tc.text)
			if err != nil {
				t.Fatal(err)
			}
			r := res.Report
			s, _ := r.Section("六")
			if r.Agency != tc.agency || r.Signed != tc.signed || s.Text != tc.six {
				t.Errorf("agency/signed/六 = %q/%q/%q, want %q/%q/%q", r.Agency, r.Signed, s.Text, tc.agency, tc.signed, tc.six)
			}
		})
	}
}
