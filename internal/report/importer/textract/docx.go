package textract

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"golang.org/x/net/html/charset"
)

// Limits against hostile DOCX files (zip bombs, archives of countless entries).
const (
	// maxDocumentXML is the largest main document part (word/document.xml) read, uncompressed.
	maxDocumentXML = 64 << 20
	// maxZipEntries is the most entries an archive may have; real documents have a few dozen.
	maxZipEntries = 10_000
)

// docxText reads a Word document's main part, word/document.xml (or the part _rels/.rels names, when a producer
// called it otherwise), with archive/zip and encoding/xml:
//
//   - each paragraph (w:p) is a line: its w:t texts joined, w:tab a TAB, w:br and w:cr a line break;
//   - each table row (w:tr) is one line, its cells (w:tc) joined by TAB, a cell's paragraphs joined by a space
//     (TABs and breaks inside a cell are spaces too). A cell spanning N grid columns (w:gridSpan) is followed by
//     N−1 empty fields only when it is empty or a number, as for HTML colspan (see htmlText); a cell continuing a
//     vertical merge (w:vMerge without val="restart") is an empty field. A row that holds a nested table, or has a
//     single cell, is laid out as blocks, so a nested table's rows are lines of their own;
//   - the fallback copy of alternate content (mc:Fallback, which repeats text boxes for old readers), deleted text
//     and field instructions are left out; blank lines are removed.
func docxText(data []byte) (string, error) {
	if n, ok := zipEntryCount(data); ok && n > maxZipEntries {
		return "", fail(ErrCorruptDOCX, fmt.Sprintf("压缩包内有 %d 个文件，超过 %d 个，不像 Word 文档", n, maxZipEntries), nil)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return "", fail(ErrCorruptDOCX, "不是完整的 ZIP 压缩包", fmt.Errorf("textract: read docx: %w", err))
	}
	if len(zr.File) > maxZipEntries {
		return "", fail(ErrCorruptDOCX, fmt.Sprintf("压缩包内文件超过 %d 个，不像 Word 文档", maxZipEntries), nil)
	}
	doc := mainPart(zr)
	if doc == nil {
		return "", fail(ErrBinary, "ZIP 压缩包中没有 Word 正文（word/document.xml）", nil)
	}
	if doc.UncompressedSize64 > maxDocumentXML {
		return "", fail(ErrTooLarge, fmt.Sprintf("Word 正文解压后超过 %d MB", maxDocumentXML>>20), nil)
	}
	rc, err := doc.Open()
	if err != nil {
		return "", fail(ErrCorruptDOCX, "无法解压 Word 正文", fmt.Errorf("textract: open %s: %w", doc.Name, err))
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, maxDocumentXML+1))
	if len(raw) > maxDocumentXML {
		return "", fail(ErrTooLarge, fmt.Sprintf("Word 正文解压后超过 %d MB", maxDocumentXML>>20), nil)
	}
	if err != nil {
		return "", fail(ErrCorruptDOCX, "无法解压 Word 正文", fmt.Errorf("textract: read %s: %w", doc.Name, err))
	}
	body, err := docxBody(raw)
	if err != nil {
		return "", fail(ErrCorruptDOCX, "正文 XML 格式错误", fmt.Errorf("textract: parse %s: %w", doc.Name, err))
	}
	return body, nil
}

// zipEntryCount reads the entry count from a ZIP archive's end-of-central-directory record (ZIP64 too) without
// reading the directory, so an archive of millions of entries is refused before archive/zip allocates for them.
func zipEntryCount(data []byte) (uint64, bool) {
	const eocdLen = 22
	start := max(0, len(data)-eocdLen-0xFFFF)
	i := bytes.LastIndex(data[start:], []byte("PK\x05\x06"))
	if i < 0 || start+i+eocdLen > len(data) {
		return 0, false
	}
	i += start
	n := uint64(binary.LittleEndian.Uint16(data[i+10:]))
	if n != 0xFFFF {
		return n, true
	}
	// ZIP64: the locator just before the record points at the ZIP64 end-of-central-directory record.
	if i < 20 || !bytes.Equal(data[i-20:i-16], []byte("PK\x06\x07")) {
		return 0, false
	}
	off := binary.LittleEndian.Uint64(data[i-20+8:])
	if off > uint64(len(data)) || uint64(len(data))-off < 56 || !bytes.Equal(data[off:off+4], []byte("PK\x06\x06")) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(data[off+32:]), true
}

// mainPart returns word/document.xml, or the main document part that _rels/.rels names when it lies under word/.
func mainPart(zr *zip.Reader) *zip.File {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; !dup {
			files[f.Name] = f
		}
	}
	if f := files["word/document.xml"]; f != nil {
		return f
	}
	rels := files["_rels/.rels"]
	if rels == nil || rels.UncompressedSize64 > 1<<20 {
		return nil
	}
	rc, err := rels.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	var doc struct {
		Rel []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&doc) != nil {
		return nil
	}
	for _, r := range doc.Rel {
		target := strings.TrimPrefix(path.Clean("/"+r.Target), "/")
		if strings.HasSuffix(r.Type, "/officeDocument") && strings.HasPrefix(target, "word/") {
			return files[target]
		}
	}
	return nil
}

