package casexlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// The reader below reads a workbook's cell values with archive/zip and encoding/xml rather than with excelize,
// because excelize is not bounded against hostile files: it copies a shared string afresh for every cell that
// refers to it (a 20 KB file of 100,000 references to one 30,000-character string took 2 s, and the cost grows
// with the file), and loading a whole sheet (GetMergeCells, GetCellType) fills every row up to its last column,
// so that one cell in column XFD per row costs 16,384 cells. Reading values is a small job — shared strings, the
// rows of one sheet, its merged ranges — and here every part of it is bounded: the bytes decompressed, the rows
// kept, the columns, the characters per cell and the merged ranges. excelize still writes every workbook.

// limits bound the work a file can cause.
type limits struct {
	fileBytes  int64 // the upload
	unzipBytes int64 // every part read, decompressed
	rows       int   // data rows
	cellChars  int   // characters in one cell
	cols       int   // columns read; any further right are ignored
	merges     int   // merged ranges
	strings    int   // entries of the shared string table
}

var defaultLimits = limits{
	fileBytes: 20 << 20, unzipBytes: 128 << 20, rows: 10000, cellChars: 4000, cols: 256, merges: 10000,
	strings: 1 << 20,
}

// headerSearch is how many rows with content may come before the header row (a title, a note).
const headerSearch = 10

// maxDepth bounds the nesting of XML elements; worksheets need six levels.
const maxDepth = 64

// cell is one cell's value as the file holds it.
type cell struct {
	text string
	// numeric says the cell holds a number, which is how Excel stores dates.
	numeric bool
	// formula says the value is the cached result of a formula ("" when none was saved).
	formula bool
	// long says the text has more than limits.cellChars characters (and may have been cut).
	long bool
}

// sheetRow is a row with content, with its row number as Excel shows it.
type sheetRow struct {
	num   int
	cells []cell // by column, 0-based
}

// span is a merged range, 1-based and inclusive.
type span struct{ c1, r1, c2, r2 int }

// sheet is what Parse needs of the chosen worksheet besides its rows, which go to the reader's callback.
type sheet struct {
	name     string
	merges   []span
	date1904 bool
}

// File-level errors, in Chinese, saying what to do.
var (
	errNotXLSX = disclosure.Errorf(disclosure.EInvalid,
		"无法读取文件：这不是 Excel 工作簿（.xlsx）。如果是 .xls、.csv、.et 等格式，请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后重新导入")
	errOLE = disclosure.Errorf(disclosure.EInvalid,
		"这是旧版 Excel（.xls）文件或设置了打开密码的工作簿，无法读取：请在 Excel 或 WPS 中另存为不设密码的 Excel 工作簿（.xlsx）后重新导入")
	errMerges = disclosure.Errorf(disclosure.EInvalid,
		"工作表中的合并单元格过多或相互重叠：请选中全部单元格，取消合并后重新导入")
	errNoSheet = disclosure.Errorf(disclosure.EInvalid, "工作簿中没有工作表：请使用导入模板填写后重新导入")
)

// errUnzip is returned when the parts read decompress to more than the limit.
var errUnzip = errors.New("casexlsx: decompressed size over the limit")

func unzipError(lim limits) error {
	return disclosure.Errorf(disclosure.EInvalid,
		"文件解压后超过 %d MB，内容过多或文件异常：请只保留要导入的工作表，或分成几个文件分批导入", lim.unzipBytes>>20)
}

func errCorrupt(what string) error {
	return disclosure.Errorf(disclosure.EInvalid,
		"文件已损坏，无法读取（%s）：请在 Excel 或 WPS 中打开文件，另存为 Excel 工作簿（.xlsx）后重新导入", what)
}

