package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/store"
)

// APIOperation declares one JSON API operation: its path, the token scope it needs (none: open to everyone, without
// a token) and the roles whose accounts may use it. The access matrix test reads this table.
type APIOperation struct {
	Method, Path, Scope string
	Roles               []disclosure.Role // nil: any staff account
	// Console names the console routes (their patterns in Routes) this operation does through the same code path;
	// the coverage test requires one for every console route that changes something.
	Console []string
}

// APIOperations is the whole JSON API.
var APIOperations = []APIOperation{
	{"GET", "/api/v1/agencies", auth.ScopeAgenciesRead, grants[ViewAgencies], nil},
	{"GET", "/api/v1/agencies/{id}", auth.ScopeAgenciesRead, grants[ViewAgencies], nil},
	{"GET", "/api/v1/audit", auth.ScopeAuditRead, grants[ViewAudit], nil},
	{"POST", "/api/v1/reports/check", auth.ScopeReportsCheck, nil, nil},
	{"GET", "/api/v1/items/search", auth.ScopeCatalogueRead, nil, nil},

	// 依申请公开: the officer's side of the console (console_cases.go), through the same functions.
	{"POST", "/api/v1/cases", auth.ScopeCasesWrite, grants[IntakeCases], []string{"POST /console/cases/new"}},
	{"GET", "/api/v1/cases", auth.ScopeCasesRead, grants[ViewCases], nil},
	{"GET", "/api/v1/cases/{id}", auth.ScopeCasesRead, grants[ViewCases], nil},
	{"POST", "/api/v1/cases/{id}/steps", auth.ScopeCasesWrite, grants[HandleCases], []string{"POST /console/cases/{id}/step"}},
	{"GET", "/api/v1/cases/{id}/notices/{nid}/{format}", auth.ScopeCasesRead, grants[ViewCases], nil},
	{"GET", "/api/v1/cases/{id}/files", auth.ScopeCasesRead, grants[ViewCases], nil},
	{"POST", "/api/v1/cases/{id}/files", auth.ScopeCasesWrite, grants[HandleCases], []string{"POST /console/cases/{id}/files"}},
	{"GET", "/api/v1/cases/{id}/files/{fid}", auth.ScopeCasesRead, grants[ViewCases], nil},
	{"GET", "/api/v1/case-report", auth.ScopeCasesRead, grants[ViewCases], nil},
	// The holiday calendar (节假日安排), as the console's page enters it.
	{"POST", "/api/v1/calendar", auth.ScopeAdmin, grants[EditCalendar], []string{"POST /console/calendar"}},

	// 政府信息公开工作年度报告: the console's editor and its review (console_annual.go), through the same functions.
	{"GET", "/api/v1/annual-reports", auth.ScopeReportsRead, grants[ViewAnnual], nil},
	{"GET", "/api/v1/annual-reports/{agency}/{year}", auth.ScopeReportsRead, grants[ViewAnnual], nil},
	{"PUT", "/api/v1/annual-reports/{agency}/{year}", auth.ScopeReportsWrite, grants[EditAnnual], []string{"POST /console/annual/{agency}/{year}/save"}},
	{"POST", "/api/v1/annual-reports/{agency}/{year}/refresh", auth.ScopeReportsWrite, grants[EditAnnual], []string{"POST /console/annual/{agency}/{year}/save"}},
	{"POST", "/api/v1/annual-reports/{agency}/{year}/check", auth.ScopeReportsRead, grants[EditAnnual], []string{"POST /console/annual/{agency}/{year}/check"}},
	{"POST", "/api/v1/annual-reports/{agency}/{year}/submit", auth.ScopeReportsWrite, grants[EditAnnual], []string{"POST /console/annual/{agency}/{year}/submit"}},
	{"POST", "/api/v1/annual-reports/{agency}/{year}/approve", auth.ScopeReportsWrite, grants[EditAnnual], []string{"POST /console/annual/{agency}/{year}/approve"}},
	{"POST", "/api/v1/annual-reports/{agency}/{year}/return", auth.ScopeReportsWrite, grants[EditAnnual], []string{"POST /console/annual/{agency}/{year}/return"}},
	{"POST", "/api/v1/annual-reports/{agency}/{year}/correct", auth.ScopeReportsWrite, grants[EditAnnual], []string{"POST /console/annual/{agency}/{year}/correct"}},
	{"GET", "/api/v1/annual-reports/{agency}/{year}/files/{format}", auth.ScopeReportsRead, grants[ViewAnnual], nil},
	// 主动公开: the catalogue's console (console_items.go, console_item*.go), through the same functions.
	{"GET", "/api/v1/items", auth.ScopeCatalogueRead, grants[ViewItems], nil},
	{"POST", "/api/v1/items", auth.ScopeCatalogueWrite, grants[EditItems], []string{"POST /console/items/new"}},
	{"GET", "/api/v1/items/{id}", auth.ScopeCatalogueRead, grants[ViewItems], nil},
	{"PUT", "/api/v1/items/{id}", auth.ScopeCatalogueWrite, grants[EditItems], []string{"POST /console/items/{item}/edit"}},
	{"POST", "/api/v1/items/{id}/steps", auth.ScopeCatalogueWrite, grants[StepItems], []string{"POST /console/items/{item}/step"}},
	{"GET", "/api/v1/items/{id}/attachments", auth.ScopeCatalogueRead, grants[ViewItems], nil},
	{"POST", "/api/v1/items/{id}/attachments", auth.ScopeCatalogueWrite, grants[EditItems], []string{"POST /console/items/{item}/attachments"}},
	{"GET", "/api/v1/items/{id}/attachments/{att}", auth.ScopeCatalogueRead, grants[ViewItems], nil},
	{"DELETE", "/api/v1/items/{id}/attachments/{att}", auth.ScopeCatalogueWrite, grants[EditItems], []string{"POST /console/items/{item}/attachments/{att}/remove"}},
	{"POST", "/api/v1/items/bulk", auth.ScopeCatalogueWrite, grants[EditItems], []string{"POST /console/items/bulk"}},
	{"POST", "/api/v1/cases/{id}/item", auth.ScopeCatalogueWrite, grants[EditItems], []string{"POST /console/cases/{id}/item"}},
	// The rest of the console (api_case_extra.go, api_admin.go): historical cases, appeals, notice templates, the
	// site's footer, webhooks, the account list and supervision. Only an officer records an appeal (the console's
	// case page refuses an approver, although the route is HandleCases').
	{"POST", "/api/v1/cases/import", auth.ScopeCasesWrite, grants[IntakeCases], []string{"POST /console/cases/import"}},
	{"POST", "/api/v1/cases/{id}/appeals", auth.ScopeCasesWrite, []disclosure.Role{disclosure.Officer}, []string{"POST /console/cases/{id}/appeals"}},
	{"GET", "/api/v1/appeals", auth.ScopeCasesRead, grants[ViewCases], nil},
	{"GET", "/api/v1/templates", auth.ScopeAdmin, grants[EditTemplates], nil},
	{"GET", "/api/v1/templates/{key}", auth.ScopeAdmin, grants[EditTemplates], nil},
	{"POST", "/api/v1/templates/{key}", auth.ScopeAdmin, grants[EditTemplates], []string{"POST /console/templates/{key}"}},
	{"GET", "/api/v1/settings/site", auth.ScopeAdmin, grants[EditSite], nil},
	{"POST", "/api/v1/settings/site", auth.ScopeAdmin, grants[EditSite], []string{"POST /console/settings/site"}},
	{"GET", "/api/v1/webhooks", auth.ScopeAdmin, grants[ManageWebhooks], nil},
	{"POST", "/api/v1/webhooks", auth.ScopeAdmin, grants[ManageWebhooks], []string{"POST /console/webhooks"}},
	{"GET", "/api/v1/webhooks/{hook}/deliveries", auth.ScopeAdmin, grants[ManageWebhooks], nil},
	{"POST", "/api/v1/webhooks/{hook}/disable", auth.ScopeAdmin, grants[ManageWebhooks], []string{"POST /console/webhooks/{hook}/disable"}},
	{"POST", "/api/v1/webhooks/{hook}/deliveries/{delivery}/retry", auth.ScopeAdmin, grants[ManageWebhooks], []string{"POST /console/webhooks/{hook}/deliveries/{delivery}/retry"}},
	{"GET", "/api/v1/users", auth.ScopeAdmin, grants[ViewUsers], nil},
	{"GET", "/api/v1/supervision", auth.ScopeReportsRead, grants[ViewSupervision], nil},

	// Open data: public, without a token (Scope ""), limited per client and per process.
	{"GET", "/api/v1/export/items", "", nil, nil},
	{"GET", "/api/v1/export/annual-reports", "", nil, nil},
	{"GET", "/api/v1/export/catalog", "", nil, nil},
}

