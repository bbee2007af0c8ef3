package casework

import (
	"fmt"
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// Deadline is the reply deadline of a case as the ledger and the calendar give it.
type Deadline struct {
	// Running is false when no reply period runs (before receipt, while waiting for the corrected application,
	// after the case closed).
	Running bool
	// Paused is true while a pause is open; Due then assumes the pause ends today, so it can only move later.
	Paused bool
	// Start is the day the period runs from (not counted), after the agency's non-working-day receipt policy.
	Start workday.Date
	// Received is the receipt date as recorded, when the policy moved Start.
	Received workday.Date
	// Days is the reply period in working days, extensions included; Extended the part added by extensions.
	Days, Extended int
	// Result is the calendar's count, with what it skipped.
	Result workday.Result
	// Policy is the agency's ground for counting a non-working-day receipt from the next working day, when it
	// does (ReceiptPolicyReason).
	Policy string
	// Agreed is a reasonable later reply date set under Art 35 after the applicant's reasons were accepted; when
	// later than the counted date it is the deadline.
	Agreed workday.Date
}

// Provisional reports whether the deadline reaches into a year whose holiday notice has not been entered: the
// date may still move when it is (1 January is assumed a holiday meanwhile).
func (d Deadline) Provisional() bool { return d.Running && len(d.Result.Unknown) > 0 }

// Due returns the due date (zero when no period runs).
func (d Deadline) Due() workday.Date {
	if !d.Running {
		return workday.Date{}
	}
	if d.Agreed.After(d.Result.Due) {
		return d.Agreed
	}
	return d.Result.Due
}

// ComputeDeadline recomputes the reply deadline from the clock ledger: the period runs from the latest start (the
// receipt, or the corrected application), for the agency's reply period plus approved extensions, not counting the
// working days inside pauses that began after the start. It is deterministic: the same ledger, settings and
// calendar always give the same date; today matters only for a pause still open.
func ComputeDeadline(cal *workday.Calendar, s disclosure.AgencySettings, clock []disclosure.ClockEntry, today workday.Date) Deadline {
	s = s.WithDefaults()
	var d Deadline
	startAt := -1
	for i, e := range clock {
		switch e.Kind {
		case disclosure.ClockStart:
			startAt = i
			d.Running = true
		case disclosure.ClockStop:
			d.Running = false
		}
	}
	if startAt < 0 || !d.Running {
		return Deadline{}
	}
	d.Start = clock[startAt].From
	// Art 31 fixes the receipt day; counting starts the next day and skips non-working days, so a receipt on a
	// Saturday adds nothing. An agency may count from the next working day only with a stated ground.
	if s.ReceiptOnNonWorkingDay == "next_working_day" && strings.TrimSpace(s.ReceiptPolicyReason) != "" && !cal.IsWorkday(d.Start) {
		d.Received = d.Start
		d.Start = cal.NextWorkday(d.Start)
		d.Policy = strings.TrimSpace(s.ReceiptPolicyReason)
	}
	d.Days = s.ReplyWorkingDays
	var pauses []workday.Pause
	for _, e := range clock {
		switch e.Kind {
		case disclosure.ClockExtension:
			d.Days += e.Days
			d.Extended += e.Days
		case disclosure.ClockAgreed:
			if !e.From.Before(clock[startAt].From) {
				d.Agreed = e.To
			}
		case disclosure.ClockPause:
			to := e.To
			if to.IsZero() {
				d.Paused = true
				to = today
				if to.Before(e.From) {
					to = e.From
				}
			}
			if to.Before(clock[startAt].From) {
				continue // a pause of an earlier period
			}
			pauses = append(pauses, workday.Pause{From: e.From, To: to, Reason: e.Reason, Article: e.Article})
		}
	}
	d.Result = cal.Due(d.Start, d.Days, pauses)
	return d
}

// Explain says in one or two Chinese sentences how the deadline was reached, from the calendar's explanation and
// what the ledger adds (an extension, the non-working-day policy, an open pause).
func (d Deadline) Explain() string {
	if !d.Running {
		return "当前不计算答复期限。"
	}
	var b strings.Builder
	if !d.Received.IsZero() {
		fmt.Fprintf(&b, "%s收到申请，当日为非工作日，按本机关规定（%s）视为%s收到。", d.Received.Chinese(), d.Policy, d.Start.Chinese())
	}
	if d.Extended > 0 {
		fmt.Fprintf(&b, "答复期限为%d个工作日，经批准延长%d个工作日。", d.Days-d.Extended, d.Extended)
	}
	b.WriteString(d.Result.Explain())
	if d.Agreed.After(d.Result.Due) {
		fmt.Fprintf(&b, "申请人说明理由后，本机关依照《条例》第三十五条确定合理的答复期限至%s（不属于第三十三条规定的延长）。", d.Agreed.Chinese())
	}
	if d.Paused {
		b.WriteString("目前计时暂停中，截止日期将随暂停结束而顺延。")
	}
	if d.Provisional() {
		fmt.Fprintf(&b, "%s年的节假日安排尚未公布，截止日期按周一至周五工作、1月1日元旦放假推定，为暂定日期，安排公布后可能调整。", joinYears(d.Result.Unknown))
	}
	return b.String()
}

// Remaining returns the working days from today to the due date: positive before it, 0 on it, negative when
// overdue by that many working days.
func (d Deadline) Remaining(cal *workday.Calendar, today workday.Date) int {
	if !d.Running {
		return 0
	}
	return cal.WorkdaysBetween(today, d.Due())
}

func joinYears(ys []int) string {
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, "、")
}
