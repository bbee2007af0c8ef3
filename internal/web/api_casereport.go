package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
)

type caseReportOutput struct {
	Body struct {
		AgencyID int64            `json:"agency_id"`
		Agency   string           `json:"agency"`
		Year     int              `json:"year"`
		Report   *report.Report   `json:"report" doc:"年度报告 JSON 格式（docs/report-json.md）的第三、四部分：tables.s3 收到和处理申请情况，tables.s4 行政复议和行政诉讼情况，按行、列的英文键"`
		Findings []report.Finding `json:"findings" doc:"与上一年度衔接等检查结果"`
	}
}

// registerCaseReportAPI registers the year's sections 三 and 四 computed from the live cases, as the console's
// 年度报告第三、四部分 shows them: where an application a program filed and answered is counted.
func (s *Server) registerCaseReportAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{OperationID: "get-case-report", Method: http.MethodGet, Path: "/api/v1/case-report",
		Summary:     "依申请公开统计（年度报告第三、四部分）",
		Description: "按在办和已办结的申请实时计算某单位某年度的年度报告第三部分（收到和处理政府信息公开申请情况）和第四部分（行政复议、行政诉讼情况），格式同年度报告 JSON。",
		Security:    security,
	}, func(ctx context.Context, in *struct {
		Agency int64 `query:"agency" doc:"单位编号（默认为账号的第一个单位）" example:"2"`
		Year   int   `query:"year" doc:"年度（默认为今年）" minimum:"2008" maximum:"2100" example:"2025"`
	}) (*caseReportOutput, error) {
		r, _ := ctx.Value(apiRequestKey{}).(*http.Request)
		u, _ := ctx.Value(apiUserKey{}).(*disclosure.User)
		visible, err := s.caseAgencies(r, u)
		if err != nil {
			return nil, s.apiError(err)
		}
		if len(visible) == 0 || in.Agency != 0 && !slices.Contains(visible, in.Agency) {
			return nil, huma.Error403Forbidden("该账号无权查看这个单位的申请")
		}
		agencyID := visible[0]
		if in.Agency != 0 {
			agencyID = in.Agency
		}
		year := in.Year
		if year == 0 {
			year = s.today().Year
		}
		a, err := s.db.GetAgency(ctx, agencyID)
		if err != nil {
			return nil, s.apiError(err)
		}
		build := func(y int) (*report.Report, error) {
			req, err := s.db.RequestCounts(ctx, []int64{agencyID}, y)
			if err != nil {
				return nil, err
			}
			ap, err := s.db.AppealCounts(ctx, []int64{agencyID}, y)
			if err != nil {
				return nil, err
			}
			return casework.ReportFromCases(y, req, ap), nil
		}
		rep, err := build(year)
		if err != nil {
			return nil, s.apiError(err)
		}
		prev, err := build(year - 1)
		if err != nil {
			return nil, s.apiError(err)
		}
		rep.Agency = a.Name
		out := &caseReportOutput{}
		out.Body.AgencyID, out.Body.Agency, out.Body.Year, out.Body.Report = a.ID, a.Name, year, rep
		out.Body.Findings = casework.CaseFindings(rep, prev)
		if out.Body.Findings == nil {
			out.Body.Findings = []report.Finding{}
		}
		return out, nil
	})
}
