package casework

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fee"
	"github.com/gongkai/gongkai/internal/workday"
)

// Actor is who takes a step: the kind (officer, approver, applicant, system), and for staff the account.
type Actor struct {
	Who    Who
	UserID *int64
	Name   string
}

// Command is one step asked for: the action and what it needs. Fields an action does not use are ignored.
type Command struct {
	Action Action
	Actor  Actor
	// Today is the local date the step is taken, Now the moment (for the event's time).
	Today workday.Date
	Now   time.Time
	// Version, when not 0, must equal the case's version: a step taken from a stale page is refused.
	Version int
	// Note is the comment, reason or the applicant's words that go with the step.
	Note string
	// Date is the day the step happened when it is not today (a letter with the correction, a payment, a delivery,
	// the day the reply went out); zero means today.
	Date workday.Date
	// Days is an extension's working days.
	Days int
	// Items are the 补正 items, or the subject of a consultation.
	Items string
	// Party and PartyKind ("third_party" or "agency") name whom a consultation asks.
	Party, PartyKind string
	// FeeMethod and FeeUnits quote a fee: per case (件) or per page (页).
	FeeMethod fee.Method
	FeeUnits  int
	// Reply is the draft reply.
	Reply disclosure.ReplyDraft
	// AssigneeID is the officer to assign.
	AssigneeID *int64
	// Via is how a notice goes out: "electronic" (the portal, e-mail) or "post"; "" takes the default (electronic
	// for an application made online or by e-mail, post otherwise and for letters to third parties).
	Via string
	// Accepted is the agency's finding on the applicant's reasons (Art 35); Until the reasonable later reply date
	// it sets when it accepts them but cannot answer within the Art 33 period.
	Accepted bool
	Until    workday.Date
	// Correction is the reason for changing figures of a published report (更正), required when a step does so.
	Correction string
}

// Env is what a step needs to know besides the case: the calendar, the agency (with its settings) and where the
// portal is, for the links in e-mails.
type Env struct {
	Calendar *workday.Calendar
	Agency   *disclosure.Agency
	// ReviewBody names the reconsideration organ (ReconsiderationBody of the agency and its hierarchy).
	ReviewBody string
	// BaseURL is the portal's address, e.g. "https://gongkai.example.gov.cn".
	BaseURL string
}

// Decision is what Decide computed: the changed case, its event, the notices to issue (not yet numbered), the
// e-mails, a case to open at another agency, and the report years the change alters.
type Decision struct {
	Case     disclosure.Case
	Event    disclosure.CaseEvent
	Notices  []NoticeText
	Mails    []disclosure.Mail
	Transfer *disclosure.Case
	// Years are the years whose section 三 figures the step changes.
	Years []int
	// Warnings are shown to the officer and recorded with the event (a 补正 notice later than 7 working days).
	Warnings []string
}

