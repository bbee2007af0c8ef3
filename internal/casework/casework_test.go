package casework

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fee"
	"github.com/gongkai/gongkai/internal/workday"
)

func date(s string) workday.Date {
	d, err := workday.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

var (
	officerID  = int64(7)
	approverID = int64(8)
	officer    = Actor{Who: ByOfficer, UserID: &officerID, Name: "张公开"}
	approver   = Actor{Who: ByApprover, UserID: &approverID, Name: "李主任"}
	applicant  = Actor{Who: ByApplicant, Name: "申请人"}
)

func testEnv() Env {
	a := &disclosure.Agency{ID: 3, Kind: disclosure.Department, Name: "平阴县卫生健康局", ShortName: "平阴卫健",
		Contacts: disclosure.Contacts{Phone: "0531-87883760", Address: "平阴县府前街31号"}, Settings: disclosure.DefaultSettings()}
	return Env{Calendar: workday.Default(), Agency: a, ReviewBody: "平阴县人民政府", BaseURL: "https://gk.example.gov.cn"}
}

// validID is a resident ID number with a correct check digit (computed, not a real person's).
func validID() string {
	body := "11010519491231002"
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

func newApp(received string) disclosure.Application {
	return disclosure.Application{
		Kind: disclosure.DisclosureRequest, Channel: disclosure.Letter, ReceivedOn: date(received), QueryCode: "ABCDEFGHJKMN", Number: "2026-0001",
		Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, Name: "王小明", IDNumber: validID(), Phone: "13800000000", Email: "wang@example.com"},
		Request:   disclosure.Request{Description: "2025年度本县疫苗接种点名单", Forms: []string{"电子文档"}, Delivery: []string{"电子邮件"}},
	}
}

func mustCase(t *testing.T, received, today string) *disclosure.Case {
	t.Helper()
	c, _, err := NewCase(Intake{App: newApp(received), Actor: officer, Today: date(today), Now: time.Now()}, testEnv(), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.ID = 1
	return c
}

// run applies a command on the given day and returns the new case, failing the test on error.
func run(t *testing.T, c *disclosure.Case, today string, cmd Command) (*disclosure.Case, *Decision) {
	t.Helper()
	if cmd.Actor.Who == 0 {
		cmd.Actor = officer
	}
	cmd.Today, cmd.Now = date(today), time.Now()
	d, err := Decide(c, cmd, testEnv(), nil, 0)
	if err != nil {
		t.Fatalf("%s on %s: %v", cmd.Action, today, err)
	}
	return &d.Case, d
}

func decideErr(c *disclosure.Case, today string, cmd Command) error {
	if cmd.Actor.Who == 0 {
		cmd.Actor = officer
	}
	cmd.Today, cmd.Now = date(today), time.Now()
	_, err := Decide(c, cmd, testEnv(), nil, 0)
	return err
}

func TestEveryActionIsAllowedOnlyFromItsStatesAndByItsActors(t *testing.T) {
	states := append(append([]disclosure.State{}, disclosure.OpenStates...), disclosure.Replied, disclosure.Delivered, disclosure.Withdrawn, disclosure.Lapsed, disclosure.Archived)
	for _, tr := range Transitions {
		for _, st := range states {
			for _, who := range []Actor{officer, approver, applicant} {
				c := mustCase(t, "2026-03-02", "2026-03-03")
				c.State = st
				err := decideErr(c, "2026-03-03", Command{Action: tr.Action, Actor: who})
				code := disclosure.ErrorCode(err)
				switch {
				case tr.By&who.Who == 0:
					if code != disclosure.EForbidden {
						t.Errorf("%s by %s in %s: got %v, want forbidden", tr.Action, who.Who, st, err)
					}
				case !slices.Contains(tr.From, st):
					if code != disclosure.EConflict {
						t.Errorf("%s by %s in %s: got %v, want conflict (wrong state)", tr.Action, who.Who, st, err)
					}
				default:
					// Allowed by the table: whatever the step's own inputs say, it must not be refused for
					// the state or the actor.
					if err != nil && strings.Contains(err.Error(), "不能执行") {
						t.Errorf("%s by %s in %s refused by state: %v", tr.Action, who.Who, st, err)
					}
				}
			}
		}
	}
}

func TestDeadlineOfANewCase(t *testing.T) {
	tests := []struct {
		name, received, policy, want string
	}{
		// 20 working days from 2026-02-10 across Spring Festival (15–23 Feb off; 14 and 28 Feb worked).
		{"across Spring Festival 2026", "2026-02-10", "", "2026-03-16"},
		// Received Saturday 2026-03-07: Art 31 makes Saturday the receipt day and counting starts the next day,
		// skipping the weekend: 9 March is day 1 and nothing is added — the default.
		{"received on a Saturday, by default", "2026-03-07", "", "2026-04-03"},
		{"received on a Saturday, as received", "2026-03-07", "as_received", "2026-04-03"},
		// An agency whose local rule says otherwise may count from the next working day, with its ground shown.
		{"received on a Saturday, next working day by local rule", "2026-03-07", "next_working_day", "2026-04-07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv()
			env.Agency.Settings.ReceiptOnNonWorkingDay = tt.policy
			if tt.policy == "next_working_day" {
				env.Agency.Settings.ReceiptPolicyReason = "某市依申请公开办理规定（示例）"
			}
			c, _, err := NewCase(Intake{App: newApp(tt.received), Actor: officer, Today: date(tt.received), Now: time.Now()}, env, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Due.String(); got != tt.want {
				t.Errorf("due = %s, want %s (%s)", got, tt.want, ComputeDeadline(env.Calendar, env.Agency.Settings, c.Clock, date(tt.received)).Explain())
			}
			if ex := ComputeDeadline(env.Calendar, env.Agency.Settings, c.Clock, date(tt.received)).Explain(); tt.policy == "next_working_day" && !strings.Contains(ex, "某市依申请公开办理规定（示例）") {
				t.Errorf("the explanation does not give the agency's ground: %s", ex)
			}
		})
	}
}

func TestCorrectionRestartsTheClockFromTheCorrectedApplication(t *testing.T) {
	c := mustCase(t, "2026-02-10", "2026-02-10")
	c, d := run(t, c, "2026-02-12", Command{Action: RequestFix, Items: "请写明所需疫苗接种点名单的年份和乡镇", Via: "electronic"})
	if c.State != disclosure.AwaitingFix || !c.Due.IsZero() || !c.FixRequested {
		t.Fatalf("after the fix notice: state %s, due %s, fix %v; want awaiting_fix, no reply clock", c.State, c.Due, c.FixRequested)
	}
	// Sent electronically: delivered the day it was sent (the agency's default), so the period runs at once.
	// 15 working days from 12 Feb: 13, 14 (调休), then after the holiday 24–27 Feb, 28 (调休), 2–6 Mar, 9–11 Mar.
	if got, want := c.StepDue.String(), "2026-03-11"; got != want {
		t.Errorf("correction period ends %s, want %s", got, want)
	}
	if len(d.Notices) != 1 || d.Notices[0].Kind != NoticeFix || !strings.Contains(strings.Join(d.Notices[0].Paras, ""), "请写明所需疫苗接种点名单") {
		t.Errorf("fix notice = %+v", d.Notices)
	}
	if len(d.Mails) != 1 || !strings.Contains(d.Mails[0].Text, "2026年3月11日前提交补正") {
		t.Errorf("mail = %+v", d.Mails)
	}
	if err := decideErr(c, "2026-02-13", Command{Action: RequestFix, Items: "再次补正"}); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("a second fix notice: %v, want conflict (once only, Art 30)", err)
	}
	c, _ = run(t, c, "2026-03-02", Command{Action: SubmitFix, Actor: applicant, Note: "2025年度，城关镇"})
	// 20 working days from 2 Mar 2026: 3 Mar … 30 Mar.
	if c.State != disclosure.Handling || c.Due.String() != "2026-03-30" {
		t.Errorf("after the correction: state %s due %s, want handling and 2026-03-30", c.State, c.Due)
	}
	if !strings.Contains(c.Request.Supplement, "城关镇") {
		t.Errorf("supplement = %q", c.Request.Supplement)
	}
}

func TestLateFixNoticeIsWarned(t *testing.T) {
	c := mustCase(t, "2026-03-02", "2026-03-02")
	_, d := run(t, c, "2026-03-12", Command{Action: RequestFix, Items: "请说明所需信息的名称"})
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], "7个工作日内（2026年3月11日前）") {
		t.Errorf("warnings = %v", d.Warnings)
	}
}

