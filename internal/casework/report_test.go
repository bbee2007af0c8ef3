package casework

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fee"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/testtool"
	"github.com/gongkai/gongkai/internal/workday"
)

func TestOutcomesAreExactlyTheResultRowsOfSectionThree(t *testing.T) {
	spec, _ := report.Format2021.Table(report.TableRequests)
	var rows, outcomes []string
	for _, r := range report.ResultRows(spec) {
		rows = append(rows, r.ID)
	}
	for _, o := range disclosure.Outcomes() {
		outcomes = append(outcomes, string(o.ID))
		r, _ := spec.Row(string(o.ID))
		if r.Label != o.Label {
			t.Errorf("outcome %s is labelled %q, the report row %q", o.ID, o.Label, r.Label)
		}
	}
	if !slices.Equal(rows, outcomes) {
		t.Errorf("outcomes %v\nreport rows %v", outcomes, rows)
	}
	trial, _ := report.Format2019.Table(report.TableRequests)
	for _, o := range disclosure.Outcomes() {
		if _, ok := trial.Row(o.ID.ReportRow("2019")); !ok {
			t.Errorf("outcome %s has no row in the trial format", o.ID)
		}
	}
	for _, c := range []disclosure.ApplicantType{disclosure.NaturalPerson, disclosure.Commercial, disclosure.Research, disclosure.PublicInterest, disclosure.LegalService, disclosure.OtherOrg} {
		if _, ok := spec.Column(string(c)); !ok {
			t.Errorf("applicant type %s is not a column of section 三", c)
		}
	}
}

func TestCellsOfACaseOverTheYears(t *testing.T) {
	a := &disclosure.Application{Kind: disclosure.DisclosureRequest, ReceivedOn: date("2025-12-20"), State: disclosure.Handling, Applicant: disclosure.Applicant{Type: disclosure.Commercial}}
	want := map[int][]Cell{
		2024: nil,
		2025: {{"new", "commercial"}, {"carry_forward", "commercial"}},
		2026: {{"carried_over", "commercial"}, {"carry_forward", "commercial"}},
	}
	for y, w := range want {
		if got := Cells(a, y); !slices.Equal(got, w) {
			t.Errorf("open case, %d: %v, want %v", y, got, w)
		}
	}
	a.State, a.Outcome, a.ClosedOn = disclosure.Replied, disclosure.OtherNoFee, date("2026-01-08")
	if got := Cells(a, 2026); !slices.Equal(got, []Cell{{"carried_over", "commercial"}, {"other.no_fee", "commercial"}}) {
		t.Errorf("closed in 2026: %v", got)
	}
	if got := Cells(a, 2027); got != nil {
		t.Errorf("2027: %v, want nothing", got)
	}
	a.ClosedOn = date("2020-01-08")
	a.ReceivedOn = date("2019-12-30")
	if got := Cells(a, 2020); !slices.Equal(got, []Cell{{"carried_over", "commercial"}, {"other", "commercial"}}) {
		t.Errorf("trial format year: %v, want the single （六） row", got)
	}
	a.Kind = disclosure.CorrectionRequest
	if got := Cells(a, 2020); got != nil {
		t.Errorf("correction requests are not counted: %v", got)
	}
}

