package document

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/signintech/gopdf"
)

// The embedded fonts (see fonts/README.md); gopdf embeds only the glyphs a document uses (a subset). Official
// documents set the body in a Song/Fang style serif, the title in a heavy Song (小标宋) and the headings in 黑体:
// Noto Serif SC Regular for the body, Noto Serif SC Bold for the title and WQY MicroHei for the headings. The two
// serif faces are cut down to the GB 2312 set plus the punctuation notices use and kept gzip-compressed; a character
// outside them (a rare character of a name) is drawn from WQY MicroHei, which covers GBK.
var (
	//go:embed fonts/NotoSerifSC-Regular-GB2312.ttf.gz
	notoSerifRegularGz []byte
	//go:embed fonts/NotoSerifSC-Bold-GB2312.ttf.gz
	notoSerifBoldGz []byte
	//go:embed fonts/wqy-microhei.ttf
	wqyMicroHei []byte
)

// face is one of the embedded fonts.
type face int

const (
	faceSerif face = iota // body text: Noto Serif SC Regular (宋体 style)
	faceTitle             // the title: Noto Serif SC Bold (小标宋 style)
	faceSans              // headings and the fallback: WQY MicroHei (黑体 style)
	faceCount
)

// pdfFontNames are the fonts' names in the PDF; the six-letter tag marks each as a subset, as PDF readers expect.
var pdfFontNames = [faceCount]string{
	faceSerif: "GKNSSR+NotoSerifSC-Regular",
	faceTitle: "GKNSSB+NotoSerifSC-Bold",
	faceSans:  "GKWQYS+WenQuanYiMicroHei",
}

var (
	fontsOnce sync.Once
	fontData  [faceCount][]byte
	fonts     *gopdf.FontContainer
	fontsErr  error
)

// loadFonts decompresses and parses the embedded fonts once per process. Every PDF then takes its own subset of
// the parsed faces (gopdf's FontContainer gives each document a fresh glyph map), so a document costs no parsing.
func loadFonts() (*gopdf.FontContainer, error) {
	fontsOnce.Do(func() {
		fontData[faceSans] = wqyMicroHei
		for f, gz := range map[face][]byte{faceSerif: notoSerifRegularGz, faceTitle: notoSerifBoldGz} {
			r, err := gzip.NewReader(bytes.NewReader(gz))
			if err != nil {
				fontsErr = err
				return
			}
			if fontData[f], err = io.ReadAll(r); err != nil {
				fontsErr = err
				return
			}
		}
		c := &gopdf.FontContainer{}
		for f := face(0); f < faceCount; f++ {
			if err := c.AddTTFFontData(pdfFontNames[f], fontData[f]); err != nil {
				fontsErr = fmt.Errorf("%s: %w", pdfFontNames[f], err)
				return
			}
		}
		fonts = c
	})
	return fonts, fontsErr
}

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

// PDF writes d as an A4 PDF with the official-document margins and the Chinese text embedded as font subsets, so
// it is selectable and searchable, produced by the binary alone (no browser, no installed fonts): the body in a
// Song-style serif, the title in a bold serif, the headings in 黑体. Tables keep their merged cells; a table that
// runs over a page break continues with its header rows repeated. A heading is never the last thing on a page: it
// moves to the next page with the start of what follows it. Characters no embedded font has are printed as □
// rather than dropped silently.
func PDF(w io.Writer, d *Doc) error {
	blocks, err := prepare(d)
	if err != nil {
		return fmt.Errorf("document: pdf: %w", err)
	}
	fonts, err := loadFonts()
	if err != nil {
		return fmt.Errorf("document: pdf: font: %w", err)
	}
	p := &pdfWriter{widths: map[faceRune]float64{}, has: map[faceRune]bool{}, cur: -1}
	p.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	// A zero CreationDate is left out by gopdf, and the writer never reads the clock: the same Doc, the same bytes.
	p.pdf.SetInfo(gopdf.PdfInfo{Title: docTitle(d), Author: d.Author, Subject: d.Subject, Creator: "gongkai", Producer: "gongkai", CreationDate: d.Created})
	p.fonts = fonts
	p.blocks = blocks
	p.newPage()
	for i, b := range blocks {
		prev := Kind(-1)
		if i > 0 {
			prev = blocks[i-1].Kind
		}
		p.block(i, b, prev)
	}
	if p.err != nil {
		return fmt.Errorf("document: pdf: %w", p.err)
	}
	if _, err := p.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("document: pdf: %w", err)
	}
	return nil
}