func TestConsultationPausesTheClock(t *testing.T) {
	c := mustCase(t, "2026-02-10", "2026-02-10")
	c, _ = run(t, c, "2026-02-11", Command{Action: Accept})
	c, d := run(t, c, "2026-03-02", Command{Action: Consult, Party: "平阴县某医药公司", PartyKind: "third_party"})
	if c.State != disclosure.Consulting || !c.Paused {
		t.Fatalf("state %s paused %v", c.State, c.Paused)
	}
	if len(d.Notices) != 1 || d.Notices[0].Public || d.Notices[0].Addressee != "平阴县某医药公司：" {
		t.Errorf("consultation letter = %+v", d.Notices)
	}
	// Art 32: the third party's 15 working days run from its receipt of the letter, so the letter prints the
	// period and no date can be known before delivery.
	if !c.StepDue.IsZero() || !strings.Contains(strings.Join(d.Notices[0].Paras, ""), "自收到本函之日起15个工作日内") {
		t.Errorf("before delivery: step due %s, letter %v", c.StepDue, d.Notices[0].Paras)
	}
	c, _ = run(t, c, "2026-03-02", Command{Action: NoticeDelivered})
	if got, want := c.StepDue.String(), "2026-03-23"; got != want {
		t.Errorf("third party answers by %s, want %s (15 working days)", got, want)
	}
	c, _ = run(t, c, "2026-03-06", Command{Action: EndConsult, Note: "第三方不同意公开"})
	// 2–6 Mar (5 working days) are not counted: 16 Mar + 5 = 23 Mar.
	if c.State != disclosure.Handling || c.Paused || c.Due.String() != "2026-03-23" {
		t.Errorf("after consultation: %s paused %v due %s, want handling 2026-03-23", c.State, c.Paused, c.Due)
	}
	dl := ComputeDeadline(workday.Default(), disclosure.DefaultSettings(), c.Clock, date("2026-03-06"))
	if !strings.Contains(dl.Explain(), "征求第三方意见") {
		t.Errorf("explanation does not mention the pause: %s", dl.Explain())
	}
}

