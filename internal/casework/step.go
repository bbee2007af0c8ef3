package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fee"
	"github.com/gongkai/gongkai/internal/identity"
	"github.com/gongkai/gongkai/internal/workday"
)

// Step returns the store step that applies cmd to a case inside the store's transaction: it decides the step, checks
// that no published report's figures change without a recorded correction, numbers the notices in the agency's 文号
// series and renders them to DOCX and PDF, so that everything the step produces commits together.
func Step(cmd Command, env Env) disclosure.CaseStep {
	return func(ctx context.Context, c *disclosure.Case, tx disclosure.CaseTx) (*disclosure.CaseChange, error) {
		ch, _, err := apply(ctx, c, cmd, env, tx, true)
		return ch, err
	}
}

// Replay applies cmd to a case exactly as Step does — the same checks, fee count, corrections and numbering — but
// does not render the notices to DOCX and PDF (their text is in the change). It is what `gongkai scenario run`
// uses; the Decision carries the warnings.
func Replay(ctx context.Context, c *disclosure.Case, cmd Command, env Env, tx disclosure.CaseTx) (*disclosure.CaseChange, *Decision, error) {
	return apply(ctx, c, cmd, env, tx, false)
}

func apply(ctx context.Context, c *disclosure.Case, cmd Command, env Env, tx disclosure.CaseTx, render bool) (*disclosure.CaseChange, *Decision, error) {
	prior := 0
	if cmd.Action == IssueFee && cmd.FeeMethod == fee.PerCase {
		// 按件计收 counts every application (件) the applicant made to the agency in the calendar month of this
		// one, charged or not (国办函〔2020〕109号).
		n, err := tx.ApplicationsInMonth(ctx, c.AgencyID, c.Applicant.IDNumber, c.ReceivedOn, c.ID)
		if err != nil {
			return nil, nil, err
		}
		prior = n
	}
	if cmd.Action == DraftReply && cmd.Reply.TransferTo != nil {
		// Art 36(5): name the competent agency and its contact — from its own record when it is in the system.
		t, err := tx.Agency(ctx, *cmd.Reply.TransferTo)
		if err != nil {
			return nil, nil, disclosure.Errorf(disclosure.EInvalid, "转送的机关（编号 %d）不存在", *cmd.Reply.TransferTo)
		}
		cmd.Reply = WithCompetentAgency(cmd.Reply, t)
	}
	templates := func(key string) (Template, error) {
		title, body, ok, err := tx.Template(ctx, c.AgencyID, key)
		if err != nil || !ok {
			return Template{}, err
		}
		return Template{Key: key, Title: title, Body: body}, nil
	}
	d, err := Decide(c, cmd, env, templates, prior)
	if err != nil {
		return nil, nil, err
	}
	ch := &disclosure.CaseChange{Case: d.Case, Event: d.Event, Mails: d.Mails}
	if ch.Corrections, err = LockedYears(ctx, tx, c.AgencyID, d.Years, cmd.Correction, &c.ID, cmd.Actor.Who == ByApplicant); err != nil {
		return nil, nil, err
	}
	if d.Transfer != nil {
		if d.Transfer.AgencyID == c.AgencyID {
			return nil, nil, disclosure.Errorf(disclosure.EInvalid, "不能转送给本机关自己")
		}
		if _, err := tx.Agency(ctx, d.Transfer.AgencyID); err != nil {
			return nil, nil, disclosure.Errorf(disclosure.EInvalid, "转送的机关（编号 %d）不存在", d.Transfer.AgencyID)
		}
		ch.Transfer = d.Transfer
	}
	for _, nt := range d.Notices {
		notice, err := issue(ctx, tx, env, c.AgencyID, nt, cmd.Today, render)
		if err != nil {
			return nil, nil, err
		}
		ch.Notices = append(ch.Notices, notice)
	}
	return ch, d, nil
}

// LockedYears turns the years a change touches into corrections of published reports: refused (EConflict) without
// a reason, recorded with it. A member of the public is never refused because a report is published (byPublic):
// what they do is recorded as a correction with a reason that says so, for the officer to review.
func LockedYears(ctx context.Context, tx disclosure.CaseTx, agencyID int64, years []int, reason string, appID *int64, byPublic bool) ([]disclosure.ReportCorrection, error) {
	var out []disclosure.ReportCorrection
	var locked []string
	reason = strings.TrimSpace(reason)
	for _, y := range years {
		published, err := tx.ReportPublished(ctx, agencyID, y)
		if err != nil {
			return nil, err
		}
		if !published {
			continue
		}
		locked = append(locked, fmt.Sprint(y))
		out = append(out, disclosure.ReportCorrection{AgencyID: agencyID, Year: y, Reason: reason, ApplicationID: appID})
	}
	if len(locked) > 0 && reason == "" && byPublic {
		for i := range out {
			out[i].Reason = PublicCorrection
		}
		return out, nil
	}
	if len(locked) > 0 && reason == "" {
		return nil, disclosure.Errorf(disclosure.EConflict, "此操作会改变已发布的%s年度报告的数据。如确需更改，请填写更正原因，系统将记录为对年度报告的更正", strings.Join(locked, "、"))
	}
	return out, nil
}

