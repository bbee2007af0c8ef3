// Package casework is the workflow of applications for disclosure (依申请公开) as data: a transition table that says
// for each action who may take it and from which states, a clock ledger from which the reply deadline is
// recomputed, and the notices and e-mails each step produces. It is pure: the store applies its decisions in one
// transaction with the audit row.
package casework

import (
	"slices"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Action is a step a case can take.
type Action string

// The actions.
const (
	Accept           Action = "accept"
	RequestFix       Action = "request_fix"
	ReceiveFix       Action = "receive_fix"
	SubmitFix        Action = "submit_fix"
	FixLapsed        Action = "fix_lapsed"
	Consult          Action = "consult"
	EndConsult       Action = "end_consult"
	RequestExtension Action = "request_extension"
	ApproveExtension Action = "approve_extension"
	RejectExtension  Action = "reject_extension"
	IssueFee         Action = "fee_notice"
	FeePaid          Action = "fee_paid"
	FeeWaived        Action = "fee_waived"
	FeeLapsed        Action = "fee_lapsed"
	DraftReply       Action = "draft_reply"
	SubmitReply      Action = "submit_reply"
	ApproveReply     Action = "approve_reply"
	RejectReply      Action = "reject_reply"
	SendReply        Action = "send_reply"
	RecordDelivery   Action = "record_delivery"
	Withdraw         Action = "withdraw"
	Archive          Action = "archive"
	Assign           Action = "assign"
	AddNote          Action = "note"
	// NoticeDelivered records the day the notice a case waits on reached its addressee (post: signed for), from
	// which the addressee's period runs.
	NoticeDelivered Action = "notice_delivered"
	// AskReasons asks the applicant to explain a clearly unreasonable number or frequency of applications (Art 35).
	AskReasons Action = "ask_reasons"
	// ReasonsReceived records the applicant's reasons and whether the agency accepts them (Art 35).
	ReasonsReceived Action = "reasons_received"
	// RegisterReferral registers an application another agency forwarded (Art 36(5)) on the day this agency
	// received it; only then is it received in the sense of Art 31 and counted in this agency's report.
	RegisterReferral Action = "register_referral"
)

// Who is a set of the kinds of actor that may take an action.
type Who uint8

// The kinds of actor.
const (
	// ByOfficer is a 公开专员 of the agency (or of an agency above it).
	ByOfficer Who = 1 << iota
	// ByApprover is the head of the disclosure office (审批领导).
	ByApprover
	// ByApplicant is the applicant, through the query code and secret.
	ByApplicant
	// BySystem is gongkai itself (the demo, imports).
	BySystem
)

// Names of the kinds of actor, as recorded in events.
var whoNames = map[Who]string{ByOfficer: "officer", ByApprover: "approver", ByApplicant: "applicant", BySystem: "system"}

// String returns the kind's name ("officer", …) for a single kind.
func (w Who) String() string { return whoNames[w] }

// Transition is one row of the table: an action, who may take it, from which states, to which.
type Transition struct {
	Action Action
	// Name is the action's Chinese name (the button).
	Name string
	// By are the kinds of actor allowed.
	By Who
	// From lists the states the action is allowed in.
	From []disclosure.State
	// To is the state after it; "" leaves the state unchanged.
	To disclosure.State
	// Notice is the kind of notice the step issues, if any.
	Notice string
	// Public marks steps shown to the applicant (and e-mailed).
	Public bool
}

var (
	open    = disclosure.OpenStates
	working = []disclosure.State{disclosure.Handling, disclosure.Consulting, disclosure.AwaitingPayment, disclosure.ReplyDrafted, disclosure.AwaitingApproval}
	closed  = []disclosure.State{disclosure.Replied, disclosure.Delivered, disclosure.Withdrawn, disclosure.Lapsed}
	anyOf   = append(append(append([]disclosure.State{}, open...), closed...), disclosure.Archived, disclosure.Referred)
	// waiting are the states in which a notice can be awaited: a 补正, a fee, a consultation, Art 35 reasons.
	waiting = []disclosure.State{disclosure.AwaitingFix, disclosure.AwaitingPayment, disclosure.Consulting, disclosure.Handling}
)

// Transitions is the workflow: every step a case can take. It is the only place that says which step is allowed
// from where and by whom; Decide consults it before anything else.
var Transitions = []Transition{
	{Action: Accept, Name: "受理", By: ByOfficer, From: []disclosure.State{disclosure.Registered}, To: disclosure.Handling, Notice: NoticeReceipt, Public: true},
	{Action: RequestFix, Name: "发出补正告知书", By: ByOfficer, From: []disclosure.State{disclosure.Registered, disclosure.Handling}, To: disclosure.AwaitingFix, Notice: NoticeFix, Public: true},
	{Action: ReceiveFix, Name: "登记收到的补正", By: ByOfficer, From: []disclosure.State{disclosure.AwaitingFix}, To: disclosure.Handling, Public: true},
	{Action: SubmitFix, Name: "在线补正", By: ByApplicant, From: []disclosure.State{disclosure.AwaitingFix}, To: disclosure.Handling, Public: true},
	{Action: FixLapsed, Name: "逾期未补正，终止处理", By: ByOfficer, From: []disclosure.State{disclosure.AwaitingFix}, To: disclosure.Lapsed, Notice: NoticeReply, Public: true},
	{Action: Consult, Name: "征求意见", By: ByOfficer, From: []disclosure.State{disclosure.Handling}, To: disclosure.Consulting, Notice: NoticeConsultation, Public: true},
	{Action: EndConsult, Name: "结束征求意见", By: ByOfficer, From: []disclosure.State{disclosure.Consulting}, To: disclosure.Handling, Public: true},
	{Action: RequestExtension, Name: "申请延期答复", By: ByOfficer, From: working},
	{Action: ApproveExtension, Name: "批准延期", By: ByApprover, From: working, Notice: NoticeExtension, Public: true},
	{Action: RejectExtension, Name: "不批准延期", By: ByApprover, From: working},
	{Action: IssueFee, Name: "发出收费通知", By: ByOfficer, From: []disclosure.State{disclosure.Handling}, To: disclosure.AwaitingPayment, Notice: NoticeFee, Public: true},
	{Action: FeePaid, Name: "登记缴费", By: ByOfficer, From: []disclosure.State{disclosure.AwaitingPayment}, To: disclosure.Handling, Public: true},
	{Action: FeeWaived, Name: "减免信息处理费", By: ByOfficer | ByApprover, From: []disclosure.State{disclosure.AwaitingPayment}, To: disclosure.Handling, Public: true},
	{Action: FeeLapsed, Name: "逾期未缴费，终止处理", By: ByOfficer, From: []disclosure.State{disclosure.AwaitingPayment}, To: disclosure.Lapsed, Notice: NoticeReply, Public: true},
	{Action: DraftReply, Name: "拟定答复", By: ByOfficer, From: []disclosure.State{disclosure.Handling, disclosure.ReplyDrafted}, To: disclosure.ReplyDrafted},
	{Action: SubmitReply, Name: "提交审批", By: ByOfficer, From: []disclosure.State{disclosure.ReplyDrafted}, To: disclosure.AwaitingApproval},
	{Action: ApproveReply, Name: "审批通过", By: ByApprover, From: []disclosure.State{disclosure.AwaitingApproval}, To: disclosure.ReplyApproved},
	{Action: RejectReply, Name: "退回修改", By: ByApprover, From: []disclosure.State{disclosure.AwaitingApproval}, To: disclosure.ReplyDrafted},
	{Action: SendReply, Name: "发出答复", By: ByOfficer, From: []disclosure.State{disclosure.ReplyApproved, disclosure.ReplyDrafted}, To: disclosure.Replied, Notice: NoticeReply, Public: true},
	{Action: RecordDelivery, Name: "登记送达", By: ByOfficer, From: []disclosure.State{disclosure.Replied}, To: disclosure.Delivered, Public: true},
	{Action: Withdraw, Name: "撤回申请", By: ByOfficer | ByApplicant, From: open, To: disclosure.Withdrawn, Notice: NoticeReply, Public: true},
	{Action: Archive, Name: "归档", By: ByOfficer, From: closed, To: disclosure.Archived},
	{Action: Assign, Name: "指定承办人", By: ByOfficer | ByApprover, From: open},
	{Action: AddNote, Name: "添加备注", By: ByOfficer | ByApprover, From: anyOf},
	{Action: NoticeDelivered, Name: "登记告知书送达日期", By: ByOfficer, From: waiting, Public: true},
	{Action: AskReasons, Name: "要求申请人说明理由（第三十五条）", By: ByOfficer, From: []disclosure.State{disclosure.Handling}, Notice: NoticeReasons, Public: true},
	{Action: ReasonsReceived, Name: "登记申请人说明的理由", By: ByOfficer, From: []disclosure.State{disclosure.Handling}, Notice: NoticeLaterReply, Public: true},
	{Action: RegisterReferral, Name: "登记收到转送的申请", By: ByOfficer, From: []disclosure.State{disclosure.Referred}, To: disclosure.Registered, Public: true},
}

// TransitionOf returns the table row of an action.
func TransitionOf(a Action) (Transition, bool) {
	for _, t := range Transitions {
		if t.Action == a {
			return t, true
		}
	}
	return Transition{}, false
}

// Allowed returns the actions the given kinds of actor may take on a case now, in table order. It applies the
// table and the conditions that depend on the case (a 补正 only once, an extension only when none is pending, the
// approval step only when the agency requires it); Decide applies the same conditions and more (dates, inputs).
func Allowed(c *disclosure.Case, s disclosure.AgencySettings, who Who) []Transition {
	var out []Transition
	for _, t := range Transitions {
		if t.By&who == 0 || !slices.Contains(t.From, c.State) {
			continue
		}
		if precondition(c, s.WithDefaults(), t.Action) != nil {
			continue
		}
		out = append(out, t)
	}
	return out
}

// precondition checks what an action needs of the case beyond its state; the error says why not.
func precondition(c *disclosure.Case, s disclosure.AgencySettings, a Action) error {
	switch a {
	case RequestFix:
		if c.FixRequested {
			return disclosure.Errorf(disclosure.EConflict, "补正告知只能发出一次（《条例》第三十条“一次性告知”），本申请已经告知过补正")
		}
	case FixLapsed:
		if w := c.Progress.Waiting; (w == nil && c.StepDue.IsZero()) || (w != nil && w.Kind != disclosure.WaitFix) {
			return disclosure.Errorf(disclosure.EConflict, "本申请没有补正期限")
		}
	case RequestExtension:
		if c.Extension != nil {
			return disclosure.Errorf(disclosure.EConflict, "已有延期申请等待审批")
		}
		if extended(c) >= s.ExtensionWorkingDays {
			return disclosure.Errorf(disclosure.EConflict, "答复期限已延长 %d 个工作日，达到上限（《条例》第三十三条：延长的期限最长不得超过20个工作日）", extended(c))
		}
	case ApproveExtension, RejectExtension:
		if c.Extension == nil {
			return disclosure.Errorf(disclosure.EConflict, "没有等待审批的延期申请")
		}
	case IssueFee:
		if c.Kind == disclosure.CorrectionRequest {
			return disclosure.Errorf(disclosure.EConflict, "更正申请不收取信息处理费")
		}
		if c.Fee != nil {
			// 国办函〔2020〕109号 Art 3: for one application the agency chooses one method and may not charge under both.
			return disclosure.Errorf(disclosure.EConflict, "本申请已于%s发出收费通知（%s）。每件申请只能选择一种收费方式、收取一次信息处理费（国办函〔2020〕109号第三条），不能再次发出收费通知", c.Fee.On.Chinese(), feeMethodName(c.Fee.Method))
		}
	case FeePaid, FeeWaived, FeeLapsed:
		if c.Fee == nil {
			return disclosure.Errorf(disclosure.EConflict, "本申请没有收费通知")
		}
		if c.Fee.Paid || c.Fee.Waived {
			return disclosure.Errorf(disclosure.EConflict, "本申请的信息处理费已于%s%s", c.Fee.SettledOn.Chinese(), map[bool]string{true: "缴纳", false: "减免"}[c.Fee.Paid])
		}
	case NoticeDelivered:
		if c.Progress.Waiting == nil {
			return disclosure.Errorf(disclosure.EConflict, "本申请没有等待送达的告知书")
		}
	case AskReasons:
		if c.Kind == disclosure.CorrectionRequest {
			return disclosure.Errorf(disclosure.EConflict, "更正申请不适用《条例》第三十五条")
		}
		if c.Progress.ReasonsAsked {
			return disclosure.Errorf(disclosure.EConflict, "已经要求申请人说明理由")
		}
	case ReasonsReceived:
		if !c.Progress.ReasonsAsked || c.Progress.ReasonsAccepted != nil {
			return disclosure.Errorf(disclosure.EConflict, "没有等待申请人说明的理由（请先要求申请人说明理由）")
		}
	case SubmitReply:
		if s.SkipReplyApproval {
			return disclosure.Errorf(disclosure.EConflict, "本机关的答复无需审批，请直接发出答复")
		}
		if c.Reply == nil {
			return disclosure.Errorf(disclosure.EConflict, "请先拟定答复")
		}
	case ApproveReply, RejectReply:
		if c.Reply == nil {
			return disclosure.Errorf(disclosure.EConflict, "没有待审批的答复")
		}
	case SendReply:
		if c.Reply == nil {
			return disclosure.Errorf(disclosure.EConflict, "请先拟定答复")
		}
		if c.State == disclosure.ReplyDrafted && !s.SkipReplyApproval {
			return disclosure.Errorf(disclosure.EConflict, "本机关的答复须经审批后发出，请先提交审批")
		}
	}
	return nil
}

func extended(c *disclosure.Case) int {
	n := 0
	for _, e := range c.Clock {
		if e.Kind == disclosure.ClockExtension {
			n += e.Days
		}
	}
	return n
}
