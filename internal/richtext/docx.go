package richtext

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits against hostile DOCX files (zip bombs, archives of countless entries).
const (
	maxDocxPart    = 64 << 20 // the largest part read, uncompressed
	maxDocxEntries = 10_000
	maxDocxDepth   = 64 // tables in tables in tables …
)

// ErrDOCX is the error of a file that is not a Word document this package can read; its message (Chinese, for the
// officer) says why and what to do.
var ErrDOCX = errors.New("richtext: not a readable DOCX")

type docxError struct{ msg string }

func (e *docxError) Error() string        { return e.msg }
func (e *docxError) Is(target error) bool { return target == ErrDOCX }

func docxFail(format string, args ...any) error { return &docxError{fmt.Sprintf(format, args...)} }

// Imported is a Word document's body as HTML.
type Imported struct {
	// HTML is the body, in the package's dialect (cleaned and sanitised like every body).
	HTML string
	// Images counts the pictures, shapes and embedded objects left out: a body holds no images from a file.
	Images int
}

// DOCX converts the body of a Word document (DOCX, as Word, WPS and LibreOffice write it) into the package's HTML:
//
//   - a paragraph whose style is a heading — named "heading 1"…"heading 9" or "标题 1"…, or with an outline level,
//     directly or through the style it is based on — becomes h2, h3 or h4 (heading 1 is h2: the page's h1 is the
//     item's title); the style "Title" (标题) becomes h2;
//   - numbered and bulleted paragraphs (w:numPr, in the paragraph or its style) become nested ol and ul by level;
//     numbering in Chinese numerals (一、 （一）) is written out as the paragraph's text, as the document shows it;
//   - tables keep their merged cells (w:gridSpan as colspan, w:vMerge as rowspan), and rows repeated as headers
//     (w:tblHeader) become th cells;
//   - bold, italic and underlined runs, line breaks and external hyperlinks are kept; deleted text (tracked
//     changes), field codes and the fallback copies of drawings are not. Pictures are counted in Imported.Images.
func DOCX(data []byte) (Imported, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return Imported{}, docxFail("文件不是 Word（DOCX）文档。旧版 Word 的 .doc 文件或 WPS 的 .wps 文件，请先另存为 .docx 后再导入")
	}
	if len(zr.File) > maxDocxEntries {
		return Imported{}, docxFail("文件中的条目超过 %d 个，不像 Word 文档", maxDocxEntries)
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := parts[f.Name]; !dup {
			parts[f.Name] = f
		}
	}
	doc, err := readPart(parts, "word/document.xml")
	if err != nil {
		return Imported{}, err
	}
	if doc == nil {
		return Imported{}, docxFail("文件中没有 Word 正文（word/document.xml），请用 Word 或 WPS 打开后另存为 .docx 再导入")
	}
	d := &docx{styles: map[string]*docxStyle{}, nums: map[string]map[int]docxLevel{}, counters: map[string][]int{}, links: map[string]string{}}
	for name, read := range map[string]func([]byte) error{"word/styles.xml": d.readStyles, "word/numbering.xml": d.readNumbering, "word/_rels/document.xml.rels": d.readRels} {
		raw, err := readPart(parts, name)
		if err != nil {
			return Imported{}, err
		}
		if raw != nil {
			if err := read(raw); err != nil {
				return Imported{}, docxFail("Word 文档的 %s 格式错误，请用 Word 或 WPS 打开后重新保存再导入", name)
			}
		}
	}
	blocks, err := d.parse(doc)
	if err != nil {
		return Imported{}, docxFail("Word 正文的 XML 格式错误，请用 Word 或 WPS 打开后重新保存再导入")
	}
	c := &cleaner{markers: map[*html.Node]string{}, items: map[*html.Node]listInfo{}}
	return Imported{HTML: render(c.groupLists(d.render(blocks, c))), Images: d.images}, nil
}

