package render

import (
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/report"
)

// sampleReport returns a complete report of the era in which every table cell holds a distinct figure, so that a
// round-trip test can find each one, and every narrative section and section 六 item has text.
func sampleReport(tb testing.TB, era report.Era) *report.Report {
	tb.Helper()
	f, ok := report.FormatOf(era)
	if !ok {
		tb.Fatalf("unknown era %q", era)
	}
	year := map[report.Era]int{report.Era2021: 2024, report.Era2019: 2020, report.EraPre2019: 2016}[era]
	r := &report.Report{
		Era: era, Year: year, Agency: "平阴县卫生健康局", Signed: "2025-01-15",
		Preamble: "根据《中华人民共和国政府信息公开条例》编制本报告。\n本报告所列数据的统计期限自1月1日至12月31日。",
	}
	for _, s := range f.Sections {
		if s.Narrative {
			r.Sections = append(r.Sections, report.Section{ID: s.ID, Text: s.Heading + "的第一段文字。\n第二段：公开信息147条。"})
		}
	}
	if len(f.OtherItems) > 0 {
		last := &r.Sections[len(r.Sections)-1]
		last.Text = ""
		for _, it := range f.OtherItems {
			last.Items = append(last.Items, report.Item{ID: it.ID, Text: it.Label + "的情况说明。"})
		}
	}
	v := 101.0
	for i := range f.Tables {
		spec := &f.Tables[i]
		for _, row := range spec.DataRows() {
			for _, col := range spec.Columns {
				val := v
				if col.Kind == report.Amount {
					val = v + 0.25
				}
				if col.Kind == report.Delta && int(v)%2 == 0 {
					val = -v
				}
				r.Set(spec.ID, row.ID, col.ID, val)
				v++
			}
		}
	}
	if err := r.Validate(); err != nil {
		tb.Fatal(err)
	}
	return r
}

// expectedTexts lists every string a rendered document of r must contain: the title, each section heading, each
// row and column label, each figure and each paragraph.
func expectedTexts(tb testing.TB, r *report.Report) []string {
	tb.Helper()
	blocks, err := Outline(r)
	if err != nil {
		tb.Fatal(err)
	}
	var want []string
	for _, b := range blocks {
		switch b.Kind {
		case Table:
			for _, row := range b.Grid.Cells {
				for _, c := range row {
					if !c.Covered && strings.TrimSpace(c.Text) != "" {
						want = append(want, c.Text)
					}
				}
			}
		case Signature:
			want = append(want, b.Text, b.Date)
		default:
			want = append(want, b.Text)
		}
	}
	return want
}

func TestSampleReportFillsEveryCell(t *testing.T) {
	for _, era := range []report.Era{report.Era2021, report.Era2019} {
		r := sampleReport(t, era)
		f, _ := report.FormatOf(era)
		n := 0
		for _, spec := range f.Tables {
			n += len(spec.DataRows()) * len(spec.Columns)
		}
		if got := len(r.Cells()); got != n {
			t.Errorf("%s: %d cells, want %d", era, got, n)
		}
	}
}
