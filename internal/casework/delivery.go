package casework

import (
	"fmt"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fee"
	"github.com/gongkai/gongkai/internal/workday"
)

// The ways a notice goes out.
const (
	viaElectronic = "electronic"
	viaPost       = "post"
)

const (
	// consultDays is the period of a third party (Art 32: "自收到征求意见书之日起15个工作日内提出意见") and of a
	// co-producing agency (Art 34).
	consultDays = 15
	// feePayDays is the payment period of a fee notice: "申请人应当在收到收费通知的次日起20个工作日内缴纳费用"
	// (国办函〔2020〕109号, as restated by the provinces' implementing notices).
	feePayDays = 20
)

// waitFor records the notice the case now waits on: sent on the step's date, by the step's way (or the default
// for the application), delivered at once when it went out electronically and the agency counts electronic
// delivery on the day sent. The addressee's period, and so StepDue, runs from delivery; until delivery is known
// StepDue is zero and no lapse can be recorded.
func waitFor(c *disclosure.Case, kind string, cmd Command, days int, s disclosure.AgencySettings, cal *workday.Calendar) error {
	via := cmd.Via
	if via == "" {
		via = viaPost
		if c.Channel == disclosure.Online || c.Channel == disclosure.Email {
			via = viaElectronic
		}
	}
	if via != viaPost && via != viaElectronic {
		return disclosure.Errorf(disclosure.EInvalid, "送达方式应为电子送达（electronic）或邮寄、当面送达（post）")
	}
	w := &disclosure.Waiting{Kind: kind, Sent: cmd.Date, Via: via, Days: days}
	if via == viaElectronic && s.ElectronicDelivery == "on_send" {
		w.Delivered = cmd.Date
	}
	c.Progress.Waiting = w
	c.StepDue = StepDue(c, cal)
	return nil
}

// StepDue is the deadline of the notice a case waits on, from its delivery and the calendar (zero while delivery
// is not known): what a new calendar year changes besides the reply deadline.
func StepDue(c *disclosure.Case, cal *workday.Calendar) workday.Date {
	w := c.Progress.Waiting
	switch {
	case w == nil:
		return c.StepDue // a case from before delivery was recorded keeps the date it had
	case w.Delivered.IsZero():
		return workday.Date{}
	}
	return cal.Due(w.Delivered, w.Days, nil).Due
}

// lapsed checks that the period of the notice the case waits on has run out by the step's date: the period runs
// from delivery, so without a recorded delivery nothing can lapse.
func lapsed(c *disclosure.Case, on workday.Date) error {
	w := c.Progress.Waiting
	if w == nil && !c.StepDue.IsZero() {
		// A notice sent before deliveries were recorded: its period ran from the day it was sent.
		if !on.After(c.StepDue) {
			return disclosure.Errorf(disclosure.EConflict, "期限至%s，期限届满前不能按逾期处理", c.StepDue.Chinese())
		}
		return nil
	}
	if w == nil {
		return disclosure.Errorf(disclosure.EConflict, "本申请没有等待申请人答复的告知书")
	}
	name := disclosure.WaitNames[w.Kind]
	if w.Delivered.IsZero() || c.StepDue.IsZero() {
		return disclosure.Errorf(disclosure.EConflict, "%s的期限自申请人收到之日起计算，尚未登记送达日期，不能按逾期处理；请先登记送达日期", name)
	}
	if !on.After(c.StepDue) {
		return disclosure.Errorf(disclosure.EConflict, "申请人于%s收到%s，期限至%s，期限届满前不能按逾期处理", w.Delivered.Chinese(), name, c.StepDue.Chinese())
	}
	return nil
}

// period is a notice's wording of a period that runs from receipt: the period, and the last day once delivery
// is known ("自收到本通知的次日起20个工作日内（即2026年5月6日前）").
func period(format string, days int, due workday.Date) string {
	p := fmt.Sprintf(format, days)
	if !due.IsZero() {
		p += "（即" + due.Chinese() + "前）"
	}
	return p
}

// periodEnd is the last day of a period, or how it is found while delivery is not known.
func periodEnd(due workday.Date, format string, days int) string {
	if due.IsZero() {
		return fmt.Sprintf(format, days)
	}
	return due.Chinese()
}

// StepWarnings are what an officer must know about the notice a case waits on as of today: a delivery not yet
// recorded, and a consultation that has run past the 15 working days Art 32 gives.
func StepWarnings(c *disclosure.Case, today workday.Date) []string {
	w := c.Progress.Waiting
	if w == nil || c.State.Closed() {
		return nil
	}
	name := disclosure.WaitNames[w.Kind]
	switch {
	case w.Delivered.IsZero():
		return []string{fmt.Sprintf("%s已于%s发出，尚未登记送达日期：对方的期限自收到之日起计算，请在送达后登记", name, w.Sent.Chinese())}
	case w.Kind == disclosure.WaitConsult && today.After(c.StepDue):
		return []string{fmt.Sprintf("征求意见已超过15个工作日（对方应于%s前提出意见，《条例》第三十二条）：逾期未提出意见的，由本机关依照《条例》的规定决定是否公开", c.StepDue.Chinese())}
	}
	return nil
}

// Referral is the case another agency in the system sees when an application is forwarded to it as not the
// forwarding agency's (Art 36(5)): a referral awaiting registration, with no clock and counted in no report of
// the receiving agency until an officer there registers it with the day it received it (RegisterReferral, Art 31).
// ReceivedOn holds the day it was forwarded until then.
func Referral(c *disclosure.Case, to int64, on workday.Date) *disclosure.Case {
	t := *c
	t.ID, t.AgencyID, t.Number, t.QueryCode = 0, to, "", ""
	t.Channel, t.ReceivedOn, t.State = disclosure.Transfer, on, disclosure.Referred
	t.TransferredFrom = &c.ID
	t.Outcome, t.Basis, t.ClosedOn, t.AssigneeID, t.Flags, t.Due, t.Paused = "", "", workday.Date{}, nil, nil, workday.Date{}, false
	t.Clock = nil
	t.Reply, t.Extension, t.Fee, t.FixRequested, t.StepDue, t.Progress = nil, nil, nil, false, workday.Date{}, disclosure.CaseProgress{}
	t.Version = 0
	return &t
}

func feeMethodName(m string) string { return fee.Method(m).Name() }