// Decide applies one step to a case: it checks the transition table (who may, from which state), the step's own
// conditions and inputs, and computes the new case with its recomputed deadline. It is pure. templates returns the
// agency's notice template for a key (nil: the defaults); feePrior is the number of 件 charged per case to the same
// applicant in the agency this month (per-case fees are cumulative within a month): every application the
// applicant made to the agency earlier in the calendar month of this one (ApplicationsInMonth).
func Decide(c *disclosure.Case, cmd Command, env Env, templates func(key string) (Template, error), feePrior int) (*Decision, error) {
	t, ok := TransitionOf(cmd.Action)
	if !ok {
		return nil, disclosure.Errorf(disclosure.EInvalid, "未知的操作“%s”", cmd.Action)
	}
	s := env.Agency.Settings.WithDefaults()
	if t.By&cmd.Actor.Who == 0 {
		return nil, disclosure.Errorf(disclosure.EForbidden, "您没有权限执行“%s”（%s）", t.Name, whoAllowed(t.By))
	}
	if !slices.Contains(t.From, c.State) {
		return nil, disclosure.Errorf(disclosure.EConflict, "申请当前状态为“%s”，不能执行“%s”", disclosure.StateNames[c.State], t.Name)
	}
	if cmd.Version != 0 && cmd.Version != c.Version {
		return nil, disclosure.Errorf(disclosure.EConflict, "该申请已被他人更新，请刷新页面查看最新情况后再操作")
	}
	if err := precondition(c, s, cmd.Action); err != nil {
		return nil, err
	}
	cmd.Note = strings.TrimSpace(cmd.Note)
	if utf8.RuneCountInString(cmd.Note) > 4000 {
		return nil, disclosure.Errorf(disclosure.EInvalid, "说明过长（最多 4000 个字）")
	}
	if cmd.Date.IsZero() {
		cmd.Date = cmd.Today
	}
	if cmd.Date.After(cmd.Today) {
		return nil, disclosure.Errorf(disclosure.EInvalid, "日期 %s 晚于今天，请填写实际发生的日期", cmd.Date.Chinese())
	}
	if cmd.Date.Before(c.ReceivedOn) {
		return nil, disclosure.Errorf(disclosure.EInvalid, "日期 %s 早于收到申请的日期 %s", cmd.Date.Chinese(), c.ReceivedOn.Chinese())
	}
	before := c.Application
	next := cloneCase(c)
	d := &Decision{}
	n := &noticer{c: next, env: env, s: s, templates: templates, today: cmd.Today}
	data := map[string]any{}
	dl := ComputeDeadline(env.Calendar, s, c.Clock, cmd.Today)
	cal := env.Calendar

	switch cmd.Action {
	case Accept:
		if next.AssigneeID == nil && cmd.Actor.Who&ByOfficer != 0 {
			next.AssigneeID = cmd.Actor.UserID // whoever accepts a case handles it, until it is assigned to someone else
		}
		n.add(NoticeReceipt, NoticeReceipt, true, nil)

	case RequestFix:
		items := strings.TrimSpace(cmd.Items)
		if items == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请写明需要补正的事项（《条例》第三十条：说明需要补正的事项和合理的补正期限）")
		}
		if limit := cal.Due(c.ReceivedOn, 7, nil).Due; cmd.Date.After(limit) {
			d.Warnings = append(d.Warnings, fmt.Sprintf("补正告知应于收到申请之日起7个工作日内（%s前）发出，本次已逾期（《条例》第三十条）", limit.Chinese()))
		}
		days := s.CorrectionWorkingDays
		next.FixRequested = true
		if err := waitFor(next, disclosure.WaitFix, cmd, days, s, cal); err != nil {
			return nil, err
		}
		next.Clock = append(next.Clock, disclosure.ClockEntry{Kind: disclosure.ClockStop, From: cmd.Date, Reason: "告知补正，答复期限自收到补正后的申请之日起计算", Article: "《条例》第三十条"})
		data["items"], data["due"] = items, next.StepDue.String()
		n.add(NoticeFix, NoticeFix, true, map[string]string{
			"补正事项": items, "补正期限": periodEnd(next.StepDue, "自收到本告知书之日起%d个工作日届满之日", days), "补正工作日数": fmt.Sprint(days),
			"补正时限": period("自收到本告知书之日起%d个工作日内", days, next.StepDue),
			"补正方式": "通过本机关政府信息公开专栏在线补正（凭查询码" + c.QueryCode + "）、邮寄或者当面",
		})

	case ReceiveFix, SubmitFix:
		text := cmd.Note
		if text == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请填写补正的内容（对所需信息的进一步说明）")
		}
		next.Request.Supplement = strings.TrimSpace(next.Request.Supplement + "\n" + text)
		if utf8.RuneCountInString(next.Request.Supplement) > 4000 {
			return nil, disclosure.Errorf(disclosure.EInvalid, "补正内容过长（最多 4000 个字）")
		}
		next.StepDue, next.Progress.Waiting = workday.Date{}, nil
		next.Clock = append(next.Clock, disclosure.ClockEntry{Kind: disclosure.ClockStart, From: cmd.Date, Reason: "收到补正后的申请", Article: "《条例》第三十条"})

	case FixLapsed:
		if err := lapsed(c, cmd.Date); err != nil {
			return nil, err
		}
		if err := closeWith(next, cmd, disclosure.OtherNoCorrection, "art30"); err != nil {
			return nil, err
		}
		n.reply(next, map[string]string{"补正告知日期": fixNoticeDate(c).Chinese(), "补正期限": c.StepDue.Chinese()})

	case Consult:
		party := strings.TrimSpace(cmd.Party)
		if party == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请填写被征求意见的第三方或机关名称")
		}
		if utf8.RuneCountInString(party) > 100 {
			return nil, disclosure.Errorf(disclosure.EInvalid, "第三方名称过长（最多 100 个字）")
		}
		key, reason, article := NoticeConsultation+".third_party", "征求第三方意见", "《条例》第三十二条、第三十三条第三款"
		if cmd.PartyKind == "agency" {
			key, reason, article = NoticeConsultation+".agency", "征求其他机关意见", "《条例》第三十三条第三款、第三十四条"
		} else if cmd.PartyKind != "" && cmd.PartyKind != "third_party" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "征求意见对象应为第三方或其他机关")
		}
		if cmd.Via == "" {
			cmd.Via = viaPost // a letter to a third party: its period runs from the day it is received (Art 32)
		}
		if err := waitFor(next, disclosure.WaitConsult, cmd, consultDays, s, cal); err != nil {
			return nil, err
		}
		next.Clock = append(next.Clock, disclosure.ClockEntry{Kind: disclosure.ClockPause, From: cmd.Date, Reason: reason + "（" + party + "）", Article: article})
		data["party"], data["kind"] = party, cmd.PartyKind
		n.add(NoticeConsultation, key, false, map[string]string{"第三方": party, "意见期限": periodEnd(next.StepDue, "自收到本函之日起%d个工作日届满之日", consultDays),
			"意见时限": period("自收到本函之日起%d个工作日内", consultDays, next.StepDue), "征求事项": strings.TrimSpace(cmd.Items)})

	case EndConsult:
		if err := endPause(next, cmd.Date); err != nil {
			return nil, err
		}
		if w := c.Progress.Waiting; w != nil && w.Kind == disclosure.WaitConsult {
			if !c.StepDue.IsZero() && cmd.Date.After(c.StepDue) {
				d.Warnings = append(d.Warnings, fmt.Sprintf("被征求意见方应于%s前提出意见（自收到征求意见函之日起15个工作日，《条例》第三十二条），本次意见已逾期；逾期未提出意见的，由本机关依照《条例》的规定决定是否公开", c.StepDue.Chinese()))
			} else if c.StepDue.IsZero() {
				d.Warnings = append(d.Warnings, "征求意见函的送达日期未登记，无法判断对方是否在15个工作日内提出意见（《条例》第三十二条）；请登记送达日期")
			}
		}
		next.StepDue, next.Progress.Waiting = workday.Date{}, nil

	case RequestExtension:
		if dl.Running && cmd.Today.After(dl.Due()) {
			return nil, disclosure.Errorf(disclosure.EConflict, "答复期限已于%s届满，不能再申请延期（延期须在答复期限内经负责人同意并告知申请人）", dl.Due().Chinese())
		}
		left := s.ExtensionWorkingDays - extended(c)
		if cmd.Days < 1 || cmd.Days > left {
			return nil, disclosure.Errorf(disclosure.EInvalid, "延长的工作日数应为 1—%d（《条例》第三十三条：延长的期限最长不得超过20个工作日）", left)
		}
		if cmd.Note == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请写明延期的理由，它将写入延期答复告知书")
		}
		next.Extension = &disclosure.ExtensionRequest{Days: cmd.Days, Reason: cmd.Note, RequestedBy: cmd.Actor.Name, RequestedID: cmd.Actor.UserID, At: cmd.Now}
		data["days"] = cmd.Days

	case ApproveExtension:
		x := c.Extension
		if sameUser(x.RequestedID, cmd.Actor.UserID) {
			return nil, disclosure.Errorf(disclosure.EForbidden, "延期申请须由他人审批，不能审批自己提出的延期申请")
		}
		if dl.Running && cmd.Today.After(dl.Due()) {
			return nil, disclosure.Errorf(disclosure.EConflict, "答复期限已于%s届满，不能再批准延期", dl.Due().Chinese())
		}
		next.Extension = nil
		next.Clock = append(next.Clock, disclosure.ClockEntry{Kind: disclosure.ClockExtension, From: cmd.Today, Days: x.Days, Reason: x.Reason, Article: "《条例》第三十三条第二款", By: cmd.Actor.Name})
		after := ComputeDeadline(cal, s, next.Clock, cmd.Today)
		data["days"] = x.Days
		n.add(NoticeExtension, NoticeExtension, true, map[string]string{
			"延期理由": strings.TrimRight(x.Reason, "。，；"), "延长工作日数": fmt.Sprint(x.Days), "原答复期限": dl.Due().Chinese(), "答复期限": after.Due().Chinese(),
		})

	case RejectExtension:
		if cmd.Note == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请写明不批准延期的理由")
		}
		next.Extension = nil

	case IssueFee:
		var q fee.Quote
		var err error
		switch cmd.FeeMethod {
		case fee.PerCase:
			q, err = fee.PerCaseQuote(feePrior, cmd.FeeUnits)
		case fee.PerPage:
			q, err = fee.PerPageQuote(cmd.FeeUnits)
		default:
			return nil, disclosure.Errorf(disclosure.EInvalid, "请选择收费方式：按件计收或按量计收（每件申请只能选择一种）")
		}
		if err != nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "%s", err.Error())
		}
		if q.Amount == 0 {
			return nil, disclosure.Errorf(disclosure.EInvalid, "按所选方式计算，本申请在免费范围内（%s），不应收取信息处理费", q.Explain())
		}
		if err := waitFor(next, disclosure.WaitFee, cmd, feePayDays, s, cal); err != nil {
			return nil, err
		}
		next.Fee = &disclosure.FeeNotice{Method: string(q.Method), Units: cmd.FeeUnits, Prior: q.Prior, Amount: q.Amount, On: cmd.Date}
		if s.FeeNoticePausesDeadline {
			next.Clock = append(next.Clock, disclosure.ClockEntry{Kind: disclosure.ClockPause, From: cmd.Date, Reason: "发出收费通知至缴费", Article: "国办函〔2020〕109号；本机关规定"})
		}
		data["method"], data["units"], data["amount"] = q.Method, cmd.FeeUnits, q.Amount
		pay := s.FeePayment
		if pay == "" {
			pay = "请按本机关另行告知的非税收入缴款方式缴纳，或联系本机关政府信息公开工作机构。"
		}
		n.add(NoticeFee, NoticeFee, true, map[string]string{
			"收费方式": q.Method.Name(), "收费明细": q.Explain(), "收费金额": fmt.Sprint(q.Amount), "缴费方式": pay,
			"缴费期限": periodEnd(next.StepDue, "自收到本通知的次日起%d个工作日届满之日", feePayDays), "缴费时限": period("自收到本通知的次日起%d个工作日内", feePayDays, next.StepDue),
		})

	case FeePaid, FeeWaived:
		if cmd.Action == FeeWaived && cmd.Note == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请写明减免信息处理费的理由")
		}
		f := *c.Fee
		f.Paid, f.Waived, f.SettledOn = cmd.Action == FeePaid, cmd.Action == FeeWaived, cmd.Date
		if f.Waived {
			f.WaiverReason = cmd.Note
		}
		next.Fee = &f
		next.StepDue, next.Progress.Waiting = workday.Date{}, nil
		closeOpenPauses(next, cmd.Date)

	case FeeLapsed:
		if err := lapsed(c, cmd.Date); err != nil {
			return nil, err
		}
		closeOpenPauses(next, cmd.Date)
		if err := closeWith(next, cmd, disclosure.OtherNoFee, "f109"); err != nil {
			return nil, err
		}
		n.reply(next, map[string]string{"收费通知日期": c.Fee.On.Chinese(), "缴费期限": c.StepDue.Chinese()})

	case NoticeDelivered:
		w := *c.Progress.Waiting
		if cmd.Date.Before(w.Sent) {
			return nil, disclosure.Errorf(disclosure.EInvalid, "送达日期%s早于%s的发出日期%s", cmd.Date.Chinese(), disclosure.WaitNames[w.Kind], w.Sent.Chinese())
		}
		w.Delivered = cmd.Date
		next.Progress.Waiting = &w
		next.StepDue = StepDue(next, cal)
		data["kind"], data["delivered"], data["due"] = w.Kind, w.Delivered.String(), next.StepDue.String()

	case AskReasons:
		next.Progress.ReasonsAsked = true
		days := s.ReasonsWorkingDays
		if err := waitFor(next, disclosure.WaitReasons, cmd, days, s, cal); err != nil {
			return nil, err
		}
		n.add(NoticeReasons, NoticeReasons, true, map[string]string{"说明理由时限": period("自收到本通知之日起%d个工作日内", days, next.StepDue)})

	case ReasonsReceived:
		accepted := cmd.Accepted
		next.Progress.ReasonsAccepted = &accepted
		next.StepDue, next.Progress.Waiting = workday.Date{}, nil
		data["accepted"] = accepted
		if !accepted {
			if cmd.Note == "" {
				return nil, disclosure.Errorf(disclosure.EInvalid, "请写明认为申请理由不合理的原因，它将写入不予处理告知书")
			}
			break
		}
		if cmd.Until.IsZero() {
			break // the reasons are accepted and the Art 33 period suffices
		}
		if dl.Running && !cmd.Until.After(dl.Due()) {
			return nil, disclosure.Errorf(disclosure.EInvalid, "确定的答复期限%s不晚于现行答复期限%s；理由合理且能在期限内答复的，无需另定期限", cmd.Until.Chinese(), dl.Due().Chinese())
		}
		next.Clock = append(next.Clock, disclosure.ClockEntry{Kind: disclosure.ClockAgreed, From: cmd.Date, To: cmd.Until, Reason: "申请人说明理由，理由合理但无法在规定期限内答复", Article: "《条例》第三十五条"})
		data["until"] = cmd.Until.String()
		n.add(NoticeLaterReply, NoticeLaterReply, true, map[string]string{"理由收到日期": cmd.Date.Chinese(), "原答复期限": dl.Due().Chinese()})

	case RegisterReferral:
		next.ReceivedOn = cmd.Date
		next.Clock = []disclosure.ClockEntry{{Kind: disclosure.ClockStart, From: cmd.Date, Reason: "收到其他机关转送的申请", Article: "《条例》第三十一条、第三十六条第（五）项"}}
		data["received_on"] = cmd.Date.String()

	case DraftReply:
		r, err := checkReply(c, cmd.Reply)
		if err != nil {
			return nil, err
		}
		r.DraftedBy, r.DraftedID = cmd.Actor.Name, cmd.Actor.UserID
		next.Reply = &r
		data["outcome"], data["basis"] = r.Outcome, r.Basis

	case SubmitReply:
		if c.Reply == nil {
			return nil, disclosure.Errorf(disclosure.EConflict, "请先拟定答复")
		}

	case ApproveReply:
		if sameUser(c.Reply.DraftedID, cmd.Actor.UserID) {
			return nil, disclosure.Errorf(disclosure.EForbidden, "答复须由他人审批，不能审批自己拟定的答复")
		}
		r := *c.Reply
		r.Approved, r.ApprovedBy = true, cmd.Actor.Name
		next.Reply = &r

	case RejectReply:
		if cmd.Note == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请写明退回修改的意见")
		}

	case SendReply:
		r := c.Reply
		if r == nil {
			return nil, disclosure.Errorf(disclosure.EConflict, "请先拟定答复")
		}
		if !s.SkipReplyApproval && !r.Approved {
			return nil, disclosure.Errorf(disclosure.EConflict, "答复尚未经审批，不能发出")
		}
		closeOpenPauses(next, cmd.Date)
		if err := closeWith(next, cmd, r.Outcome, r.Basis); err != nil {
			return nil, err
		}
		extra := map[string]string{}
		if r.Outcome == disclosure.UnableStillUnclear {
			extra["补正告知日期"] = fixNoticeDate(c).Chinese()
		}
		if r.TransferTo != nil && r.Outcome == disclosure.UnableNotHeld && r.Basis == "not_ours" {
			d.Transfer = Referral(c, *r.TransferTo, cmd.Date)
		}
		n.reply(next, extra)

	case RecordDelivery:
		if cmd.Date.Before(c.ClosedOn) {
			return nil, disclosure.Errorf(disclosure.EInvalid, "送达日期不能早于答复日期 %s", c.ClosedOn.Chinese())
		}
		data["on"] = cmd.Date.String()

	case Withdraw:
		if cmd.Actor.Who == ByOfficer && cmd.Note == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请注明申请人撤回申请的方式（如书面撤回申请书、电话确认并记录）")
		}
		closeOpenPauses(next, cmd.Date)
		o := disclosure.OtherOther
		if c.Kind == disclosure.CorrectionRequest {
			o = disclosure.CorrectionWithdrawn
		}
		if err := closeWith(next, cmd, o, "withdrawn"); err != nil {
			return nil, err
		}
		next.Reply = &disclosure.ReplyDraft{Outcome: o, Basis: "withdrawn", Reasons: cmd.Note}
		n.reply(next, map[string]string{"撤回日期": cmd.Date.Chinese()})

	case Archive:
	case Assign:
		if cmd.AssigneeID == nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请选择承办人")
		}
		next.AssigneeID = cmd.AssigneeID
	case AddNote:
		if cmd.Note == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "请填写备注内容")
		}
	}

	if t.To != "" {
		next.State = t.To
	}
	if !next.State.Closed() {
		after := ComputeDeadline(cal, s, next.Clock, cmd.Today)
		next.Due, next.Paused = after.Due(), after.Paused
	} else {
		next.Paused = false
	}
	next.Version = c.Version + 1
	next.UpdatedAt = cmd.Now
	n.finish()
	if n.err != nil {
		return nil, n.err
	}
	if len(d.Warnings) > 0 {
		data["warnings"] = d.Warnings
	}
	var raw json.RawMessage
	if len(data) > 0 {
		raw, _ = json.Marshal(data)
	}
	d.Case = *next
	d.Event = disclosure.CaseEvent{
		ApplicationID: c.ID, At: cmd.Now, Action: string(cmd.Action), FromState: c.State, ToState: next.State,
		ActorID: cmd.Actor.UserID, ActorName: cmd.Actor.Name, ActorKind: cmd.Actor.Who.String(), Note: cmd.Note, Data: raw, Public: t.Public,
	}
	d.Notices = n.out
	d.Years = AffectedYears(&before, &next.Application, cmd.Today.Year)
	if t.Public {
		if m, ok := applicantMail(next, t, env, d.Notices); ok {
			d.Mails = append(d.Mails, m)
		}
	}
	return d, nil
}

