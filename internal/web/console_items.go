package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/search"
	"github.com/gongkai/gongkai/internal/workday"
)

// itemViews are the ready-made lists of the catalogue's console.
var itemViews = []struct{ Key, Name string }{
	{"all", "全部"}, {"draft", "草稿"}, {"review", "待保密审查"}, {"approval", "待审批"}, {"ready", "待发布"}, {"published", "已发布"},
	{"late", "逾期和即将逾期"}, {"review_due", "待定期评估"}, {"withdrawn", "已撤回"},
}

// itemViewStates are the states each workflow list shows; corrections in those states are listed with them.
var itemViewStates = map[string][]disclosure.ItemState{
	"draft": {disclosure.ItemDraft}, "review": {disclosure.ItemInReview}, "approval": {disclosure.ItemApproval},
	"ready": {disclosure.ItemReady, disclosure.ItemScheduled}, "published": {disclosure.ItemPublished}, "withdrawn": {disclosure.ItemWithdrawn},
}

// itemRow is one line of an item list.
type itemRow struct {
	disclosure.Item
	Agency string
	// Late says where an unpublished item stands against Art 26; LateNow that its last day has passed.
	Late    string
	LateNow bool
	// Correction is the state of a correction being prepared, if any.
	Correction disclosure.ItemState
}

// itemsPage is the data of the list.
type itemsPage struct {
	Rows       []itemRow
	Total      int
	View       string
	Views      []struct{ Key, Name string }
	Q          url.Values
	Agencies   []*disclosure.Agency
	States     []disclosure.ItemState
	Genres     []disclosure.GenreSpec
	Categories []disclosure.CategoryOption
	CanEdit    bool
	Next       string
	Back       string
	Results    []string
	Today      workday.Date
	Cutoff     workday.Date
	cats       map[string]string
}

// CategoryName names a 主题分类 code.
func (p itemsPage) CategoryName(code string) string { return itemPage{cats: p.cats}.CategoryName(code) }

// StateName names an item state.
func (p itemsPage) StateName(s disclosure.ItemState) string { return disclosure.ItemStateNames[s] }

// ValidityName names a validity.
func (p itemsPage) ValidityName(v disclosure.Validity) string { return disclosure.ValidityNames[v] }

// TotalText is the count, which the store caps.
func (p itemsPage) TotalText() string {
	if p.Total > 10000 {
		return "10000 余"
	}
	return strconv.Itoa(p.Total)
}

// itemStateOrder is the order of states in the filter.
var itemStateOrder = []disclosure.ItemState{disclosure.ItemDraft, disclosure.ItemInReview, disclosure.ItemApproval, disclosure.ItemReady,
	disclosure.ItemScheduled, disclosure.ItemPublished, disclosure.ItemWithdrawn}

// itemFilterOf reads the list's filters from the query, limited to the agencies the account may read.
func (s *Server) itemFilterOf(ctx context.Context, q url.Values, visible []int64, view string) (disclosure.ItemFilter, error) {
	f := disclosure.ItemFilter{AgencyIDs: visible, Query: q.Get("q"), Limit: 50, Offset: max(0, atoiOr(q.Get("offset"), 0))}
	if id, ok := parseID(q.Get("agency")); ok {
		if !slices.Contains(visible, id) {
			return f, disclosure.Errorf(disclosure.EForbidden, "您无权查看该单位的信息")
		}
		f.AgencyIDs = []int64{id}
	}
	if st := disclosure.ItemState(q.Get("state")); st != "" {
		if _, ok := disclosure.ItemStateNames[st]; !ok {
			return f, disclosure.Errorf(disclosure.EInvalid, "状态“%s”不正确", itemClip(string(st), 20))
		}
		f.States = []disclosure.ItemState{st}
	}
	if g := disclosure.Genre(q.Get("genre")); g != "" {
		if _, ok := g.Spec(); !ok {
			return f, disclosure.Errorf(disclosure.EInvalid, "体裁“%s”不正确", itemClip(string(g), 20))
		}
		f.Genre = g
	}
	f.Category = q.Get("category")
	if y := q.Get("year"); y != "" {
		year, err := strconv.Atoi(y)
		if err != nil || year < 2000 || year > 2100 {
			return f, disclosure.Errorf(disclosure.EInvalid, "年度“%s”不正确", itemClip(y, 10))
		}
		f.Year = year
	}
	if states, ok := itemViewStates[view]; ok && len(f.States) == 0 {
		f.States = states
	}
	today := s.today()
	switch view {
	case "late":
		f.FormedBefore = catalogue.LateCutoff(s.calendar(ctx), today)
	case "review_due":
		f.ReviewBy = today
	}
	return f, nil
}

// defaultItemView is the list an account sees first: its own queue.
func defaultItemView(u *disclosure.User) string {
	switch {
	case hasRole(u, disclosure.Officer) || hasRole(u, disclosure.Supervisor):
		return "all"
	case hasRole(u, disclosure.Reviewer):
		return "review"
	case hasRole(u, disclosure.Approver):
		return "approval"
	}
	return "all"
}

// itemList is an item list as the console shows it: the view (the account's own queue by default), the filter read
// from the query, the rows — corrections in the view's states first, on the first page — with where each unpublished
// one stands against Art 26, the total, and the agencies and 主题分类 the account may filter by.
type itemList struct {
	View     string
	Filter   disclosure.ItemFilter
	Rows     []itemRow
	Total    int
	Agencies []*disclosure.Agency
	Cats     []disclosure.Category
	Today    workday.Date
}

