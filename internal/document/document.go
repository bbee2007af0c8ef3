// Package document writes official-style documents (公文格式, GB/T 9704 page and type) as DOCX and PDF from a list
// of blocks. The annual report (internal/report/render) and the notices of the application workflow (受理回执,
// 补正告知书, 收费通知书, 答复告知书 …) share these two writers, so a change to the page, the fonts or the line
// breaking reaches every document at once.
//
// The package knows nothing about reports or cases: callers lay their content out as Blocks in reading order.
package document

import (
	"errors"
	"fmt"
	"time"
)

// Kind says what a Block is, which decides its type face, size, alignment and indent in both formats.
type Kind int

const (
	// Title is the document's title (方正小标宋 二号, centred).
	Title Kind = iota
	// Heading is a numbered section heading ("一、总体情况", 黑体).
	Heading
	// Paragraph is one paragraph of body text (仿宋 三号) with a two-character first-line indent.
	Paragraph
	// Table is a table with merged cells; Block.Table holds it.
	Table
	// Signature is the closing block: Block.Text is the agency's name and Block.Date the date, right-aligned.
	Signature
	// DocNumber is the document number line (文号, "平卫依公开〔2026〕3号"), centred under the title.
	DocNumber
	// Addressee is the line naming whom the document is addressed to (抬头, "张三："), without first-line indent.
	Addressee
	// Note is one line of annotations at the end (附注, 联系人及电话), in a smaller size and without indent.
	Note
)

