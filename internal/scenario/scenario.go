// Package scenario replays one application's history, written as a JSON file by legal staff, through the real
// casework — the same casework.Replay (= casework.Step without rendering) that the console and the API apply, the
// built-in working-day calendar, an in-memory stand-in for the database — and says what the system would do at
// every step: the deadline in force and how it was counted, the fee and when it must be paid, the notice issued
// (its full text), or why the law forbids the step. A scenario may state what it expects; a replay that differs
// says so. docs/scenarios.md describes the format; testdata/scenarios/ is the project's library.
package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fee"
	"github.com/gongkai/gongkai/internal/identity"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/workday"
)

// File is a scenario as written.
type File struct {
	// Name says in a line what the scenario shows.
	Name string `json:"name,omitempty"`
	// Checks name the articles the scenario checks ("《条例》第三十条").
	Checks    []string  `json:"checks,omitempty"`
	Agency    Agency    `json:"agency"`
	Applicant Applicant `json:"applicant"`
	// Kind is "disclosure" (default) or "correction" (更正申请, Art 41).
	Kind string `json:"kind,omitempty"`
	// PriorThisMonth is how many 件 the same applicant already made to this agency in the calendar month of this
	// application: the database's history, for 按件计收.
	PriorThisMonth int `json:"prior_this_month,omitempty"`
	// PublishedYears are the years whose annual report the agency has published (their figures locked).
	PublishedYears []int  `json:"published_years,omitempty"`
	Steps          []Step `json:"steps"`
	// Expect is what the replay must give in the end: the report cell.
	Expect *Expect `json:"expect,omitempty"`
}

// Agency is the agency handling the application. Fields not given take the defaults.
type Agency struct {
	Name string `json:"name"`
	// Government is the people's government the agency belongs to: the reconsideration body of its departments
	// (《行政复议法》 Art 24).
	Government string `json:"government,omitempty"`
	// Kind is "department" (default), "region_government" or "subordinate_unit".
	Kind  string `json:"kind,omitempty"`
	Phone string `json:"phone,omitempty"`
	// Settings override the agency's default settings (the keys of disclosure.AgencySettings).
	Settings json.RawMessage `json:"settings,omitempty"`
}

