package disclosure

import (
	"context"
	"encoding/json"
	"time"

	"github.com/gongkai/gongkai/internal/workday"
)

// ClockKind is the kind of an entry in a case's clock ledger.
type ClockKind string

const (
	// ClockStart starts the reply period: the receipt date, or the receipt of the corrected application (Art 30).
	ClockStart ClockKind = "start"
	// ClockStop stops the reply period without a new start yet: the 补正告知书 went out (the period will run again
	// from the corrected application).
	ClockStop ClockKind = "stop"
	// ClockPause is time not counted: consulting a third party or another agency (Art 33 ¶3), a fee notice when the
	// agency's policy says so.
	ClockPause ClockKind = "pause"
	// ClockExtension adds working days, approved by the head of the disclosure office (Art 33 ¶2).
	ClockExtension ClockKind = "extension"
	// ClockAgreed sets a reasonable later reply date (To) after the applicant's reasons for a clearly unreasonable
	// number or frequency of applications were accepted (Art 35). It is not an extension under Art 33.
	ClockAgreed ClockKind = "agreed"
)

// ClockEntry is one line of a case's clock ledger. The deadline is recomputed from the ledger and the calendar,
// never edited by hand.
type ClockEntry struct {
	Kind ClockKind `json:"kind"`
	// From is the start date, the first day of a pause, or the day an extension was approved.
	From workday.Date `json:"from"`
	// To is the last day of a pause (both ends are not counted); zero while the pause runs.
	To workday.Date `json:"to,omitzero"`
	// Days is the number of working days an extension adds.
	Days int `json:"days,omitempty"`
	// Reason and Article say why: "征求第三方意见", "《条例》第三十三条第三款".
	Reason  string `json:"reason,omitempty"`
	Article string `json:"article,omitempty"`
	// By is who approved an extension.
	By string `json:"by,omitempty"`
}

// ReplyDraft is the reply being prepared: its outcome (and so its report row), legal basis and reasons.
type ReplyDraft struct {
	Outcome Outcome `json:"outcome"`
	Basis   string  `json:"basis"`
	// Reasons are the officer's reasons, required for refusals.
	Reasons string `json:"reasons,omitempty"`
	// Provided says what is provided and how (for 予以公开 and 部分公开), or where the information can be found.
	Provided string `json:"provided,omitempty"`
	// TransferTo is the competent agency in the system (for 不属于本机关负责公开); the case is forwarded to it when
	// the reply is sent. TransferName and TransferContact name an agency outside the system.
	TransferTo      *int64 `json:"transfer_to,omitempty"`
	TransferName    string `json:"transfer_name,omitempty"`
	TransferContact string `json:"transfer_contact,omitempty"`
	// DraftedBy is who drafted or last changed the draft; the approver must be someone else.
	DraftedBy string `json:"drafted_by,omitempty"`
	DraftedID *int64 `json:"drafted_id,omitempty"`
	// Approved is set when the approver signed the draft off.
	Approved   bool   `json:"approved,omitempty"`
	ApprovedBy string `json:"approved_by,omitempty"`
}

// ExtensionRequest is an extension waiting for the approver.
type ExtensionRequest struct {
	Days        int       `json:"days"`
	Reason      string    `json:"reason"`
	RequestedBy string    `json:"requested_by"`
	RequestedID *int64    `json:"requested_id,omitempty"`
	At          time.Time `json:"at"`
}

// FeeNotice records a fee notice (收费通知书): method, units and amount (国办函〔2020〕109号).
type FeeNotice struct {
	Method string       `json:"method"`
	Units  int          `json:"units"`
	Prior  int          `json:"prior,omitempty"`
	Amount int          `json:"amount"`
	On     workday.Date `json:"on"`
	// Paid, Waived and their dates record the end of it.
	Paid         bool         `json:"paid,omitempty"`
	Waived       bool         `json:"waived,omitempty"`
	WaiverReason string       `json:"waiver_reason,omitempty"`
	SettledOn    workday.Date `json:"settled_on,omitzero"`
}

