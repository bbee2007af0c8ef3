package textract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/gongkai/gongkai/internal/testtool"
)

func extract(t *testing.T, name string, data []byte) Text {
	t.Helper()
	txt, err := Extract(context.Background(), name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !utf8.ValidString(txt.Body) {
		t.Fatalf("%s: invalid UTF-8", name)
	}
	return txt
}

func gbk(s string) []byte {
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s)) // GBK for these characters; GB18030 covers any seed text
	if err != nil {
		panic(err)
	}
	return b
}

const reportTable = `<table>
<tr><td colspan="2" rowspan="2">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>
<tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td>2</td><td></td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>1</td><td colspan="5"></td><td>1</td></tr>
</table>`

func TestHTML(t *testing.T) {
	page := `<!DOCTYPE html><html><head><meta charset="%s"><title>平阴县卫生健康局2024年政府信息公开工作年度报告</title>
<style>.x{color:red}</style><script>var a = "一、总体情况";</script></head>
<body><div class="nav">无障碍阅读 关怀版</div><h1>年度报告</h1><p>一、总体情况</p><p>本年度共公开<b>147</b>条。<br>第二行</p>
<div style="display: none">隐藏的文字</div>` + reportTable + `<p hidden>也隐藏</p></body></html>`
	for _, tc := range []struct {
		name, charset string
		data          []byte
		enc           string
	}{
		{"utf8.html", "utf-8", []byte(fmt.Sprintf(page, "utf-8")), "utf-8"},
		{"gbk.html", "gbk", gbk(fmt.Sprintf(page, "gbk")), "gb18030"},
		{"gb2312-no-meta.htm", "", gbk(strings.Replace(fmt.Sprintf(page, ""), `<meta charset="">`, "", 1)), "gb18030"},
		{"gbk-declared-utf8.html", "utf-8", gbk(fmt.Sprintf(page, "utf-8")), "gb18030"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			txt := extract(t, tc.name, tc.data)
			if txt.Kind != HTML || txt.Encoding != tc.enc {
				t.Errorf("kind/encoding = %s/%s, want html/%s", txt.Kind, txt.Encoding, tc.enc)
			}
			lines := strings.Split(strings.TrimSpace(txt.Body), "\n")
			if lines[0] != "平阴县卫生健康局2024年政府信息公开工作年度报告" {
				t.Errorf("first line = %q, want the <title>", lines[0])
			}
			for _, gone := range []string{"color:red", "var a", "隐藏的文字", "也隐藏"} {
				if strings.Contains(txt.Body, gone) {
					t.Errorf("%q should have been dropped", gone)
				}
			}
			for _, want := range []string{
				"本年度共公开 147 条。", "第二行",
				"一、本年新收政府信息公开申请数量\t2\t\t0\t0\t0\t0\t2",
				"三、本年度办理结果\t（一）予以公开\t1\t\t\t\t\t\t1",
			} {
				if !strings.Contains(txt.Body, want) {
					t.Errorf("missing line %q in:\n%s", want, txt.Body)
				}
			}
		})
	}
}

