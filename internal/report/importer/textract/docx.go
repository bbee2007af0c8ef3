package textract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits against hostile DOCX files (zip bombs, huge archives).
const (
	maxDocumentXML = 64 << 20
	maxZipEntries  = 10_000
)

// docxText reads word/document.xml: paragraphs become lines, table rows become TAB-joined lines.
func docxText(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("DOCX 文件已损坏：%v", err)
	}
	if len(zr.File) > maxZipEntries {
		return "", errors.New("DOCX 文件已损坏：压缩包内文件过多")
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
		}
	}
	if doc == nil {
		return "", errors.New("不是 Word 文档（DOCX）：缺少 word/document.xml")
	}
	if doc.UncompressedSize64 > maxDocumentXML {
		return "", errors.New("DOCX 文件过大：正文超过 64 MB")
	}
	rc, err := doc.Open()
	if err != nil {
		return "", fmt.Errorf("DOCX 文件已损坏：%v", err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, maxDocumentXML+1))
	if err != nil {
		return "", fmt.Errorf("DOCX 文件已损坏：%v", err)
	}
	if len(raw) > maxDocumentXML {
		return "", errors.New("DOCX 文件过大：正文超过 64 MB")
	}
	return docxBody(raw)
}

// docxBody walks WordprocessingML as a token stream.
func docxBody(raw []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(raw))
	var out strings.Builder
	var para strings.Builder // the current paragraph's text
	var cells []string       // the current row's cells
	var cell strings.Builder // the current cell's text
	tblDepth, inCell, vmergeCont, span := 0, false, false, 1
	endPara := func() {
		t := strings.TrimSpace(para.String())
		para.Reset()
		if inCell {
			if t != "" {
				if cell.Len() > 0 {
					cell.WriteByte(' ')
				}
				cell.WriteString(t)
			}
			return
		}
		if t != "" {
			out.WriteString(t)
			out.WriteByte('\n')
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("DOCX 文件已损坏：%v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "tbl":
				tblDepth++
			case "tr":
				if tblDepth == 1 {
					cells = cells[:0]
				}
			case "tc":
				if tblDepth == 1 {
					inCell, vmergeCont, span = true, false, 1
					cell.Reset()
				}
			case "vMerge":
				if inCell {
					vmergeCont = true
					for _, a := range t.Attr {
						if a.Name.Local == "val" && a.Value == "restart" {
							vmergeCont = false
						}
					}
				}
			case "gridSpan":
				for _, a := range t.Attr {
					if a.Name.Local == "val" {
						fmt.Sscanf(a.Value, "%d", &span)
					}
				}
			case "tab":
				para.WriteByte(' ')
			case "br", "cr":
				if inCell {
					para.WriteByte(' ')
				} else {
					para.WriteByte('\n')
				}
			case "t":
				var s string
				if err := dec.DecodeElement(&s, &t); err != nil {
					return "", fmt.Errorf("DOCX 文件已损坏：%v", err)
				}
				para.WriteString(s)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "p":
				endPara()
			case "tc":
				if tblDepth == 1 && inCell {
					endPara()
					txt := strings.TrimSpace(cell.String())
					if vmergeCont {
						txt = ""
					}
					cells = append(cells, txt)
					if span > 1 && (txt == "" || isFigure(txt)) {
						for k := 1; k < span && k < 64; k++ {
							cells = append(cells, "")
						}
					}
					inCell = false
				}
			case "tr":
				if tblDepth == 1 {
					if line := strings.Join(cells, "\t"); strings.TrimSpace(line) != "" {
						out.WriteString(line)
						out.WriteByte('\n')
					}
				}
			case "tbl":
				tblDepth--
			}
		}
	}
	return out.String(), nil
}
