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
}

// Due returns the due date (zero when no period runs).
func (d Deadline) Due() workday.Date {
	if !d.Running {
		return workday.Date{}
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
	if s.ReceiptOnNonWorkingDay == "next_working_day" && !cal.IsWorkday(d.Start) {
		d.Received = d.Start
		d.Start = cal.NextWorkday(d.Start)
	}
	d.Days = s.ReplyWorkingDays
	var pauses []workday.Pause
	for _, e := range clock {
		switch e.Kind {
		case disclosure.ClockExtension:
			d.Days += e.Days
			d.Extended += e.Days
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
		fmt.Fprintf(&b, "%s收到申请，当日为非工作日，按本机关规定视为%s收到。", d.Received.Chinese(), d.Start.Chinese())
	}
	if d.Extended > 0 {
		fmt.Fprintf(&b, "答复期限为%d个工作日，经批准延长%d个工作日。", d.Days-d.Extended, d.Extended)
	}
	b.WriteString(d.Result.Explain())
	if d.Paused {
		b.WriteString("目前计时暂停中，截止日期将随暂停结束而顺延。")
	}
	return b.String()
}

// Remaining returns the working days from today to the due date: positive before it, 0 on it, negative when
// overdue by that many working days.
func (d Deadline) Remaining(cal *workday.Calendar, today workday.Date) int {
	if !d.Running {
		return 0
	}
	return cal.WorkdaysBetween(today, d.Result.Due)
}