// readPart returns a part of the package uncompressed, nil when there is none.
func readPart(parts map[string]*zip.File, name string) ([]byte, error) {
	f := parts[name]
	if f == nil {
		return nil, nil
	}
	if f.UncompressedSize64 > maxDocxPart {
		return nil, docxFail("Word 文档解压后超过 %d MB，请拆分后导入或作为附件上传", maxDocxPart>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, docxFail("Word 文档已损坏（无法解压 %s），请重新保存后再导入", name)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, maxDocxPart+1))
	if err != nil {
		return nil, docxFail("Word 文档已损坏（无法解压 %s），请重新保存后再导入", name)
	}
	if len(raw) > maxDocxPart {
		return nil, docxFail("Word 文档解压后超过 %d MB，请拆分后导入或作为附件上传", maxDocxPart>>20)
	}
	return raw, nil
}

type xVal struct {
	Val string `xml:"val,attr"`
}

type xNumPr struct {
	Ilvl  *xVal `xml:"ilvl"`
	NumID *xVal `xml:"numId"`
}

type docxStyle struct {
	name, basedOn string
	outline       int // outline level + 1; 0 for none
	numPr         *xNumPr
}

// docxLevel is one level of a numbering definition.
type docxLevel struct {
	format, text string
	start        int
}

type docx struct {
	styles map[string]*docxStyle
	// nums maps a numId to its levels (through its abstract numbering).
	nums map[string]map[int]docxLevel
	// counters are the current numbers of each list (numId) by level.
	counters map[string][]int
	links    map[string]string
	images   int
}

func (d *docx) readStyles(raw []byte) error {
	var x struct {
		Styles []struct {
			ID      string `xml:"styleId,attr"`
			Name    xVal   `xml:"name"`
			BasedOn xVal   `xml:"basedOn"`
			PPr     struct {
				OutlineLvl *xVal   `xml:"outlineLvl"`
				NumPr      *xNumPr `xml:"numPr"`
			} `xml:"pPr"`
		} `xml:"style"`
	}
	if err := xml.Unmarshal(raw, &x); err != nil {
		return err
	}
	for _, s := range x.Styles {
		st := &docxStyle{name: s.Name.Val, basedOn: s.BasedOn.Val, numPr: s.PPr.NumPr}
		if s.PPr.OutlineLvl != nil {
			if n, err := strconv.Atoi(s.PPr.OutlineLvl.Val); err == nil && n >= 0 && n < 9 {
				st.outline = n + 1
			}
		}
		d.styles[s.ID] = st
	}
	return nil
}

func (d *docx) readNumbering(raw []byte) error {
	var x struct {
		Abstract []struct {
			ID  string `xml:"abstractNumId,attr"`
			Lvl []struct {
				Ilvl    string `xml:"ilvl,attr"`
				Start   xVal   `xml:"start"`
				NumFmt  xVal   `xml:"numFmt"`
				LvlText xVal   `xml:"lvlText"`
			} `xml:"lvl"`
		} `xml:"abstractNum"`
		Num []struct {
			ID       string `xml:"numId,attr"`
			Abstract xVal   `xml:"abstractNumId"`
		} `xml:"num"`
	}
	if err := xml.Unmarshal(raw, &x); err != nil {
		return err
	}
	abstract := map[string]map[int]docxLevel{}
	for _, a := range x.Abstract {
		levels := map[int]docxLevel{}
		for _, l := range a.Lvl {
			i, err := strconv.Atoi(l.Ilvl)
			if err != nil || i < 0 || i > 8 {
				continue
			}
			start, err := strconv.Atoi(l.Start.Val)
			if err != nil {
				start = 1
			}
			levels[i] = docxLevel{format: l.NumFmt.Val, text: l.LvlText.Val, start: start}
		}
		abstract[a.ID] = levels
	}
	for _, n := range x.Num {
		d.nums[n.ID] = abstract[n.Abstract.Val]
	}
	return nil
}