// faceRune keys the per-font caches.
type faceRune struct {
	f face
	r rune
}

type pdfWriter struct {
	pdf     gopdf.GoPdf
	fonts   *gopdf.FontContainer
	added   [faceCount]bool // faces added to the document: only those it uses are embedded
	err     error           // the first font that could not be added
	blocks  []Block
	y       float64
	page    int
	face    face    // the face text is set in now
	size    float64 // the size text is set in now
	cur     face    // the face last selected in gopdf, -1 for none
	curSize float64
	widths  map[faceRune]float64 // advance width at size 1
	has     map[faceRune]bool    // whether the face has a glyph for the rune
}

func (p *pdfWriter) newPage() {
	p.pdf.AddPage()
	p.page++
	p.y = pdfTop
	// Page number, centred under the text block.
	f, size := p.face, p.size
	p.setFace(faceSerif, 10.5)
	num := fmt.Sprintf("— %d —", p.page)
	p.text(pdfLeft+(pdfTextW-p.width(num))/2, pdfBottom+36, num)
	if size > 0 {
		p.setFace(f, size)
	}
}

// setFace sets the face and size of the text drawn and measured next.
func (p *pdfWriter) setFace(f face, s float64) {
	p.face, p.size = f, s
}

// use selects f at size s in gopdf when it is not selected already.
func (p *pdfWriter) use(f face, s float64) {
	if !p.added[f] {
		if err := p.pdf.AddTTFFontFromFontContainer(pdfFontNames[f], p.fonts); err != nil && p.err == nil {
			p.err = fmt.Errorf("font %s: %w", pdfFontNames[f], err)
		}
		p.added[f] = true
	}
	if p.cur != f || p.curSize != s {
		_ = p.pdf.SetFont(pdfFontNames[f], "", s)
		p.cur, p.curSize = f, s
	}
}

// hasGlyph reports whether face f can draw r.
func (p *pdfWriter) hasGlyph(f face, r rune) bool {
	k := faceRune{f, r}
	if ok, seen := p.has[k]; seen {
		return ok
	}
	p.use(f, p.size)
	ok, err := p.pdf.IsCurrFontContainGlyph(r)
	ok = ok && err == nil
	p.has[k] = ok
	return ok
}

// resolve returns the face that draws r in the current face's text: the current face, else WQY MicroHei as the
// fallback, else -1 when no embedded font has it.
func (p *pdfWriter) resolve(r rune) face {
	if r == ' ' || p.hasGlyph(p.face, r) {
		return p.face
	}
	if p.hasGlyph(faceSans, r) {
		return faceSans
	}
	return -1
}