// PublicCorrection is the reason recorded when a member of the public changes a published year's figures (a
// withdrawal, a correction submitted online): their step is never refused for it; the officer reviews it.
const PublicCorrection = "申请人在线办理的事项改变了已发布年度报告的数据，系统自动记录为更正，请公开工作机构核对并视情况发布更正"

// WithCompetentAgency fills the name and contact of the competent agency of a 36(5) reply from its record in the
// system, where the officer left them blank.
func WithCompetentAgency(r disclosure.ReplyDraft, a *disclosure.Agency) disclosure.ReplyDraft {
	if strings.TrimSpace(r.TransferName) == "" {
		r.TransferName = a.Name
	}
	if strings.TrimSpace(r.TransferContact) == "" {
		var parts []string
		for _, p := range []struct{ label, v string }{{"电话", a.Contacts.Phone}, {"地址", a.Contacts.Address}, {"电子邮箱", a.Contacts.Email}} {
			if p.v != "" {
				parts = append(parts, p.label+" "+p.v)
			}
		}
		r.TransferContact = strings.Join(parts, "，")
	}
	return r
}

// issue numbers a notice in the agency's series and renders its files.
func issue(ctx context.Context, tx disclosure.CaseTx, env Env, agencyID int64, nt NoticeText, today workday.Date, render bool) (disclosure.Notice, error) {
	serial, err := tx.NextSerial(ctx, agencyID, "notice", today.Year)
	if err != nil {
		return disclosure.Notice{}, err
	}
	s := env.Agency.Settings.WithDefaults()
	short := env.Agency.ShortName
	if short == "" {
		short = env.Agency.Name
	}
	number, err := disclosure.FormatNoticeNumber(s.NoticeNumberFormat, short, today.Year, serial)
	if err != nil {
		return disclosure.Notice{}, err
	}
	var docx, pdf []byte
	if render {
		if docx, pdf, err = RenderNotice(nt, number, env.Agency.Name, today); err != nil {
			return disclosure.Notice{}, fmt.Errorf("casework: render notice: %w", err)
		}
	}
	return disclosure.Notice{Kind: nt.Kind, Number: number, Title: nt.Title, Body: nt.Body(), Public: nt.Public, DOCX: docx, PDF: pdf}, nil
}

// CheckID validates a person's identity document by the rules of its type (internal/identity) and returns the
// normalised number.
func CheckID(docType, number string) (string, error) {
	return identity.Validate(identity.DocType(docType), number)
}

// Intake is a new application as entered: online by the applicant, or by staff from a letter, a visit, a fax or an
// e-mail.
type Intake struct {
	App   disclosure.Application
	Actor Actor
	Today workday.Date
	Now   time.Time
}

// earliestReceipt bounds receipt dates: applications under the 2008 Regulation are the earliest anyone imports.
var earliestReceipt = workday.NewDate(2008, 5, 1)