func TestExtensionNeedsAnotherPersonsApprovalWithinTheDeadline(t *testing.T) {
	c := mustCase(t, "2026-02-10", "2026-02-10")
	c, _ = run(t, c, "2026-02-11", Command{Action: Accept})
	if err := decideErr(c, "2026-03-10", Command{Action: RequestExtension, Days: 21, Note: "涉及多个科室"}); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("21 days: %v, want invalid", err)
	}
	if err := decideErr(c, "2026-03-10", Command{Action: RequestExtension, Days: 20}); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("no reason: %v, want invalid", err)
	}
	c, _ = run(t, c, "2026-03-10", Command{Action: RequestExtension, Days: 20, Note: "所需信息涉及多个科室，需要检索整理"})
	both := Actor{Who: ByOfficer | ByApprover, UserID: &officerID, Name: "张公开"}
	if err := decideErr(c, "2026-03-11", Command{Action: ApproveExtension, Actor: both}); disclosure.ErrorCode(err) != disclosure.EForbidden {
		t.Errorf("self-approval: %v, want forbidden", err)
	}
	c, d := run(t, c, "2026-03-11", Command{Action: ApproveExtension, Actor: approver})
	// 20 more working days after 16 Mar: 17 Mar … 14 Apr (清明 4–6 Apr off).
	if got, want := c.Due.String(), "2026-04-14"; got != want {
		t.Errorf("extended due %s, want %s", got, want)
	}
	body := strings.Join(d.Notices[0].Paras, "")
	for _, want := range []string{"所需信息涉及多个科室，需要检索整理", "延长20个工作日", "2026年4月14日", "2026年3月16日"} {
		if !strings.Contains(body, want) {
			t.Errorf("extension notice lacks %q: %s", want, body)
		}
	}
	if err := decideErr(c, "2026-03-12", Command{Action: RequestExtension, Days: 1, Note: "再延"}); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("beyond 20 days in all: %v, want conflict", err)
	}
	late := mustCase(t, "2026-02-10", "2026-02-10")
	if err := decideErr(late, "2026-03-17", Command{Action: RequestExtension, Days: 5, Note: "太晚"}); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("extension after the deadline: %v, want conflict", err)
	}
}

