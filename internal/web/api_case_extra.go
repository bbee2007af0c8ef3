package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// The rest of the applications' console behind the JSON API: importing historical cases from the spreadsheet
// template (importChanges, as the console's 导入历史申请 page), reconsiderations and lawsuits about a case
// (saveAppeal, as the case page's form) and their list (appealFilterOf, as /console/appeals).

// importedCase is one case an import wrote.
type importedCase struct {
	ID     int64  `json:"id"`
	Number string `json:"number" doc:"申请编号"`
}

type caseImportOutput struct {
	Replayed string `header:"Idempotent-Replayed" doc:"true：同一幂等键的重复请求，未再导入"`
	Body     struct {
		DryRun   bool   `json:"dry_run" doc:"true：只检查了文件，没有导入"`
		AgencyID int64  `json:"agency_id"`
		Agency   string `json:"agency"`
		Count    int    `json:"count" doc:"文件中（已导入或可以导入）的申请数"`
		// FirstCaseID names the first case written (also on a replay).
		FirstCaseID int64          `json:"first_case_id,omitempty" doc:"导入的第一件申请的内部编号（重复请求时也给出）"`
		Cases       []importedCase `json:"cases,omitempty" doc:"导入的申请（只在第一次导入的答复中列出）"`
		Message     string         `json:"message"`
	}
}

// appealBody is a reconsideration or lawsuit: the fields of the case page's form, by the same names.
type appealBody struct {
	AppealID   string `json:"appeal_id,omitempty" doc:"更新已有的复议或诉讼时为其编号；新登记时省略" example:"4"`
	Version    string `json:"version,omitempty" doc:"更新时为该复议或诉讼的版本号（appeals 中的 version）" example:"1"`
	Kind       string `json:"kind,omitempty" required:"false" doc:"（必填）类型：review（行政复议）、suit_direct（未经复议直接起诉）、suit_after_review（复议后起诉）" example:"review"`
	FiledOn    string `json:"filed_on,omitempty" required:"false" doc:"（必填）申请复议或起诉的日期" example:"2026-04-10"`
	Body       string `json:"body,omitempty" doc:"复议机关或人民法院" example:"平阴县人民政府"`
	CaseNumber string `json:"case_number,omitempty" doc:"案号" example:"平政复〔2026〕12号"`
	Result     string `json:"result,omitempty" doc:"结果：pending（尚未审结，默认）、upheld（结果维持）、corrected（结果纠正）、other（其他结果）；已审结的须填写 decided_on" example:"pending"`
	DecidedOn  string `json:"decided_on,omitempty" doc:"审结日期" example:"2026-06-05"`
	Note       string `json:"note,omitempty" doc:"备注" example:"申请人不服不予公开的答复"`
	Correction string `json:"correction,omitempty" doc:"改变已发布年度报告第四部分的数据时，更正报告的理由" example:"补录2025年漏登的1件行政复议"`
}

type appealOutput struct {
	Status int
	ETag   string `header:"ETag" doc:"申请的版本号（登记复议或诉讼不改变申请的版本）"`
	Body   struct {
		Appeal  disclosure.Appeal   `json:"appeal"`
		Appeals []disclosure.Appeal `json:"appeals" doc:"该申请的全部复议和诉讼"`
	}
}

type appealsOutput struct {
	Body struct {
		Appeals []disclosure.Appeal `json:"appeals"`
	}
}

