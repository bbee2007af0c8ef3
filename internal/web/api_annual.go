package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/gongkai/gongkai/internal/annual"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
)

// The annual reports (政府信息公开工作年度报告) behind the JSON API. Every operation calls what the console's editor
// calls (annualRows, annualAt, checkAnnualEdit, saveAnnualEdit, submitAnnual, approveAnnual, returnAnnual,
// correctAnnual), and a report sent as JSON goes through the editor's own form reader (parseAnnualForm): the checks,
// the versions, the audit records and the webhooks' events are the same whether a person clicks or a program calls.

// apiAnnualRow is one line of the console's list of annual reports.
type apiAnnualRow struct {
	AgencyID   int64  `json:"agency_id"`
	Agency     string `json:"agency"`
	Year       int    `json:"year"`
	Status     string `json:"status" doc:"none（未开始）、draft（草稿）、in_review（审核中）、published（已发布）"`
	StatusName string `json:"status_name"`
	Version    int    `json:"version" doc:"当前版本号（未开始为 0）"`
	Deadline   string `json:"deadline" doc:"法定发布期限（《条例》第四十九条）"`
	DaysLeft   int    `json:"days_left" doc:"距发布期限的天数（负数为已逾期）"`
	Late       bool   `json:"late" doc:"未发布且已过发布期限"`
	Href       string `json:"href" doc:"该报告的接口地址"`
}

type annualListOutput struct {
	Body struct {
		Reports []apiAnnualRow `json:"reports"`
	}
}

