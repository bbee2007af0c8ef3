package document

import (
	_ "embed"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/signintech/gopdf"
)

// wqyMicroHei is the embedded CJK font (see fonts/README.md); gopdf embeds a subset per document.
//
//go:embed fonts/wqy-microhei.ttf
var wqyMicroHei []byte

// pdfFont is the font's name in the PDF; the six-letter tag marks it as a subset, as PDF readers expect.
const pdfFont = "GKWQYS+WenQuanYiMicroHei"

// A4 and the official-document margins (GB/T 9704: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), in points.
const (
	pdfPageW  = 595.28
	pdfPageH  = 841.89
	pdfTop    = 104.9
	pdfBottom = pdfPageH - 99.2
	pdfLeft   = 79.4
	pdfRight  = pdfPageW - 73.7
	pdfTextW  = pdfRight - pdfLeft
)

// Type sizes and line heights, in points.
const (
	pdfTitleSize   = 20.0
	pdfHeadingSize = 15.0
	pdfBodySize    = 12.0
	pdfBodyLeading = 21.0
	pdfCellPad     = 3.0
	pdfNoteSize    = 10.5
	pdfNoteLeading = 18.0
)

// PDF writes d as an A4 PDF with the official-document margins and the Chinese text embedded as a font subset,
// so it is selectable and searchable, produced by the binary alone (no browser, no installed fonts). Tables keep
// their merged cells; a table that runs over a page break continues with its header rows repeated. Characters the
// embedded font lacks are printed as □ rather than dropped silently.
func PDF(w io.Writer, d *Doc) error {
	blocks, err := prepare(d)
	if err != nil {
		return fmt.Errorf("document: pdf: %w", err)
	}
	p := &pdfWriter{widths: map[rune]float64{}}
	p.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	// A zero CreationDate is left out by gopdf, and the writer never reads the clock: the same Doc, the same bytes.
	p.pdf.SetInfo(gopdf.PdfInfo{Title: docTitle(d), Author: d.Author, Subject: d.Subject, Creator: "gongkai", Producer: "gongkai", CreationDate: d.Created})
	if err := p.pdf.AddTTFFontData(pdfFont, wqyMicroHei); err != nil {
		return fmt.Errorf("document: pdf: font: %w", err)
	}
	p.newPage()
	for i, b := range blocks {
		prev := Kind(-1)
		if i > 0 {
			prev = blocks[i-1].Kind
		}
		p.block(b, prev)
	}
	if _, err := p.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("document: pdf: %w", err)
	}
	return nil
}

type pdfWriter struct {
	pdf    gopdf.GoPdf
	y      float64
	page   int
	size   float64
	widths map[rune]float64 // advance width at size 1
}

func (p *pdfWriter) newPage() {
	p.pdf.AddPage()
	p.page++
	p.y = pdfTop
	// Page number, centred under the text block.
	size := p.size
	p.setSize(10.5)
	num := fmt.Sprintf("— %d —", p.page)
	p.text(pdfLeft+(pdfTextW-p.width(num))/2, pdfBottom+36, num)
	if size > 0 {
		p.setSize(size)
	}
}

func (p *pdfWriter) setSize(s float64) {
	if p.size != s {
		_ = p.pdf.SetFont(pdfFont, "", s)
		p.size = s
	}
}

// glyph returns r, or a replacement when the embedded font lacks it.
func (p *pdfWriter) glyph(r rune) rune {
	if r < 0x80 && r >= 0x20 {
		return r
	}
	if _, ok := p.widths[r]; ok {
		return r
	}
	if ok, err := p.pdf.IsCurrFontContainGlyph(r); err != nil || !ok {
		return '□'
	}
	return r
}

func (p *pdfWriter) clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r == '\t' || r == '\n' || r == '\r' {
			r = ' '
		}
		if r < 0x20 || r == utf8.RuneError {
			continue
		}
		b.WriteRune(p.glyph(r))
	}
	return b.String()
}

func (p *pdfWriter) runeWidth(r rune) float64 {
	if w, ok := p.widths[r]; ok {
		return w * p.size
	}
	size := p.size
	p.setSize(100)
	w, err := p.pdf.MeasureTextWidth(string(r))
	p.setSize(size)
	if err != nil {
		w = 100
	}
	p.widths[r] = w / 100
	return w / 100 * p.size
}

func (p *pdfWriter) width(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += p.runeWidth(r)
	}
	return w
}

// text draws s with its top at y (gopdf places the baseline; the font's ascent is about 0.86 em).
func (p *pdfWriter) text(x, y float64, s string) {
	if s == "" {
		return
	}
	p.pdf.SetXY(x, y+0.86*p.size)
	_ = p.pdf.Text(s)
}

// noLineStart are characters a Chinese line must not start with; they hang at the end of the previous line.
const noLineStart = "，。、；：！？）】》」』”’.,;:!?)%"