// String returns the kind's name, for error messages and tests.
func (k Kind) String() string {
	switch k {
	case Title:
		return "Title"
	case Heading:
		return "Heading"
	case Paragraph:
		return "Paragraph"
	case Table:
		return "Table"
	case Signature:
		return "Signature"
	case DocNumber:
		return "DocNumber"
	case Addressee:
		return "Addressee"
	case Note:
		return "Note"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Block is one element of a document in reading order.
type Block struct {
	// Kind says what the block is.
	Kind Kind
	// Text is the block's text; for a signature, the agency's name. Line breaks inside it are printed as spaces:
	// one paragraph is one block.
	Text string
	// Date is the signature's date, written the way official documents write it ("2026年3月5日").
	Date string
	// Table is the table of a Table block.
	Table *Grid
}

// Doc is a document to write: its blocks and the metadata stored in the file (DOCX core properties, PDF info).
type Doc struct {
	// Title is the document's title, e.g. "政府信息公开申请答复告知书". It is stored as the file's title and, when no
	// block is a Title block, printed first as the title.
	Title string
	// Blocks are the document's content in reading order.
	Blocks []Block
	// Subject is the file's subject metadata, e.g. "政府信息公开工作年度报告"; optional.
	Subject string
	// Author is the agency issuing the document, stored as the file's author; optional.
	Author string
	// Created is stored as the file's creation time. The writers never read the clock, so the same Doc always gives
	// the same bytes; a zero time leaves the date out.
	Created time.Time
}

// Cell is one position of a table. A position that another cell's span covers has Covered set and is not drawn.
type Cell struct {
	// Text is what the cell prints.
	Text string
	// RowSpan and ColSpan are how many rows and columns the cell spans; 0 counts as 1.
	RowSpan, ColSpan int
	// Header marks a header cell; in the header rows it is shaded, bold and centred.
	Header bool
	// Numeric marks a figure, aligned right.
	Numeric bool
	// Covered marks a position covered by a span from above or from the left.
	Covered bool
}

// Grid is a table laid out as a rectangle of cells with spans. Every row has the same number of positions.
type Grid struct {
	// Caption is printed with the table (as a spanning first row in DOCX, a line above it in PDF); optional.
	Caption string
	// HeaderRows is how many rows at the top are column headers; they repeat when the table runs over a page.
	HeaderRows int
	// LabelCols is how many columns at the left hold row labels; they get the wider share of the width.
	LabelCols int
	// Cells holds Rows × Cols positions.
	Cells [][]Cell
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

// errNoDoc is returned for a nil Doc.
var errNoDoc = errors.New("没有要生成的文档内容")

// prepare checks d and returns the blocks to draw, with the title prepended when no block is a Title block and
// every table normalised (spans of 0 read as 1), so that the writers can trust what they draw.
func prepare(d *Doc) ([]Block, error) {
	if d == nil {
		return nil, errNoDoc
	}
	hasTitle := false
	for _, b := range d.Blocks {
		if b.Kind == Title {
			hasTitle = true
		}
	}
	var blocks []Block
	if !hasTitle && d.Title != "" {
		blocks = append(blocks, Block{Kind: Title, Text: d.Title})
	}
	for i, b := range d.Blocks {
		if b.Kind < Title || b.Kind > Note {
			return nil, fmt.Errorf("第%d个内容块的类型（%d）无法识别", i+1, int(b.Kind))
		}
		if b.Kind == Table {
			g, err := normalise(b.Table)
			if err != nil {
				return nil, fmt.Errorf("第%d个内容块：%w", i+1, err)
			}
			b.Table = g
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}

// maxTableCells bounds a table's size so a hostile one cannot make the writers run out of memory.
const maxTableCells = 100_000

// normalise checks that g is a rectangle whose spans stay inside it and cover exactly the positions marked
// Covered, and returns a copy with spans of 0 set to 1.
func normalise(g *Grid) (*Grid, error) {
	if g == nil {
		return nil, errors.New("表格内容块没有表格")
	}
	rows, cols := g.Rows(), g.Cols()
	if rows > 0 && cols == 0 {
		return nil, errors.New("表格没有列")
	}
	if rows*cols > maxTableCells {
		return nil, fmt.Errorf("表格有%d个单元格，超过上限%d", rows*cols, maxTableCells)
	}
	if g.HeaderRows < 0 || g.HeaderRows > rows {
		return nil, fmt.Errorf("表头行数%d不在0到%d之间", g.HeaderRows, rows)
	}
	if g.LabelCols < 0 || g.LabelCols > cols {
		return nil, fmt.Errorf("标签列数%d不在0到%d之间", g.LabelCols, cols)
	}
	out := &Grid{Caption: g.Caption, HeaderRows: g.HeaderRows, LabelCols: g.LabelCols, Cells: make([][]Cell, rows)}
	owned := make([][]bool, rows)
	for i := range owned {
		owned[i] = make([]bool, cols)
	}
	for i, row := range g.Cells {
		if len(row) != cols {
			return nil, fmt.Errorf("表格第%d行有%d格，应与第1行一样有%d格", i+1, len(row), cols)
		}
		out.Cells[i] = append([]Cell(nil), row...)
		for j := range out.Cells[i] {
			c := &out.Cells[i][j]
			if c.RowSpan == 0 {
				c.RowSpan = 1
			}
			if c.ColSpan == 0 {
				c.ColSpan = 1
			}
			if c.RowSpan < 0 || c.ColSpan < 0 {
				return nil, fmt.Errorf("表格第%d行第%d列的合并行列数不能为负数", i+1, j+1)
			}
		}
	}
	for i, row := range out.Cells {
		for j, c := range row {
			if c.Covered {
				continue
			}
			if i+c.RowSpan > rows || j+c.ColSpan > cols {
				return nil, fmt.Errorf("表格第%d行第%d列的单元格合并超出了表格范围", i+1, j+1)
			}
			for a := i; a < i+c.RowSpan; a++ {
				for k := j; k < j+c.ColSpan; k++ {
					if owned[a][k] || (a != i || k != j) && !out.Cells[a][k].Covered {
						return nil, fmt.Errorf("表格第%d行第%d列的单元格合并与第%d行第%d列重叠", i+1, j+1, a+1, k+1)
					}
					owned[a][k] = true
				}
			}
		}
	}
	for i, row := range owned {
		for j, ok := range row {
			if !ok {
				return nil, fmt.Errorf("表格第%d行第%d列标为被合并，但没有单元格覆盖它", i+1, j+1)
			}
		}
	}
	return out, nil
}