// apiAnnualChange is a computed figure (or the fee item) that a refresh replaced.
type apiAnnualChange struct {
	Key   string `json:"key" doc:"表/行/列，或 item.fees（第六部分（一））"`
	Where string `json:"where" doc:"按正式标签写明的位置"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// apiAnnualReport is one agency's year as the console's editor shows it.
type apiAnnualReport struct {
	AgencyID   int64  `json:"agency_id"`
	Agency     string `json:"agency"`
	Year       int    `json:"year"`
	Status     string `json:"status" doc:"none（未开始：report 为根据本年数据生成的草稿，尚未保存）、draft、in_review、published"`
	StatusName string `json:"status_name"`
	Version    int    `json:"version" doc:"当前版本号，与 ETag 相同（未开始为 0）"`
	Deadline   string `json:"deadline" doc:"法定发布期限"`
	DaysLeft   int    `json:"days_left" doc:"距发布期限的天数（负数为已逾期）"`
	// Report is the report in the interchange form of docs/report-json.md.
	Report   *report.Report             `json:"report" doc:"报告内容（格式见 docs/report-json.md）"`
	Entered  []string                   `json:"entered" doc:"手工填报的表格（如 s4）和 item.fees：刷新时保留，不与实时统计比较"`
	Findings []report.Finding           `json:"findings" doc:"检查结果：国家格式的勾稽关系、待补充标记（A-1）、与实时统计不一致的计算数据（A-2）、发布期限（A-3）"`
	Errors   int                        `json:"errors" doc:"错误数：有错误时不能提交审核或发布"`
	Warnings int                        `json:"warnings"`
	Actions  []string                   `json:"actions" doc:"本账号现在可以执行的操作：save、refresh、check、submit、approve、return、correct"`
	Changes  []apiAnnualChange          `json:"changes,omitempty" doc:"刷新时更新的计算数据"`
	Message  string                     `json:"message,omitempty"`
	Versions []disclosure.AnnualVersion `json:"versions" doc:"各版本（最新的在前）"`
	Comments []disclosure.AnnualComment `json:"comments" doc:"审核意见"`
	Portal   string                     `json:"portal,omitempty" doc:"已发布的报告在门户网站的地址"`
	Files    map[string]string          `json:"files,omitempty" doc:"已发布报告的文件（pdf、docx、xlsx、md）的接口地址"`
}

type annualOutput struct {
	ETag string `header:"ETag" doc:"报告的版本号；写操作须在 If-Match 中带上"`
	Body apiAnnualReport
}

type annualFindingsOutput struct {
	Body struct {
		Errors   int              `json:"errors"`
		Warnings int              `json:"warnings"`
		Findings []report.Finding `json:"findings"`
	}
}

// annualEdit is edited contents of a report: the report JSON with the tables entered by hand.
type annualEdit struct {
	Report  report.Report `json:"report" doc:"报告（docs/report-json.md 的格式，通常为 GET 答复中的 report 修改后的内容）：标题、前言、各部分文字和第六部分各事项、各表格数字。era、year、agency、signed、published、index_number、figures、printed 和各部分标题由系统维护，须与 GET 答复中的相同"`
	Entered []string      `json:"entered,omitempty" doc:"手工填报的表格（表格编号，如 s4）和 item.fees（第六部分（一）收费情况）：刷新时保留，不与实时统计比较" example:"[\"s4\"]"`
}

// AnnualReportPath names an agency's year: the path of an annual report's operations.
type AnnualReportPath struct {
	Agency int64 `path:"agency" doc:"单位编号" example:"2"`
	Year   int   `path:"year" doc:"报告年度" example:"2025"`
}

// AnnualReportWrite is AnnualReportPath with the version a change was made from (If-Match).
type AnnualReportWrite struct {
	AnnualReportPath
	IfMatch string `header:"If-Match" doc:"报告的版本号（GET 答复的 ETag；尚未保存的报告为 \"0\"）" example:"\"3\""`
}

// annualETag is a report's version as an entity tag ("0": not saved yet).
func annualETag(st *annualState) string { return `"` + strconv.Itoa(st.version()) + `"` }

// apiAnnual loads an agency's year for the calling account, as the console's editor does.
func (s *Server) apiAnnual(ctx context.Context, p AnnualReportPath) (*annualState, error) {
	u, _ := apiCaller(ctx)
	st, err := s.annualAt(ctx, u, p.Agency, p.Year)
	if err != nil {
		return nil, s.apiError(err)
	}
	return st, nil
}

// annualReportView is the state as the editor shows it to the account.
func (s *Server) annualReportView(ctx context.Context, st *annualState) (apiAnnualReport, error) {
	u, _ := apiCaller(ctx)
	status := st.status()
	due := annual.Deadline(st.Agency.Kind, st.Year)
	out := apiAnnualReport{AgencyID: st.Agency.ID, Agency: st.Agency.Name, Year: st.Year, Status: status, StatusName: disclosure.AnnualStatusNames[status],
		Version: st.version(), Deadline: due.String(), DaysLeft: annual.DaysBetween(s.today(), due), Report: st.Report,
		Entered: append([]string{}, st.Entered...), Versions: []disclosure.AnnualVersion{}, Comments: []disclosure.AnnualComment{}, Actions: []string{}}
	if status == "" {
		out.Status, out.StatusName = "none", "未开始"
	}
	out.Findings = append([]report.Finding{}, s.annualFindings(st, st.Report, st.Entered)...)
	out.Errors, out.Warnings = countSeverity(out.Findings)
	steps := st.steps(u)
	for _, a := range []struct {
		name string
		ok   bool
	}{{"save", steps.Edit}, {"refresh", steps.Edit}, {"check", steps.Edit || steps.Correct}, {"submit", steps.Submit},
		{"approve", steps.Approve}, {"return", steps.Approve}, {"correct", steps.Correct}} {
		if a.ok {
			out.Actions = append(out.Actions, a.name)
		}
	}
	if st.Stored != nil {
		versions, err := s.db.AnnualVersions(ctx, st.Stored.ID)
		if err != nil {
			return out, err
		}
		slices.Reverse(versions)
		out.Versions = append(out.Versions, versions...)
		comments, err := s.db.AnnualComments(ctx, st.Stored.ID)
		if err != nil {
			return out, err
		}
		out.Comments = append(out.Comments, comments...)
	}
	if status == disclosure.AnnualPublished {
		out.Portal = fmt.Sprintf("/agencies/%d/reports/%d", st.Agency.ID, st.Year)
		out.Files = map[string]string{}
		for _, f := range reportFormats {
			out.Files[f.Key] = fmt.Sprintf("/api/v1/annual-reports/%d/%d/files/%s", st.Agency.ID, st.Year, f.Key)
		}
	}
	return out, nil
}

// annualAnswer is the report as it is now, read again after a change.
func (s *Server) annualAnswer(ctx context.Context, p AnnualReportPath, changes []annual.Change, message string) (*annualOutput, error) {
	st, err := s.apiAnnual(ctx, p)
	if err != nil {
		return nil, err
	}
	view, err := s.annualReportView(ctx, st)
	if err != nil {
		return nil, s.apiError(err)
	}
	for _, c := range changes {
		view.Changes = append(view.Changes, apiAnnualChange{Key: c.Key, Where: c.Where, Old: c.Old, New: c.New})
	}
	view.Message = message
	return &annualOutput{ETag: annualETag(st), Body: view}, nil
}

// parseAnnualVersion reads an If-Match entity tag ("3", W/"3" or 3; "0" for a report not saved yet).
func parseAnnualVersion(tag string) (int, bool) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	n, err := strconv.Atoi(strings.Trim(tag, `"`))
	return n, err == nil && n >= 0
}