// checkReply validates a draft reply: an outcome that fits the request, a basis of it, reasons where the law wants
// them, what is provided for a disclosure, and the competent agency for 不属于本机关负责公开.
func checkReply(c *disclosure.Case, r disclosure.ReplyDraft) (disclosure.ReplyDraft, error) {
	if !r.Outcome.Fits(c.Kind) {
		if c.Kind == disclosure.CorrectionRequest {
			return r, disclosure.Errorf(disclosure.EInvalid, "请选择更正申请的处理结果：予以更正、转送有权机关或不予更正")
		}
		return r, disclosure.Errorf(disclosure.EInvalid, "请选择办理结果（即年度报告第三部分的行），没有办理结果不能答复")
	}
	b, err := r.Outcome.Basis(r.Basis)
	if err != nil {
		return r, err
	}
	if b.Key == "withdrawn" {
		return r, disclosure.Errorf(disclosure.EInvalid, "申请人撤回申请请使用“撤回申请”操作")
	}
	r.Basis = b.Key
	r.Reasons, r.Provided = strings.TrimSpace(r.Reasons), strings.TrimSpace(r.Provided)
	r.TransferName, r.TransferContact = strings.TrimSpace(r.TransferName), strings.TrimSpace(r.TransferContact)
	spec, _ := r.Outcome.Spec()
	switch {
	case b.NeedsReasons && r.Reasons == "":
		return r, disclosure.Errorf(disclosure.EInvalid, "“%s”须说明理由，请填写理由（将写入答复告知书）", spec.Name)
	case (r.Outcome == disclosure.Disclosed || r.Outcome == disclosure.Partial || r.Outcome == disclosure.NotProcessedPublic || r.Outcome == disclosure.CorrectionMade) && r.Provided == "":
		return r, disclosure.Errorf(disclosure.EInvalid, "请说明提供的信息内容和方式（或获取的途径）")
	case (b.Key == "not_ours" || r.Outcome == disclosure.CorrectionForwarded) && r.TransferTo == nil && r.TransferName == "":
		return r, disclosure.Errorf(disclosure.EInvalid, "能够确定负责的行政机关的，应告知其名称和联系方式：请选择本系统内的机关或填写机关名称")
	case utf8.RuneCountInString(r.Reasons) > 4000 || utf8.RuneCountInString(r.Provided) > 4000:
		return r, disclosure.Errorf(disclosure.EInvalid, "理由或提供方式过长（最多 4000 个字）")
	case r.Outcome == disclosure.UnableStillUnclear && !c.FixRequested:
		return r, disclosure.Errorf(disclosure.EInvalid, "“补正后申请内容仍不明确”只适用于已告知补正的申请")
	case r.Outcome == disclosure.NotProcessedExcess && !c.Progress.ReasonsAsked:
		return r, disclosure.Errorf(disclosure.EInvalid, "按《条例》第三十五条不予处理，须先要求申请人说明理由（“要求申请人说明理由”操作）")
	case r.Outcome == disclosure.NotProcessedExcess && c.Progress.ReasonsAccepted != nil && *c.Progress.ReasonsAccepted:
		return r, disclosure.Errorf(disclosure.EInvalid, "本机关已认定申请人说明的理由合理，不能再按第三十五条不予处理")
	case r.Outcome == disclosure.OtherNoCorrection || r.Outcome == disclosure.OtherNoFee:
		return r, disclosure.Errorf(disclosure.EInvalid, "逾期不补正、逾期未缴费请使用相应的“终止处理”操作")
	}
	if b.Key != "not_ours" && r.Outcome != disclosure.CorrectionForwarded {
		r.TransferTo, r.TransferName, r.TransferContact = nil, "", ""
	}
	r.Approved, r.ApprovedBy = false, ""
	return r, nil
}

