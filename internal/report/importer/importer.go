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
//   - I-CELLS (error): a table row gave more or fewer figures than it has columns, so its cells were left out;
//   - I-TRUNC (warning): the text ends inside a table, which keeps the figures read before the cut.
package importer

import (
	"context"
	"errors"
	"fmt"

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
	res.Findings = append(res.Findings, report.Check(res.Report, prev)...)
	return res, nil
}

// Parse parses already-extracted UTF-8 text. Its findings are the importer's own; Read adds report.Check's.
func Parse(name, text string) (*Result, error) {
	p := newParser(text)
	if err := p.run(); err != nil {
		return nil, fmt.Errorf("%w：%v", ErrNoReport, err)
	}
	return &Result{File: name, Report: p.r, Findings: p.findings}, nil
}