// annualWriteStep runs one change of the report for the calling account: it loads the report, checks the account
// may change it and that If-Match names the current version (428 when missing, 412 when stale), and runs step,
// whose refusals become problem details with the console's words.
func (s *Server) annualWriteStep(ctx context.Context, in AnnualReportWrite, step func(r *http.Request, u *disclosure.User, st *annualState, version int) error) error {
	u, r := apiCaller(ctx)
	st, err := s.apiAnnual(ctx, in.AnnualReportPath)
	if err != nil {
		return err
	}
	if !st.Access.edit {
		return huma.Error403Forbidden("您无权修改该单位的年度报告")
	}
	if strings.TrimSpace(in.IfMatch) == "" {
		return huma.NewError(http.StatusPreconditionRequired, "请在 If-Match 请求头中带上报告的版本号（查看报告时答复的 ETag；尚未保存的报告为 \"0\"），以免覆盖他人的更新")
	}
	version, ok := parseAnnualVersion(in.IfMatch)
	if !ok {
		return huma.Error422UnprocessableEntity("If-Match 应为报告的版本号，如 \"3\"")
	}
	if err := checkVersion(version, st); err != nil {
		return huma.Error412PreconditionFailed(disclosure.ErrorMessage(err))
	}
	if err := step(r, u, st, version); err != nil {
		// The same version check runs inside the step's transaction: a change committed in between is a stale
		// precondition too.
		if fresh, gerr := s.db.GetAnnualReport(ctx, st.Agency.ID, st.Year); gerr == nil && fresh.Version != version {
			return huma.Error412PreconditionFailed(disclosure.ErrorMessage(err))
		}
		return s.annualAPIError(err)
	}
	return nil
}

// annualAPIError answers a refused step: its problems as the detail and, in errors, the errors among the findings
// behind it, or else each problem.
func (s *Server) annualAPIError(err error) error {
	var se huma.StatusError
	if errors.As(err, &se) {
		return err
	}
	var refusal *annualRefusal
	if !errors.As(err, &refusal) {
		return s.apiError(err)
	}
	var details []error
	for _, f := range refusal.Findings {
		if f.Severity == report.Error {
			details = append(details, &huma.ErrorDetail{Message: f.Message, Location: "findings." + f.Rule})
		}
	}
	if refusal.Findings == nil {
		for _, p := range refusal.Problems {
			details = append(details, &huma.ErrorDetail{Message: p, Location: "body.report"})
		}
	}
	return huma.NewError(errorStatus(err), disclosure.ErrorMessage(err), details...)
}

