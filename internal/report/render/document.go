package render

import (
	"io"
	"time"

	"github.com/gongkai/gongkai/internal/document"
	"github.com/gongkai/gongkai/internal/report"
)

// docxTextW is the width of the DOCX text block in twips, which every table grid fills.
const docxTextW = document.TextWidthTwips

// DOCX writes the report as an editable Word document in the layout of an official document: A4, 方正小标宋 title,
// 黑体 headings, 仿宋 body at 三号 with fixed 28.9 pt lines and a two-character indent, page numbers in the footer,
// and the official tables with merged cells. The writer is document.DOCX; this lays the report out for it.
func DOCX(w io.Writer, r *report.Report) error {
	d, err := Doc(r)
	if err != nil {
		return err
	}
	return document.DOCX(w, d)
}

// PDF writes the report as an A4 PDF with the Chinese text embedded as a font subset, so it is selectable and
// searchable, produced by the binary alone (no browser, no installed fonts). Tables keep the official layout with
// merged cells; a table that runs over a page break continues with its header rows repeated. The writer is
// document.PDF; this lays the report out for it.
func PDF(w io.Writer, r *report.Report) error {
	d, err := Doc(r)
	if err != nil {
		return err
	}
	return document.PDF(w, d)
}

// Doc lays the report out as a document for the DOCX and PDF writers: its Outline, with each official table as a
// document grid, the agency as author and the report's own date (signed, else published) as the creation time, so
// that the same report always gives the same file.
func Doc(r *report.Report) (*document.Doc, error) {
	blocks, err := Outline(r)
	if err != nil {
		return nil, err
	}
	d := &document.Doc{
		Title:   DocumentTitle(r),
		Subject: "政府信息公开工作年度报告",
		Author:  r.Agency,
		Created: reportDate(r),
		Blocks:  make([]document.Block, 0, len(blocks)),
	}
	for _, b := range blocks {
		db := document.Block{Kind: b.Kind, Text: b.Text, Date: b.Date}
		if b.Kind == Table && b.Grid != nil {
			db.Table = b.Grid.documentGrid()
		}
		d.Blocks = append(d.Blocks, db)
	}
	return d, nil
}

// reportDate returns the report's own date (signed, else published), or the zero time when it has none.
func reportDate(r *report.Report) time.Time {
	for _, date := range []string{r.Signed, r.Published} {
		if d, err := time.Parse(time.DateOnly, date); err == nil {
			return d
		}
	}
	return time.Time{}
}

// documentGrid converts an official table for the document writers. Section 二's small tables print their
// captions; the tables of 三 and 四 are named by the section heading just above them, so they get none. Only
// column headers are drawn as headers by the writers, and a "col"-scoped cell always lies in the header rows.
func (g *Grid) documentGrid() *document.Grid {
	out := &document.Grid{HeaderRows: g.HeaderRows, LabelCols: g.LabelCols, Cells: make([][]document.Cell, len(g.Cells))}
	if g.Spec != nil && g.Spec.Caption != "" {
		out.Caption = g.Title
	}
	for i, row := range g.Cells {
		out.Cells[i] = make([]document.Cell, len(row))
		for j, c := range row {
			out.Cells[i][j] = document.Cell{
				Text: c.Text, RowSpan: c.RowSpan, ColSpan: c.ColSpan, Header: c.Header, Numeric: c.Numeric, Covered: c.Covered,
			}
		}
	}
	return out
}
