package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"github.com/gongkai/gongkai/internal/annual"
	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/workday"
)

// svRegion is the fixture of the supervision tests: the county of the web fixture with three more agencies, their
// reports of a past year in every state, cases and items; and a second county with its own supervisor.
type svRegion struct {
	*fixture
	year                    int
	gov, civil, edu, hosp   *disclosure.Agency
	otherGov, otherHealth   *disclosure.Agency
	lateItem, waitingItem   string
	officer, approver       disclosure.Actor
	healthCases, hospCases  int
	countySup, otherSup     *http.Client
	agencyOfficer, agencyAd *http.Client
}

func (f *fixture) user(t *testing.T, name string, g disclosure.Grant) *disclosure.User {
	t.Helper()
	hash, _ := auth.HashPassword(password, cheap)
	u := &disclosure.User{Username: name, DisplayName: name, PasswordHash: hash, Grants: []disclosure.Grant{g}}
	if err := f.db.CreateUser(context.Background(), disclosure.SystemActor, u); err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *fixture) agency(t *testing.T, kind disclosure.AgencyKind, parent *disclosure.Agency, name string) *disclosure.Agency {
	t.Helper()
	a := &disclosure.Agency{Kind: kind, Name: name}
	if parent != nil {
		a.ParentID = &parent.ID
	}
	if err := f.db.CreateAgency(context.Background(), disclosure.SystemActor, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// caseAt registers and accepts an application of the agency received on the day; closed has the applicant
// withdraw it a week later, else it stays open.
func (f *fixture) caseAt(t *testing.T, a *disclosure.Agency, received workday.Date, n int, closed bool) {
	t.Helper()
	ctx := context.Background()
	env := casework.Env{Calendar: workday.Default(), Agency: a, BaseURL: f.srv.URL}
	off := casework.Actor{Who: casework.ByOfficer, Name: "公开专员"}
	app := sampleApp(received)
	app.Applicant.IDNumber = residentID(fmt.Sprintf("370124198001%02d%03d", 1+n%28, n))
	ch, err := f.db.CreateCase(ctx, disclosure.SystemActor, newCaseBuild(casework.Intake{App: app, Actor: off, Today: received, Now: time.Now()}, env, ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdateCase(ctx, disclosure.SystemActor, ch.Case.ID, casework.Step(casework.Command{Action: casework.Accept, Actor: off, Today: received, Now: time.Now()}, env)); err != nil {
		t.Fatal(err)
	}
	if closed {
		on := received.AddDays(7)
		applicant := casework.Actor{Who: casework.ByApplicant, Name: "申请人"}
		if _, err := f.db.UpdateCase(ctx, disclosure.SystemActor, ch.Case.ID, casework.Step(casework.Command{Action: casework.Withdraw, Actor: applicant, Today: on, Now: time.Now()}, env)); err != nil {
			t.Fatal(err)
		}
	}
}

// item creates an item; published is the day it is published, or zero to leave it a draft.
func (f *fixture) item(t *testing.T, a *disclosure.Agency, title string, formed, published workday.Date) {
	t.Helper()
	ctx := context.Background()
	it, err := catalogue.NewItem(disclosure.Item{Title: title, Genre: disclosure.GenreNotice, Category: "livelihood", FormedOn: formed}, a, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateItem(ctx, disclosure.SystemActor, it); err != nil {
		t.Fatal(err)
	}
	if published.IsZero() {
		return
	}
	env := catalogue.Env{Agency: a, Calendar: workday.Default()}
	answers := map[string]bool{}
	for _, q := range disclosure.ReviewChecklist {
		answers[q] = true
	}
	for _, cmd := range []catalogue.Command{
		{Action: catalogue.Submit, Actor: catalogue.Actor{Who: catalogue.ByOfficer, Name: "张"}},
		{Action: catalogue.Pass, Actor: catalogue.Actor{Who: catalogue.ByReviewer, Name: "王"}, Answers: answers},
		{Action: catalogue.Publish, Actor: catalogue.Actor{Who: catalogue.ByOfficer, Name: "张"}},
	} {
		cmd.Today, cmd.Now = published, time.Now()
		if _, err := f.db.UpdateItem(ctx, disclosure.SystemActor, it.ID, func(_ context.Context, x *disclosure.Item) (*disclosure.ItemChange, error) {
			return catalogue.Decide(x, cmd, env)
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// draftReport assembles the agency's report of the year from the live figures; filled replaces every placeholder.
func (rg *svRegion) draftReport(t *testing.T, a *disclosure.Agency, filled bool) *report.Report {
	t.Helper()
	rep, err := annual.Draft(context.Background(), rg.db, a, rg.year)
	if err != nil {
		t.Fatal(err)
	}
	if filled {
		b, _ := json.Marshal(rep)
		b = markerRE.ReplaceAll(b, []byte("已按实际情况填写"))
		rep, _ = report.Decode(b)
	}
	return rep
}

// publish takes the report through the workflow: saved, submitted and approved, stating its publication day.
func (rg *svRegion) publish(t *testing.T, a *disclosure.Agency, on string) int64 {
	t.Helper()
	ctx := context.Background()
	rep := rg.draftReport(t, a, true)
	data, _ := json.Marshal(rep)
	stored := &disclosure.AnnualReport{AgencyID: a.ID, Year: rg.year, Era: string(rep.Era), Data: data}
	if err := rg.db.SaveAnnualDraft(ctx, rg.officer, stored); err != nil {
		t.Fatal(err)
	}
	if _, err := rg.db.SubmitAnnualReport(ctx, rg.officer, stored.ID, stored.Version); err != nil {
		t.Fatal(err)
	}
	rep.Published, rep.Signed = on, on
	data, _ = json.Marshal(rep)
	if _, err := rg.db.PublishAnnualReport(ctx, rg.approver, stored.ID, stored.Version+1, data); err != nil {
		t.Fatal(err)
	}
	return stored.ID
}

func newRegion(t *testing.T) *svRegion {
	t.Helper()
	return newRegionOn(t, newFixture(t))
}

// newRegionOn builds the region on the fixture's database.
func newRegionOn(t *testing.T, f *fixture) *svRegion {
	t.Helper()
	ctx := context.Background()
	rg := &svRegion{fixture: f, year: time.Now().Year() - 2}
	y := rg.year
	rg.gov, _ = f.db.GetAgency(ctx, *f.health.ParentID)
	rg.civil = f.agency(t, disclosure.Department, rg.gov, "平阴县民政局")
	rg.edu = f.agency(t, disclosure.Department, rg.gov, "平阴县教育和体育局")
	rg.hosp = f.agency(t, disclosure.SubordinateUnit, f.health, "平阴县人民医院")
	rg.otherGov = f.agency(t, disclosure.RegionGovernment, nil, "东阿县人民政府")
	rg.otherHealth = f.agency(t, disclosure.Department, rg.otherGov, "东阿县卫生健康局")
	off, _ := f.db.GetUserByUsername(ctx, "officer")
	appr, _ := f.db.GetUserByUsername(ctx, "approver")
	rg.officer = disclosure.Actor{UserID: &off.ID, Name: off.DisplayName}
	rg.approver = disclosure.Actor{UserID: &appr.ID, Name: appr.DisplayName}
	f.user(t, "county_sup", disclosure.Grant{Role: disclosure.Supervisor, AgencyID: &rg.gov.ID})
	f.user(t, "other_sup", disclosure.Grant{Role: disclosure.Supervisor, AgencyID: &rg.otherGov.ID})

	// Cases of the year: two for the health bureau, one for the hospital (whose report is not published).
	rg.healthCases, rg.hospCases = 2, 1
	f.caseAt(t, f.health, workday.NewDate(y, time.March, 2), 1, true)
	f.caseAt(t, f.health, workday.NewDate(y, time.June, 8), 2, true)
	f.caseAt(t, rg.hosp, workday.NewDate(y, time.May, 11), 3, true)
	f.caseAt(t, rg.otherHealth, workday.NewDate(y, time.May, 11), 4, true)
	// Open now and long past the reply deadline: the education bureau's.
	f.caseAt(t, rg.edu, workday.DateOf(time.Now()).AddDays(-70), 5, false)
	// Items: one of the civil affairs bureau published late in the year, one of the education bureau never
	// published although formed two months ago.
	rg.lateItem, rg.waitingItem = "民政局迟发的通知", "教体局未公开的通知"
	f.item(t, rg.civil, rg.lateItem, workday.NewDate(y, time.January, 20), workday.NewDate(y, time.March, 10))
	f.item(t, rg.civil, "民政局按时发布的通知", workday.NewDate(y, time.May, 6), workday.NewDate(y, time.May, 12))
	f.item(t, rg.edu, rg.waitingItem, workday.DateOf(time.Now()).AddDays(-60), workday.Date{})

	// Reports of the year in every state.
	healthReport := rg.publish(t, f.health, fmt.Sprintf("%d-01-20", y+1))
	cur, _ := f.db.GetAnnualReport(ctx, f.health.ID, y)
	corrected := rg.draftReport(t, f.health, true)
	corrected.Published = fmt.Sprintf("%d-01-20", y+1)
	data, _ := json.Marshal(corrected)
	if _, err := f.db.CorrectAnnualReport(ctx, rg.officer, healthReport, cur.Version, data, nil, "第六部分统计说明表述有误"); err != nil {
		t.Fatal(err)
	}
	rg.publish(t, rg.civil, fmt.Sprintf("%d-02-16", y+1))
	rg.publish(t, rg.otherHealth, fmt.Sprintf("%d-01-10", y+1))
	draft := rg.draftReport(t, rg.edu, false)
	data, _ = json.Marshal(draft)
	if err := f.db.SaveAnnualDraft(ctx, rg.officer, &disclosure.AnnualReport{AgencyID: rg.edu.ID, Year: y, Era: string(draft.Era), Data: data}); err != nil {
		t.Fatal(err)
	}
	review := rg.draftReport(t, rg.hosp, true)
	data, _ = json.Marshal(review)
	hosp := &disclosure.AnnualReport{AgencyID: rg.hosp.ID, Year: y, Era: string(review.Era), Data: data}
	if err := f.db.SaveAnnualDraft(ctx, rg.officer, hosp); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SubmitAnnualReport(ctx, rg.officer, hosp.ID, hosp.Version); err != nil {
		t.Fatal(err)
	}
	// The hospital's case of November is entered after its report was written: its figures there are stale now.
	f.caseAt(t, rg.hosp, workday.NewDate(y, time.November, 2), 6, true)
	rg.hospCases++

	rg.countySup, rg.otherSup, rg.agencyOfficer, rg.agencyAd = f.client(t), f.client(t), f.client(t), f.client(t)
	for c, name := range map[*http.Client]string{rg.countySup: "county_sup", rg.otherSup: "other_sup", rg.agencyOfficer: "officer", rg.agencyAd: "agency_admin"} {
		if resp := f.signIn(t, c, name, password); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s cannot sign in: %d", name, resp.StatusCode)
		}
	}
	return rg
}

func (rg *svRegion) page(t *testing.T, c *http.Client, query string) (*http.Response, *goquery.Document) {
	t.Helper()
	return get(t, c, rg.srv.URL+"/console/supervision?"+query)
}

// row returns the agency's row of the table.
func row(doc *goquery.Document, a *disclosure.Agency) *goquery.Selection {
	return doc.Find(fmt.Sprintf(`table.sv-agencies tr[data-agency="%d"]`, a.ID))
}

func squash(s string) string { return strings.Join(strings.Fields(s), "") }

func TestSupervisionTableShowsEveryAgencysStateMostUrgentFirst(t *testing.T) {
	rg := newRegion(t)
	resp, doc := rg.page(t, rg.countySup, "year="+strconv.Itoa(rg.year))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	y := rg.year
	for _, tc := range []struct {
		name    string
		agency  *disclosure.Agency
		label   string
		note    string
		class   string
		findErr bool
	}{
		{"a region government's own report not started after 31 March is late", rg.gov, "已逾期", "未开始，已过期限", "sv-late", false},
		{"a draft after 31 January is late and has errors", rg.edu, "已逾期", "草稿，已过期限", "sv-late", true},
		{"a report still in review after the deadline is late", rg.hosp, "已逾期", "审核中，已过期限", "sv-late", false},
		{"a report published after the deadline says by how much", rg.civil, "已发布", fmt.Sprintf("%d年2月16日发布，逾期 16 天", y+1), "sv-late", false},
		{"a report published in time shows its date and its correction", rg.health, "已发布", fmt.Sprintf("%d年1月20日发布", y+1), "sv-published", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := row(doc, tc.agency)
			if r.Length() != 1 {
				t.Fatalf("%d rows for %s", r.Length(), tc.agency.Name)
			}
			if got := r.Find(".sv-state strong").Text(); got != tc.label {
				t.Errorf("label %q, want %q", got, tc.label)
			}
			if got := r.Find(".sv-note").Text(); !strings.Contains(got, tc.note) {
				t.Errorf("note %q, want %q", got, tc.note)
			}
			if !r.HasClass(tc.class) {
				t.Errorf("class %q, want %s", r.AttrOr("class", ""), tc.class)
			}
			if href := r.Find(".sv-state a").AttrOr("href", ""); href != fmt.Sprintf("/console/annual/%d/%d", tc.agency.ID, y) {
				t.Errorf("report link %q", href)
			}
			if got := r.Find("a.sv-has-errors").Length() == 1; got != tc.findErr {
				t.Errorf("errors flagged %v, want %v: %q", got, tc.findErr, r.Find(".sv-findings").Text())
			}
		})
	}
	t.Run("the corrected report says so with the reason", func(t *testing.T) {
		if got := row(doc, rg.health).Find(".sv-corrected").Text(); !strings.Contains(got, "已更正 1 次") || !strings.Contains(got, "第六部分统计说明表述有误") {
			t.Errorf("correction %q", got)
		}
	})
	t.Run("findings are counted as the editor counts them", func(t *testing.T) {
		// The draft still has its placeholders (A-1 errors); the published report of the health bureau is clean;
		// the hospital's report has a stale figure and a passed deadline.
		if got := squash(row(doc, rg.edu).Find(".sv-findings").Text()); !strings.HasPrefix(got, "错误") || strings.HasPrefix(got, "错误0处") {
			t.Errorf("draft findings %q", got)
		}
		if got := squash(row(doc, rg.health).Find(".sv-findings a").Contents().First().Text()); got != "错误0处，警告0处" {
			t.Errorf("published findings %q", got)
		}
		if got := squash(row(doc, rg.hosp).Find(".sv-findings a").Contents().First().Text()); !strings.HasPrefix(got, "错误0处") || strings.HasSuffix(got, "警告0处") {
			t.Errorf("in-review findings %q", got)
		}
		if got := squash(row(doc, rg.gov).Find(".sv-findings").Text()); got != "—" {
			t.Errorf("not started: %q", got)
		}
		if href := row(doc, rg.edu).Find(".sv-findings a").AttrOr("href", ""); href != fmt.Sprintf("/console/annual/%d/%d#findings", rg.edu.ID, y) {
			t.Errorf("findings link %q", href)
		}
		// The editor, opened from the link, counts the same.
		for _, a := range []*disclosure.Agency{rg.edu, rg.hosp, rg.civil} {
			link := row(doc, a).Find(".sv-findings a")
			_, editor := get(t, rg.countySup, rg.srv.URL+link.AttrOr("href", ""))
			want := strings.TrimSuffix(strings.SplitN(squash(editor.Find("#findings-summary").Text()), "。", 2)[0], "。")
			if editor.Find("#findings-summary").Text() == "通过全部检查。" {
				want = "错误0处，警告0处"
			}
			if got := squash(link.Contents().First().Text()); got != want {
				t.Errorf("%s: the table says %q, the editor %q", a.Name, got, want)
			}
		}
	})
	t.Run("late ones come first: unpublished past the deadline, then published late, then on time", func(t *testing.T) {
		var order []string
		doc.Find("table.sv-agencies tbody tr").Each(func(_ int, s *goquery.Selection) { order = append(order, s.Find("th").Contents().First().Text()) })
		if len(order) != 5 {
			t.Fatalf("rows %v", order)
		}
		last2 := strings.Join(order[3:], ",")
		if last2 != "平阴县民政局,平阴县卫生健康局" {
			t.Errorf("order %v: the late publication and then the one in time should close the list", order)
		}
		if order[0] != "平阴县教育和体育局" {
			t.Errorf("order %v: the late draft with errors and overdue cases should lead", order)
		}
	})
	t.Run("the subordinate unit names its parent", func(t *testing.T) {
		if got := row(doc, rg.hosp).Find(".sv-parent").Text(); !strings.Contains(got, "平阴县卫生健康局") {
			t.Errorf("parent %q", got)
		}
	})
	t.Run("the tally counts the states", func(t *testing.T) {
		got := doc.Find("#tally").Text()
		for _, want := range []string{"共 5 个单位", "已发布 2 个（其中逾期发布 1 个、已更正 1 个）", "审核中 1 个", "草稿 1 个", "未开始 1 个", "逾期未发布 3 个", "超期未答复的申请 1 件"} {
			if !strings.Contains(got, want) {
				t.Errorf("tally %q lacks %q", got, want)
			}
		}
	})
	t.Run("the other region's agencies are not listed", func(t *testing.T) {
		if strings.Contains(doc.Find("main").Text(), "东阿县") {
			t.Error("the county supervisor sees 东阿县")
		}
	})
}

func TestSupervisionFiguresLinkToWhatTheyCount(t *testing.T) {
	rg := newRegion(t)
	_, doc := rg.page(t, rg.countySup, "year="+strconv.Itoa(rg.year))
	for _, tc := range []struct {
		name   string
		agency *disclosure.Agency
		cell   string
		want   string // the figure
		path   string // where it links
		finds  string // what the linked page shows
	}{
		{"overdue applications", rg.edu, ".sv-overdue", "1", "/console/cases", "王小明"},
		{"items published late in the year", rg.civil, ".sv-late-items", "1", "/console/supervision/items", rg.lateItem},
		{"items past Art 26 and unpublished", rg.edu, ".sv-unpublished", "1", "/console/supervision/items", rg.waitingItem},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := row(doc, tc.agency).Find(tc.cell + " a")
			if got := a.Contents().First().Text(); got != tc.want {
				t.Errorf("figure %q, want %s", got, tc.want)
			}
			href := a.AttrOr("href", "")
			u, _ := url.Parse(href)
			if u.Path != tc.path || u.Query().Get("agency") != strconv.FormatInt(tc.agency.ID, 10) {
				t.Fatalf("link %q", href)
			}
			resp, page := get(t, rg.countySup, rg.srv.URL+href)
			if resp.StatusCode != 200 || !strings.Contains(page.Find("main table").Text(), tc.finds) {
				t.Errorf("%s: %d, %q", href, resp.StatusCode, page.Find("main table").Text())
			}
		})
	}
	t.Run("agencies without such figures show 0 without a link", func(t *testing.T) {
		if r := row(doc, rg.health); r.Find(".sv-overdue a, .sv-late-items a, .sv-unpublished a").Length() != 0 || squash(r.Find(".sv-overdue").Text()) != "0" {
			t.Errorf("health row %q", r.Text())
		}
	})
	t.Run("the late list names the day the item was due", func(t *testing.T) {
		_, page := get(t, rg.countySup, rg.srv.URL+row(doc, rg.civil).Find(".sv-late-items a").AttrOr("href", ""))
		cells := page.Find("table.sv-items tbody tr").First().Find("td")
		if got := cells.Eq(5).Text(); got != fmt.Sprintf("%d年3月10日", rg.year) || squash(cells.Eq(6).Text()) == "0" {
			t.Errorf("late row: published %q, days late %q", got, cells.Eq(6).Text())
		}
	})
	t.Run("the supervisor reads the reports and cases it links to", func(t *testing.T) {
		for _, href := range []string{row(doc, rg.edu).Find(".sv-state a").AttrOr("href", ""), row(doc, rg.health).Find(".sv-state a").AttrOr("href", "")} {
			if resp, _ := get(t, rg.countySup, rg.srv.URL+href); resp.StatusCode != 200 {
				t.Errorf("%s: %d", href, resp.StatusCode)
			}
		}
	})
}

func TestSupervisionAccess(t *testing.T) {
	rg := newRegion(t)
	y := strconv.Itoa(rg.year)
	for _, tc := range []struct {
		name   string
		client *http.Client
		path   string
		status int
	}{
		{"an officer cannot open it", rg.agencyOfficer, "/console/supervision", 403},
		{"an agency administrator cannot open it", rg.agencyAd, "/console/supervision", 403},
		{"an officer cannot open the item lists", rg.agencyOfficer, "/console/supervision/items?view=late", 403},
		{"another region's supervisor cannot choose this region", rg.otherSup, fmt.Sprintf("/console/supervision?region=%d", rg.gov.ID), 403},
		{"another region's supervisor cannot list this region's items", rg.otherSup, fmt.Sprintf("/console/supervision/items?agency=%d&view=late&year=%s", rg.civil.ID, y), 403},
		{"another region's supervisor cannot export this region", rg.otherSup, fmt.Sprintf("/console/supervision?region=%d&format=xlsx", rg.gov.ID), 403},
		{"a bad year is refused", rg.countySup, "/console/supervision?year=1990", 422},
		{"a bad list is refused", rg.countySup, "/console/supervision/items?view=everything", 422},
		{"a malformed agency is refused", rg.countySup, "/console/supervision/items?agency=x", 403},
		{"the default year opens", rg.countySup, "/console/supervision", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if resp, _ := get(t, tc.client, rg.srv.URL+tc.path); resp.StatusCode != tc.status {
				t.Errorf("%s: %d, want %d", tc.path, resp.StatusCode, tc.status)
			}
		})
	}
	t.Run("another region's supervisor sees only its own region", func(t *testing.T) {
		_, doc := rg.page(t, rg.otherSup, "year="+y)
		rows := doc.Find("table.sv-agencies tbody tr")
		if rows.Length() != 2 || !strings.Contains(rows.Text(), "东阿县卫生健康局") || strings.Contains(doc.Find("main").Text(), "平阴") {
			t.Errorf("rows %q", rows.Text())
		}
		if got := doc.Find("#summary-coverage").Text(); !strings.Contains(got, "共 2 个单位，其中 1 个已发布") {
			t.Errorf("coverage %q", got)
		}
	})
	t.Run("the supervisor of one bureau sees its subtree only", func(t *testing.T) {
		c := rg.client(t)
		rg.signIn(t, c, "supervisor", password)
		_, doc := rg.page(t, c, "year="+y)
		if rows := doc.Find("table.sv-agencies tbody tr"); rows.Length() != 2 || strings.Contains(rows.Text(), "民政局") {
			t.Errorf("rows %q", rows.Text())
		}
	})
	t.Run("the console links it for supervisors only", func(t *testing.T) {
		_, doc := get(t, rg.countySup, rg.srv.URL+"/console/")
		if doc.Find(`a[href="/console/supervision"]`).Length() != 1 {
			t.Error("no link for the supervisor")
		}
		_, doc = get(t, rg.agencyOfficer, rg.srv.URL+"/console/")
		if doc.Find(`a[href="/console/supervision"]`).Length() != 0 {
			t.Error("a link for the officer")
		}
	})
}

// cellOf returns the figure of the row labelled label in the table's 总计 column (the last one).
func cellOf(doc *goquery.Document, table, label string) string {
	var out string
	doc.Find(table + " tbody tr").Each(func(_ int, tr *goquery.Selection) {
		if strings.TrimSpace(tr.Find("th").Last().Text()) == label {
			out = strings.TrimSpace(tr.Find("td").Last().Text())
		}
	})
	return out
}

func TestRegionSummarySumsThePublishedReportsBesideTheLiveData(t *testing.T) {
	rg := newRegion(t)
	_, doc := rg.page(t, rg.countySup, "year="+strconv.Itoa(rg.year))
	if got := doc.Find("#summary-coverage").Text(); !strings.Contains(got, "共 5 个单位，其中 2 个已发布") {
		t.Errorf("coverage %q", got)
	}
	// The published reports hold the health bureau's two applications; the live data adds the hospital's two.
	total := rg.healthCases + rg.hospCases
	for _, tc := range []struct {
		table, label, want string
	}{
		{"#t-sum-r-s3", "一、本年新收政府信息公开申请数量", strconv.Itoa(rg.healthCases)},
		{"#t-sum-l-s3", "一、本年新收政府信息公开申请数量", strconv.Itoa(total)},
		{"#t-sum-l-s3", "（七）总计", strconv.Itoa(total)},
		{"#t-sum-r-s3", "（七）总计", strconv.Itoa(rg.healthCases)},
	} {
		if got := cellOf(doc, tc.table, tc.label); got != tc.want {
			t.Errorf("%s %s = %q, want %s", tc.table, tc.label, got, tc.want)
		}
	}
	if doc.Find("#t-sum-r-s4").Length() != 1 || doc.Find("#t-sum-l-s4").Length() != 1 || doc.Find("#t-sum-r-s2_1").Length() != 1 {
		t.Error("sections 二 and 四 are missing")
	}
	if doc.Find("#t-sum-l-s2_8").Length() != 0 || !strings.Contains(doc.Find(".sv-nolive").Text(), "系统不统计") {
		t.Error("section 二's fees are not counted by the system and should say so")
	}
	diffs := doc.Find("table#diffs tbody tr")
	found := false
	diffs.Each(func(_ int, tr *goquery.Selection) {
		if strings.Contains(tr.Find("th").Text(), "一、本年新收政府信息公开申请数量 › 自然人") {
			found = squash(tr.Find("td").Eq(0).Text()) == strconv.Itoa(rg.healthCases) && squash(tr.Find("td").Eq(1).Text()) == strconv.Itoa(total)
		}
	})
	if !found {
		t.Errorf("the difference in new applications is not listed: %q", diffs.Text())
	}
	t.Run("the trend is a chart with the same figures in a table", func(t *testing.T) {
		svgs := doc.Find("svg.chart")
		if svgs.Length() != 2 {
			t.Fatalf("%d charts", svgs.Length())
		}
		for i := range svgs.Length() {
			s := svgs.Eq(i)
			if s.AttrOr("role", "") != "img" || strings.TrimSpace(s.Find("title").First().Text()) == "" || s.Find("desc").Length() != 1 {
				t.Errorf("chart %d is not an accessible image", i)
			}
		}
		if got := doc.Find("table#trend thead th").Length(); got != 1+chartYears {
			t.Errorf("%d columns in the trend table", got)
		}
		row := doc.Find("table#trend tbody tr").First()
		if !strings.Contains(row.Find("th").Text(), "本年新收申请") {
			t.Fatalf("first series %q", row.Find("th").Text())
		}
		// The report year is the last of the five columns; its figure is the region's total.
		cells := row.Find("td")
		if got := squash(cells.Eq(chartYears - 1).Text()); got != strconv.Itoa(total) {
			t.Errorf("new applications of %d in the trend: %q, want %d", rg.year, got, total)
		}
		bar := doc.Find(fmt.Sprintf(`svg.chart rect.bar[data-series="0"][data-category="%d"]`, chartYears-1)).First()
		if bar.AttrOr("data-value", "") != strconv.Itoa(total) {
			t.Errorf("the chart's bar for %d carries %q", rg.year, bar.AttrOr("data-value", ""))
		}
	})
}

func TestSumTablesAddsCellsAndRecomputesTotals(t *testing.T) {
	f := &report.Format2021
	a := &report.Report{Era: report.Era2021, Year: 2025, Tables: map[string]report.Grid{
		report.TableRequests: {"new": {"natural_person": 3, "commercial": 1, "total": 99}, "disclosed": {"natural_person": 2}, "partial": {"commercial": 1}},
		report.TableAppeals:  {"cases": {"review.upheld": 1, "review.total": 7}},
		report.TableFees:     {"fees": {"amount": 1.25}},
	}}
	b := &report.Report{Era: report.Era2021, Year: 2025, Tables: map[string]report.Grid{
		report.TableRequests: {"new": {"natural_person": 1}, "disclosed": {"natural_person": 1}},
		report.TableAppeals:  {"cases": {"review.pending": 2}},
		report.TableFees:     {"fees": {"amount": 0.5}},
	}}
	sum := sumTables(f, []*report.Report{a, b})
	for _, tc := range []struct {
		name            string
		table, row, col string
		want            float64
		present         bool
	}{
		{"cells add up", report.TableRequests, "new", "natural_person", 4, true},
		{"a row's total is its columns' sum, not the reports' stated totals", report.TableRequests, "new", "total", 5, true},
		{"（七）总计 adds the result rows", report.TableRequests, "total", "natural_person", 3, true},
		{"（七）总计 of all applicants", report.TableRequests, "total", "total", 4, true},
		{"a cell no report states stays absent", report.TableRequests, "carry_forward", "research", 0, false},
		{"an appeal group's total adds its results", report.TableAppeals, "cases", "review.total", 3, true},
		{"amounts add up", report.TableFees, "fees", "amount", 1.75, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := sum[tc.table][tc.row][tc.col]
			if ok != tc.present || got != tc.want {
				t.Errorf("%s/%s/%s = %v (%v), want %v (%v)", tc.table, tc.row, tc.col, got, ok, tc.want, tc.present)
			}
		})
	}
}

func TestTheReportDeadlineDecidesTheState(t *testing.T) {
	due := workday.NewDate(2027, time.January, 31)
	for _, tc := range []struct {
		name      string
		status    string
		today     workday.Date
		published workday.Date
		label     string
		late, due bool
		rank      int
	}{
		{"a draft 60 days ahead", disclosure.AnnualDraft, workday.NewDate(2026, time.December, 2), workday.Date{}, "草稿", false, false, 4},
		{"not started 10 days ahead is pointed out", "none", workday.NewDate(2027, time.January, 21), workday.Date{}, "未开始", false, true, 1},
		{"in review on the last day is pointed out", disclosure.AnnualInReview, due, workday.Date{}, "审核中", false, true, 1},
		{"in review the day after is late", disclosure.AnnualInReview, due.AddDays(1), workday.Date{}, "已逾期", true, false, 0},
		{"published on the last day is in time", disclosure.AnnualPublished, due.AddDays(5), due, "已发布", false, false, 6},
		{"published the day after is late", disclosure.AnnualPublished, due.AddDays(5), due.AddDays(1), "已发布", true, false, 2},
		{"published on an unknown day is not called late", disclosure.AnnualPublished, due.AddDays(5), workday.Date{}, "已发布", false, false, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &supervisionRow{Status: tc.status, Deadline: due, DaysLeft: annual.DaysBetween(tc.today, due), PublishedOn: tc.published}
			r.describe(tc.today)
			if r.Label != tc.label || r.Late != tc.late || r.DueSoon != tc.due || r.rank != tc.rank {
				t.Errorf("got %q late %v due %v rank %d (%s), want %q %v %v %d", r.Label, r.Late, r.DueSoon, r.rank, r.Note, tc.label, tc.late, tc.due, tc.rank)
			}
		})
	}
}

func TestSupervisionOpensOnTheYearBeingReported(t *testing.T) {
	for _, tc := range []struct {
		today workday.Date
		want  int
	}{
		{workday.NewDate(2027, time.January, 15), 2026},
		{workday.NewDate(2027, time.March, 31), 2026},
		{workday.NewDate(2027, time.July, 1), 2026},
		{workday.NewDate(2026, time.December, 2), 2026},
	} {
		if got := supervisionYear(tc.today); got != tc.want {
			t.Errorf("on %s: %d, want %d", tc.today, got, tc.want)
		}
	}
}

func TestArtTwentySixCutoff(t *testing.T) {
	cal := workday.Default()
	today := workday.NewDate(2026, time.March, 16)
	cut := artTwentySixCutoff(cal, today)
	if by := catalogue.PublishBy(cal, cut); by.Before(today) {
		t.Errorf("formed on the cutoff %s is due %s, before today", cut, by)
	}
	if by := catalogue.PublishBy(cal, cut.AddDays(-1)); !by.Before(today) {
		t.Errorf("formed the day before the cutoff %s is due %s, not before today", cut, by)
	}
}

func TestSupervisionExportsTheViewsToExcel(t *testing.T) {
	rg := newRegion(t)
	_, doc := rg.page(t, rg.countySup, "year="+strconv.Itoa(rg.year))
	href := doc.Find("a#export").AttrOr("href", "")
	resp, body := fetch(t, rg.countySup, rg.srv.URL+href)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment; filename*=UTF-8''") {
		t.Fatalf("export %s: %d %s", href, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got, want := strings.Join(x.GetSheetList(), ","), "各单位情况,已发布报告合计,系统实时统计,对照,近五年"; got != want {
		t.Errorf("sheets %s, want %s", got, want)
	}
	// find returns the row (1-based) whose cells include label, and the row's cells.
	find := func(sheet, label string) (int, []string) {
		rows, _ := x.GetRows(sheet)
		for i, r := range rows {
			for _, c := range r {
				if c == label {
					return i + 1, r
				}
			}
		}
		t.Fatalf("%s: no row %q", sheet, label)
		return 0, nil
	}
	number := func(sheet, ref string, want float64) {
		t.Helper()
		v, err := x.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		typ, _ := x.GetCellType(sheet, ref)
		got, perr := strconv.ParseFloat(v, 64)
		if err != nil || perr != nil || got != want || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s!%s = %q (type %v), want the number %v", sheet, ref, v, typ, want)
		}
	}
	t.Run("the agencies' sheet has a frozen header, numbers and dates", func(t *testing.T) {
		head, _ := x.GetRows(sheetAgencies)
		if strings.Join(head[0][:3], ",") != "单位,上级单位,报告状态" {
			t.Errorf("header %v", head[0])
		}
		n, cells := find(sheetAgencies, "平阴县民政局")
		if cells[2] != "已发布" || !strings.Contains(cells[3], "逾期 16 天") || cells[5] != fmt.Sprintf("%d-02-16", rg.year+1) {
			t.Errorf("civil row %v", cells)
		}
		if v, _ := x.GetCellValue(sheetAgencies, "F"+strconv.Itoa(n), excelize.Options{RawCellValue: true}); strings.Contains(v, "-") {
			t.Errorf("the publication date is text %q, not a date", v)
		}
		n, _ = find(sheetAgencies, "平阴县教育和体育局")
		number(sheetAgencies, "J"+strconv.Itoa(n), 1)
		panes, _ := x.GetPanes(sheetAgencies)
		if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 1 {
			t.Errorf("panes %+v", panes)
		}
	})
	t.Run("the sums are in the official layout with numbers", func(t *testing.T) {
		for sheet, want := range map[string]float64{sheetReports: float64(rg.healthCases), sheetLive: float64(rg.healthCases + rg.hospCases)} {
			n, cells := find(sheet, "一、本年新收政府信息公开申请数量")
			ref, _ := excelize.CoordinatesToCellName(len(cells), n)
			number(sheet, ref, want)
			if _, head := find(sheet, "申请人情况"); len(head) == 0 {
				t.Errorf("%s: no header", sheet)
			}
			find(sheet, "第二十条第（一）项")
			find(sheet, "行政复议")
			if panes, _ := x.GetPanes(sheet); !panes.Freeze || panes.YSplit != 2 {
				t.Errorf("%s panes %+v", sheet, panes)
			}
		}
		if a1, _ := x.GetCellValue(sheetReports, "A2"); !strings.Contains(a1, "2 个已发布") {
			t.Errorf("coverage note %q", a1)
		}
	})
	t.Run("the comparison lists both figures and the difference", func(t *testing.T) {
		rows, _ := x.GetRows(sheetCompare)
		if strings.Join(rows[0], ",") != "部分,表格,行,列,已发布报告合计,系统实时统计,差额（报告−实时）" {
			t.Errorf("header %v", rows[0])
		}
		for i, r := range rows {
			if len(r) > 3 && r[2] == "一、本年新收政府信息公开申请数量" && r[3] == "总计" {
				number(sheetCompare, fmt.Sprintf("G%d", i+1), float64(-rg.hospCases))
			}
		}
		if panes, _ := x.GetPanes(sheetCompare); !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 4 {
			t.Errorf("panes %+v", panes)
		}
	})
	t.Run("the trend sheet has the chart's figures", func(t *testing.T) {
		n, cells := find(sheetTrend, "本年新收申请")
		if len(cells) != 2+chartYears {
			t.Fatalf("trend row %v", cells)
		}
		ref, _ := excelize.CoordinatesToCellName(2+chartYears, n)
		number(sheetTrend, ref, float64(rg.healthCases+rg.hospCases))
	})
}

// An imported report is summed like any other but not compared with the live figures: they come from its text,
// often of years before the system was used. Without a stated date it is not called late.
func TestImportedReportsAreNotComparedWithTheLiveData(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	year := time.Now().Year() - 3
	data := fmt.Appendf(nil, `{"era":"2021","year":%d,"agency":"平阴县卫生健康局","tables":{"s3":{"new":{"natural_person":5,"total":5},"carry_forward":{"natural_person":5,"total":5}}}}`, year)
	if err := f.db.SaveAnnualReport(ctx, disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: f.health.ID, Year: year, Era: "2021", Source: "report.txt", Data: data}); err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	f.signIn(t, c, "supervisor", password)
	_, doc := get(t, c, f.srv.URL+"/console/supervision?year="+strconv.Itoa(year))
	r := row(doc, f.health)
	if got := r.Find(".sv-note").Text(); got != "发布日期不详" || r.HasClass("sv-late") {
		t.Errorf("note %q, class %q", got, r.AttrOr("class", ""))
	}
	// The report engine's own checks still run (this bare report misses most of its cells); the comparison does not.
	if got := squash(r.Find(".sv-findings a").Contents().First().Text()); !strings.HasSuffix(got, "警告0处") {
		t.Errorf("findings %q", got)
	}
	if got := cellOf(doc, "#t-sum-r-s3", "一、本年新收政府信息公开申请数量"); got != "5" {
		t.Errorf("the imported report's figure is not summed: %q", got)
	}
}
