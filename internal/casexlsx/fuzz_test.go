package casexlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// stored rewrites a package with every part uncompressed and without a checksum, so that the fuzzer's mutations
// reach the XML instead of failing in inflate or the CRC check.
func stored(tb testing.TB, data []byte) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		rc, err := e.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.Name, Method: zip.Store,
			CompressedSize64: uint64(len(b)), UncompressedSize64: uint64(len(b))})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(b)
	}
	zw.Close()
	return out.Bytes()
}

func FuzzParse(f *testing.F) {
	head := inline(1, required...)
	for _, seed := range [][]byte{
		templateBytes(f),
		fillTemplate(f, goodRows()...),
		fillTemplate(f, with("收到日期", "2026-02-30", "联系电话", "abc"), with(org...)),
		sheetXML(f, "", head+inline(2, good...), `<mergeCells><mergeCell ref="A2:A3"/></mergeCells>`),
		sheetXML(f, "其他", head+`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><f>1</f><v>46063</v></c></row>`, "", "邮寄"),
	} {
		f.Add(seed)
		f.Add(stored(f, seed))
	}
	f.Add([]byte("收到日期,申请方式\n2026-03-02,邮寄\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, problems, err := Parse(bytes.NewReader(data), checkID, WithToday(today),
			withLimits(func(l *limits) { l.rows = 200; l.unzipBytes = 8 << 20 }))
		switch {
		case err != nil:
			if rows != nil || problems != nil {
				t.Fatalf("error %v with rows %v and problems %v", err, rows, problems)
			}
			if disclosure.ErrorCode(err) != disclosure.EInvalid {
				t.Fatalf("error %v is not a user error", err)
			}
		case rows != nil && problems != nil:
			t.Fatalf("both rows and problems")
		case rows == nil && problems == nil:
			t.Fatalf("neither rows, problems nor an error")
		}
		for _, p := range problems {
			if p.Row < 1 || p.Message == "" {
				t.Fatalf("problem %+v has no row or message", p)
			}
		}
		for _, r := range rows {
			a := r.App
			if err := a.Validate(checkID); err != nil {
				t.Fatalf("row %d does not validate: %v", r.Row, err)
			}
			if (r.Outcome == "") != r.ClosedOn.IsZero() || (r.Outcome != "" && !r.Outcome.Fits(a.Kind)) {
				t.Fatalf("row %d: outcome %q closed %s kind %s", r.Row, r.Outcome, r.ClosedOn, a.Kind)
			}
			if a.ReceivedOn.After(today) || a.ReceivedOn.Before(firstDay) || (!r.ClosedOn.IsZero() && r.ClosedOn.Before(a.ReceivedOn)) {
				t.Fatalf("row %d: dates %s %s", r.Row, a.ReceivedOn, r.ClosedOn)
			}
		}
	})
}

// benchFile is a filled template of n rows of every sort: people and organisations, open and closed cases.
func benchFile(tb testing.TB, n int) []byte {
	tb.Helper()
	rows := make([]row, n)
	g := goodRows()
	for i := range rows {
		r := row{}
		for k, v := range g[i%len(g)] {
			r[k] = v
		}
		r["申请人姓名或名称"] = fmt.Sprintf("申请人%d", i)
		r["所需信息描述"] = fmt.Sprintf("请公开第 %d 号文件及其附件、起草说明和征求意见情况。", i)
		rows[i] = r
	}
	return fillTemplate(tb, rows...)
}

func BenchmarkParse5000(b *testing.B) {
	data := benchFile(b, 5000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		rows, problems, err := Parse(bytes.NewReader(data), checkID, WithToday(today))
		if err != nil || problems != nil || len(rows) != 5000 {
			b.Fatalf("err %v, %d problems, %d rows", err, len(problems), len(rows))
		}
	}
}