func TestFeeNoticeAndThePausePolicy(t *testing.T) {
	for _, pauses := range []bool{false, true} {
		env := testEnv()
		env.Agency.Settings.FeeNoticePausesDeadline = pauses
		c, _, _ := NewCase(Intake{App: newApp("2026-03-02"), Actor: officer, Today: date("2026-03-02"), Now: time.Now()}, env, nil)
		c.ID = 1
		step := func(today string, cmd Command) *disclosure.Case {
			cmd.Today, cmd.Now = date(today), time.Now()
			if cmd.Actor.Who == 0 {
				cmd.Actor = officer
			}
			d, err := Decide(c, cmd, env, nil, 10)
			if err != nil {
				t.Fatal(err)
			}
			return &d.Case
		}
		c = step("2026-03-02", Command{Action: Accept})
		c = step("2026-03-03", Command{Action: IssueFee, FeeMethod: fee.PerCase, FeeUnits: 2})
		if c.Fee == nil || c.Fee.Amount != 200 || c.State != disclosure.AwaitingPayment {
			t.Fatalf("fee = %+v state %s; want 200 元 for the 11th and 12th 件", c.Fee, c.State)
		}
		c = step("2026-03-09", Command{Action: FeePaid})
		// 20 working days from 2 Mar: 30 Mar. With the pause 3–9 Mar (5 working days not counted) the 20th
		// working day is 3 Apr + 1: 4–6 Apr are 清明, so 7 Apr.
		want := "2026-03-30"
		if pauses {
			want = "2026-04-07"
		}
		if c.Due.String() != want {
			t.Errorf("pauses=%v: due %s, want %s", pauses, c.Due, want)
		}
	}
}

func TestFreeFeeIsRefused(t *testing.T) {
	c := mustCase(t, "2026-03-02", "2026-03-02")
	c, _ = run(t, c, "2026-03-02", Command{Action: Accept})
	err := decideErr(c, "2026-03-03", Command{Action: IssueFee, FeeMethod: fee.PerPage, FeeUnits: 30})
	if disclosure.ErrorCode(err) != disclosure.EInvalid || !strings.Contains(err.Error(), "免费") {
		t.Errorf("30 pages: %v, want the free band refused", err)
	}
}