type apiUserKey struct{}

// apiRequestKey holds the operation's *http.Request in its context: the console's functions the API shares take it
// (the client's address for the audit record, the portal's address for links in e-mails).
type apiRequestKey struct{}

// mountAPI registers the JSON API under /api/v1 on mux, with its OpenAPI 3.1 document at /api/v1/openapi.json.
// Errors are RFC 9457 problem+json with Chinese messages.
func (s *Server) mountAPI(mux *http.ServeMux) huma.API {
	cfg := huma.DefaultConfig("gongkai API", "1.0.0")
	cfg.Info.Description = "政府信息公开系统的 JSON 接口。每个请求须带 Authorization: Bearer 令牌（gongkai token add 创建），令牌的权限范围和账号的角色共同决定可用的接口。"
	cfg.OpenAPIPath = "/api/v1/openapi"
	cfg.DocsPath = "" // the default docs page loads from a CDN; the portal serves no third-party assets
	cfg.SchemasPath = ""
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{"bearer": {Type: "http", Scheme: "bearer", Description: "gongkai API 令牌"}}
	api := humago.New(mux, cfg)
	ops := map[string]APIOperation{}
	for _, op := range APIOperations {
		ops[op.Method+" "+op.Path] = op
	}
	api.UseMiddleware(func(ctx huma.Context, next func(huma.Context)) {
		r, _ := humago.Unwrap(ctx)
		ctx = huma.WithValue(ctx, apiRequestKey{}, r)
		op, ok := ops[ctx.Operation().Method+" "+ctx.Operation().Path]
		// Operations without a scope are open data: no token.
		if !ok || op.Scope == "" {
			next(ctx)
			return
		}
		plain, found := strings.CutPrefix(ctx.Header("Authorization"), "Bearer ")
		if !found || plain == "" {
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "缺少 API 令牌：请在请求头中提供 Authorization: Bearer 令牌")
			return
		}
		tok, u, err := s.db.FindAPIToken(ctx.Context(), auth.HashAPIToken(strings.TrimSpace(plain)))
		if err != nil || u.Disabled {
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "API 令牌无效或已过期")
			return
		}
		// An initial or reset password that was never replaced is known to whoever set it: the account must sign in
		// to the console and choose its own before its tokens work.
		if u.MustChangePassword {
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "该账号尚未修改初始密码：请先登录管理后台设置新密码，之后才能使用 API 令牌")
			return
		}
		if !tok.HasScope(op.Scope) {
			huma.WriteErr(api, ctx, http.StatusForbidden, "该令牌没有 "+op.Scope+" 权限")
			return
		}
		if op.Roles != nil && !holdsAny(u, op.Roles) {
			huma.WriteErr(api, ctx, http.StatusForbidden, "该账号的角色无权使用此接口")
			return
		}
		next(huma.WithValue(ctx, apiUserKey{}, u))
	})
	security := []map[string][]string{{"bearer": {}}}
	huma.Register(api, huma.Operation{OperationID: "list-agencies", Method: http.MethodGet, Path: "/api/v1/agencies", Summary: "列出单位", Security: security},
		func(ctx context.Context, _ *struct{}) (*agenciesOutput, error) {
			all, err := s.db.ListAgencies(ctx, nil)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &agenciesOutput{}
			out.Body.Agencies = all
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-agency", Method: http.MethodGet, Path: "/api/v1/agencies/{id}", Summary: "查看单位", Security: security},
		func(ctx context.Context, in *struct {
			ID int64 `path:"id" doc:"单位编号" example:"2"`
		}) (*agencyOutput, error) {
			a, err := s.db.GetAgency(ctx, in.ID)
			if err != nil {
				return nil, s.apiError(err)
			}
			return &agencyOutput{Body: a}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-audit", Method: http.MethodGet, Path: "/api/v1/audit", Summary: "查看审计记录（审计管理员）", Security: security},
		func(ctx context.Context, in *struct {
			ObjectType string `query:"object_type" doc:"对象类型，如 agency、user" example:"agency"`
			Limit      int    `query:"limit" minimum:"1" maximum:"1000" default:"100" doc:"最多列出多少条" example:"50"`
		}) (*auditOutput, error) {
			entries, err := s.db.ListAudit(ctx, store.AuditFilter{ObjectType: in.ObjectType, Limit: in.Limit})
			if err != nil {
				return nil, s.apiError(err)
			}
			u, _ := ctx.Value(apiUserKey{}).(*disclosure.User)
			view := auditView(u)
			for i := range entries {
				entries[i] = maskAuditEntry(view, entries[i])
			}
			out := &auditOutput{}
			out.Body.Entries = entries
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "check-report", Method: http.MethodPost, Path: "/api/v1/reports/check", Summary: "检查年度报告", Description: "按国家格式的勾稽关系和完整性规则检查一份年度报告（JSON 格式见 docs/report-json.md）。", Security: security,
		RequestBody: &huma.RequestBody{Content: map[string]*huma.MediaType{"application/json": {Example: reportCheckExample}}}},
		func(ctx context.Context, in *struct {
			Body report.Report
		}) (*checkOutput, error) {
			if err := in.Body.Validate(); err != nil {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			out := &checkOutput{}
			out.Body.Findings = report.Check(&in.Body, nil)
			if out.Body.Findings == nil {
				out.Body.Findings = []report.Finding{}
			}
			out.Body.Errors = report.HasErrors(out.Body.Findings)
			return out, nil
		})
	s.registerSearchAPI(api, security)
	s.registerCaseAPI(api, security)
	s.registerCaseReportAPI(api, security)
	s.registerCalendarAPI(api, security)
	s.registerAnnualAPI(api, security)
	s.registerItemAPI(api, security)
	s.registerCaseExtraAPI(api, security)
	s.registerAdminAPI(api, security)
	s.registerExportAPI(api)
	return api
}

func holdsAny(u *disclosure.User, roles []disclosure.Role) bool {
	for _, g := range u.Grants {
		for _, r := range roles {
			if g.Role == r {
				return true
			}
		}
	}
	return false
}

// apiError turns a store error into the API's error shape; unexpected errors are logged, never shown.
func (s *Server) apiError(err error) error {
	switch disclosure.ErrorCode(err) {
	case disclosure.ENotFound:
		return huma.Error404NotFound(disclosure.ErrorMessage(err))
	case disclosure.EInvalid:
		return huma.Error422UnprocessableEntity(disclosure.ErrorMessage(err))
	case disclosure.EConflict:
		return huma.Error409Conflict(disclosure.ErrorMessage(err))
	case disclosure.EForbidden:
		return huma.Error403Forbidden(disclosure.ErrorMessage(err))
	}
	s.log.Error("api request failed", "err", err)
	return huma.Error500InternalServerError("系统内部错误")
}

type agenciesOutput struct {
	Body struct {
		Agencies []*disclosure.Agency `json:"agencies"`
	}
}

type agencyOutput struct {
	Body *disclosure.Agency
}

type auditOutput struct {
	Body struct {
		Entries []disclosure.AuditEntry `json:"entries"`
	}
}

type checkOutput struct {
	Body struct {
		Errors   bool             `json:"errors" doc:"是否有错误级别的问题"`
		Findings []report.Finding `json:"findings"`
	}
}

// formField is one field of a multipart/form-data request body, as the OpenAPI document describes it.
type formField struct {
	Name, Doc string
	Example   string
	Enum      []string
	// MediaType marks the field as a file and names the types it may hold (the body's encoding for the field).
	MediaType string
}

// multipartBody documents an operation's multipart/form-data body. Huma describes a RawBody multipart.Form only
// by a generic name and filename; given the operation's RequestBody with this content, it keeps it, and the handler
// still reads the form as before. The fields named in required must be present.
func multipartBody(fields []formField, required ...string) *huma.RequestBody {
	schema := &huma.Schema{Type: huma.TypeObject, Properties: map[string]*huma.Schema{}, Required: required}
	example := map[string]any{}
	encoding := map[string]*huma.Encoding{}
	for _, f := range fields {
		p := &huma.Schema{Type: huma.TypeString, Description: f.Doc, Examples: []any{f.Example}}
		for _, e := range f.Enum {
			p.Enum = append(p.Enum, e)
		}
		if f.MediaType != "" {
			p.Format = "binary"
			encoding[f.Name] = &huma.Encoding{ContentType: f.MediaType}
		}
		schema.Properties[f.Name] = p
		example[f.Name] = f.Example
	}
	return &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
		"multipart/form-data": {Schema: schema, Example: example, Encoding: encoding},
	}}
}

