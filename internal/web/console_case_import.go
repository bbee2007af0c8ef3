package web

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/casexlsx"
	"github.com/gongkai/gongkai/internal/disclosure"
)

// maxImport is the largest spreadsheet of historical cases accepted.
const maxImport = 20 << 20

// exportCases sends the cases the filter selects as an XLSX workbook (at most 100,000), with each applicant's
// personal data as the account's roles for the case's agency allow (a supervisor's has no personal columns).
func (s *Server) exportCases(w http.ResponseWriter, r *http.Request, f disclosure.CaseFilter) {
	ctx := r.Context()
	f.Limit, f.Offset = 1000, 0
	names := map[int64]string{}
	views := map[int64]disclosure.PersonalView{} // by agency: how much of the applicants the account may see
	u := s.currentUser(r)
	users := map[int64]string{}
	today := s.today()
	var rows []casexlsx.ExportRow
	for len(rows) < 100_000 {
		list, _, err := s.db.FindCases(ctx, f)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, a := range list {
			if _, ok := names[a.AgencyID]; !ok {
				ag, err := s.db.GetAgency(ctx, a.AgencyID)
				if err != nil {
					s.serverError(w, r, err)
					return
				}
				names[a.AgencyID] = ag.Name
				views[a.AgencyID] = s.personalView(ctx, u, ag)
			}
			row := casexlsx.ExportRow{App: a, Agency: names[a.AgencyID], View: views[a.AgencyID],
				Overdue: !a.State.Closed() && !a.Due.IsZero() && a.Due.Before(today)}
			if a.AssigneeID != nil {
				if _, ok := users[*a.AssigneeID]; !ok {
					if u, err := s.db.GetUser(ctx, *a.AssigneeID); err == nil {
						users[*a.AssigneeID] = u.DisplayName
					}
				}
				row.Assignee = users[*a.AssigneeID]
			}
			rows = append(rows, row)
		}
		if len(list) < f.Limit {
			break
		}
		f.Offset += f.Limit
	}
	var buf bytes.Buffer
	if err := casexlsx.Export(&buf, rows, s.now().In(s.cfg.Location)); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.db.RecordEvent(ctx, actorOf(u, r), "case.export", "application", ""); err != nil {
		s.serverError(w, r, err)
		return
	}
	sendFile(w, "依申请公开申请-"+today.String()+".xlsx", xlsxType, privateFile, buf.Bytes())
}

// caseImportTemplate sends the spreadsheet template for historical cases.
func (s *Server) caseImportTemplate(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := casexlsx.Template(&buf); err != nil {
		s.serverError(w, r, err)
		return
	}
	sendFile(w, "历史申请导入模板.xlsx", xlsxType, "", buf.Bytes())
}

func (s *Server) caseImportForm(w http.ResponseWriter, r *http.Request) {
	s.renderImport(w, r, http.StatusOK, nil, "", "")
}

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, status int, problems []casexlsx.Problem, msg, done string) {
	agencies, err := s.intakeAgencies(r, s.currentUser(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "case_import", "导入历史申请", map[string]any{"Agencies": agencies, "Problems": problems, "Error": msg, "Done": done})
}

// caseImport reads a filled-in template and imports every row as a case, or none: a file with any problem is
// refused with the list of problems by row and column. Rows received or closed in a year whose report is published
// need a correction reason.
func (s *Server) caseImport(w http.ResponseWriter, r *http.Request) {
	allowUpload(w, r)
	u := s.currentUser(r)
	agencies, err := s.intakeAgencies(r, u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImport+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.renderImport(w, r, http.StatusRequestEntityTooLarge, nil, "文件过大（最大 20 MB），请分批导入", "")
		return
	}
	id, _ := parseID(r.PostFormValue("agency"))
	i := slices.IndexFunc(agencies, func(a *disclosure.Agency) bool { return a.ID == id })
	if i < 0 {
		s.renderImport(w, r, http.StatusUnprocessableEntity, nil, "请选择导入到哪个单位", "")
		return
	}
	a := agencies[i]
	file, _, err := r.FormFile("file")
	if err != nil {
		s.renderImport(w, r, http.StatusUnprocessableEntity, nil, "请选择填好的导入模板（.xlsx 文件）", "")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxImport+1))
	if err != nil || len(data) > maxImport {
		s.renderImport(w, r, http.StatusUnprocessableEntity, nil, "文件过大（最大 20 MB），请分批导入", "")
		return
	}
	rows, problems, err := casexlsx.Parse(bytes.NewReader(data), casework.CheckID)
	if err != nil {
		s.renderImport(w, r, http.StatusUnprocessableEntity, nil, disclosure.ErrorMessage(err), "")
		return
	}
	if len(problems) > 0 {
		s.renderImport(w, r, http.StatusUnprocessableEntity, problems, "文件中有以下问题，未导入任何数据。请改正后重新导入：", "")
		return
	}
	env, err := s.caseEnv(r, a)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	correction := strings.TrimSpace(r.PostFormValue("correction"))
	published := map[int]bool{}
	reports, err := s.db.ListAnnualReports(r.Context(), a.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, rep := range reports {
		published[rep.Year] = rep.Status == "published"
	}
	var changes []*disclosure.CaseChange
	for _, row := range rows {
		row.App.SecretHash = HashSecret(newSecret())
		in := casework.Intake{App: row.App, Actor: caseActor(u, casework.ByOfficer), Today: s.today(), Now: s.now()}
		c, ev, err := casework.ImportedCase(in, env, row.Outcome, row.Basis, row.ClosedOn, row.Note)
		if err != nil {
			problems = append(problems, casexlsx.Problem{Row: row.Row, Column: "办理结果", Message: disclosure.ErrorMessage(err)})
			continue
		}
		ch := &disclosure.CaseChange{Case: *c, Event: ev}
		for _, y := range casework.AffectedYears(&disclosure.Application{}, &c.Application, s.today().Year) {
			if !published[y] {
				continue
			}
			if correction == "" {
				problems = append(problems, casexlsx.Problem{Row: row.Row, Column: "收到日期", Message: "会改变已发布的" + strconv.Itoa(y) + "年度报告的数据；如确需导入，请在“更正原因”中说明"})
				break
			}
			ch.Corrections = append(ch.Corrections, disclosure.ReportCorrection{AgencyID: a.ID, Year: y, Reason: correction})
		}
		changes = append(changes, ch)
	}
	if len(problems) > 0 {
		s.renderImport(w, r, http.StatusUnprocessableEntity, problems, "文件中有以下问题，未导入任何数据。请改正后重新导入：", "")
		return
	}
	if err := s.db.ImportCases(r.Context(), actorOf(u, r), changes); err != nil {
		if disclosure.ErrorCode(err) == disclosure.EInternal {
			s.serverError(w, r, err)
			return
		}
		s.renderImport(w, r, http.StatusUnprocessableEntity, nil, disclosure.ErrorMessage(err), "")
		return
	}
	s.renderImport(w, r, http.StatusOK, nil, "", "已导入 "+strconv.Itoa(len(changes))+" 件申请到"+a.Name+"。")
}
