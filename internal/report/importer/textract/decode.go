package textract

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// decode turns the bytes of a text or HTML file into valid UTF-8 and tells whether the text is HTML.
//
// A byte-order mark decides first, then a UTF-16 pattern of NUL bytes (UTF-16 files saved without a mark); files
// with many control bytes are refused as binary. Valid UTF-8 stays as it is. Otherwise the candidates are an HTML
// page's declared charset, GB18030 and UTF-8 with bad bytes replaced, and the one that leaves the fewest undecodable
// bytes wins, ties going in that order — except that a declared single-byte charset (windows-1252, iso-8859-1 …),
// which decodes anything without error and is the usual mistake of Chinese sites, ranks after GB18030. So a page
// declaring GBK but holding UTF-8, or declaring UTF-8 but holding GBK, or declaring nothing, still decodes right.
func decode(data []byte, ext string) (s, enc string, isHTML bool, err error) {
	if s, enc, ok := decodeBOM(data); ok {
		return s, enc, looksHTML([]byte(s[:min(len(s), 4096)])) || htmlExt(ext) && strings.Contains(s, "<"), nil
	}
	isHTML = looksHTML(data) || htmlExt(ext) && bytes.IndexByte(data, '<') >= 0
	if isBinary(data) {
		return "", "", false, fail(ErrBinary, "", nil)
	}
	if utf8.Valid(data) {
		return string(data), "utf-8", isHTML, nil
	}
	type candidate struct {
		s, enc string
		bad    int
	}
	var cands []candidate
	try := func(e encoding.Encoding, name string) {
		out, err := e.NewDecoder().Bytes(data)
		if err != nil {
			return
		}
		cands = append(cands, candidate{string(out), name, bytes.Count(out, []byte("\uFFFD"))})
	}
	var late encoding.Encoding // a declared single-byte charset, tried after GB18030
	lateName := ""
	if isHTML {
		if e, name := declaredCharset(data); e != nil {
			switch name {
			case "utf-8", "gbk", "gb18030", "utf-16le", "utf-16be", "replacement":
				// UTF-8 and GB18030 are candidates anyway (GB18030 decodes every GBK and GB2312 page); a UTF-16
				// declaration in bytes that are not UTF-16 is wrong by definition.
			case "big5", "euc-jp", "iso-2022-jp", "shift_jis", "euc-kr":
				try(e, name)
			default:
				late, lateName = e, name
			}
		}
	}
	try(simplifiedchinese.GB18030, "gb18030")
	if late != nil {
		try(late, lateName)
	}
	utf := strings.ToValidUTF8(string(data), "\uFFFD")
	cands = append(cands, candidate{utf, "utf-8", strings.Count(utf, "\uFFFD")})
	best := cands[0]
	for _, c := range cands[1:] {
		if c.bad < best.bad {
			best = c
		}
	}
	// Text in any encoding we read decodes almost cleanly; mostly undecodable bytes are binary data.
	if best.bad > 64 && best.bad*20 > utf8.RuneCountInString(best.s) {
		return "", "", false, fail(ErrBinary, "", nil)
	}
	return strings.ToValidUTF8(best.s, "\uFFFD"), best.enc, isHTML, nil
}

// decodeBOM decodes text that starts with a byte-order mark, or UTF-16 without one (see utf16Pattern).
func decodeBOM(data []byte) (string, string, bool) {
	var enc encoding.Encoding
	var name string
	guessed := false
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return strings.ToValidUTF8(string(data[3:]), "\uFFFD"), "utf-8", true
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		enc, name = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
	default:
		switch utf16Pattern(data) {
		case 'l':
			enc, name = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le"
		case 'b':
			enc, name = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be"
		default:
			return "", "", false
		}
		guessed = true
	}
	out, err := enc.NewDecoder().Bytes(data)
	if guessed && (err != nil || controlRunes(out)) {
		return "", "", false // binary data with a UTF-16-like pattern, refused by isBinary later
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), name, true
}

// utf16Pattern returns 'l' or 'b' when the start of data looks like UTF-16LE or UTF-16BE text, else 0. ASCII
// characters (line ends, digits) give away the byte order: in UTF-16LE they are an ASCII byte at an even offset
// followed by a NUL, in UTF-16BE the other way round. Ideographs such as U+4E00 一 and U+5F00 开 look like ASCII of
// the other order, so the pattern must be at least three times as common as its mirror.
func utf16Pattern(data []byte) byte {
	if len(data)%2 != 0 || len(data) < 4 {
		return 0
	}
	head := data[:min(len(data), 8192)]
	ascii := func(c byte) bool { return c >= 0x20 && c < 0x7f || c == '\n' || c == '\r' || c == '\t' }
	var le, be int
	for i := 0; i+1 < len(head); i += 2 {
		switch {
		case head[i+1] == 0 && ascii(head[i]):
			le++
		case head[i] == 0 && ascii(head[i+1]):
			be++
		}
	}
	pairs := len(head) / 2
	switch {
	case le >= 2 && le*100 >= pairs && le >= 3*be:
		return 'l'
	case be >= 2 && be*100 >= pairs && be >= 3*le:
		return 'b'
	}
	return 0
}

// controlRunes reports whether more than a tenth of the first 4,096 characters of UTF-8 text are control
// characters other than TAB, LF, VT, FF, CR and ESC.
func controlRunes(s []byte) bool {
	n, ctl := 0, 0
	for _, r := range string(s[:min(len(s), 16384)]) {
		n++
		if r < 0x20 && r != '\t' && r != '\n' && r != '\v' && r != '\f' && r != '\r' && r != 0x1b || r == 0x7f {
			ctl++
		}
		if n == 4096 {
			break
		}
	}
	return ctl*10 > n
}

// isBinary reports whether more than a tenth of the first 8 KiB are control bytes, which no text encoding we read
// produces (TAB, LF, VT, FF, CR and ESC do not count).
func isBinary(data []byte) bool {
	head := data[:min(len(data), 8192)]
	ctl := 0
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x1b || c == 0x7f {
			ctl++
		}
	}
	return ctl*10 > len(head)
}

// declaredCharset returns the encoding an HTML page declares: by the HTML standard's prescan of its first 1,024
// bytes (golang.org/x/net/html/charset), else — Chinese government pages often put long scripts first — by the
// first "charset=" in its first 8 KiB.
func declaredCharset(data []byte) (encoding.Encoding, string) {
	head := data[:min(len(data), 8192)]
	if e, name, _ := charset.DetermineEncoding(head, ""); name != "windows-1252" && name != "utf-8" {
		return e, name
	}
	lower := bytes.ToLower(head)
	i := bytes.Index(lower, []byte("charset="))
	if i < 0 {
		return nil, ""
	}
	v := bytes.TrimLeft(lower[i+len("charset="):], "\"' ")
	if end := bytes.IndexAny(v, "\"' ;/>\r\n\t"); end >= 0 {
		v = v[:end]
	}
	return charset.Lookup(string(v))
}