func (d *docx) readRels(raw []byte) error {
	var x struct {
		Rel []struct {
			ID         string `xml:"Id,attr"`
			Target     string `xml:"Target,attr"`
			TargetMode string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(raw, &x); err != nil {
		return err
	}
	for _, r := range x.Rel {
		if r.TargetMode == "External" {
			d.links[r.ID] = r.Target
		}
	}
	return nil
}

// headingLevel is the heading level of a paragraph style (1 for heading 1), 0 for body text; the style "Title"
// counts as level 1.
func (d *docx) headingLevel(id string) int {
	for range 10 { // a chain of basedOn is short; a loop in a broken file ends here
		st := d.styles[id]
		if st == nil {
			return 0
		}
		name := strings.ToLower(strings.Join(strings.Fields(st.name), ""))
		for _, prefix := range []string{"heading", "标题"} {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				if rest == "" {
					return 1 // 标题 is WPS's Title
				}
				if n, err := strconv.Atoi(rest); err == nil && n >= 1 && n <= 9 {
					return n
				}
			}
		}
		if name == "title" {
			return 1
		}
		if st.outline > 0 {
			return st.outline
		}
		id = st.basedOn
	}
	return 0
}

// styleNumPr is the numbering a paragraph style gives its paragraphs, through the styles it is based on.
func (d *docx) styleNumPr(id string) *xNumPr {
	for range 10 {
		st := d.styles[id]
		if st == nil {
			return nil
		}
		if st.numPr != nil {
			return st.numPr
		}
		id = st.basedOn
	}
	return nil
}

// The parsed body: paragraphs and tables.
type (
	docxRun struct {
		text                string
		br                  bool
		bold, italic, under bool
		href                string
	}
	docxPara struct {
		style   string
		numPr   *xNumPr
		outline int
		runs    []docxRun
	}
	docxCell struct {
		span, rowspan int
		vmerge        string // "", "restart" or "continue"
		blocks        []any
	}
	docxRow struct {
		header bool
		cells  []*docxCell
	}
	docxTable struct{ rows []*docxRow }
)

// parse reads word/document.xml into blocks.
func (d *docx) parse(raw []byte) ([]any, error) {
	dec := xml.NewDecoder(bytes.NewReader(raw))
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "body" {
			return d.blocks(dec, nil, 0)
		}
	}
}

// transparent are the wrappers whose content counts as if it stood in their place.
var transparent = map[string]bool{"sdt": true, "sdtContent": true, "customXml": true, "ins": true, "smartTag": true,
	"fldSimple": true, "moveTo": true, "hyperlink": true}

// blocks reads paragraphs and tables up to the end of the current element; a cell's properties go to cell.
func (d *docx) blocks(dec *xml.Decoder, cell *docxCell, depth int) ([]any, error) {
	if depth > maxDocxDepth {
		return nil, errors.New("richtext: tables nested too deep")
	}
	var out []any
	open := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if open == 0 {
				return out, nil
			}
			open--
		case xml.StartElement:
			switch {
			case t.Name.Local == "p":
				p, err := d.para(dec)
				if err != nil {
					return nil, err
				}
				out = append(out, p)
			case t.Name.Local == "tbl":
				tb, err := d.table(dec, depth)
				if err != nil {
					return nil, err
				}
				out = append(out, tb)
			case t.Name.Local == "tcPr" && cell != nil:
				var x struct {
					GridSpan *xVal `xml:"gridSpan"`
					VMerge   *xVal `xml:"vMerge"`
				}
				if err := dec.DecodeElement(&x, &t); err != nil {
					return nil, err
				}
				if x.GridSpan != nil {
					if n, err := strconv.Atoi(x.GridSpan.Val); err == nil && n > 1 && n < 64 {
						cell.span = n
					}
				}
				if x.VMerge != nil {
					cell.vmerge = "continue"
					if x.VMerge.Val == "restart" {
						cell.vmerge = "restart"
					}
				}
			case transparent[t.Name.Local]:
				open++
			default:
				if err := dec.Skip(); err != nil {
					return nil, err
				}
			}
		}
	}
}

func (d *docx) table(dec *xml.Decoder, depth int) (*docxTable, error) {
	tb := &docxTable{}
	var row *docxRow
	open := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if open == 0 {
				return tb, nil
			}
			if t.Name.Local == "tr" {
				row = nil
			}
			open--
		case xml.StartElement:
			switch {
			case t.Name.Local == "tr":
				row = &docxRow{}
				tb.rows = append(tb.rows, row)
				open++
			case t.Name.Local == "trPr" && row != nil:
				var x struct {
					Header *xVal `xml:"tblHeader"`
				}
				if err := dec.DecodeElement(&x, &t); err != nil {
					return nil, err
				}
				row.header = x.Header != nil && x.Header.Val != "0" && x.Header.Val != "false"
			case t.Name.Local == "tc" && row != nil:
				c := &docxCell{span: 1, rowspan: 1}
				if c.blocks, err = d.blocks(dec, c, depth+1); err != nil {
					return nil, err
				}
				row.cells = append(row.cells, c)
			case transparent[t.Name.Local]:
				open++
			default:
				if err := dec.Skip(); err != nil {
					return nil, err
				}
			}
		}
	}
}

