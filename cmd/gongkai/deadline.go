package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/gongkai/gongkai/internal/workday"
)

// pausesFlag collects repeated --pause FROM:TO values.
type pausesFlag []workday.Pause

func (p *pausesFlag) String() string {
	var parts []string
	for _, x := range *p {
		parts = append(parts, x.From.String()+":"+x.To.String())
	}
	return strings.Join(parts, " ")
}

func (p *pausesFlag) Set(v string) error {
	from, to, ok := strings.Cut(strings.ReplaceAll(v, "：", ":"), ":")
	if !ok {
		to = from // a single day
	}
	a, err := workday.ParseDate(from)
	if err != nil {
		return fmt.Errorf("暂停期间“%s”的开始日有误：%v；格式应为 开始日:结束日，如 2026-03-02:2026-03-06", v, err)
	}
	b, err := workday.ParseDate(to)
	if err != nil {
		return fmt.Errorf("暂停期间“%s”的结束日有误：%v；格式应为 开始日:结束日，如 2026-03-02:2026-03-06", v, err)
	}
	if b.Before(a) {
		return fmt.Errorf("暂停期间“%s”的结束日早于开始日：请把开始日写在前面", v)
	}
	*p = append(*p, workday.Pause{From: a, To: b})
	return nil
}

// runDeadline computes a statutory deadline on the embedded holiday calendar. It needs no database, so an
// officer can check a date on any machine.
func runDeadline(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("deadline", stderr)
	from := fs.String("from", "", "起算日（收到申请的日期，当日不计入），如 2026-02-10")
	days := fs.Int("days", 20, "期限（工作日数）：答复20，延长20，补正告知7，第三方答复15")
	var pauses pausesFlag
	fs.Var(&pauses, "pause", "不计入期限的暂停期间 开始日:结束日（含两端），可重复，如 2026-03-02:2026-03-06")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return &exitError{code: 2, msg: fmt.Sprintf("多余的参数 %q：用法为 gongkai deadline --from 2026-02-10 --days 20 [--pause 开始日:结束日 …]", rest[0])}
	}
	if strings.TrimSpace(*from) == "" {
		return &exitError{code: 2, msg: "请用 --from 填写起算日（收到申请的日期），如 --from 2026-02-10"}
	}
	start, err := workday.ParseDate(*from)
	if err != nil {
		return &exitError{code: 2, msg: "--from " + err.Error()}
	}
	if *days < 0 || *days > workday.MaxDays {
		return &exitError{code: 2, msg: fmt.Sprintf("--days %d 无效：请填写0到%d之间的工作日数", *days, workday.MaxDays)}
	}
	r := workday.Default().Due(start, *days, pauses)
	fmt.Fprintln(stdout, r.Due.String())
	fmt.Fprintln(stdout, r.Explain())
	for _, w := range r.Warnings() {
		fmt.Fprintln(stdout, "注意："+w)
	}
	return nil
}
