package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/annual"
	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/report/render"
	"github.com/gongkai/gongkai/internal/store"
)

// The store is where the annual report's live figures come from: the catalogue for section 二, the cases for 三, 四
// and 六(一).
var _ annual.Sources = (*store.DB)(nil)

// annualSources are the live figures the annual report is assembled from.
func (s *Server) annualSources() annual.Sources { return s.db }

// maxAnnualForm bounds the editor's form: the whole report's text and figures fit in far less.
const maxAnnualForm = 1 << 20

// maxSectionText bounds one text field of the report.
const maxSectionText = 20000

// annualAccess is what an account may do with an agency's annual report: officers and approvers of the agency or
// an agency above it edit; approvers also approve; supervisors read.
type annualAccess struct{ read, edit, approve bool }

func (s *Server) annualAccessFor(ctx context.Context, u *disclosure.User, a *disclosure.Agency) annualAccess {
	who, read := s.caseRoles(ctx, u, a)
	return annualAccess{read: read, edit: who&(casework.ByOfficer|casework.ByApprover) != 0, approve: who&casework.ByApprover != 0}
}

// annualYears are the years an account works on: the last three report years (and, in December, the year about
// to end, so the report can be prepared before the January deadline), and any year already stored.
func (s *Server) annualYears(stored []disclosure.AnnualReport) []int {
	today := s.today()
	this := today.Year
	first := this - 1
	if today.Month == time.December {
		first = this
	}
	var years []int
	for y := first; y >= this-3 && y >= annual.MinYear; y-- {
		years = append(years, y)
	}
	for _, r := range stored {
		if !slices.Contains(years, r.Year) && r.Year >= annual.MinYear && r.Year <= this {
			years = append(years, r.Year)
		}
	}
	slices.SortFunc(years, func(a, b int) int { return b - a })
	return years
}

type annualListRow struct {
	Agency             *disclosure.Agency
	Year               int
	Status, StatusName string
	Version            int
	Late               bool
	Deadline           string
	DaysLeft           int
	Href               string
}

