package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/gather"
)

// The files `report gather` writes in its output folder besides the reports and the state file.
const (
	gatherFiguresFile  = "figures.csv"
	gatherFindingsFile = "findings.csv"
)

// findingsHeader is the header of findings.csv: one row per finding per agency.
var findingsHeader = []string{"agency", "year", "rule", "severity", "where", "message"}

// reportGather finds, downloads, imports and checks a region's reports of one year. Exit 0: every agency's report
// was found, read and has no error; 1: some agency's report is missing, could not be fetched or read, or has
// errors; 2: the command could not run.
func reportGather(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report gather", stderr)
	from := fs.String("from", "", "起始页清单文件（每行一个网址，网址后可写单位名称，# 开头为注释），或一个网站首页的网址")
	year := fs.Int("year", 0, "报告年度，如 2025")
	out := fs.String("out", "", "输出目录：保存下载的报告、figures.csv、findings.csv 和采集状态 "+gather.StateFile)
	delay := fs.Duration("delay", time.Second, "同一网站两次请求之间的最短间隔（robots.txt 的 Crawl-delay 更长时从之）")
	timeout := fs.Duration("timeout", time.Minute, "单次请求的超时时间")
	retries := fs.Int("retries", 3, "服务器错误（5xx）或网络错误时的重试次数（4xx 不重试）")
	backoff := fs.Duration("backoff", 2*time.Second, "第一次重试前的等待时间，此后每次加倍")
	maxMB := fs.Int("max-size", gather.DefaultMaxSize>>20, "单个文件的大小上限（MB）")
	workers := fs.Int("workers", 4, "同时处理的起始页数（对同一网站仍逐个请求）")
	progress := fs.Bool("progress", false, "即使不在终端也显示进度")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return &exitError{code: 2, msg: fmt.Sprintf("多余的参数 %q：起始页请用 --from 指定", rest[0])}
	case *from == "":
		return &exitError{code: 2, msg: "请用 --from 指定起始页清单文件或网站首页网址"}
	case *year < 2008 || *year > 2100:
		return &exitError{code: 2, msg: "请用 --year 指定报告年度，如 --year 2025"}
	case *out == "":
		return &exitError{code: 2, msg: "请用 --out 指定输出目录"}
	case *maxMB <= 0:
		return &exitError{code: 2, msg: "--max-size 必须大于 0"}
	}
	starts, err := gatherStarts(*from)
	if err != nil {
		return err
	}
	var mu sync.Mutex // progress and log lines come from several workers
	term := isTerminal(stderr)
	showProgress := *progress || term
	inLine := false
	logLine := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		if inLine {
			fmt.Fprint(stderr, "\r\033[K")
			inLine = false
		}
		fmt.Fprintln(stderr, s)
	}
	cfg := gather.Config{
		Year: *year, Out: *out, UserAgent: "gongkai-gather/" + version + " (+政府信息公开年报采集)",
		Delay: *delay, Timeout: *timeout, Retries: *retries, Backoff: *backoff, MaxSize: int64(*maxMB) << 20,
		Workers: *workers, Log: logLine,
	}
	if showProgress {
		cfg.Progress = func(done, total int, host string) {
			mu.Lock()
			defer mu.Unlock()
			line := fmt.Sprintf("采集进度 %d/%d 个起始页  当前网站 %s", done, total, host)
			if term {
				fmt.Fprint(stderr, "\r\033[K"+line)
				inLine = true
			} else {
				fmt.Fprintln(stderr, line)
			}
		}
	}
	entries, stats, err := gather.Run(ctx, starts, cfg)
	if inLine {
		fmt.Fprint(stderr, "\r\033[K")
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return &exitError{code: 2, msg: "已中断；已完成的部分记录在 " + filepath.Join(*out, gather.StateFile) + "，再次运行会从中断处继续"}
		}
		return &exitError{code: 2, msg: err.Error()}
	}
	results := importGathered(ctx, *out, entries)
	if err := writeGatherOutputs(*out, entries, results); err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	attention := printGatherSummary(w, *out, entries, results, stats)
	if err := w.Flush(); err != nil {
		return err
	}
	if attention {
		return &exitError{code: 1}
	}
	return nil
}

// gatherStarts reads --from: an address, or a file listing the start pages.
func gatherStarts(from string) ([]gather.Start, error) {
	if strings.HasPrefix(from, "http://") || strings.HasPrefix(from, "https://") {
		u, err := gather.ParseURL(from)
		if err != nil {
			return nil, &exitError{code: 2, msg: err.Error()}
		}
		return []gather.Start{{URL: u.String()}}, nil
	}
	data, err := readLimited(from)
	if err != nil {
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s：%v", from, err)}
	}
	starts, err := gather.ParseStarts(bytes.NewReader(data))
	if err != nil {
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s：%v", from, err)}
	}
	if len(starts) == 0 {
		return nil, &exitError{code: 2, msg: fmt.Sprintf("%s 中没有起始页网址", from)}
	}
	return starts, nil
}

