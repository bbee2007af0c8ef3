package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/importer"
	"github.com/gongkai/gongkai/internal/report/render"
	"github.com/gongkai/gongkai/internal/sheet"
)

// maxInputSize bounds what one imported file may weigh; larger files are refused, not truncated.
const maxInputSize = 100 << 20

func runReport(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2}
	}
	switch args[0] {
	case "import":
		return reportImport(ctx, args[1:], stdout, stderr)
	case "check":
		return reportCheck(ctx, args[1:], stdout, stderr)
	case "render":
		return reportRender(args[1:], stdin, stdout, stderr)
	case "gather":
		return reportGather(ctx, args[1:], stdout, stderr)
	case "load":
		return reportLoad(ctx, args[1:], getenv, stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return &exitError{code: 2, msg: fmt.Sprintf("未知的 report 子命令 %q", args[0])}
}

// fileResult is one input file's outcome.
type fileResult struct {
	path string
	res  *importer.Result
	err  error
}

// batchFlags are the options import and check share.
type batchFlags struct {
	prev     string
	progress bool
	workers  int
	// figuresOnly drops the narrative text after reading, when only figures and findings are wanted (check).
	figuresOnly bool
}

func (b *batchFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&b.prev, "prev", "", "上一年度的报告（JSON 或任意报告文件），用于跨年度检查")
	fs.BoolVar(&b.progress, "progress", false, "即使不在终端也显示进度条")
	fs.IntVar(&b.workers, "workers", runtime.GOMAXPROCS(0), "并行处理的文件数（默认为处理器核数）")
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args, allowing flags after the file names ("check a.txt --json").
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, &exitError{code: 2}
		}
		args = fs.Args()
		if len(args) == 0 {
			return files, nil
		}
		files = append(files, args[0])
		args = args[1:]
	}
}

func reportImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report import", stderr)
	var b batchFlags
	b.register(fs)
	format := fs.String("format", "json", "输出格式：json 或 csv")
	figures := fs.Bool("figures", false, "CSV 中同时输出正文中的数据（部分列为“正文”）")
	convert := fs.Bool("convert-units", false, "CSV 中把单元格注明其他单位的数字（如“251000元”）换算为该列的单位（万元）；默认照原文输出数字和单位")
	out := fs.String("o", "", "输出文件（默认标准输出）")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *format != "json" && *format != "csv" {
		return &exitError{code: 2, msg: fmt.Sprintf("不支持的输出格式 %q：请用 json 或 csv", *format)}
	}
	results, failed, err := importBatch(ctx, paths, b, stderr)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch *format {
	case "csv":
		err = writeCSV(&buf, results, *figures, *convert)
	default:
		err = writeJSON(&buf, results)
	}
	if err != nil {
		return err
	}
	if err := writeOutput(*out, stdout, buf.Bytes()); err != nil {
		return err
	}
	if failed {
		return &exitError{code: 2}
	}
	return nil
}

func reportCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report check", stderr)
	b := batchFlags{figuresOnly: true}
	b.register(fs)
	asJSON := fs.Bool("json", false, "以 JSON 输出检查结果")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	results, failed, err := importBatch(ctx, paths, b, stderr)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	if *asJSON {
		type fileFindings struct {
			File     string           `json:"file"`
			Agency   string           `json:"agency"`
			Year     int              `json:"year"`
			Era      report.Era       `json:"era"`
			Findings []report.Finding `json:"findings"`
		}
		var list []fileFindings
		for _, r := range results {
			if r.res == nil {
				continue
			}
			list = append(list, fileFindings{File: r.path, Agency: r.res.Report.Agency, Year: r.res.Report.Year, Era: r.res.Report.Era, Findings: nonNil(r.res.Findings)})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(nonNil(list)); err != nil {
			return err
		}
	} else {
		printFindings(w, results)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	switch {
	case failed:
		return &exitError{code: 2}
	case anyErrors(results):
		return &exitError{code: 1}
	}
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func anyErrors(results []fileResult) bool {
	for _, r := range results {
		if r.res != nil && report.HasErrors(r.res.Findings) {
			return true
		}
	}
	return false
}

var eraNames = map[report.Era]string{
	report.Era2021:    "现行格式",
	report.Era2019:    "试行格式",
	report.EraPre2019: "2019年前格式",
}

var severityNames = map[report.Severity]string{report.Error: "错误", report.Warning: "警告"}

// printFindings writes the readable findings table: a line per file, then a line per finding.
func printFindings(w io.Writer, results []fileResult) {
	files, errs, warns := 0, 0, 0
	for _, r := range results {
		if r.res == nil {
			continue
		}
		files++
		rep := r.res.Report
		ne, nw := 0, 0
		for _, f := range r.res.Findings {
			if f.Severity == report.Error {
				ne++
			} else {
				nw++
			}
		}
		errs += ne
		warns += nw
		year := "年度不明"
		if rep.Year > 0 {
			year = strconv.Itoa(rep.Year) + "年度"
		}
		agency := rep.Agency
		if agency == "" {
			agency = "单位不明"
		}
		status := "通过"
		if ne > 0 || nw > 0 {
			status = fmt.Sprintf("错误 %d，警告 %d", ne, nw)
		}
		fmt.Fprintf(w, "%s  %s %s（%s）  %s\n", r.path, agency, year, eraNames[rep.Era], status)
		for _, f := range r.res.Findings {
			where := ""
			if f.Section != "" {
				where = "第" + f.Section + "部分"
			}
			for _, part := range []string{f.Row, f.Column} {
				if part != "" {
					where += " › " + part
				}
			}
			if where != "" {
				where = "  [" + where + "]"
			}
			fmt.Fprintf(w, "  %s %-6s %s%s\n", severityNames[f.Severity], f.Rule, f.Message, where)
		}
	}
	fmt.Fprintf(w, "共检查 %d 份报告：错误 %d 处，警告 %d 处\n", files, errs, warns)
}

// importBatch reads every file named by paths (directories are walked) on all cores, in input order. Files that
// cannot be read or hold no report are told on stderr, one line each, and make failed true. Reports of the same
// agency for consecutive years are checked against each other.
func importBatch(ctx context.Context, paths []string, b batchFlags, stderr io.Writer) ([]fileResult, bool, error) {
	if len(paths) == 0 {
		return nil, false, &exitError{code: 2, msg: "请指定要读取的报告文件或目录"}
	}
	files, err := collectFiles(paths)
	if err != nil {
		return nil, false, err
	}
	if len(files) == 0 {
		return nil, false, &exitError{code: 2, msg: "指定的目录中没有报告文件（.txt .html .htm .docx .pdf）"}
	}
	var prev *report.Report
	if b.prev != "" {
		if prev, err = loadReport(ctx, b.prev); err != nil {
			return nil, false, &exitError{code: 2, msg: fmt.Sprintf("%s：%v", b.prev, err)}
		}
	}
	var bar *progressbar.ProgressBar
	if len(files) > 1 && (b.progress || isTerminal(stderr)) {
		bar = progressbar.NewOptions(len(files),
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("读取报告"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("份"),
			progressbar.OptionThrottle(100_000_000),
			progressbar.OptionClearOnFinish(),
		)
	}
	results := make([]fileResult, len(files))
	workers := max(1, b.workers)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				results[i] = importFile(ctx, files[i], prev)
				if b.figuresOnly && results[i].res != nil {
					// Thousands of reports: keep figures and findings, not the prose the checks already read.
					rep := results[i].res.Report
					rep.Preamble, rep.Sections, rep.Figures = "", nil, nil
				}
				if bar != nil {
					_ = bar.Add(1)
				}
			}
		})
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if bar != nil {
		_ = bar.Finish()
	}
	if err := ctx.Err(); err != nil {
		return nil, false, &exitError{code: 2, msg: "已中断"}
	}
	if prev == nil {
		checkAcrossYears(results)
	}
	failed := false
	for _, r := range results {
		if r.err != nil {
			failed = true
			fmt.Fprintf(stderr, "%s：%v\n", r.path, r.err)
		}
	}
	return results, failed, nil
}