// Case is an application with everything the workflow needs to decide the next step.
type Case struct {
	Application
	Clock []ClockEntry `json:"clock"`
	// Reply is the draft or sent reply; Extension an extension awaiting approval; Fee the fee notice, if any.
	Reply     *ReplyDraft       `json:"reply,omitempty"`
	Extension *ExtensionRequest `json:"extension,omitempty"`
	Fee       *FeeNotice        `json:"fee,omitempty"`
	// FixRequested records that the one 补正 notice Art 30 allows has gone out.
	FixRequested bool `json:"fix_requested,omitempty"`
	// StepDue is the deadline of the current step that is not the reply deadline: the applicant's correction
	// period, the fee payment period, the third party's 15 working days. It runs from the day the notice was
	// delivered (Waiting.Delivered) and is zero while that day is not known.
	StepDue workday.Date `json:"step_due,omitzero"`
	// Progress holds what the workflow remembers beyond the ledger: the notice it waits on, Art 35 reasons asked.
	Progress CaseProgress `json:"progress,omitzero"`
}

// The notices a case can wait on someone outside the agency to answer.
const (
	WaitFix     = "fix"     // 补正告知书: the applicant's correction (Art 30)
	WaitFee     = "fee"     // 收费通知书: payment within 20 working days of receipt (国办函〔2020〕109号)
	WaitConsult = "consult" // 征求意见函: the third party's or agency's opinion within 15 working days of receipt (Art 32, 34)
	WaitReasons = "reasons" // 说明理由通知书: the applicant's reasons (Art 35)
)

// Waiting is a notice the case waits on: when it went out, how, when it reached its addressee, and how many
// working days the addressee has from then. A period that runs "from receipt" can only be computed, and a lapse
// recorded, once the delivery date is known (post: the day signed for; electronic: the day sent, where the
// agency's setting says so).
type Waiting struct {
	Kind string       `json:"kind"`
	Sent workday.Date `json:"sent"`
	// Via is "electronic" (the portal or e-mail) or "post" (a letter, handed over).
	Via       string       `json:"via"`
	Delivered workday.Date `json:"delivered,omitzero"`
	Days      int          `json:"days"`
}

// Names of the notices waited on, for messages.
var WaitNames = map[string]string{WaitFix: "补正告知书", WaitFee: "收费通知书", WaitConsult: "征求意见函", WaitReasons: "说明理由通知书"}

// CaseProgress is the workflow's memory beyond the clock ledger, kept with the case.
type CaseProgress struct {
	Waiting *Waiting `json:"waiting,omitempty"`
	// ReasonsAsked records that the applicant was asked to explain a clearly unreasonable number or frequency of
	// applications (Art 35): the condition of 不予处理 under that article.
	ReasonsAsked bool `json:"reasons_asked,omitempty"`
	// ReasonsAccepted records the agency's finding on the reasons given.
	ReasonsAccepted *bool `json:"reasons_accepted,omitempty"`
}

// CaseEvent is one step in a case's history: who did what, when, from which state to which.
type CaseEvent struct {
	ID            int64           `json:"id"`
	ApplicationID int64           `json:"application_id"`
	At            time.Time       `json:"at"`
	Action        string          `json:"action"`
	FromState     State           `json:"from_state,omitempty"`
	ToState       State           `json:"to_state"`
	ActorID       *int64          `json:"actor_id,omitempty"`
	ActorName     string          `json:"actor_name"`
	ActorKind     string          `json:"actor_kind"`
	Note          string          `json:"note,omitempty"`
	Data          json.RawMessage `json:"data,omitempty"`
	NoticeID      *int64          `json:"notice_id,omitempty"`
	// Public events are shown to the applicant on the status page.
	Public bool `json:"public"`
}

// Notice is a document the agency issued in a case (受理回执, 补正告知书 …), numbered in its 文号 series and kept as
// text, DOCX and PDF.
type Notice struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	Kind          string    `json:"kind"`
	Number        string    `json:"number"`
	Title         string    `json:"title"`
	Body          string    `json:"body"`
	Public        bool      `json:"public"`
	CreatedAt     time.Time `json:"created_at"`
	DOCX          []byte    `json:"-"`
	PDF           []byte    `json:"-"`
}