// para reads a paragraph: its properties and its runs, in and out of hyperlinks and other wrappers.
func (d *docx) para(dec *xml.Decoder) (*docxPara, error) {
	p := &docxPara{}
	var hrefs []string // the link of each open wrapper ("" for wrappers that are not links)
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if len(hrefs) == 0 {
				return p, nil
			}
			hrefs = hrefs[:len(hrefs)-1]
		case xml.StartElement:
			switch {
			case t.Name.Local == "pPr":
				var x struct {
					Style      xVal    `xml:"pStyle"`
					NumPr      *xNumPr `xml:"numPr"`
					OutlineLvl *xVal   `xml:"outlineLvl"`
				}
				if err := dec.DecodeElement(&x, &t); err != nil {
					return nil, err
				}
				p.style, p.numPr = x.Style.Val, x.NumPr
				if x.OutlineLvl != nil {
					if n, err := strconv.Atoi(x.OutlineLvl.Val); err == nil && n >= 0 && n < 9 {
						p.outline = n + 1
					}
				}
			case t.Name.Local == "r":
				href := ""
				if len(hrefs) > 0 {
					href = hrefs[len(hrefs)-1]
				}
				runs, err := d.run(dec, href)
				if err != nil {
					return nil, err
				}
				p.runs = append(p.runs, runs...)
			case transparent[t.Name.Local]:
				href := ""
				if len(hrefs) > 0 {
					href = hrefs[len(hrefs)-1]
				}
				if t.Name.Local == "hyperlink" {
					for _, a := range t.Attr {
						if a.Name.Local == "id" && d.links[a.Value] != "" {
							href = d.links[a.Value]
						}
					}
				}
				hrefs = append(hrefs, href)
			default:
				if err := dec.Skip(); err != nil {
					return nil, err
				}
			}
		}
	}
}

// on reads a toggle property (w:b, w:i): present and not switched off.
func on(v *xVal) bool { return v != nil && v.Val != "0" && v.Val != "false" && v.Val != "off" }

// run reads a run: its formatting, its text, tabs and breaks; drawings are counted and left out.
func (d *docx) run(dec *xml.Decoder, href string) ([]docxRun, error) {
	var out []docxRun
	var bold, italic, under bool
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.StartElement:
			switch t.Name.Local {
			case "rPr":
				var x struct {
					B *xVal `xml:"b"`
					I *xVal `xml:"i"`
					U *xVal `xml:"u"`
				}
				if err := dec.DecodeElement(&x, &t); err != nil {
					return nil, err
				}
				bold, italic = on(x.B), on(x.I)
				under = x.U != nil && x.U.Val != "none" && x.U.Val != "0"
			case "t":
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return nil, err
				}
				out = append(out, docxRun{text: s, bold: bold, italic: italic, under: under, href: href})
			case "tab", "ptab":
				out = append(out, docxRun{text: "\u3000", bold: bold, italic: italic, under: under, href: href})
				if err := dec.Skip(); err != nil {
					return nil, err
				}
			case "br", "cr":
				page := false
				for _, a := range t.Attr {
					page = page || a.Name.Local == "type" && a.Value == "page"
				}
				if !page {
					out = append(out, docxRun{br: true})
				}
				if err := dec.Skip(); err != nil {
					return nil, err
				}
			case "drawing", "pict", "object", "AlternateContent":
				d.images++
				if err := dec.Skip(); err != nil {
					return nil, err
				}
			default: // delText, instrText, footnote references, fields' parts
				if err := dec.Skip(); err != nil {
					return nil, err
				}
			}
		}
	}
}