// wrap breaks s into lines no wider than width (the first line width−indent), keeping runs of Latin letters and
// digits together and never starting a line with closing punctuation.
func (p *pdfWriter) wrap(s string, width, indent float64) []string {
	var lines []string
	var line []rune
	lineW, limit := 0.0, width-indent
	runes := []rune(s)
	for i := 0; i < len(runes); {
		// A unit: one CJK character, or a run of Latin letters/digits.
		j := i + 1
		if isWordRune(runes[i]) {
			for j < len(runes) && isWordRune(runes[j]) && j-i < 40 {
				j++
			}
		}
		unit := runes[i:j]
		uw := 0.0
		for _, r := range unit {
			uw += p.runeWidth(r)
		}
		hang := len(unit) == 1 && strings.ContainsRune(noLineStart, unit[0])
		if lineW+uw > limit && len(line) > 0 && !hang {
			lines = append(lines, string(line))
			line, lineW, limit = nil, 0, width
			if unit[0] == ' ' {
				i = j
				continue
			}
		}
		if uw > limit && len(line) == 0 && len(unit) > 1 {
			// A word longer than the line: break it by character.
			j = i + 1
			unit = runes[i:j]
			uw = p.runeWidth(unit[0])
		}
		line = append(line, unit...)
		lineW += uw
		i = j
	}
	if len(line) > 0 || len(lines) == 0 {
		lines = append(lines, string(line))
	}
	return lines
}

func isWordRune(r rune) bool {
	return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '/' || r == '_' || r == '%' || r == ':')
}

// ensure starts a new page when h more points do not fit.
func (p *pdfWriter) ensure(h float64) {
	if p.y+h > pdfBottom {
		p.newPage()
	}
}

func (p *pdfWriter) block(b Block, prev Kind) {
	switch b.Kind {
	case Title:
		p.setSize(pdfTitleSize)
		for _, l := range p.wrap(p.clean(b.Text), pdfTextW, 0) {
			p.ensure(30)
			p.text(pdfLeft+(pdfTextW-p.width(l))/2, p.y, l)
			p.y += 30
		}
		p.y += 12
	case DocNumber:
		p.setSize(pdfBodySize)
		if prev == Title {
			p.y -= 8 // the number belongs to the title: close most of the gap under it
		}
		for _, l := range p.wrap(p.clean(b.Text), pdfTextW, 0) {
			p.ensure(pdfBodyLeading)
			p.text(pdfLeft+(pdfTextW-p.width(l))/2, p.y, l)
			p.y += pdfBodyLeading
		}
		p.y += 12
	case Heading:
		p.setSize(pdfHeadingSize)
		lines := p.wrap(p.clean(b.Text), pdfTextW, 0)
		p.ensure(float64(len(lines))*24 + 8 + pdfBodyLeading) // keep with the next line
		p.y += 8
		for _, l := range lines {
			p.text(pdfLeft, p.y, l)
			p.y += 24
		}
	case Paragraph:
		p.paragraph(b.Text, pdfBodySize, pdfBodyLeading, 2*pdfBodySize)
	case Addressee:
		p.setSize(pdfBodySize)
		p.ensure(2 * pdfBodyLeading) // keep with the first line of the body
		p.paragraph(b.Text, pdfBodySize, pdfBodyLeading, 0)
	case Note:
		if prev != Note {
			p.y += pdfBodyLeading
		}
		p.paragraph(b.Text, pdfNoteSize, pdfNoteLeading, 0)
	case Signature:
		p.setSize(pdfBodySize)
		p.y += pdfBodyLeading
		for _, s := range []string{b.Text, b.Date} {
			if s == "" {
				continue
			}
			s = p.clean(s)
			p.ensure(pdfBodyLeading)
			p.text(pdfRight-p.width(s)-2*pdfBodySize, p.y, s)
			p.y += pdfBodyLeading
		}
	case Table:
		p.table(b.Table)
	}
}

// paragraph draws text left-aligned in lines of the given size and leading, the first line indented.
func (p *pdfWriter) paragraph(text string, size, leading, indent float64) {
	p.setSize(size)
	for k, l := range p.wrap(p.clean(text), pdfTextW, indent) {
		p.ensure(leading)
		x := pdfLeft
		if k == 0 {
			x += indent
		}
		p.text(x, p.y, l)
		p.y += leading
	}
}

// pdfColumnWidths shares the text width: label columns wide, figure columns narrow (as the DOCX does).
func pdfColumnWidths(g *Grid) []float64 {
	tw := docxColumnWidths(g)
	out := make([]float64, len(tw))
	for i, w := range tw {
		out[i] = float64(w) / float64(docxTextW) * pdfTextW
	}
	return out
}