// consoleAnnual lists the account's agencies and years with each report's state and deadline.
func (s *Server) consoleAnnual(w http.ResponseWriter, r *http.Request) {
	rows, err := s.annualRows(r, s.currentUser(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "annual_list", "政府信息公开工作年度报告", map[string]any{"Rows": rows})
}

// annualRows are the agencies the account works for and their years, with each report's state and deadline: the
// console's list and the API's.
func (s *Server) annualRows(r *http.Request, u *disclosure.User) ([]annualListRow, error) {
	visible, err := s.caseAgencies(r, u)
	if err != nil {
		return nil, err
	}
	agencies, err := s.agenciesByID(r.Context(), visible)
	if err != nil {
		return nil, err
	}
	today := s.today()
	var rows []annualListRow
	for _, a := range agencies {
		stored, err := s.db.ListAnnualReports(r.Context(), a.ID)
		if err != nil {
			return nil, err
		}
		byYear := map[int]disclosure.AnnualReport{}
		for _, rep := range stored {
			byYear[rep.Year] = rep
		}
		for _, y := range s.annualYears(stored) {
			due := annual.Deadline(a.Kind, y)
			row := annualListRow{Agency: a, Year: y, Status: "none", StatusName: "未开始", Deadline: due.Chinese(),
				DaysLeft: annual.DaysBetween(today, due), Href: fmt.Sprintf("/console/annual/%d/%d", a.ID, y)}
			if rep, ok := byYear[y]; ok {
				row.Status, row.StatusName, row.Version = rep.Status, disclosure.AnnualStatusNames[rep.Status], rep.Version
			}
			row.Late = row.Status != disclosure.AnnualPublished && row.DaysLeft < 0
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// annualState is everything the editor shows of one agency's year.
type annualState struct {
	Agency  *disclosure.Agency
	Year    int
	Access  annualAccess
	Stored  *disclosure.AnnualReport // nil: not started (the report is a fresh draft, unsaved)
	Report  *report.Report
	Entered []string
	Live    *annual.Live
	Prev    *report.Report
}

func (st *annualState) status() string {
	if st.Stored == nil {
		return ""
	}
	return st.Stored.Status
}

func (st *annualState) version() int {
	if st.Stored == nil {
		return 0
	}
	return st.Stored.Version
}

// loadAnnual reads the agency and year of the path, checks the account may read them, and loads the state
// (annualAt); it answers the error page itself when it cannot.
func (s *Server) loadAnnual(w http.ResponseWriter, r *http.Request) (*annualState, bool) {
	id, ok := parseID(r.PathValue("agency"))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return nil, false
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound)
		return nil, false
	}
	st, err := s.annualAt(r.Context(), s.currentUser(r), id, year)
	switch disclosure.ErrorCode(err) {
	case "":
		return st, true
	case disclosure.ENotFound:
		s.errorPage(w, r, http.StatusNotFound)
	case disclosure.EForbidden:
		s.errorPage(w, r, http.StatusForbidden)
	default:
		s.userError(w, r, err)
	}
	return nil, false
}

// annualAt loads an agency's year for the account: the stored report (or a fresh draft from the year's figures),
// the live figures and last year's published report. Errors: ENotFound (no such agency, or a year without a report
// to work on), EForbidden (the account may not read the agency's reports).
func (s *Server) annualAt(ctx context.Context, u *disclosure.User, agencyID int64, year int) (*annualState, error) {
	if year < annual.MinYear || year > s.today().Year {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有%d年度的报告：年度报告的年度应在 %d 年至今年（%d年）之间", year, annual.MinYear, s.today().Year)
	}
	a, err := s.db.GetAgency(ctx, agencyID)
	if err != nil {
		return nil, err
	}
	st := &annualState{Agency: a, Year: year, Access: s.annualAccessFor(ctx, u, a)}
	if !st.Access.read {
		return nil, disclosure.Errorf(disclosure.EForbidden, "您无权查看该单位的年度报告")
	}
	if st.Live, err = annual.Collect(ctx, s.annualSources(), a.ID, year); err != nil {
		return nil, err
	}
	stored, err := s.db.GetAnnualReport(ctx, a.ID, year)
	switch {
	case disclosure.ErrorCode(err) == disclosure.ENotFound:
		st.Report = annual.DraftFrom(st.Live, a)
	case err != nil:
		return nil, err
	default:
		if st.Report, err = report.Decode(stored.Data); err != nil {
			return nil, fmt.Errorf("stored report %d: %w", stored.ID, err)
		}
		st.Stored, st.Entered = stored, stored.Entered
	}
	if prev, err := s.db.GetAnnualReport(ctx, a.ID, year-1); err == nil && prev.Status == disclosure.AnnualPublished {
		st.Prev, _ = report.Decode(prev.Data)
	}
	return st, nil
}

// annualSteps are the steps the account may take on the report now, as the editor offers them.
type annualSteps struct {
	// Edit is saving (and refreshing) the draft; Submit, Approve (and return) and Correct the workflow's steps.
	Edit, Submit, Approve, Correct bool
	// Submitter marks the account that submitted the version under review, which may not approve it.
	Submitter bool
}

func (st *annualState) steps(u *disclosure.User) annualSteps {
	status := st.status()
	var out annualSteps
	out.Submitter = st.Stored != nil && st.Stored.SubmittedBy != nil && u != nil && *st.Stored.SubmittedBy == u.ID
	out.Edit = st.Access.edit && (status == "" || status == disclosure.AnnualDraft)
	out.Submit = st.Access.edit && status == disclosure.AnnualDraft
	out.Approve = st.Access.approve && status == disclosure.AnnualInReview && !out.Submitter
	out.Correct = st.Access.edit && status == disclosure.AnnualPublished
	return out
}

func (s *Server) annualFindings(st *annualState, rep *report.Report, entered []string) []report.Finding {
	return annual.Findings(rep, st.Prev, annual.Env{Live: st.Live, Entered: entered, Kind: st.Agency.Kind, Today: s.today(),
		Published: st.status() == disclosure.AnnualPublished})
}

// annualView is what annual_edit.html receives.
type annualView struct {
	Agency      *disclosure.Agency
	Year        int
	Base        string
	Status      string
	StatusName  string
	Version     int
	Mode        string // "edit", "correct" or "view"
	Form        *annualForm
	HTML        template.HTML
	Findings    []report.Finding
	Errors      int
	Warnings    int
	Problems    []string
	Message     string
	Changes     []annual.Change
	Deadline    string
	DaysLeft    int
	CanSubmit   bool
	CanApprove  bool
	CanCorrect  bool
	Submitter   bool
	Versions    []disclosure.AnnualVersion
	Comments    []disclosure.AnnualComment
	Reason      string
	PortalHref  string
	Unsaved     bool
	NoCatalogue bool
	Loc         *time.Location
	StatusNames map[string]string
}

func countSeverity(fs []report.Finding) (errs, warns int) {
	for _, f := range fs {
		if f.Severity == report.Error {
			errs++
		} else {
			warns++
		}
	}
	return
}

// annualPage renders the editor (or the read-only view) of the state, with rep and entered as shown (the stored
// report, or what was posted), raw the posted values to show back, and the findings.
func (s *Server) annualPage(w http.ResponseWriter, r *http.Request, status int, st *annualState, rep *report.Report, entered []string, raw url.Values, v annualView) {
	u := s.currentUser(r)
	v.Agency, v.Year, v.Status, v.Version = st.Agency, st.Year, st.status(), st.version()
	v.Loc, v.StatusNames = s.cfg.Location, disclosure.AnnualStatusNames
	v.Base = fmt.Sprintf("/console/annual/%d/%d", st.Agency.ID, st.Year)
	v.StatusName = disclosure.AnnualStatusNames[v.Status]
	if v.Status == "" {
		v.StatusName, v.Unsaved = "未开始（以下为根据本年数据生成的草稿，保存后生效）", true
	}
	v.NoCatalogue = !st.Live.HasCatalogue
	due := annual.Deadline(st.Agency.Kind, st.Year)
	v.Deadline, v.DaysLeft = due.Chinese(), annual.DaysBetween(s.today(), due)
	if v.Findings == nil {
		v.Findings = s.annualFindings(st, rep, entered)
	}
	v.Errors, v.Warnings = countSeverity(v.Findings)
	if v.Mode == "" {
		switch {
		case st.Access.edit && (v.Status == "" || v.Status == disclosure.AnnualDraft):
			v.Mode = "edit"
		case st.Access.edit && v.Status == disclosure.AnnualPublished && r.URL.Query().Get("correct") == "1":
			v.Mode = "correct"
		default:
			v.Mode = "view"
		}
	}
	if v.Mode == "view" {
		var buf bytes.Buffer
		if err := render.HTMLFragment(&buf, rep); err != nil {
			s.serverError(w, r, err)
			return
		}
		// The fragment comes from html/template, which escaped every text of the report.
		v.HTML = template.HTML(buf.String())
	} else {
		v.Form = buildAnnualForm(rep, st, entered, raw)
	}
	steps := st.steps(u)
	v.Submitter, v.CanSubmit, v.CanApprove, v.CanCorrect = steps.Submitter, steps.Submit, steps.Approve, steps.Correct
	if v.Status == disclosure.AnnualPublished {
		v.PortalHref = fmt.Sprintf("/agencies/%d/reports/%d", st.Agency.ID, st.Year)
	}
	if st.Stored != nil {
		var err error
		if v.Versions, err = s.db.AnnualVersions(r.Context(), st.Stored.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
		slices.Reverse(v.Versions)
		if v.Comments, err = s.db.AnnualComments(r.Context(), st.Stored.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, status, "annual_edit", fmt.Sprintf("%s%d年度政府信息公开工作年度报告", st.Agency.Name, st.Year), v)
}

// consoleAnnualReport shows one agency's year: the editor for a draft (a fresh draft from the year's figures when
// none is stored), the report with the review actions once submitted, and the correction form once published.
func (s *Server) consoleAnnualReport(w http.ResponseWriter, r *http.Request) {
	st, ok := s.loadAnnual(w, r)
	if !ok {
		return
	}
	v := annualView{}
	switch r.URL.Query().Get("done") {
	case "saved":
		v.Message = fmt.Sprintf("已保存（第 %d 版）。", st.version())
	case "submitted":
		v.Message = "已提交审核，请审批领导审核发布。"
	case "returned":
		v.Message = "已退回修改。"
	case "published":
		v.Message = "已发布：报告已在政府信息公开专栏的“政府信息公开年报”栏目公开。"
	case "corrected":
		v.Message = "更正已发布，原版本仍可查阅。"
	}
	s.annualPage(w, r, http.StatusOK, st, st.Report, st.Entered, nil, v)
}

// annualPost reads a posted form of the editor with its size bounded, and checks the account may change the
// report at all.
func (s *Server) annualPost(w http.ResponseWriter, r *http.Request) (*annualState, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxAnnualForm)
	if err := r.ParseForm(); err != nil {
		s.userError(w, r, disclosure.Errorf(disclosure.EInvalid, "提交的内容过多或格式有误，请刷新页面后重试"))
		return nil, false
	}
	st, ok := s.loadAnnual(w, r)
	if !ok {
		return nil, false
	}
	if !st.Access.edit {
		s.errorPage(w, r, http.StatusForbidden)
		return nil, false
	}
	return st, true
}

// postedVersion is the version the form was made from.
func postedVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

// checkVersion checks that a change was made from the current version, so nobody saves over another's change.
func checkVersion(version int, st *annualState) error {
	if version != st.version() {
		return disclosure.Errorf(disclosure.EConflict, "该报告已被他人更新（当前为第 %d 版），请刷新页面后再操作", st.version())
	}
	return nil
}

// annualRefusal is a step refused for what the report holds: the problems to fix, and the findings when they are
// the reason. The editor shows them above the report; the API answers them as problem details.
type annualRefusal struct {
	err      *disclosure.Error
	Problems []string
	Findings []report.Finding
}

func (e *annualRefusal) Error() string { return e.err.Message }

func (e *annualRefusal) Unwrap() error { return e.err }

func refuse(code string, problems []string, findings []report.Finding) *annualRefusal {
	return &annualRefusal{err: disclosure.Errorf(code, "%s", strings.Join(problems, "；")), Problems: problems, Findings: findings}
}

// refusalOf is a store's refusal of a step as an annualRefusal; unexpected errors stay as they are.
func refusalOf(err error) error {
	if code := disclosure.ErrorCode(err); code != "" && code != disclosure.EInternal {
		return refuse(code, []string{disclosure.ErrorMessage(err)}, nil)
	}
	return err
}

// annualCheck runs the checks on the posted form and answers the findings list alone: the editor posts to it as
// the officer writes (htmx) and swaps the list in.
func (s *Server) annualCheck(w http.ResponseWriter, r *http.Request) {
	st, ok := s.annualPost(w, r)
	if !ok {
		return
	}
	rep, entered, problems := parseAnnualForm(r.PostForm, st.Report)
	fs := s.checkAnnualEdit(st, rep, entered, problems)
	v := annualView{Findings: fs}
	v.Errors, v.Warnings = countSeverity(fs)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.tmpl["annual_edit"].ExecuteTemplate(w, "annual_findings", v); err != nil {
		s.log.Error("annual findings", "err", err)
	}
}

// checkAnnualEdit checks edited contents of the report without saving them: the inputs that could not be read,
// then the findings.
func (s *Server) checkAnnualEdit(st *annualState, rep *report.Report, entered, problems []string) []report.Finding {
	return append(problemFindings(problems), s.annualFindings(st, rep, entered)...)
}

func problemFindings(problems []string) []report.Finding {
	var out []report.Finding
	for _, p := range problems {
		out = append(out, report.Finding{Rule: "输入", Severity: report.Error, Message: p})
	}
	return out
}

// annualSave saves the posted draft (creating it on the first save), or refreshes its computed figures first
// (action=refresh) and shows what changed.
func (s *Server) annualSave(w http.ResponseWriter, r *http.Request) {
	st, ok := s.annualPost(w, r)
	if !ok {
		return
	}
	rep, entered, problems := parseAnnualForm(r.PostForm, st.Report)
	refresh := r.PostFormValue("action") == "refresh"
	changes, err := s.saveAnnualEdit(r, s.currentUser(r), st, rep, entered, problems, postedVersion(r), refresh)
	var refusal *annualRefusal
	switch {
	case errors.As(err, &refusal):
		s.annualPage(w, r, errorStatus(err), st, rep, entered, r.PostForm, annualView{Problems: refusal.Problems})
		return
	case err != nil:
		s.userError(w, r, err)
		return
	}
	if !refresh {
		http.Redirect(w, r, r.URL.Path[:len(r.URL.Path)-len("/save")]+"?done=saved", http.StatusSeeOther)
		return
	}
	s.annualPage(w, r, http.StatusOK, st, rep, entered, nil, annualView{Message: refreshMessage(st.version(), changes), Changes: changes})
}

// refreshMessage says what a refresh saved as version.
func refreshMessage(version int, changes []annual.Change) string {
	if len(changes) == 0 {
		return fmt.Sprintf("计算数据与实时数据一致，无需更新；已保存（第 %d 版）。", version)
	}
	return fmt.Sprintf("已按实时数据刷新计算数据并保存（第 %d 版），共更新 %d 处。", version, len(changes))
}

// saveAnnualEdit saves rep, the edited contents of the draft made from version (problems: the inputs that could
// not be read), as the draft's next version, creating the draft on the first save; with refresh, it first re-takes
// the computed figures from the live data (annual.Refresh) and returns what changed. It updates st. A draft under
// review or published is refused; so are a stale version, unreadable inputs and contents the store refuses
// (*annualRefusal).
func (s *Server) saveAnnualEdit(r *http.Request, u *disclosure.User, st *annualState, rep *report.Report, entered, problems []string, version int, refresh bool) ([]annual.Change, error) {
	if !st.Access.edit {
		return nil, disclosure.Errorf(disclosure.EForbidden, "您无权修改该单位的年度报告")
	}
	if st.status() == disclosure.AnnualInReview || st.status() == disclosure.AnnualPublished {
		return nil, disclosure.Errorf(disclosure.EConflict, "该报告%s，不能直接修改", disclosure.AnnualStatusNames[st.status()])
	}
	if err := checkVersion(version, st); err != nil {
		return nil, refusalOf(err)
	}
	if len(problems) > 0 {
		return nil, refuse(disclosure.EInvalid, problems, nil)
	}
	var changes []annual.Change
	if refresh {
		changes = annual.Refresh(rep, st.Live, entered)
	}
	if err := s.saveAnnual(r, u, st, rep, entered); err != nil {
		return nil, refusalOf(err)
	}
	return changes, nil
}

func encodeReport(rep *report.Report) (json.RawMessage, error) {
	return json.Marshal(rep)
}

// saveAnnual stores rep as the next version of the state's draft (the first, if none is stored) and updates st.
func (s *Server) saveAnnual(r *http.Request, u *disclosure.User, st *annualState, rep *report.Report, entered []string) error {
	data, err := encodeReport(rep)
	if err != nil {
		return err
	}
	stored := &disclosure.AnnualReport{AgencyID: st.Agency.ID, Year: st.Year, Era: string(rep.Era), Source: "console", Data: data, Entered: entered}
	if st.Stored != nil {
		stored.ID, stored.Version = st.Stored.ID, st.Stored.Version
	}
	if err := s.db.SaveAnnualDraft(r.Context(), actorOf(u, r), stored); err != nil {
		return err
	}
	st.Stored, st.Report, st.Entered = stored, rep, entered
	return nil
}

// annualSubmit submits the saved draft for review, if it has no error left.
func (s *Server) annualSubmit(w http.ResponseWriter, r *http.Request) {
	st, ok := s.annualPost(w, r)
	if !ok {
		return
	}
	if !s.annualStepDone(w, r, st, s.submitAnnual(r, s.currentUser(r), st, postedVersion(r))) {
		return
	}
	http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/submit")+"?done=submitted", http.StatusSeeOther)
}

// annualStepDone answers a refused step of the review: the editor with the findings when they are the reason, the
// error page otherwise. It reports whether the step was done.
func (s *Server) annualStepDone(w http.ResponseWriter, r *http.Request, st *annualState, err error) bool {
	var refusal *annualRefusal
	switch {
	case err == nil:
		return true
	case errors.As(err, &refusal) && refusal.Findings != nil:
		s.annualPage(w, r, errorStatus(err), st, st.Report, st.Entered, nil, annualView{Findings: refusal.Findings, Problems: refusal.Problems})
	default:
		s.userError(w, r, err)
	}
	return false
}

// submitAnnual submits the saved draft, made from version, for review, if it has no error left.
func (s *Server) submitAnnual(r *http.Request, u *disclosure.User, st *annualState, version int) error {
	if !st.Access.edit {
		return disclosure.Errorf(disclosure.EForbidden, "您无权修改该单位的年度报告")
	}
	if st.Stored == nil {
		return disclosure.Errorf(disclosure.EInvalid, "请先保存报告，再提交审核")
	}
	if err := checkVersion(version, st); err != nil {
		return err
	}
	if fs := s.annualFindings(st, st.Report, st.Entered); report.HasErrors(fs) {
		errs, _ := countSeverity(fs)
		return refuse(disclosure.EConflict, []string{fmt.Sprintf("报告还有 %d 处错误（见检查结果），改正并保存后才能提交审核。", errs)}, fs)
	}
	_, err := s.db.SubmitAnnualReport(r.Context(), actorOf(u, r), st.Stored.ID, st.Stored.Version)
	return err
}

// annualApprove publishes the report under review: an approver other than the submitter, and no error left. The
// publication date (and the signature's, if none) is the day of approval.
func (s *Server) annualApprove(w http.ResponseWriter, r *http.Request) {
	st, ok := s.annualPost(w, r)
	if !ok {
		return
	}
	if !s.annualStepDone(w, r, st, s.approveAnnual(r, s.currentUser(r), st, postedVersion(r))) {
		return
	}
	http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/approve")+"?done=published", http.StatusSeeOther)
}

// approveAnnual approves and publishes the report under review, made from version: an approver other than the
// submitter, once the year has ended, and no error left. The publication date (and the signature's, if none) is
// the day of approval. Publishing puts it in the portal's 年报 room and sends the report's event to webhooks (the
// store's PublishAnnualReport).
func (s *Server) approveAnnual(r *http.Request, u *disclosure.User, st *annualState, version int) error {
	if !st.Access.approve {
		return disclosure.Errorf(disclosure.EForbidden, "年度报告须由审批领导审批发布")
	}
	if st.status() != disclosure.AnnualInReview {
		return disclosure.Errorf(disclosure.EConflict, "只有审核中的报告可以发布")
	}
	if err := annual.Publishable(st.Year, s.today()); err != nil {
		return err
	}
	if err := checkVersion(version, st); err != nil {
		return err
	}
	if fs := s.annualFindings(st, st.Report, st.Entered); report.HasErrors(fs) {
		errs, _ := countSeverity(fs)
		return refuse(disclosure.EConflict, []string{fmt.Sprintf("报告还有 %d 处错误，不能发布；请退回修改。", errs)}, fs)
	}
	rep := *st.Report
	today := s.today().String()
	rep.Published = today
	if rep.Signed == "" {
		rep.Signed = today
	}
	data, err := encodeReport(&rep)
	if err != nil {
		return err
	}
	_, err = s.db.PublishAnnualReport(r.Context(), actorOf(u, r), st.Stored.ID, st.Stored.Version, data)
	return err
}

// annualReturn returns the report under review to the officer with the approver's comment.
func (s *Server) annualReturn(w http.ResponseWriter, r *http.Request) {
	st, ok := s.annualPost(w, r)
	if !ok {
		return
	}
	if err := s.returnAnnual(r, s.currentUser(r), st, postedVersion(r), r.PostFormValue("comment")); err != nil {
		s.userError(w, r, err)
		return
	}
	http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/return")+"?done=returned", http.StatusSeeOther)
}

// returnAnnual returns the report under review, made from version, to its draft state with the approver's comment
// (required), which is kept and shown to the officer.
func (s *Server) returnAnnual(r *http.Request, u *disclosure.User, st *annualState, version int, comment string) error {
	if !st.Access.approve {
		return disclosure.Errorf(disclosure.EForbidden, "年度报告须由审批领导审核")
	}
	if st.Stored == nil {
		return disclosure.Errorf(disclosure.ENotFound, "该报告尚未保存，没有可退回的内容")
	}
	if err := checkVersion(version, st); err != nil {
		return err
	}
	_, err := s.db.ReturnAnnualReport(r.Context(), actorOf(u, r), st.Stored.ID, st.Stored.Version, comment)
	return err
}

// annualCorrect publishes a correction of a published report: the posted contents, with a mandatory reason, and
// no error left.
func (s *Server) annualCorrect(w http.ResponseWriter, r *http.Request) {
	st, ok := s.annualPost(w, r)
	if !ok {
		return
	}
	rep, entered, problems := parseAnnualForm(r.PostForm, st.Report)
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	err := s.correctAnnual(r, s.currentUser(r), st, rep, entered, problems, reason, postedVersion(r))
	var refusal *annualRefusal
	switch {
	case errors.As(err, &refusal):
		s.annualPage(w, r, errorStatus(err), st, rep, entered, r.PostForm, annualView{Mode: "correct", Reason: reason, Problems: refusal.Problems, Findings: refusal.Findings})
		return
	case err != nil:
		s.userError(w, r, err)
		return
	}
	http.Redirect(w, r, strings.TrimSuffix(r.URL.Path, "/correct")+"?done=corrected", http.StatusSeeOther)
}

// correctAnnual publishes a correction of the published report, made from version: rep, the corrected contents
// (problems: the inputs that could not be read), with the reason (更正说明, published with it), and no error left.
// The earlier version stays readable in the portal.
func (s *Server) correctAnnual(r *http.Request, u *disclosure.User, st *annualState, rep *report.Report, entered, problems []string, reason string, version int) error {
	if !st.Access.edit {
		return disclosure.Errorf(disclosure.EForbidden, "您无权修改该单位的年度报告")
	}
	if st.status() != disclosure.AnnualPublished {
		return disclosure.Errorf(disclosure.EConflict, "只有已发布的报告需要更正；未发布的报告请直接修改")
	}
	reason = strings.TrimSpace(reason)
	if err := checkVersion(version, st); err != nil {
		problems = append(problems, disclosure.ErrorMessage(err))
	}
	if reason == "" {
		problems = append(problems, "请填写更正原因（更正说明），它将与更正后的报告一同公开")
	}
	fs := s.annualFindings(st, rep, entered)
	if len(problems) == 0 && report.HasErrors(fs) {
		errs, _ := countSeverity(fs)
		problems = append(problems, fmt.Sprintf("更正后的报告还有 %d 处错误，不能发布", errs))
	}
	if len(problems) > 0 {
		return refuse(disclosure.EInvalid, problems, fs)
	}
	data, err := encodeReport(rep)
	if err != nil {
		return err
	}
	_, err = s.db.CorrectAnnualReport(r.Context(), actorOf(u, r), st.Stored.ID, st.Stored.Version, data, entered, reason)
	return refusalOf(err)
}

// The editor's form: every text section and every figure, each input labelled by its row and column.

type annualForm struct {
	Title, Preamble string
	Sections        []formSection
	Entered         []string
	FeeEntered      bool
	FeeLive         string
}

type formSection struct {
	ID, Heading, Field, HTMLID, Text string
	Narrative                        bool
	Items                            []formItem
	Tables                           []formTable
}

type formItem struct {
	ID, Label, Field, HTMLID, Text string
	Fee                            bool
}

type formTable struct {
	ID, Caption, HTMLID string
	Columns             []report.Column
	Rows                []formRow
	Computed, Entered   bool
	Wide                bool
}

type formRow struct {
	Label  string
	Header bool
	Indent int
	Cells  []formCell
}

type formCell struct {
	Name, HTMLID, Label, Value string
	Live, LiveHref, LiveLabel  string
	Differs                    bool
}

var idCleaner = strings.NewReplacer(".", "_", ":", "-")

func cellField(table, row, col string) string { return "cell:" + table + ":" + row + ":" + col }

func cellID(table, row, col string) string { return "c-" + idCleaner.Replace(table+":"+row+":"+col) }

func buildAnnualForm(rep *report.Report, st *annualState, entered []string, raw url.Values) *annualForm {
	f, _ := report.FormatOf(rep.Era)
	form := &annualForm{Title: rep.Title, Preamble: rep.Preamble, Entered: entered, FeeEntered: slices.Contains(entered, annual.FeeItem), FeeLive: st.Live.FeeText}
	if raw != nil {
		form.Title, form.Preamble = raw.Get("title"), raw.Get("preamble")
	}
	for i, spec := range f.Sections {
		fs := formSection{ID: spec.ID, Heading: render.Numerals[i] + "、" + spec.Heading, Narrative: spec.Narrative, Field: "sec:" + spec.ID, HTMLID: fmt.Sprintf("sec-%d", i+1)}
		sec, _ := rep.Section(spec.ID)
		fs.Text = sec.Text
		if raw != nil {
			fs.Text = raw.Get(fs.Field)
		}
		if spec.ID == "六" && len(f.OtherItems) > 0 {
			for _, is := range f.OtherItems {
				it := formItem{ID: is.ID, Label: is.Number + is.Label, Field: "item:" + is.ID, HTMLID: "item-" + is.ID, Fee: is.ID == "fees"}
				for _, x := range sec.Items {
					if x.ID == is.ID {
						it.Text = x.Text
					}
				}
				if raw != nil {
					it.Text = raw.Get(it.Field)
				}
				fs.Items = append(fs.Items, it)
			}
		}
		for ti := range f.Tables {
			t := &f.Tables[ti]
			if t.Section != spec.ID {
				continue
			}
			fs.Tables = append(fs.Tables, buildFormTable(t, rep, st, entered, raw))
		}
		form.Sections = append(form.Sections, fs)
	}
	return form
}

func buildFormTable(t *report.TableSpec, rep *report.Report, st *annualState, entered []string, raw url.Values) formTable {
	ft := formTable{ID: t.ID, HTMLID: "t-" + idCleaner.Replace(t.ID), Columns: t.Columns, Entered: slices.Contains(entered, t.ID), Wide: len(t.Columns) > 8}
	switch {
	case t.Caption != "":
		ft.Caption = t.Caption
	case t.ID == report.TableRequests:
		ft.Caption = "收到和处理政府信息公开申请情况"
	default:
		ft.Caption = "政府信息公开行政复议、行政诉讼情况"
	}
	for _, row := range t.Rows {
		fr := formRow{Label: row.Label, Header: row.Header}
		if fr.Label == "" {
			fr.Label = "案件数"
		}
		if row.Parent != "" {
			fr.Indent = 1
			if p, ok := t.Row(row.Parent); ok && p.Parent != "" {
				fr.Indent = 2
			}
		}
		if !row.Header {
			for _, col := range t.Columns {
				c := formCell{Name: cellField(t.ID, row.ID, col.ID), HTMLID: cellID(t.ID, row.ID, col.ID), Label: t.RowPath(row) + " · " + col.Path()}
				if row.Label == "" {
					c.Label = "案件数 · " + col.Path()
				}
				v, has := rep.Value(t.ID, row.ID, col.ID)
				if has {
					c.Value = report.FormatNumber(v)
				}
				if raw != nil {
					c.Value = raw.Get(c.Name)
				}
				if lv, ok := st.Live.Tables[t.ID][row.ID][col.ID]; ok {
					ft.Computed = true
					c.Live = report.FormatNumber(lv)
					c.Differs = !has || lv != v
					c.LiveLabel = c.Label + "的实时统计"
					switch t.ID {
					case report.TableRequests:
						c.LiveHref = "/console/cases?" + url.Values{"view": {"all"}, "agency": {strconv.FormatInt(st.Agency.ID, 10)}, "year": {strconv.Itoa(st.Year)}, "row": {row.ID}, "col": {col.ID}}.Encode()
						c.LiveLabel += "，查看计入的申请"
					case report.TableAppeals:
						kind, result, _ := cutLast(col.ID)
						vals := url.Values{"agency": {strconv.FormatInt(st.Agency.ID, 10)}, "year": {strconv.Itoa(st.Year)}, "kind": {kind}}
						if result != report.ColTotal {
							vals.Set("result", result)
						}
						c.LiveHref = "/console/appeals?" + vals.Encode()
						c.LiveLabel += "，查看计入的案件"
					}
				}
				fr.Cells = append(fr.Cells, c)
			}
		}
		ft.Rows = append(ft.Rows, fr)
	}
	return ft
}

// numberRE is what a figure may be typed as: digits, an optional sign and up to four decimals (no exponent, no
// "NaN" or "Inf", which strconv would accept).
var numberRE = regexp.MustCompile(`^-?\d{1,12}(\.\d{1,4})?$`)

var fullWidth = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9", "．", ".", "－", "-", ",", "", "，", "")

func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
}

// parseAnnualForm reads the editor's form onto a copy of base (which keeps what the form does not hold: era, year,
// agency, dates): title, preamble, every section's text and item, every figure (blank is unstated), and the tables
// entered by hand. problems say, in Chinese, which inputs could not be read; those figures are left unstated.
func parseAnnualForm(form url.Values, base *report.Report) (*report.Report, []string, []string) {
	rep := *base
	f, _ := report.FormatOf(rep.Era)
	var problems []string
	text := func(name, what string) string {
		s := cleanText(form.Get(name))
		if !utf8.ValidString(s) {
			problems = append(problems, what+"含有无法识别的字符，请重新输入")
			return ""
		}
		if n := utf8.RuneCountInString(s); n > maxSectionText {
			problems = append(problems, fmt.Sprintf("%s过长（%d 字，最多 %d 字）", what, n, maxSectionText))
		}
		return s
	}
	rep.Title = text("title", "标题")
	rep.Preamble = text("preamble", "前言")
	rep.Sections = nil
	for _, spec := range f.Sections {
		if !spec.Narrative {
			continue
		}
		sec := report.Section{ID: spec.ID, Text: text("sec:"+spec.ID, "第"+spec.ID+"部分")}
		if spec.ID == "六" {
			for _, is := range f.OtherItems {
				sec.Items = append(sec.Items, report.Item{ID: is.ID, Text: text("item:"+is.ID, "第六部分"+is.Number)})
			}
		}
		if old, ok := base.Section(spec.ID); ok {
			sec.Heading = old.Heading
		}
		rep.Sections = append(rep.Sections, sec)
	}
	rep.Tables = map[string]report.Grid{}
	for i := range f.Tables {
		t := &f.Tables[i]
		g := report.Grid{}
		for _, row := range t.DataRows() {
			for _, col := range t.Columns {
				s := strings.TrimSpace(fullWidth.Replace(form.Get(cellField(t.ID, row.ID, col.ID))))
				if s == "" {
					continue
				}
				if !numberRE.MatchString(s) {
					problems = append(problems, fmt.Sprintf("%s填的“%s”不是数字，请填写阿拉伯数字（没有的填 0）", annual.CellName(t, row, col), truncate(s, 20)))
					continue
				}
				v, err := strconv.ParseFloat(s, 64)
				if err != nil {
					problems = append(problems, fmt.Sprintf("%s填的数字无法识别，请重新填写", annual.CellName(t, row, col)))
					continue
				}
				if g[row.ID] == nil {
					g[row.ID] = map[string]float64{}
				}
				g[row.ID][col.ID] = v
			}
		}
		rep.Tables[t.ID] = g
	}
	var entered []string
	for _, e := range form["entered"] {
		if _, ok := f.Table(e); (ok || e == annual.FeeItem) && !slices.Contains(entered, e) {
			entered = append(entered, e)
		}
	}
	return &rep, entered, problems
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "……"
	}
	return s
}
