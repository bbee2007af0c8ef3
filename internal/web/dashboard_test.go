package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// dashToday is the fixed day of the dashboard tests: Friday 20 March 2026, 10:00 in Beijing.
var dashToday = time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC)

// dashSeed is the work the dashboard tests put in the fixture's health bureau, by what each list must show first.
type dashSeed struct {
	newEarlier, newLater, overdue, dueSoon, fixPost, fee, reply, extension int64
	reviewEarlier, reviewLater, approval, lateDraft, reviewDue             int64
	reportID                                                               int64
}

// seedDashboard fills the fixture with cases, items and an annual report at fixed dates, and fixes the server's
// clock on dashToday.
func seedDashboard(t *testing.T, f *fixture) dashSeed {
	t.Helper()
	ctx := context.Background()
	f.server.now = func() time.Time { return dashToday }
	env := casework.Env{Calendar: workday.Default(), Agency: f.health, BaseURL: f.srv.URL}
	officer := casework.Actor{Who: casework.ByOfficer, Name: "公开专员"}
	on := func(s string) workday.Date {
		d, err := workday.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	n := 0
	newCase := func(received string) int64 {
		n++
		app := sampleApp(on(received))
		app.Applicant.Name = fmt.Sprintf("申请人%d", n)
		app.Applicant.IDNumber = residentID(fmt.Sprintf("370124198001%02d0%02d", 1+n%28, n))
		ch, err := f.db.CreateCase(ctx, disclosure.SystemActor, newCaseBuild(casework.Intake{App: app, Actor: officer, Today: on(received), Now: dashToday}, env, ""))
		if err != nil {
			t.Fatal(err)
		}
		return ch.Case.ID
	}
	step := func(id int64, day string, cmd casework.Command) {
		t.Helper()
		if cmd.Actor.Who == 0 {
			cmd.Actor = officer
		}
		cmd.Today, cmd.Now = on(day), dashToday
		if _, err := f.db.UpdateCase(ctx, disclosure.SystemActor, id, casework.Step(cmd, env)); err != nil {
			t.Fatalf("%s: %v", cmd.Action, err)
		}
	}
	accepted := func(received string) int64 {
		id := newCase(received)
		step(id, received, casework.Command{Action: casework.Accept})
		return id
	}
	var s dashSeed
	s.newLater = newCase("2026-03-12")
	s.newEarlier = newCase("2026-03-09")
	s.overdue = accepted("2026-02-10")
	s.dueSoon = accepted("2026-02-25")
	accepted("2026-03-16")
	s.fixPost = accepted("2026-03-02")
	step(s.fixPost, "2026-03-04", casework.Command{Action: casework.RequestFix, Items: "请写明所需信息的年份", Via: "post"})
	s.fee = accepted("2026-03-02")
	step(s.fee, "2026-03-05", casework.Command{Action: casework.IssueFee, FeeMethod: "per_page", FeeUnits: 150, Via: "electronic"})
	s.reply = accepted("2026-03-09")
	step(s.reply, "2026-03-12", casework.Command{Action: casework.DraftReply, Reply: disclosure.ReplyDraft{Outcome: disclosure.Disclosed, Reasons: "理由", Provided: "电子邮件"}})
	step(s.reply, "2026-03-12", casework.Command{Action: casework.SubmitReply})
	s.extension = accepted("2026-03-03")
	step(s.extension, "2026-03-13", casework.Command{Action: casework.RequestExtension, Days: 20, Note: "需要调取档案"})

	at := func(d string) time.Time { return on(d).In(time.UTC).Add(time.Hour) }
	item := func(title string, state disclosure.ItemState, formed, updated string) *disclosure.Item {
		return &disclosure.Item{AgencyID: f.health.ID, Title: title, Genre: disclosure.GenreNotice, WrittenOn: on(formed), FormedOn: on(formed), State: state,
			CreatedAt: at(formed), UpdatedAt: at(updated)}
	}
	reviewLater := item("关于调整疫苗接种门诊时间的通知", disclosure.ItemInReview, "2026-03-16", "2026-03-17")
	reviewEarlier := item("关于公布家庭医生签约服务团队的公告", disclosure.ItemInReview, "2026-01-12", "2026-03-02")
	approval := item("平阴县2026年基本公共卫生服务项目实施方案", disclosure.ItemApproval, "2026-03-10", "2026-03-11")
	lateDraft := item("关于开展2026年爱国卫生月活动的通知", disclosure.ItemDraft, "2026-01-05", "2026-01-05")
	fresh := item("关于做好春季传染病防控工作的通知", disclosure.ItemDraft, "2026-03-19", "2026-03-19")
	reviewDue := item("关于印发卫生监督协管工作制度的通知", disclosure.ItemPublished, "2024-02-01", "2024-02-01")
	reviewDue.PublishedOn, reviewDue.ReviewOn = on("2024-02-01"), on("2026-02-01")
	notDue := item("关于印发医疗废物管理办法的通知", disclosure.ItemPublished, "2025-04-01", "2025-04-01")
	notDue.PublishedOn, notDue.ReviewOn = on("2025-04-01"), on("2026-04-01")
	if err := f.db.ImportItems(ctx, disclosure.SystemActor, []*disclosure.Item{reviewLater, reviewEarlier, approval, lateDraft, fresh, reviewDue, notDue}); err != nil {
		t.Fatal(err)
	}
	s.reviewEarlier, s.reviewLater, s.approval, s.lateDraft, s.reviewDue = reviewEarlier.ID, reviewLater.ID, approval.ID, lateDraft.ID, reviewDue.ID

	u, err := f.db.GetUserByUsername(ctx, "officer")
	if err != nil {
		t.Fatal(err)
	}
	actor := disclosure.Actor{UserID: &u.ID, Name: u.DisplayName, Role: "officer"}
	rep := &disclosure.AnnualReport{AgencyID: f.health.ID, Year: 2025, Era: "2021", Data: []byte(`{"era":"2021","year":2025,"agency":"平阴县卫生健康局","sections":[{"id":"一","text":"总体情况"}]}`)}
	if err := f.db.SaveAnnualDraft(ctx, actor, rep); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SubmitAnnualReport(ctx, actor, rep.ID, 1); err != nil {
		t.Fatal(err)
	}
	s.reportID = rep.ID
	return s
}

// dashBoard returns a dashboard list's count (its data-total and the count in its heading must agree) and its lines'
// links and texts.
func dashBoard(t *testing.T, doc *goquery.Document, key string) (total string, hrefs, texts []string) {
	t.Helper()
	sel := doc.Find("#board-" + key)
	if sel.Length() != 1 {
		t.Errorf("no list %q on the dashboard", key)
		return "", nil, nil
	}
	total, _ = sel.Attr("data-total")
	if h := sel.Find("h3 .dash-count").Text(); h != "（"+total+"）" {
		t.Errorf("%s: heading count %q, data-total %q", key, h, total)
	}
	sel.Find("ol.dash-entries > li").Each(func(_ int, li *goquery.Selection) {
		href, _ := li.Find("a").First().Attr("href")
		hrefs = append(hrefs, href)
		texts = append(texts, strings.Join(strings.Fields(li.Text()), " "))
	})
	return total, hrefs, texts
}

func caseHref(id int64) string { return fmt.Sprintf("/console/cases/%d", id) }
func itemHref(id int64) string { return fmt.Sprintf("/console/items/%d", id) }

// checkBoard checks a list's count and its first line (the oldest): the link and, if given, a part of its text.
func checkBoard(t *testing.T, doc *goquery.Document, key, wantTotal, wantFirst, wantText string) {
	t.Helper()
	total, hrefs, texts := dashBoard(t, doc, key)
	if total != wantTotal {
		t.Errorf("%s: count %s, want %s", key, total, wantTotal)
	}
	if wantFirst == "" {
		if len(hrefs) != 0 {
			t.Errorf("%s: lines %v, want none", key, hrefs)
		}
		return
	}
	if len(hrefs) == 0 || hrefs[0] != wantFirst {
		t.Errorf("%s: first line %v, want %s", key, hrefs, wantFirst)
		return
	}
	if wantText != "" && !strings.Contains(texts[0], wantText) {
		t.Errorf("%s: first line %q, want it to say %q", key, texts[0], wantText)
	}
}

// Each role's dashboard lists its work with counts, the oldest first, each line linking to where it is done.
func TestDashboardPerRole(t *testing.T) {
	f := newFixture(t)
	s := seedDashboard(t, f)
	dash := func(user string) *goquery.Document {
		c := f.client(t)
		f.signIn(t, c, user, password)
		resp, doc := get(t, c, f.srv.URL+"/console/")
		if resp.StatusCode != 200 {
			t.Fatalf("%s: dashboard status %d", user, resp.StatusCode)
		}
		return doc
	}

	t.Run("officer", func(t *testing.T) {
		doc := dash("officer")
		checkBoard(t, doc, "new", "2", caseHref(s.newEarlier), "2026年3月9日收到")
		checkBoard(t, doc, "overdue", "1", caseHref(s.overdue), "已超期")
		// The reply deadline is the case page's (stored by casework), counted in working days.
		checkBoard(t, doc, "due", "1", caseHref(s.dueSoon), "还剩")
		// A 补正 sent by post without delivery recorded comes first: its period has not started.
		checkBoard(t, doc, "applicant", "2", caseHref(s.fixPost), "尚未登记送达日期")
		_, _, texts := dashBoard(t, doc, "applicant")
		if len(texts) == 2 && !strings.Contains(texts[1], "缴费期限至") {
			t.Errorf("the fee notice's line does not give the end of the payment period: %q", texts[1])
		}
		// Art 26: the draft formed on 5 January and the item in review formed on 12 January are late.
		checkBoard(t, doc, "art26", "2", itemHref(s.lateDraft), "已逾期")
		checkBoard(t, doc, "review_due", "1", itemHref(s.reviewDue), "评估日期 2026年2月1日")
		// Art 49: the 2025 report of a department was due by 31 January 2026; it is still in review on 20 March.
		checkBoard(t, doc, "annual", "1", fmt.Sprintf("/console/annual/%d/2025", f.health.ID), "2026年1月31日前应发布，已逾期 48 天")
		if doc.Find("#board-secrecy, #board-case_approval").Length() != 0 {
			t.Error("the officer sees the reviewer's or approver's lists")
		}
	})

	t.Run("reviewer", func(t *testing.T) {
		doc := dash("reviewer")
		checkBoard(t, doc, "secrecy", "2", itemHref(s.reviewEarlier), "2026年3月2日提交")
		_, hrefs, texts := dashBoard(t, doc, "secrecy")
		if len(hrefs) == 2 && hrefs[1] != itemHref(s.reviewLater) {
			t.Errorf("second line %s, want the later one", hrefs[1])
		}
		if len(texts) > 0 && !strings.Contains(texts[0], "已逾期") {
			t.Errorf("the late item's line does not say it is late under Art 26: %q", texts[0])
		}
		if doc.Find("#board-new").Length() != 0 {
			t.Error("the reviewer sees the officer's lists")
		}
	})

	t.Run("approver", func(t *testing.T) {
		doc := dash("approver")
		checkBoard(t, doc, "item_approval", "1", itemHref(s.approval), "提交")
		checkBoard(t, doc, "case_approval", "2", caseHref(s.extension), "延期申请待审批")
		checkBoard(t, doc, "annual_approval", "1", fmt.Sprintf("/console/annual/%d/2025", f.health.ID), "审核中")
	})

	t.Run("supervisor", func(t *testing.T) {
		doc := dash("supervisor")
		checkBoard(t, doc, "sup_overdue", "1", caseHref(s.overdue), "已超期")
		checkBoard(t, doc, "sup_art26", "2", itemHref(s.lateDraft), "已逾期")
		checkBoard(t, doc, "sup_reports", "1", fmt.Sprintf("/console/annual/%d/2025", f.health.ID), "已逾期 48 天")
	})

	t.Run("the agency administrator sees its accounts, no disclosure work", func(t *testing.T) {
		doc := dash("agency_admin")
		checkBoard(t, doc, "locked", "0", "", "")
		if n := doc.Find("section.board").Length(); n != 1 {
			t.Errorf("%d lists, want the locked accounts alone", n)
		}
	})
}

// The system administrators see the locked accounts and a holiday arrangement still to enter.
func TestDashboardForAdministrators(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u, err := f.db.GetUserByUsername(ctx, "reviewer")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordSignInFailure(ctx, disclosure.SystemActor, u.ID, disclosure.LockoutRule{MaxFailures: 1, Window: time.Hour, LockFor: time.Hour}); err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	f.signIn(t, c, "secadmin", password)
	// The last year the built-in calendar has: the next one is not entered yet.
	years := workday.Default().Years()
	last := years[len(years)-1].Year
	f.server.now = func() time.Time { return time.Date(last, 3, 20, 2, 0, 0, 0, time.UTC) }
	_, doc := get(t, c, f.srv.URL+"/console/")
	checkBoard(t, doc, "locked", "1", "/console/users", "锁定至")
	_, _, texts := dashBoard(t, doc, "locked")
	if len(texts) == 1 && !strings.HasPrefix(texts[0], "reviewer") {
		t.Errorf("locked account line %q", texts[0])
	}
	checkBoard(t, doc, "calendar", "1", "/console/calendar", fmt.Sprintf("尚未录入%d年的节假日安排", last+1))
	if doc.Find("#board-new, #board-secrecy").Length() != 0 {
		t.Error("the security administrator sees disclosure work")
	}
	// The health bureau's administrator sees its locked account too, and not the calendar.
	ac := f.client(t)
	f.signIn(t, ac, "agency_admin", password)
	_, doc = get(t, ac, f.srv.URL+"/console/")
	checkBoard(t, doc, "locked", "1", "/console/users", "锁定至")
	if doc.Find("#board-calendar").Length() != 0 {
		t.Error("the agency administrator is asked to enter the holiday arrangement")
	}
}

// A list longer than the dashboard shows gives its first ten, oldest first, its whole count and a link to the rest.
func TestDashboardLongListLinksToTheRest(t *testing.T) {
	f := newFixture(t)
	f.server.now = func() time.Time { return dashToday }
	var items []*disclosure.Item
	for i := range 12 {
		formed := workday.NewDate(2026, 3, 1).AddDays(i)
		items = append(items, &disclosure.Item{AgencyID: f.health.ID, Title: fmt.Sprintf("待审查的第%d条信息", 12-i), Genre: disclosure.GenreNotice,
			WrittenOn: formed, FormedOn: formed, State: disclosure.ItemInReview, CreatedAt: dashToday.Add(-time.Duration(i) * time.Hour), UpdatedAt: dashToday.Add(-time.Duration(i) * time.Hour)})
	}
	if err := f.db.ImportItems(context.Background(), disclosure.SystemActor, items); err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	f.signIn(t, c, "reviewer", password)
	_, doc := get(t, c, f.srv.URL+"/console/")
	// The last imported waited longest (submitted 11 hours before the others' last).
	checkBoard(t, doc, "secrecy", "12", itemHref(items[11].ID), "待审查的第1条信息")
	_, hrefs, _ := dashBoard(t, doc, "secrecy")
	more, _ := doc.Find("#board-secrecy .dash-more a").Attr("href")
	if len(hrefs) != 10 || hrefs[9] != itemHref(items[2].ID) || more != "/console/items?view=review" {
		t.Errorf("%d lines, the tenth %v, more %q", len(hrefs), hrefs, more)
	}
}
