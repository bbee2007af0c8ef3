package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/internal/annual"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// The console's home (工作台) shows each account the work waiting for it, one group per role it holds: every list
// with its count, the oldest (or most urgent) first, each line linking to the page where the work is done.

// dashLimit is how many lines a dashboard list shows; its count and its "查看全部" link give the rest.
const dashLimit = 10

// dashSoonDays is how many working days ahead an application's reply deadline puts it on the "due soon" list
// (the dashboard's and the case list's view=due).
const dashSoonDays = 5

// dashEntry is one line of a dashboard list.
type dashEntry struct {
	Href, Label string
	// Text says what it is; When the date that matters and where it stands; Late marks a date already passed.
	Text, When string
	Late       bool
}

// dashList is one list of work.
type dashList struct {
	Key, Name string
	Total     int
	Entries   []dashEntry
	// More links to the whole list when it is longer than the lines shown; Note explains the list.
	More, Note string
}

// dashGroup is the lists of one role.
type dashGroup struct {
	Key, Name string
	Lists     []dashList
}

// dashEnv is what every list of one request needs.
type dashEnv struct {
	ctx   context.Context
	cal   *workday.Calendar
	today workday.Date
	names map[int64]*disclosure.Agency
	loc   *time.Location
}

func (e *dashEnv) agencyName(id int64) string {
	if a := e.names[id]; a != nil {
		return a.Name
	}
	return ""
}

// dashboard gathers the groups of the account's roles. agencies is every agency (for names and kinds).
func (s *Server) dashboard(r *http.Request, u *disclosure.User, agencies []*disclosure.Agency) ([]dashGroup, error) {
	env := &dashEnv{ctx: r.Context(), cal: s.calendar(r.Context()), today: s.today(), loc: s.cfg.Location, names: map[int64]*disclosure.Agency{}}
	for _, a := range agencies {
		env.names[a.ID] = a
	}
	var out []dashGroup
	type part struct {
		role disclosure.Role
		name string
		make func(*dashEnv, []int64) ([]dashList, error)
	}
	for _, p := range []part{
		{disclosure.Officer, "公开专员的待办", s.officerLists},
		{disclosure.Reviewer, "保密审查", s.reviewerLists},
		{disclosure.Approver, "待我审批", s.approverLists},
		{disclosure.Supervisor, "监督的单位", s.supervisorLists},
	} {
		if !hasRole(u, p.role) {
			continue
		}
		ids, err := s.roleAgencies(r, u, p.role)
		if err != nil {
			return nil, err
		}
		lists, err := p.make(env, ids)
		if err != nil {
			return nil, err
		}
		out = append(out, dashGroup{Key: string(p.role), Name: p.name, Lists: lists})
	}
	switch {
	case hasRole(u, disclosure.SysAdmin) || hasRole(u, disclosure.SecAdmin):
		lists, err := s.adminLists(env, u, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, dashGroup{Key: "admin", Name: "系统管理", Lists: lists})
	case hasRole(u, disclosure.AgencyAdmin):
		ids, err := s.roleAgencies(r, u, disclosure.AgencyAdmin)
		if err != nil {
			return nil, err
		}
		lists, err := s.adminLists(env, u, ids)
		if err != nil {
			return nil, err
		}
		out = append(out, dashGroup{Key: "admin", Name: "本单位账号", Lists: lists})
	}
	return out, nil
}

// caseList reads one list of applications and writes its lines.
func (s *Server) caseList(e *dashEnv, key, name string, q store.CaseQueueQuery, more string, line func(c *disclosure.Case) (text, when string, late bool)) (dashList, error) {
	q.Limit = dashLimit
	cases, total, err := s.db.CaseQueue(e.ctx, q)
	if err != nil {
		return dashList{}, err
	}
	l := dashList{Key: key, Name: name, Total: total}
	for i := range cases {
		c := &cases[i]
		text, when, late := line(c)
		l.Entries = append(l.Entries, dashEntry{Href: fmt.Sprintf("/console/cases/%d", c.ID), Label: c.Number,
			Text: fmt.Sprintf("%s %s：%s", e.agencyName(c.AgencyID), c.Applicant.Name, summary(c.Request)) + text, When: when, Late: late})
	}
	if total > len(l.Entries) {
		l.More = more
	}
	return l, nil
}