// registerCaseExtraAPI registers the import of historical cases and the appeals' operations.
func (s *Server) registerCaseExtraAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{OperationID: "import-cases", Method: http.MethodPost, Path: "/api/v1/cases/import",
		Summary: "导入历史申请（XLSX）", Security: security, MaxBodyBytes: maxImport + 1<<20,
		RequestBody: multipartBody([]formField{
			{Name: "file", Doc: "填好的导入模板（管理后台“导入历史申请”页可下载），.xlsx，不超过 20 MB", Example: "历史申请.xlsx",
				MediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			{Name: "agency", Doc: "导入到的单位编号", Example: "2"},
			{Name: "correction", Doc: "（可选）改变已发布年度报告的数据时的更正原因", Example: "补录2025年漏登的2件申请"},
			{Name: "dry_run", Doc: "true：只检查文件、不导入（不需要 Idempotency-Key）", Example: "false", Enum: []string{"true", "false"}},
		}, "file", "agency"),
		Description: "multipart/form-data：file 为填好的导入模板（管理后台“导入历史申请”页可下载，.xlsx，不超过 20 MB），agency 为导入到的单位编号，" +
			"correction 为改变已发布年度报告的数据时的更正原因，dry_run 为 true 时只检查文件、不导入。与管理后台相同：文件有任何问题，一件也不导入，" +
			"问题按行和列列在 errors 中。导入（非 dry_run）须带 Idempotency-Key：同一账号以同一键重发相同的文件，不再导入，答复第一次导入的结果。"},
		func(ctx context.Context, in *struct {
			Key     string `header:"Idempotency-Key" maxLength:"200" doc:"幂等键（导入时必填）：客户端为每个新请求生成的唯一值，重试时不变" example:"5b0e2c7a-3f4d-4e8b-9a61-2d7c1e9f0a34"`
			RawBody multipart.Form
		}) (*caseImportOutput, error) {
			u, r := apiCaller(ctx)
			first := func(k string) string {
				if v := in.RawBody.Value[k]; len(v) > 0 {
					return strings.TrimSpace(v[0])
				}
				return ""
			}
			dry := first("dry_run") == "true" || first("dry_run") == "1"
			if !dry && strings.TrimSpace(in.Key) == "" {
				return nil, huma.Error400BadRequest("请在 Idempotency-Key 请求头中提供幂等键（如一个 UUID）：网络中断后用同一个键重试，不会重复导入")
			}
			agencies, err := s.intakeAgencies(r, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			a, err := importAgency(agencies, first("agency"))
			if err != nil {
				return nil, s.apiError(err)
			}
			files := in.RawBody.File["file"]
			if len(files) == 0 {
				return nil, huma.Error422UnprocessableEntity("请选择填好的导入模板（.xlsx 文件）")
			}
			fh, err := files[0].Open()
			if err != nil {
				return nil, huma.Error422UnprocessableEntity("请选择填好的导入模板（.xlsx 文件）")
			}
			data, err := io.ReadAll(io.LimitReader(fh, maxImport+1))
			fh.Close()
			if err != nil || len(data) > maxImport {
				return nil, huma.Error422UnprocessableEntity("文件过大（最大 20 MB），请分批导入")
			}
			correction := first("correction")
			changes, problems, err := s.importChanges(r, u, a, data, correction)
			if err != nil {
				return nil, s.apiError(err)
			}
			if len(problems) > 0 {
				details := make([]error, 0, len(problems))
				for _, p := range problems {
					where := fmt.Sprintf("file 第 %d 行", p.Row)
					if p.Column != "" {
						where += "，" + p.Column
					}
					details = append(details, &huma.ErrorDetail{Location: where, Message: p.Message})
				}
				return nil, huma.Error422UnprocessableEntity(importProblems+"见 errors", details...)
			}
			out := &caseImportOutput{}
			out.Body.DryRun, out.Body.AgencyID, out.Body.Agency, out.Body.Count = dry, a.ID, a.Name, len(changes)
			if dry {
				out.Body.Message = fmt.Sprintf("文件中的 %d 件申请均可导入到%s（未导入）。", len(changes), a.Name)
				return out, nil
			}
			sum := sha256.Sum256(data)
			hash := requestHash(struct {
				Agency           int64
				Correction, File string
			}{a.ID, strings.TrimSpace(correction), hex.EncodeToString(sum[:])})
			replayed, err := s.db.ImportCasesOnce(ctx, actorOf(u, r), u.ID, in.Key, hash, changes)
			if err != nil {
				return nil, s.apiError(err)
			}
			out.Body.Message = importDone(len(changes), a)
			if replayed != 0 {
				out.Replayed, out.Body.FirstCaseID = "true", replayed
				return out, nil
			}
			out.Body.FirstCaseID = changes[0].Case.ID
			for _, ch := range changes {
				out.Body.Cases = append(out.Body.Cases, importedCase{ID: ch.Case.ID, Number: ch.Case.Number})
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "save-case-appeal", Method: http.MethodPost, Path: "/api/v1/cases/{id}/appeals",
		Summary: "登记或更新申请的行政复议、行政诉讼", Security: security,
		Description: "与管理后台申请页“行政复议和行政诉讼”表单相同（计入年度报告第四部分）：省略 appeal_id 为新登记（201），给出 appeal_id 和 version 为更新（200）。" +
			"只有该单位的公开专员可以登记。须在 If-Match 中带上申请的版本号（ETag）：缺少时答复 428，申请已被他人更新时答复 412。"},
		func(ctx context.Context, in *struct {
			ID      int64  `path:"id" doc:"申请编号（内部编号）" example:"17"`
			IfMatch string `header:"If-Match" doc:"申请的版本号（GET /api/v1/cases/{id} 的 ETag）" example:"\"3\""`
			Body    appealBody
		}) (*appealOutput, error) {
			u, r := apiCaller(ctx)
			c, a, who, err := s.apiLoadCase(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if who&casework.ByOfficer == 0 {
				return nil, huma.Error403Forbidden("只有该单位的公开专员可以登记行政复议和行政诉讼")
			}
			if _, err := versionIfMatch(in.IfMatch, c.Version, "申请", staleCase); err != nil {
				return nil, err
			}
			ap, err := s.saveAppeal(r, u, c, a, bodyValues(&in.Body))
			if err != nil {
				// An update at a version that is no longer the appeal's is a stale precondition; any other conflict
				// (a published report's figures changing without a reason) is the check's refusal.
				if id, ok := parseID(in.Body.AppealID); ok && disclosure.ErrorCode(err) == disclosure.EConflict {
					if cur, gerr := s.db.GetAppeal(ctx, id); gerr == nil && strconv.Itoa(cur.Version) != strings.TrimSpace(in.Body.Version) {
						return nil, huma.Error412PreconditionFailed(disclosure.ErrorMessage(err))
					}
				}
				return nil, s.apiError(err)
			}
			out := &appealOutput{Status: http.StatusOK, ETag: etag(c)}
			if in.Body.AppealID == "" {
				out.Status = http.StatusCreated
			}
			out.Body.Appeal = *ap
			list, err := s.db.ListAppeals(ctx, store.AppealFilter{ApplicationID: &c.ID})
			if err != nil {
				return nil, s.apiError(err)
			}
			out.Body.Appeals = append([]disclosure.Appeal{}, list...)
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "list-appeals", Method: http.MethodGet, Path: "/api/v1/appeals", Summary: "列出行政复议和行政诉讼", Security: security,
		Description: "与管理后台“行政复议和诉讼”页相同的筛选（年度报告第四部分某一格的案件：year、kind、result），限于本账号可以查看的单位；case 为某一申请的案件。"},
		func(ctx context.Context, in *struct {
			Agency int64  `query:"agency" doc:"单位编号" example:"2"`
			Year   int    `query:"year" doc:"年度报告的年度" example:"2025"`
			Kind   string `query:"kind" doc:"类型：review、suit_direct、suit_after_review" example:"review"`
			Result string `query:"result" doc:"结果，如 upheld、corrected" example:"upheld"`
			Case   int64  `query:"case" doc:"申请编号（内部编号）" example:"17"`
		}) (*appealsOutput, error) {
			u, r := apiCaller(ctx)
			f, err := s.appealFilterOf(r, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			if in.Case != 0 {
				c, _, _, err := s.apiLoadCase(ctx, in.Case)
				if err != nil {
					return nil, err
				}
				f.ApplicationID = &c.ID
			}
			list, err := s.db.ListAppeals(ctx, f)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &appealsOutput{}
			out.Body.Appeals = append([]disclosure.Appeal{}, list...)
			return out, nil
		})
}
