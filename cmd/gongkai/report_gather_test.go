package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/gather/gathertest"
	"github.com/gongkai/gongkai/internal/testtool"
)

func readCSV(t *testing.T, p string) [][]string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestGatherEndToEnd(t *testing.T) {
	testtool.Require(t, "pdftotext", "poppler-utils")
	site := gathertest.New(t)
	dir := t.TempDir()
	list := filepath.Join(dir, "urls.txt")
	if err := os.WriteFile(list, []byte(site.StartList()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	args := []string{"report", "gather", "--from", list, "--year", "2025", "--out", out, "--delay", "5ms", "--backoff", "1ms", "--progress"}
	stdout, stderr, code := runMain(t, args...)
	if code != 1 {
		t.Errorf("exit %d, want 1 (reports missing, unreadable and wrong)\n%s\n%s", code, stdout, stderr)
	}

	// A summary line per agency: found with its check, found but unreadable, not found, refused by robots.txt.
	for _, want := range []string{
		"找到    平阴县卫生健康局  平阴县卫生健康局_2025.html  检查通过",
		"找到    平阴县审计局  平阴县审计局_2025.html  错误 2，警告 0",
		"找到    平阴县教育和体育局  平阴县教育和体育局_2025.pdf  检查通过",
		"找到    平阴县司法局  平阴县司法局_2025.doc  已保存，但无法读取：",
		"未找到  平阴县民政局  起始页及其“年报”栏目中没有2025年政府信息公开工作年度报告（只有2024、2023年度的）",
		"失败    平阴县统计局  无法打开起始页：robots.txt 不允许采集：/xxgk/tjj/index.html",
		"共 6 个单位：找到 4 份（读取 3 份，其中 1 份有错误），未找到 1 个，失败 1 个；本次请求 ",
		"次、下载 4 份，0 个起始页此前已完成。",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	// Progress on stderr, and the retries of the flaky host told.
	for _, want := range []string{"采集进度 6/6 个起始页", "服务器返回 HTTP 503", "后重试（第 2 次）"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	// figures.csv: the header of `report import --format csv`, every figure of each report read, as published.
	figures := readCSV(t, filepath.Join(out, "figures.csv"))
	if !slices.Equal(figures[0], csvHeader) {
		t.Errorf("figures.csv header %v, want %v", figures[0], csvHeader)
	}
	// Columns by name, so that a column added to the import CSV (a unit) does not break this test.
	col := map[string]int{}
	for i, h := range figures[0] {
		col[h] = i
	}
	fileC, secC, rowC, colC, valC := col["file"], col["section"], col["row"], col["column"], col["value"]
	perFile := map[string]int{}
	value := map[string]string{}
	for _, row := range figures[1:] {
		perFile[row[fileC]]++
		if row[secC] == "三" && row[rowC] == "（一）予以公开" && row[colC] == "总计" {
			value[row[fileC]] = row[valC]
		}
	}
	// Every cell of each published report is read, with the value published (审计局's wrong total included).
	for file, agency := range map[string]string{"平阴县卫生健康局_2025.html": "平阴县卫生健康局", "平阴县审计局_2025.html": "平阴县审计局", "平阴县教育和体育局_2025.pdf": "平阴县教育和体育局"} {
		rep, err := gathertest.Report(agency)
		if err != nil {
			t.Fatal(err)
		}
		if agency == "平阴县审计局" {
			rep.Set("s3", "disclosed", "total", 2)
		}
		want := map[string]string{}
		for _, c := range rep.Cells() {
			want[c.Section+"|"+c.Row+"|"+c.Column] = report.FormatNumber(c.Value)
		}
		wrong := 0
		for _, row := range figures[1:] {
			if row[fileC] != file {
				continue
			}
			if v, ok := want[row[secC]+"|"+row[rowC]+"|"+row[colC]]; !ok || v != row[valC] {
				wrong++
				t.Errorf("%s: %s › %s › %s read as %s, published %q", file, row[secC], row[rowC], row[colC], row[valC], v)
			}
		}
		if perFile[file] != len(want) || wrong != 0 {
			t.Errorf("figures.csv holds %d figures of %s (%d wrong), want all %d", perFile[file], file, wrong, len(want))
		}
	}
	if perFile["平阴县司法局_2025.doc"] != 0 {
		t.Errorf("the unreadable .doc should give no figure")
	}
	if value["平阴县卫生健康局_2025.html"] != "1" || value["平阴县审计局_2025.html"] != "2" {
		t.Errorf("予以公开 总计: got %v, want 1 for 卫生健康局 and 2 (as published, wrong) for 审计局", value)
	}

	// findings.csv: 审计局's wrong total breaks its row (R3-2) and its column (R3-3), each named with the agency,
	// year and place; nothing against the others.
	findings := readCSV(t, filepath.Join(out, "findings.csv"))
	if !slices.Equal(findings[0], findingsHeader) {
		t.Errorf("findings.csv header %v, want %v", findings[0], findingsHeader)
	}
	var errs []string
	for _, row := range findings[1:] {
		if row[3] == "错误" {
			errs = append(errs, strings.Join(row[:5], "|"))
		}
	}
	want := []string{"平阴县审计局|2025|R3-2|错误|第三部分 › （一）予以公开 › 总计", "平阴县审计局|2025|R3-3|错误|第三部分 › （七）总计 › 总计"}
	if !slices.Equal(errs, want) {
		t.Errorf("findings.csv errors:\n%v\nwant\n%v", errs, want)
	}

	// A rerun downloads nothing and writes the same tables.
	stdout2, stderr2, code2 := runMain(t, args...)
	if code2 != 1 || !strings.Contains(stdout2, "下载 0 份，4 个起始页此前已完成") {
		t.Errorf("rerun: exit %d\n%s\n%s", code2, stdout2, stderr2)
	}
	if got := readCSV(t, filepath.Join(out, "figures.csv")); !slices.EqualFunc(got, figures, slices.Equal) {
		t.Errorf("rerun changed figures.csv")
	}
}

func TestGatherUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--year", "2025", "--out", "x"}, "请用 --from"},
		{[]string{"--from", "http://127.0.0.1:1/", "--out", "x"}, "请用 --year"},
		{[]string{"--from", "http://127.0.0.1:1/", "--year", "2025"}, "请用 --out"},
		{[]string{"--from", "no-such-list.txt", "--year", "2025", "--out", "x"}, "文件不存在"},
	} {
		_, stderr, code := runMain(t, append([]string{"report", "gather"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
