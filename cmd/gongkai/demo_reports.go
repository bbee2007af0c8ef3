package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/annual"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// demoReportYear is the report year being written on the day: last year, or in December the year about to end
// (whose reports are due on 31 January) — the year the supervision page opens on. A year's report is published
// only once the year has ended (annual.Publishable, Art 49), so in December that year's reports are drafts and
// under review, none published.
func demoReportYear(today workday.Date) int {
	if today.Month == time.December {
		return today.Year
	}
	return today.Year - 1
}

// demoMarker is a placeholder of a draft; the demo writes something in its place where a report is finished.
var demoMarker = regexp.MustCompile(`【请补充[^】]*】`)

// demoFill is what the demo writes for a placeholder of a finished report: 0 for a count, 无 where the draft says
// to write 无 when there is nothing, else a sentence marked as demo text.
func demoFill(marker string) string {
	switch {
	case strings.Contains(marker, "件数") || strings.Contains(marker, "条数"):
		return "0"
	case strings.Contains(marker, "没有的写"):
		return "无"
	case strings.Contains(marker, "联系"):
		return "联系方式见本单位政府信息公开指南"
	}
	return "本单位按照年度政务公开工作要点开展了相关工作（示范文字）"
}

// demoReport is one annual report of the demo and the state it is brought to.
type demoReport struct {
	agency string
	year   int
	// state is "published", "in_review" or "draft"; on is the publication date the report states.
	state string
	on    workday.Date
	// findings leaves the placeholders and an inconsistent figure in a draft, so that its checks find errors.
	findings bool
	// correction, if set, is published afterwards as a correction (更正) with this reason.
	correction string
}

// seedDemoReports writes the annual reports of the demo agencies through the workflow, drafted from the demo's
// cases and catalogue: for the year being reported, one published, one under review, one draft with findings, and
// one (with the rest) not started; for the year before, one published after its deadline and one published in
// time and then corrected with a reason. The officer drafts and submits, the approver publishes.
func seedDemoReports(ctx context.Context, db *store.DB, stdout io.Writer, officer, approver *disclosure.User) error {
	today := workday.DateOf(time.Now().In(shanghai()))
	cur := demoReportYear(today)
	prev := cur - 1
	due := annual.Deadline(disclosure.Department, cur)
	onTime := today
	if onTime.After(due) {
		onTime = due.AddDays(-11)
	}
	plan := []demoReport{
		{agency: "平阴县卫生健康局", year: cur, state: disclosure.AnnualPublished, on: onTime},
		{agency: "临潭县卫生健康局", year: cur, state: disclosure.AnnualInReview},
		{agency: "朝阳县卫生健康局", year: cur, state: disclosure.AnnualDraft, findings: true},
		{agency: "积石山县卫生健康局", year: prev, state: disclosure.AnnualPublished, on: workday.NewDate(prev+1, time.February, 16)},
		{agency: "平阴县卫生健康局", year: prev, state: disclosure.AnnualPublished, on: workday.NewDate(prev+1, time.January, 20),
			correction: "第六部分（五）补充说明：第三部分数据含上年结转至本年度办结的申请。"},
	}
	if annual.Publishable(cur, today) != nil {
		plan[0].state = disclosure.AnnualDraft // the year has not ended: 平阴's report is written, not yet published
	}
	all, err := db.ListAgencies(ctx, nil)
	if err != nil {
		return err
	}
	byName := map[string]*disclosure.Agency{}
	for _, a := range all {
		byName[a.Name] = a
	}
	off := disclosure.Actor{UserID: &officer.ID, Name: officer.DisplayName, Role: string(disclosure.Officer)}
	appr := disclosure.Actor{UserID: &approver.ID, Name: approver.DisplayName, Role: string(disclosure.Approver)}
	for _, p := range plan {
		a := byName[p.agency]
		if a == nil {
			return fmt.Errorf("demo report: no agency %s", p.agency)
		}
		if err := p.seed(ctx, db, a, off, appr); err != nil {
			return fmt.Errorf("demo report of %s for %d: %w", p.agency, p.year, err)
		}
	}
	states := "已发布、审核中、有待改正问题的草稿和未开始的各一份以上"
	if annual.Publishable(cur, today) != nil {
		states = "草稿、审核中、有待改正问题的草稿和未开始的各一份以上（该年度尚未结束，不发布）"
	}
	fmt.Fprintf(stdout, "已创建年度报告示范：%d年度%s，%d年度逾期发布和发布后更正的各一份（“政务公开监督”页面可见）。\n", cur, states, prev)
	return nil
}

// seed drafts the report from the live figures and takes it through the workflow to its state.
func (p demoReport) seed(ctx context.Context, db *store.DB, a *disclosure.Agency, off, appr disclosure.Actor) error {
	rep, err := annual.Draft(ctx, db, a, p.year)
	if err != nil {
		return err
	}
	if p.findings {
		// One more application than the cases say: the reconciliation of section 三 and the live figures disagree.
		v, _ := rep.Value(report.TableRequests, report.RowNew, "natural_person")
		rep.Set(report.TableRequests, report.RowNew, "natural_person", v+1)
	} else {
		rep = finish(rep)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	stored := &disclosure.AnnualReport{AgencyID: a.ID, Year: p.year, Era: string(rep.Era), Source: "console", Data: data}
	if err := db.SaveAnnualDraft(ctx, off, stored); err != nil {
		return err
	}
	if p.state == disclosure.AnnualDraft {
		return nil
	}
	sub, err := db.SubmitAnnualReport(ctx, off, stored.ID, stored.Version)
	if err != nil {
		return err
	}
	if p.state == disclosure.AnnualInReview {
		return nil
	}
	rep.Published, rep.Signed = p.on.String(), p.on.String()
	if data, err = json.Marshal(rep); err != nil {
		return err
	}
	pub, err := db.PublishAnnualReport(ctx, appr, stored.ID, sub.Version, data)
	if err != nil {
		return err
	}
	if p.correction == "" {
		return nil
	}
	for i := range rep.Sections {
		for j := range rep.Sections[i].Items {
			if it := &rep.Sections[i].Items[j]; it.ID == "statistics" {
				it.Text += "第三部分数据含上年结转至本年度办结的申请。"
			}
		}
	}
	if data, err = json.Marshal(rep); err != nil {
		return err
	}
	_, err = db.CorrectAnnualReport(ctx, off, stored.ID, pub.Version, data, nil, p.correction)
	return err
}

// finish writes every placeholder of a draft out, as the officer does before submitting it.
func finish(rep *report.Report) *report.Report {
	out := *rep
	out.Title = demoMarker.ReplaceAllStringFunc(out.Title, demoFill)
	out.Preamble = demoMarker.ReplaceAllStringFunc(out.Preamble, demoFill)
	out.Sections = nil
	for _, s := range rep.Sections {
		s.Text = demoMarker.ReplaceAllStringFunc(s.Text, demoFill)
		items := make([]report.Item, len(s.Items))
		for i, it := range s.Items {
			it.Text = demoMarker.ReplaceAllStringFunc(it.Text, demoFill)
			items[i] = it
		}
		s.Items = items
		out.Sections = append(out.Sections, s)
	}
	return &out
}