// randomHistory drives one case through random steps allowed by the table, on random later days up to the end of
// 2026, and returns it as it ends.
func randomHistory(t *testing.T, rng *rand.Rand, env Env, n int) *disclosure.Case {
	start := date("2025-01-01").AddDays(rng.IntN(720))
	app := newApp(start.String())
	app.Applicant.Type = []disclosure.ApplicantType{disclosure.NaturalPerson, disclosure.Commercial, disclosure.Research, disclosure.PublicInterest, disclosure.LegalService, disclosure.OtherOrg}[rng.IntN(6)]
	if app.Applicant.Type.IsOrganization() {
		app.Applicant.IDNumber, app.Applicant.Contact = "113701243072282028", "联系人"
	}
	c, _, err := NewCase(Intake{App: app, Actor: officer, Today: start, Now: time.Now()}, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.ID = int64(n)
	end := date("2026-12-31")
	today := start
	outcomes := disclosure.Outcomes()
	for step := 0; step < 12 && !c.State.Closed(); step++ {
		if rng.IntN(10) == 0 {
			break // left open: carried forward
		}
		today = today.AddDays(rng.IntN(12))
		if today.After(end) {
			break
		}
		all := Allowed(c, env.Agency.Settings, ByOfficer|ByApprover|ByApplicant)
		if len(all) == 0 {
			break
		}
		tr := all[rng.IntN(len(all))]
		cmd := Command{Action: tr.Action, Today: today, Now: time.Now(), Note: "说明", Items: "补正事项", Party: "第三方", Days: 1 + rng.IntN(5),
			FeeMethod: fee.PerPage, FeeUnits: 31 + rng.IntN(100), AssigneeID: &officerID}
		switch {
		case tr.By&ByApprover != 0 && tr.By&ByOfficer == 0:
			cmd.Actor = approver
		case tr.By&ByOfficer != 0:
			cmd.Actor = officer
		default:
			cmd.Actor = applicant
		}
		if tr.Action == FixLapsed || tr.Action == FeeLapsed {
			if !c.StepDue.Before(end) {
				continue
			}
			today = c.StepDue.AddDays(1)
			cmd.Today = today
		}
		if tr.Action == DraftReply {
			o := outcomes[rng.IntN(len(outcomes))]
			b := o.Bases[rng.IntN(len(o.Bases))]
			cmd.Reply = disclosure.ReplyDraft{Outcome: o.ID, Basis: b.Key, Reasons: "理由", Provided: "电子邮件", TransferName: "县某局"}
		}
		d, err := Decide(c, cmd, env, nil, 0)
		if err != nil {
			continue // a step the random walk cannot take now (an extension after the deadline …)
		}
		if d.Case.State.Closed() && d.Case.Outcome == "" {
			t.Fatalf("case closed by %s without an outcome", tr.Action)
		}
		c = &d.Case
	}
	return c
}

func yearReport(year int, cases []*disclosure.Case) *report.Report {
	counts := []disclosure.CellCount{}
	for _, c := range cases {
		for _, cell := range Cells(&c.Application, year) {
			counts = append(counts, disclosure.CellCount{Row: cell.Row, Column: cell.Column, N: 1})
		}
	}
	return ReportFromCases(year, counts, nil)
}

// Random case histories over two years always give sections 三 that pass every check of the report engine, with
// this year's 上年结转 equal to last year's 结转下年度.
func TestRandomHistoriesGiveConsistentReports(t *testing.T) {
	env := testEnv()
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 2026))
		var cases []*disclosure.Case
		for i := range 60 {
			cases = append(cases, randomHistory(t, rng, env, i+1))
		}
		r25, r26 := yearReport(2025, cases), yearReport(2026, cases)
		for _, fd := range append(CaseFindings(r25, nil), CaseFindings(r26, r25)...) {
			t.Errorf("seed %d: %s %s %s: %s", seed, fd.Rule, fd.Row, fd.Column, fd.Message)
		}
		closed := 0
		for _, c := range cases {
			if c.State.Closed() {
				closed++
			}
		}
		if closed == 0 || closed == len(cases) {
			t.Errorf("seed %d: %d of %d closed; the walk should leave some open and close others", seed, closed, len(cases))
		}
		g25, g26 := r25.Tables[report.TableRequests], r26.Tables[report.TableRequests]
		for col, v := range g25[report.RowCarryForward] {
			if g26[report.RowCarriedOver][col] != v {
				t.Errorf("seed %d column %s: 2026 上年结转 %v, 2025 结转下年度 %v", seed, col, g26[report.RowCarriedOver][col], v)
			}
		}
		if g25[report.RowNew][report.ColTotal]+g26[report.RowNew][report.ColTotal] != float64(len(cases)) {
			t.Errorf("seed %d: new 2025 + new 2026 = %v, want %d", seed, g25[report.RowNew][report.ColTotal]+g26[report.RowNew][report.ColTotal], len(cases))
		}
	}
}

func TestAppealsCountTheYearTheyWereFiledWithTheResultAtItsEnd(t *testing.T) {
	appeals := []disclosure.Appeal{
		{Kind: disclosure.Review, FiledOn: date("2025-03-01"), Result: disclosure.Upheld, DecidedOn: date("2025-05-01")},
		{Kind: disclosure.Review, FiledOn: date("2025-11-01"), Result: disclosure.Corrected, DecidedOn: date("2026-01-10")},
		{Kind: disclosure.SuitAfterReview, FiledOn: date("2025-06-01"), Result: disclosure.Pending},
		{Kind: disclosure.SuitDirect, FiledOn: date("2026-02-01"), Result: disclosure.Upheld, DecidedOn: date("2026-03-01")},
	}
	counts := map[AppealCell]int{}
	for i := range appeals {
		if cell, ok := AppealCellOf(&appeals[i], 2025); ok {
			counts[cell]++
		}
	}
	g := AppealsGrid(counts)[report.RowCases]
	want := map[string]float64{"review.upheld": 1, "review.pending": 1, "review.total": 2, "suit_after_review.pending": 1, "suit_after_review.total": 1, "suit_direct.total": 0}
	for k, v := range want {
		if g[k] != v {
			t.Errorf("%s = %v, want %v", k, g[k], v)
		}
	}
	r := &report.Report{Era: report.Era2021, Year: 2025, Tables: map[string]report.Grid{report.TableAppeals: {report.RowCases: g}}}
	for _, fd := range CaseFindings(r, nil) {
		if fd.Rule == "R4-1" {
			t.Errorf("R4-1: %s", fd.Message)
		}
	}
}