// NewCase validates an intake and opens its case: registered, the clock started on the receipt date, the deadline
// computed, and the event. The store assigns the number and the query code; prior are the applicant's earlier
// applications to the agency, for the duplicate and repeat warnings (Art 35, 36(6)). ReceiptMail is the
// confirmation e-mail, once the store has numbered the case.
func NewCase(in Intake, env Env, prior []disclosure.Application) (*disclosure.Case, disclosure.CaseEvent, error) {
	a := in.App
	if in.Actor.Who == ByApplicant {
		a.ReceivedOn = in.Today // an online application is received when submitted (Art 31(3): the system confirms it at once)
	}
	if err := a.Validate(CheckID); err != nil {
		return nil, disclosure.CaseEvent{}, err
	}
	switch {
	case a.ReceivedOn.After(in.Today):
		return nil, disclosure.CaseEvent{}, disclosure.Errorf(disclosure.EInvalid, "收到申请的日期 %s 晚于今天", a.ReceivedOn.Chinese())
	case a.ReceivedOn.Before(earliestReceipt):
		return nil, disclosure.CaseEvent{}, disclosure.Errorf(disclosure.EInvalid, "收到申请的日期 %s 早于2008年5月1日（《政府信息公开条例》施行之日）", a.ReceivedOn.Chinese())
	case in.Actor.Who == ByApplicant && a.Channel != disclosure.Online:
		return nil, disclosure.CaseEvent{}, disclosure.Errorf(disclosure.EInvalid, "在线申请的申请方式应为互联网在线申请")
	}
	a.AgencyID = env.Agency.ID
	a.State = disclosure.Registered
	a.Outcome, a.Basis, a.ClosedOn = "", "", workday.Date{}
	a.CreatedAt, a.UpdatedAt, a.Version = in.Now, in.Now, 1
	a.Flags = Flags(&a, prior, in.Today)
	c := &disclosure.Case{Application: a, Clock: []disclosure.ClockEntry{{Kind: disclosure.ClockStart, From: a.ReceivedOn, Reason: "收到申请", Article: "《条例》第三十一条、第三十三条"}}}
	dl := ComputeDeadline(env.Calendar, env.Agency.Settings, c.Clock, in.Today)
	c.Due = dl.Due()
	ev := disclosure.CaseEvent{At: in.Now, Action: "register", ToState: disclosure.Registered, ActorID: in.Actor.UserID, ActorName: in.Actor.Name,
		ActorKind: in.Actor.Who.String(), Public: true}
	if spec, ok := a.Channel.Spec(); ok {
		ev.Note = "申请方式：" + spec.Name + "；" + spec.DateLabel + " " + a.ReceivedOn.Chinese()
	}
	return c, ev, nil
}

// Flags finds what an officer should know about a new application from the applicant's earlier ones at the same
// agency: the same request still open (a duplicate), the same request already answered (a repeat, Art 36(6)), and
// many requests within 30 days (Art 35).
func Flags(a *disclosure.Application, prior []disclosure.Application, today workday.Date) []disclosure.Flag {
	var out []disclosure.Flag
	recent := 0
	text := requestText(a)
	for i := range prior {
		p := &prior[i]
		if p.ID == a.ID {
			continue
		}
		if !p.ReceivedOn.Before(today.AddDays(-30)) {
			recent++
		}
		if similarity(text, requestText(p)) < 0.6 {
			continue
		}
		if p.State.Closed() && p.State != disclosure.Withdrawn && p.State != disclosure.Lapsed {
			out = append(out, disclosure.Flag{Kind: "repeat", Other: p.ID,
				Message: fmt.Sprintf("与已于%s答复的申请 %s 内容相同或相近，如属重复申请，可按《条例》第三十六条第（六）项不予重复处理", p.ClosedOn.Chinese(), p.Number)})
		} else if !p.State.Closed() {
			out = append(out, disclosure.Flag{Kind: "duplicate", Other: p.ID,
				Message: fmt.Sprintf("与正在办理的申请 %s 内容相同或相近，可能是重复提交", p.Number)})
		}
	}
	if recent >= 10 {
		out = append(out, disclosure.Flag{Kind: "volume", Message: fmt.Sprintf("该申请人近30日内已提出 %d 件申请。数量、频次明显超过合理范围的，可以要求说明理由（《条例》第三十五条）或收取信息处理费（第四十二条）", recent)})
	}
	return out
}

func requestText(a *disclosure.Application) string {
	return a.Request.Title + a.Request.DocNumber + a.Request.Description
}

// similarity is the Jaccard index of the two texts' character bigrams (punctuation and spaces ignored): 1 for the
// same request, near 0 for unrelated ones. It catches a request resubmitted with small edits.
func similarity(a, b string) float64 {
	x, y := bigrams(a), bigrams(b)
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	inter := 0
	for k := range x {
		if y[k] {
			inter++
		}
	}
	return float64(inter) / float64(len(x)+len(y)-inter)
}

func bigrams(s string) map[string]bool {
	var rs []rune
	for _, r := range strings.ToLower(s) {
		if r > ' ' && !strings.ContainsRune("，。、；：？！“”‘’（）《》【】,.;:?!\"'()[]<>-—…", r) {
			rs = append(rs, r)
		}
	}
	out := map[string]bool{}
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])] = true
	}
	if len(rs) == 1 {
		out[string(rs)] = true
	}
	return out
}

// ApplicantView is what the applicant sees of a case's history on the status page: the public steps, without staff
// notes (a third party's opinion, an officer's comment) or internal data; the applicant's own words are kept.
func ApplicantView(events []disclosure.CaseEvent) []disclosure.CaseEvent {
	out := slices.DeleteFunc(slices.Clone(events), func(e disclosure.CaseEvent) bool { return !e.Public })
	for i := range out {
		out[i].ActorID, out[i].Data = nil, nil
		if out[i].ActorKind != ByApplicant.String() {
			out[i].Note, out[i].ActorName = "", ""
		}
	}
	return out
}