func importFile(ctx context.Context, path string, prev *report.Report) fileResult {
	data, err := readLimited(path)
	if err != nil {
		return fileResult{path: path, err: err}
	}
	if isJSON(data) {
		// A report in the interchange format (or an import result) is checked as it is.
		r, err := report.Decode(data)
		if err != nil {
			return fileResult{path: path, err: err}
		}
		return fileResult{path: path, res: &importer.Result{File: path, Report: r, Findings: report.Check(r, prev)}}
	}
	res, err := importer.Read(ctx, path, data, prev)
	if err != nil {
		return fileResult{path: path, err: err}
	}
	res.File = path
	return fileResult{path: path, res: res}
}

// checkAcrossYears re-checks every report whose agency's previous-year report is in the same batch.
func checkAcrossYears(results []fileResult) {
	type key struct {
		agency string
		year   int
	}
	byKey := map[key]*report.Report{}
	for _, r := range results {
		if r.res != nil && r.res.Report.Agency != "" && r.res.Report.Year > 0 {
			byKey[key{r.res.Report.Agency, r.res.Report.Year}] = r.res.Report
		}
	}
	for _, r := range results {
		if r.res == nil {
			continue
		}
		prev, ok := byKey[key{r.res.Report.Agency, r.res.Report.Year - 1}]
		if !ok || r.res.Report.Agency == "" {
			continue
		}
		// Only the cross-year rules are new: the others were applied when the file was read (with its full text).
		for _, f := range report.Check(r.res.Report, prev) {
			if report.CrossYear(f.Rule) {
				r.res.Findings = append(r.res.Findings, f)
			}
		}
	}
}

// loadReport reads last year's report from a JSON file (a report or an import result) or any report file.
func loadReport(ctx context.Context, path string) (*report.Report, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	if isJSON(data) {
		return report.Decode(data)
	}
	res, err := importer.Read(ctx, path, data, nil)
	if err != nil {
		return nil, err
	}
	return res.Report, nil
}

func isJSON(data []byte) bool {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
	return len(trimmed) > 0 && trimmed[0] == '{'
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxInputSize+1))
	if err != nil {
		return nil, fileError(err)
	}
	if len(data) > maxInputSize {
		return nil, fmt.Errorf("文件过大（超过 %d MB），未读取", maxInputSize>>20)
	}
	return data, nil
}

func fileError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("文件不存在")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("没有读取权限")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "is a directory") {
		return errors.New("这是一个目录")
	}
	return fmt.Errorf("无法读取：%v", err)
}

var reportExtensions = map[string]bool{".json": true, ".txt": true, ".text": true, ".html": true, ".htm": true, ".shtml": true, ".xhtml": true, ".docx": true, ".pdf": true}