func element(a atom.Atom, attrs ...html.Attribute) *html.Node {
	return &html.Node{Type: html.ElementNode, DataAtom: a, Data: a.String(), Attr: attrs}
}

// render turns the blocks into HTML nodes; list paragraphs become items that c groups into lists.
func (d *docx) render(blocks []any, c *cleaner) []*html.Node {
	var out []*html.Node
	for _, b := range blocks {
		switch b := b.(type) {
		case *docxPara:
			if n := d.renderPara(b, c); n != nil {
				out = append(out, n)
			}
		case *docxTable:
			out = append(out, d.renderTable(b, c))
		}
	}
	return out
}

// orderedFormats are the numbering formats a browser's ordered list shows as Word does (near enough).
var orderedFormats = map[string]bool{"decimal": true, "decimalZero": true, "lowerLetter": true, "upperLetter": true,
	"lowerRoman": true, "upperRoman": true}

func (d *docx) renderPara(p *docxPara, c *cleaner) *html.Node {
	level := d.headingLevel(p.style)
	if level == 0 && p.outline > 0 {
		level = p.outline
	}
	tag := atom.P
	switch {
	case level == 1:
		tag = atom.H2
	case level == 2:
		tag = atom.H3
	case level >= 3:
		tag = atom.H4
	}
	el := element(tag)
	d.renderRuns(el, p.runs)
	numPr := p.numPr
	if numPr == nil {
		numPr = d.styleNumPr(p.style)
	}
	var item *listInfo
	if numPr != nil && numPr.NumID != nil && numPr.NumID.Val != "0" && d.nums[numPr.NumID.Val] != nil {
		ilvl := 0
		if numPr.Ilvl != nil {
			ilvl, _ = strconv.Atoi(numPr.Ilvl.Val)
		}
		ilvl = min(max(ilvl, 0), 8)
		id := numPr.NumID.Val
		lvl := d.nums[id][ilvl]
		marker := d.count(id, ilvl)
		switch {
		case tag != atom.P || lvl.format == "none" || lvl.format == "":
			// A numbered heading keeps its number as text; a level without a format shows none.
			if tag != atom.P && lvl.format != "none" && lvl.format != "bullet" && marker != "" {
				el.InsertBefore(&html.Node{Type: html.TextNode, Data: marker}, el.FirstChild)
			}
		case lvl.format == "bullet":
			item = &listInfo{list: id, level: ilvl + 1}
		case orderedFormats[lvl.format]:
			item = &listInfo{list: id, level: ilvl + 1, ordered: true}
		default:
			el.InsertBefore(&html.Node{Type: html.TextNode, Data: marker}, el.FirstChild)
		}
	}
	trimLeading(el)
	if empty(el) {
		return nil
	}
	if item != nil {
		el.DataAtom, el.Data = atom.Li, "li"
		c.items[el] = *item
	}
	return el
}

// count advances the counter of a list's level and returns the level's number text ("一、", "（二）", "3.").
func (d *docx) count(id string, ilvl int) string {
	levels := d.nums[id]
	cs := d.counters[id]
	if cs == nil {
		cs = make([]int, 9)
		for i := range cs {
			cs[i] = levels[i].start - 1
		}
		d.counters[id] = cs
	}
	cs[ilvl]++
	for i := ilvl + 1; i < 9; i++ {
		cs[i] = levels[i].start - 1
	}
	text := levels[ilvl].text
	for i := 0; i <= ilvl; i++ {
		text = strings.ReplaceAll(text, "%"+strconv.Itoa(i+1), numberText(cs[i], levels[i].format))
	}
	return text
}

// numberText writes n in a numbering format; Chinese numerals for the formats of Chinese documents.
func numberText(n int, format string) string {
	switch format {
	case "chineseCounting", "chineseCountingThousand", "ideographTraditional", "japaneseCounting", "taiwaneseCounting":
		return chineseNumber(n)
	case "chineseLegalSimplified":
		return strings.NewReplacer("一", "壹", "二", "贰", "三", "叁", "四", "肆", "五", "伍", "六", "陆", "七", "柒", "八", "捌", "九", "玖", "十", "拾").Replace(chineseNumber(n))
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if n >= 1 && n <= 20 {
			return string(rune('①' + n - 1))
		}
	case "lowerLetter", "upperLetter":
		if n >= 1 && n <= 26 {
			r := rune('a' + n - 1)
			if format == "upperLetter" {
				r = rune('A' + n - 1)
			}
			return string(r)
		}
	case "bullet", "none":
		return ""
	}
	return strconv.Itoa(n)
}