// pkg is an opened workbook package.
type pkg struct {
	files  map[string]*zip.File // by lower-case name
	budget int64                // decompressed bytes still allowed
	lim    limits
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// readSheet reads the sheet named want from the workbook in data, or its first sheet when there is none of that
// name. It calls onRow with each row that has content, in order; the row's cells are reused afterwards, so onRow
// copies what it keeps, and it returns errStop to stop reading. The sheet's name and 1904 flag are set before the
// first call.
func readSheet(data []byte, want string, lim limits, sh *sheet, onRow func(sheetRow) error) error {
	if bytes.HasPrefix(data, oleMagic) {
		return errOLE
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return errNotXLSX
	}
	p := &pkg{files: map[string]*zip.File{}, budget: lim.unzipBytes, lim: lim}
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))
		if _, dup := p.files[name]; !dup {
			p.files[name] = f
		}
	}
	wbPath := p.officeDocument()
	if p.files[strings.ToLower(wbPath)] == nil {
		return errNotXLSX
	}
	wb, err := p.workbook(wbPath)
	if err != nil {
		return err
	}
	if len(wb.sheets) == 0 {
		return errNoSheet
	}
	chosen := wb.sheets[0]
	for _, s := range wb.sheets {
		if strings.TrimSpace(s.name) == want {
			chosen = s
			break
		}
	}
	rels, err := p.rels(wbPath)
	if err != nil {
		return err
	}
	var sst []sstEntry
	if name := rels.sharedStrings; name != "" && p.files[strings.ToLower(name)] != nil {
		if sst, err = p.sharedStrings(name); err != nil {
			return err
		}
	}
	target, ok := rels.byID[chosen.rid]
	if !ok || p.files[strings.ToLower(target)] == nil {
		return errCorrupt("找不到工作表“" + chosen.name + "”的内容")
	}
	sh.name, sh.date1904 = chosen.name, wb.date1904
	return p.worksheet(target, sst, sh, onRow)
}

// open returns a reader of the part, counting what it decompresses against the budget.
func (p *pkg) open(name string) (io.ReadCloser, error) {
	f := p.files[strings.ToLower(name)]
	if f == nil {
		return nil, errCorrupt("缺少 " + name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errCorrupt(name)
	}
	return &budgetReader{rc: rc, p: p}, nil
}

type budgetReader struct {
	rc io.ReadCloser
	p  *pkg
}

func (b *budgetReader) Read(buf []byte) (int, error) {
	if b.p.budget < 0 {
		return 0, errUnzip
	}
	n, err := b.rc.Read(buf)
	b.p.budget -= int64(n)
	if b.p.budget < 0 {
		return n, errUnzip
	}
	return n, err
}

func (b *budgetReader) Close() error { return b.rc.Close() }

// decode reads the part's XML tokens, calling fn for each; fn returns errStop to end early.
func (p *pkg) decode(name string, fn func(tok xml.Token, stack []string) error) error {
	rc, err := p.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var stack []string
	for {
		// RawToken leaves namespaces untranslated, which is all the reader needs (it compares local names only) and
		// half the work of Token.
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, errUnzip) {
				return unzipError(p.lim)
			}
			return errCorrupt(name)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return errCorrupt(name + " 嵌套过深")
			}
			stack = append(stack, t.Name.Local)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
		if err := fn(tok, stack); err != nil {
			if err == errStop {
				return nil
			}
			return err
		}
	}
}

var errStop = errors.New("stop")

func attr(e xml.StartElement, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// relAttr returns the r:id attribute: "id" with a namespace prefix, whatever the prefix.
func relAttr(e xml.StartElement) string {
	for _, a := range e.Attr {
		if a.Name.Local == "id" && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}

// officeDocument returns the workbook part named by the package relationships, or the usual name.
func (p *pkg) officeDocument() string {
	target := ""
	_ = p.decode("_rels/.rels", func(tok xml.Token, _ []string) error {
		if e, ok := tok.(xml.StartElement); ok && e.Name.Local == "Relationship" {
			typ, _ := attr(e, "Type")
			if strings.HasSuffix(typ, "/officeDocument") {
				target, _ = attr(e, "Target")
				return errStop
			}
		}
		return nil
	})
	if target == "" {
		return "xl/workbook.xml"
	}
	return resolve("", target)
}

// resolve returns the part a relationship's target names, relative to the folder of the part that holds it.
func resolve(dir, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join("/", dir, target)), "/")
}

type wbSheet struct{ name, rid string }

type workbookInfo struct {
	sheets   []wbSheet
	date1904 bool
}

func (p *pkg) workbook(name string) (workbookInfo, error) {
	var wb workbookInfo
	err := p.decode(name, func(tok xml.Token, _ []string) error {
		e, ok := tok.(xml.StartElement)
		if !ok {
			return nil
		}
		switch e.Name.Local {
		case "workbookPr":
			v, _ := attr(e, "date1904")
			wb.date1904 = v == "1" || strings.EqualFold(v, "true")
		case "sheet":
			n, _ := attr(e, "name")
			if len(wb.sheets) < 1000 {
				wb.sheets = append(wb.sheets, wbSheet{name: n, rid: relAttr(e)})
			}
		}
		return nil
	})
	return wb, err
}