// dnode is a node of the small tree docxBody builds: the body, a paragraph, a table, a row or a cell.
type dnode struct {
	kind     byte // 'b'ody, 'p'aragraph, 't'able, 'r'ow, 'c'ell
	text     strings.Builder
	children []*dnode
	span     int  // w:gridSpan of a cell
	cont     bool // the cell continues a vertical merge
}

// docxBody parses WordprocessingML into paragraphs and tables and renders them as lines (see docxText).
func docxBody(raw []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(raw))
	dec.CharsetReader = charset.NewReaderLabel
	root := &dnode{kind: 'b'}
	stack := []*dnode{root}
	top := func() *dnode { return stack[len(stack)-1] }
	// container returns the nearest node paragraphs and tables go into: the body or a cell.
	container := func() *dnode {
		for i := len(stack) - 1; i >= 0; i-- {
			if k := stack[i].kind; k == 'b' || k == 'c' {
				return stack[i]
			}
		}
		return root
	}
	// para returns the paragraph text goes into, opening one when text appears outside any.
	para := func() *dnode {
		if t := top(); t.kind == 'p' {
			return t
		}
		c := container()
		if n := len(c.children); n > 0 && c.children[n-1].kind == 'p' {
			return c.children[n-1]
		}
		p := &dnode{kind: 'p'}
		c.children = append(c.children, p)
		return p
	}
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			inText = false
			switch t.Name.Local {
			case "Fallback", "pPr", "rPr", "sectPr", "tblPr", "tblGrid", "trPr", "instrText", "delText",
				"delInstrText", "footnoteReference", "endnoteReference", "commentReference":
				if err := dec.Skip(); err != nil {
					return "", err
				}
			case "p":
				p := &dnode{kind: 'p'}
				c := container()
				c.children = append(c.children, p)
				stack = append(stack, p)
			case "tbl":
				tb := &dnode{kind: 't'}
				c := container()
				c.children = append(c.children, tb)
				stack = append(stack, tb)
			case "tr":
				if top().kind == 't' {
					r := &dnode{kind: 'r'}
					top().children = append(top().children, r)
					stack = append(stack, r)
				}
			case "tc":
				if top().kind == 'r' {
					c := &dnode{kind: 'c', span: 1}
					top().children = append(top().children, c)
					stack = append(stack, c)
				}
			case "gridSpan":
				if c := top(); c.kind == 'c' {
					if v := attr(t, "val"); v != "" {
						fmt.Sscan(v, &c.span)
					}
				}
			case "vMerge":
				if c := top(); c.kind == 'c' {
					c.cont = attr(t, "val") != "restart"
				}
			case "t":
				inText = true
			case "tab":
				para().text.WriteByte('\t')
			case "br", "cr":
				para().text.WriteByte('\n')
			case "noBreakHyphen":
				para().text.WriteByte('-')
			}
		case xml.EndElement:
			inText = false
			want := byte(0)
			switch t.Name.Local {
			case "p":
				want = 'p'
			case "tbl":
				want = 't'
			case "tr":
				want = 'r'
			case "tc":
				want = 'c'
			}
			if want != 0 && top().kind == want && len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if inText {
				para().text.Write(t)
			}
		}
	}
	var out strings.Builder
	renderBlocks(&out, root, 0)
	return out.String(), nil
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// renderBlocks writes the paragraphs and tables of the body or a cell as lines.
func renderBlocks(out *strings.Builder, n *dnode, depth int) {
	if depth > maxDepth {
		return
	}
	for _, c := range n.children {
		switch c.kind {
		case 'p':
			for line := range strings.SplitSeq(normalizeNewlines(c.text.String()), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					out.WriteString(line)
					out.WriteByte('\n')
				}
			}
		case 't':
			for _, r := range c.children {
				renderRow(out, r, depth+1)
			}
		}
	}
}

// renderRow writes a table row as one TAB-joined line, or as blocks for a layout row (see docxText).
func renderRow(out *strings.Builder, r *dnode, depth int) {
	layout := len(r.children) == 1
	for _, c := range r.children {
		for _, b := range c.children {
			layout = layout || b.kind == 't'
		}
	}
	if layout {
		for _, c := range r.children {
			if !c.cont {
				renderBlocks(out, c, depth+1)
			}
		}
		return
	}
	fields := make([]string, 0, len(r.children))
	for _, c := range r.children {
		var parts []string
		for _, p := range c.children {
			if s := strings.Join(strings.Fields(p.text.String()), " "); s != "" {
				parts = append(parts, s)
			}
		}
		txt := strings.Join(parts, " ")
		if c.cont {
			txt = ""
		}
		fields = append(fields, txt)
		if c.span > 1 && (txt == "" || isFigure(txt)) {
			for k := 1; k < min(c.span, maxSpan); k++ {
				fields = append(fields, "")
			}
		}
	}
	if line := strings.Join(fields, "\t"); strings.TrimSpace(line) != "" {
		out.WriteString(line)
		out.WriteByte('\n')
	}
}
