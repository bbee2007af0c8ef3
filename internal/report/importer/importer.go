// Package importer reads published annual reports (政府信息公开工作年度报告) — plain text, HTML, DOCX or PDF, as
// agencies and their mirrors publish them — into report.Report, and says what it could not find instead of
// guessing. Text extraction is textract's job; this package finds the era, year, agency, sections, table figures
// and the figures stated in prose.
//
// Parsing runs in passes over the text's lines: clean.go folds and splits the text and drops page furniture and
// spam; header.go reads the title, year, agency, dates and 索引号 and removes the signature; parse.go finds the
// section headings, settles the era and cuts the narrative; tables.go reads the tables of sections 二 to 四 as a
// stream of cells; figures.go reads the figures stated in prose.
//
// Besides report.Check's findings, the importer reports what reading the file showed:
//
//   - I-YEAR (error): no report year could be found;
//   - I-AGENCY (warning): no agency could be found;
//   - I-ERA (warning): the tables or headings follow another format than the year implies, or mix two formats;
//   - I-CELLS (warning): a table row gave more or fewer figures than it has columns, so its cells were left out;
//   - I-SPLIT (warning): a row's cells ran together or its blank cells vanished, and not exactly one reading of
//     it satisfies the table's relations, so it was left out;
//   - I-TRUNC (warning): the text ends inside a table, which keeps the figures read before the cut;
//   - I-UNREAD (warning): a table is present in the text (at the line named) but some or all of it could not be
//     read. It replaces report.Check's C-1 and C-2 for that table, which would blame the agency for an omission
//     that is the importer's.
//
// Every importer finding is the importer's failure, not the report's: none is an error but I-YEAR.
package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/importer/textract"
)

// Result is what import makes of one file.
type Result struct {
	// File is the file's name as given.
	File string `json:"file"`
	// Report is the report as read.
	Report *report.Report `json:"report"`
	// Findings are the importer's own findings (I-*) followed by report.Check's.
	Findings []report.Finding `json:"findings"`
	// text is the text parsed and tablesAt the line of it where each section's table was found, for Read to
	// tell a table the importer could not read from a table the report lacks.
	text     string
	tablesAt map[string][2]string
}

// ErrNoReport is returned (wrapped) when a file holds no annual report at all.
var ErrNoReport = errors.New("文件中没有找到政府信息公开工作年度报告")

// Read extracts the file's text and parses it. prev, if not nil, is the same agency's report for the previous year,
// for the cross-year checks. The error is ErrNoReport (wrapped) when the file holds no report, or textract's error
// when the file cannot be read; both have Chinese messages meant for the user.
func Read(ctx context.Context, name string, data []byte, prev *report.Report) (*Result, error) {
	txt, err := textract.Extract(ctx, name, data)
	if err != nil {
		return nil, err
	}
	res, err := Parse(name, txt.Body)
	if err != nil {
		return nil, err
	}
	res.Findings = append(res.Findings, res.unread(report.Check(res.Report, prev))...)
	return res, nil
}

// Check is report.Check over the report as imported: a table that is present in the text but could not be read
// in full is reported as I-UNREAD, never as the C-1 or C-2 that say the report lacks it.
func (res *Result) Check(prev *report.Report) []report.Finding {
	return res.unread(report.Check(res.Report, prev))
}

// unread replaces the C-1 and C-2 findings of the tables found in the text by I-UNREAD; a C-2 of a row the
// importer already reported (I-CELLS, I-SPLIT, I-TRUNC) is dropped.
func (res *Result) unread(fs []report.Finding) []report.Finding {
	if len(res.tablesAt) == 0 {
		return fs
	}
	told := map[string]bool{}
	for _, f := range res.Findings {
		if f.Rule == "I-CELLS" || f.Rule == "I-SPLIT" || f.Rule == "I-TRUNC" {
			told[f.Section+"/"+f.Row] = true
			if f.Row == "" || f.Rule == "I-TRUNC" {
				told[f.Section] = true
			}
		}
	}
	out := fs[:0:0]
	var rows = map[string][]string{}
	var order []string
	for _, f := range fs {
		_, found := res.tablesAt[f.Section]
		if !found || f.Rule != "C-1" && f.Rule != "C-2" {
			out = append(out, f)
			continue
		}
		if told[f.Section] || told[f.Section+"/"+f.Row] {
			continue
		}
		if _, ok := rows[f.Section]; !ok {
			order = append(order, f.Section)
		}
		what := "表格"
		if f.Row != "" {
			what = "“" + f.Row + "”"
		}
		rows[f.Section] = append(rows[f.Section], what)
	}
	for _, sec := range order {
		list := rows[sec]
		n := len(list)
		more := ""
		if n > 5 {
			list, more = list[:5], fmt.Sprintf("等 %d 处", n)
		}
		out = append(out, report.Finding{Rule: "I-UNREAD", Severity: report.Warning, Section: sec,
			Message: fmt.Sprintf("第%s部分表格在原文第 %d 行找到，但%s未能读取：原文的排版本程序无法识别，这不表示报告缺少这些数据；请对照原文核对",
				sec, lineOf(res.text, res.tablesAt[sec]), strings.Join(list, "、")+more)})
	}
	return out
}

// lineOf returns the 1-based number of the line of text that holds the table whose section heading and first
// figure line (both as parsed) are given: the first figure line after the heading, looked for whole and then by
// its first words; 0 when neither is found.
func lineOf(text string, at [2]string) int {
	start := 0
	if h := firstRunes(at[0], 10); h != "" {
		if i := strings.Index(text, h); i >= 0 {
			start = i
		}
	}
	s := at[1]
	i := strings.Index(text[start:], s)
	if i < 0 {
		if f := strings.Fields(firstRunes(s, 8)); len(f) > 0 {
			i = strings.Index(text[start:], f[0])
		}
	}
	if i < 0 || s == "" {
		return 0
	}
	return strings.Count(text[:start+i], "\n") + 1
}

// Parse parses already-extracted UTF-8 text. Its findings are the importer's own; Read adds report.Check's.
func Parse(name, text string) (*Result, error) {
	p := newParser(text)
	if err := p.run(); err != nil {
		return nil, fmt.Errorf("%w：%v", ErrNoReport, err)
	}
	return &Result{File: name, Report: p.r, Findings: p.findings, text: text, tablesAt: p.tablesAt}, nil
}
