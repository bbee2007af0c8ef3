package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fee"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

// caseRow is one line of a case list.
type caseRow struct {
	disclosure.Application
	Agency    string
	Remaining int
	Overdue   bool
	Summary   string
}

// caseViews are the ready-made lists of the officer's dashboard and the case list.
var caseViews = []struct{ Key, Name string }{
	{"open", "办理中"}, {"mine", "我承办的"}, {"due", "5个工作日内到期"}, {"overdue", "已超期"}, {"approval", "待审批"}, {"all", "全部"},
}

// caseFilterOf reads the list's filters from the query, limited to the agencies the account may read.
func (s *Server) caseFilterOf(r *http.Request, u *disclosure.User, visible []int64) (disclosure.CaseFilter, string, error) {
	q := r.URL.Query()
	f := disclosure.CaseFilter{AgencyIDs: visible, Query: q.Get("q"), Limit: 50}
	if id, ok := parseID(q.Get("agency")); ok {
		if !slices.Contains(visible, id) {
			return f, "", disclosure.Errorf(disclosure.EForbidden, "您无权查看该单位的申请")
		}
		f.AgencyIDs = []int64{id}
	}
	if st := q.Get("state"); st != "" {
		f.States = []disclosure.State{disclosure.State(st)}
	}
	if k := q.Get("kind"); k != "" {
		f.Kind = disclosure.ApplicationKind(k)
	}
	f.Outcome, f.ApplicantType, f.Channel = disclosure.Outcome(q.Get("outcome")), disclosure.ApplicantType(q.Get("type")), disclosure.Channel(q.Get("channel"))
	for _, d := range []struct {
		key string
		dst *workday.Date
	}{{"from", &f.ReceivedFrom}, {"to", &f.ReceivedTo}} {
		if v := q.Get(d.key); v != "" {
			date, err := workday.ParseDate(v)
			if err != nil {
				return f, "", disclosure.Errorf(disclosure.EInvalid, "日期“%s”格式不正确，应为 2026-03-02", v)
			}
			*d.dst = date
		}
	}
	if y := q.Get("year"); y != "" {
		year, err := strconv.Atoi(y)
		if err != nil || year < 2008 || year > 2100 {
			return f, "", disclosure.Errorf(disclosure.EInvalid, "年度“%s”不正确", y)
		}
		f.ReportYear, f.ReportRow, f.ReportColumn = year, q.Get("row"), q.Get("col")
	}
	f.Offset = max(0, atoiOr(q.Get("offset"), 0))
	view := q.Get("view")
	cal := s.calendar(r.Context())
	today := s.today()
	switch view {
	case "", "open":
		view, f.Open = "open", true
	case "mine":
		f.Open, f.AssigneeID = true, &u.ID
	case "due":
		f.DueFrom, f.DueBy = today, cal.Due(today, dashSoonDays, nil).Due
	case "overdue":
		f.DueBy = today.AddDays(-1)
	case "approval":
		f.PendingApproval, f.Open = true, true
	}
	return f, view, nil
}

