package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Page geometry of an official document (GB/T 9704): A4, margins 37/35/28/26 mm, in twips.
const (
	docxPageW     = 11906
	docxPageH     = 16838
	docxMarginTop = 2098
	docxMarginBot = 1984
	docxMarginL   = 1587
	docxMarginR   = 1474
	docxTextW     = docxPageW - docxMarginL - docxMarginR
)

// TextWidthTwips is the width of the DOCX text block (page width less the margins) in twips, which every table
// grid fills exactly.
const TextWidthTwips = docxTextW

// DOCX writes d as an editable Word document in the layout of an official document: A4 with the GB/T 9704
// margins, 方正小标宋 title, 黑体 headings, 仿宋 body at 三号 with fixed 28.9 pt lines and a two-character indent,
// page numbers in the footer, and tables with merged cells. It uses only the widely supported core of
// WordprocessingML so that Word, WPS and LibreOffice open it alike. The fonts are named, not embedded: the reader's
// machine supplies them, as it does for every official document.
func DOCX(w io.Writer, d *Doc) error {
	blocks, err := prepare(d)
	if err != nil {
		return fmt.Errorf("document: docx: %w", err)
	}
	var body bytes.Buffer
	for i, b := range blocks {
		next := Kind(-1)
		if i+1 < len(blocks) {
			next = blocks[i+1].Kind
		}
		switch b.Kind {
		case Title:
			style := "Title"
			if next == DocNumber {
				style = "TitleAboveNumber" // the number sits right under the title; the gap comes after it
			}
			docxPara(&body, style, b.Text)
		case DocNumber:
			docxPara(&body, "DocNumber", b.Text)
		case Heading:
			docxPara(&body, "Heading1", b.Text)
		case Paragraph:
			docxPara(&body, "", b.Text)
		case Addressee:
			docxPara(&body, "Addressee", b.Text)
		case Note:
			style := "Note"
			if i > 0 && blocks[i-1].Kind != Note {
				style = "NoteFirst" // one blank line between the body and the notes
			}
			docxPara(&body, style, b.Text)
		case Signature:
			docxPara(&body, "Signature", "")
			for _, s := range []string{b.Text, b.Date} {
				if s != "" {
					docxPara(&body, "Signature", s)
				}
			}
		case Table:
			docxTable(&body, b.Table)
		}
	}
	parts := []struct{ name, data string }{
		{"[Content_Types].xml", docxContentTypes},
		{"_rels/.rels", docxRootRels},
		{"docProps/core.xml", docxCore(d)},
		{"docProps/app.xml", docxApp},
		{"word/_rels/document.xml.rels", docxDocRels},
		{"word/styles.xml", docxStyles},
		{"word/settings.xml", docxSettings},
		{"word/footer1.xml", docxFooter},
		{"word/document.xml", docxDocHead + body.String() + fmt.Sprintf(docxSectPr, docxPageW, docxPageH, docxMarginTop, docxMarginR, docxMarginBot, docxMarginL) + docxDocTail},
	}
	zw := zip.NewWriter(w)
	for _, p := range parts {
		// Create leaves the entries' modification time zero, so the archive holds no clock reading.
		fw, err := zw.Create(p.name)
		if err != nil {
			return fmt.Errorf("document: docx: %w", err)
		}
		if _, err := io.WriteString(fw, p.data); err != nil {
			return fmt.Errorf("document: docx: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("document: docx: %w", err)
	}
	return nil
}

// docxCore writes the core properties: title, subject, author (the agency) and, when known, the creation time.
func docxCore(d *Doc) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString(`<dc:title>` + xmlText(docTitle(d)) + `</dc:title>`)
	if d.Subject != "" {
		b.WriteString(`<dc:subject>` + xmlText(d.Subject) + `</dc:subject>`)
	}
	if d.Author != "" {
		b.WriteString(`<dc:creator>` + xmlText(d.Author) + `</dc:creator><cp:lastModifiedBy>` + xmlText(d.Author) + `</cp:lastModifiedBy>`)
	}
	b.WriteString(`<dc:language>zh-CN</dc:language>`)
	if !d.Created.IsZero() {
		t := d.Created.UTC().Format(time.RFC3339)
		b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + t + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + t + `</dcterms:modified>`)
	}
	b.WriteString(`</cp:coreProperties>`)
	return b.String()
}