// CaseFile is a file attached to a case: the applicant's ID proof, the material of a correction, the information
// provided, a document of a reconsideration or lawsuit.
type CaseFile struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	AppealID      *int64    `json:"appeal_id,omitempty"`
	Kind          string    `json:"kind"`
	Name          string    `json:"name"`
	ContentType   string    `json:"content_type"`
	Size          int64     `json:"size"`
	Public        bool      `json:"public"`
	CreatedAt     time.Time `json:"created_at"`
	Data          []byte    `json:"-"`
}

// Mail is an e-mail to send after the change commits (through the outbox).
type Mail struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	// Headers are extra header fields, such as List-Unsubscribe on the e-mails of a subscription (RFC 8058); the
	// sender refuses the fields it writes itself.
	Headers map[string]string `json:"headers,omitempty"`
}

// CaseChange is what one step does to a case. The store writes it in one transaction with the audit row: the new
// case, the event, the notices, the mails, and a case forwarded to another agency.
type CaseChange struct {
	Case     Case
	Event    CaseEvent
	Notices  []Notice
	Mails    []Mail
	Transfer *Case
	// Corrections are the published report years whose figures the change alters, with the reason given.
	Corrections []ReportCorrection
	// AfterNumbering, for a new case, is called once the store has given it its number and query code and before
	// the change is written: what needs them (the confirmation e-mail) is made there.
	AfterNumbering func(ch *CaseChange) `json:"-"`
}

// ReportCorrection records a change to a published year's figures (更正), with its reason.
type ReportCorrection struct {
	AgencyID      int64  `json:"agency_id"`
	Year          int    `json:"year"`
	Reason        string `json:"reason"`
	ApplicationID *int64 `json:"application_id,omitempty"`
	AppealID      *int64 `json:"appeal_id,omitempty"`
}

// CaseTx is what a case step may ask of the store inside the transaction that applies it.
type CaseTx interface {
	// NextSerial returns the next number of the agency's series ("notice", "application") for the year.
	NextSerial(ctx context.Context, agencyID int64, series string, year int) (int, error)
	// ReportPublished reports whether the agency's report for the year is published (its figures locked).
	ReportPublished(ctx context.Context, agencyID int64, year int) (bool, error)
	// Agency returns an agency.
	Agency(ctx context.Context, id int64) (*Agency, error)
	// ApplicationsInMonth returns how many 件 the same applicant (by ID number or 统一社会信用代码) made to the agency
	// before the application id in the calendar month of received: every application counts, charged or not, as
	// one 件 or as the 件 a per-case fee notice split it into (国办函〔2020〕109号: 按件计收, 同一申请人一个自然月内
	// 累计). Referrals not yet registered and correction requests are not applications to the agency.
	ApplicationsInMonth(ctx context.Context, agencyID int64, idNumber string, received workday.Date, id int64) (int, error)
	// Template returns the agency's own notice template for the key, or ok false for the default.
	Template(ctx context.Context, agencyID int64, key string) (title, body string, ok bool, err error)
}

// CaseStep computes a change from the case as it is in the store, inside the store's transaction. It must be
// deterministic: the store may run it again if the transaction is retried.
type CaseStep func(ctx context.Context, c *Case, tx CaseTx) (*CaseChange, error)

// AppealKind is the kind of a 行政复议 or 行政诉讼 arising from disclosure work: section 四's three column groups.
type AppealKind string

const (
	Review          AppealKind = "review"            // 行政复议
	SuitDirect      AppealKind = "suit_direct"       // 行政诉讼，未经复议直接起诉
	SuitAfterReview AppealKind = "suit_after_review" // 行政诉讼，复议后起诉
)

// AppealKindNames gives each kind's Chinese name.
var AppealKindNames = map[AppealKind]string{Review: "行政复议", SuitDirect: "行政诉讼（未经复议直接起诉）", SuitAfterReview: "行政诉讼（复议后起诉）"}

// AppealResult is how a reconsideration or lawsuit ended: section 四's outcome columns.
type AppealResult string

const (
	Upheld    AppealResult = "upheld"    // 结果维持
	Corrected AppealResult = "corrected" // 结果纠正
	OtherRes  AppealResult = "other"     // 其他结果
	Pending   AppealResult = "pending"   // 尚未审结
)

// AppealResultNames gives each result's Chinese name.
var AppealResultNames = map[AppealResult]string{Upheld: "结果维持", Corrected: "结果纠正", OtherRes: "其他结果", Pending: "尚未审结"}