// Applicant is who applies.
type Applicant struct {
	// Type is natural_person, business, research, nonprofit, legal_service or other_org.
	Type  string `json:"type"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Step is one event of the history. Which fields matter depends on the action (docs/scenarios.md).
type Step struct {
	Date   string `json:"date"`
	Action string `json:"action"`
	// Channel of receive: online, in_person, post, fax, email (and ordinary: an ordinary letter).
	Channel string `json:"channel,omitempty"`
	// Items of request_fix; the subject of consult.
	Items string `json:"items,omitempty"`
	// Party of consult: third_party or agency; Name the party's or, for forward, the agency's name.
	Party string `json:"party,omitempty"`
	Name  string `json:"name,omitempty"`
	// Days of extend.
	Days int `json:"days,omitempty"`
	// Method (per_case, per_page) and Units (件 or pages) of fee_notice.
	Method string `json:"method,omitempty"`
	Units  int    `json:"units,omitempty"`
	// Outcome, Basis, Reasons and Provided of reply.
	Outcome  string `json:"outcome,omitempty"`
	Basis    string `json:"basis,omitempty"`
	Reasons  string `json:"reasons,omitempty"`
	Provided string `json:"provided,omitempty"`
	// Via is how a notice goes out: electronic or post.
	Via string `json:"via,omitempty"`
	// Accepted and ReplyBy of reasons_received (Art 35).
	Accepted *bool  `json:"accepted,omitempty"`
	ReplyBy  string `json:"reply_by,omitempty"`
	// Contact of forward: the competent agency's contact; OnPlatform forwards the application to it in the system.
	Contact    string `json:"contact,omitempty"`
	OnPlatform bool   `json:"on_platform,omitempty"`
	// Result and Decided of reconsideration and lawsuit: upheld, corrected, other or pending.
	Result  string `json:"result,omitempty"`
	Decided string `json:"decided,omitempty"`
	// Note is what goes with the step (a reason, the applicant's words).
	Note string `json:"note,omitempty"`
	// Correction is the reason for changing a published year's figures.
	Correction string `json:"correction,omitempty"`
	// Expect is what this step must give.
	Expect *StepExpect `json:"expect,omitempty"`
}

// StepExpect is what a step must give; fields left out are not checked.
type StepExpect struct {
	OK            *bool    `json:"ok,omitempty"`
	Error         string   `json:"error,omitempty"` // a part of the error message
	State         string   `json:"state,omitempty"`
	Deadline      *string  `json:"deadline,omitempty"` // "" expects no reply deadline running
	Explanation   []string `json:"explanation,omitempty"`
	Yuan          *int     `json:"yuan,omitempty"`
	PayBy         *string  `json:"pay_by,omitempty"`
	StepDue       *string  `json:"step_due,omitempty"`
	NoticeTitle   string   `json:"notice_title,omitempty"`
	NoticeHas     []string `json:"notice_has,omitempty"`
	NoticeLacks   []string `json:"notice_lacks,omitempty"`
	Warning       string   `json:"warning,omitempty"`
	NoNotice      bool     `json:"no_notice,omitempty"`
	ReferralState string   `json:"referral_state,omitempty"`
}

// Expect is what the whole replay must give.
type Expect struct {
	// Report is the section 三 cell the application is counted in at the end ("row" and "column" labels as
	// printed, and the year); Uncounted expects no cell at all.
	Report    *Cell `json:"report,omitempty"`
	Uncounted bool  `json:"uncounted,omitempty"`
	// Appeal is the section 四 cell of the last reconsideration or lawsuit.
	Appeal *Cell `json:"appeal,omitempty"`
	// Fee is section 六's fee figure of the year: 元 collected.
	FeeYuan *int `json:"fee_yuan,omitempty"`
}

// Cell is a cell of the annual report.
type Cell struct {
	Year    int    `json:"year"`
	Section string `json:"section"`
	Row     string `json:"row"`
	Column  string `json:"column"`
}

// Result is what the replay of one file gave.
type Result struct {
	File   string       `json:"file"`
	Name   string       `json:"name,omitempty"`
	Checks []string     `json:"checks,omitempty"`
	Steps  []StepResult `json:"steps"`
	// Report is the section 三 cell the application ends in (nil: counted nowhere, e.g. a correction request).
	Report *Cell `json:"report"`
	// Appeal is the section 四 cell of the last reconsideration or lawsuit.
	Appeal *Cell `json:"appeal,omitempty"`
	// FeeYuan is the fee collected (section 六（一）).
	FeeYuan int `json:"fee_yuan"`
	// Mismatches are the expectations the replay did not meet.
	Mismatches []string `json:"mismatches,omitempty"`
	// Refused counts the steps the law refused that the file did not expect to be refused.
	Refused int `json:"refused"`
}

// StepResult is what one step gave.
type StepResult struct {
	Date   string `json:"date"`
	Action string `json:"action"`
	OK     bool   `json:"ok"`
	Error  string `json:"error"`
	State  string `json:"state"`
	// Deadline is the reply deadline in force after the step ("" when none runs), Explanation how it was counted.
	Deadline    string `json:"deadline"`
	Explanation string `json:"explanation"`
	// StepDue is the deadline of the notice the case waits on (补正, payment, consultation), when known.
	StepDue  string     `json:"step_due,omitempty"`
	Fee      FeeResult  `json:"fee"`
	Notice   *Notice    `json:"notice,omitempty"`
	Warnings []string   `json:"warnings,omitempty"`
	Referral *Referral  `json:"referral,omitempty"`
	Appeal   *AppealOut `json:"appeal,omitempty"`
}

// FeeResult is the fee of the application as it stands after the step.
type FeeResult struct {
	Yuan  int    `json:"yuan"`
	PayBy string `json:"pay_by"`
}

// Notice is a notice the step issued, as printed.
type Notice struct {
	Number string `json:"number"`
	Title  string `json:"title"`
	Text   string `json:"text"`
}

// Referral is the application as another agency in the system sees it after a forward (Art 36(5)).
type Referral struct {
	Agency  string `json:"agency"`
	State   string `json:"state"`
	Counted bool   `json:"counted"`
}

// AppealOut is a reconsideration or lawsuit recorded by the step.
type AppealOut struct {
	Kind   string `json:"kind"`
	Result string `json:"result"`
}

// Parse reads a scenario. Unknown fields are errors, so a misspelt key does not pass silently.
func Parse(r io.Reader) (*File, error) {
	dec := json.NewDecoder(io.LimitReader(r, 4<<20))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("情景文件不是有效的 JSON：%v", err)
	}
	if len(f.Steps) == 0 {
		return nil, errors.New("情景没有任何步骤（steps）")
	}
	if f.Steps[0].Action != "receive" {
		return nil, errors.New("情景的第一步应为 receive（收到申请）")
	}
	return &f, nil
}

// applicantTypes maps the scenario's applicant types to the report's columns.
var applicantTypes = map[string]disclosure.ApplicantType{
	"natural_person": disclosure.NaturalPerson, "business": disclosure.Commercial, "commercial": disclosure.Commercial,
	"research": disclosure.Research, "nonprofit": disclosure.PublicInterest, "public_interest": disclosure.PublicInterest,
	"legal_service": disclosure.LegalService, "other_org": disclosure.OtherOrg,
}

// channels maps the scenario's channels to the casework's.
var channels = map[string]disclosure.Channel{
	"online": disclosure.Online, "in_person": disclosure.InPerson, "post": disclosure.Letter, "letter": disclosure.Letter,
	"ordinary": disclosure.Ordinary, "fax": disclosure.Fax, "email": disclosure.Email,
}

// Actors of a replay: the officer who handles the case, the approver who signs off, the applicant.
var (
	officerID  = int64(1)
	approverID = int64(2)
	officer    = casework.Actor{Who: casework.ByOfficer, UserID: &officerID, Name: "公开专员"}
	approver   = casework.Actor{Who: casework.ByApprover, UserID: &approverID, Name: "审批领导"}
	applicant  = casework.Actor{Who: casework.ByApplicant, Name: "申请人"}
)

// The competent agency of a forward on the platform has this ID in the replay.
const otherAgencyID = 2

// replay is the state of one replay: the case, the agency, the in-memory store.
type replay struct {
	f      *File
	env    casework.Env
	c      *disclosure.Case
	tx     *memTx
	res    *Result
	appeal *disclosure.Appeal
	// reviewed remembers that a reconsideration was applied for, so a later lawsuit is one after review.
	reviewed bool
}

// Run replays a scenario. The error is for a scenario that cannot be replayed at all (a bad agency or first
// step); a step the law forbids is a result with ok false, and the replay goes on.
func Run(f *File, name string) (*Result, error) {
	rp := &replay{f: f, res: &Result{File: name, Name: f.Name, Checks: f.Checks}}
	if err := rp.setup(); err != nil {
		return nil, err
	}
	for i, st := range f.Steps {
		sr := rp.step(i, st)
		if expectedRefusal := st.Expect != nil && st.Expect.OK != nil && !*st.Expect.OK; !sr.OK && !expectedRefusal {
			rp.res.Refused++
		}
		rp.expectStep(i, st, &sr)
		rp.res.Steps = append(rp.res.Steps, sr)
	}
	rp.finish()
	return rp.res, nil
}

func (rp *replay) setup() error {
	f := rp.f
	if strings.TrimSpace(f.Agency.Name) == "" {
		return errors.New("请填写机关名称（agency.name）")
	}
	s := disclosure.DefaultSettings()
	if len(f.Agency.Settings) > 0 {
		dec := json.NewDecoder(bytes.NewReader(f.Agency.Settings))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return fmt.Errorf("机关设置（agency.settings）有误：%v", err)
		}
		if err := s.Validate(); err != nil {
			return fmt.Errorf("机关设置（agency.settings）有误：%s", disclosure.ErrorMessage(err))
		}
	}
	kind := disclosure.Department
	if f.Agency.Kind != "" {
		kind = disclosure.AgencyKind(f.Agency.Kind)
		if disclosure.AgencyKindNames[kind] == "" {
			return fmt.Errorf("机关类型“%s”无法识别：应为 department、region_government 或 subordinate_unit", f.Agency.Kind)
		}
	}
	a := &disclosure.Agency{ID: 1, Kind: kind, Name: f.Agency.Name, Contacts: disclosure.Contacts{Phone: f.Agency.Phone}, Settings: s}
	var above []*disclosure.Agency
	if g := strings.TrimSpace(f.Agency.Government); g != "" {
		above = append(above, &disclosure.Agency{ID: 99, Kind: disclosure.RegionGovernment, Name: g})
	}
	rp.env = casework.Env{Calendar: workday.Default(), Agency: a, ReviewBody: casework.ReconsiderationBody(a, above), BaseURL: "https://gongkai.example.gov.cn"}
	rp.tx = &memTx{agency: a, prior: f.PriorThisMonth, published: f.PublishedYears, serials: map[string]int{}}
	return nil
}

// step replays one step and returns what it gave.
func (rp *replay) step(i int, st Step) StepResult {
	sr := StepResult{Date: st.Date, Action: st.Action}
	day, err := workday.ParseDate(st.Date)
	if err != nil {
		sr.Error = fmt.Sprintf("第 %d 步的日期“%s”无效，应写成 2026-03-06", i+1, st.Date)
		return sr
	}
	if i > 0 && rp.c == nil {
		sr.Error = "申请未能登记，无法继续"
		return sr
	}
	if prev := rp.lastDate(i); !prev.IsZero() && day.Before(prev) {
		sr.Error = fmt.Sprintf("第 %d 步的日期 %s 早于上一步 %s：步骤应按时间顺序排列", i+1, day, prev)
		return sr
	}
	var notices []disclosure.Notice
	var warnings []string
	switch st.Action {
	case "receive":
		notices, err = rp.receive(st, day)
	case "reconsideration", "lawsuit":
		warnings, err = rp.appealStep(st, day, &sr)
	default:
		var cmds []casework.Command
		cmds, err = rp.commands(st, day)
		// A step of several commands (a reply: draft, submit, approve, send) is all or nothing, as one step is.
		before := rp.c
		defer func() {
			if err != nil {
				rp.c = before
			}
		}()
		for _, cmd := range cmds {
			if err != nil {
				break
			}
			var ch *disclosure.CaseChange
			var d *casework.Decision
			ch, d, err = casework.Replay(context.Background(), rp.c, cmd, rp.env, rp.tx)
			if err != nil {
				break
			}
			next := ch.Case
			rp.c = &next
			notices = append(notices, ch.Notices...)
			warnings = append(warnings, d.Warnings...)
			for _, x := range ch.Corrections {
				warnings = append(warnings, fmt.Sprintf("已记录为对%d年度报告的更正：%s", x.Year, x.Reason))
			}
			if ch.Transfer != nil {
				sr.Referral = &Referral{Agency: st.Name, State: disclosure.StateNames[ch.Transfer.State], Counted: casework.Cells(&ch.Transfer.Application, day.Year) != nil}
			}
		}
	}
	if err != nil {
		sr.Error = disclosure.ErrorMessage(err)
		if code := disclosure.ErrorCode(err); code == disclosure.EInternal {
			sr.Error = err.Error()
		}
	} else {
		sr.OK = true
	}
	if rp.c != nil {
		c := rp.c
		sr.State = string(c.State)
		if !c.State.Closed() {
			dl := casework.ComputeDeadline(rp.env.Calendar, rp.env.Agency.Settings, c.Clock, day)
			if dl.Running {
				sr.Deadline, sr.Explanation = dl.Due().String(), dl.Explain()
			}
		}
		if !c.StepDue.IsZero() {
			sr.StepDue = c.StepDue.String()
		}
		if c.Fee != nil {
			sr.Fee.Yuan = c.Fee.Amount
			if c.Progress.Waiting != nil && c.Progress.Waiting.Kind == disclosure.WaitFee && !c.StepDue.IsZero() {
				sr.Fee.PayBy = c.StepDue.String()
			}
		}
		if sr.OK {
			warnings = append(warnings, casework.StepWarnings(c, day)...)
		}
	}
	for _, n := range notices {
		if sr.Notice == nil || (n.Public && n.Kind == casework.NoticeReply) {
			sr.Notice = &Notice{Number: n.Number, Title: n.Title, Text: n.Body}
		}
	}
	sr.Warnings = warnings
	return sr
}

func (rp *replay) lastDate(i int) workday.Date {
	for j := i - 1; j >= 0; j-- {
		if d, err := workday.ParseDate(rp.f.Steps[j].Date); err == nil {
			return d
		}
	}
	return workday.Date{}
}

// receive registers the application as the console or the portal does, and accepts it (受理) the same day.
func (rp *replay) receive(st Step, day workday.Date) ([]disclosure.Notice, error) {
	if rp.c != nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "申请已经登记，receive 只能是第一步")
	}
	ch := st.Channel
	if ch == "" {
		ch = "online"
	}
	channel, ok := channels[ch]
	if !ok {
		return nil, disclosure.Errorf(disclosure.EInvalid, "申请方式“%s”无法识别：应为 online、in_person、post、ordinary、fax 或 email", ch)
	}
	at, ok := applicantTypes[rp.f.Applicant.Type]
	if !ok {
		return nil, disclosure.Errorf(disclosure.EInvalid, "申请人类型“%s”无法识别：应为 natural_person、business、research、nonprofit、legal_service 或 other_org", rp.f.Applicant.Type)
	}
	app := disclosure.Application{Kind: disclosure.DisclosureRequest, Channel: channel, ReceivedOn: day,
		Applicant: sampleApplicant(at, rp.f.Applicant),
		Request: disclosure.Request{Title: "2025年度本县医疗机构执业登记情况", Description: "申请公开2025年度本县医疗机构执业登记情况",
			Forms: []string{"电子文档"}, Delivery: []string{"电子邮件"}}}
	if rp.f.Kind == "correction" {
		app.Kind = disclosure.CorrectionRequest
	} else if rp.f.Kind != "" && rp.f.Kind != "disclosure" {
		return nil, disclosure.Errorf(disclosure.EInvalid, "申请类别“%s”无法识别：应为 disclosure 或 correction", rp.f.Kind)
	}
	actor := officer
	if channel == disclosure.Online {
		actor = applicant
	}
	c, _, err := casework.NewCase(casework.Intake{App: app, Actor: actor, Today: day, Now: noon(day)}, rp.env, nil)
	if err != nil {
		return nil, err
	}
	c.ID, c.Number, c.QueryCode = 1, fmt.Sprintf("%d-0001", day.Year), "SCENARIO0001"
	// As the portal and the console register it: a receipt in a published year is a correction of its report,
	// refused to staff without a reason, recorded for the public.
	years := casework.AffectedYears(&disclosure.Application{}, &c.Application, day.Year)
	if _, err := casework.LockedYears(context.Background(), rp.tx, 1, years, st.Correction, nil, actor.Who == casework.ByApplicant); err != nil {
		return nil, err
	}
	rp.c = c
	cmd := casework.Command{Action: casework.Accept, Actor: officer, Today: day, Now: noon(day)}
	ch2, _, err := casework.Replay(context.Background(), rp.c, cmd, rp.env, rp.tx)
	if err != nil {
		return nil, err
	}
	next := ch2.Case
	rp.c = &next
	return ch2.Notices, nil
}

// commands turns a scenario step into the casework commands the console would send for it, in order: an
// extension is requested by the officer and approved by the approver; a reply is drafted, submitted, approved and
// sent.
func (rp *replay) commands(st Step, day workday.Date) ([]casework.Command, error) {
	base := casework.Command{Actor: officer, Today: day, Now: noon(day), Note: st.Note, Via: st.Via, Correction: st.Correction}
	one := func(a casework.Action) []casework.Command { c := base; c.Action = a; return []casework.Command{c} }
	switch st.Action {
	case "accept":
		return one(casework.Accept), nil
	case "request_fix":
		c := base
		c.Action, c.Items = casework.RequestFix, or(st.Items, "请明确所需信息的名称或文号")
		return []casework.Command{c}, nil
	case "fix_received":
		c := base
		c.Action, c.Note = casework.ReceiveFix, or(st.Note, "所需信息为2025年度本县医疗机构执业登记情况")
		if rp.c.Channel == disclosure.Online {
			c.Action, c.Actor = casework.SubmitFix, applicant
		}
		return []casework.Command{c}, nil
	case "fix_lapsed":
		return one(casework.FixLapsed), nil
	case "consult":
		c := base
		c.Action, c.Party, c.PartyKind, c.Items = casework.Consult, or(st.Name, "某医药有限公司"), or(st.Party, "third_party"), st.Items
		if c.PartyKind == "agency" && st.Name == "" {
			c.Party = "平阴县医疗保障局"
		}
		return []casework.Command{c}, nil
	case "consult_delivered", "fix_delivered", "fee_notice_delivered", "reasons_delivered":
		want := map[string]string{"consult_delivered": disclosure.WaitConsult, "fix_delivered": disclosure.WaitFix,
			"fee_notice_delivered": disclosure.WaitFee, "reasons_delivered": disclosure.WaitReasons}[st.Action]
		if w := rp.c.Progress.Waiting; w != nil && w.Kind != want {
			return nil, disclosure.Errorf(disclosure.EConflict, "本申请等待送达的是%s，不是%s", disclosure.WaitNames[w.Kind], disclosure.WaitNames[want])
		}
		return one(casework.NoticeDelivered), nil
	case "consult_answered":
		c := base
		c.Action, c.Note = casework.EndConsult, or(st.Note, "对方已提出意见")
		return []casework.Command{c}, nil
	case "extend":
		req := base
		req.Action, req.Days, req.Note = casework.RequestExtension, st.Days, or(st.Note, "需要调取、核查较多档案")
		ok := base
		ok.Action, ok.Actor = casework.ApproveExtension, approver
		return []casework.Command{req, ok}, nil
	case "fee_notice":
		m, err := fee.ParseMethod(st.Method)
		if err != nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "%s", err.Error())
		}
		c := base
		c.Action, c.FeeMethod, c.FeeUnits = casework.IssueFee, m, st.Units
		return []casework.Command{c}, nil
	case "fee_paid":
		return one(casework.FeePaid), nil
	case "fee_waived":
		c := base
		c.Action, c.Note = casework.FeeWaived, or(st.Note, "申请人经济困难，经批准减免")
		return []casework.Command{c}, nil
	case "fee_lapsed":
		return one(casework.FeeLapsed), nil
	case "ask_reasons":
		return one(casework.AskReasons), nil
	case "reasons_received":
		c := base
		c.Action = casework.ReasonsReceived
		if st.Accepted == nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "reasons_received 须写明理由是否合理（\"accepted\": true 或 false）")
		}
		c.Accepted = *st.Accepted
		if !c.Accepted {
			c.Note = or(st.Note, "申请理由与所申请信息无关，不合理")
		}
		if st.ReplyBy != "" {
			d, err := workday.ParseDate(st.ReplyBy)
			if err != nil {
				return nil, disclosure.Errorf(disclosure.EInvalid, "reply_by“%s”无效，应写成 2026-05-29", st.ReplyBy)
			}
			c.Until = d
		}
		return []casework.Command{c}, nil
	case "reply", "forward":
		r := disclosure.ReplyDraft{Outcome: disclosure.Outcome(st.Outcome), Basis: st.Basis, Reasons: st.Reasons, Provided: st.Provided}
		if st.Action == "forward" {
			r.Outcome, r.Basis = disclosure.UnableNotHeld, "not_ours"
			r.TransferName, r.TransferContact = or(st.Name, "平阴县医疗保障局"), st.Contact
			if st.OnPlatform {
				id := int64(otherAgencyID)
				r.TransferTo = &id
				rp.tx.other = &disclosure.Agency{ID: otherAgencyID, Kind: disclosure.Department, Name: r.TransferName}
			}
			if r.Reasons == "" {
				r.Reasons = "该信息由" + r.TransferName + "制作并负责公开"
			}
		}
		if spec, ok := r.Outcome.Spec(); ok {
			b, _ := r.Outcome.Basis(r.Basis)
			if r.Reasons == "" && b.NeedsReasons {
				r.Reasons = "（理由）" + spec.Name
			}
			if r.Provided == "" {
				r.Provided = "以电子邮件发送"
			}
			if r.Outcome == disclosure.UnableNotHeld && r.Basis == "not_ours" && r.TransferName == "" {
				r.TransferName, r.TransferContact = or(st.Name, "平阴县医疗保障局"), st.Contact
			}
			if r.Outcome == disclosure.CorrectionForwarded && r.TransferName == "" {
				r.TransferName = or(st.Name, "平阴县医疗保障局")
			}
		}
		draft := base
		draft.Action, draft.Reply = casework.DraftReply, r
		cmds := []casework.Command{draft}
		if !rp.env.Agency.Settings.WithDefaults().SkipReplyApproval {
			sub, ok := base, base
			sub.Action = casework.SubmitReply
			ok.Action, ok.Actor = casework.ApproveReply, approver
			cmds = append(cmds, sub, ok)
		}
		send := base
		send.Action = casework.SendReply
		return append(cmds, send), nil
	case "delivered":
		return one(casework.RecordDelivery), nil
	case "withdraw":
		c := base
		c.Action, c.Actor = casework.Withdraw, applicant
		return []casework.Command{c}, nil
	case "archive":
		return one(casework.Archive), nil
	}
	return nil, disclosure.Errorf(disclosure.EInvalid, "未知的操作“%s”（可用的操作见 docs/scenarios.md）", st.Action)
}

// appealStep records a reconsideration or a lawsuit about the application, as the console's appeal form does.
func (rp *replay) appealStep(st Step, day workday.Date, sr *StepResult) ([]string, error) {
	var warnings []string
	a := &disclosure.Appeal{AgencyID: 1, FiledOn: day, Result: disclosure.AppealResult(or(st.Result, string(disclosure.Pending))), Body: st.Name}
	switch {
	case st.Action == "reconsideration":
		a.Kind = disclosure.Review
		a.Body = or(a.Body, rp.env.ReviewBody)
	case rp.reviewed:
		a.Kind = disclosure.SuitAfterReview
	default:
		a.Kind = disclosure.SuitDirect
		if rp.c.State.Closed() && casework.ReconsiderationFirst(rp.c.Outcome) {
			warnings = append(warnings, "依照《行政复议法》第二十三条第一款第（四）项，对不予公开的决定应当先申请行政复议；未经复议直接起诉的，人民法院可能不予受理")
		}
	}
	a.Body = or(a.Body, "有管辖权的人民法院")
	if st.Decided != "" {
		d, err := workday.ParseDate(st.Decided)
		if err != nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "decided“%s”无效，应写成 2026-08-31", st.Decided)
		}
		a.DecidedOn = d
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if a.Kind == disclosure.Review {
		rp.reviewed = true
	}
	rp.appeal = a
	sr.Appeal = &AppealOut{Kind: disclosure.AppealKindNames[a.Kind], Result: disclosure.AppealResultNames[a.Result]}
	return warnings, nil
}

// finish computes the report cells and checks the scenario's final expectations.
func (rp *replay) finish() {
	res := rp.res
	if rp.c != nil {
		year := rp.lastDate(len(rp.f.Steps)).Year
		if rp.c.State.Closed() && !rp.c.ClosedOn.IsZero() {
			year = rp.c.ClosedOn.Year
		}
		for _, cell := range casework.Cells(&rp.c.Application, year) {
			if cell.Row == report.RowNew || cell.Row == report.RowCarriedOver {
				continue
			}
			res.Report = &Cell{Year: year, Section: "三", Row: rowLabel(year, cell.Row), Column: columnLabel(cell.Column)}
		}
		if f := rp.c.Fee; f != nil && f.Paid {
			res.FeeYuan = f.Amount
		}
	}
	if rp.appeal != nil {
		if cell, ok := casework.AppealCellOf(rp.appeal, rp.appeal.FiledOn.Year); ok {
			res.Appeal = &Cell{Year: rp.appeal.FiledOn.Year, Section: "四", Row: disclosure.AppealKindNames[cell.Kind], Column: disclosure.AppealResultNames[cell.Result]}
		}
	}
	e := rp.f.Expect
	if e == nil {
		return
	}
	if e.Uncounted && res.Report != nil {
		rp.miss("期望不计入第三部分，实际计入 %+v", *res.Report)
	}
	if e.Report != nil {
		if res.Report == nil {
			rp.miss("期望计入第三部分 %+v，实际未计入", *e.Report)
		} else if *e.Report != *res.Report {
			rp.miss("期望计入第三部分 %+v，实际 %+v", *e.Report, *res.Report)
		}
	}
	if e.Appeal != nil && (res.Appeal == nil || *e.Appeal != *res.Appeal) {
		rp.miss("期望计入第四部分 %+v，实际 %v", *e.Appeal, res.Appeal)
	}
	if e.FeeYuan != nil && *e.FeeYuan != res.FeeYuan {
		rp.miss("期望第六部分收取信息处理费 %d 元，实际 %d 元", *e.FeeYuan, res.FeeYuan)
	}
}

// expectStep checks a step's expectations.
func (rp *replay) expectStep(i int, st Step, sr *StepResult) {
	e := st.Expect
	if e == nil {
		return
	}
	at := fmt.Sprintf("第 %d 步（%s %s）", i+1, st.Date, st.Action)
	if e.OK != nil && *e.OK != sr.OK {
		rp.miss("%s：期望 ok=%v，实际 ok=%v %s", at, *e.OK, sr.OK, sr.Error)
	}
	if e.Error != "" && !strings.Contains(sr.Error, e.Error) {
		rp.miss("%s：期望错误信息包含“%s”，实际“%s”", at, e.Error, sr.Error)
	}
	if e.State != "" && e.State != sr.State {
		rp.miss("%s：期望状态 %s，实际 %s", at, e.State, sr.State)
	}
	if e.Deadline != nil && *e.Deadline != sr.Deadline {
		rp.miss("%s：期望答复期限“%s”，实际“%s”（%s）", at, *e.Deadline, sr.Deadline, sr.Explanation)
	}
	for _, x := range e.Explanation {
		if !strings.Contains(sr.Explanation, x) {
			rp.miss("%s：期限说明应包含“%s”，实际“%s”", at, x, sr.Explanation)
		}
	}
	if e.Yuan != nil && *e.Yuan != sr.Fee.Yuan {
		rp.miss("%s：期望信息处理费 %d 元，实际 %d 元", at, *e.Yuan, sr.Fee.Yuan)
	}
	if e.PayBy != nil && *e.PayBy != sr.Fee.PayBy {
		rp.miss("%s：期望缴费期限“%s”，实际“%s”", at, *e.PayBy, sr.Fee.PayBy)
	}
	if e.StepDue != nil && *e.StepDue != sr.StepDue {
		rp.miss("%s：期望告知书期限“%s”，实际“%s”", at, *e.StepDue, sr.StepDue)
	}
	if e.NoNotice && sr.Notice != nil {
		rp.miss("%s：不应出具告知书，实际出具《%s》", at, sr.Notice.Title)
	}
	if e.NoticeTitle != "" || len(e.NoticeHas) > 0 || len(e.NoticeLacks) > 0 {
		if sr.Notice == nil {
			rp.miss("%s：期望出具告知书，实际没有", at)
			return
		}
		if e.NoticeTitle != "" && e.NoticeTitle != sr.Notice.Title {
			rp.miss("%s：期望告知书标题《%s》，实际《%s》", at, e.NoticeTitle, sr.Notice.Title)
		}
		for _, x := range e.NoticeHas {
			if !strings.Contains(sr.Notice.Text, x) {
				rp.miss("%s：告知书应包含“%s”，实际：%s", at, x, sr.Notice.Text)
			}
		}
		for _, x := range e.NoticeLacks {
			if strings.Contains(sr.Notice.Text, x) {
				rp.miss("%s：告知书不应包含“%s”，实际：%s", at, x, sr.Notice.Text)
			}
		}
	}
	if e.Warning != "" && !slices.ContainsFunc(sr.Warnings, func(w string) bool { return strings.Contains(w, e.Warning) }) {
		rp.miss("%s：期望提示包含“%s”，实际 %q", at, e.Warning, sr.Warnings)
	}
	if e.ReferralState != "" && (sr.Referral == nil || sr.Referral.State != e.ReferralState) {
		rp.miss("%s：期望转送后对方看到“%s”，实际 %+v", at, e.ReferralState, sr.Referral)
	}
}

func (rp *replay) miss(format string, args ...any) {
	rp.res.Mismatches = append(rp.res.Mismatches, fmt.Sprintf(format, args...))
}

func rowLabel(year int, id string) string {
	if spec, ok := disclosure.Outcome(id).Spec(); ok {
		return spec.Label
	}
	if f, ok := report.FormatOf(report.EraForYear(year)); ok {
		if t, ok := f.Table(report.TableRequests); ok {
			for _, r := range t.Rows {
				if r.ID == id {
					return r.Label
				}
			}
		}
	}
	return id
}

// columnLabel is a section 三 column as the long CSV names it: "自然人", "法人或其他组织/商业企业".
func columnLabel(id string) string {
	if f, ok := report.FormatOf(report.Era2021); ok {
		if t, ok := f.Table(report.TableRequests); ok {
			for _, c := range t.Columns {
				if c.ID == id {
					return strings.Join(append(slices.Clone(c.Parents), c.Label), "/")
				}
			}
		}
	}
	return id
}

func or(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// noon is the moment a step dated d is taken: midday in Beijing.
func noon(d workday.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

// sampleApplicant is an applicant of the type with valid identity numbers (not a real person's or
// organisation's: the check characters are computed).
func sampleApplicant(t disclosure.ApplicantType, in Applicant) disclosure.Applicant {
	a := disclosure.Applicant{Type: t, Name: or(in.Name, "王小明"), Phone: "13800000000", Email: in.Email}
	if t == disclosure.NaturalPerson {
		a.IDType, a.IDNumber = "resident_id", residentID("11010519491231002")
		return a
	}
	a.Name = or(in.Name, "济南某某信息技术有限公司")
	first := "91370124MA3C1234X"
	a.IDType, a.IDNumber, a.LegalRep, a.Contact = disclosure.USCCDocType, first+string(disclosure.USCCCheck(first)), "李法人", "张联系"
	return a
}

func residentID(first17 string) string {
	return first17 + string(identity.ResidentIDCheck(first17))
}