// docTitle is the file's title: Doc.Title, else the text of the first Title block.
func docTitle(d *Doc) string {
	if d.Title != "" {
		return d.Title
	}
	for _, b := range d.Blocks {
		if b.Kind == Title {
			return b.Text
		}
	}
	return ""
}

// xmlText escapes text for XML and drops the characters XML 1.0 forbids.
func xmlText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return -1
	}, s)
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func docxPara(b *bytes.Buffer, style, text string) {
	b.WriteString("<w:p>")
	if style != "" {
		b.WriteString(`<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`)
	}
	if text != "" {
		b.WriteString(`<w:r><w:t xml:space="preserve">` + xmlText(text) + `</w:t></w:r>`)
	}
	b.WriteString("</w:p>")
}

// docxColumnWidths shares the text width between label columns (wide) and figure columns (narrow).
func docxColumnWidths(g *Grid) []int {
	n := g.Cols()
	widths := make([]int, n)
	if n == 0 {
		return widths
	}
	labels := g.LabelCols
	figures := n - labels
	labelW := 0
	switch {
	case labels == 0:
	case labels == 1:
		labelW = docxTextW * 2 / 5
		if figures > 3 {
			labelW = docxTextW / 3
		}
	default:
		labelW = docxTextW * 43 / 100
	}
	if figures == 0 {
		labelW = docxTextW
	}
	// Nested label columns: outer ones narrow, the innermost wide.
	if labels > 0 {
		share := []int{}
		switch labels {
		case 1:
			share = []int{1}
		case 2:
			share = []int{2, 5}
		default:
			share = make([]int, labels)
			for i := range share {
				share[i] = 2
			}
			share[labels-1] = 2 + 3*(labels-1)
		}
		sum := 0
		for _, s := range share {
			sum += s
		}
		used := 0
		for i, s := range share {
			widths[i] = labelW * s / sum
			used += widths[i]
		}
		widths[labels-1] += labelW - used
	}
	if figures > 0 {
		each := (docxTextW - labelW) / figures
		for j := labels; j < n; j++ {
			widths[j] = each
		}
		widths[n-1] += docxTextW - labelW - each*figures
	}
	return widths
}