// collectFiles expands directories into the report files below them (sorted), and keeps named files as they are.
func collectFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.IsDir() {
			files = append(files, p) // a missing file is reported with the others
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && reportExtensions[strings.ToLower(filepath.Ext(path))] {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, &exitError{code: 2, msg: fmt.Sprintf("无法读取目录 %s：%v", p, err)}
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeJSON writes one import result as an object, several as an array.
func writeJSON(w io.Writer, results []fileResult) error {
	var list []*importer.Result
	for _, r := range results {
		if r.res != nil {
			r.res.Report.Schema = report.SchemaID
			r.res.Findings = nonNil(r.res.Findings)
			list = append(list, r.res)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if len(results) == 1 {
		if len(list) == 0 {
			return nil
		}
		return enc.Encode(list[0])
	}
	return enc.Encode(nonNil(list))
}

// csvHeader is the long form analysts load into a spreadsheet or a database.
var csvHeader = []string{"file", "agency", "year", "era", "section", "row", "column", "value", "unit"}

// csvNumber writes a figure exactly as parsed: no rounding, no exponent.
func csvNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// writeCSV writes one row per stated table figure, with the figure and unit as the report prints them (a cell
// that names another unit than its column keeps it), or in the column's unit when convert is set; a file with no
// figure gets one row with its agency, year and era and the other columns empty. The text comes from published
// reports, that is from outside: every cell a spreadsheet could take for a formula (an agency named
// =HYPERLINK(…)) starts with an apostrophe (sheet.SafeCell); values stay plain numbers.
func writeCSV(w io.Writer, results []fileResult, figures, convert bool) error {
	cw := safeCSV{csv.NewWriter(w)}
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, r := range results {
		if r.res == nil {
			continue
		}
		rep := r.res.Report
		year := ""
		if rep.Year > 0 {
			year = strconv.Itoa(rep.Year)
		}
		base := []string{r.path, rep.Agency, year, string(rep.Era)}
		n := 0
		for _, c := range rep.Cells() {
			n++
			v, unit := c.Value, c.Unit
			if c.Printed != nil && !convert {
				v, unit = c.Printed.Value, c.Printed.Unit
			}
			if err := cw.Write(append(base[:4:4], c.Section, c.Row, c.Column, csvNumber(v), unit)); err != nil {
				return err
			}
		}
		if figures {
			for _, f := range rep.Figures {
				n++
				if err := cw.Write(append(base[:4:4], "正文", report.FigureLabels[f.ID], f.Unit, csvNumber(f.Value), f.Unit)); err != nil {
					return err
				}
			}
		}
		if n == 0 {
			if err := cw.Write(append(base[:4:4], "", "", "", "", "")); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCSV is a CSV writer whose every field passes through sheet.SafeCell.
type safeCSV struct{ *csv.Writer }

func (w safeCSV) Write(record []string) error {
	safe := make([]string, len(record))
	for i, f := range record {
		safe[i] = sheet.SafeCell(f)
	}
	return w.Writer.Write(safe)
}

// renderers maps a --format value to its renderer and the usual file extension.
var renderers = map[string]struct {
	fn  func(io.Writer, *report.Report) error
	ext string
}{
	"html": {render.HTML, ".html"},
	"md":   {render.Markdown, ".md"},
	"xlsx": {render.XLSX, ".xlsx"},
	"docx": {render.DOCX, ".docx"},
	"pdf":  {render.PDF, ".pdf"},
}

func reportRender(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("report render", stderr)
	format := fs.String("format", "", "输出格式：html、md、xlsx、docx 或 pdf（默认按输出文件扩展名）")
	out := fs.String("o", "", "输出文件（默认标准输出）")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) != 1 {
		return &exitError{code: 2, msg: "请指定一个报告 JSON 文件（用 - 表示标准输入）"}
	}
	if *format == "" && *out != "" {
		*format = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	rd, ok := renderers[*format]
	if !ok {
		return &exitError{code: 2, msg: fmt.Sprintf("不支持的输出格式 %q：请用 --format html、md、xlsx、docx 或 pdf", *format)}
	}
	var data []byte
	if paths[0] == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, maxInputSize+1))
	} else {
		data, err = readLimited(paths[0])
	}
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s：%v", paths[0], err)}
	}
	r, err := report.Decode(data)
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("%s：%v", paths[0], err)}
	}
	var buf bytes.Buffer
	if err := rd.fn(&buf, r); err != nil {
		return fmt.Errorf("生成 %s 失败：%w", *format, err)
	}
	return writeOutput(*out, stdout, buf.Bytes())
}

// writeOutput writes data to the named file atomically (a temporary file renamed into place, so a failure never
// leaves half a file), or to stdout when name is "" or "-".
func writeOutput(name string, stdout io.Writer, data []byte) error {
	if name == "" || name == "-" {
		_, err := stdout.Write(data)
		return err
	}
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, ".gongkai-*")
	if err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("无法写入 %s：%v", name, err)}
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return &exitError{code: 2, msg: fmt.Sprintf("无法写入 %s：%v", name, err)}
	}
	if err := tmp.Close(); err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("无法写入 %s：%v", name, err)}
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return &exitError{code: 2, msg: fmt.Sprintf("无法写入 %s：%v", name, err)}
	}
	return nil
}