// consoleCases lists applications with filters: the officer's dashboard views, search, and the cases behind a
// cell of the annual report. ?format=xlsx exports the whole selection.
func (s *Server) consoleCases(w http.ResponseWriter, r *http.Request) {
	u := s.currentUser(r)
	visible, err := s.caseAgencies(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f, view, err := s.caseFilterOf(r, u, visible)
	if err != nil {
		s.userError(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "xlsx" {
		s.exportCases(w, r, f)
		return
	}
	list, total, err := s.db.FindCases(r.Context(), f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows, err := s.caseRows(r.Context(), list)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	agencies, err := s.agenciesByID(r.Context(), visible)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	q := r.URL.Query()
	q.Set("format", "xlsx")
	q.Del("offset")
	next := ""
	if f.Offset+len(list) < total {
		nq := r.URL.Query()
		nq.Set("offset", strconv.Itoa(f.Offset+len(list)))
		next = "/console/cases?" + nq.Encode()
	}
	s.render(w, r, http.StatusOK, "cases", "依申请公开", map[string]any{
		"Rows": rows, "Total": total, "View": view, "Views": caseViews, "Q": r.URL.Query(), "Export": "/console/cases?" + q.Encode(), "Next": next,
		"States": disclosure.StateNames, "Agencies": agencies, "CanIntake": hasRole(u, disclosure.Officer), "Filter": f,
		"CellLabel": cellLabel(f),
	})
}

// cellLabel names the report cell a list was opened from.
func cellLabel(f disclosure.CaseFilter) string {
	if f.ReportYear == 0 {
		return ""
	}
	row := f.ReportRow
	if o := disclosure.Outcome(row); o.Valid() {
		s, _ := o.Spec()
		row = s.Name
	}
	names := map[string]string{"new": "本年新收", "carried_over": "上年结转", "carry_forward": "结转下年度", "total": "办理结果总计", "other": "其他处理"}
	if n, ok := names[row]; ok {
		row = n
	}
	col := "总计"
	if t := disclosure.ApplicantType(f.ReportColumn); t.Name() != "" {
		col = t.Name()
	}
	return fmt.Sprintf("%d年度报告第三部分“%s”行、“%s”列", f.ReportYear, row, col)
}

func (s *Server) caseRows(ctx context.Context, list []disclosure.Application) ([]caseRow, error) {
	cal := s.calendar(ctx)
	today := s.today()
	names := map[int64]string{}
	var rows []caseRow
	for _, a := range list {
		if _, ok := names[a.AgencyID]; !ok {
			ag, err := s.db.GetAgency(ctx, a.AgencyID)
			if err != nil {
				return nil, err
			}
			names[a.AgencyID] = ag.Name
		}
		row := caseRow{Application: a, Agency: names[a.AgencyID], Summary: summary(a.Request)}
		if !a.State.Closed() && !a.Due.IsZero() {
			row.Remaining = cal.WorkdaysBetween(today, a.Due)
			row.Overdue = a.Due.Before(today)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func summary(r disclosure.Request) string {
	s := r.Title
	if s == "" {
		s = r.Description
	}
	s = strings.Join(strings.Fields(s), " ")
	if rs := []rune(s); len(rs) > 40 {
		s = string(rs[:40]) + "……"
	}
	return s
}

func (s *Server) agenciesByID(ctx context.Context, ids []int64) ([]*disclosure.Agency, error) {
	var out []*disclosure.Agency
	for _, id := range ids {
		a, err := s.db.GetAgency(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func hasRole(u *disclosure.User, role disclosure.Role) bool {
	return slices.ContainsFunc(u.Grants, func(g disclosure.Grant) bool { return g.Role == role })
}

// errorStatus is the HTTP status of an error users can act on (500 for anything else).
func errorStatus(err error) int {
	status := map[string]int{disclosure.EInvalid: http.StatusUnprocessableEntity, disclosure.ENotFound: http.StatusNotFound,
		disclosure.EConflict: http.StatusConflict, disclosure.EForbidden: http.StatusForbidden}[disclosure.ErrorCode(err)]
	if status == 0 {
		return http.StatusInternalServerError
	}
	return status
}

// userError shows an error the user can act on in the error page, with the right status.
func (s *Server) userError(w http.ResponseWriter, r *http.Request, err error) {
	status := errorStatus(err)
	if status == http.StatusInternalServerError {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "error", "无法完成操作", errorPage{"无法完成操作", disclosure.ErrorMessage(err)})
}

// loadCase reads the case of the path and checks the account may read it; who is what it may do.
func (s *Server) loadCase(w http.ResponseWriter, r *http.Request) (*disclosure.Case, *disclosure.Agency, casework.Who, bool) {
	c, a, ok := loadOwned(s, w, r, "id", s.db.GetCase, func(c *disclosure.Case) int64 { return c.AgencyID })
	if !ok {
		return nil, nil, 0, false
	}
	who, read := s.caseRoles(r.Context(), s.currentUser(r), a)
	if !read {
		s.errorPage(w, r, http.StatusForbidden)
		return nil, nil, 0, false
	}
	return c, a, who, true
}

// loadOwned reads the record whose ID is the path's param, and its agency: 404 for an ID that is not a number or
// not there, 500 for any other failure (the page is written then, and ok is false).
func loadOwned[T any](s *Server, w http.ResponseWriter, r *http.Request, param string, get func(context.Context, int64) (T, error), agencyOf func(T) int64) (rec T, a *disclosure.Agency, ok bool) {
	id, ok := parseID(r.PathValue(param))
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return rec, nil, false
	}
	rec, err := get(r.Context(), id)
	if disclosure.ErrorCode(err) == disclosure.ENotFound {
		s.errorPage(w, r, http.StatusNotFound)
		return rec, nil, false
	}
	if err == nil {
		a, err = s.db.GetAgency(r.Context(), agencyOf(rec))
	}
	if err != nil {
		s.serverError(w, r, err)
		return rec, nil, false
	}
	return rec, a, true
}

// actionForm is one action offered on a case page, with the inputs it needs.
type actionForm struct {
	casework.Transition
	Inputs []string
}

// actionInputs are the form inputs of each action beyond the note.
var actionInputs = map[casework.Action][]string{
	casework.RequestFix:       {"items", "via"},
	casework.ReceiveFix:       {"date", "note"},
	casework.Consult:          {"party", "items", "via"},
	casework.EndConsult:       {"date", "note"},
	casework.RequestExtension: {"days", "note"},
	casework.RejectExtension:  {"note"},
	casework.IssueFee:         {"fee", "via"},
	casework.FeePaid:          {"date"},
	casework.FeeWaived:        {"note"},
	casework.DraftReply:       {"reply"},
	casework.RejectReply:      {"note"},
	casework.SendReply:        {"date"},
	casework.RecordDelivery:   {"date", "note"},
	casework.Withdraw:         {"date", "note"},
	casework.Assign:           {"assignee"},
	casework.AddNote:          {"note"},
	casework.NoticeDelivered:  {"date"},
	casework.AskReasons:       {"via"},
	casework.ReasonsReceived:  {"date", "reasons", "note"},
	casework.RegisterReferral: {"date"},
}

// consoleCase is a case's page: the application, the deadline and how it was reached, the history, the notices
// and files, the reply draft with a preview of its notice, reconsiderations and lawsuits, and the actions the
// account may take now.
func (s *Server) consoleCase(w http.ResponseWriter, r *http.Request) {
	c, a, who, ok := s.loadCase(w, r)
	if !ok {
		return
	}
	var warnings []string
	if msg := s.sessions.PopString(r.Context(), "case_warnings"); msg != "" {
		warnings = strings.Split(msg, "\n")
	}
	s.renderCase(w, r, c, a, who, http.StatusOK, "", warnings)
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, c *disclosure.Case, a *disclosure.Agency, who casework.Who, status int, msg string, warnings []string) {
	ctx := r.Context()
	events, err := s.db.CaseEvents(ctx, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	notices, err := s.db.CaseNotices(ctx, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	files, err := s.db.CaseFiles(ctx, c.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	appeals, err := s.db.ListAppeals(ctx, store.AppealFilter{ApplicationID: &c.ID})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// The page shows the applicant's personal data as the account's roles allow, the reply's preview included.
	view := s.personalView(ctx, s.currentUser(r), a)
	shown := *c
	shown.Applicant = view.Applicant(c.Applicant)
	c = &shown
	personal := map[string]bool{"id": view.Sees(disclosure.FieldIDNumber), "phone": view.Sees(disclosure.FieldPhone),
		"idproof": view[disclosure.FieldIDNumber] == disclosure.Full}
	cal := s.calendar(ctx)
	today := s.today()
	dl := casework.ComputeDeadline(cal, a.Settings, c.Clock, today)
	var actions []actionForm
	if who != 0 {
		for _, t := range casework.Allowed(c, a.Settings, who) {
			actions = append(actions, actionForm{Transition: t, Inputs: actionInputs[t.Action]})
		}
	}
	env, err := s.caseEnv(r, a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var preview *casework.NoticeText
	if c.Reply != nil && !c.State.Closed() {
		p, err := casework.PreviewReply(c, env, s.templateLookup(ctx, a.ID), today)
		if err == nil {
			preview = &p
		}
	}
	officers, err := s.db.ListGrants(ctx, disclosure.GrantFilter{AgencyID: &a.ID, Role: disclosure.Officer})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var assignees []*disclosure.User
	for _, g := range officers {
		if u, err := s.db.GetUser(ctx, g.UserID); err == nil {
			assignees = append(assignees, u)
		}
	}
	var transferTargets []*disclosure.Agency
	if all, err := s.db.ListAgencies(ctx, nil); err == nil {
		for _, x := range all {
			if x.ID != a.ID && x.Kind != disclosure.SubordinateUnit {
				transferTargets = append(transferTargets, x)
			}
		}
	}
	outcomes := disclosure.Outcomes()
	if c.Kind == disclosure.CorrectionRequest {
		outcomes = disclosure.CorrectionOutcomes()[:3]
	}
	fixLimit := cal.Due(c.ReceivedOn, 7, nil).Due
	s.render(w, r, status, "case", "申请 "+c.Number, map[string]any{
		"Case": c, "Agency": a, "Events": events, "Notices": notices, "Files": files, "Appeals": appeals, "Deadline": dl,
		"Remaining": dl.Remaining(cal, today), "Actions": actions, "StepWarnings": casework.StepWarnings(c, today), "Preview": preview, "Assignees": assignees, "Targets": transferTargets,
		"Outcomes": outcomes, "Error": msg, "Warnings": warnings, "Today": today, "FixLimit": fixLimit, "Loc": s.cfg.Location,
		"FeeMethods": []fee.Method{fee.PerCase, fee.PerPage}, "AppealKinds": disclosure.AppealKindNames, "AppealResults": disclosure.AppealResultNames,
		"CanAct": who != 0, "MaxExtension": a.Settings.WithDefaults().ExtensionWorkingDays,
		"Art44": s.art44(r, c, a), "Personal": personal,
	})
}

// templateLookup gives casework the agency's own templates.
func (s *Server) templateLookup(ctx context.Context, agencyID int64) func(key string) (casework.Template, error) {
	own, err := s.db.NoticeTemplates(ctx, agencyID)
	return func(key string) (casework.Template, error) {
		if err != nil {
			return casework.Template{}, err
		}
		for _, t := range own {
			if t.Key == key {
				return casework.Template{Key: key, Title: t.Title, Body: t.Body}, nil
			}
		}
		return casework.Template{}, nil
	}
}

// caseStep applies the action of the form to the case.
func (s *Server) caseStep(w http.ResponseWriter, r *http.Request) {
	c, a, who, ok := s.loadCase(w, r)
	if !ok {
		return
	}
	if who == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	cmd, err := commandFromForm(r)
	if err == nil {
		var warnings []string
		if _, warnings, err = s.stepCase(r, s.currentUser(r), c, a, who, cmd); err == nil && len(warnings) > 0 {
			// Warnings (a late 补正 notice) are recorded with the event and shown once on the next page.
			s.sessions.Put(r.Context(), "case_warnings", strings.Join(warnings, "\n"))
		}
	}
	if err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		fresh, gerr := s.db.GetCase(r.Context(), c.ID)
		if gerr != nil {
			s.serverError(w, r, gerr)
			return
		}
		s.renderCase(w, r, fresh, a, who, errorStatus(err), disclosure.ErrorMessage(err), nil)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/console/cases/%d#top", c.ID), http.StatusSeeOther)
}

// stepCase applies one workflow step to the case for the account u, which holds the casework roles who for the
// case's agency: the console's case page and the JSON API both take steps through it, so the transition table, the
// checks, the audit record, the notices and the e-mails are the same. It returns the change and the warnings
// recorded with the event (a late 补正 notice).
func (s *Server) stepCase(r *http.Request, u *disclosure.User, c *disclosure.Case, a *disclosure.Agency, who casework.Who, cmd casework.Command) (*disclosure.CaseChange, []string, error) {
	cmd.Actor, cmd.Today, cmd.Now = caseActor(u, who), s.today(), s.now()
	env, err := s.caseEnv(r, a)
	if err != nil {
		return nil, nil, err
	}
	ch, err := s.db.UpdateCase(r.Context(), actorOf(u, r), c.ID, casework.Step(cmd, env))
	if err != nil {
		return nil, nil, err
	}
	var data struct{ Warnings []string }
	json.Unmarshal(ch.Event.Data, &data)
	return ch, data.Warnings, nil
}

// commandFromForm reads a case action's form.
func commandFromForm(r *http.Request) (casework.Command, error) {
	r.ParseForm()
	return commandFromValues(r.PostForm)
}

// commandFromValues reads a case action's fields, named as the case page's form names them.
func commandFromValues(form url.Values) (casework.Command, error) {
	v := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	cmd := casework.Command{Action: casework.Action(v("action")), Note: form.Get("note"), Items: form.Get("items"),
		Party: v("party"), PartyKind: v("party_kind"), Version: atoiOr(v("version"), 0), Correction: v("correction")}
	if d := v("date"); d != "" {
		date, err := workday.ParseDate(d)
		if err != nil {
			return cmd, disclosure.Errorf(disclosure.EInvalid, "日期“%s”格式不正确，应为 2026-03-02", d)
		}
		cmd.Date = date
	}
	if d := v("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			return cmd, disclosure.Errorf(disclosure.EInvalid, "延长的工作日数应为整数")
		}
		cmd.Days = n
	}
	if m := v("fee_method"); m != "" {
		cmd.FeeMethod = fee.Method(m)
		n, err := strconv.Atoi(v("fee_units"))
		if err != nil {
			return cmd, disclosure.Errorf(disclosure.EInvalid, "请填写件数或页数（整数）")
		}
		cmd.FeeUnits = n
	}
	if id, ok := parseID(v("assignee")); ok {
		cmd.AssigneeID = &id
	}
	cmd.Via = v("via")
	cmd.Accepted = v("accepted") == "yes"
	if d := v("until"); d != "" {
		until, err := workday.ParseDate(d)
		if err != nil {
			return cmd, disclosure.Errorf(disclosure.EInvalid, "确定的答复期限“%s”格式不正确，应为 2026-03-02", d)
		}
		cmd.Until = until
	}
	if o := v("outcome"); o != "" {
		outcome, basis, _ := strings.Cut(o, "|")
		cmd.Reply = disclosure.ReplyDraft{Outcome: disclosure.Outcome(outcome), Basis: basis, Reasons: form.Get("reasons"), Provided: form.Get("provided"),
			TransferName: v("transfer_name"), TransferContact: v("transfer_contact")}
		if id, ok := parseID(v("transfer_to")); ok {
			cmd.Reply.TransferTo = &id
		}
	}
	return cmd, nil
}

// caseNotice sends a notice of the case as PDF or Word.
func (s *Server) caseNotice(w http.ResponseWriter, r *http.Request) {
	if c, _, _, ok := s.loadCase(w, r); ok {
		s.serveCaseNotice(w, r, c, false)
	}
}

// caseFile sends a file of the case.
func (s *Server) caseFile(w http.ResponseWriter, r *http.Request) {
	c, a, _, ok := s.loadCase(w, r)
	if !ok {
		return
	}
	// A copy of the applicant's identity document shows the whole identity number: only an account that may see
	// the number whole may download it.
	s.serveCaseFile(w, r, c, false, s.personalView(r.Context(), s.currentUser(r), a)[disclosure.FieldIDNumber] == disclosure.Full)
}

// caseUpload attaches a file to the case (the material of a correction, the information provided, a document).
func (s *Server) caseUpload(w http.ResponseWriter, r *http.Request) {
	allowUpload(w, r)
	c, a, who, ok := s.loadCase(w, r)
	if !ok {
		return
	}
	if who == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.renderCase(w, r, c, a, who, http.StatusRequestEntityTooLarge, "上传的文件不能超过 5 MB", nil)
		return
	}
	if _, err := s.addCaseUpload(r, s.currentUser(r), c, r.PostFormValue("kind"), r.PostFormValue("appeal")); err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		s.renderCase(w, r, c, a, who, http.StatusUnprocessableEntity, disclosure.ErrorMessage(err), nil)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/console/cases/%d#files", c.ID), http.StatusSeeOther)
}

// addCaseUpload attaches the file of the parsed multipart form's "file" field to the case, as the account u, with
// the kind asked for (a document when unknown) or as a document of the appeal: the console's case page and the
// JSON API both upload through it.
func (s *Server) addCaseUpload(r *http.Request, u *disclosure.User, c *disclosure.Case, kind, appeal string) (*disclosure.CaseFile, error) {
	f, err := uploadedFile(r, "file")
	if err == nil && f == nil {
		err = disclosure.Errorf(disclosure.EInvalid, "请选择要上传的文件")
	}
	if err != nil {
		return nil, err
	}
	kinds := map[string]bool{"correction_material": true, "provided": true, "document": true, "id_proof": true, "appeal_document": true}
	f.Kind = kind
	if !kinds[f.Kind] {
		f.Kind = "document"
	}
	if id, ok := parseID(appeal); ok {
		ap, err := s.db.GetAppeal(r.Context(), id)
		if err != nil || ap.ApplicationID == nil || *ap.ApplicationID != c.ID {
			return nil, disclosure.Errorf(disclosure.EInvalid, "所选的复议或诉讼案件不属于本申请")
		}
		f.AppealID, f.Kind = &ap.ID, "appeal_document"
	}
	f.Public = f.Kind == "provided"
	f.ApplicationID = c.ID
	if err := s.db.AddCaseFile(r.Context(), actorOf(u, r), f); err != nil {
		return nil, err
	}
	return f, nil
}

// caseAppeal records or updates a reconsideration or lawsuit about the case (section 四).
func (s *Server) caseAppeal(w http.ResponseWriter, r *http.Request) {
	c, a, who, ok := s.loadCase(w, r)
	if !ok {
		return
	}
	if who&casework.ByOfficer == 0 {
		s.errorPage(w, r, http.StatusForbidden)
		return
	}
	r.ParseForm()
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	ap := &disclosure.Appeal{AgencyID: a.ID, ApplicationID: &c.ID, Kind: disclosure.AppealKind(v("kind")), Body: v("body"), CaseNumber: v("case_number"),
		Result: disclosure.AppealResult(v("result")), Note: r.PostFormValue("note")}
	var err error
	if id, ok := parseID(v("appeal_id")); ok {
		old, gerr := s.db.GetAppeal(r.Context(), id)
		if gerr != nil || old.ApplicationID == nil || *old.ApplicationID != c.ID {
			s.errorPage(w, r, http.StatusNotFound)
			return
		}
		ap.ID, ap.Version = id, atoiOr(v("version_"+strconv.FormatInt(id, 10)), 0)
	}
	for _, d := range []struct {
		key string
		dst *workday.Date
	}{{"filed_on", &ap.FiledOn}, {"decided_on", &ap.DecidedOn}} {
		if x := v(d.key); x != "" && err == nil {
			if *d.dst, err = workday.ParseDate(x); err != nil {
				err = disclosure.Errorf(disclosure.EInvalid, "日期“%s”格式不正确，应为 2026-03-02", x)
			}
		}
	}
	if err == nil && ap.FiledOn.After(s.today()) {
		err = disclosure.Errorf(disclosure.EInvalid, "申请复议或起诉的日期不能晚于今天")
	}
	if err == nil {
		err = s.db.SaveAppeal(r.Context(), actorOf(s.currentUser(r), r), ap, casework.AppealStep(v("correction")))
	}
	if err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		s.renderCase(w, r, c, a, who, http.StatusUnprocessableEntity, disclosure.ErrorMessage(err), nil)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/console/cases/%d#appeals", c.ID), http.StatusSeeOther)
}
