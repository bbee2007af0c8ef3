package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/store"
)

// reportCell is one figure of a table built from cases, with the link to the cases behind it.
type reportCell struct {
	Value string
	Href  string
}

type reportRow struct {
	Label  string
	Header bool
	Indent int
	Cells  []reportCell
}

type reportTable struct {
	Caption string
	Columns []report.Column
	Rows    []reportRow
}

// consoleCaseReport shows sections 三 and 四 of any year from live cases, with every cell linked to the cases it
// counts and the report engine's checks, carry-over included (last year's 四 against this year's 二).
func (s *Server) consoleCaseReport(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	visible, err := s.caseAgencies(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(visible) == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	q := r.URL.Query()
	agencyID := visible[0]
	if id, ok := parseID(q.Get("agency")); ok {
		if !slices.Contains(visible, id) {
			s.errorPage(w, r, http.StatusForbidden)
			return
		}
		agencyID = id
	}
	year := s.today().Year
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2008 && y <= year+1 {
		year = y
	}
	a, err := s.db.GetAgency(r.Context(), agencyID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	build := func(y int) (*report.Report, error) {
		req, err := s.db.RequestCounts(r.Context(), []int64{agencyID}, y)
		if err != nil {
			return nil, err
		}
		ap, err := s.db.AppealCounts(r.Context(), []int64{agencyID}, y)
		if err != nil {
			return nil, err
		}
		return casework.ReportFromCases(y, req, ap), nil
	}
	rep, err := build(year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	prev, err := build(year - 1)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	findings := casework.CaseFindings(rep, prev)
	feeCases, feeAmount, err := s.db.FeeTotals(r.Context(), []int64{agencyID}, year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	published := false
	if stored, err := s.db.GetAnnualReport(r.Context(), agencyID, year); err == nil {
		published = stored.Status == "published"
	}
	corrections, err := s.db.ReportCorrections(r.Context(), agencyID, year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	agencies, err := s.agenciesByID(r.Context(), visible)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f, _ := report.FormatOf(rep.Era)
	s3, _ := f.Table(report.TableRequests)
	s4, _ := f.Table(report.TableAppeals)
	s.render(w, r, http.StatusOK, "casereport", fmt.Sprintf("%d年度依申请公开统计", year), map[string]any{
		"Agency": a, "Agencies": agencies, "Year": year, "Years": yearsUpTo(s.today().Year),
		"Requests": requestsTable(s3, rep.Tables[report.TableRequests], agencyID, year),
		"Appeals":  appealsTable(s4, rep.Tables[report.TableAppeals], agencyID, year),
		"Findings": findings, "Published": published, "Corrections": corrections, "Format": f.Name,
		"FeeText": casework.FeeItemText(year, feeCases, feeAmount),
	})
}

func yearsUpTo(y int) []int {
	var out []int
	for i := y; i >= y-6; i-- {
		out = append(out, i)
	}
	return out
}

func requestsTable(t *report.TableSpec, g report.Grid, agencyID int64, year int) reportTable {
	out := reportTable{Caption: "三、收到和处理政府信息公开申请情况", Columns: t.Columns}
	for _, row := range t.Rows {
		rr := reportRow{Label: row.Label, Header: row.Header}
		if row.Parent != "" {
			rr.Indent = 1
			if p, ok := t.Row(row.Parent); ok && p.Parent != "" {
				rr.Indent = 2
			}
		}
		if !row.Header {
			for _, c := range t.Columns {
				v := g[row.ID][c.ID]
				href := "/console/cases?" + url.Values{"view": {"all"}, "agency": {strconv.FormatInt(agencyID, 10)}, "year": {strconv.Itoa(year)}, "row": {row.ID}, "col": {c.ID}}.Encode()
				rr.Cells = append(rr.Cells, reportCell{Value: report.FormatNumber(v), Href: href})
			}
		}
		out.Rows = append(out.Rows, rr)
	}
	return out
}

func appealsTable(t *report.TableSpec, g report.Grid, agencyID int64, year int) reportTable {
	out := reportTable{Caption: "四、政府信息公开行政复议、行政诉讼情况", Columns: t.Columns}
	rr := reportRow{Label: "案件数"}
	for _, c := range t.Columns {
		kind, result, _ := cutLast(c.ID)
		vals := url.Values{"agency": {strconv.FormatInt(agencyID, 10)}, "year": {strconv.Itoa(year)}, "kind": {kind}}
		if result != report.ColTotal {
			vals.Set("result", result)
		}
		rr.Cells = append(rr.Cells, reportCell{Value: report.FormatNumber(g[report.RowCases][c.ID]), Href: "/console/appeals?" + vals.Encode()})
	}
	out.Rows = append(out.Rows, rr)
	return out
}

func cutLast(id string) (string, string, bool) {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == '.' {
			return id[:i], id[i+1:], true
		}
	}
	return id, "", false
}

// consoleAppeals lists reconsiderations and lawsuits: those behind a cell of section 四, or all of the account's
// agencies.
func (s *Server) consoleAppeals(w http.ResponseWriter, r *http.Request) {
	f, err := s.appealFilterOf(r, s.currentUser(r))
	switch {
	case disclosure.ErrorCode(err) == disclosure.EForbidden:
		s.errorPage(w, r, http.StatusForbidden)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	list, err := s.db.ListAppeals(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "appeals", "行政复议和行政诉讼", map[string]any{"Appeals": list, "Filter": f})
}

// appealFilterOf reads the appeal list's query (agency, year, kind, result) within the agencies whose cases the
// account u reads. Errors: EForbidden (an agency it does not read).
func (s *Server) appealFilterOf(r *http.Request, u *disclosure.User) (store.AppealFilter, error) {
	visible, err := s.caseAgencies(r, u)
	if err != nil {
		return store.AppealFilter{}, err
	}
	q := r.URL.Query()
	f := store.AppealFilter{AgencyIDs: visible}
	if id, ok := parseID(q.Get("agency")); ok {
		if !slices.Contains(visible, id) {
			return f, disclosure.Errorf(disclosure.EForbidden, "您无权查看该单位的申请")
		}
		f.AgencyIDs = []int64{id}
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil {
		f.Year = y
	}
	f.Kind, f.Result = disclosure.AppealKind(q.Get("kind")), disclosure.AppealResult(q.Get("result"))
	return f, nil
}