func TestNoReplyWithoutAnOutcomeAndApproval(t *testing.T) {
	c := mustCase(t, "2026-03-02", "2026-03-02")
	c, _ = run(t, c, "2026-03-02", Command{Action: Accept})
	for _, r := range []disclosure.ReplyDraft{{}, {Outcome: "refused"}, {Outcome: disclosure.RefusedStateSecret}, {Outcome: disclosure.Disclosed}, {Outcome: disclosure.UnableNotHeld, Basis: "not_ours", Reasons: "不属于本机关"}} {
		if err := decideErr(c, "2026-03-03", Command{Action: DraftReply, Reply: r}); disclosure.ErrorCode(err) != disclosure.EInvalid {
			t.Errorf("draft %+v: %v, want invalid", r, err)
		}
	}
	c, _ = run(t, c, "2026-03-03", Command{Action: DraftReply, Reply: disclosure.ReplyDraft{Outcome: disclosure.Partial, Reasons: "部分内容涉及个人隐私", Provided: "以电子邮件发送"}})
	if err := decideErr(c, "2026-03-03", Command{Action: SendReply}); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("send without approval: %v, want conflict", err)
	}
	c, _ = run(t, c, "2026-03-03", Command{Action: SubmitReply})
	if err := decideErr(c, "2026-03-03", Command{Action: ApproveReply, Actor: Actor{Who: ByApprover, UserID: &officerID, Name: "张公开"}}); disclosure.ErrorCode(err) != disclosure.EForbidden {
		t.Errorf("approving one's own draft: %v, want forbidden", err)
	}
	c, _ = run(t, c, "2026-03-04", Command{Action: ApproveReply, Actor: approver})
	c, d := run(t, c, "2026-03-05", Command{Action: SendReply})
	if c.State != disclosure.Replied || c.Outcome != disclosure.Partial || c.ClosedOn.String() != "2026-03-05" {
		t.Errorf("sent: state %s outcome %s closed %s", c.State, c.Outcome, c.ClosedOn)
	}
	body := strings.Join(d.Notices[0].Paras, "\n")
	// 《行政复议法》 (2023) Art 23 ¶1(4), ¶2: the withheld part of a 部分公开 is a refusal — reconsideration first.
	for _, want := range []string{"第三十七条", "部分内容涉及个人隐私", "应当先自收到本告知书之日起60日内向平阴县人民政府申请行政复议", "对行政复议决定不服的，可以自收到行政复议决定书之日起15日内依法向有管辖权的人民法院提起行政诉讼"} {
		if !strings.Contains(body, want) {
			t.Errorf("reply lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "6个月内") || strings.Contains(body, "直接") {
		t.Errorf("a refusal offers a lawsuit without reconsideration:\n%s", body)
	}
	if got := d.Years; !slices.Equal(got, []int{2026}) {
		t.Errorf("affected years %v, want [2026]", got)
	}
}

func TestEveryOutcomeHasAReplyTemplateThatFills(t *testing.T) {
	tmpl := DefaultTemplates()
	for _, spec := range append(disclosure.Outcomes(), disclosure.CorrectionOutcomes()...) {
		for _, b := range spec.Bases {
			key := ReplyTemplateKey(spec.ID, b.Key)
			tp, ok := tmpl[key]
			if !ok {
				t.Errorf("no reply template %s", key)
				continue
			}
			if err := CheckTemplate(key, tp.Title, tp.Body); err != nil {
				t.Errorf("default template %s fails its own check: %v", key, err)
			}
		}
	}
	for key, tp := range tmpl {
		if err := CheckTemplate(key, tp.Title, tp.Body); err != nil {
			t.Errorf("default template %s: %v", key, err)
		}
	}
}

func TestCheckTemplateSaysWhatToFix(t *testing.T) {
	key := ReplyTemplateKey(disclosure.RefusedStateSecret, "art14")
	def := DefaultTemplates()[key]
	tests := map[string]struct{ title, body, want string }{
		"unknown placeholder": {def.Title, def.Body + "\n{申请人电话}", "无法识别的占位符：{申请人电话}"},
		"rights removed":      {def.Title, strings.ReplaceAll(def.Body, "{权利告知}", ""), "{权利告知}"},
		"reasons removed":     {def.Title, strings.ReplaceAll(def.Body, "{理由}", ""), "{理由}"},
		"no title":            {"", def.Body, "标题"},
		"unbalanced":          {def.Title, def.Body + "{", "不成对"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := CheckTemplate(key, tt.title, tt.body)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a message with %q", err, tt.want)
			}
		})
	}
}

