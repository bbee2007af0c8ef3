package scenario

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Files lists the scenario files of the paths: a file as given, a directory's *.json files (recursively), sorted.
func Files(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("无法读取 %s：%v", p, err)
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(strings.ToLower(d.Name()), ".json") {
				found = append(found, path)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("无法读取目录 %s：%v", p, err)
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}

// RunFile reads and replays one file.
func RunFile(path string) (*Result, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("无法读取 %s：%v", path, err)
	}
	defer fh.Close()
	f, err := Parse(fh)
	if err != nil {
		return nil, fmt.Errorf("%s：%v", path, err)
	}
	res, err := Run(f, path)
	if err != nil {
		return nil, fmt.Errorf("%s：%v", path, err)
	}
	return res, nil
}

// WriteText writes a result as a readable table: one line per step with its deadline, fee and notice, the error
// of a refused step, the warnings, and the report cell.
func WriteText(w io.Writer, r *Result) {
	fmt.Fprintf(w, "%s", r.File)
	if r.Name != "" {
		fmt.Fprintf(w, "  %s", r.Name)
	}
	if len(r.Checks) > 0 {
		fmt.Fprintf(w, "  [%s]", strings.Join(r.Checks, "；"))
	}
	fmt.Fprintln(w)
	for _, s := range r.Steps {
		mark := "✓"
		if !s.OK {
			mark = "✗"
		}
		fmt.Fprintf(w, "  %s %s %-22s", mark, s.Date, s.Action)
		if !s.OK {
			fmt.Fprintf(w, " 不允许：%s\n", s.Error)
			continue
		}
		if s.State != "" {
			fmt.Fprintf(w, " 状态 %s", s.State)
		}
		if s.Deadline != "" {
			fmt.Fprintf(w, "  答复期限 %s", s.Deadline)
		}
		if s.StepDue != "" {
			fmt.Fprintf(w, "  告知书期限 %s", s.StepDue)
		}
		if s.Fee.Yuan > 0 {
			fmt.Fprintf(w, "  信息处理费 %d 元", s.Fee.Yuan)
			if s.Fee.PayBy != "" {
				fmt.Fprintf(w, "（%s前缴纳）", s.Fee.PayBy)
			}
		}
		if s.Notice != nil {
			fmt.Fprintf(w, "  出具《%s》%s", s.Notice.Title, s.Notice.Number)
		}
		if s.Referral != nil {
			fmt.Fprintf(w, "  转送%s：%s", s.Referral.Agency, s.Referral.State)
		}
		if s.Appeal != nil {
			fmt.Fprintf(w, "  %s（%s）", s.Appeal.Kind, s.Appeal.Result)
		}
		fmt.Fprintln(w)
		if s.Explanation != "" {
			fmt.Fprintf(w, "      %s\n", s.Explanation)
		}
		for _, x := range s.Warnings {
			fmt.Fprintf(w, "      提示：%s\n", x)
		}
	}
	if r.Report != nil {
		fmt.Fprintf(w, "  年度报告：%d年度 第%s部分 %s × %s\n", r.Report.Year, r.Report.Section, r.Report.Row, r.Report.Column)
	} else {
		fmt.Fprintln(w, "  年度报告：不计入第三部分")
	}
	if r.Appeal != nil {
		fmt.Fprintf(w, "  年度报告：%d年度 第%s部分 %s × %s\n", r.Appeal.Year, r.Appeal.Section, r.Appeal.Row, r.Appeal.Column)
	}
	for _, m := range r.Mismatches {
		fmt.Fprintf(w, "  不符合预期：%s\n", m)
	}
}
