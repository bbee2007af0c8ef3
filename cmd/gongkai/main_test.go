package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/importer"
	"github.com/gongkai/gongkai/internal/testtool"
)

const seeds = "../../../shared/seeds"

// runMain runs the program as the shell would and returns stdout, stderr and the exit code.
func runMain(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	code := exitCode(err, &stderr)
	return stdout.String(), stderr.String(), code
}

func seedPath(t *testing.T, prefix string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(seeds, prefix+"_*.txt"))
	if len(m) != 1 {
		t.Skipf("seed %s not found", prefix)
	}
	return m[0]
}

func TestImportJSON(t *testing.T) {
	out, errOut, code := runMain(t, "report", "import", seedPath(t, "004"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res importer.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not one import result: %v\n%.300s", err, out)
	}
	if res.Report.Agency != "平阴县卫生健康局" || res.Report.Year != 2024 || res.Report.Schema != report.SchemaID {
		t.Errorf("report = %s %d %s", res.Report.Agency, res.Report.Year, res.Report.Schema)
	}
	if res.Findings == nil {
		t.Error("findings should be [] rather than null")
	}
	// Several files: an array, in input order.
	out, _, _ = runMain(t, "report", "import", seedPath(t, "004"), seedPath(t, "001"))
	var list []importer.Result
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 || list[1].Report.Year != 2020 {
		t.Fatalf("array output: %v %d", err, len(list))
	}
}

func TestImportCSVLongForm(t *testing.T) {
	out, errOut, code := runMain(t, "report", "import", "--format", "csv", seeds)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "file,agency,year,era,section,row,column,value,unit" {
		t.Fatalf("header = %v", rows[0])
	}
	find := func(file, section, row, col string) []string {
		for _, r := range rows[1:] {
			if strings.Contains(r[0], file) && r[4] == section && r[5] == row && r[6] == col {
				return r
			}
		}
		return nil
	}
	for _, c := range []struct{ file, section, row, col, agency, year, era, value string }{
		{"004_", "三", "一、本年新收政府信息公开申请数量", "自然人", "平阴县卫生健康局", "2024", "2021", "2"},
		{"004_", "三", "（四）无法提供/1.本机关不掌握相关政府信息", "总计", "平阴县卫生健康局", "2024", "2021", "1"},
		{"004_", "三", "（三）不予公开/1.属于国家秘密", "法人或其他组织/商业企业", "平阴县卫生健康局", "2024", "2021", "0"},
		{"004_", "二", "行政处罚", "本年处理决定数量", "平阴县卫生健康局", "2024", "2021", "59"},
		{"004_", "四", "", "行政诉讼/复议后起诉/总计", "平阴县卫生健康局", "2024", "2021", "0"},
		{"001_", "二", "规范性文件", "本年新制作数量", "朝阳县卫生健康局", "2020", "2019", "310"},
		{"001_", "三", "（六）其他处理", "总计", "朝阳县卫生健康局", "2020", "2019", "0"},
		{"000_", "", "", "", "临潭县卫生健康局", "2022", "2021", ""},
		{"002_", "", "", "", "镇海区卫生计生局", "2016", "pre2019", ""},
	} {
		r := find(c.file, c.section, c.row, c.col)
		if r == nil {
			t.Errorf("no row %s/%s/%s/%s", c.file, c.section, c.row, c.col)
			continue
		}
		if got := strings.Join(r[1:8], ","); got != strings.Join([]string{c.agency, c.year, c.era, c.section, c.row, c.col, c.value}, ",") {
			t.Errorf("row = %s", got)
		}
	}
	n := map[string]int{}
	for _, r := range rows[1:] {
		n[filepath.Base(r[0])[:3]]++
	}
	if n["004"] != 200 || n["001"] != 198 || n["003"] != 200 || n["000"] != 1 || n["002"] != 1 {
		t.Errorf("rows per file = %v", n)
	}
	// --figures adds the prose figures.
	out, _, _ = runMain(t, "report", "import", "--format", "csv", "--figures", seedPath(t, "002"))
	if !strings.Contains(out, "正文,主动公开信息数,条,419,条") {
		t.Errorf("figures missing:\n%s", out)
	}
}

// TestImportCSVKeepsPublishedFigures: the CSV prints a figure as published, with its unit, and converts only on
// request (issue 12).
func TestImportCSVKeepsPublishedFigures(t *testing.T) {
	data, err := os.ReadFile(seedPath(t, "001"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "4106万元 |", "251000元 |", 1)
	if text == string(data) {
		t.Fatal("seed 001 lost its 采购总金额")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "r.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runMain(t, "report", "import", "--format", "csv", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, ",二,政府集中采购,采购总金额,251000,元\n") {
		t.Errorf("published figure not kept:\n%s", out)
	}
	out, _, _ = runMain(t, "report", "import", "--format", "csv", "--convert-units", path)
	if !strings.Contains(out, ",二,政府集中采购,采购总金额,25.1,万元\n") {
		t.Errorf("--convert-units:\n%s", out)
	}
	// The JSON keeps the figure as printed beside the converted one.
	out, _, _ = runMain(t, "report", "import", path)
	if !strings.Contains(out, `"s2.9/procurement/amount": {`) || !strings.Contains(out, `"value": 251000`) || !strings.Contains(out, `"unit": "元"`) {
		t.Errorf("JSON lost the printed figure:\n%.2000s", out)
	}
	// No rounding: 4166.241619 stays.
	text = strings.Replace(string(data), "4106万元 |", "4166.241619万元 |", 1)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ = runMain(t, "report", "import", "--format", "csv", path)
	if !strings.Contains(out, ",采购总金额,4166.241619,万元\n") {
		t.Errorf("figure rounded:\n%s", out)
	}
}

func TestCheckExitCodesAndOutput(t *testing.T) {
	out, _, code := runMain(t, "report", "check", seeds)
	if code != 1 {
		t.Errorf("exit %d, want 1 (000 has no tables)", code)
	}
	for _, want := range []string{"临潭县卫生健康局 2022年度（现行格式）", "未找到第三部分表格", "C-1", "R2-3", "共检查 5 份报告"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, _, code := runMain(t, "report", "check", seedPath(t, "004")); code != 0 {
		t.Errorf("a clean report: exit %d, want 0", code)
	}
	if _, _, code := runMain(t, "report", "check", seedPath(t, "003")); code != 0 {
		t.Errorf("warnings only: exit %d, want 0", code)
	}
	out, _, _ = runMain(t, "report", "check", "--json", seedPath(t, "001"))
	var list []struct {
		File     string
		Year     int
		Findings []report.Finding
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0].Year != 2020 || len(list[0].Findings) != 1 || list[0].Findings[0].Rule != "R2-3" {
		t.Errorf("json = %v %s", err, out)
	}
}

func TestUnreadableFilesExit2WithOneLineEach(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.txt", nil)
	binary := write("binary.txt", []byte("\x00\x01\x02\x03\x04"))
	noReport := write("notes.txt", []byte("会议纪要：明天上午开会。"))
	docx := write("broken.docx", []byte("PK\x03\x04garbage"))
	missing := filepath.Join(dir, "missing.txt")
	out, errOut, code := runMain(t, "report", "check", empty, binary, noReport, docx, missing, seedPath(t, "004"))
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 5 {
		t.Fatalf("stderr has %d lines, want 5:\n%s", len(lines), errOut)
	}
	for i, want := range []string{"文件为空", "不是可识别", "没有找到政府信息公开工作年度报告", "DOCX 文件已损坏", "文件不存在"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d = %q, want %q", i, lines[i], want)
		}
	}
	if !strings.Contains(out, "平阴县卫生健康局") {
		t.Error("the readable file was not reported")
	}
}

func TestCrossYearInABatch(t *testing.T) {
	dir := t.TempDir()
	res, err := importer.Parse("x", mustRead(t, seedPath(t, "004")))
	if err != nil {
		t.Fatal(err)
	}
	this := res.Report
	last := *this
	last.Year = 2023
	last.Tables = map[string]report.Grid{}
	for k, g := range this.Tables {
		last.Tables[k] = report.Grid{}
		for row, vals := range g {
			last.Tables[k][row] = map[string]float64{}
			for c, v := range vals {
				last.Tables[k][row][c] = v
			}
		}
	}
	// Last year carried one application forward; this year's report says none was carried over.
	last.Set(report.TableRequests, report.RowNew, "natural_person", 3)
	last.Set(report.TableRequests, report.RowNew, "total", 3)
	last.Set(report.TableRequests, report.RowCarryForward, "natural_person", 1)
	last.Set(report.TableRequests, report.RowCarryForward, "total", 1)
	for name, r := range map[string]*report.Report{"2023.json": &last, "2024.json": this} {
		b, _ := json.Marshal(r)
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	out, _, code := runMain(t, "report", "check", dir)
	if code != 0 {
		t.Errorf("exit %d, want 0 (warnings only)", code)
	}
	if strings.Count(out, "R3-5") != 2 || !strings.Contains(out, "2023年度报告的结转下年度继续办理为 1") {
		t.Errorf("cross-year findings missing:\n%s", out)
	}
	// Same with --prev naming last year's report explicitly.
	out, _, _ = runMain(t, "report", "check", "--prev", filepath.Join(dir, "2023.json"), filepath.Join(dir, "2024.json"))
	if strings.Count(out, "R3-5") != 2 {
		t.Errorf("--prev: %s", out)
	}
}

func mustRead(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRender(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "004.json")
	if _, errOut, code := runMain(t, "report", "import", seedPath(t, "004"), "-o", in); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	magic := map[string]string{"html": "<!DOCTYPE html>", "md": "# 平阴县卫生健康局", "xlsx": "PK\x03\x04", "docx": "PK\x03\x04", "pdf": "%PDF-"}
	for format, prefix := range magic {
		out := filepath.Join(dir, "004."+format)
		if _, errOut, code := runMain(t, "report", "render", in, "-o", out); code != 0 {
			t.Fatalf("%s: exit %d %s", format, code, errOut)
		}
		b, _ := os.ReadFile(out)
		if !bytes.HasPrefix(b, []byte(prefix)) {
			t.Errorf("%s starts with %.10q", format, b)
		}
	}
	// --format wins over the extension; stdout when no -o.
	out, _, code := runMain(t, "report", "render", "--format", "md", in)
	if code != 0 || !strings.HasPrefix(out, "# ") {
		t.Errorf("stdout render: %d %.40q", code, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "render", "--format", "odt", in}, "不支持的输出格式"},
		{[]string{"report", "render", seedPath(t, "004"), "-o", filepath.Join(dir, "x.pdf")}, "不是有效的 JSON"},
		{[]string{"report", "render", filepath.Join(dir, "none.json"), "-o", filepath.Join(dir, "x.pdf")}, "文件不存在"},
		{[]string{"report", "frobnicate"}, "未知的 report 子命令"},
		{[]string{"report", "import", "--format", "xml", in}, "不支持的输出格式"},
	} {
		_, errOut, code := runMain(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errOut, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.pdf")); err == nil {
		t.Error("a failed render left an output file")
	}
}

func TestPDFImportThroughCLI(t *testing.T) {
	testtool.Require(t, "pdftotext", "poppler-utils")
	dir := t.TempDir()
	in := filepath.Join(dir, "004.json")
	runMain(t, "report", "import", seedPath(t, "004"), "-o", in)
	pdf := filepath.Join(dir, "004.pdf")
	runMain(t, "report", "render", in, "-o", pdf)
	out, errOut, code := runMain(t, "report", "check", pdf)
	if code != 0 || !strings.Contains(out, "平阴县卫生健康局 2024年度（现行格式）  通过") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}