func TestWithdrawalAndLapses(t *testing.T) {
	c := mustCase(t, "2026-03-02", "2026-03-02")
	if err := decideErr(c, "2026-03-03", Command{Action: Withdraw}); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("officer withdrawal without a note: %v", err)
	}
	w, d := run(t, c, "2026-03-03", Command{Action: Withdraw, Actor: applicant})
	if w.State != disclosure.Withdrawn || w.Outcome != disclosure.OtherOther || w.Basis != "withdrawn" {
		t.Errorf("withdrawn: %s %s %s", w.State, w.Outcome, w.Basis)
	}
	if !strings.Contains(strings.Join(d.Notices[0].Paras, ""), "2026年3月3日撤回") {
		t.Errorf("withdrawal notice: %v", d.Notices[0].Paras)
	}
	f, _ := run(t, c, "2026-03-03", Command{Action: RequestFix, Items: "请说明信息名称"})
	// Sent by post: no lapse can be recorded until the applicant's receipt is, however long ago it went out.
	if err := decideErr(f, "2026-06-30", Command{Action: FixLapsed}); disclosure.ErrorCode(err) != disclosure.EConflict || !strings.Contains(err.Error(), "尚未登记送达日期") {
		t.Errorf("lapse without a delivery date: %v, want conflict", err)
	}
	f, _ = run(t, f, "2026-03-06", Command{Action: NoticeDelivered})
	if err := decideErr(f, f.StepDue.String(), Command{Action: FixLapsed}); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("lapse on the last day: %v, want conflict", err)
	}
	l, d := run(t, f, f.StepDue.AddDays(1).String(), Command{Action: FixLapsed})
	if l.State != disclosure.Lapsed || l.Outcome != disclosure.OtherNoCorrection {
		t.Errorf("lapsed: %s %s", l.State, l.Outcome)
	}
	if !strings.Contains(strings.Join(d.Notices[0].Paras, ""), "视为放弃申请") {
		t.Errorf("lapse notice: %v", d.Notices[0].Paras)
	}
}

func TestTransferOpensACaseAtTheCompetentAgency(t *testing.T) {
	c := mustCase(t, "2026-03-02", "2026-03-02")
	c, _ = run(t, c, "2026-03-02", Command{Action: Accept})
	other := int64(9)
	c, _ = run(t, c, "2026-03-03", Command{Action: DraftReply, Reply: disclosure.ReplyDraft{Outcome: disclosure.UnableNotHeld, Basis: "not_ours", Reasons: "该信息由县医疗保障局制作", TransferTo: &other, TransferName: "平阴县医疗保障局", TransferContact: "0531-87880001"}})
	c, _ = run(t, c, "2026-03-03", Command{Action: SubmitReply})
	c, _ = run(t, c, "2026-03-04", Command{Action: ApproveReply, Actor: approver})
	_, d := run(t, c, "2026-03-04", Command{Action: SendReply})
	// Art 36(5): the competent agency sees a referral, not a received application: no clock, no report cell.
	if d.Transfer == nil || d.Transfer.AgencyID != other || d.Transfer.Channel != disclosure.Transfer || d.Transfer.State != disclosure.Referred || *d.Transfer.TransferredFrom != c.ID {
		t.Fatalf("transfer = %+v", d.Transfer)
	}
	if len(d.Transfer.Clock) != 0 || !d.Transfer.Due.IsZero() || Cells(&d.Transfer.Application, 2026) != nil {
		t.Errorf("referral has a clock %v, due %s, cells %v", d.Transfer.Clock, d.Transfer.Due, Cells(&d.Transfer.Application, 2026))
	}
	if d.Notices[0].Title != "非本机关负责公开政府信息告知书" {
		t.Errorf("36(5) notice title %q", d.Notices[0].Title)
	}
	// The competent agency registers it on the day it received it: from then it is received (Art 31) and counted.
	r := d.Transfer
	r.ID = 2
	r2, _ := run(t, r, "2026-03-09", Command{Action: RegisterReferral, Date: date("2026-03-06")})
	if r2.State != disclosure.Registered || r2.ReceivedOn.String() != "2026-03-06" || r2.Clock[0].From.String() != "2026-03-06" || r2.Due.IsZero() {
		t.Errorf("registered referral: %s received %s due %s", r2.State, r2.ReceivedOn, r2.Due)
	}
	if got := Cells(&r2.Application, 2026); len(got) != 2 || got[0].Row != "new" {
		t.Errorf("registered referral counts as %v", got)
	}
	if !strings.Contains(strings.Join(d.Notices[0].Paras, ""), "平阴县医疗保障局，联系方式：0531-87880001。本机关已将您的申请转送该机关办理") {
		t.Errorf("reply: %v", d.Notices[0].Paras)
	}
}

