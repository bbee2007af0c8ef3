// Package textract turns a published report file — plain text, HTML in any common Chinese encoding, DOCX or PDF —
// into UTF-8 text for the importer. Table rows of HTML, DOCX and PDF sources come out as one line each with their
// cells joined by TABs, blank cells kept as empty fields, so the importer can tell a blank cell from a missing one.
package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Kind is the kind of file the text came from.
type Kind string

const (
	// Plain is plain text.
	Plain Kind = "text"
	// HTML is a web page.
	HTML Kind = "html"
	// DOCX is a Word document.
	DOCX Kind = "docx"
	// PDF is a PDF document.
	PDF Kind = "pdf"
)

// Text is a file's text.
type Text struct {
	// Body is the text, UTF-8, lines separated by "\n".
	Body string
	// Kind is what the file was.
	Kind Kind
	// Encoding is the character encoding the bytes were decoded from ("utf-8", "gb18030", "utf-16le", …).
	Encoding string
}

// MaxSize is the largest file Extract accepts.
const MaxSize = 100 << 20

// Errors with messages meant for the user.
var (
	ErrEmpty     = errors.New("文件为空")
	ErrTooLarge  = fmt.Errorf("文件过大（超过 %d MB）", MaxSize>>20)
	ErrBinary    = errors.New("不是可识别的文本、HTML、DOCX 或 PDF 文件")
	ErrNoPDFTool = errors.New("读取 PDF 需要 poppler-utils（pdftotext）：请先安装 apt-get install poppler-utils")
)

// Extract returns the text of a published report file. name is only a hint (its extension); the content decides.
func Extract(ctx context.Context, name string, data []byte) (Text, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Text{}, ErrEmpty
	}
	if len(data) > MaxSize {
		return Text{}, ErrTooLarge
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		body, err := pdfText(ctx, data)
		return Text{Body: body, Kind: PDF, Encoding: "utf-8"}, err
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		body, err := docxText(data)
		return Text{Body: body, Kind: DOCX, Encoding: "utf-8"}, err
	}
	s, enc, err := decode(data)
	if err != nil {
		return Text{}, err
	}
	if looksHTML(s) || (ext == ".html" || ext == ".htm" || ext == ".shtml" || ext == ".xhtml") && strings.Contains(s, "<") {
		body, err := htmlText(s)
		return Text{Body: body, Kind: HTML, Encoding: enc}, err
	}
	return Text{Body: normalizeNewlines(s), Kind: Plain, Encoding: enc}, nil
}

// decode turns bytes into UTF-8: a BOM decides; else valid UTF-8 stays; else an HTML charset declaration of a
// Chinese encoding, or GB18030 (a superset of GBK and GB2312). Binary data is refused.
func decode(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return strings.ToValidUTF8(string(data[3:]), "\uFFFD"), "utf-8", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		s, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		return strings.ToValidUTF8(string(s), "\uFFFD"), "utf-16le", err
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		s, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		return strings.ToValidUTF8(string(s), "\uFFFD"), "utf-16be", err
	}
	if isBinary(data) {
		return "", "", ErrBinary
	}
	if utf8.Valid(data) {
		return string(data), "utf-8", nil
	}
	// A page that declares a non-GB encoding (Big5 on Taiwan and Hong Kong mirrors) is decoded as it says.
	if name := declaredCharset(data); name != "" {
		if enc, canonical := charset.Lookup(name); enc != nil && !strings.HasPrefix(canonical, "gb") && canonical != "utf-8" {
			if s, err := enc.NewDecoder().Bytes(data); err == nil {
				return strings.ToValidUTF8(string(s), "\uFFFD"), canonical, nil
			}
		}
	}
	// Every GBK/GB2312 page decodes as GB18030; a page declaring UTF-8 but holding GBK bytes is common too.
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return strings.ToValidUTF8(string(data), "\uFFFD"), "utf-8", nil
	}
	return strings.ToValidUTF8(string(s), "\uFFFD"), "gb18030", nil
}

// declaredCharset returns the charset an HTML page declares in its first 4 KB, or "".
func declaredCharset(data []byte) string {
	head := strings.ToLower(string(data[:min(len(data), 4096)]))
	i := strings.Index(head, "charset=")
	if i < 0 {
		return ""
	}
	v := strings.TrimLeft(head[i+len("charset="):], "\"' ")
	end := strings.IndexAny(v, "\"' ;/>")
	if end < 0 {
		end = len(v)
	}
	return v[:end]
}

// isBinary reports whether the start of data holds many control bytes (not text in any encoding we read).
func isBinary(data []byte) bool {
	head := data[:min(len(data), 8192)]
	ctl := 0
	for _, c := range head {
		if c == 0 {
			return true
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b {
			ctl++
		}
	}
	return ctl*10 > len(head)
}

func looksHTML(s string) bool {
	head := strings.ToLower(strings.TrimSpace(s[:min(len(s), 4096)]))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<meta", "<table", "<div", "<p>", "<p ", "<?xml"} {
		if strings.HasPrefix(head, p) {
			return true
		}
	}
	return strings.Contains(head, "<html") || strings.Contains(head, "<body") || strings.Contains(head, "<table")
}

func normalizeNewlines(s string) string {
	if !strings.ContainsAny(s, "\r\f") {
		return s
	}
	return strings.NewReplacer("\r\n", "\n", "\r", "\n", "\f", "\n").Replace(s)
}
