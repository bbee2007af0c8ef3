package render

import (
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/report"
)

// draw prints a grid as text: covered cells as "·", spans as label@rowspan×colspan.
func draw(g *Grid) string {
	var b strings.Builder
	for _, row := range g.Cells {
		for j, c := range row {
			if j > 0 {
				b.WriteString(" | ")
			}
			switch {
			case c.Covered:
				b.WriteString("·")
			case c.RowSpan > 1 || c.ColSpan > 1:
				b.WriteString(c.Text + "@" + itoa(c.RowSpan) + "x" + itoa(c.ColSpan))
			default:
				b.WriteString(c.Text)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func itoa(n int) string { return report.FormatNumber(float64(n)) }

func TestLayoutRequestsTableHasOfficialShape(t *testing.T) {
	spec, _ := report.Format2021.Table(report.TableRequests)
	r := &report.Report{Era: report.Era2021}
	r.Set(report.TableRequests, "refused.state_secret", "natural_person", 3)
	g := Layout(spec, "收到和处理政府信息公开申请情况", r.Tables[report.TableRequests])

	if got, want := g.HeaderRows, 3; got != want {
		t.Fatalf("header rows = %d, want %d", got, want)
	}
	if got, want := g.LabelCols, 3; got != want {
		t.Fatalf("label columns = %d, want %d", got, want)
	}
	if got, want := g.Rows(), 3+25; got != want {
		t.Fatalf("rows = %d, want %d", got, want)
	}
	if got, want := g.Cols(), 3+7; got != want {
		t.Fatalf("cols = %d, want %d", got, want)
	}
	corner := g.Cells[0][0]
	if corner.Text != report.RequestsCaption || corner.RowSpan != 3 || corner.ColSpan != 3 {
		t.Errorf("corner = %+v", corner)
	}
	if c := g.Cells[0][3]; c.Text != "申请人情况" || c.ColSpan != 7 {
		t.Errorf("columns header = %+v", c)
	}
	if c := g.Cells[1][3]; c.Text != "自然人" || c.RowSpan != 2 {
		t.Errorf("自然人 = %+v", c)
	}
	if c := g.Cells[1][4]; c.Text != "法人或其他组织" || c.ColSpan != 5 {
		t.Errorf("法人或其他组织 = %+v", c)
	}
	if c := g.Cells[2][4]; c.Text != "商业企业" || c.RowSpan != 1 {
		t.Errorf("商业企业 = %+v", c)
	}
	// 一、本年新收… spans all three label columns.
	if c := g.Cells[3][0]; !strings.HasPrefix(c.Text, "一、") || c.ColSpan != 3 {
		t.Errorf("row 一 = %+v", c)
	}
	// 三、本年度办理结果 spans the 22 result rows; （三）不予公开 its 8 sub-rows.
	if c := g.Cells[5][0]; c.Text != "三、本年度办理结果" || c.RowSpan != 22 {
		t.Errorf("band = %+v", c)
	}
	if c := g.Cells[7][1]; c.Text != "（三）不予公开" || c.RowSpan != 8 {
		t.Errorf("group = %+v", c)
	}
	if c := g.Cells[7][2]; c.Text != "1.属于国家秘密" || c.ColSpan != 1 {
		t.Errorf("sub-row = %+v", c)
	}
	if c := g.Cells[7][3]; c.Text != "3" || c.Missing {
		t.Errorf("figure = %+v", c)
	}
	if c := g.Cells[7][4]; !c.Missing || c.Text != "" {
		t.Errorf("unstated figure = %+v", c)
	}
	if c := g.Cells[5][1]; c.Text != "（一）予以公开" || c.ColSpan != 2 {
		t.Errorf("（一） = %+v", c)
	}
}

func TestLayoutAppealsTableHasThreeHeaderLevels(t *testing.T) {
	spec, _ := report.Format2021.Table(report.TableAppeals)
	g := Layout(spec, "政府信息公开行政复议、行政诉讼情况", nil)
	want := strings.Join([]string{
		"行政复议@1x5 | · | · | · | · | 行政诉讼@1x10 | · | · | · | · | · | · | · | · | ·",
		"结果维持@2x1 | 结果纠正@2x1 | 其他结果@2x1 | 尚未审结@2x1 | 总计@2x1 | 未经复议直接起诉@1x5 | · | · | · | · | 复议后起诉@1x5 | · | · | · | ·",
		"· | · | · | · | · | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计",
		" |  |  |  |  |  |  |  |  |  |  |  |  |  | ",
	}, "\n") + "\n"
	if got := draw(g); got != want {
		t.Errorf("layout:\n%s\nwant:\n%s", got, want)
	}
}

func TestLayoutSectionTwoTable(t *testing.T) {
	spec, _ := report.Format2021.Table(report.TableRules)
	r := &report.Report{Era: report.Era2021}
	r.Set(report.TableRules, "normative", "in_force", 12)
	g := Layout(spec, spec.Caption, r.Tables[report.TableRules])
	want := "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n规章 |  |  | \n行政规范性文件 |  |  | 12\n"
	if got := draw(g); got != want {
		t.Errorf("layout:\n%s\nwant:\n%s", got, want)
	}
}

func TestTablesFollowTheEra(t *testing.T) {
	for _, tc := range []struct {
		era  report.Era
		want int
	}{{report.Era2021, 6}, {report.Era2019, 7}, {report.EraPre2019, 0}} {
		gs, err := Tables(&report.Report{Era: tc.era})
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != tc.want {
			t.Errorf("%s: %d tables, want %d", tc.era, len(gs), tc.want)
		}
	}
	if _, err := Tables(&report.Report{Era: "1999"}); err == nil {
		t.Error("unknown era: want error")
	}
}

func TestOutlineFollowsTheOfficialOrder(t *testing.T) {
	r := &report.Report{
		Era: report.Era2021, Year: 2024, Agency: "平阴县卫生健康局", Signed: "2025-01-15",
		Preamble: "根据条例。\n\n本报告数据统计期限。",
		Sections: []report.Section{
			{ID: "一", Text: "总体情况第一段。\n第二段。"},
			{ID: "六", Items: []report.Item{{ID: "fees", Text: "未收取信息处理费。"}}},
		},
	}
	blocks, err := Outline(r)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range blocks {
		switch b.Kind {
		case Table:
			got = append(got, "T:"+b.Grid.Title)
		case Signature:
			got = append(got, "S:"+b.Text+" "+b.Date)
		default:
			got = append(got, b.Text)
		}
	}
	want := []string{
		"平阴县卫生健康局2024年政府信息公开工作年度报告", "根据条例。", "本报告数据统计期限。",
		"一、总体情况", "总体情况第一段。", "第二段。",
		"二、主动公开政府信息情况", "T:第二十条第（一）项", "T:第二十条第（五）项", "T:第二十条第（六）项", "T:第二十条第（八）项",
		"三、收到和处理政府信息公开申请情况", "T:收到和处理政府信息公开申请情况",
		"四、政府信息公开行政复议、行政诉讼情况", "T:政府信息公开行政复议、行政诉讼情况",
		"五、存在的主要问题及改进情况",
		"六、其他需要报告的事项", "（一）依据《政府信息公开信息处理费管理办法》收取信息处理费的情况：未收取信息处理费。",
		"S:平阴县卫生健康局 2025年1月15日",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("outline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestOutlinePre2019PrintsOnlyItsSections(t *testing.T) {
	r := &report.Report{Era: report.EraPre2019, Year: 2016, Agency: "镇海区卫生计生局", Sections: []report.Section{
		{ID: "概述", Heading: "概述", Text: "a"}, {ID: "主动公开", Heading: "主动公开政府信息的情况", Text: "共上传了419条。"},
	}}
	blocks, err := Outline(r)
	if err != nil {
		t.Fatal(err)
	}
	if got := blocks[1].Text + "|" + blocks[3].Text; got != "一、概述|二、主动公开政府信息的情况" {
		t.Errorf("headings = %q", got)
	}
}