// reportCheckExample is the request example of POST /api/v1/reports/check: the abridged report of
// docs/report-json.md. It passes the format's validation; the check then lists the cells it leaves out.
var reportCheckExample = func() map[string]any {
	var v map[string]any
	if err := json.Unmarshal([]byte(`{
  "era": "2021",
  "year": 2024,
  "agency": "平阴县卫生健康局",
  "title": "平阴县卫生健康局2024年政府信息公开工作年度报告",
  "published": "2025-01-15",
  "index_number": "113701243072282028/2025-6626482",
  "sections": [
    {"id": "一", "heading": "总体情况", "text": "在2024年，我局持续执行《中华人民共和国政府信息公开条例》……"},
    {"id": "六", "heading": "其他需要报告的事项", "text": "", "items": [{"id": "fees", "text": "我局未收取信息处理费。"}]}
  ],
  "tables": {
    "s2.6": {"penalty": {"decisions": 59}, "coercion": {"decisions": 0}},
    "s3": {
      "new": {"natural_person": 2, "commercial": 0, "research": 0, "public_interest": 0, "legal_service": 0, "other_org": 0, "total": 2},
      "unable.not_held": {"natural_person": 1, "total": 1}
    },
    "s4": {"cases": {"review.upheld": 0, "review.total": 0}}
  },
  "figures": [{"id": "proactive_items", "value": 147, "unit": "条", "quote": "2024年度,我局主动信息公开信息数147条"}]
}`), &v); err != nil {
		panic(err)
	}
	return v
}()
