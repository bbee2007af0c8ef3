package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// runDashboard checks the console dashboard's lists: which cases, items, reports and accounts are on each, in
// which order (the oldest or most urgent first), and that the count is of the whole list while the rows stop at
// the limit.
func runDashboard(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("the case lists hold the new, overdue, soon due, waiting and to-approve cases, oldest first", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		civil := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		n := 0
		newCase := func(a *disclosure.Agency, received string) int64 {
			n++
			return mustCreateCase(t, db, a, newApplication(day(received), n, disclosure.NaturalPerson)).Case.ID
		}
		accepted := func(received string) int64 {
			id := newCase(health, received)
			mustStep(t, db, health, id, received, casework.Command{Action: casework.Accept})
			return id
		}
		// Registered, not accepted: the later one listed second; another agency's is not on the list.
		newLater := newCase(health, "2026-03-10")
		newEarlier := newCase(health, "2026-03-02")
		newCase(civil, "2026-03-01")
		// Accepted on 10 Feb: 20 working days (past the Spring Festival) ended before 20 March.
		overdueLater := accepted("2026-02-12")
		overdueEarlier := accepted("2026-02-10")
		// Accepted on 25 and 26 Feb: due within 5 working days of 20 March; 16 March: due in April.
		soonLater := accepted("2026-02-27")
		soonEarlier := accepted("2026-02-25")
		accepted("2026-03-16")
		// Closed before its deadline: on no list.
		closed := accepted("2026-02-09")
		replySteps(t, db, health, closed, "2026-02-11", disclosure.Disclosed, "")
		// Waiting on the applicant: a 补正 by post without delivery recorded (its period not started: first), one
		// sent electronically (delivered at once), a fee notice sent electronically.
		fixPost := accepted("2026-03-02")
		mustStep(t, db, health, fixPost, "2026-03-04", casework.Command{Action: casework.RequestFix, Items: "请写明年份", Via: "post"})
		fixMail := accepted("2026-03-02")
		mustStep(t, db, health, fixMail, "2026-03-03", casework.Command{Action: casework.RequestFix, Items: "请写明年份", Via: "electronic"})
		feeMail := accepted("2026-03-02")
		mustStep(t, db, health, feeMail, "2026-03-05", casework.Command{Action: casework.IssueFee, FeeMethod: "per_page", FeeUnits: 150, Via: "electronic"})
		// To approve: a reply submitted, an extension requested.
		reply := accepted("2026-03-09")
		mustStep(t, db, health, reply, "2026-03-12", casework.Command{Action: casework.DraftReply, Reply: disclosure.ReplyDraft{Outcome: disclosure.Disclosed, Reasons: "理由", Provided: "电子邮件"}})
		mustStep(t, db, health, reply, "2026-03-12", casework.Command{Action: casework.SubmitReply})
		extension := accepted("2026-03-03")
		mustStep(t, db, health, extension, "2026-03-13", casework.Command{Action: casework.RequestExtension, Days: 20, Note: "需要调取档案"})

		today := day("2026-03-20")
		by := workday.Default().Due(today, 5, nil).Due
		ids := []int64{health.ID}
		for _, tc := range []struct {
			q    store.CaseQueueQuery
			want []int64
		}{
			{store.CaseQueueQuery{Queue: store.QueueNew}, []int64{newEarlier, newLater}},
			{store.CaseQueueQuery{Queue: store.QueueOverdue, On: today}, []int64{overdueEarlier, overdueLater}},
			{store.CaseQueueQuery{Queue: store.QueueDueSoon, On: today, By: by}, []int64{soonEarlier, soonLater}},
			{store.CaseQueueQuery{Queue: store.QueueApplicant}, []int64{fixPost, fixMail, feeMail}},
			{store.CaseQueueQuery{Queue: store.QueueApproval}, []int64{extension, reply}},
		} {
			tc.q.AgencyIDs = ids
			list, total, err := db.CaseQueue(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, c := range list {
				got = append(got, c.ID)
			}
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("%s: %v (count %d), want %v", tc.q.Queue, got, total, tc.want)
			}
			// The limit cuts the rows, not the count.
			tc.q.Limit = 1
			if list, total, err := db.CaseQueue(ctx, tc.q); err != nil || len(list) != 1 || list[0].ID != tc.want[0] || total != len(tc.want) {
				t.Errorf("%s limited to 1: %d rows, count %d, %v", tc.q.Queue, len(list), total, err)
			}
		}
		// The applicant's period ends as casework computed it from delivery; by post it has not started.
		list, _, _ := db.CaseQueue(ctx, store.CaseQueueQuery{Queue: store.QueueApplicant, AgencyIDs: ids})
		if !list[0].StepDue.IsZero() || list[1].StepDue.IsZero() || list[1].State != disclosure.AwaitingFix || list[2].State != disclosure.AwaitingPayment {
			t.Errorf("waiting cases: %s %s, %s %s, %s", list[0].State, list[0].StepDue, list[1].State, list[1].StepDue, list[2].State)
		}
		if list, total, err := db.CaseQueue(ctx, store.CaseQueueQuery{Queue: store.QueueNew, AgencyIDs: []int64{}}); err != nil || len(list) != 0 || total != 0 {
			t.Errorf("no agencies: %d %d %v", len(list), total, err)
		}
		if _, _, err := db.CaseQueue(ctx, store.CaseQueueQuery{Queue: "nonsense", AgencyIDs: ids}); err == nil {
			t.Error("an unknown list is not refused")
		}
	})

	t.Run("the item lists hold what waits for review and approval, what is late under Art 26, and what is due for periodic review", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		civil := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		at := func(s string) time.Time { return day(s).In(time.UTC).Add(9 * time.Hour) }
		item := func(a *disclosure.Agency, title string, state disclosure.ItemState, formed, updated string) *disclosure.Item {
			it := &disclosure.Item{AgencyID: a.ID, Title: title, Genre: disclosure.GenreNotice, WrittenOn: day(formed), FormedOn: day(formed), State: state,
				CreatedAt: at(formed), UpdatedAt: at(updated)}
			return it
		}
		published := func(a *disclosure.Agency, title, formed, review string) *disclosure.Item {
			it := item(a, title, disclosure.ItemPublished, formed, formed)
			it.PublishedOn = day(formed)
			if review != "" {
				it.ReviewOn = day(review)
			}
			return it
		}
		reviewLater := item(health, "审查中（后提交）", disclosure.ItemInReview, "2026-03-02", "2026-03-05")
		reviewEarlier := item(health, "审查中（先提交）", disclosure.ItemInReview, "2026-01-10", "2026-03-01")
		approval := item(health, "待审批", disclosure.ItemApproval, "2026-03-03", "2026-03-06")
		lateDraft := item(health, "一月形成的草稿", disclosure.ItemDraft, "2026-01-05", "2026-01-05")
		freshDraft := item(health, "昨天形成的草稿", disclosure.ItemDraft, "2026-03-19", "2026-03-19")
		reviewDueLater := published(health, "三月到期评估", "2024-03-01", "2026-03-01")
		reviewDueEarlier := published(health, "二月到期评估", "2024-02-01", "2026-02-01")
		items := []*disclosure.Item{
			reviewLater, reviewEarlier, approval, lateDraft, freshDraft, reviewDueLater, reviewDueEarlier,
			published(health, "四月到期评估", "2024-04-01", "2026-04-01"),
			published(health, "早已发布", "2025-01-05", ""),
			item(civil, "他单位审查中", disclosure.ItemInReview, "2026-01-02", "2026-01-02"),
			item(civil, "他单位草稿", disclosure.ItemDraft, "2026-01-02", "2026-01-02"),
		}
		if err := db.ImportItems(ctx, officer, items); err != nil {
			t.Fatal(err)
		}
		// A correction of a published item submitted for review waits with the new items, submitted last.
		corrected := mustPublish(t, db, health, disclosure.Item{Title: "已发布待更正", Genre: disclosure.GenreNotice, WrittenOn: day("2026-03-02")}, "2026-03-02")
		mustItemStep(t, db, health, corrected.ID, "2026-03-10", catalogue.Command{Action: catalogue.Correct, Actor: itemOfficer})
		mustItemStep(t, db, health, corrected.ID, "2026-03-10", catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})

		today := day("2026-03-20")
		ids := []int64{health.ID}
		for _, tc := range []struct {
			q    store.ItemQueueQuery
			want []int64
		}{
			{store.ItemQueueQuery{Queue: store.QueueSecrecy}, []int64{reviewEarlier.ID, reviewLater.ID, corrected.ID}},
			{store.ItemQueueQuery{Queue: store.QueueItemApproval}, []int64{approval.ID}},
			// Art 26: late or soon late on 20 March, the earliest formed first; the in-review item formed in January
			// is late too.
			{store.ItemQueueQuery{Queue: store.QueueUnpublished, Before: catalogue.LateCutoff(workday.Default(), today)}, []int64{lateDraft.ID, reviewEarlier.ID}},
			{store.ItemQueueQuery{Queue: store.QueueReviewDue, On: today}, []int64{reviewDueEarlier.ID, reviewDueLater.ID}},
		} {
			tc.q.AgencyIDs = ids
			list, total, err := db.ItemQueue(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, it := range list {
				got = append(got, it.ID)
			}
			if !slices.Equal(got, tc.want) || total != len(tc.want) {
				t.Errorf("%s: %v (count %d), want %v", tc.q.Queue, got, total, tc.want)
			}
			tc.q.Limit = 1
			if list, total, err := db.ItemQueue(ctx, tc.q); err != nil || len(list) != 1 || list[0].ID != tc.want[0] || total != len(tc.want) {
				t.Errorf("%s limited to 1: %d rows, count %d, %v", tc.q.Queue, len(list), total, err)
			}
		}
		list, _, _ := db.ItemQueue(ctx, store.ItemQueueQuery{Queue: store.QueueSecrecy, AgencyIDs: ids})
		if last := list[len(list)-1]; last.State != disclosure.ItemPublished || last.Revision == nil || last.Revision.State != disclosure.ItemInReview {
			t.Errorf("the correction's row: state %s, revision %+v", last.State, last.Revision)
		}
		if _, total, _ := db.ItemQueue(ctx, store.ItemQueueQuery{Queue: store.QueueSecrecy, AgencyIDs: []int64{health.ID, civil.ID}}); total != 4 {
			t.Errorf("two agencies' secrecy list counts %d, want 4", total)
		}
	})

	t.Run("the annual reports of a year stand by agency, and those submitted wait longest first", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		civil := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		edu := mustAgency(t, db, disclosure.Department, gov, "平阴县教育和体育局")
		off := actorFor(mustUser(t, db, "officer1", disclosure.Grant{Role: disclosure.Officer, AgencyID: &gov.ID}))
		var submitted []int64
		for _, a := range []*disclosure.Agency{civil, health} {
			r := &disclosure.AnnualReport{AgencyID: a.ID, Year: 2025, Era: "2021", Data: reportJSON(a.Name, 2025, "初稿")}
			if err := db.SaveAnnualDraft(ctx, off, r); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SubmitAnnualReport(ctx, off, r.ID, 1); err != nil {
				t.Fatal(err)
			}
			submitted = append(submitted, a.ID)
		}
		draft := &disclosure.AnnualReport{AgencyID: edu.ID, Year: 2025, Era: "2021", Data: reportJSON(edu.Name, 2025, "草稿")}
		if err := db.SaveAnnualDraft(ctx, off, draft); err != nil {
			t.Fatal(err)
		}
		all, err := db.AnnualStandings(ctx, []int64{health.ID, civil.ID, edu.ID, gov.ID}, 2025, "")
		if err != nil || len(all) != 3 {
			t.Fatalf("standings %+v %v", all, err)
		}
		byAgency := map[int64]string{}
		for _, s := range all {
			byAgency[s.AgencyID] = s.Status
		}
		if byAgency[health.ID] != disclosure.AnnualInReview || byAgency[edu.ID] != disclosure.AnnualDraft {
			t.Errorf("standings %v", byAgency)
		}
		waiting, err := db.AnnualStandings(ctx, []int64{health.ID, civil.ID, edu.ID}, 2025, disclosure.AnnualInReview)
		if err != nil || len(waiting) != 2 || waiting[0].AgencyID != submitted[0] || waiting[1].AgencyID != submitted[1] {
			t.Errorf("submitted reports %+v, want agencies %v in that order: %v", waiting, submitted, err)
		}
		if other, _ := db.AnnualStandings(ctx, []int64{health.ID}, 2024, ""); len(other) != 0 {
			t.Errorf("another year: %+v", other)
		}
	})

	t.Run("locked accounts are listed while locked, the lock ending first first, and by agency", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		civil := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		long := mustUser(t, db, "long", disclosure.Grant{Role: disclosure.Officer, AgencyID: &health.ID}, disclosure.Grant{Role: disclosure.Reviewer, AgencyID: &health.ID})
		short := mustUser(t, db, "short", disclosure.Grant{Role: disclosure.Officer, AgencyID: &civil.ID})
		mustUser(t, db, "free", disclosure.Grant{Role: disclosure.Officer, AgencyID: &health.ID})
		for _, x := range []struct {
			u   *disclosure.User
			dur time.Duration
		}{{long, time.Hour}, {short, 10 * time.Minute}} {
			if _, err := db.RecordSignInFailure(ctx, officer, x.u.ID, disclosure.LockoutRule{MaxFailures: 1, Window: time.Hour, LockFor: x.dur}); err != nil {
				t.Fatal(err)
			}
		}
		list, total, err := db.LockedUsers(ctx, time.Now(), nil, 10)
		if err != nil || total != 2 || len(list) != 2 || list[0].ID != short.ID || list[1].ID != long.ID {
			t.Fatalf("locked now: %d %v", total, err)
		}
		if list, total, _ := db.LockedUsers(ctx, time.Now().Add(30*time.Minute), nil, 10); total != 1 || list[0].ID != long.ID {
			t.Errorf("locked in 30 minutes: %d", total)
		}
		// An agency's administrator sees its own accounts, each once however many roles it holds there.
		if list, total, err := db.LockedUsers(ctx, time.Now(), []int64{health.ID}, 10); err != nil || total != 1 || len(list) != 1 || list[0].ID != long.ID {
			t.Errorf("locked in the health bureau: %d %v", total, err)
		}
		if list, total, _ := db.LockedUsers(ctx, time.Now(), []int64{}, 10); total != 0 || len(list) != 0 {
			t.Errorf("no agencies: %d", total)
		}
	})
}
