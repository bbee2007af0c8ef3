package importer

import (
	"strings"
	"testing"

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