type relsInfo struct {
	byID          map[string]string
	sharedStrings string
}

// rels reads the relationships of the workbook part: its sheets and its shared string table.
func (p *pkg) rels(wbPath string) (relsInfo, error) {
	dir, file := path.Split(wbPath)
	r := relsInfo{byID: map[string]string{}}
	name := path.Join(dir, "_rels", file+".rels")
	if p.files[strings.ToLower(name)] == nil {
		return r, errCorrupt("缺少 " + name)
	}
	err := p.decode(name, func(tok xml.Token, _ []string) error {
		e, ok := tok.(xml.StartElement)
		if !ok || e.Name.Local != "Relationship" {
			return nil
		}
		if mode, _ := attr(e, "TargetMode"); strings.EqualFold(mode, "External") {
			return nil
		}
		id, _ := attr(e, "Id")
		typ, _ := attr(e, "Type")
		target, _ := attr(e, "Target")
		t := resolve(dir, target)
		if strings.HasSuffix(typ, "/sharedStrings") {
			r.sharedStrings = t
		}
		if len(r.byID) < 10000 {
			r.byID[id] = t
		}
		return nil
	})
	if r.sharedStrings == "" && p.files[strings.ToLower(path.Join(dir, "sharedStrings.xml"))] != nil {
		r.sharedStrings = path.Join(dir, "sharedStrings.xml")
	}
	return r, err
}

// cellBytes is how many bytes of a cell's text are kept: enough for limits.cellChars characters of any script,
// so that a longer text is still seen to be too long.
func (p *pkg) cellBytes() int { return 4*p.lim.cellChars + 4 }

// sstEntry is one entry of the shared string table. Whether it is too long is found once, here, not for each of
// the cells that refer to it.
type sstEntry struct {
	text string
	long bool
}

// sharedStrings reads the shared string table: the text of each entry, plain or rich, without the phonetic runs.
func (p *pkg) sharedStrings(name string) ([]sstEntry, error) {
	var (
		out  []sstEntry
		b    strings.Builder
		inSI bool
		max  = p.cellBytes()
	)
	err := p.decode(name, func(tok xml.Token, stack []string) error {
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "si" {
				b.Reset()
				inSI = true
			}
		case xml.EndElement:
			if t.Name.Local == "si" && inSI {
				inSI = false
				if len(out) >= p.lim.strings {
					return errCorrupt("共享字符串过多")
				}
				t := unescapeOOXML(b.String())
				out = append(out, sstEntry{text: t, long: tooLong(t, p.lim.cellChars)})
			}
		case xml.CharData:
			if inSI && textOf(stack, "si") {
				appendCapped(&b, t, max)
			}
		}
		return nil
	})
	return out, err
}

// textOf reports whether the innermost element is a <t> of the container (directly, or in a rich text run <r>),
// which excludes the phonetic guide runs <rPh>.
func textOf(stack []string, container string) bool {
	n := len(stack)
	switch {
	case n >= 2 && stack[n-1] == "t" && stack[n-2] == container:
		return true
	case n >= 3 && stack[n-1] == "t" && stack[n-2] == "r" && stack[n-3] == container:
		return true
	}
	return false
}

func appendCapped(b *strings.Builder, data []byte, max int) {
	if room := max - b.Len(); room > 0 {
		b.Write(data[:min(len(data), room)])
	}
}