// chineseNumber writes 1…99 in Chinese numerals (一, 十, 十一, 二十三); larger numbers in digits.
func chineseNumber(n int) string {
	digits := []string{"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n >= 1 && n < 10:
		return digits[n]
	case n >= 10 && n < 100:
		s := ""
		if n >= 20 {
			s = digits[n/10]
		}
		s += "十"
		if n%10 != 0 {
			s += digits[n%10]
		}
		return s
	}
	return strconv.Itoa(n)
}

// renderRuns appends the runs to el, consecutive runs of the same formatting in one element.
func (d *docx) renderRuns(el *html.Node, runs []docxRun) {
	for i := 0; i < len(runs); {
		r := runs[i]
		if r.br {
			el.AppendChild(element(atom.Br))
			i++
			continue
		}
		var text strings.Builder
		j := i
		for ; j < len(runs) && !runs[j].br && runs[j].bold == r.bold && runs[j].italic == r.italic && runs[j].under == r.under && runs[j].href == r.href; j++ {
			text.WriteString(runs[j].text)
		}
		i = j
		n := &html.Node{Type: html.TextNode, Data: text.String()}
		for _, f := range []struct {
			on bool
			a  atom.Atom
		}{{r.under, atom.U}, {r.italic, atom.Em}, {r.bold, atom.Strong}} {
			if f.on {
				w := element(f.a)
				w.AppendChild(n)
				n = w
			}
		}
		if r.href != "" {
			a := element(atom.A, html.Attribute{Key: "href", Val: r.href})
			a.AppendChild(n)
			n = a
		}
		el.AppendChild(n)
	}
}

// renderTable writes a table with its merged cells: a cell continuing a vertical merge is dropped and the cell that
// started the merge in the same grid column spans one more row.
func (d *docx) renderTable(tb *docxTable, c *cleaner) *html.Node {
	table := element(atom.Table)
	var head, body *html.Node
	above := map[int]*docxCell{} // grid column → the cell that started a vertical merge there
	type placed struct {
		cell *docxCell
		skip bool
	}
	rows := make([][]placed, len(tb.rows))
	for i, row := range tb.rows {
		col := 0
		for _, cell := range row.cells {
			switch cell.vmerge {
			case "continue":
				if start := above[col]; start != nil {
					start.rowspan++
					rows[i] = append(rows[i], placed{cell, true})
					col += cell.span
					continue
				}
			case "restart":
				above[col] = cell
			default:
				delete(above, col)
			}
			rows[i] = append(rows[i], placed{cell, false})
			col += cell.span
		}
	}
	for i, row := range tb.rows {
		header := row.header && body == nil
		var group *html.Node
		if header {
			if head == nil {
				head = element(atom.Thead)
				table.AppendChild(head)
			}
			group = head
		} else {
			if body == nil {
				body = element(atom.Tbody)
				table.AppendChild(body)
			}
			group = body
		}
		tr := element(atom.Tr)
		for _, p := range rows[i] {
			if p.skip {
				continue
			}
			tag := atom.Td
			if header {
				tag = atom.Th
			}
			td := element(tag)
			if p.cell.span > 1 {
				td.Attr = append(td.Attr, html.Attribute{Key: "colspan", Val: strconv.Itoa(p.cell.span)})
			}
			if p.cell.rowspan > 1 {
				td.Attr = append(td.Attr, html.Attribute{Key: "rowspan", Val: strconv.Itoa(p.cell.rowspan)})
			}
			content := c.groupLists(d.render(p.cell.blocks, c))
			if len(content) == 1 && content[0].DataAtom == atom.P {
				content = unwrap(content[0]) // a cell of one paragraph holds its text directly
			}
			for _, n := range content {
				td.AppendChild(n)
			}
			tr.AppendChild(td)
		}
		group.AppendChild(tr)
	}
	return table
}
