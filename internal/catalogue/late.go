package catalogue

import (
	"fmt"

	"github.com/gongkai/gongkai/internal/workday"
)

// SoonDays is how many working days before Art 26's last day an unpublished item counts as soon late: the console
// lists it, and the daily reminder names it, while there is still time to publish.
const SoonDays = 3

// Lateness is where an unpublished item stands against Art 26: the last day to publish it, whether that day has
// passed, and how many working days are left (negative: how many days late).
type Lateness struct {
	By   workday.Date
	Late bool
	Left int
}

// LatenessOf returns the item's Art 26 standing on the day; ok is false when the item has no formed date.
func LatenessOf(cal *workday.Calendar, formed, today workday.Date) (l Lateness, ok bool) {
	if formed.IsZero() {
		return Lateness{}, false
	}
	by := PublishBy(cal, formed)
	return Lateness{By: by, Late: today.After(by), Left: cal.WorkdaysBetween(today, by)}, true
}

// String says it in a line for lists and reminders.
func (l Lateness) String() string {
	if l.Late {
		return fmt.Sprintf("应于%s前公开，已逾期 %d 个工作日", l.By.Chinese(), -l.Left)
	}
	if l.Left == 0 {
		return fmt.Sprintf("应于%s前公开，今天是最后一天", l.By.Chinese())
	}
	return fmt.Sprintf("应于%s前公开，还剩 %d 个工作日", l.By.Chinese(), l.Left)
}

// LateCutoff returns the first formed date that is neither late nor soon late on the day: unpublished items formed
// before it (disclosure.ItemFilter.FormedBefore) are late under Art 26 or will be within SoonDays working days.
// PublishBy never decreases as the formed date moves on, so the cutoff is found walking back from the limit.
func LateCutoff(cal *workday.Calendar, today workday.Date) workday.Date {
	limit := cal.Due(today, SoonDays, nil).Due
	d := limit
	for i := 0; i < 400 && PublishBy(cal, d).After(limit); i++ {
		d = d.AddDays(-1)
	}
	return d.AddDays(1)
}
