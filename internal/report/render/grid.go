// Package render turns a report.Report into the documents an agency publishes: HTML for the portal, Markdown,
// XLSX, DOCX and PDF. Every format draws the official tables from one computed Grid, so merged headers and
// row groups are laid out once.
package render

import (
	"github.com/gongkai/gongkai/internal/report"
)

// Cell is one position of a laid-out table. A cell that another cell's span covers has Covered set and is not
// drawn.
type Cell struct {
	// Text is what the cell prints: a label, a figure, or "" for a figure the report does not state.
	Text string
	// RowSpan and ColSpan are at least 1.
	RowSpan, ColSpan int
	// Header marks a header cell (a column header or a row label).
	Header bool
	// Scope is the HTML scope of a header cell: "col", "colgroup", "row" or "rowgroup".
	Scope string
	// Numeric marks a figure cell.
	Numeric bool
	// Missing marks a figure cell whose value the report does not state.
	Missing bool
	// Covered marks a position covered by a span from above or from the left.
	Covered bool
}

// Grid is one official table laid out as a rectangle of cells with spans.
type Grid struct {
	// Spec is the table's description.
	Spec *report.TableSpec
	// Title names the table: its caption in section 二, or the section heading.
	Title string
	// HeaderRows is how many rows at the top are column headers.
	HeaderRows int
	// LabelCols is how many columns at the left hold row labels.
	LabelCols int
	// Cells holds Rows × Cols cells.
	Cells [][]Cell
	// Values are the table's figures, for renderers that write numbers rather than text.
	Values report.Grid
}

// Rows returns the number of rows.
func (g *Grid) Rows() int { return len(g.Cells) }

// Cols returns the number of columns.
func (g *Grid) Cols() int {
	if len(g.Cells) == 0 {
		return 0
	}
	return len(g.Cells[0])
}

// Layout lays out one official table with the report's figures.
func Layout(spec *report.TableSpec, title string, values report.Grid) *Grid {
	// Row-label depth: how many label columns the deepest row needs.
	depth := map[string]int{}
	var depthOf func(id string) int
	depthOf = func(id string) int {
		if d, ok := depth[id]; ok {
			return d
		}
		r, _ := spec.Row(id)
		d := 0
		if r.Parent != "" {
			d = depthOf(r.Parent) + 1
		}
		depth[id] = d
		return d
	}
	labelCols := 0
	hasLabels := false
	for _, r := range spec.Rows {
		if r.Label != "" {
			hasLabels = true
		}
		if d := depthOf(r.ID) + 1; d > labelCols {
			labelCols = d
		}
	}
	if !hasLabels {
		labelCols = 0
	}

	// Column-header depth.
	extra := 0
	if spec.ColumnsHeader != "" {
		extra = 1
	}
	headerRows := 1
	for _, c := range spec.Columns {
		if n := len(c.Parents) + 1; n > headerRows {
			headerRows = n
		}
	}
	headerRows += extra

	dataRows := spec.DataRows()
	nRows := headerRows + len(dataRows)
	nCols := labelCols + len(spec.Columns)
	g := &Grid{Spec: spec, Title: title, HeaderRows: headerRows, LabelCols: labelCols, Values: values}
	g.Cells = make([][]Cell, nRows)
	for i := range g.Cells {
		g.Cells[i] = make([]Cell, nCols)
	}
	put := func(r, c, rs, cs int, cell Cell) {
		cell.RowSpan, cell.ColSpan = rs, cs
		g.Cells[r][c] = cell
		for i := r; i < r+rs; i++ {
			for j := c; j < c+cs; j++ {
				if i != r || j != c {
					g.Cells[i][j] = Cell{Covered: true, RowSpan: 1, ColSpan: 1}
				}
			}
		}
	}

	// Top-left corner.
	if labelCols > 0 {
		put(0, 0, headerRows, labelCols, Cell{Text: spec.Corner, Header: true, Scope: "col"})
	}
	if extra == 1 {
		put(0, labelCols, 1, len(spec.Columns), Cell{Text: spec.ColumnsHeader, Header: true, Scope: "colgroup"})
	}
	// Column headers: merge equal parent prefixes of neighbouring columns.
	for level := 0; level < headerRows-extra; level++ {
		for j := 0; j < len(spec.Columns); {
			c := spec.Columns[j]
			if level < len(c.Parents) {
				k := j + 1
				for k < len(spec.Columns) && samePrefix(spec.Columns[k], c, level+1) {
					k++
				}
				put(extra+level, labelCols+j, 1, k-j, Cell{Text: c.Parents[level], Header: true, Scope: "colgroup"})
				j = k
				continue
			}
			if level == len(c.Parents) {
				put(extra+level, labelCols+j, headerRows-extra-level, 1, Cell{Text: c.Label, Header: true, Scope: "col"})
			}
			j++
		}
	}

	// Body: each data row's label sits at its depth and spans to the figures; group headers span their rows.
	for i, r := range dataRows {
		gi := headerRows + i
		if labelCols > 0 {
			d := depth[r.ID]
			put(gi, d, 1, labelCols-d, Cell{Text: r.Label, Header: true, Scope: "row"})
			// Ancestors are drawn on the first data row below them.
			for p := r.Parent; p != ""; {
				pr, _ := spec.Row(p)
				if firstDataRowUnder(spec, dataRows, p) == i {
					put(gi, depth[p], countDataRowsUnder(spec, dataRows, p), 1, Cell{Text: pr.Label, Header: true, Scope: "rowgroup"})
				}
				p = pr.Parent
			}
		}
		for j, c := range spec.Columns {
			cell := Cell{Numeric: true}
			if v, ok := values[r.ID][c.ID]; ok {
				cell.Text = report.FormatNumber(v)
			} else {
				cell.Missing = true
			}
			put(gi, labelCols+j, 1, 1, cell)
		}
	}
	return g
}

func samePrefix(a, b report.Column, n int) bool {
	if len(a.Parents) < n || len(b.Parents) < n {
		return false
	}
	for i := 0; i < n; i++ {
		if a.Parents[i] != b.Parents[i] {
			return false
		}
	}
	return true
}

func isUnder(spec *report.TableSpec, r report.Row, ancestor string) bool {
	for p := r.Parent; p != ""; {
		if p == ancestor {
			return true
		}
		pr, _ := spec.Row(p)
		p = pr.Parent
	}
	return false
}

func firstDataRowUnder(spec *report.TableSpec, rows []report.Row, ancestor string) int {
	for i, r := range rows {
		if isUnder(spec, r, ancestor) {
			return i
		}
	}
	return -1
}

func countDataRowsUnder(spec *report.TableSpec, rows []report.Row, ancestor string) int {
	n := 0
	for _, r := range rows {
		if isUnder(spec, r, ancestor) {
			n++
		}
	}
	return n
}

// Tables lays out every official table of the report's format, in printed order, with section 二's tables titled
// by their captions and the others by their section headings.
func Tables(r *report.Report) ([]*Grid, error) {
	f, err := r.Format()
	if err != nil {
		return nil, err
	}
	var out []*Grid
	for i := range f.Tables {
		spec := &f.Tables[i]
		title := spec.Caption
		if title == "" {
			s, _ := f.Section(spec.Section)
			title = s.Heading
		}
		out = append(out, Layout(spec, title, r.Tables[spec.ID]))
	}
	return out, nil
}
