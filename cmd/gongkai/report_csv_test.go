package main

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/importer"
)

// TestImportCSVNeutralisesFormulas feeds report import --format csv a report whose agency and file name are
// formulas, as a published page from outside may be: read back, no cell starts a formula, and the values are
// still there as text.
func TestImportCSVNeutralisesFormulas(t *testing.T) {
	const evil = `=HYPERLINK("http://x","点击")`
	rep := &report.Report{Agency: evil, Year: 2024, Era: report.Era2021}
	var buf bytes.Buffer
	if err := writeCSV(&buf, []fileResult{{path: "@evil.txt", res: &importer.Result{Report: rep}}}, true, false); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows %q", rows)
	}
	for _, r := range rows {
		for _, v := range r {
			if v != "" && strings.ContainsRune("=+-@\t\r＝＋－＠", []rune(v)[0]) {
				t.Errorf("cell %q starts a formula", v)
			}
		}
	}
	if rows[1][0] != "'@evil.txt" || rows[1][1] != "'"+evil {
		t.Errorf("row %q", rows[1])
	}
}