// worksheet reads the rows with content and the merged ranges of the sheet part.
func (p *pkg) worksheet(name string, sst []sstEntry, sh *sheet, onRow func(sheetRow) error) error {
	var (
		inRow, inCell   bool
		rowNum, lastRow int
		colNum          int
		cells           []cell
		typ             string
		formula         bool
		v, is           strings.Builder
		max             = p.cellBytes()
	)
	return p.decode(name, func(tok xml.Token, stack []string) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				inRow, cells, colNum = true, cells[:0], 0
				rowNum = lastRow + 1
				if r, ok := attr(t, "r"); ok {
					n, err := strconv.Atoi(strings.TrimSpace(r))
					if err != nil {
						return errCorrupt("行号“" + truncateASCII(r) + "”无效")
					}
					rowNum = n
				}
				if rowNum < 1 || rowNum > 1048576 || rowNum <= lastRow {
					return errCorrupt("行号重复或顺序错误")
				}
				lastRow = rowNum
			case "c":
				if !inRow {
					return nil
				}
				inCell, typ, formula = true, "", false
				v.Reset()
				is.Reset()
				colNum++
				if r, ok := attr(t, "r"); ok {
					c, ok := refColumn(r)
					if !ok {
						return errCorrupt("单元格位置“" + truncateASCII(r) + "”无效")
					}
					colNum = c
				}
				typ, _ = attr(t, "t")
			case "f":
				if inCell {
					formula = true
				}
			case "mergeCell":
				ref, _ := attr(t, "ref")
				s, ok := parseSpan(ref)
				if !ok {
					return nil
				}
				if len(sh.merges) >= p.lim.merges {
					return errMerges
				}
				sh.merges = append(sh.merges, s)
			}
		case xml.CharData:
			if !inCell {
				return nil
			}
			n := len(stack)
			switch {
			case n >= 2 && stack[n-1] == "v" && stack[n-2] == "c":
				appendCapped(&v, t, max)
			case textOf(stack, "is"):
				appendCapped(&is, t, max)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				if !inCell {
					return nil
				}
				inCell = false
				if colNum > p.lim.cols {
					return nil
				}
				c, err := cellValue(typ, v.String(), is.String(), formula, sst, p.lim.cellChars)
				if err != nil {
					return err
				}
				if c.text == "" && !c.formula {
					return nil
				}
				for len(cells) < colNum {
					cells = append(cells, cell{})
				}
				cells[colNum-1] = c
			case "row":
				if !inRow {
					return nil
				}
				inRow = false
				if len(cells) == 0 {
					return nil
				}
				return onRow(sheetRow{num: rowNum, cells: cells})
			}
		}
		return nil
	})
}

// cellValue returns a cell's value from its type, its <v> and its inline string.
func cellValue(typ, v, is string, formula bool, sst []sstEntry, maxChars int) (cell, error) {
	c := cell{formula: formula}
	switch typ {
	case "s":
		if strings.TrimSpace(v) == "" {
			return c, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(sst) {
			return c, errCorrupt("共享字符串编号“" + truncateASCII(v) + "”无效")
		}
		c.text, c.long = sst[i].text, sst[i].long
		return c, nil
	case "inlineStr":
		c.text = unescapeOOXML(is)
	case "str":
		c.text = unescapeOOXML(v)
	case "b":
		switch strings.TrimSpace(v) {
		case "1", "true":
			c.text = "TRUE"
		case "0", "false":
			c.text = "FALSE"
		}
	case "", "n":
		c.text = strings.TrimSpace(v)
		c.numeric = c.text != ""
	default: // "e" (an error such as #N/A), "d" (an ISO 8601 date)
		c.text = v
	}
	c.long = tooLong(c.text, maxChars)
	return c, nil
}

// refColumn returns the column of a cell reference such as "AB12" (or "$AB$12").
func refColumn(ref string) (int, bool) {
	c, _, ok := parseRef(ref)
	return c, ok
}

// parseRef reads a cell reference into its 1-based column and row.
func parseRef(ref string) (col, row int, ok bool) {
	ref = strings.ReplaceAll(strings.TrimSpace(ref), "$", "")
	i := 0
	for i < len(ref) && i < 4 {
		ch := ref[i] | 0x20
		if ch < 'a' || ch > 'z' {
			break
		}
		col = col*26 + int(ch-'a'+1)
		i++
	}
	if i == 0 || i > 3 || col > 16384 {
		return 0, 0, false
	}
	digits := ref[i:]
	if digits == "" || len(digits) > 7 {
		return 0, 0, false
	}
	for j := 0; j < len(digits); j++ {
		if digits[j] < '0' || digits[j] > '9' {
			return 0, 0, false
		}
		row = row*10 + int(digits[j]-'0')
	}
	if row < 1 || row > 1048576 {
		return 0, 0, false
	}
	return col, row, true
}

// parseSpan reads a range reference "A2:A5".
func parseSpan(ref string) (span, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return span{}, false
	}
	c1, r1, ok1 := parseRef(a)
	c2, r2, ok2 := parseRef(b)
	if !ok1 || !ok2 {
		return span{}, false
	}
	return span{min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)}, true
}

// truncateASCII shortens a value quoted from a damaged file.
func truncateASCII(s string) string {
	if len(s) > 20 {
		s = s[:20]
	}
	return strings.ToValidUTF8(s, "")
}
