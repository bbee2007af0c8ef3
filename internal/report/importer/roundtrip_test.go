package importer

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/render"
	"github.com/gongkai/gongkai/internal/testtool"
)

// completeReport fills every cell of the era's tables with a distinct figure and writes every narrative section.
func completeReport(era report.Era, year int) *report.Report {
	f, _ := report.FormatOf(era)
	r := &report.Report{Era: era, Year: year, Agency: "平阴县卫生健康局", Signed: "2025-01-15",
		Title: "平阴县卫生健康局" + report.FormatNumber(float64(year)) + "年政府信息公开工作年度报告"}
	for _, s := range f.Sections {
		if s.Narrative {
			r.Sections = append(r.Sections, report.Section{ID: s.ID, Heading: s.Heading, Text: "本部分文字，全年主动公开信息147条。"})
		}
	}
	v := 3.0
	for _, t := range f.Tables {
		for _, row := range t.DataRows() {
			for _, col := range t.Columns {
				r.Set(t.ID, row.ID, col.ID, v)
				v++
			}
		}
	}
	return r
}

// TestImportReadsWhatRenderWrites renders complete reports and imports each file back: every figure, the era,
// the year and the agency must come back unchanged.
func TestImportReadsWhatRenderWrites(t *testing.T) {
	formats := []struct {
		name string
		fn   func(io.Writer, *report.Report) error
		tool string
	}{
		{"report.html", render.HTML, ""},
		{"report.docx", render.DOCX, ""},
		{"report.md", render.Markdown, ""},
		{"report.pdf", render.PDF, "pdftotext"},
	}
	for _, era := range []struct {
		era  report.Era
		year int
	}{{report.Era2021, 2024}, {report.Era2019, 2020}} {
		want := completeReport(era.era, era.year)
		for _, f := range formats {
			t.Run(string(era.era)+"/"+f.name, func(t *testing.T) {
				if f.tool != "" {
					testtool.Require(t, f.tool, "poppler-utils")
				}
				var buf bytes.Buffer
				if err := f.fn(&buf, want); err != nil {
					t.Fatal(err)
				}
				res, err := Read(context.Background(), f.name, buf.Bytes(), nil)
				if err != nil {
					t.Fatal(err)
				}
				got := res.Report
				if got.Era != want.Era || got.Year != want.Year || got.Agency != want.Agency {
					t.Errorf("era/year/agency = %s/%d/%s", got.Era, got.Year, got.Agency)
				}
				if diff := cmp.Diff(want.Tables, got.Tables); diff != "" {
					t.Errorf("figures differ after the round trip (-rendered +imported):\n%s", diff)
				}
				for _, s := range want.Sections {
					if g, ok := got.Section(s.ID); !ok || g.Text == "" {
						t.Errorf("section %s lost", s.ID)
					}
				}
			})
		}
	}
}