// closeWith ends the case with the outcome on the step's date.
func closeWith(c *disclosure.Case, cmd Command, o disclosure.Outcome, basis string) error {
	if !o.Fits(c.Kind) {
		return disclosure.Errorf(disclosure.EInvalid, "办理结果“%s”不适用于此类申请", o)
	}
	c.Outcome, c.Basis, c.ClosedOn = o, basis, cmd.Date
	c.StepDue, c.Progress.Waiting = workday.Date{}, nil
	c.Extension = nil
	return nil
}

func endPause(c *disclosure.Case, on workday.Date) error {
	for i := len(c.Clock) - 1; i >= 0; i-- {
		e := &c.Clock[i]
		if e.Kind == disclosure.ClockPause && e.To.IsZero() {
			if on.Before(e.From) {
				return disclosure.Errorf(disclosure.EInvalid, "结束日期不能早于开始征求意见的日期 %s", e.From.Chinese())
			}
			e.To = on
			return nil
		}
	}
	return disclosure.Errorf(disclosure.EConflict, "没有正在进行的征求意见")
}

func closeOpenPauses(c *disclosure.Case, on workday.Date) {
	for i := range c.Clock {
		e := &c.Clock[i]
		if e.Kind == disclosure.ClockPause && e.To.IsZero() {
			e.To = on
			if e.To.Before(e.From) {
				e.To = e.From
			}
		}
	}
}