func TestBig5Page(t *testing.T) {
	b, _ := traditionalchinese.Big5.NewEncoder().Bytes([]byte(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head><body><p>政府資訊公開年度報告</p></body></html>`))
	txt := extract(t, "big5.html", b)
	if !strings.Contains(txt.Body, "政府資訊公開年度報告") || txt.Encoding != "big5" {
		t.Errorf("body/encoding = %q/%s", txt.Body, txt.Encoding)
	}
}

func TestPlainText(t *testing.T) {
	const s = "一、总体情况\r\n本年度共公开147条。\r\n"
	for _, tc := range []struct {
		name string
		data []byte
		enc  string
	}{
		{"utf8", []byte(s), "utf-8"},
		{"utf8-bom", append([]byte{0xEF, 0xBB, 0xBF}, s...), "utf-8"},
		{"gb18030", gbk(s), "gb18030"},
		{"utf16le", func() []byte {
			b, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
			return b
		}(), "utf-16le"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			txt := extract(t, "report.txt", tc.data)
			if txt.Kind != Plain || txt.Encoding != tc.enc {
				t.Errorf("kind/encoding = %s/%s", txt.Kind, txt.Encoding)
			}
			if txt.Body != "一、总体情况\n本年度共公开147条。\n" {
				t.Errorf("body = %q", txt.Body)
			}
		})
	}
}

func TestSeedsArePlainText(t *testing.T) {
	files, _ := filepath.Glob("../../../../../shared/seeds/*.txt")
	if len(files) == 0 {
		t.Skip("seeds not found")
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		txt := extract(t, f, data)
		if txt.Kind != Plain || txt.Body != string(data) {
			t.Errorf("%s: kind %s, body changed", f, txt.Kind)
		}
	}
}

// makeDOCX builds a small Word document: a paragraph and a table with a merged cell.
func makeDOCX(t testing.TB, extra map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	doc := `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">本年度 </w:t></w:r><w:r><w:t>共公开147条。</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>一、本年新收</w:t></w:r></w:p><w:p><w:r><w:t>政府信息公开申请数量</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>三、本年度办理结果</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>（一）予以公开</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p><w:r><w:t>三、本年度办理结果</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>（二）部分公开</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>`
	files := map[string][]byte{"word/document.xml": []byte(doc), "[Content_Types].xml": []byte(`<Types/>`)}
	for k, v := range extra {
		files[k] = v
	}
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	return buf.Bytes()
}

func TestDOCX(t *testing.T) {
	txt := extract(t, "report.docx", makeDOCX(t, nil))
	if txt.Kind != DOCX {
		t.Errorf("kind = %s", txt.Kind)
	}
	want := "一、总体情况\n本年度 共公开147条。\n一、本年新收 政府信息公开申请数量\t2\t\n三、本年度办理结果\t（一）予以公开\t1\t\t\n\t（二）部分公开\t0\n"
	if txt.Body != want {
		t.Errorf("body:\n%q\nwant:\n%q", txt.Body, want)
	}
}

func TestRefusals(t *testing.T) {
	truncated := makeDOCX(t, nil)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty.txt", nil, "文件为空"},
		{"blank.txt", []byte(" \n\t "), "文件为空"},
		{"binary.bin", []byte("\x00\x01\x02\x03PNG\x00\x00\x10"), "不是可识别"},
		{"controls.txt", bytes.Repeat([]byte{0x01, 0x02, 'a'}, 100), "不是可识别"},
		{"truncated.docx", truncated[:len(truncated)/2], "DOCX 文件已损坏"},
		{"no-document.docx", func() []byte {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			w, _ := zw.Create("hello.txt")
			w.Write([]byte("x"))
			zw.Close()
			return b.Bytes()
		}(), "缺少 word/document.xml"},
		{"bad.pdf", []byte("%PDF-1.4\nnot really a pdf\n%%EOF"), "PDF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "bad.pdf" {
				testtool.Require(t, "pdftotext", "poppler-utils")
			}
			_, err := Extract(context.Background(), tc.name, tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Extract(context.Background(), "big.txt", make([]byte, MaxSize+1)); !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrBinary) {
		t.Errorf("oversize: %v", err)
	}
}

// minimalPDF writes a one-page PDF with Helvetica text, offsets computed so the xref table is exact.
func minimalPDF(lines ...string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 720 Td 14 TL\n")
	for _, l := range lines {
		content.WriteString("(" + l + ") Tj T*\n")
	}
	content.WriteString("ET")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestPDF(t *testing.T) {
	testtool.Require(t, "pdftotext", "poppler-utils")
	txt := extract(t, "report.pdf", minimalPDF("Annual report 2024", "Row A         2         0         2"))
	if txt.Kind != PDF {
		t.Errorf("kind = %s", txt.Kind)
	}
	if !strings.Contains(txt.Body, "Annual report 2024") {
		t.Errorf("body = %q", txt.Body)
	}
}

func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("../../../../../shared/seeds/*.txt")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
			f.Add(gbk(string(data)))
		}
	}
	f.Add([]byte("<html><body>" + reportTable + "</body></html>"))
	f.Add(makeDOCX(f, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, []byte("%PDF-")) {
			return // pdftotext is an external program; its robustness is not ours to fuzz
		}
		txt, err := Extract(context.Background(), "fuzz", data)
		if err == nil && !utf8.ValidString(txt.Body) {
			t.Fatal("invalid UTF-8")
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	files, _ := filepath.Glob("../../../../../shared/seeds/004_*.txt")
	if len(files) == 0 {
		b.Skip("seeds not found")
	}
	data, _ := os.ReadFile(files[0])
	page := gbk("<html><head><meta charset=gbk></head><body><p>" + strings.ReplaceAll(string(data), "\n", "</p><p>") + "</p>" + strings.Repeat(reportTable, 20) + "</body></html>")
	for name, in := range map[string][]byte{"text": data, "gbk-html": page, "docx": makeDOCX(b, nil)} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, err := Extract(context.Background(), name, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
