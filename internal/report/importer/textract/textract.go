// Package textract turns a published report file — plain text, HTML in any common Chinese encoding, DOCX or PDF —
// into UTF-8 text for the importer.
//
// Tables keep their rows: each row of an HTML, DOCX or PDF table comes out as one line with its cells joined by
// TABs, and a blank HTML or DOCX cell is an empty field, so the importer can tell a blank cell from a missing one
// ("四、结转下年度继续办理\t0\t\t0\t0\t0\t0\t0"). Each cell is written once: a cell spanning N columns (colspan,
// w:gridSpan) is followed by N−1 empty fields only when it is empty or a number, so figures keep their columns
// while a label spanning columns is written once (the importer matches labels, then reads the numbers after
// them); rows covered by a rowspan simply have fewer fields, and a DOCX cell continuing a vertical merge is an
// empty field. A row holding a nested table, or with a single cell, is laid out as paragraphs instead, because
// pages laid out with tables put whole articles in one cell; the nested table's rows become lines of their own.
// In PDF text, read with pdftotext -layout, runs of two or more spaces between text become one TAB, so a blank
// PDF cell is not an empty field.
//
// The content decides what a file is; its name is only a hint. Every error about the file itself is an *Error
// whose message is simplified Chinese and can be shown to the user as it is. Traditional characters are left as
// they are: folding them is hanzi.Simplify's job.
package textract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Kind is the kind of file the text came from.
type Kind string

// The kinds of file Extract reads.
const (
	// Plain is plain text.
	Plain Kind = "text"
	// HTML is a web page.
	HTML Kind = "html"
	// DOCX is a Word document (Office Open XML).
	DOCX Kind = "docx"
	// PDF is a PDF document, read with pdftotext.
	PDF Kind = "pdf"
)

// Text is a file's text.
type Text struct {
	// Body is the text: valid UTF-8, lines separated by "\n". For HTML, DOCX and PDF every line ends with "\n" and
	// none is blank; plain text keeps its lines as they were, only with "\r\n", "\r" and "\f" turned into "\n".
	Body string
	// Kind is what the file was.
	Kind Kind
	// Encoding is the character encoding the bytes were decoded from: "utf-8", "gb18030" (also for GBK and
	// GB2312), "utf-16le", "utf-16be", or what an HTML page declared when that decoded it better ("big5", …).
	// DOCX and PDF text is always "utf-8".
	Encoding string
}

// MaxSize is the largest file Extract accepts, in bytes.
const MaxSize = 100 << 20

// The kinds of error Extract returns, to be matched with errors.Is. Each is wrapped in an *Error.
var (
	// ErrEmpty means the file has nothing but white space.
	ErrEmpty = errors.New("文件为空")
	// ErrTooLarge means the file, or the text packed inside a DOCX, is over the size limit.
	ErrTooLarge = errors.New("文件过大")
	// ErrBinary means the file is none of plain text, HTML, DOCX or PDF.
	ErrBinary = errors.New("不是可识别的文本、HTML、DOCX 或 PDF 文件")
	// ErrCorruptDOCX means the file is a ZIP archive that cannot be read as a Word document.
	ErrCorruptDOCX = errors.New("DOCX 文件已损坏")
	// ErrNoPDFTool means pdftotext, which reads PDF files, is not installed.
	ErrNoPDFTool = errors.New("读取 PDF 需要 poppler-utils（pdftotext）：请先安装 apt-get install poppler-utils")
	// ErrPDF means pdftotext could not read the PDF file or found no text in it.
	ErrPDF = errors.New("PDF 文件无法读取")
	// ErrInternal means reading the file hit a bug in this package; the cause is wrapped for the log.
	ErrInternal = errors.New("读取文件时出现内部错误")
)

// Error is an error about the file being read. Its message, Kind's text followed by "：" and Detail when there is
// one, is simplified Chinese meant for the user. errors.Is matches Kind; the technical cause, if any, is Err and
// is reached by errors.Unwrap and errors.As but is not part of the message.
type Error struct {
	// Kind is one of the Err* values of this package.
	Kind error
	// Detail says more, in Chinese; it may be empty.
	Detail string
	// Err is the underlying cause, for logs; it may be nil.
	Err error
}

// Error returns the Chinese message.
func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Kind.Error()
	}
	return e.Kind.Error() + "：" + e.Detail
}