// Appeal is a 行政复议 or 行政诉讼 about the agency's disclosure work, usually about one application. Section 四 of
// a year counts the appeals filed in it, with the result as it stood on 31 December.
type Appeal struct {
	ID            int64        `json:"id"`
	AgencyID      int64        `json:"agency_id"`
	ApplicationID *int64       `json:"application_id,omitempty"`
	Kind          AppealKind   `json:"kind"`
	FiledOn       workday.Date `json:"filed_on"`
	// Body is the reconsideration organ or the court; CaseNumber its case number (案号).
	Body       string       `json:"body"`
	CaseNumber string       `json:"case_number,omitempty"`
	Result     AppealResult `json:"result"`
	DecidedOn  workday.Date `json:"decided_on,omitzero"`
	Note       string       `json:"note,omitempty"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	Version    int          `json:"version"`
}

// Validate checks an appeal's fields.
func (a *Appeal) Validate() error {
	a.Body, a.CaseNumber, a.Note = cleanLine(a.Body), cleanLine(a.CaseNumber), cleanText(a.Note)
	if a.Result == "" {
		a.Result = Pending
	}
	switch {
	case AppealKindNames[a.Kind] == "":
		return Errorf(EInvalid, "请选择类型：行政复议、直接起诉或复议后起诉")
	case a.FiledOn.IsZero():
		return Errorf(EInvalid, "请填写申请复议或起诉的日期")
	case AppealResultNames[a.Result] == "":
		return Errorf(EInvalid, "请选择结果：维持、纠正、其他或尚未审结")
	case a.Result != Pending && a.DecidedOn.IsZero():
		return Errorf(EInvalid, "已审结的案件须填写审结日期")
	case a.Result == Pending && !a.DecidedOn.IsZero():
		return Errorf(EInvalid, "尚未审结的案件不应填写审结日期")
	case !a.DecidedOn.IsZero() && a.DecidedOn.Before(a.FiledOn):
		return Errorf(EInvalid, "审结日期不能早于申请复议或起诉的日期")
	case len([]rune(a.Body)) > maxShort || len([]rune(a.CaseNumber)) > maxShort:
		return Errorf(EInvalid, "复议机关、法院名称或案号过长（最多 %d 个字）", maxShort)
	case len([]rune(a.Note)) > maxDescription:
		return Errorf(EInvalid, "备注过长（最多 %d 个字）", maxDescription)
	}
	return nil
}

// ResultAt returns the result as it stood at the end of the given day: pending until decided.
func (a *Appeal) ResultAt(d workday.Date) AppealResult {
	if a.Result == Pending || a.DecidedOn.IsZero() || a.DecidedOn.After(d) {
		return Pending
	}
	return a.Result
}

// CaseFilter selects applications for lists; zero fields select everything. Conditions combine with AND.
type CaseFilter struct {
	// AgencyIDs limits the list to these agencies (the caller's visible agencies); nil means all.
	AgencyIDs []int64
	States    []State
	Kind      ApplicationKind
	// Open selects cases not yet closed.
	Open bool
	// DueBy selects open cases whose reply is due on or before the date (overdue: yesterday), DueFrom those due on
	// or after it (with DueBy: due soon, not yet overdue).
	DueBy, DueFrom workday.Date
	// AssigneeID selects one officer's cases.
	AssigneeID *int64
	// PendingApproval selects cases waiting for the approver: a reply to approve or an extension requested.
	PendingApproval bool
	// Query matches the number, query code, applicant name or the request's text.
	Query string
	// ReceivedFrom/To and ClosedFrom/To select by dates (both ends included).
	ReceivedFrom, ReceivedTo, ClosedFrom, ClosedTo workday.Date
	Outcome                                        Outcome
	ApplicantType                                  ApplicantType
	Channel                                        Channel
	// ReportYear, ReportRow and ReportColumn select the cases counted in one cell of section 三 of that year.
	ReportYear   int
	ReportRow    string
	ReportColumn string
	Limit        int
	Offset       int
}

// CellCount is one cell of a report table as counted by the store: a row, a column and the number of cases.
type CellCount struct {
	Row, Column string
	N           int
}
