package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/annual"
	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/chart"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/render"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// Supervision (监督) by the 政务公开办: every agency under the supervising office with its annual report's state,
// findings and deadline, its overdue applications and its late publications; the region's sections 二, 三 and 四
// summed from the published reports beside the same tables from the live data; and the last five years in a chart.
// Everything here is read-only: the links lead to the pages a supervisor already reads (the annual report, the
// cases), or to the item lists of this file.

// remindDays is how long before the deadline an unpublished report is pointed out, as the officers' reminders do.
const remindDays = 10

// chartYears is how many years the trend chart shows.
const chartYears = 5

// supervisionYear is the report year the page opens on: last year, whose reports are due (or were due) by 31
// January or 31 March of this year — except in December, when the year about to end is the one being written, as
// the annual report list shows it too.
func supervisionYear(today workday.Date) int {
	if today.Month == time.December {
		return today.Year
	}
	return today.Year - 1
}

// supervisionRegion is the part of the agency tree one supervisor grant covers.
type supervisionRegion struct {
	Root     *disclosure.Agency
	Agencies []*disclosure.Agency // the root and every agency below it, parents before their children
	IDs      []int64
}

// supervisorRoots returns the agencies the account holds the supervisor role for, in the order of its grants.
func supervisorRoots(u *disclosure.User) []int64 {
	var out []int64
	for _, g := range u.Grants {
		if g.Role == disclosure.Supervisor && g.AgencyID != nil && !slices.Contains(out, *g.AgencyID) {
			out = append(out, *g.AgencyID)
		}
	}
	return out
}

// loadRegion returns the region the request asks for (?region=, by default the first the account supervises) with
// its whole subtree, and the other regions it may choose; a region it does not supervise is refused.
func (s *Server) loadRegion(w http.ResponseWriter, r *http.Request) (*supervisionRegion, []*disclosure.Agency, bool) {
	reg, choices, err := s.regionOf(r.Context(), s.currentUser(r), r.URL.Query().Get("region"))
	switch disclosure.ErrorCode(err) {
	case "":
		return reg, choices, true
	case disclosure.EForbidden:
		s.errorPage(w, r, http.StatusForbidden)
	case disclosure.ENotFound:
		s.errorPage(w, r, http.StatusNotFound)
	default:
		s.serverError(w, r, err)
	}
	return nil, nil, false
}

// regionOf returns the region the account u supervises that want names (its root's ID; empty: the first), with
// its whole subtree, and every region it may choose. Errors: EForbidden (not a region of the account), ENotFound.
func (s *Server) regionOf(ctx context.Context, u *disclosure.User, want string) (*supervisionRegion, []*disclosure.Agency, error) {
	roots := supervisorRoots(u)
	if len(roots) == 0 {
		return nil, nil, disclosure.Errorf(disclosure.EForbidden, "您不是任何地区的政务公开监督人员")
	}
	id := roots[0]
	if want != "" {
		w, ok := parseID(want)
		if !ok || !slices.Contains(roots, w) {
			return nil, nil, disclosure.Errorf(disclosure.EForbidden, "您无权查看该地区的监督情况")
		}
		id = w
	}
	sub, err := s.db.ListAgencies(ctx, &id)
	if err != nil {
		return nil, nil, err
	}
	reg := &supervisionRegion{Agencies: sub}
	for _, a := range sub {
		reg.IDs = append(reg.IDs, a.ID)
		if a.ID == id {
			reg.Root = a
		}
	}
	if reg.Root == nil {
		return nil, nil, disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的单位", id)
	}
	choices, err := s.agenciesByID(ctx, roots)
	if err != nil {
		return nil, nil, err
	}
	return reg, choices, nil
}

// supervisionYearOf reads ?year=: a report year from the first of the table formats to this year.
func (s *Server) supervisionYearOf(r *http.Request) (int, error) {
	return s.supervisionYearFrom(r.URL.Query().Get("year"))
}

