package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

var (
	caseOfficer  = casework.Actor{Who: casework.ByOfficer, Name: "张公开"}
	caseApprover = casework.Actor{Who: casework.ByApprover, Name: "李主任"}
)

func day(s string) workday.Date {
	d, err := workday.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func caseEnv(a *disclosure.Agency) casework.Env {
	return casework.Env{Calendar: workday.Default(), Agency: a, BaseURL: "https://gk.example.gov.cn"}
}

// residentID returns an ID number with a valid check digit for a made-up body.
func residentID(n int) string {
	body := fmt.Sprintf("3701241980%02d%02d%03d", 1+n%12, 1+n%28, n%1000)
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

func newApplication(received workday.Date, n int, t disclosure.ApplicantType) disclosure.Application {
	a := disclosure.Application{Kind: disclosure.DisclosureRequest, Channel: disclosure.Letter, ReceivedOn: received, SecretHash: "h",
		Applicant: disclosure.Applicant{Type: t, Name: fmt.Sprintf("申请人%d", n), IDNumber: residentID(n), Phone: "13800000000", Email: "a@example.com"},
		Request:   disclosure.Request{Description: fmt.Sprintf("第%d项信息", n), Forms: []string{"电子文档"}, Delivery: []string{"电子邮件"}}}
	if t.IsOrganization() {
		a.Applicant.IDNumber, a.Applicant.Contact = "113701243072282028", "联系人"
	}
	return a
}

func mustCreateCase(t *testing.T, db *store.DB, a *disclosure.Agency, app disclosure.Application) *disclosure.CaseChange {
	t.Helper()
	env := caseEnv(a)
	ch, err := db.CreateCase(context.Background(), officer, func(ctx context.Context, tx store.CaseBuildTx) (*disclosure.CaseChange, error) {
		prior, err := tx.PriorApplications(ctx, a.ID, app.Applicant.IDNumber)
		if err != nil {
			return nil, err
		}
		c, ev, err := casework.NewCase(casework.Intake{App: app, Actor: caseOfficer, Today: app.ReceivedOn, Now: time.Now()}, env, prior)
		if err != nil {
			return nil, err
		}
		return &disclosure.CaseChange{Case: *c, Event: ev}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func mustStep(t *testing.T, db *store.DB, a *disclosure.Agency, id int64, on string, cmd casework.Command) *disclosure.CaseChange {
	t.Helper()
	ch, err := tryStep(db, a, id, on, cmd)
	if err != nil {
		t.Fatalf("%s on %s: %v", cmd.Action, on, err)
	}
	return ch
}

func tryStep(db *store.DB, a *disclosure.Agency, id int64, on string, cmd casework.Command) (*disclosure.CaseChange, error) {
	if cmd.Actor.Who == 0 {
		cmd.Actor = caseOfficer
	}
	cmd.Today, cmd.Now = day(on), time.Now()
	return db.UpdateCase(context.Background(), officer, id, casework.Step(cmd, caseEnv(a)))
}

func replySteps(t *testing.T, db *store.DB, a *disclosure.Agency, id int64, on string, o disclosure.Outcome, basis string) {
	t.Helper()
	mustStep(t, db, a, id, on, casework.Command{Action: casework.DraftReply, Reply: disclosure.ReplyDraft{Outcome: o, Basis: basis, Reasons: "理由", Provided: "电子邮件", TransferName: "县某局"}})
	mustStep(t, db, a, id, on, casework.Command{Action: casework.SubmitReply})
	mustStep(t, db, a, id, on, casework.Command{Action: casework.ApproveReply, Actor: caseApprover})
	mustStep(t, db, a, id, on, casework.Command{Action: casework.SendReply})
}

func runCases(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("a case, its notices and its e-mails commit together and are audited", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		ch := mustCreateCase(t, db, health, newApplication(day("2026-02-10"), 1, disclosure.NaturalPerson))
		if ch.Case.Number != "2026-0001" || len(ch.Case.QueryCode) != 12 {
			t.Errorf("number %q code %q", ch.Case.Number, ch.Case.QueryCode)
		}
		acc := mustStep(t, db, health, ch.Case.ID, "2026-02-11", casework.Command{Action: casework.Accept})
		if len(acc.Notices) != 1 || acc.Notices[0].Number != "平阴县卫生健康局依申请公开〔2026〕1号" {
			t.Errorf("receipt = %+v", acc.Notices)
		}
		got, err := db.GetCase(ctx, ch.Case.ID)
		if err != nil || got.State != disclosure.Handling || got.Due.String() != "2026-03-16" || got.Version != 2 {
			t.Fatalf("case = %+v, %v", got, err)
		}
		byCode, err := db.GetCaseByCode(ctx, " "+ch.Case.QueryCode[:4]+"-"+ch.Case.QueryCode[4:]+" ")
		if err != nil || byCode.ID != got.ID {
			t.Errorf("by code: %v", err)
		}
		n, err := db.GetNotice(ctx, acc.Notices[0].ID)
		if err != nil || len(n.PDF) == 0 || len(n.DOCX) == 0 || n.ApplicationID != got.ID {
			t.Errorf("notice files: %v", err)
		}
		events, _ := db.CaseEvents(ctx, got.ID)
		if len(events) != 2 || events[1].NoticeID == nil || *events[1].NoticeID != n.ID {
			t.Errorf("events = %+v", events)
		}
		waiting, _, _, _ := db.OutboxStats(ctx)
		if waiting != 1 {
			t.Errorf("outbox %d, want the acceptance e-mail", waiting)
		}
		entries, _ := db.ListAudit(ctx, disclosure.AuditFilter{ObjectType: "application"})
		if len(entries) != 2 || entries[0].Action != "case.accept" || len(entries[0].Before) == 0 {
			t.Errorf("audit = %+v", entries)
		}
		mustVerify(t, db, -1)
		// A step from a stale page is refused; so is one that breaks the table, and nothing is written.
		if _, err := tryStep(db, health, got.ID, "2026-02-12", casework.Command{Action: casework.AddNote, Note: "x", Version: 1}); code(err) != disclosure.EConflict {
			t.Errorf("stale version: %v", err)
		}
		if _, err := tryStep(db, health, got.ID, "2026-02-12", casework.Command{Action: casework.SendReply}); code(err) != disclosure.EConflict {
			t.Errorf("send without a draft: %v", err)
		}
		if again, _ := db.GetCase(ctx, got.ID); again.Version != 2 {
			t.Errorf("version %d after refused steps", again.Version)
		}
	})

	t.Run("notice numbers and application numbers are unique under concurrent steps from two processes", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		var ids []int64
		for i := range 12 {
			ids = append(ids, mustCreateCase(t, db, health, newApplication(day("2026-03-02"), i+1, disclosure.NaturalPerson)).Case.ID)
		}
		var wg sync.WaitGroup
		errs := make(chan error, len(ids))
		for i, id := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				h := db
				if i%2 == 1 {
					h = other
				}
				_, err := tryStep(h, health, id, "2026-03-03", casework.Command{Action: casework.Accept})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		seen := map[string]bool{}
		for _, id := range ids {
			ns, _ := db.CaseNotices(ctx, id)
			for _, n := range ns {
				if seen[n.Number] {
					t.Errorf("notice number %s twice", n.Number)
				}
				seen[n.Number] = true
			}
		}
		if len(seen) != len(ids) {
			t.Errorf("%d notices for %d cases", len(seen), len(ids))
		}
		mustVerify(t, db, -1)
	})

	t.Run("section 三 from live cases equals the cases' own cells, across two years", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		rng := rand.New(rand.NewPCG(7, 7))
		types := []disclosure.ApplicantType{disclosure.NaturalPerson, disclosure.Commercial, disclosure.LegalService, disclosure.OtherOrg}
		outcomes := disclosure.Outcomes()
		for i := range 40 {
			received := day("2025-01-02").AddDays(rng.IntN(700))
			for !workday.Default().IsWorkday(received) {
				received = received.AddDays(1)
			}
			ch := mustCreateCase(t, db, health, newApplication(received, i+1, types[rng.IntN(len(types))]))
			if rng.IntN(4) == 0 {
				continue // still open
			}
			on := workday.Default().Due(received, 1+rng.IntN(15), nil).Due
			if on.After(day("2026-12-31")) {
				continue
			}
			mustStep(t, db, health, ch.Case.ID, received.String(), casework.Command{Action: casework.Accept})
			o := outcomes[rng.IntN(len(outcomes))]
			if o.ID == disclosure.UnableStillUnclear || o.ID == disclosure.OtherNoCorrection || o.ID == disclosure.OtherNoFee || o.ID == disclosure.NotProcessedExcess {
				o = outcomes[0]
			}
			basis := o.Bases[0].Key
			if basis == "withdrawn" {
				basis = "other"
			}
			replySteps(t, db, health, ch.Case.ID, on.String(), o.ID, basis)
		}
		all, _, err := db.FindCases(ctx, disclosure.CaseFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var prev *report.Report
		for _, y := range []int{2025, 2026} {
			counts, err := db.RequestCounts(ctx, []int64{health.ID}, y)
			if err != nil {
				t.Fatal(err)
			}
			want := map[casework.Cell]int{}
			for i := range all {
				for _, c := range casework.Cells(&all[i], y) {
					want[c]++
				}
			}
			got := map[casework.Cell]int{}
			for _, c := range counts {
				got[casework.Cell{Row: c.Row, Column: c.Column}] += c.N
			}
			if fmt.Sprint(sortedCells(got)) != fmt.Sprint(sortedCells(want)) {
				t.Errorf("%d: store counts %v\nwant %v", y, sortedCells(got), sortedCells(want))
			}
			rep := casework.ReportFromCases(y, counts, nil)
			for _, fd := range casework.CaseFindings(rep, prev) {
				t.Errorf("%d: %s %s", y, fd.Rule, fd.Message)
			}
			// Every cell lists exactly the cases it counts.
			for cell, n := range want {
				list, total, err := db.FindCases(ctx, disclosure.CaseFilter{ReportYear: y, ReportRow: cell.Row, ReportColumn: cell.Column, Limit: 1000})
				if err != nil || total != n || len(list) != n {
					t.Errorf("%d %v: %d cases listed, counted %d (%v)", y, cell, total, n, err)
				}
			}
			prev = rep
		}
	})

	t.Run("a change to a published year needs a correction reason, which is recorded", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		ch := mustCreateCase(t, db, health, newApplication(day("2025-12-22"), 1, disclosure.NaturalPerson))
		mustStep(t, db, health, ch.Case.ID, "2025-12-23", casework.Command{Action: casework.Accept})
		if err := db.SaveAnnualReport(ctx, officer, &disclosure.AnnualReport{AgencyID: health.ID, Year: 2025, Era: "2021", Data: []byte(`{"era":"2021","year":2025}`)}); err != nil {
			t.Fatal(err)
		}
		mustStep(t, db, health, ch.Case.ID, "2026-01-05", casework.Command{Action: casework.DraftReply, Reply: disclosure.ReplyDraft{Outcome: disclosure.Disclosed, Provided: "电子邮件"}})
		mustStep(t, db, health, ch.Case.ID, "2026-01-05", casework.Command{Action: casework.SubmitReply})
		mustStep(t, db, health, ch.Case.ID, "2026-01-05", casework.Command{Action: casework.ApproveReply, Actor: caseApprover})
		// Sending it in 2026 changes nothing of 2025 (it was carried forward as it still is).
		_, err := tryStep(db, health, ch.Case.ID, "2026-01-06", casework.Command{Action: casework.SendReply, Date: day("2025-12-31")})
		if code(err) != disclosure.EConflict {
			t.Fatalf("backdated reply into the published 2025: %v, want conflict", err)
		}
		mustStep(t, db, health, ch.Case.ID, "2026-01-06", casework.Command{Action: casework.SendReply, Date: day("2025-12-31"), Correction: "答复于2025年12月31日发出，漏登记"})
		cs, err := db.ReportCorrections(ctx, health.ID, 2025)
		if err != nil || len(cs) != 1 || cs[0].Reason != "答复于2025年12月31日发出，漏登记" || *cs[0].ApplicationID != ch.Case.ID {
			t.Errorf("corrections = %+v, %v", cs, err)
		}
		// Appeals are held to the same rule.
		ap := &disclosure.Appeal{AgencyID: health.ID, ApplicationID: &ch.Case.ID, Kind: disclosure.Review, FiledOn: day("2025-12-30"), Body: "平阴县人民政府"}
		if err := db.SaveAppeal(ctx, officer, ap, casework.AppealStep("")); code(err) != disclosure.EConflict {
			t.Errorf("an appeal filed in the published year: %v", err)
		}
		if err := db.SaveAppeal(ctx, officer, ap, casework.AppealStep("复议申请漏登记")); err != nil {
			t.Fatal(err)
		}
		counts, _ := db.AppealCounts(ctx, []int64{health.ID}, 2025)
		if len(counts) != 1 || counts[0] != (disclosure.CellCount{Row: "review", Column: "pending", N: 1}) {
			t.Errorf("appeal counts %+v", counts)
		}
		ap.Result, ap.DecidedOn = disclosure.Upheld, day("2026-02-10")
		if err := db.SaveAppeal(ctx, officer, ap, casework.AppealStep("")); err != nil {
			t.Errorf("deciding it in 2026 leaves 2025's 尚未审结 as it was: %v", err)
		}
		ap.Version = 1
		if err := db.SaveAppeal(ctx, officer, ap, casework.AppealStep("")); code(err) != disclosure.EConflict {
			t.Errorf("stale appeal: %v", err)
		}
		mustVerify(t, db, -1)
	})

	t.Run("fees paid in a year are the totals of section 六(一)", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		for i, pages := range []int{150, 60, 40} {
			ch := mustCreateCase(t, db, health, newApplication(day("2026-03-02"), i+1, disclosure.NaturalPerson))
			mustStep(t, db, health, ch.Case.ID, "2026-03-02", casework.Command{Action: casework.Accept})
			mustStep(t, db, health, ch.Case.ID, "2026-03-03", casework.Command{Action: casework.IssueFee, FeeMethod: "per_page", FeeUnits: pages})
			switch i {
			case 0, 1:
				mustStep(t, db, health, ch.Case.ID, "2026-03-05", casework.Command{Action: casework.FeePaid})
			case 2:
				mustStep(t, db, health, ch.Case.ID, "2026-03-05", casework.Command{Action: casework.FeeWaived, Note: "申请人经济困难"})
			}
		}
		cases, amount, err := db.FeeTotals(ctx, []int64{health.ID}, 2026)
		if err != nil || cases != 2 || amount != 1700+300 {
			t.Errorf("fees: %d cases %d 元, %v; want 2 and 2000 (150 pages 1700 + 60 pages 300; the waived one not collected)", cases, amount, err)
		}
		if got := casework.FeeItemText(2026, cases, amount); got != "2026年度，本机关依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）对2件政府信息公开申请收取信息处理费，共计2000元。" {
			t.Errorf("text %q", got)
		}
	})

	t.Run("a case sent to the competent agency is a referral there, counted once registered", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		insurance := mustAgency(t, db, disclosure.Department, gov, "平阴县医疗保障局")
		ch := mustCreateCase(t, db, health, newApplication(day("2026-03-02"), 1, disclosure.NaturalPerson))
		mustStep(t, db, health, ch.Case.ID, "2026-03-02", casework.Command{Action: casework.Accept})
		mustStep(t, db, health, ch.Case.ID, "2026-03-03", casework.Command{Action: casework.DraftReply, Reply: disclosure.ReplyDraft{Outcome: disclosure.UnableNotHeld, Basis: "not_ours", Reasons: "医保局制作", TransferTo: &insurance.ID, TransferName: insurance.Name}})
		mustStep(t, db, health, ch.Case.ID, "2026-03-03", casework.Command{Action: casework.SubmitReply})
		mustStep(t, db, health, ch.Case.ID, "2026-03-03", casework.Command{Action: casework.ApproveReply, Actor: caseApprover})
		sent := mustStep(t, db, health, ch.Case.ID, "2026-03-04", casework.Command{Action: casework.SendReply})
		if sent.Transfer == nil || sent.Transfer.ID == 0 || sent.Transfer.Number != "2026-0001" {
			t.Fatalf("transfer = %+v", sent.Transfer)
		}
		there, _, _ := db.FindCases(ctx, disclosure.CaseFilter{AgencyIDs: []int64{insurance.ID}})
		if len(there) != 1 || *there[0].TransferredFrom != ch.Case.ID || there[0].Channel != disclosure.Transfer || there[0].State != disclosure.Referred {
			t.Fatalf("at the insurance bureau: %+v", there)
		}
		// Art 36(5), 31: not received by the insurance bureau until it registers it — no 新收 in its report.
		newCount := func() int {
			t.Helper()
			counts, err := db.RequestCounts(ctx, []int64{insurance.ID}, 2026)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range counts {
				if c.Row == "new" {
					n += c.N
				}
			}
			return n
		}
		if n := newCount(); n != 0 {
			t.Errorf("the referral counts %d in the insurance bureau's 新收 before it is registered", n)
		}
		mustStep(t, db, insurance, there[0].ID, "2026-03-06", casework.Command{Action: casework.RegisterReferral, Date: day("2026-03-05")})
		reg, err := db.GetCase(ctx, there[0].ID)
		if err != nil || reg.State != disclosure.Registered || reg.ReceivedOn.String() != "2026-03-05" || reg.Due.IsZero() {
			t.Fatalf("registered referral: %+v %v", reg, err)
		}
		if n := newCount(); n != 1 {
			t.Errorf("the registered referral counts %d in 新收, want 1", n)
		}
	})

	t.Run("the outbox hands each e-mail to one sender, retries and gives up", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		for i := range 30 {
			if err := db.EnqueueMail(ctx, disclosure.Mail{To: fmt.Sprintf("a%d@example.com", i), Subject: "主题", Text: "正文"}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		claimed := map[int64]int{}
		var wg sync.WaitGroup
		for _, h := range []*store.DB{db, other, db, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					batch, err := h.ClaimMail(ctx, 4)
					if err != nil {
						t.Error(err)
						return
					}
					if len(batch) == 0 {
						return
					}
					mu.Lock()
					for _, m := range batch {
						claimed[m.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(claimed) != 30 {
			t.Errorf("%d e-mails claimed, want 30", len(claimed))
		}
		for id, n := range claimed {
			if n != 1 {
				t.Errorf("e-mail %d claimed %d times", id, n)
			}
		}
		if err := db.MailSent(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if err := db.MailFailed(ctx, 2, fmt.Errorf("550 no such user"), false); err != nil {
			t.Fatal(err)
		}
		waiting, sent, failed, _ := db.OutboxStats(ctx)
		if waiting != 28 || sent != 1 || failed != 1 {
			t.Errorf("waiting %d sent %d failed %d", waiting, sent, failed)
		}
		if first, _ := db.ClaimJobRun(ctx, "reminder", "2026-03-02"); !first {
			t.Error("first claim of a day's job refused")
		}
		if again, _ := other.ClaimJobRun(ctx, "reminder", "2026-03-02"); again {
			t.Error("the same day's job claimed twice")
		}
	})

	t.Run("importing historical cases is all or nothing", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		env := caseEnv(health)
		var changes []*disclosure.CaseChange
		for i := range 5 {
			c, ev, err := casework.ImportedCase(casework.Intake{App: newApplication(day("2024-03-04"), i+1, disclosure.NaturalPerson), Actor: caseOfficer, Today: day("2026-03-02"), Now: time.Now()},
				env, disclosure.Disclosed, "", day("2024-03-20"), "")
			if err != nil {
				t.Fatal(err)
			}
			changes = append(changes, &disclosure.CaseChange{Case: *c, Event: ev})
		}
		bad := *changes[4]
		bad.Case.AgencyID = 999
		if err := db.ImportCases(ctx, officer, append(changes[:4:4], &bad)); code(err) != disclosure.EInvalid {
			t.Errorf("bad row: %v", err)
		}
		if _, total, _ := db.FindCases(ctx, disclosure.CaseFilter{}); total != 0 {
			t.Errorf("%d cases after a failed import", total)
		}
		if err := db.ImportCases(ctx, officer, changes); err != nil {
			t.Fatal(err)
		}
		counts, _ := db.RequestCounts(ctx, []int64{health.ID}, 2024)
		got := map[string]int{}
		for _, c := range counts {
			got[c.Row] += c.N
		}
		if got["new"] != 5 || got["disclosed"] != 5 || got["carry_forward"] != 0 {
			t.Errorf("2024 counts %v", got)
		}
	})

	t.Run("agency templates and calendar years are stored and audited", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		if err := db.SaveNoticeTemplate(ctx, officer, store.NoticeTemplate{AgencyID: gov.ID, Key: "receipt", Title: "回执", Body: "{申请人}：\n已收到。"}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveNoticeTemplate(ctx, officer, store.NoticeTemplate{AgencyID: gov.ID, Key: "receipt", Title: "受理回执", Body: "{申请人}：\n已受理。"}); err != nil {
			t.Fatal(err)
		}
		ts, _ := db.NoticeTemplates(ctx, gov.ID)
		if len(ts) != 1 || ts[0].Title != "受理回执" || ts[0].UpdatedBy != officer.Name {
			t.Errorf("templates = %+v", ts)
		}
		if err := db.SaveNoticeTemplate(ctx, officer, store.NoticeTemplate{AgencyID: gov.ID, Key: "receipt"}); err != nil {
			t.Fatal(err)
		}
		if ts, _ := db.NoticeTemplates(ctx, gov.ID); len(ts) != 0 {
			t.Errorf("after reset: %+v", ts)
		}
		if err := db.SaveCalendarYear(ctx, officer, 2027, []byte(`{"year":2027,"notice":"通知","holidays":[],"workdays":[]}`)); err != nil {
			t.Fatal(err)
		}
		ys, _ := db.CalendarYears(ctx)
		if len(ys) != 1 || ys[0].Year != 2027 {
			t.Errorf("years = %+v", ys)
		}
		mustVerify(t, db, -1)
	})
}

func sortedCells(m map[casework.Cell]int) []string {
	var out []string
	for c, n := range m {
		if n > 0 {
			out = append(out, fmt.Sprintf("%s/%s=%d", c.Row, c.Column, n))
		}
	}
	sort.Strings(out)
	return slices.Clip(out)
}
