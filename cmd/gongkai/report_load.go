package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/hanzi"
)

// reportLoad brings published reports — a folder `report gather` filled, or any report files — into the database
// as the agencies' imported annual reports, so that the supervision page (政务公开监督) counts and checks them beside
// the reports written in the console. Each report goes to the agency of the same name (traditional characters and
// full-width forms folded), or to the one a mapping file names; a year the agency already has is left alone.
func reportLoad(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report load", stderr)
	var d dbFlags
	d.register(fs, getenv)
	var b batchFlags
	b.register(fs)
	mapping := fs.String("map", "", "名称对照文件：每行“报告中的单位名称=系统中的单位名称”（报告写法与系统不同时使用）")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	alias := map[string]string{}
	if *mapping != "" {
		raw, err := os.ReadFile(*mapping)
		if err != nil {
			return &exitError{code: 2, msg: fmt.Sprintf("无法读取名称对照文件：%v", err)}
		}
		for i, line := range strings.Split(string(raw), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			from, to, ok := strings.Cut(strings.ReplaceAll(line, "＝", "="), "=")
			if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
				return &exitError{code: 2, msg: fmt.Sprintf("名称对照文件第 %d 行应写成“报告中的名称=系统中的名称”：%s", i+1, line)}
			}
			alias[agencyKey(from)] = strings.TrimSpace(to)
		}
	}
	results, failed, err := importBatch(ctx, paths, b, stderr)
	if err != nil {
		return err
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	agencies, err := db.ListAgencies(ctx, nil)
	if err != nil {
		return err
	}
	byName := map[string]*disclosure.Agency{}
	for _, a := range agencies {
		byName[agencyKey(a.Name)] = a
	}
	loaded, skipped := 0, 0
	for _, r := range results {
		if r.res == nil || r.res.Report == nil {
			continue
		}
		rep := r.res.Report
		name := filepath.Base(r.path)
		key := agencyKey(rep.Agency)
		if to, ok := alias[key]; ok {
			key = agencyKey(to)
		}
		a, ok := byName[key]
		switch {
		case rep.Agency == "":
			fmt.Fprintf(stdout, "%s：未读出单位名称，未载入（可用 --map 对照）\n", name)
			skipped++
			continue
		case !ok:
			fmt.Fprintf(stdout, "%s：系统中没有单位“%s”，未载入（可用 --map 对照）\n", name, rep.Agency)
			skipped++
			continue
		case rep.Year == 0:
			fmt.Fprintf(stdout, "%s：未读出报告年度，未载入\n", name)
			skipped++
			continue
		}
		data, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		err = db.SaveAnnualReport(ctx, disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: a.ID, Year: rep.Year, Era: string(rep.Era), Source: name, Data: data})
		switch {
		case disclosure.ErrorCode(err) == disclosure.EConflict:
			fmt.Fprintf(stdout, "%s：%s已有%d年度报告，未载入\n", name, a.Name, rep.Year)
			skipped++
		case err != nil:
			return userError(err)
		default:
			fmt.Fprintf(stdout, "%s：已载入为%s %d年度报告\n", name, a.Name, rep.Year)
			loaded++
		}
	}
	fmt.Fprintf(stdout, "共载入 %d 份，未载入 %d 份\n", loaded, skipped)
	if failed {
		return &exitError{code: 2}
	}
	return nil
}

// agencyKey folds an agency's name for matching: traditional → simplified, full-width forms, no spaces.
func agencyKey(s string) string {
	return strings.Join(strings.Fields(hanzi.Fold(s)), "")
}