// supervisionYearFrom reads a report year v (empty: the year the page opens on).
func (s *Server) supervisionYearFrom(v string) (int, error) {
	today := s.today()
	if v == "" {
		return supervisionYear(today), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < annual.MinYear || y > today.Year {
		return 0, disclosure.Errorf(disclosure.EInvalid, "年度“%s”不正确：请选择 %d—%d 年中的一年", truncate(v, 10), annual.MinYear, today.Year)
	}
	return y, nil
}

// supervisionRow is one agency of the table.
type supervisionRow struct {
	Agency *disclosure.Agency
	// Parent is the name of the agency above, for subordinate units listed among the departments.
	Parent string
	// Status is "none", "draft", "in_review" or "published"; Label is what the table says (已逾期 for an
	// unpublished report past its deadline) and Note the dates behind it.
	Status, Label, Note string
	Deadline            workday.Date
	DaysLeft            int
	PublishedOn         workday.Date
	// Late: unpublished after the deadline, or published after it. DueSoon: unpublished, deadline within 10 days.
	Late, DueSoon bool
	Corrections   int
	Correction    string
	// Errors and Warnings are the report's findings (annual.Findings); Unreadable marks stored contents that
	// could not be read.
	Errors, Warnings int
	Unreadable       bool
	// Overdue counts the agency's applications past their reply deadline now; LatePublished its items published
	// late in the year (Art 26); Unpublished its items not yet published although their 20 working days have
	// passed (capped, UnpublishedMore beyond the store's count limit).
	Overdue, LatePublished, Unpublished int
	UnpublishedMore                     bool
	ReportHref, FindingsHref            string
	OverdueHref, LateHref, UnpubHref    string
	rank                                int
}

// Problems is the count of everything the supervisor should follow up besides the report itself.
func (r *supervisionRow) Problems() int { return r.Overdue + r.LatePublished + r.Unpublished }

// tally counts the agencies by the state of their report.
type tally struct {
	Agencies, None, Draft, InReview, Published, PublishedLate, Late, DueSoon, Corrected int
	Overdue, LatePublished, Unpublished                                                 int
}

// artTwentySixCutoff returns the first formed date that is not late under Art 26 today: unpublished items formed
// before it (disclosure.ItemFilter.FormedBefore) have passed their 20 working days. PublishBy never decreases as
// the formed date moves on, so the cutoff is found walking back from today.
func artTwentySixCutoff(cal *workday.Calendar, today workday.Date) workday.Date {
	d := today
	for i := 0; i < 400 && !catalogue.PublishBy(cal, d.AddDays(-1)).Before(today); i++ {
		d = d.AddDays(-1)
	}
	return d
}

// reportPublishedOn is the day a report was published: the publication date it states (the approval sets it to
// the day of approval; an imported report carries the date of its portal page), else, for a report published in
// the console, the day of the first publication. ok is false where the system does not know (an import without a
// date): such a report is not called late.
func reportPublishedOn(o *store.AnnualOverview, rep *report.Report, loc *time.Location) (workday.Date, bool) {
	if rep != nil && rep.Published != "" {
		if d, err := workday.ParseDate(rep.Published); err == nil {
			return d, true
		}
	}
	if o.Source == "console" && o.PublishedAt != nil {
		return workday.DateOf(o.PublishedAt.In(loc)), true
	}
	return workday.Date{}, false
}

// supervisionData is everything the page, and its export, show for one region and year.
type supervisionData struct {
	Region  *supervisionRegion
	Regions []*disclosure.Agency
	Year    int
	Years   []int
	Today   workday.Date
	Rows    []*supervisionRow
	Tally   tally
	Remind  []*supervisionRow
	Summary *regionSummary
	Trend   *trend
	Export  string
}

// consoleSupervision shows the supervising office's overview; ?format=xlsx exports it.
func (s *Server) consoleSupervision(w http.ResponseWriter, r *http.Request) {
	reg, regions, ok := s.loadRegion(w, r)
	if !ok {
		return
	}
	year, err := s.supervisionYearOf(r)
	if err != nil {
		s.userError(w, r, err)
		return
	}
	d, err := s.supervision(r.Context(), reg, year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Regions = regions
	q := url.Values{"year": {strconv.Itoa(year)}}
	if len(regions) > 1 {
		q.Set("region", strconv.FormatInt(reg.Root.ID, 10))
	}
	d.Export = "/console/supervision?" + q.Encode() + "&format=xlsx"
	if r.URL.Query().Get("format") == "xlsx" {
		s.exportSupervision(w, r, d)
		return
	}
	s.render(w, r, http.StatusOK, "supervision", fmt.Sprintf("%s %d年度政务公开监督", reg.Root.Name, year), d)
}

// supervision gathers the page's figures.
func (s *Server) supervision(ctx context.Context, reg *supervisionRegion, year int) (*supervisionData, error) {
	today := s.today()
	d := &supervisionData{Region: reg, Year: year, Today: today}
	for y := max(today.Year, supervisionYear(today)); y >= annual.MinYear; y-- {
		d.Years = append(d.Years, y)
	}
	rows, err := s.supervisionRows(ctx, reg, year, today)
	if err != nil {
		return nil, err
	}
	d.Rows = rows
	for _, row := range rows {
		t := &d.Tally
		t.Agencies++
		switch row.Status {
		case "none":
			t.None++
		case disclosure.AnnualDraft:
			t.Draft++
		case disclosure.AnnualInReview:
			t.InReview++
		case disclosure.AnnualPublished:
			t.Published++
			if row.Late {
				t.PublishedLate++
			}
		}
		if row.Late && row.Status != disclosure.AnnualPublished {
			t.Late++
		}
		if row.DueSoon {
			t.DueSoon++
		}
		if row.Corrections > 0 {
			t.Corrected++
		}
		t.Overdue += row.Overdue
		t.LatePublished += row.LatePublished
		t.Unpublished += row.Unpublished
		if row.Status != disclosure.AnnualPublished && (row.Late || row.DueSoon) {
			d.Remind = append(d.Remind, row)
		}
	}
	if d.Summary, err = s.regionSummary(ctx, reg, year); err != nil {
		return nil, err
	}
	if d.Trend, err = s.regionTrend(ctx, reg, year); err != nil {
		return nil, err
	}
	return d, nil
}

// supervisionRows builds one row per agency of the region, most urgent first: reports past their deadline and
// unpublished, then those due within 10 days, those published late, those not started, in draft, under review,
// and last those published on time; within each, the one with more to follow up first.
func (s *Server) supervisionRows(ctx context.Context, reg *supervisionRegion, year int, today workday.Date) ([]*supervisionRow, error) {
	stored, err := s.db.AnnualOverviews(ctx, reg.IDs, year)
	if err != nil {
		return nil, err
	}
	prevs, err := s.db.AnnualOverviews(ctx, reg.IDs, year-1)
	if err != nil {
		return nil, err
	}
	byAgency := map[int64]*store.AnnualOverview{}
	for i := range stored {
		byAgency[stored[i].AgencyID] = &stored[i]
	}
	prevBy := map[int64]*store.AnnualOverview{}
	for i := range prevs {
		if prevs[i].Status == disclosure.AnnualPublished {
			prevBy[prevs[i].AgencyID] = &prevs[i]
		}
	}
	names := map[int64]string{}
	for _, a := range reg.Agencies {
		names[a.ID] = a.Name
	}
	cal := s.calendar(ctx)
	publishBy := func(d workday.Date) workday.Date { return catalogue.PublishBy(cal, d) }
	cutoff := artTwentySixCutoff(cal, today)
	var rows []*supervisionRow
	for _, a := range reg.Agencies {
		due := annual.Deadline(a.Kind, year)
		row := &supervisionRow{Agency: a, Status: "none", Deadline: due, DaysLeft: annual.DaysBetween(today, due),
			ReportHref:  fmt.Sprintf("/console/annual/%d/%d", a.ID, year),
			OverdueHref: "/console/cases?" + url.Values{"view": {"overdue"}, "agency": {strconv.FormatInt(a.ID, 10)}}.Encode(),
			LateHref:    "/console/supervision/items?" + url.Values{"agency": {strconv.FormatInt(a.ID, 10)}, "year": {strconv.Itoa(year)}, "view": {"late"}}.Encode(),
			UnpubHref:   "/console/supervision/items?" + url.Values{"agency": {strconv.FormatInt(a.ID, 10)}, "view": {"unpublished"}}.Encode(),
		}
		row.FindingsHref = row.ReportHref + "#findings"
		if a.ParentID != nil && *a.ParentID != reg.Root.ID && names[*a.ParentID] != "" {
			row.Parent = names[*a.ParentID]
		}
		if o := byAgency[a.ID]; o != nil {
			if err := s.reportStanding(ctx, row, o, prevBy[a.ID], a, year, today); err != nil {
				return nil, err
			}
		}
		row.describe(today)
		if _, row.Overdue, err = s.db.FindCases(ctx, disclosure.CaseFilter{AgencyIDs: []int64{a.ID}, DueBy: today.AddDays(-1), Limit: 1}); err != nil {
			return nil, err
		}
		if row.LatePublished, err = s.db.LateCount(ctx, []int64{a.ID}, year, publishBy); err != nil {
			return nil, err
		}
		if _, row.Unpublished, err = s.db.FindItems(ctx, disclosure.ItemFilter{AgencyIDs: []int64{a.ID}, FormedBefore: cutoff, Limit: 1}); err != nil {
			return nil, err
		}
		if row.Unpublished > itemCountCap {
			row.Unpublished, row.UnpublishedMore = itemCountCap, true
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b *supervisionRow) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if a.Errors != b.Errors {
			return b.Errors - a.Errors
		}
		return b.Problems() - a.Problems()
	})
	return rows, nil
}

// itemCountCap is where the store stops counting a list of items (it answers at most one more).
const itemCountCap = 10000

// reportStanding fills the row from the agency's stored report: its state, its publication date, its corrections
// and its findings, checked as the editor checks them (with last year's published report and, for a report
// written in the console, the live figures).
func (s *Server) reportStanding(ctx context.Context, row *supervisionRow, o, prev *store.AnnualOverview, a *disclosure.Agency, year int, today workday.Date) error {
	row.Status = o.Status
	row.Corrections = o.Corrections
	if o.CorrectedAt != nil {
		row.Correction = fmt.Sprintf("%s更正", workday.DateOf(o.CorrectedAt.In(s.cfg.Location)).Chinese())
		if o.Reason != "" {
			row.Correction += "：" + truncate(o.Reason, 60)
		}
	}
	rep, err := report.Decode(o.Data)
	if err != nil {
		s.log.Warn("supervision: stored report unreadable", "report", o.ID, "err", err)
		row.Unreadable = true
		return nil
	}
	if o.Status == disclosure.AnnualPublished {
		if on, ok := reportPublishedOn(o, rep, s.cfg.Location); ok {
			row.PublishedOn = on
		}
	}
	if _, ok := report.FormatOf(rep.Era); !ok || year < annual.MinYear {
		return nil
	}
	// A report written in the console is compared with the live figures it was computed from; an imported
	// report's figures come from its published text, often of years before the system was used, and are not.
	var live *annual.Live
	if o.Source == "console" {
		if live, err = annual.Collect(ctx, s.annualSources(), a.ID, year); err != nil {
			return err
		}
	}
	var prevRep *report.Report
	if prev != nil {
		prevRep, _ = report.Decode(prev.Data)
	}
	fs := annual.Findings(rep, prevRep, annual.Env{Live: live, Entered: o.Entered, Kind: a.Kind, Today: today, Published: o.Status == disclosure.AnnualPublished})
	row.Errors, row.Warnings = countSeverity(fs)
	return nil
}

// describe decides the row's label, note, lateness and rank from its state and dates.
func (r *supervisionRow) describe(today workday.Date) {
	name := map[string]string{"none": "未开始", disclosure.AnnualDraft: "草稿", disclosure.AnnualInReview: "审核中", disclosure.AnnualPublished: "已发布"}[r.Status]
	r.Label = name
	if r.Status == disclosure.AnnualPublished {
		switch {
		case r.PublishedOn.IsZero():
			r.Note, r.rank = "发布日期不详", 6
		case r.PublishedOn.After(r.Deadline):
			r.Late, r.rank = true, 2
			r.Note = fmt.Sprintf("%s发布，逾期 %d 天", r.PublishedOn.Chinese(), annual.DaysBetween(r.Deadline, r.PublishedOn))
		default:
			r.Note, r.rank = r.PublishedOn.Chinese()+"发布", 6
		}
		return
	}
	switch {
	case r.DaysLeft < 0:
		r.Late, r.rank = true, 0
		r.Label = "已逾期"
		r.Note = fmt.Sprintf("%s，已过期限 %d 天", name, -r.DaysLeft)
	case r.DaysLeft <= remindDays:
		r.DueSoon, r.rank = true, 1
		r.Note = fmt.Sprintf("距发布期限还有 %d 天", r.DaysLeft)
	default:
		r.rank = map[string]int{"none": 3, disclosure.AnnualDraft: 4, disclosure.AnnualInReview: 5}[r.Status]
	}
}

// regionSources reads the live figures of a whole region: every call counts all the region's agencies, whatever
// agency it is asked about, so that annual.Collect assembles the region's tables exactly as it does an agency's.
type regionSources struct {
	db  *store.DB
	ids []int64
}

// CatalogueFigures counts the region's catalogue, whatever agencies it is given.
func (r regionSources) CatalogueFigures(ctx context.Context, _ []int64, year int) (disclosure.CatalogueFigures, error) {
	return r.db.CatalogueFigures(ctx, r.ids, year)
}

// RequestCounts counts the region's applications, whatever agencies it is given.
func (r regionSources) RequestCounts(ctx context.Context, _ []int64, year int) ([]disclosure.CellCount, error) {
	return r.db.RequestCounts(ctx, r.ids, year)
}

// AppealCounts counts the region's reconsiderations and lawsuits, whatever agencies it is given.
func (r regionSources) AppealCounts(ctx context.Context, _ []int64, year int) ([]disclosure.CellCount, error) {
	return r.db.AppealCounts(ctx, r.ids, year)
}

// FeeTotals adds up the region's 信息处理费, whatever agencies it is given.
func (r regionSources) FeeTotals(ctx context.Context, _ []int64, year int) (int, int, error) {
	return r.db.FeeTotals(ctx, r.ids, year)
}

// regionSummary is sections 二, 三 and 四 of the region's year, summed two ways.
type regionSummary struct {
	Format *report.Format
	// Published counts the agencies whose published report is summed, of Agencies; Other those whose published
	// report follows another format and cannot be added up.
	Published, Agencies, Other int
	// FromReports are the published reports' tables summed cell by cell (totals recomputed); FromLive the same
	// tables from the system's cases and catalogue.
	FromReports, FromLive map[string]report.Grid
	Tables                []summaryTable
	Diffs                 []summaryDiff
}

// summaryTable is one official table shown both ways.
type summaryTable struct {
	Spec           *report.TableSpec
	Section, Title string
	// Live is nil for a table the system does not count (section 二's fees).
	Reports, Live *gridView
}

// summaryDiff is one figure on which the published reports and the live data differ.
type summaryDiff struct {
	Where                 string
	Reports, Live         float64
	ReportsText, LiveText string
}

// gridView is a laid-out table for the template: header and body rows without the covered cells.
type gridView struct {
	// ID and Caption are the table's caption and its id, which the scrolling region around it is labelled by.
	ID, Caption string
	Wide        bool
	Head, Body  [][]render.Cell
}

func viewGrid(g *render.Grid, id, caption string) *gridView {
	v := &gridView{ID: id, Caption: caption, Wide: g.Cols() > 8}
	for i, row := range g.Cells {
		var cells []render.Cell
		for _, c := range row {
			if !c.Covered {
				cells = append(cells, c)
			}
		}
		if i < g.HeaderRows {
			v.Head = append(v.Head, cells)
		} else {
			v.Body = append(v.Body, cells)
		}
	}
	return v
}

// sectionTables are the tables of sections 二, 三 and 四 of a format, in printed order.
func sectionTables(f *report.Format) []*report.TableSpec {
	var out []*report.TableSpec
	for i := range f.Tables {
		if t := &f.Tables[i]; t.Section == "二" || t.Section == "三" || t.Section == "四" {
			out = append(out, t)
		}
	}
	return out
}

// sumTables adds up the tables of sections 二, 三 and 四 of the reports cell by cell (a cell no report states
// stays absent) and recomputes the totals (see recomputeTotals), so that the sum is consistent even where a
// report's own totals were not.
func sumTables(f *report.Format, reps []*report.Report) map[string]report.Grid {
	out := map[string]report.Grid{}
	for _, t := range sectionTables(f) {
		g := report.Grid{}
		for _, rep := range reps {
			for _, row := range t.DataRows() {
				for _, col := range t.Columns {
					v, ok := rep.Value(t.ID, row.ID, col.ID)
					if !ok {
						continue
					}
					if g[row.ID] == nil {
						g[row.ID] = map[string]float64{}
					}
					g[row.ID][col.ID] += v
				}
			}
		}
		out[t.ID] = g
	}
	recomputeTotals(f, out)
	return out
}

// recomputeTotals sets the totals of sections 三 and 四 from the cells they add up: in section 三 each result
// column's （七）总计 from the result rows, then every row's 总计 from the applicant columns; in section 四 each
// group's 总计 from its four results. A total with nothing to add up is left as it is.
func recomputeTotals(f *report.Format, tables map[string]report.Grid) {
	set := func(g report.Grid, row, col string, v float64, has bool) {
		if !has {
			return
		}
		if g[row] == nil {
			g[row] = map[string]float64{}
		}
		g[row][col] = v
	}
	if t, ok := f.Table(report.TableRequests); ok && tables[t.ID] != nil {
		g := tables[t.ID]
		for _, col := range t.Columns {
			if col.ID == report.ColTotal {
				continue
			}
			sum, has := 0.0, false
			for _, row := range report.ResultRows(t) {
				if v, ok := g[row.ID][col.ID]; ok {
					sum, has = sum+v, true
				}
			}
			set(g, report.RowTotal, col.ID, sum, has)
		}
		for _, row := range t.DataRows() {
			sum, has := 0.0, false
			for _, col := range t.Columns {
				if v, ok := g[row.ID][col.ID]; ok && col.ID != report.ColTotal {
					sum, has = sum+v, true
				}
			}
			set(g, row.ID, report.ColTotal, sum, has)
		}
	}
	if t, ok := f.Table(report.TableAppeals); ok && tables[t.ID] != nil {
		g := tables[t.ID]
		for _, grp := range report.AppealGroups {
			sum, has := 0.0, false
			for _, o := range report.AppealOutcomes {
				if v, ok := g[report.RowCases][grp+"."+o]; ok {
					sum, has = sum+v, true
				}
			}
			set(g, report.RowCases, grp+"."+report.ColTotal, sum, has)
		}
	}
}

// regionSummary sums the region's published reports of the year and counts the same tables from the live data.
func (s *Server) regionSummary(ctx context.Context, reg *supervisionRegion, year int) (*regionSummary, error) {
	f, ok := report.FormatOf(report.EraForYear(year))
	if !ok || len(f.Tables) == 0 {
		return nil, nil
	}
	sum := &regionSummary{Format: f, Agencies: len(reg.Agencies)}
	stored, err := s.db.AnnualOverviews(ctx, reg.IDs, year)
	if err != nil {
		return nil, err
	}
	var reps []*report.Report
	for _, o := range stored {
		if o.Status != disclosure.AnnualPublished {
			continue
		}
		rep, err := report.Decode(o.Data)
		if err != nil || rep.Era != f.Era {
			sum.Other++
			continue
		}
		reps = append(reps, rep)
	}
	sum.Published = len(reps)
	sum.FromReports = sumTables(f, reps)
	live, err := annual.Collect(ctx, regionSources{db: s.db, ids: reg.IDs}, reg.Root.ID, year)
	if err != nil {
		return nil, err
	}
	sum.FromLive = map[string]report.Grid{}
	for _, t := range sectionTables(f) {
		if g, ok := live.Tables[t.ID]; ok {
			sum.FromLive[t.ID] = g
		}
	}
	recomputeTotals(f, sum.FromLive)
	for _, t := range sectionTables(f) {
		sec, _ := f.Section(t.Section)
		title := t.Caption
		if title == "" {
			title = sec.Heading
		}
		idx := slices.IndexFunc(f.Sections, func(x report.SectionSpec) bool { return x.ID == t.Section })
		st := summaryTable{Spec: t, Section: render.Numerals[idx] + "、" + sec.Heading, Title: title,
			Reports: viewGrid(render.Layout(t, title, sum.FromReports[t.ID]), "sum-r-"+idCleaner.Replace(t.ID), title+"（已发布报告合计）")}
		if g, ok := sum.FromLive[t.ID]; ok {
			st.Live = viewGrid(render.Layout(t, title, g), "sum-l-"+idCleaner.Replace(t.ID), title+"（系统实时统计）")
		}
		sum.Tables = append(sum.Tables, st)
		for _, row := range t.DataRows() {
			for _, col := range t.Columns {
				pv, pok := sum.FromReports[t.ID][row.ID][col.ID]
				lv, lok := sum.FromLive[t.ID][row.ID][col.ID]
				if lok && (pok || sum.Published > 0) && pv != lv {
					sum.Diffs = append(sum.Diffs, summaryDiff{Where: annual.CellName(t, row, col), Reports: pv, Live: lv,
						ReportsText: report.FormatNumber(pv), LiveText: report.FormatNumber(lv)})
				}
			}
		}
	}
	return sum, nil
}

// FirstOfSection reports whether the table is the first of its section, where the page puts the section's heading.
func (s *regionSummary) FirstOfSection(i int) bool {
	return i == 0 || s.Tables[i-1].Spec.Section != s.Tables[i].Spec.Section
}

// trend is the region's last years from the live data, as charts and as a table.
type trend struct {
	Years    []int
	Series   []trendSeries
	Requests template.HTML // the chart of applications
	Items    template.HTML // the chart of proactive disclosure
}

// trendSeries is one line of the trend table.
type trendSeries struct {
	Name, Unit string
	Values     []int
}

// regionTrend counts, for the year and the four before it (from 2019), the region's new, closed and carried
// forward applications, its items published and those published late, and draws them.
func (s *Server) regionTrend(ctx context.Context, reg *supervisionRegion, year int) (*trend, error) {
	t := &trend{}
	for y := max(annual.MinYear, year-chartYears+1); y <= year; y++ {
		t.Years = append(t.Years, y)
	}
	src := regionSources{db: s.db, ids: reg.IDs}
	cal := s.calendar(ctx)
	publishBy := func(d workday.Date) workday.Date { return catalogue.PublishBy(cal, d) }
	vals := make([][]int, 5)
	for _, y := range t.Years {
		req, err := s.db.RequestCounts(ctx, reg.IDs, y)
		if err != nil {
			return nil, err
		}
		s3 := casework.ReportFromCases(y, req, nil).Tables[report.TableRequests]
		cat, err := src.CatalogueFigures(ctx, nil, y)
		if err != nil {
			return nil, err
		}
		late, err := s.db.LateCount(ctx, reg.IDs, y, publishBy)
		if err != nil {
			return nil, err
		}
		for i, v := range []float64{s3[report.RowNew][report.ColTotal], s3[report.RowTotal][report.ColTotal], s3[report.RowCarryForward][report.ColTotal], float64(cat.Published), float64(late)} {
			vals[i] = append(vals[i], int(v))
		}
	}
	names := []struct{ name, unit string }{{"本年新收申请", "件"}, {"办结", "件"}, {"结转下年度", "件"}, {"主动公开信息", "条"}, {"逾期公开", "条"}}
	for i, n := range names {
		t.Series = append(t.Series, trendSeries{Name: n.name, Unit: n.unit, Values: vals[i]})
	}
	var cats []string
	for _, y := range t.Years {
		cats = append(cats, fmt.Sprintf("%d年", y))
	}
	span := fmt.Sprintf("%d—%d年", t.Years[0], t.Years[len(t.Years)-1])
	if len(t.Years) == 1 {
		span = cats[0]
	}
	draw := func(id, title, desc, unit string, from, to int) (template.HTML, error) {
		b := &chart.Bars{ID: id, Title: title, Desc: desc, Categories: cats, Unit: unit}
		for _, ser := range t.Series[from:to] {
			v := make([]float64, len(ser.Values))
			for i, x := range ser.Values {
				v[i] = float64(x)
			}
			b.Series = append(b.Series, chart.Series{Name: ser.Name, Values: v})
		}
		svg, err := b.SVG()
		// The drawing is the chart package's own markup, with every text escaped there.
		return template.HTML(svg), err
	}
	var err error
	if t.Requests, err = draw("chart-requests", reg.Root.Name+span+"依申请公开情况",
		describe(t, 0, 3, "本系统登记的申请"), "件", 0, 3); err != nil {
		return nil, err
	}
	if t.Items, err = draw("chart-items", reg.Root.Name+span+"主动公开情况",
		describe(t, 3, 5, "本系统主动公开目录"), "条", 3, 5); err != nil {
		return nil, err
	}
	return t, nil
}

// describe writes the chart's description: its source and every figure, so that a screen reader hears the chart.
func describe(t *trend, from, to int, source string) string {
	var parts []string
	for i, y := range t.Years {
		var vs []string
		for _, ser := range t.Series[from:to] {
			vs = append(vs, fmt.Sprintf("%s%d%s", ser.Name, ser.Values[i], ser.Unit))
		}
		parts = append(parts, fmt.Sprintf("%d年%s", y, strings.Join(vs, "、")))
	}
	return "数据来自" + source + "。" + strings.Join(parts, "；") + "。"
}

// supervisionItems lists the items behind a figure of the table: those published late in a year
// (view=late&year=) or those still unpublished past Art 26 (view=unpublished), of one agency of the region.
func (s *Server) supervisionItems(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	var visible []int64
	for _, root := range supervisorRoots(u) {
		sub, err := s.db.ListAgencies(r.Context(), &root)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, a := range sub {
			visible = append(visible, a.ID)
		}
	}
	if len(visible) == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	q := r.URL.Query()
	id := visible[0]
	if v := q.Get("agency"); v != "" {
		want, ok := parseID(v)
		if !ok || !slices.Contains(visible, want) {
			s.errorPage(w, r, http.StatusForbidden)
			return
		}
		id = want
	}
	a, err := s.db.GetAgency(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	year, err := s.supervisionYearOf(r)
	if err != nil {
		s.userError(w, r, err)
		return
	}
	today := s.today()
	cal := s.calendar(r.Context())
	publishBy := func(d workday.Date) workday.Date { return catalogue.PublishBy(cal, d) }
	view := q.Get("view")
	var list []disclosure.Item
	var total int
	var title string
	switch view {
	case "late":
		list, total, err = s.db.LateItems(r.Context(), []int64{id}, year, publishBy, 200)
		title = fmt.Sprintf("%s %d年逾期公开的信息", a.Name, year)
	case "", "unpublished":
		view = "unpublished"
		list, total, err = s.db.FindItems(r.Context(), disclosure.ItemFilter{AgencyIDs: []int64{id}, FormedBefore: artTwentySixCutoff(cal, today), Limit: 200})
		title = a.Name + " 超过20个工作日仍未公开的信息"
	default:
		s.userError(w, r, disclosure.Errorf(disclosure.EInvalid, "列表类型“%s”不正确：应为 late（逾期公开）或 unpublished（超期未公开）", truncate(view, 20)))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	type itemRow struct {
		Item         disclosure.Item
		By           workday.Date
		DaysLate     int
		State, Genre string
	}
	var rows []itemRow
	for _, it := range list {
		row := itemRow{Item: it, By: publishBy(it.FormedOn), State: disclosure.ItemStateNames[it.State], Genre: it.GenreName()}
		end := today
		if view == "late" {
			end = it.PublishedOn
		}
		row.DaysLate = cal.WorkdaysBetween(row.By, end)
		rows = append(rows, row)
	}
	s.render(w, r, http.StatusOK, "supervision_items", title, map[string]any{
		"Agency": a, "Year": year, "View": view, "Rows": rows, "Total": total, "More": total > len(rows), "Title": title,
		"Back": "/console/supervision?year=" + strconv.Itoa(year),
	})
}