// AppealStep is the check of a reconsideration or lawsuit saved by the store: the section 四 years whose figures
// the change alters must not be published, unless the change is recorded as a correction with its reason.
func AppealStep(correction string) func(ctx context.Context, before, after *disclosure.Appeal, tx disclosure.CaseTx) ([]disclosure.ReportCorrection, error) {
	return func(ctx context.Context, before, after *disclosure.Appeal, tx disclosure.CaseTx) ([]disclosure.ReportCorrection, error) {
		var years []int
		for _, a := range []*disclosure.Appeal{before, after} {
			if a != nil && !slices.Contains(years, a.FiledOn.Year) {
				years = append(years, a.FiledOn.Year)
			}
		}
		var changed []int
		for _, y := range years {
			var b, x AppealCell
			var okB, okX bool
			if before != nil {
				b, okB = AppealCellOf(before, y)
			}
			x, okX = AppealCellOf(after, y)
			if okB != okX || b != x {
				changed = append(changed, y)
			}
		}
		slices.Sort(changed)
		return LockedYears(ctx, tx, after.AgencyID, changed, correction, nil, false)
	}
}

// ImportedCase opens a case from a historical record (a spreadsheet of earlier years): registered like any other,
// and when the record gives an outcome, closed with it on its date, so that the report of that year counts it. The
// event says where it came from. A record that still awaits an answer stays registered with its clock running.
func ImportedCase(in Intake, env Env, outcome disclosure.Outcome, basis string, closedOn workday.Date, note string) (*disclosure.Case, disclosure.CaseEvent, error) {
	c, ev, err := NewCase(in, env, nil)
	if err != nil {
		return nil, ev, err
	}
	ev.Action, ev.Note = "import", strings.TrimSpace("从表格导入的历史申请。"+note)
	if outcome == "" {
		return c, ev, nil
	}
	if !outcome.Fits(c.Kind) {
		return nil, ev, disclosure.Errorf(disclosure.EInvalid, "办理结果“%s”不适用于此类申请", outcome)
	}
	b, err := outcome.Basis(basis)
	if err != nil {
		return nil, ev, err
	}
	switch {
	case closedOn.IsZero():
		return nil, ev, disclosure.Errorf(disclosure.EInvalid, "已办结的申请须填写答复日期")
	case closedOn.Before(c.ReceivedOn):
		return nil, ev, disclosure.Errorf(disclosure.EInvalid, "答复日期 %s 早于收到日期 %s", closedOn.Chinese(), c.ReceivedOn.Chinese())
	case closedOn.After(in.Today):
		return nil, ev, disclosure.Errorf(disclosure.EInvalid, "答复日期 %s 晚于今天", closedOn.Chinese())
	}
	c.State, c.Outcome, c.Basis, c.ClosedOn = disclosure.Archived, outcome, b.Key, closedOn
	c.Reply = &disclosure.ReplyDraft{Outcome: outcome, Basis: b.Key, Reasons: note, Approved: true}
	ev.ToState = disclosure.Archived
	return c, ev, nil
}

// ReceiptMail is the e-mail confirming a new application to the applicant, when they gave an address: number,
// query code (never the password), receipt date and deadline.
func ReceiptMail(c *disclosure.Case, env Env) (disclosure.Mail, bool) {
	if c.Applicant.Email == "" {
		return disclosure.Mail{}, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s：\n\n%s已于%s收到您的%s，申请编号 %s，查询码 %s。\n", c.Applicant.Name, env.Agency.Name, c.ReceivedOn.Chinese(), kindName(c.Kind), c.Number, c.QueryCode)
	if !c.Due.IsZero() {
		fmt.Fprintf(&b, "本机关将于%s前作出答复；确需延长的，将另行告知。\n", c.Due.Chinese())
		if env.Calendar != nil && ComputeDeadline(env.Calendar, env.Agency.Settings, c.Clock, c.ReceivedOn).Provisional() {
			b.WriteString("（该日期为暂定日期：期限跨入节假日安排尚未公布的年份，安排公布后将重新计算，请以查询页面为准。）\n")
		}
	}
	fmt.Fprintf(&b, "\n查询办理进度：%s/track （查询码 %s，查询密码见提交申请后的回执）\n\n%s\n本邮件由系统自动发送，请勿直接回复。", strings.TrimRight(env.BaseURL, "/"), c.QueryCode, env.Agency.Name)
	return disclosure.Mail{To: c.Applicant.Email, Subject: fmt.Sprintf("%s：已收到您的%s（%s）", env.Agency.Name, kindName(c.Kind), c.Number), Text: b.String()}, true
}