// importGathered imports and checks every saved report with the functions `report import` and `report check` use,
// on all cores; results[i] belongs to entries[i] (its path is the file's name in the output folder).
func importGathered(ctx context.Context, out string, entries []gather.Entry) []fileResult {
	results := make([]fileResult, len(entries))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range jobs {
				r := importFile(ctx, filepath.Join(out, entries[i].File), nil)
				r.path = entries[i].File
				if r.res != nil {
					r.res.File = entries[i].File
				}
				results[i] = r
			}
		})
	}
	for i, e := range entries {
		if e.Status == gather.Downloaded {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
	return results
}

// agencyOf names an entry's agency: the name the list or the report's link gave, else what the importer read, else
// the guess from the page.
func agencyOf(e gather.Entry, r fileResult) string {
	if e.AgencyGuessed && r.res != nil && r.res.Report.Agency != "" {
		return r.res.Report.Agency
	}
	return e.Agency
}

func writeGatherOutputs(out string, entries []gather.Entry, results []fileResult) error {
	var read []fileResult
	for _, r := range results {
		if r.res != nil {
			read = append(read, r)
		}
	}
	var figures bytes.Buffer
	if err := writeCSV(&figures, read, false, false); err != nil {
		return err
	}
	if err := writeOutput(filepath.Join(out, gatherFiguresFile), nil, figures.Bytes()); err != nil {
		return err
	}
	var findings bytes.Buffer
	cw := csv.NewWriter(&findings)
	if err := cw.Write(findingsHeader); err != nil {
		return err
	}
	for i, e := range entries {
		r := results[i]
		if r.res == nil {
			continue
		}
		year := e.Year
		if r.res.Report.Year > 0 {
			year = r.res.Report.Year
		}
		for _, f := range r.res.Findings {
			if err := cw.Write([]string{agencyOf(e, r), strconv.Itoa(year), f.Rule, severityNames[f.Severity], findingWhere(f), f.Message}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return writeOutput(filepath.Join(out, gatherFindingsFile), nil, findings.Bytes())
}

// findingWhere names a finding's place as `report check` prints it: 第三部分 › row › column.
func findingWhere(f report.Finding) string {
	var parts []string
	if f.Section != "" {
		parts = append(parts, "第"+f.Section+"部分")
	}
	for _, p := range []string{f.Row, f.Column} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " › ")
}

// printGatherSummary writes a line per agency — 找到 / 未找到 / 失败, with the file and its check, or the reason —
// and a total line. It returns whether anything needs attention.
func printGatherSummary(w io.Writer, out string, entries []gather.Entry, results []fileResult, stats gather.Stats) bool {
	found, read, notFound, failed, withErrors := 0, 0, 0, 0, 0
	for i, e := range entries {
		r := results[i]
		agency := agencyOf(e, r)
		switch e.Status {
		case gather.Downloaded:
			found++
			switch {
			case r.err != nil:
				fmt.Fprintf(w, "找到    %s  %s  已保存，但无法读取：%v\n", agency, e.File, r.err)
			case r.res != nil:
				read++
				ne, nw := 0, 0
				for _, f := range r.res.Findings {
					if f.Severity == report.Error {
						ne++
					} else {
						nw++
					}
				}
				status := "检查通过"
				if ne > 0 || nw > 0 {
					status = fmt.Sprintf("错误 %d，警告 %d", ne, nw)
				}
				if ne > 0 {
					withErrors++
				}
				fmt.Fprintf(w, "找到    %s  %s  %s\n", agency, e.File, status)
			}
		case gather.NotFound:
			notFound++
			fmt.Fprintf(w, "未找到  %s  %s\n", agency, e.Reason)
		default:
			failed++
			fmt.Fprintf(w, "失败    %s  %s\n", agency, e.Reason)
		}
	}
	fmt.Fprintf(w, "共 %d 个单位：找到 %d 份（读取 %d 份，其中 %d 份有错误），未找到 %d 个，失败 %d 个；本次请求 %d 次、下载 %d 份，%d 个起始页此前已完成。数据见 %s，检查结果见 %s\n",
		len(entries), found, read, withErrors, notFound, failed, stats.Requests, stats.Downloads, stats.Skipped,
		filepath.Join(out, gatherFiguresFile), filepath.Join(out, gatherFindingsFile))
	return found != read || notFound > 0 || failed > 0 || withErrors > 0
}