// Unwrap returns Kind and, when set, Err.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

func fail(kind error, detail string, cause error) error {
	return &Error{Kind: kind, Detail: detail, Err: cause}
}

// Extract returns the text of a published report file as UTF-8 with "\n" line ends. name is used only as a hint
// (its extension); the content decides:
//
//   - "%PDF-" at the start is a PDF, read with Debian's pdftotext (see pdfText for the layout rules);
//   - a ZIP archive holding word/document.xml is a DOCX (see docxText);
//   - text starting, after white space and any byte-order mark, with an HTML tag (<!DOCTYPE, <html, <table, <p,
//     <div …) is HTML, and so is text with a .htm/.html/.shtml/.xhtml name that holds a "<" (see htmlText);
//   - any other text is plain text.
//
// Text is decoded by its byte-order mark (UTF-8, UTF-16LE/BE); else valid UTF-8 stays as it is; else an HTML page's
// declared charset is used when it decodes the bytes cleanly; else GB18030 (a superset of GBK and GB2312). Bytes
// that still do not decode become U+FFFD: the Body is always valid UTF-8. Extract never panics; its errors are
// *Error values (ErrEmpty, ErrTooLarge, ErrBinary, ErrCorruptDOCX, ErrNoPDFTool, ErrPDF), except ctx's own error
// when ctx ends while pdftotext runs.
func Extract(ctx context.Context, name string, data []byte) (txt Text, err error) {
	defer func() {
		if r := recover(); r != nil {
			txt, err = Text{}, fail(ErrInternal, "", fmt.Errorf("textract: panic reading %q: %v", name, r))
		}
	}()
	if len(data) > MaxSize {
		return Text{}, fail(ErrTooLarge, fmt.Sprintf("超过 %d MB", MaxSize>>20), nil)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Text{}, fail(ErrEmpty, "", nil)
	}
	if err := ctx.Err(); err != nil {
		return Text{}, fmt.Errorf("textract: %w", err)
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")) || ext == ".pdf" && bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-")):
		body, err := pdfText(ctx, data)
		if err != nil {
			return Text{}, err
		}
		return Text{Body: body, Kind: PDF, Encoding: "utf-8"}, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		body, err := docxText(data)
		if err != nil {
			return Text{}, err
		}
		return Text{Body: body, Kind: DOCX, Encoding: "utf-8"}, nil
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return Text{}, fail(ErrBinary, "这是旧版 Office 文件（.doc/.xls），请用 Word 另存为 DOCX 后再导入", nil)
	}
	s, enc, isHTML, err := decode(data, ext)
	if err != nil {
		return Text{}, err
	}
	if isHTML {
		return Text{Body: htmlText(s), Kind: HTML, Encoding: enc}, nil
	}
	if strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), `{\rtf`) {
		return Text{}, fail(ErrBinary, "这是 RTF 文件，请用 Word 另存为 DOCX 后再导入", nil)
	}
	return Text{Body: normalizeNewlines(s), Kind: Plain, Encoding: enc}, nil
}

// htmlExt reports whether a file name extension names a web page.
func htmlExt(ext string) bool {
	switch ext {
	case ".htm", ".html", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php":
		return true
	}
	return false
}

// htmlStarts are the openings that make text HTML, compared case-insensitively after white space.
var htmlStarts = []string{
	"<!doctype html", "<html", "<head", "<body", "<meta", "<title", "<table", "<div", "<p>", "<p ", "<span",
	"<font", "<center", "<h1", "<h2", "<h3", "<br", "<style", "<script", "<link", "<?xml", "<!--",
}

// looksHTML reports whether text starts like a web page, or names <html>, <body> or <table> within its first
// 4 KB (pages saved with a junk line or a server banner before the markup). It works on undecoded bytes of any
// ASCII-compatible encoding.
func looksHTML(s []byte) bool {
	head := bytes.ToLower(bytes.TrimLeft(s[:min(len(s), 4096)], " \t\r\n\f\v\x00"))
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for _, p := range htmlStarts {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<body")) || bytes.Contains(head, []byte("<table"))
}

func normalizeNewlines(s string) string {
	if !strings.ContainsAny(s, "\r\f") {
		return s
	}
	return strings.NewReplacer("\r\n", "\n", "\r", "\n", "\f", "\n").Replace(s)
}
