package casexlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/workday"
)

// today is the date the tests take for today.
var today = workday.NewDate(2026, 3, 2)

// checkID stands in for internal/identity: a resident ID needs 18 characters and the GB 11643 check character;
// other documents need 3 to 30 letters or digits. It returns the number upper case.
func checkID(docType, number string) (string, error) {
	n := strings.ToUpper(strings.TrimSpace(number))
	switch docType {
	case "resident_id":
		if len(n) != 18 {
			return "", errors.New("居民身份证号码应为 18 位")
		}
		weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
		sum := 0
		for i, w := range weights {
			if n[i] < '0' || n[i] > '9' {
				return "", errors.New("居民身份证号码前 17 位应为数字")
			}
			sum += int(n[i]-'0') * w
		}
		if n[17] != "10X98765432"[sum%11] {
			return "", errors.New("居民身份证号码校验位不正确，请核对")
		}
	case "passport", "hk_macau_permit", "taiwan_permit", "foreign_permanent", "hmt_residence", "other":
		if len(n) < 3 || len(n) > 30 {
			return "", errors.New("证件号码应为 3—30 位字母或数字")
		}
	default:
		return "", errors.New("未知的证件类型")
	}
	return n, nil
}

func parse(tb testing.TB, data []byte, opts ...Option) ([]Imported, []Problem, error) {
	tb.Helper()
	return Parse(bytes.NewReader(data), checkID, append([]Option{WithToday(today)}, opts...)...)
}

// withLimits changes the reader's limits, so that tests need not build files of hundreds of megabytes.
func withLimits(fn func(*limits)) Option { return func(o *options) { fn(&o.lim) } }

func templateBytes(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := Template(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func open(tb testing.TB, data []byte) *excelize.File {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func save(tb testing.TB, f *excelize.File) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// date is an Excel date value, as Excel stores a typed date.
func date(y, m, d int) float64 { return excelSerial(workday.NewDate(y, time.Month(m), d)) }

// formula is a cell holding a formula without a saved result.
type formula string

// row is one row to write, by column header (without "*"); a value is a string (text), a float64 (a number, such
// as a date), or a formula.
type row map[string]any

// fillTemplate writes rows into a fresh template from row 3 on, leaving the example in row 2.
func fillTemplate(tb testing.TB, rows ...row) []byte {
	tb.Helper()
	f := open(tb, templateBytes(tb))
	writeRows(tb, f, SheetName, 3, rows...)
	return save(tb, f)
}

// writeRows writes rows into the sheet from row first on, finding each column by its header in row 1.
func writeRows(tb testing.TB, f *excelize.File, sheet string, first int, rows ...row) {
	tb.Helper()
	header, err := f.GetRows(sheet)
	if err != nil || len(header) == 0 {
		tb.Fatalf("no header in %s: %v", sheet, err)
	}
	cols := map[string]int{}
	for i, h := range header[0] {
		cols[strings.TrimSuffix(h, "*")] = i + 1
	}
	for n, r := range rows {
		for h, v := range r {
			c, ok := cols[h]
			if !ok {
				tb.Fatalf("no column %q", h)
			}
			at := cellName(c, first+n)
			switch v := v.(type) {
			case string:
				err = f.SetCellStr(sheet, at, v)
			case float64:
				err = f.SetCellFloat(sheet, at, v, -1, 64)
			case formula:
				err = f.SetCellFormula(sheet, at, string(v))
			default:
				tb.Fatalf("value %T", v)
			}
			if err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// rewritePart returns the package with one part's content replaced.
func rewritePart(tb testing.TB, data []byte, name string, fn func(string) string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if e.Name == name {
			b, found = []byte(fn(string(b))), true
		}
		w, err := zw.Create(e.Name)
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(b)
	}
	if !found {
		tb.Fatalf("no part %s", name)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// sheetXML builds a workbook whose first sheet ("申请" unless named) has the given sheetData rows and extra
// worksheet content, and whose shared string table holds sst.
func sheetXML(tb testing.TB, name string, rows, extra string, sst ...string) []byte {
	tb.Helper()
	if name == "" {
		name = SheetName
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		tb.Fatal(err)
	}
	if err := f.SetCellStr(name, "A1", "x"); err != nil {
		tb.Fatal(err)
	}
	data := save(tb, f)
	data = rewritePart(tb, data, "xl/worksheets/sheet1.xml", func(string) string {
		return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheetData>` + rows + `</sheetData>` + extra + `</worksheet>`
	})
	return rewritePart(tb, data, "xl/sharedStrings.xml", func(string) string {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		for _, s := range sst {
			b.WriteString("<si><t>" + s + "</t></si>")
		}
		b.WriteString("</sst>")
		return b.String()
	})
}