// annualEditOf reads edited contents sent as report JSON the way the editor's form is read: the report becomes the
// form's values and parseAnnualForm reads them onto the stored report, so the same limits and the same Chinese
// problems apply. What the form does not hold (the era, the year, the agency, the dates, the index number, the
// figures quoted from the text, the printed units, the headings) is the system's: a report that changes it is
// refused, never silently cut.
func annualEditOf(st *annualState, in *annualEdit) (*report.Report, []string, []string, error) {
	posted, base := &in.Report, st.Report
	if err := posted.Validate(); err != nil {
		return nil, nil, nil, huma.Error422UnprocessableEntity(err.Error())
	}
	var fixed []string
	for _, c := range []struct {
		name       string
		got, want  any
		emptyEqual bool
	}{
		{"era", posted.Era, base.Era, false}, {"year", posted.Year, base.Year, false}, {"agency", posted.Agency, base.Agency, false},
		{"signed", posted.Signed, base.Signed, false}, {"published", posted.Published, base.Published, false},
		{"index_number", posted.IndexNumber, base.IndexNumber, false},
		{"figures", posted.Figures, base.Figures, true}, {"printed", posted.Printed, base.Printed, true},
	} {
		if c.emptyEqual && reflect.ValueOf(c.got).Len() == 0 && reflect.ValueOf(c.want).Len() == 0 {
			continue
		}
		if !reflect.DeepEqual(c.got, c.want) {
			fixed = append(fixed, c.name)
		}
	}
	for _, sec := range posted.Sections {
		if old, _ := base.Section(sec.ID); sec.Heading != "" && sec.Heading != old.Heading {
			fixed = append(fixed, "sections（第"+sec.ID+"部分的标题 heading）")
		}
	}
	if len(fixed) > 0 {
		return nil, nil, nil, huma.Error422UnprocessableEntity("以下字段由系统维护，不能通过接口修改，请保持与查看报告时答复的内容相同：" + strings.Join(fixed, "、"))
	}
	f, _ := report.FormatOf(base.Era)
	for _, sec := range posted.Sections {
		if spec, ok := f.Section(sec.ID); ok && !spec.Narrative && (strings.TrimSpace(sec.Text) != "" || len(sec.Items) > 0) {
			return nil, nil, nil, huma.Error422UnprocessableEntity(fmt.Sprintf("第%s部分（%s）由表格组成，没有文字内容：其数字请写在 tables 中，文字请写在第一、五、六部分", sec.ID, spec.Heading))
		}
	}
	for _, e := range in.Entered {
		if _, ok := f.Table(e); !ok && e != annual.FeeItem {
			return nil, nil, nil, huma.Error422UnprocessableEntity(fmt.Sprintf("entered 中的“%s”不是该报告格式的表格编号（如 s4），也不是 %s", truncate(e, 20), annual.FeeItem))
		}
	}
	form := url.Values{"title": {posted.Title}, "preamble": {posted.Preamble}}
	for _, sec := range posted.Sections {
		form.Set("sec:"+sec.ID, sec.Text)
		for _, it := range sec.Items {
			form.Set("item:"+it.ID, it.Text)
		}
	}
	for table, g := range posted.Tables {
		for row, cols := range g {
			for col, v := range cols {
				form.Set(cellField(table, row, col), report.FormatNumber(v))
			}
		}
	}
	form["entered"] = in.Entered
	rep, entered, problems := parseAnnualForm(form, base)
	return rep, entered, problems, nil
}

// cloneReport is a deep copy of a report, for a change that must not touch the state's until it is saved.
func cloneReport(rep *report.Report) (*report.Report, error) {
	data, err := json.Marshal(rep)
	if err != nil {
		return nil, err
	}
	return report.Decode(data)
}