func docxTable(b *bytes.Buffer, g *Grid) {
	if g.Rows() == 0 {
		return // WordprocessingML has no empty table
	}
	widths := docxColumnWidths(g)
	small := g.Cols() > 6
	b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="GridTable"/><w:tblW w:w="` + fmt.Sprint(docxTextW) + `" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>`)
	b.WriteString(`<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders>`)
	b.WriteString(`<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, wd := range widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, wd)
	}
	b.WriteString(`</w:tblGrid>`)
	style := "TableText"
	if small {
		style = "TableTextSmall"
	}
	cell := func(text string, width, span int, vmerge string, header, numeric bool) {
		b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="` + fmt.Sprint(width) + `" w:type="dxa"/>`)
		if span > 1 {
			fmt.Fprintf(b, `<w:gridSpan w:val="%d"/>`, span)
		}
		switch vmerge {
		case "restart":
			b.WriteString(`<w:vMerge w:val="restart"/>`)
		case "continue":
			b.WriteString(`<w:vMerge/>`)
		}
		if header {
			b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="EEF1F5"/>`)
		}
		b.WriteString(`<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="` + style + `"/>`)
		switch {
		case header:
			b.WriteString(`<w:jc w:val="center"/>`)
		case numeric:
			b.WriteString(`<w:jc w:val="right"/>`)
		}
		b.WriteString(`</w:pPr>`)
		if text != "" {
			b.WriteString(`<w:r>`)
			if header {
				b.WriteString(`<w:rPr><w:b/></w:rPr>`)
			}
			b.WriteString(`<w:t xml:space="preserve">` + xmlText(text) + `</w:t></w:r>`)
		}
		b.WriteString(`</w:p></w:tc>`)
	}
	spanWidth := func(from, n int) int {
		s := 0
		for k := from; k < from+n && k < len(widths); k++ {
			s += widths[k]
		}
		return s
	}
	if g.Caption != "" {
		// The caption row spanning the table, as the published tables of section 二 print it.
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		cell(g.Caption, docxTextW, g.Cols(), "", true, false)
		b.WriteString(`</w:tr>`)
	}
	// origin[i][j] is the top-left position of the cell covering (i, j).
	type pos struct{ i, j int }
	origin := make([][]pos, g.Rows())
	for i := range origin {
		origin[i] = make([]pos, g.Cols())
	}
	for i, row := range g.Cells {
		for j, c := range row {
			if c.Covered {
				continue
			}
			for a := i; a < i+c.RowSpan && a < g.Rows(); a++ {
				for k := j; k < j+c.ColSpan && k < g.Cols(); k++ {
					origin[a][k] = pos{i, j}
				}
			}
		}
	}
	for i, row := range g.Cells {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/>`)
		if i < g.HeaderRows {
			b.WriteString(`<w:tblHeader/>`)
		}
		b.WriteString(`</w:trPr>`)
		for j := 0; j < len(row); {
			c := row[j]
			if !c.Covered {
				vm := ""
				if c.RowSpan > 1 {
					vm = "restart"
				}
				cell(c.Text, spanWidth(j, c.ColSpan), c.ColSpan, vm, c.Header && i < g.HeaderRows, c.Numeric)
				j += c.ColSpan
				continue
			}
			o := origin[i][j]
			oc := g.Cells[o.i][o.j]
			if o.i < i && o.j == j {
				cell("", spanWidth(j, oc.ColSpan), oc.ColSpan, "continue", oc.Header && o.i < g.HeaderRows, false)
				j += oc.ColSpan
				continue
			}
			j++ // inside a horizontal span already written
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	docxPara(b, "TableGap", "")
}

const docxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`

const docxRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`

const docxDocRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>`

const docxApp = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>gongkai</Application></Properties>`

const docxSettings = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>`

const docxFooter = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r><w:r><w:rPr><w:rFonts w:ascii="宋体" w:hAnsi="宋体" w:eastAsia="宋体"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`

const docxDocHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`

const docxSectPr = `<w:sectPr><w:footerReference w:type="default" r:id="rId3"/><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="992" w:gutter="0"/><w:docGrid w:type="lines" w:linePitch="578"/></w:sectPr>`

const docxDocTail = `</w:body></w:document>`

// docxStyles: Normal is the body (仿宋_GB2312 三号, fixed 28.9 pt lines, two-character first-line indent).
const docxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="0" w:after="0" w:line="578" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="0" w:after="578" w:line="700" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TitleAboveNumber"><w:name w:val="Title Above Number"/><w:basedOn w:val="Title"/><w:pPr><w:spacing w:after="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="DocNumber"><w:name w:val="Document Number"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="0" w:after="578"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Addressee"><w:name w:val="Addressee"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:line="440" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr><w:rPr><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="NoteFirst"><w:name w:val="Note First"/><w:basedOn w:val="Note"/><w:pPr><w:spacing w:before="578"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="黑体"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="Signature"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0" w:right="640"/><w:jc w:val="right"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="280" w:lineRule="atLeast"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr><w:rPr><w:rFonts w:eastAsia="宋体"/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableTextSmall"><w:name w:val="Table Text Small"/><w:basedOn w:val="TableText"/><w:pPr><w:spacing w:line="240" w:lineRule="atLeast"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableGap"><w:name w:val="Table Gap"/><w:basedOn w:val="Normal"/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:rPr><w:sz w:val="16"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="GridTable"><w:name w:val="Grid Table"/><w:basedOn w:val="TableNormal"/></w:style>
</w:styles>`