// glyph returns r, or a replacement when no embedded font has it.
func (p *pdfWriter) glyph(r rune) rune {
	if p.resolve(r) < 0 {
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
	f := p.resolve(r)
	if f < 0 {
		f, r = p.face, '□'
	}
	k := faceRune{f, r}
	if w, ok := p.widths[k]; ok {
		return w * p.size
	}
	p.use(f, 100)
	w, err := p.pdf.MeasureTextWidth(string(r))
	if err != nil {
		w = 100
	}
	p.widths[k] = w / 100
	return w / 100 * p.size
}

func (p *pdfWriter) width(s string) float64 {
	w := 0.0
	for _, r := range s {
		w += p.runeWidth(r)
	}
	return w
}

// text draws s with its top at y (gopdf places the baseline; the fonts' ascent is about 0.86 em), each run of
// characters in the face that has them.
func (p *pdfWriter) text(x, y float64, s string) {
	runes := []rune(s)
	for i := 0; i < len(runes); {
		f := p.resolve(runes[i])
		j := i + 1
		for j < len(runes) && p.resolve(runes[j]) == f {
			j++
		}
		run := string(runes[i:j])
		if f < 0 {
			f, run = p.face, strings.Repeat("□", j-i)
		}
		p.use(f, p.size)
		p.pdf.SetXY(x, y+0.86*p.size)
		_ = p.pdf.Text(run)
		x += p.width(run)
		i = j
	}
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

// Heading metrics: space above, line height.
const (
	pdfHeadingAbove   = 8.0
	pdfHeadingLeading = 24.0
)

// keepHeight is how much of the page block i needs so that it does not start at a page's foot alone: all of a
// heading together with what keepHeight asks for the block after it (so a heading is never the last thing on a
// page, nor a run of headings), the first line of a paragraph, the caption, header rows and first body row of a
// table. Nothing is drawn; the current face and size are kept.
func (p *pdfWriter) keepHeight(i int) float64 {
	if i >= len(p.blocks) {
		return 0
	}
	f, size := p.face, p.size
	defer p.setFace(f, size)
	b := p.blocks[i]
	switch b.Kind {
	case Heading:
		p.setFace(faceSans, pdfHeadingSize)
		h := pdfHeadingAbove + float64(len(p.wrap(p.clean(b.Text), pdfTextW, 0)))*pdfHeadingLeading
		return h + p.keepHeight(i+1)
	case Title:
		return 30
	case Addressee:
		return 2 * pdfBodyLeading
	case Note:
		if i > 0 && p.blocks[i-1].Kind == Note {
			return pdfNoteLeading
		}
		return pdfBodyLeading + pdfNoteLeading
	case Signature:
		return 2 * pdfBodyLeading
	case Table:
		if b.Table.Rows() == 0 || b.Table.Cols() == 0 {
			return 0
		}
		return p.layout(b.Table).keep
	}
	return pdfBodyLeading
}

func (p *pdfWriter) block(i int, b Block, prev Kind) {
	switch b.Kind {
	case Title:
		p.setFace(faceTitle, pdfTitleSize)
		for _, l := range p.wrap(p.clean(b.Text), pdfTextW, 0) {
			p.ensure(30)
			p.text(pdfLeft+(pdfTextW-p.width(l))/2, p.y, l)
			p.y += 30
		}
		p.y += 12
	case DocNumber:
		p.setFace(faceSerif, pdfBodySize)
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
		// Keep the heading with the start of what follows it (and a run of headings together), as Word's
		// keepNext does in the DOCX.
		p.ensure(min(p.keepHeight(i), pdfBottom-pdfTop))
		p.setFace(faceSans, pdfHeadingSize)
		p.y += pdfHeadingAbove
		for _, l := range p.wrap(p.clean(b.Text), pdfTextW, 0) {
			p.text(pdfLeft, p.y, l)
			p.y += pdfHeadingLeading
		}
	case Paragraph:
		p.paragraph(b.Text, pdfBodySize, pdfBodyLeading, 2*pdfBodySize)
	case Addressee:
		p.setFace(faceSerif, pdfBodySize)
		p.ensure(2 * pdfBodyLeading) // keep with the first line of the body
		p.paragraph(b.Text, pdfBodySize, pdfBodyLeading, 0)
	case Note:
		if prev != Note {
			p.y += pdfBodyLeading
		}
		p.paragraph(b.Text, pdfNoteSize, pdfNoteLeading, 0)
	case Signature:
		p.setFace(faceSerif, pdfBodySize)
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
	p.setFace(faceSerif, size)
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

// tableLayout is a table measured for drawing: its type, column edges, wrapped cells, row heights, caption lines and
// the height it needs at the least on the page it starts on.
type tableLayout struct {
	size, lead float64
	colX       []float64
	lines      [][][]string
	heights    []float64
	headH      float64
	caption    []string
	keep       float64
}

// layout measures g (with at least one row and one column) without drawing it.
func (p *pdfWriter) layout(g *Grid) *tableLayout {
	f, fsize := p.face, p.size
	defer p.setFace(f, fsize)
	t := &tableLayout{size: 10.5}
	if g.Cols() > 6 {
		t.size = 8.5
	}
	t.lead = t.size * 1.35
	cols := pdfColumnWidths(g)
	t.colX = make([]float64, len(cols)+1)
	t.colX[0] = pdfLeft
	for j, w := range cols {
		t.colX[j+1] = t.colX[j] + w
	}
	// Wrap every cell and size the rows.
	p.setFace(faceSerif, t.size)
	t.lines = make([][][]string, g.Rows())
	t.heights = make([]float64, g.Rows())
	for i, row := range g.Cells {
		t.lines[i] = make([][]string, len(row))
		t.heights[i] = t.lead + 2*pdfCellPad
		for j, c := range row {
			if c.Covered {
				continue
			}
			w := t.colX[j+c.ColSpan] - t.colX[j] - 2*pdfCellPad
			t.lines[i][j] = p.wrap(p.clean(c.Text), w, 0)
			if c.RowSpan == 1 {
				t.heights[i] = max(t.heights[i], float64(len(t.lines[i][j]))*t.lead+2*pdfCellPad)
			}
		}
	}
	for i, row := range g.Cells {
		for j, c := range row {
			if c.Covered || c.RowSpan == 1 {
				continue
			}
			need := float64(len(t.lines[i][j]))*t.lead + 2*pdfCellPad
			have := 0.0
			for k := i; k < i+c.RowSpan; k++ {
				have += t.heights[k]
			}
			if need > have {
				t.heights[i+c.RowSpan-1] += need - have
			}
		}
	}
	// A row taller than a page is clipped to a page rather than looping.
	for i := range t.heights {
		t.heights[i] = min(t.heights[i], pdfBottom-pdfTop-60)
	}
	for i := 0; i < g.HeaderRows; i++ {
		t.headH += t.heights[i]
	}
	p.setFace(faceSerif, pdfBodySize)
	for _, l := range p.wrap(p.clean(g.Caption), pdfTextW, 0) {
		if l != "" {
			t.caption = append(t.caption, l)
		}
	}
	// The caption, the header rows and the first body row stay together.
	t.keep = max(pdfBodyLeading, float64(len(t.caption))*pdfBodyLeading) + t.headH + t.heights[min(g.HeaderRows, g.Rows()-1)]
	return t
}

func (p *pdfWriter) table(g *Grid) {
	if g.Rows() == 0 || g.Cols() == 0 {
		return
	}
	t := p.layout(g)
	p.setFace(faceSerif, pdfBodySize)
	p.ensure(t.keep)
	for _, l := range t.caption {
		p.text(pdfLeft, p.y, l)
		p.y += pdfBodyLeading
	}
	// Paginate the body rows; every page segment starts with the header rows.
	var segment []int
	for i := 0; i < g.HeaderRows; i++ {
		segment = append(segment, i)
	}
	y := p.y + t.headH
	for i := g.HeaderRows; i < g.Rows(); i++ {
		if y+t.heights[i] > pdfBottom && len(segment) > g.HeaderRows {
			p.drawSegment(g, segment, t.heights, t.lines, t.colX, t.size, t.lead)
			p.newPage()
			segment = segment[:g.HeaderRows]
			y = p.y + t.headH
		}
		segment = append(segment, i)
		y += t.heights[i]
	}
	p.drawSegment(g, segment, t.heights, t.lines, t.colX, t.size, t.lead)
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
	p.setFace(faceSerif, size)
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
