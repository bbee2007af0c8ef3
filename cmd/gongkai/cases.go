package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/web"
	"github.com/gongkai/gongkai/internal/workday"
)

// shanghai is the agencies' time zone: it decides what "today" is for deadlines.
func shanghai() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

func runCases(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "generate" {
		return &exitError{code: 2, msg: "用法：gongkai cases generate --agency 单位编号 --year 年度 --count 件数 [--seed 种子]"}
	}
	fs := newFlagSet("cases generate", stderr)
	var d dbFlags
	d.register(fs, getenv)
	agency := fs.Int64("agency", 0, "单位编号")
	year := fs.Int("year", 0, "收到申请的年度")
	count := fs.Int("count", 1000, "生成的件数")
	seed := fs.Uint64("seed", 1, "随机种子（相同种子生成相同数据）")
	if _, err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	today := workday.DateOf(time.Now().In(shanghai()))
	switch {
	case *year < 2008 || *year > today.Year:
		return &exitError{code: 2, msg: fmt.Sprintf("--year 应为 2008—%d 之间的年度", today.Year)}
	case *count < 1 || *count > 5_000_000:
		return &exitError{code: 2, msg: "--count 应为 1—5000000"}
	}
	db, err := d.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := db.GetAgency(ctx, *agency)
	if err != nil {
		return userError(err)
	}
	cal, err := web.LoadCalendar(ctx, db)
	if err != nil {
		return userError(err)
	}
	env := casework.Env{Calendar: cal, Agency: a}
	started := time.Now()
	actor := disclosure.Actor{Name: "示范数据生成", Role: "system"}
	const batch = 5000
	for done := 0; done < *count; done += batch {
		n := min(batch, *count-done)
		changes, err := casework.GenerateCases(*seed+uint64(done), env, *year, n, today)
		if err != nil {
			return userError(err)
		}
		if err := db.ImportCases(ctx, actor, changes); err != nil {
			return userError(err)
		}
		fmt.Fprintf(stderr, "\r已生成 %d / %d 件", done+n, *count)
	}
	fmt.Fprintf(stderr, "\n")
	fmt.Fprintf(stdout, "已为%s生成 %d 件 %d 年度的申请，用时 %.1f 秒\n", a.Name, *count, *year, time.Since(started).Seconds())
	return nil
}

func runCalendar(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	usage := "用法：gongkai calendar list | gongkai calendar add --year 2027 --file 通知正文.txt（或从标准输入读取）[--title 通知标题]"
	if len(args) == 0 {
		return &exitError{code: 2, msg: usage}
	}
	fs := newFlagSet("calendar "+args[0], stderr)
	var d dbFlags
	d.register(fs, getenv)
	switch args[0] {
	case "list":
		if _, err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		db, err := d.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		cal, err := web.LoadCalendar(ctx, db)
		if err != nil {
			return userError(err)
		}
		for _, y := range cal.Years() {
			var parts []string
			for _, h := range y.Holidays {
				parts = append(parts, fmt.Sprintf("%s %s—%s", h.Name, h.From, h.To))
			}
			fmt.Fprintf(stdout, "%d  %s\n      %s；调休上班 %d 天\n", y.Year, y.Notice, strings.Join(parts, "，"), len(y.Workdays))
		}
		next := time.Now().In(shanghai()).Year() + 1
		if !cal.Has(next) {
			fmt.Fprintf(stdout, "尚未录入 %d 年的节假日安排：国务院办公厅发布通知后，用 gongkai calendar add --year %d --file 通知.txt 录入\n", next, next)
		}
		return nil
	case "add":
		year := fs.Int("year", 0, "年份")
		file := fs.String("file", "", "通知正文文件（UTF-8 文本）；不指定时从标准输入读取")
		title := fs.String("title", "", "通知标题")
		if _, err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		var text []byte
		var err error
		if *file != "" {
			text, err = os.ReadFile(*file)
		} else {
			text, err = io.ReadAll(io.LimitReader(stdin, 1<<20))
		}
		if err != nil {
			return &exitError{code: 2, msg: "无法读取通知正文：" + err.Error()}
		}
		y, err := workday.ParseNotice(*year, string(text))
		if err != nil {
			return &exitError{code: 2, msg: err.Error()}
		}
		if *title != "" {
			y.Notice = *title
		}
		db, err := d.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		today := workday.DateOf(time.Now().In(shanghai()))
		n, err := web.SaveCalendarYear(ctx, db, disclosure.SystemActor, y, today)
		if err != nil {
			return userError(err)
		}
		for _, h := range y.Holidays {
			fmt.Fprintf(stdout, "%s：%s 至 %s\n", h.Name, h.From.Chinese(), h.To.Chinese())
		}
		fmt.Fprintf(stdout, "已录入 %d 年节假日安排（%d 个调休上班日），重新计算了 %d 件在办申请的答复期限\n", y.Year, len(y.Workdays), n)
		return nil
	}
	return &exitError{code: 2, msg: usage}
}