// listItems reads the list of the query q for the account: the console's list and the API's.
func (s *Server) listItems(r *http.Request, u *disclosure.User, q url.Values) (*itemList, error) {
	ctx := r.Context()
	visible, err := s.roleAgencies(r, u, itemReaders...)
	if err != nil {
		return nil, err
	}
	view := q.Get("view")
	if !slices.ContainsFunc(itemViews, func(v struct{ Key, Name string }) bool { return v.Key == view }) {
		view = defaultItemView(u)
	}
	f, err := s.itemFilterOf(ctx, q, visible, view)
	if err != nil {
		return nil, err
	}
	list, total, err := s.db.FindItems(ctx, f)
	if err != nil {
		return nil, err
	}
	// Corrections in the view's states are in their items' JSON: they come first, on the first page.
	if states, ok := itemViewStates[view]; ok && f.Offset == 0 && view != "published" && view != "withdrawn" {
		open, err := s.db.OpenRevisions(ctx, f.AgencyIDs)
		if err != nil {
			return nil, err
		}
		var corrections []disclosure.Item
		for _, it := range open {
			if slices.Contains(states, it.Revision.State) {
				corrections = append(corrections, it)
			}
		}
		list = append(corrections, list...)
		total += len(corrections)
	}
	cats, err := s.db.Categories(ctx)
	if err != nil {
		return nil, err
	}
	agencies, err := s.agenciesByID(ctx, visible)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, a := range agencies {
		names[a.ID] = a.Name
	}
	cal := s.calendar(ctx)
	today := s.today()
	rows := make([]itemRow, 0, len(list))
	for _, it := range list {
		row := itemRow{Item: it, Agency: names[it.AgencyID]}
		if it.Revision != nil {
			row.Correction = it.Revision.State
		}
		if !it.Public() {
			if l, ok := catalogue.LatenessOf(cal, it.FormedOn, today); ok && (l.Late || l.Left <= catalogue.SoonDays) {
				row.Late, row.LateNow = l.String(), l.Late
			}
		}
		rows = append(rows, row)
	}
	return &itemList{View: view, Filter: f, Rows: rows, Total: total, Agencies: agencies, Cats: cats, Today: today}, nil
}

// consoleItems lists the items of the account's agencies: the workflow's queues, the items late or soon late under
// Art 26, those due for periodic review, with filters by state, 体裁, 主题分类, year and a text; officers select
// several for one bulk step (失效, 废止, periodic review done).
func (s *Server) consoleItems(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	ctx := r.Context()
	q := r.URL.Query()
	l, err := s.listItems(r, u, q)
	if err != nil {
		s.userError(w, r, err)
		return
	}
	f := l.Filter
	p := itemsPage{Rows: l.Rows, Total: l.Total, View: l.View, Views: itemViews, Q: q, Agencies: l.Agencies, States: itemStateOrder, Genres: disclosure.Genres,
		Categories: disclosure.CategoryOptions(l.Cats), CanEdit: hasRole(u, disclosure.Officer), Back: r.URL.RequestURI(), Today: l.Today, cats: itemCategoryNames(l.Cats)}
	if l.View == "late" {
		p.Cutoff = f.FormedBefore
	}
	if msg := s.sessions.PopString(ctx, "items_bulk"); msg != "" {
		p.Results = strings.Split(msg, "\n")
	}
	if f.Offset+len(l.Rows) < l.Total && len(l.Rows) > 0 {
		nq := r.URL.Query()
		nq.Set("offset", strconv.Itoa(f.Offset+f.Limit))
		nq.Set("view", l.View)
		p.Next = "/console/items?" + nq.Encode()
	}
	s.render(w, r, http.StatusOK, "items", "主动公开", p)
}

// itemHit is one result of the staff search.
type itemHit struct {
	disclosure.SearchHit
	Title, Snippet template.HTML
}

// itemSearchPage is the data of the staff search.
type itemSearchPage struct {
	Q      string
	Hits   []itemHit
	Total  int
	Next   string
	Offset int
}

// StateName names an item state.
func (p itemSearchPage) StateName(s disclosure.ItemState) string { return disclosure.ItemStateNames[s] }

// consoleItemSearch searches the account's agencies' items, unpublished ones included, in titles, bodies, 文号 and
// attachments' text, with the matches highlighted.
func (s *Server) consoleItemSearch(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	ctx := r.Context()
	visible, err := s.roleAgencies(r, u, itemReaders...)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := itemSearchPage{Q: q, Offset: max(0, atoiOr(r.URL.Query().Get("offset"), 0))}
	if q != "" {
		hits, total, err := s.db.SearchItems(ctx, disclosure.SearchQuery{Q: q, AgencyIDs: visible, Staff: true, Limit: 20, Offset: p.Offset})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		pq := search.ParseQuery(q)
		for _, h := range hits {
			// The exact 文号 match is looked up across agencies: keep only the account's.
			if !slices.Contains(visible, h.Item.AgencyID) {
				total--
				continue
			}
			p.Hits = append(p.Hits, itemHit{SearchHit: h, Title: search.Highlight(h.Item.Title, pq), Snippet: search.Snippet(h.Text, pq, 120)})
		}
		p.Total = total
		if p.Offset+len(hits) < total && len(hits) > 0 {
			p.Next = "/console/items/search?" + url.Values{"q": {q}, "offset": {strconv.Itoa(p.Offset + 20)}}.Encode()
		}
	}
	s.render(w, r, http.StatusOK, "items_search", "检索主动公开信息", p)
}