// replyWhen says where a case's reply deadline (as casework computed it, the one its page shows) stands.
func (e *dashEnv) replyWhen(c *disclosure.Case) (string, bool) {
	if c.Due.IsZero() {
		return "", false
	}
	left := e.cal.WorkdaysBetween(e.today, c.Due)
	switch {
	case left < 0:
		return fmt.Sprintf("答复期限 %s，已超期 %d 个工作日", c.Due.Chinese(), -left), true
	case left == 0:
		return fmt.Sprintf("答复期限 %s，今天到期", c.Due.Chinese()), false
	}
	return fmt.Sprintf("答复期限 %s，还剩 %d 个工作日", c.Due.Chinese(), left), false
}

// officerLists are the 公开专员's lists: new applications, those overdue and due soon, those waiting on the
// applicant, items late or soon late under Art 26, items due for periodic review, and the annual report.
func (s *Server) officerLists(e *dashEnv, ids []int64) ([]dashList, error) {
	var out []dashList
	reply := func(c *disclosure.Case) (string, string, bool) {
		when, late := e.replyWhen(c)
		return "", when, late
	}
	soon := e.cal.Due(e.today, dashSoonDays, nil).Due
	for _, x := range []struct {
		key, name string
		q         store.CaseQueueQuery
		more      string
		line      func(c *disclosure.Case) (string, string, bool)
	}{
		{"new", "新登记待受理的申请", store.CaseQueueQuery{Queue: store.QueueNew}, "/console/cases?state=registered", func(c *disclosure.Case) (string, string, bool) {
			when, late := e.replyWhen(c)
			return "", c.ReceivedOn.Chinese() + "收到" + prefixComma(when), late
		}},
		{"overdue", "已超过答复期限的申请", store.CaseQueueQuery{Queue: store.QueueOverdue, On: e.today}, "/console/cases?view=overdue", reply},
		{"due", fmt.Sprintf("%d个工作日内到期的申请", dashSoonDays), store.CaseQueueQuery{Queue: store.QueueDueSoon, On: e.today, By: soon}, "/console/cases?view=due", reply},
		{"applicant", "等待申请人补正或缴费", store.CaseQueueQuery{Queue: store.QueueApplicant}, "/console/cases?view=open", func(c *disclosure.Case) (string, string, bool) {
			what := "补正"
			if c.State == disclosure.AwaitingPayment {
				what = "缴费"
			}
			if c.StepDue.IsZero() {
				return "（待" + what + "）", "尚未登记送达日期：" + what + "期限自申请人收到告知书之日起计算", false
			}
			left := e.cal.WorkdaysBetween(e.today, c.StepDue)
			if left < 0 {
				return "（待" + what + "）", fmt.Sprintf("%s期限 %s 已届满", what, c.StepDue.Chinese()), true
			}
			return "（待" + what + "）", fmt.Sprintf("%s期限至 %s，还剩 %d 个工作日", what, c.StepDue.Chinese(), left), false
		}},
	} {
		x.q.AgencyIDs = ids
		l, err := s.caseList(e, x.key, x.name, x.q, x.more, x.line)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	// Art 26: 属于主动公开范围的政府信息，应当自该政府信息形成或者变更之日起20个工作日内及时公开.
	late, err := s.itemList(e, "art26", "超过或即将超过20个工作日未公开的信息（条例第二十六条）",
		store.ItemQueueQuery{Queue: store.QueueUnpublished, AgencyIDs: ids, Before: catalogue.LateCutoff(e.cal, e.today)}, "/console/items?view=late",
		func(it *disclosure.Item) (string, bool) {
			l, _ := catalogue.LatenessOf(e.cal, it.FormedOn, e.today)
			return l.String(), l.Late
		})
	if err != nil {
		return nil, err
	}
	review, err := s.itemList(e, "review_due", "到期待定期评估的信息", store.ItemQueueQuery{Queue: store.QueueReviewDue, AgencyIDs: ids, On: e.today}, "/console/items?view=review_due",
		func(it *disclosure.Item) (string, bool) {
			return "评估日期 " + it.ReviewOn.Chinese(), it.ReviewOn.Before(e.today)
		})
	if err != nil {
		return nil, err
	}
	rep, err := s.annualList(e, ids)
	if err != nil {
		return nil, err
	}
	return append(out, late, review, rep), nil
}

func prefixComma(s string) string {
	if s == "" {
		return ""
	}
	return "，" + s
}

// itemList reads one list of items and writes its lines.
func (s *Server) itemList(e *dashEnv, key, name string, q store.ItemQueueQuery, more string, when func(it *disclosure.Item) (string, bool)) (dashList, error) {
	q.Limit = dashLimit
	items, total, err := s.db.ItemQueue(e.ctx, q)
	if err != nil {
		return dashList{}, err
	}
	l := dashList{Key: key, Name: name, Total: total}
	for i := range items {
		it := &items[i]
		text := e.agencyName(it.AgencyID) + " · " + it.GenreName()
		if it.Revision != nil && it.State == disclosure.ItemPublished && q.Queue != store.QueueReviewDue {
			text += " · 更正"
		}
		w, late := when(it)
		l.Entries = append(l.Entries, dashEntry{Href: fmt.Sprintf("/console/items/%d", it.ID), Label: it.Title, Text: text, When: w, Late: late})
	}
	if total > len(l.Entries) {
		l.More = more
	}
	return l, nil
}

// waitedSince says since when an item has waited on a workflow list.
func waitedSince(e *dashEnv, it *disclosure.Item) string {
	return workday.DateOf(it.UpdatedAt.In(e.loc)).Chinese() + "提交"
}

// lateness adds where an unpublished item stands against Art 26 when it is late or soon late, for the lists of
// the workflow's queues.
func (e *dashEnv) lateness(it *disclosure.Item) (string, bool) {
	if it.Public() {
		return "", false
	}
	if l, ok := catalogue.LatenessOf(e.cal, it.FormedOn, e.today); ok && (l.Late || l.Left <= catalogue.SoonDays) {
		return "；" + l.String(), l.Late
	}
	return "", false
}

// reportYear is the year whose annual report is being written: last year's until the end of November, this year's
// from December (the supervision page's year).
func reportYear(today workday.Date) int { return supervisionYear(today) }

// annualList is the annual report of each of the officer's agencies for the year being reported (Art 49, 50: by
// 31 January, a region government's own by 31 March): its state, its deadline and the days left; those not yet
// published are counted, the nearest deadline first.
func (s *Server) annualList(e *dashEnv, ids []int64) (dashList, error) {
	year := reportYear(e.today)
	standings, err := s.db.AnnualStandings(e.ctx, ids, year, "")
	if err != nil {
		return dashList{}, err
	}
	status := map[int64]string{}
	for _, st := range standings {
		status[st.AgencyID] = st.Status
	}
	type row struct {
		a      *disclosure.Agency
		status string
		due    workday.Date
	}
	var rows []row
	for _, id := range ids {
		if a := e.names[id]; a != nil {
			rows = append(rows, row{a, status[id], annual.Deadline(a.Kind, year)})
		}
	}
	published := func(r row) bool { return r.status == disclosure.AnnualPublished }
	slices.SortStableFunc(rows, func(a, b row) int {
		if published(a) != published(b) {
			if published(a) {
				return 1
			}
			return -1
		}
		return a.due.Compare(b.due)
	})
	l := dashList{Key: "annual", Name: fmt.Sprintf("%d年度政府信息公开工作年度报告", year),
		Note: "条例第四十九条、第五十条：每年1月31日前公布上一年度的年度报告（县级以上人民政府的年度报告于3月31日前）。"}
	for _, r := range rows {
		if !published(r) {
			l.Total++
		}
		if len(l.Entries) == dashLimit {
			continue
		}
		name := disclosure.AnnualStatusNames[r.status]
		if r.status == "" {
			name = "未开始"
		}
		left := annual.DaysBetween(e.today, r.due)
		when := fmt.Sprintf("%s前发布，还剩 %d 天", r.due.Chinese(), left)
		late := false
		switch {
		case published(r):
			when = "已发布"
		case left < 0:
			when, late = fmt.Sprintf("%s前应发布，已逾期 %d 天", r.due.Chinese(), -left), true
		case left == 0:
			when = r.due.Chinese() + "前发布，今天是最后一天"
		}
		l.Entries = append(l.Entries, dashEntry{Href: fmt.Sprintf("/console/annual/%d/%d", r.a.ID, year), Label: r.a.Name, Text: name, When: when, Late: late})
	}
	if len(rows) > len(l.Entries) {
		l.More = "/console/annual"
	}
	return l, nil
}

// reviewerLists are the 保密审查员's: the items waiting for the secrecy review, the longest waiting first.
func (s *Server) reviewerLists(e *dashEnv, ids []int64) ([]dashList, error) {
	l, err := s.itemList(e, "secrecy", "待保密审查的信息", store.ItemQueueQuery{Queue: store.QueueSecrecy, AgencyIDs: ids}, "/console/items?view=review",
		func(it *disclosure.Item) (string, bool) {
			l, late := e.lateness(it)
			return waitedSince(e, it) + l, late
		})
	return []dashList{l}, err
}

// approverLists are the 审批领导's: items to approve, applications whose reply or extension waits for approval,
// and annual reports submitted for approval.
func (s *Server) approverLists(e *dashEnv, ids []int64) ([]dashList, error) {
	items, err := s.itemList(e, "item_approval", "待审批的主动公开信息", store.ItemQueueQuery{Queue: store.QueueItemApproval, AgencyIDs: ids}, "/console/items?view=approval",
		func(it *disclosure.Item) (string, bool) {
			l, late := e.lateness(it)
			return waitedSince(e, it) + l, late
		})
	if err != nil {
		return nil, err
	}
	cases, err := s.caseList(e, "case_approval", "待审批的申请答复和延期", store.CaseQueueQuery{Queue: store.QueueApproval, AgencyIDs: ids}, "/console/cases?view=approval",
		func(c *disclosure.Case) (string, string, bool) {
			what := "（答复待审批）"
			if c.Extension != nil {
				what = "（延期申请待审批）"
			}
			when, late := e.replyWhen(c)
			return what, when, late
		})
	if err != nil {
		return nil, err
	}
	year := reportYear(e.today)
	var reports dashList
	reports.Key, reports.Name = "annual_approval", "待审批的年度报告"
	for _, y := range []int{year, year - 1} {
		standings, err := s.db.AnnualStandings(e.ctx, ids, y, disclosure.AnnualInReview)
		if err != nil {
			return nil, err
		}
		for _, st := range standings {
			reports.Total++
			if len(reports.Entries) < dashLimit {
				reports.Entries = append(reports.Entries, dashEntry{Href: fmt.Sprintf("/console/annual/%d/%d", st.AgencyID, y), Label: fmt.Sprintf("%s %d年度报告", e.agencyName(st.AgencyID), y),
					Text: "审核中", When: workday.DateOf(st.UpdatedAt.In(e.loc)).Chinese() + "提交"})
			}
		}
	}
	if reports.Total > len(reports.Entries) {
		reports.More = "/console/annual"
	}
	return []dashList{items, cases, reports}, nil
}

// supervisorLists are the supervising office's, across its region: applications past their reply deadline, items
// past Art 26's 20 working days, and annual reports not published by their deadline. The supervision page has the
// whole picture.
func (s *Server) supervisorLists(e *dashEnv, ids []int64) ([]dashList, error) {
	overdue, err := s.caseList(e, "sup_overdue", "超过答复期限的申请", store.CaseQueueQuery{Queue: store.QueueOverdue, AgencyIDs: ids, On: e.today}, "/console/cases?view=overdue",
		func(c *disclosure.Case) (string, string, bool) { w, l := e.replyWhen(c); return "", w, l })
	if err != nil {
		return nil, err
	}
	late, err := s.itemList(e, "sup_art26", "超过20个工作日仍未公开的信息", store.ItemQueueQuery{Queue: store.QueueUnpublished, AgencyIDs: ids, Before: artTwentySixCutoff(e.cal, e.today)}, "/console/supervision",
		func(it *disclosure.Item) (string, bool) {
			l, _ := catalogue.LatenessOf(e.cal, it.FormedOn, e.today)
			return l.String(), true
		})
	if err != nil {
		return nil, err
	}
	// The reports of the year being reported (the supervision page's year) are listed from 10 days before their
	// deadline, as the supervision page reminds; a report of the year before still unpublished is late.
	reports := dashList{Key: "sup_reports", Name: "逾期或即将到期未发布的年度报告"}
	year := reportYear(e.today)
	for _, y := range []int{year - 1, year} {
		standings, err := s.db.AnnualStandings(e.ctx, ids, y, "")
		if err != nil {
			return nil, err
		}
		status := map[int64]string{}
		for _, st := range standings {
			status[st.AgencyID] = st.Status
		}
		for _, id := range ids {
			a := e.names[id]
			// The year before's report counts only when it was begun here: before the system was used, reports
			// were published elsewhere.
			if a == nil || status[id] == disclosure.AnnualPublished || (y < year && status[id] == "") {
				continue
			}
			due := annual.Deadline(a.Kind, y)
			left := annual.DaysBetween(e.today, due)
			if left > 10 {
				continue
			}
			reports.Total++
			if len(reports.Entries) == dashLimit {
				continue
			}
			name := disclosure.AnnualStatusNames[status[id]]
			if name == "" {
				name = "未开始"
			}
			when := fmt.Sprintf("%s前发布，还剩 %d 天", due.Chinese(), left)
			if left < 0 {
				when = fmt.Sprintf("%s前应发布，已逾期 %d 天", due.Chinese(), -left)
			}
			reports.Entries = append(reports.Entries, dashEntry{Href: fmt.Sprintf("/console/annual/%d/%d", id, y), Label: fmt.Sprintf("%s %d年度报告", a.Name, y),
				Text: name, When: when, Late: left < 0})
		}
	}
	if reports.Total > len(reports.Entries) {
		reports.More = "/console/supervision"
	}
	return []dashList{overdue, late, reports}, nil
}

// adminLists are the administrators': accounts locked after failed sign-ins (for an agency administrator, those of
// its agencies, agencyIDs), and for the system administrators next year's holiday arrangement when it is missing
// (deadlines into that year then assume only 1 January a holiday).
func (s *Server) adminLists(e *dashEnv, u *disclosure.User, agencyIDs []int64) ([]dashList, error) {
	users, total, err := s.db.LockedUsers(e.ctx, s.now(), agencyIDs, dashLimit)
	if err != nil {
		return nil, err
	}
	locked := dashList{Key: "locked", Name: "已锁定的账号", Total: total, Note: "解除锁定：安全管理员运行 gongkai user passwd --username 用户名（重置密码同时解除锁定），或等待锁定期满。"}
	for _, x := range users {
		locked.Entries = append(locked.Entries, dashEntry{Href: "/console/users", Label: x.Username, Text: x.DisplayName,
			When: "锁定至 " + beijingTime(*x.LockedUntil, s.now()) + "（北京时间）"})
	}
	if agencyIDs != nil {
		return []dashList{locked}, nil
	}
	cal := dashList{Key: "calendar", Name: "节假日安排"}
	next := e.today.Year + 1
	for _, y := range []int{e.today.Year, next} {
		if e.cal.Has(y) {
			continue
		}
		cal.Total++
		cal.Entries = append(cal.Entries, dashEntry{Href: "/console/calendar", Label: "录入" + strconv.Itoa(y) + "年节假日安排",
			Text: fmt.Sprintf("尚未录入%d年的节假日安排：涉及%d年的期限暂只按1月1日元旦放假、周一至周五为工作日计算", y, y), Late: y == e.today.Year})
	}
	if !allowed(u, EditCalendar) && cal.Total > 0 {
		cal.Note = "国务院办公厅发布通知后，请系统管理员录入。"
	}
	return []dashList{locked, cal}, nil
}
