package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// releaser is the actor of scheduled publications in the items' history and the audit trail.
var releaser = catalogue.Actor{Who: catalogue.BySystem, Name: "系统（定时发布）"}

// errNotDue says the item is no longer waiting for its moment: unscheduled, rescheduled or released already.
var errNotDue = errors.New("jobs: item not due")

// ReleaseScheduled publishes the items whose scheduled moment has come (catalogue.Release by the system) and
// returns how many it published. With several processes each may find the same items: the store reads an item
// locked and the step checks it is still scheduled and due, so only one publishes it and the others skip it
// quietly, as they skip an item an officer unscheduled meanwhile.
func (r *Runner) ReleaseScheduled(ctx context.Context) (int, error) {
	now := r.now()
	ids, err := r.DB.ScheduledDue(ctx, now)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	cal, err := r.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	today := workday.DateOf(now.In(r.Location))
	agencies := map[int64]*disclosure.Agency{}
	released := 0
	for _, id := range ids {
		err := r.release(ctx, id, cal, today, agencies)
		switch {
		case err == nil:
			released++
		case errors.Is(err, errNotDue), disclosure.ErrorCode(err) == disclosure.EConflict, disclosure.ErrorCode(err) == disclosure.ENotFound:
			// Another process released it first, or an officer changed it: nothing to do.
		default:
			return released, err
		}
	}
	return released, nil
}

func (r *Runner) release(ctx context.Context, id int64, cal *workday.Calendar, today workday.Date, agencies map[int64]*disclosure.Agency) error {
	it, err := r.DB.GetItem(ctx, id)
	if err != nil {
		return err
	}
	a := agencies[it.AgencyID]
	if a == nil {
		if a, err = r.DB.GetAgency(ctx, it.AgencyID); err != nil {
			return err
		}
		agencies[it.AgencyID] = a
	}
	now := r.now()
	ch, err := r.DB.UpdateItem(ctx, disclosure.Actor{Name: releaser.Name, Role: "system"}, id, func(_ context.Context, it *disclosure.Item) (*disclosure.ItemChange, error) {
		if it.State != disclosure.ItemScheduled || it.PublishAt == nil || it.PublishAt.After(now) {
			return nil, errNotDue
		}
		return catalogue.Decide(it, catalogue.Command{Action: catalogue.Release, Actor: releaser, Now: now, Today: today}, catalogue.Env{Agency: a, Calendar: cal})
	})
	if err != nil {
		return err
	}
	r.Log.Info("scheduled item published", "item", id, "index", ch.Item.IndexNumber, "warnings", strings.Join(ch.Warnings, "；"))
	return nil
}

// maxRemindedItems bounds each list of a reminder; the mail links to the whole list in the console.
const maxRemindedItems = 30

// RemindItems sends, once a day after the reminder hour and on working days, each officer with an e-mail address
// the list of their agencies' items that are late or soon late under Art 26 (not yet published, formed more than
// 20 working days ago or within catalogue.SoonDays of that) and of published items due for periodic review
// (动态调整). It returns how many reminders it queued; 0 when the day's run was already done, here or by another
// process.
func (r *Runner) RemindItems(ctx context.Context) (int, error) {
	today, cal, due, err := r.workdayRun(ctx, "item_reminder")
	if err != nil || !due {
		return 0, err
	}
	users, err := r.DB.ListUsers(ctx)
	if err != nil {
		return 0, err
	}
	cutoff := catalogue.LateCutoff(cal, today)
	queued := 0
	for _, u := range users {
		if u.Email == "" || u.Disabled {
			continue
		}
		agencies, err := r.grantedAgencies(ctx, u, disclosure.Officer)
		if err != nil {
			return queued, err
		}
		if len(agencies) == 0 {
			continue
		}
		late, lateTotal, err := r.DB.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: agencies, FormedBefore: cutoff, Order: "updated", Limit: maxRemindedItems})
		if err != nil {
			return queued, err
		}
		review, reviewTotal, err := r.DB.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: agencies, ReviewBy: today, Limit: maxRemindedItems})
		if err != nil {
			return queued, err
		}
		if lateTotal == 0 && reviewTotal == 0 {
			continue
		}
		if err := r.DB.EnqueueMail(ctx, itemReminderMail(u, late, lateTotal, review, reviewTotal, cal, today, r.BaseURL)); err != nil {
			return queued, err
		}
		queued++
	}
	return queued, nil
}

func itemReminderMail(u *disclosure.User, late []disclosure.Item, lateTotal int, review []disclosure.Item, reviewTotal int, cal *workday.Calendar, today workday.Date, base string) disclosure.Mail {
	base = strings.TrimRight(base, "/")
	var overdue, soon []string
	for _, it := range late {
		l, ok := catalogue.LatenessOf(cal, it.FormedOn, today)
		if !ok {
			continue
		}
		line := fmt.Sprintf("%s（%s，%s）%s/console/items/%d", shorten(it.Title, 40), disclosure.ItemStateNames[it.State], l, base, it.ID)
		if l.Late {
			overdue = append(overdue, line)
		} else {
			soon = append(soon, line)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s：\n\n以下主动公开事项需要处理（%s）。\n", u.DisplayName, today.Chinese())
	if len(overdue) > 0 {
		fmt.Fprintf(&b, "\n超过《条例》第二十六条规定的20个工作日仍未公开：\n  %s\n", strings.Join(overdue, "\n  "))
	}
	if len(soon) > 0 {
		fmt.Fprintf(&b, "\n%d个工作日内将到公开期限：\n  %s\n", catalogue.SoonDays, strings.Join(soon, "\n  "))
	}
	if lateTotal > len(late) {
		fmt.Fprintf(&b, "  ……共 %s 条，全部列表：%s/console/items?view=late\n", countText(lateTotal), base)
	}
	if reviewTotal > 0 {
		var lines []string
		for _, it := range review {
			lines = append(lines, fmt.Sprintf("%s（评估日期 %s）%s/console/items/%d", shorten(it.Title, 40), it.ReviewOn.Chinese(), base, it.ID))
		}
		fmt.Fprintf(&b, "\n已到定期评估日期（请确认是否继续有效，或标注失效、废止）：\n  %s\n", strings.Join(lines, "\n  "))
		if reviewTotal > len(review) {
			fmt.Fprintf(&b, "  ……共 %s 条，全部列表：%s/console/items?view=review_due\n", countText(reviewTotal), base)
		}
	}
	b.WriteString("\n本邮件由系统每个工作日自动发送。")
	return disclosure.Mail{To: u.Email, Subject: fmt.Sprintf("主动公开提醒：%s 条逾期或即将逾期未公开，%s 条待定期评估", countText(lateTotal), countText(reviewTotal)), Text: b.String()}
}

// countText writes a capped count of the store (more than 10,000 is "10000 余").
func countText(n int) string {
	if n > 10000 {
		return "10000 余"
	}
	return fmt.Sprint(n)
}

func shorten(s string, n int) string {
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n]) + "……"
	}
	return s
}
