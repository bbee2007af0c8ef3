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
	"github.com/gongkai/gongkai/internal/store"
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
	g, err := openGenerator(ctx, args, getenv, stderr, "cases", "件数", "收到申请的年度", 5_000_000)
	if err != nil {
		return err
	}
	defer g.db.Close()
	cal, err := web.LoadCalendar(ctx, g.db)
	if err != nil {
		return userError(err)
	}
	env := casework.Env{Calendar: cal, Agency: g.agency}
	started := time.Now()
	actor := disclosure.Actor{Name: "示范数据生成", Role: "system"}
	const batch = 5000
	for done := 0; done < g.count; done += batch {
		n := min(batch, g.count-done)
		changes, err := casework.GenerateCases(g.seed+uint64(done), env, g.year, n, g.today)
		if err != nil {
			return userError(err)
		}
		if err := g.db.ImportCases(ctx, actor, changes); err != nil {
			return userError(err)
		}
		fmt.Fprintf(stderr, "\r已生成 %d / %d 件", done+n, g.count)
	}
	fmt.Fprintf(stderr, "\n")
	fmt.Fprintf(stdout, "已为%s生成 %d 件 %d 年度的申请，用时 %.1f 秒\n", g.agency.Name, g.count, g.year, time.Since(started).Seconds())
	return nil
}

// generator is what `cases generate` and `items generate` share: the database, the agency, and the run's seed,
// year and size, checked.
type generator struct {
	db          *store.DB
	agency      *disclosure.Agency
	seed        uint64
	year, count int
	today       workday.Date
}

// openGenerator reads `<what> generate --agency --year --count --seed`, checks them (count at most maxCount) and
// opens the database; unit names what is counted (件数, 条数), yearMeans what the year is.
func openGenerator(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer, what, unit, yearMeans string, maxCount int) (*generator, error) {
	if len(args) == 0 || args[0] != "generate" {
		return nil, &exitError{code: 2, msg: fmt.Sprintf("用法：gongkai %s generate --agency 单位编号 --year 年度 --count %s [--seed 种子]", what, unit)}
	}
	fs := newFlagSet(what+" generate", stderr)
	var d dbFlags
	d.register(fs, getenv)
	agency := fs.Int64("agency", 0, "单位编号")
	year := fs.Int("year", 0, yearMeans)
	count := fs.Int("count", 1000, "生成的"+unit)
	seed := fs.Uint64("seed", 1, "随机种子（相同种子生成相同数据）")
	if _, err := parseFlags(fs, args[1:]); err != nil {
		return nil, err
	}
	today := workday.DateOf(time.Now().In(shanghai()))
	switch {
	case *year < 2008 || *year > today.Year:
		return nil, &exitError{code: 2, msg: fmt.Sprintf("--year 应为 2008—%d 之间的年度", today.Year)}
	case *count < 1 || *count > maxCount:
		return nil, &exitError{code: 2, msg: fmt.Sprintf("--count 应为 1—%d", maxCount)}
	}
	db, err := d.open(ctx)
	if err != nil {
		return nil, err
	}
	a, err := db.GetAgency(ctx, *agency)
	if err != nil {
		db.Close()
		return nil, userError(err)
	}
	return &generator{db: db, agency: a, seed: *seed, year: *year, count: *count, today: today}, nil
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