// registerAnnualAPI registers the annual reports' operations (APIOperations' /api/v1/annual-reports rows).
func (s *Server) registerAnnualAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{OperationID: "list-annual-reports", Method: http.MethodGet, Path: "/api/v1/annual-reports", Summary: "列出年度报告", Security: security,
		Description: "本账号工作的单位及其年度（近三个报告年度和已有报告的年度），每份报告的状态和法定发布期限，与管理后台的年度报告列表相同。"},
		func(ctx context.Context, in *struct {
			Agency int64  `query:"agency" doc:"单位编号" example:"2"`
			Year   int    `query:"year" doc:"报告年度" example:"2025"`
			Status string `query:"status" enum:"none,draft,in_review,published" doc:"状态" example:"published"`
			Late   bool   `query:"late" doc:"只列未发布且已过发布期限的报告" example:"true"`
		}) (*annualListOutput, error) {
			u, r := apiCaller(ctx)
			rows, err := s.annualRows(r, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &annualListOutput{}
			out.Body.Reports = []apiAnnualRow{}
			for _, x := range rows {
				if (in.Agency != 0 && x.Agency.ID != in.Agency) || (in.Year != 0 && x.Year != in.Year) || (in.Status != "" && x.Status != in.Status) || (in.Late && !x.Late) {
					continue
				}
				due := annual.Deadline(x.Agency.Kind, x.Year)
				out.Body.Reports = append(out.Body.Reports, apiAnnualRow{AgencyID: x.Agency.ID, Agency: x.Agency.Name, Year: x.Year, Status: x.Status, StatusName: x.StatusName,
					Version: x.Version, Deadline: due.String(), DaysLeft: x.DaysLeft, Late: x.Late, Href: fmt.Sprintf("/api/v1/annual-reports/%d/%d", x.Agency.ID, x.Year)})
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "get-annual-report", Method: http.MethodGet, Path: "/api/v1/annual-reports/{agency}/{year}", Summary: "查看年度报告", Security: security,
		Description: "报告（尚未开始时为根据本年数据生成的草稿）、检查结果、状态、各版本、审核意见和本账号现在可以执行的操作，与管理后台的年度报告编辑页相同。ETag 为报告的版本号（尚未保存为 \"0\"）。"},
		func(ctx context.Context, in *AnnualReportPath) (*annualOutput, error) {
			return s.annualAnswer(ctx, *in, nil, "")
		})

	huma.Register(api, huma.Operation{OperationID: "save-annual-report", Method: http.MethodPut, Path: "/api/v1/annual-reports/{agency}/{year}", Summary: "保存年度报告草稿", Security: security,
		Description: "保存修改后的报告为草稿的新版本（第一次保存即创建草稿），与编辑页的“保存”相同：同样的检查和审计记录。" +
			"须在 If-Match 中带上版本号（尚未保存的报告为 \"0\"）：缺少时答复 428，报告已被他人更新时答复 412。答复中有保存后的检查结果。",
		RequestBody: annualEditExample("")},
		func(ctx context.Context, in *struct {
			AnnualReportWrite
			Body annualEdit
		}) (*annualOutput, error) {
			err := s.annualWriteStep(ctx, in.AnnualReportWrite, func(r *http.Request, u *disclosure.User, st *annualState, version int) error {
				rep, entered, problems, err := annualEditOf(st, &in.Body)
				if err != nil {
					return err
				}
				_, err = s.saveAnnualEdit(r, u, st, rep, entered, problems, version, false)
				return err
			})
			if err != nil {
				return nil, err
			}
			return s.annualAnswer(ctx, in.AnnualReportPath, nil, "已保存。")
		})

	huma.Register(api, huma.Operation{OperationID: "refresh-annual-report", Method: http.MethodPost, Path: "/api/v1/annual-reports/{agency}/{year}/refresh", Summary: "刷新计算数据并保存", Security: security,
		Description: "按实时数据（主动公开目录和办件）重新计算第二、三、四部分和第六部分（一），手工填报的表格除外，并保存为新版本，与编辑页的“刷新计算数据”相同；答复中的 changes 是更新的数据。须带 If-Match。"},
		func(ctx context.Context, in *AnnualReportWrite) (*annualOutput, error) {
			var changes []annual.Change
			err := s.annualWriteStep(ctx, *in, func(r *http.Request, u *disclosure.User, st *annualState, version int) error {
				rep, err := cloneReport(st.Report)
				if err != nil {
					return err
				}
				changes, err = s.saveAnnualEdit(r, u, st, rep, st.Entered, nil, version, true)
				return err
			})
			if err != nil {
				return nil, err
			}
			out, err := s.annualAnswer(ctx, in.AnnualReportPath, changes, "")
			if err == nil {
				out.Body.Message = refreshMessage(out.Body.Version, changes)
			}
			return out, err
		})

	huma.Register(api, huma.Operation{OperationID: "check-annual-report", Method: http.MethodPost, Path: "/api/v1/annual-reports/{agency}/{year}/check", Summary: "检查修改中的年度报告（不保存）", Security: security,
		Description: "检查修改后的报告而不保存，与编辑页边写边查的检查结果相同：无法识别的输入、国家格式的勾稽关系、待补充标记、与实时统计的比较和发布期限。",
		RequestBody: annualEditExample("")},
		func(ctx context.Context, in *struct {
			AnnualReportPath
			Body annualEdit
		}) (*annualFindingsOutput, error) {
			st, err := s.apiAnnual(ctx, in.AnnualReportPath)
			if err != nil {
				return nil, err
			}
			if !st.Access.edit {
				return nil, huma.Error403Forbidden("您无权修改该单位的年度报告")
			}
			rep, entered, problems, err := annualEditOf(st, &in.Body)
			if err != nil {
				return nil, err
			}
			out := &annualFindingsOutput{}
			out.Body.Findings = append([]report.Finding{}, s.checkAnnualEdit(st, rep, entered, problems)...)
			out.Body.Errors, out.Body.Warnings = countSeverity(out.Body.Findings)
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "submit-annual-report", Method: http.MethodPost, Path: "/api/v1/annual-reports/{agency}/{year}/submit", Summary: "提交审核", Security: security,
		Description: "把保存的草稿提交审批领导审核，与编辑页的“提交审核”相同；报告还有错误时答复 409，errors 中列出各处错误。须带 If-Match。"},
		func(ctx context.Context, in *AnnualReportWrite) (*annualOutput, error) {
			if err := s.annualWriteStep(ctx, *in, s.submitAnnual); err != nil {
				return nil, err
			}
			return s.annualAnswer(ctx, in.AnnualReportPath, nil, "已提交审核，请审批领导审核发布。")
		})

	huma.Register(api, huma.Operation{OperationID: "approve-annual-report", Method: http.MethodPost, Path: "/api/v1/annual-reports/{agency}/{year}/approve", Summary: "审核通过并发布", Security: security,
		Description: "审批领导（提交人以外的）审核通过审核中的报告并发布，与编辑页的“审核通过并发布”相同：发布日期为当天，报告在政府信息公开专栏的“政府信息公开年报”栏目公开，并推送 annual_report 事件。" +
			"年度未结束的报告不能发布（《条例》第四十九条）。须带 If-Match。"},
		func(ctx context.Context, in *AnnualReportWrite) (*annualOutput, error) {
			if err := s.annualWriteStep(ctx, *in, s.approveAnnual); err != nil {
				return nil, err
			}
			return s.annualAnswer(ctx, in.AnnualReportPath, nil, "已发布：报告已在政府信息公开专栏的“政府信息公开年报”栏目公开。")
		})

	huma.Register(api, huma.Operation{OperationID: "return-annual-report", Method: http.MethodPost, Path: "/api/v1/annual-reports/{agency}/{year}/return", Summary: "退回修改", Security: security,
		Description: "审批领导把审核中的报告退回公开专员修改，附退回意见（必填，保存在审核意见中），与编辑页的“退回修改”相同。须带 If-Match。"},
		func(ctx context.Context, in *struct {
			AnnualReportWrite
			Body struct {
				Comment string `json:"comment" maxLength:"2000" doc:"退回意见（必填）" example:"请补充第五部分存在的主要问题"`
			}
		}) (*annualOutput, error) {
			err := s.annualWriteStep(ctx, in.AnnualReportWrite, func(r *http.Request, u *disclosure.User, st *annualState, version int) error {
				return s.returnAnnual(r, u, st, version, in.Body.Comment)
			})
			if err != nil {
				return nil, err
			}
			return s.annualAnswer(ctx, in.AnnualReportPath, nil, "已退回修改。")
		})

	huma.Register(api, huma.Operation{OperationID: "correct-annual-report", Method: http.MethodPost, Path: "/api/v1/annual-reports/{agency}/{year}/correct", Summary: "发布更正", Security: security,
		Description: "已发布的报告不能直接修改：以更正方式发布修改后的报告，附更正原因（更正说明，与更正后的报告一同公开），与编辑页的“发布更正”相同；原版本仍可在门户查阅。须带 If-Match。",
		RequestBody: annualEditExample("第五部分遗漏了信息更新不及时的问题")},
		func(ctx context.Context, in *struct {
			AnnualReportWrite
			Body struct {
				Report  report.Report `json:"report" doc:"更正后的报告（docs/report-json.md 的格式，通常为 GET 答复中的 report 修改后的内容）；系统维护的字段须与 GET 答复中的相同"`
				Entered []string      `json:"entered,omitempty" doc:"手工填报的表格（如 s4）和 item.fees" example:"[\"s4\"]"`
				Reason  string        `json:"reason" maxLength:"1000" doc:"更正原因（更正说明，必填）：与更正后的报告一同公开" example:"第五部分遗漏了信息更新不及时的问题"`
			}
		}) (*annualOutput, error) {
			err := s.annualWriteStep(ctx, in.AnnualReportWrite, func(r *http.Request, u *disclosure.User, st *annualState, version int) error {
				rep, entered, problems, err := annualEditOf(st, &annualEdit{Report: in.Body.Report, Entered: in.Body.Entered})
				if err != nil {
					return err
				}
				return s.correctAnnual(r, u, st, rep, entered, problems, in.Body.Reason, version)
			})
			if err != nil {
				return nil, err
			}
			return s.annualAnswer(ctx, in.AnnualReportPath, nil, "更正已发布，原版本仍可查阅。")
		})

	huma.Register(api, huma.Operation{OperationID: "get-annual-report-file", Method: http.MethodGet, Path: "/api/v1/annual-reports/{agency}/{year}/files/{format}", Summary: "下载已发布的年度报告", Security: security,
		Description: "已发布报告的 PDF、Word、Excel 或 Markdown 文件，与门户网站“政府信息公开年报”栏目提供的下载相同。",
		Responses: map[string]*huma.Response{"200": {Description: "报告文件", Content: map[string]*huma.MediaType{
			"application/pdf": {}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "text/markdown": {}}}}},
		func(ctx context.Context, in *struct {
			AnnualReportPath
			Format string `path:"format" enum:"pdf,docx,xlsx,md" doc:"文件格式" example:"pdf"`
		}) (*huma.StreamResponse, error) {
			st, err := s.apiAnnual(ctx, in.AnnualReportPath)
			if err != nil {
				return nil, err
			}
			if st.status() != disclosure.AnnualPublished {
				return nil, huma.Error404NotFound("该报告尚未发布：发布后才有公开的报告文件")
			}
			name, contentType, data, err := reportFile(st.Report, in.Format)
			if err != nil {
				return nil, s.apiError(err)
			}
			return &huma.StreamResponse{Body: func(ctx huma.Context) {
				_, w := humago.Unwrap(ctx)
				sendFile(w, name, contentType, "", data)
			}}, nil
		})
}