func (p *pdfWriter) table(g *Grid) {
	if g.Rows() == 0 || g.Cols() == 0 {
		return
	}
	size := 10.5
	if g.Cols() > 6 {
		size = 8.5
	}
	lead := size * 1.35
	cols := pdfColumnWidths(g)
	colX := make([]float64, len(cols)+1)
	colX[0] = pdfLeft
	for j, w := range cols {
		colX[j+1] = colX[j] + w
	}
	// Wrap every cell and size the rows.
	p.setSize(size)
	lines := make([][][]string, g.Rows())
	heights := make([]float64, g.Rows())
	for i, row := range g.Cells {
		lines[i] = make([][]string, len(row))
		heights[i] = lead + 2*pdfCellPad
		for j, c := range row {
			if c.Covered {
				continue
			}
			w := colX[j+c.ColSpan] - colX[j] - 2*pdfCellPad
			lines[i][j] = p.wrap(p.clean(c.Text), w, 0)
			if c.RowSpan == 1 {
				heights[i] = max(heights[i], float64(len(lines[i][j]))*lead+2*pdfCellPad)
			}
		}
	}
	for i, row := range g.Cells {
		for j, c := range row {
			if c.Covered || c.RowSpan == 1 {
				continue
			}
			need := float64(len(lines[i][j]))*lead + 2*pdfCellPad
			have := 0.0
			for k := i; k < i+c.RowSpan; k++ {
				have += heights[k]
			}
			if need > have {
				heights[i+c.RowSpan-1] += need - have
			}
		}
	}
	// A row taller than a page is clipped to a page rather than looping.
	for i := range heights {
		heights[i] = min(heights[i], pdfBottom-pdfTop-60)
	}
	headH := 0.0
	for i := 0; i < g.HeaderRows; i++ {
		headH += heights[i]
	}
	// Caption.
	p.setSize(pdfBodySize)
	first := heights[min(g.HeaderRows, g.Rows()-1)]
	p.ensure(pdfBodyLeading + headH + first)
	for _, l := range p.wrap(p.clean(g.Caption), pdfTextW, 0) {
		if l != "" {
			p.text(pdfLeft, p.y, l)
			p.y += pdfBodyLeading
		}
	}
	// Paginate the body rows; every page segment starts with the header rows.
	var segment []int
	for i := 0; i < g.HeaderRows; i++ {
		segment = append(segment, i)
	}
	y := p.y + headH
	for i := g.HeaderRows; i < g.Rows(); i++ {
		if y+heights[i] > pdfBottom && len(segment) > g.HeaderRows {
			p.drawSegment(g, segment, heights, lines, colX, size, lead)
			p.newPage()
			segment = segment[:g.HeaderRows]
			y = p.y + headH
		}
		segment = append(segment, i)
		y += heights[i]
	}
	p.drawSegment(g, segment, heights, lines, colX, size, lead)
	p.y += 10
}

// drawSegment draws the given rows (header rows first) from p.y down. A cell spanning rows outside the segment is
// drawn over the rows it has here, with its text repeated.
func (p *pdfWriter) drawSegment(g *Grid, rows []int, heights []float64, lines [][][]string, colX []float64, size, lead float64) {
	top := map[int]float64{}
	y := p.y
	for _, i := range rows {
		top[i] = y
		y += heights[i]
	}
	p.setSize(size)
	p.pdf.SetLineWidth(0.6)
	p.pdf.SetStrokeColor(60, 60, 60)
	// Find each cell's origin so spans that begin before the segment are drawn too.
	drawn := map[[2]int]bool{}
	for _, i := range rows {
		for j := 0; j < g.Cols(); j++ {
			oi, oj := origin(g, i, j)
			if drawn[[2]int{oi, oj}] {
				continue
			}
			drawn[[2]int{oi, oj}] = true
			c := g.Cells[oi][oj]
			x0, x1 := colX[oj], colX[oj+c.ColSpan]
			y0, h := -1.0, 0.0
			for _, k := range rows {
				if k >= oi && k < oi+c.RowSpan {
					if y0 < 0 {
						y0 = top[k]
					}
					h += heights[k]
				}
			}
			if c.Header && oi < g.HeaderRows {
				p.pdf.SetFillColor(238, 241, 245)
				p.pdf.RectFromUpperLeftWithStyle(x0, y0, x1-x0, h, "FD")
				p.pdf.SetFillColor(0, 0, 0) // text is painted with the fill colour
			} else {
				p.pdf.RectFromUpperLeftWithStyle(x0, y0, x1-x0, h, "D")
			}
			ls := lines[oi][oj]
			th := float64(len(ls)) * lead
			ty := y0 + (h-th)/2 + (lead-size)/2
			for _, l := range ls {
				lw := p.width(l)
				var tx float64
				switch {
				case c.Numeric:
					tx = x1 - pdfCellPad - lw
				case c.Header && oi < g.HeaderRows:
					tx = x0 + (x1-x0-lw)/2
				default:
					tx = x0 + pdfCellPad
				}
				p.text(tx, ty, l)
				ty += lead
			}
		}
	}
	p.y = y
}

// origin returns the top-left position of the cell covering (i, j).
func origin(g *Grid, i, j int) (int, int) {
	for a := i; a >= 0; a-- {
		for b := j; b >= 0; b-- {
			c := g.Cells[a][b]
			if !c.Covered && a+c.RowSpan > i && b+c.ColSpan > j {
				return a, b
			}
		}
	}
	return i, j
}