// fixNoticeDate is the day the 补正告知书 went out (the ledger's stop).
func fixNoticeDate(c *disclosure.Case) workday.Date {
	for _, e := range c.Clock {
		if e.Kind == disclosure.ClockStop {
			return e.From
		}
	}
	return workday.Date{}
}

func sameUser(a, b *int64) bool { return a != nil && b != nil && *a == *b }

func whoAllowed(w Who) string {
	var names []string
	for _, x := range []struct {
		w    Who
		name string
	}{{ByOfficer, "公开专员"}, {ByApprover, "审批领导"}, {ByApplicant, "申请人"}, {BySystem, "系统"}} {
		if w&x.w != 0 {
			names = append(names, x.name)
		}
	}
	return "此操作由" + strings.Join(names, "或") + "执行"
}

func cloneCase(c *disclosure.Case) *disclosure.Case {
	n := *c
	n.Clock = append([]disclosure.ClockEntry(nil), c.Clock...)
	n.Flags = append([]disclosure.Flag(nil), c.Flags...)
	n.Request.Forms = append([]string(nil), c.Request.Forms...)
	n.Request.Delivery = append([]string(nil), c.Request.Delivery...)
	if c.Reply != nil {
		r := *c.Reply
		n.Reply = &r
	}
	if c.Extension != nil {
		x := *c.Extension
		n.Extension = &x
	}
	if c.Fee != nil {
		f := *c.Fee
		n.Fee = &f
	}
	return &n
}