// annualEditExample documents the request body of the operations that send an edited annual report: an abridged
// report of the test fixture's 平阴县卫生健康局, agency 2 (the fields the system keeps — era, year, agency — as GET
// answers them; the sections' headings, also the system's, left out), the tables entered by hand and, for a
// correction, its reason.
func annualEditExample(reason string) *huma.RequestBody {
	example := map[string]any{
		"report": map[string]any{
			"era":    "2021",
			"year":   2025,
			"agency": "平阴县卫生健康局",
			"title":  "平阴县卫生健康局2025年政府信息公开工作年度报告",
			"sections": []any{
				map[string]any{"id": "一", "text": "2025年，我局认真贯彻落实《中华人民共和国政府信息公开条例》……"},
				map[string]any{"id": "五", "text": "信息更新还不够及时。下一步，我局将……"},
			},
			"tables": map[string]any{
				"s3": map[string]any{"new": map[string]any{"natural_person": 1, "total": 1}},
				"s4": map[string]any{"cases": map[string]any{"review.upheld": 0, "review.total": 0}},
			},
		},
		"entered": []string{"s4"},
	}
	if reason != "" {
		example["reason"] = reason
	}
	return &huma.RequestBody{Content: map[string]*huma.MediaType{"application/json": {Example: example}}}
}