func TestRenderedNoticesReadBack(t *testing.T) {
	c := mustCase(t, "2026-02-10", "2026-02-10")
	// Sent electronically, so delivered the day sent: the notice prints the period and its last day.
	_, d := run(t, c, "2026-02-12", Command{Action: RequestFix, Items: "请写明所需信息的年份", Via: "electronic"})
	docx, pdf, err := RenderNotice(d.Notices[0], "平阴卫健依申请公开〔2026〕1号", "平阴县卫生健康局", date("2026-02-12"))
	if err != nil {
		t.Fatal(err)
	}
	again, _, _ := RenderNotice(d.Notices[0], "平阴卫健依申请公开〔2026〕1号", "平阴县卫生健康局", date("2026-02-12"))
	if !bytes.Equal(docx, again) {
		t.Error("the same notice rendered twice differs")
	}
	if !bytes.HasPrefix(docx, []byte("PK")) || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a DOCX and a PDF")
	}
	pdftotext := testtool.Require(t, "pdftotext", "poppler-utils")
	cmd := exec.Command(pdftotext, "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	last := -1
	for _, want := range []string{"政府信息公开申请补正告知书", "平阴卫健依申请公开〔2026〕1号", "王小明：", "请写明所需信息的年份", "自收到本告知书之日起15个工作日内（即2026年3月11日前）", "平阴县卫生健康局", "2026年2月12日"} {
		i := strings.Index(text, want)
		if i < 0 {
			t.Errorf("PDF lacks %q:\n%s", want, text)
			continue
		}
		if i < last {
			t.Errorf("%q out of order", want)
		}
		last = i
	}
}

func BenchmarkComputeDeadline(b *testing.B) {
	cal := workday.Default()
	s := disclosure.DefaultSettings()
	clock := []disclosure.ClockEntry{
		{Kind: disclosure.ClockStart, From: date("2026-02-10")},
		{Kind: disclosure.ClockPause, From: date("2026-03-02"), To: date("2026-03-06"), Reason: "征求第三方意见"},
		{Kind: disclosure.ClockExtension, From: date("2026-03-10"), Days: 20},
	}
	today := date("2026-03-12")
	for b.Loop() {
		if ComputeDeadline(cal, s, clock, today).Due().IsZero() {
			b.Fatal("no due date")
		}
	}
}

func ExampleDeadline_Explain() {
	clock := []disclosure.ClockEntry{{Kind: disclosure.ClockStart, From: date("2026-02-10")}}
	d := ComputeDeadline(workday.Default(), disclosure.DefaultSettings(), clock, date("2026-02-10"))
	fmt.Println(d.Due())
	// Output: 2026-03-16
}

func TestGeneratedCasesAreValidAndGiveAConsistentReport(t *testing.T) {
	env := testEnv()
	changes, err := GenerateCases(1, env, 2025, 500, date("2026-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	again, _ := GenerateCases(1, env, 2025, 500, date("2026-03-01"))
	var cases []*disclosure.Case
	open := 0
	for i, ch := range changes {
		if ch.Case.Request.Description != again[i].Case.Request.Description || ch.Case.ReceivedOn != again[i].Case.ReceivedOn {
			t.Fatalf("case %d differs between two runs with the same seed", i)
		}
		if err := ch.Case.Validate(CheckID); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if !ch.Case.State.Closed() {
			open++
		}
		c := ch.Case
		cases = append(cases, &c)
	}
	if open == 0 || open > 150 {
		t.Errorf("%d of 500 open", open)
	}
	r := yearReport(2025, cases)
	if fs := CaseFindings(r, nil); len(fs) > 0 {
		t.Errorf("findings: %+v", fs)
	}
	if got := r.Tables[report.TableRequests][report.RowNew][report.ColTotal]; got != 500 {
		t.Errorf("new = %v, want 500", got)
	}
}
