package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gongkai/gongkai/internal/annual"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// annualRemindDays is how long before the deadline of last year's annual report the reminder starts.
const annualRemindDays = 10

// RemindAnnual sends, once a day after the reminder hour, each officer and approver with an e-mail address the
// agencies whose report for last year is not yet published although its deadline (31 January, or 31 March for a
// region government's own report) is within 10 days or has passed, until it is published. A supervisor (政务公开办)
// gets the same daily summary for every agency of its region, with a link to the supervision page. It returns how
// many reminders it queued.
func (r *Runner) RemindAnnual(ctx context.Context) (int, error) {
	now := r.now().In(r.Location)
	if now.Hour() < r.ReminderHour {
		return 0, nil
	}
	today := workday.DateOf(now)
	year := today.Year - 1
	// Nothing is due after 31 March; and the reminders stop when the next year's work begins.
	if today.Month > 6 {
		return 0, nil
	}
	first, err := r.DB.ClaimJobRun(ctx, "annual_reminder", today.String())
	if err != nil || !first {
		return 0, err
	}
	users, err := r.DB.ListUsers(ctx)
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, u := range users {
		if u.Email == "" || u.Disabled {
			continue
		}
		ids, err := r.grantedAgencies(ctx, u, disclosure.Officer, disclosure.Approver, disclosure.Supervisor)
		if err != nil {
			return queued, err
		}
		supervises := slices.ContainsFunc(u.Grants, func(g disclosure.Grant) bool { return g.Role == disclosure.Supervisor && g.AgencyID != nil })
		var lines []string
		for _, id := range ids {
			a, err := r.DB.GetAgency(ctx, id)
			if err != nil {
				return queued, err
			}
			due := annual.Deadline(a.Kind, year)
			left := annual.DaysBetween(today, due)
			if left > annualRemindDays {
				continue
			}
			state := "未开始"
			if rep, err := r.DB.GetAnnualReport(ctx, id, year); err == nil {
				if rep.Status == disclosure.AnnualPublished {
					continue
				}
				state = disclosure.AnnualStatusNames[rep.Status]
			} else if disclosure.ErrorCode(err) != disclosure.ENotFound {
				return queued, err
			}
			when := fmt.Sprintf("还有 %d 天", left)
			if left < 0 {
				when = fmt.Sprintf("已逾期 %d 天", -left)
			}
			lines = append(lines, fmt.Sprintf("%s：须于%s前发布，%s，目前%s。%s/console/annual/%d/%d", a.Name, due.Chinese(), when, state, strings.TrimRight(r.BaseURL, "/"), a.ID, year))
		}
		if len(lines) == 0 {
			continue
		}
		text := fmt.Sprintf("%s：\n\n以下单位的%d年政府信息公开工作年度报告尚未发布（《中华人民共和国政府信息公开条例》第四十九条）：\n\n  %s\n\n本邮件由系统每日自动发送，报告发布后不再提醒。",
			u.DisplayName, year, strings.Join(lines, "\n  "))
		if supervises {
			text += fmt.Sprintf("\n\n本地区各单位年度报告的编制和发布情况：%s/console/supervision?year=%d", strings.TrimRight(r.BaseURL, "/"), year)
		}
		if err := r.DB.EnqueueMail(ctx, disclosure.Mail{To: u.Email, Subject: fmt.Sprintf("年度报告提醒：%d年度报告尚未发布（%d 个单位）", year, len(lines)), Text: text}); err != nil {
			return queued, err
		}
		queued++
	}
	return queued, nil
}