func TestBackdatedCloseTouchesThePreviousYear(t *testing.T) {
	c := mustCase(t, "2025-12-15", "2026-01-05")
	c, _ = run(t, c, "2026-01-05", Command{Action: Accept})
	c, _ = run(t, c, "2026-01-05", Command{Action: DraftReply, Reply: disclosure.ReplyDraft{Outcome: disclosure.Disclosed, Provided: "以电子邮件发送"}})
	c, _ = run(t, c, "2026-01-05", Command{Action: SubmitReply})
	c, _ = run(t, c, "2026-01-05", Command{Action: ApproveReply, Actor: approver})
	_, d := run(t, c, "2026-01-06", Command{Action: SendReply, Date: date("2025-12-31")})
	if !slices.Equal(d.Years, []int{2025, 2026}) {
		t.Errorf("years = %v, want [2025 2026]: a reply dated 2025 changes 2025's results and 2026's carry-over", d.Years)
	}
}

func TestDatesInTheFutureOrBeforeReceiptAreRefused(t *testing.T) {
	c := mustCase(t, "2026-03-02", "2026-03-02")
	if err := decideErr(c, "2026-03-03", Command{Action: Accept, Date: date("2026-03-04")}); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("future date: %v", err)
	}
	if err := decideErr(c, "2026-03-03", Command{Action: Accept, Date: date("2026-03-01")}); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("date before receipt: %v", err)
	}
	c.Version = 4
	if err := decideErr(c, "2026-03-03", Command{Action: Accept, Version: 3}); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("stale version: %v", err)
	}
}

func TestFlagsPointOutRepeatsAndDuplicates(t *testing.T) {
	a := newApp("2026-03-02")
	prior := []disclosure.Application{
		{ID: 1, Number: "2026-0001", State: disclosure.Replied, ClosedOn: date("2026-02-20"), ReceivedOn: date("2026-02-01"), Request: disclosure.Request{Description: "2025年度本县疫苗接种点名单。"}},
		{ID: 2, Number: "2026-0002", State: disclosure.Handling, ReceivedOn: date("2026-03-01"), Request: disclosure.Request{Description: "2025年度 本县疫苗接种点名单"}},
		{ID: 3, Number: "2026-0003", State: disclosure.Handling, ReceivedOn: date("2026-03-01"), Request: disclosure.Request{Description: "县医院2024年财务决算"}},
	}
	flags := Flags(&a, prior, date("2026-03-02"))
	kinds := []string{}
	for _, f := range flags {
		kinds = append(kinds, f.Kind)
	}
	if !slices.Equal(kinds, []string{"repeat", "duplicate"}) {
		t.Errorf("flags = %+v", flags)
	}
}

func TestApplicantViewHidesStaffNotes(t *testing.T) {
	events := []disclosure.CaseEvent{
		{Action: "register", Public: true, ActorKind: "applicant", Note: "在线提交"},
		{Action: "note", Public: false, ActorKind: "officer", Note: "内部备注"},
		{Action: "end_consult", Public: true, ActorKind: "officer", ActorName: "张公开", Note: "第三方不同意"},
	}
	v := ApplicantView(events)
	if len(v) != 2 || v[1].Note != "" || v[1].ActorName != "" || v[0].Note != "在线提交" {
		t.Errorf("view = %+v", v)
	}
}

// A case whose 补正 notice went out before deliveries were recorded keeps its period from the day it was sent.
func TestLapseOfANoticeSentBeforeDeliveriesWereRecorded(t *testing.T) {
	c := mustCase(t, "2026-03-02", "2026-03-02")
	c, _ = run(t, c, "2026-03-03", Command{Action: RequestFix, Items: "请说明信息名称"})
	c.Progress = disclosure.CaseProgress{}
	c.StepDue = date("2026-03-24")
	if err := decideErr(c, "2026-03-24", Command{Action: FixLapsed}); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("lapse on the last day: %v", err)
	}
	if l, _ := run(t, c, "2026-03-25", Command{Action: FixLapsed}); l.State != disclosure.Lapsed {
		t.Errorf("lapse after the period: %s", l.State)
	}
}
