package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// The applications (依申请公开) behind the JSON API. Every operation calls the function the console's page calls
// (intake, caseFilterOf, stepCase, addCaseUpload), so the transition table, the checks, the audit records, the
// notices and the e-mails are the same whether a person clicks or a program calls.

// apiCaller returns the account and the request of an API operation (set by mountAPI's middleware).
func apiCaller(ctx context.Context) (*disclosure.User, *http.Request) {
	u, _ := ctx.Value(apiUserKey{}).(*disclosure.User)
	r, _ := ctx.Value(apiRequestKey{}).(*http.Request)
	return u, r
}

// intakeBody is a staff intake: the fields of the console's intake form (/console/cases/new), by the same names.
type intakeBody struct {
	Agency        int64    `json:"agency,omitempty" required:"false" doc:"（必填）受理申请的单位编号（本账号为公开专员的单位或其下属单位）" example:"2"`
	Channel       string   `json:"channel,omitempty" required:"false" doc:"（必填）申请方式：letter（邮寄，需签收）、ordinary（平常信函）、in_person（当面）、fax（传真）、email（电子邮件）" example:"letter"`
	ReceivedOn    string   `json:"received_on,omitempty" required:"false" doc:"（必填）收到申请的日期" example:"2026-03-02"`
	Kind          string   `json:"kind,omitempty" doc:"disclosure（政府信息公开申请，默认）或 correction（更正申请）" example:"disclosure"`
	ApplicantType string   `json:"applicant_type,omitempty" required:"false" doc:"（必填）申请人类型：natural_person（自然人）、commercial（商业企业）、research（科研机构）、public_interest（社会公益组织）、legal_service（法律服务机构）、other_org（其他）" example:"natural_person"`
	Name          string   `json:"name,omitempty" doc:"自然人姓名" example:"王小明"`
	IDType        string   `json:"id_type,omitempty" doc:"证件类型，如 resident_id（居民身份证，自然人的默认）" example:"resident_id"`
	IDNumber      string   `json:"id_number,omitempty" doc:"证件号码" example:"11010519491231002X"`
	OrgName       string   `json:"org_name,omitempty" doc:"法人或其他组织名称" example:"平阴县某某科技有限公司"`
	USCC          string   `json:"uscc,omitempty" doc:"统一社会信用代码" example:"91370124MA3C5XXXXX"`
	LegalRep      string   `json:"legal_rep,omitempty" doc:"法定代表人" example:"李四"`
	Contact       string   `json:"contact,omitempty" doc:"联系人" example:"王小明"`
	Phone         string   `json:"phone,omitempty" doc:"联系电话" example:"13800000000"`
	Email         string   `json:"email,omitempty" doc:"电子邮箱" example:"wang@example.com"`
	Address       string   `json:"address,omitempty" doc:"通信地址" example:"山东省济南市平阴县榆山街道青龙路1号"`
	Postcode      string   `json:"postcode,omitempty" doc:"邮政编码" example:"250400"`
	Fax           string   `json:"fax,omitempty" doc:"传真" example:"0531-87881234"`
	Title         string   `json:"title,omitempty" doc:"所需信息的名称" example:"2025年度本县疫苗接种点名单"`
	DocNumber     string   `json:"doc_number,omitempty" doc:"文号" example:"平卫发〔2025〕8号"`
	Description   string   `json:"description,omitempty" required:"false" doc:"（必填）所需信息的内容描述" example:"2025年度本县疫苗接种点名单"`
	Purpose       string   `json:"purpose,omitempty" doc:"申请用途" example:"为孩子选择就近的接种点"`
	Forms         []string `json:"forms,omitempty" doc:"信息的指定提供载体形式" example:"[\"电子文档\"]"`
	Delivery      []string `json:"delivery,omitempty" doc:"获取信息的方式" example:"[\"电子邮件\"]"`
	AcceptOther   bool     `json:"accept_other,omitempty" doc:"若本机关无法按指定方式提供，可接受其他方式" example:"true"`
	Correction    string   `json:"correction,omitempty" doc:"申请落在已发布年度报告的年度时，更正报告的理由" example:"补录2025年12月漏登的1件申请"`
}

// application is the intake's application, read as applicationFromForm reads the console's form.
func (b *intakeBody) application() disclosure.Application {
	app := applicationFromValues(bodyValues(b))
	app.Channel = disclosure.Channel(strings.TrimSpace(b.Channel))
	return app
}

// stepBody is one workflow step: the action and its fields as the case page's forms name them.
type stepBody struct {
	Action          string `json:"action,omitempty" required:"false" doc:"（必填）操作，如 accept（受理）、request_fix（补正）、draft_reply（拟定答复）、send_reply（发出答复）；可用的操作见 GET /api/v1/cases/{id} 的 actions" example:"note"`
	Note            string `json:"note,omitempty" doc:"说明" example:"已电话联系申请人确认所需信息的范围"`
	Items           string `json:"items,omitempty" doc:"需补正或征求意见的事项" example:"请说明所需信息的年度和地域范围"`
	Via             string `json:"via,omitempty" doc:"送达方式：electronic（电子送达）或 post（邮寄或当面送达）；不填按申请方式" example:"electronic"`
	Party           string `json:"party,omitempty" doc:"征求意见的第三方或其他机关的名称" example:"平阴县某某食品有限公司"`
	PartyKind       string `json:"party_kind,omitempty" doc:"征求意见的对象：third_party（第三方，《条例》第三十二条）或 agency（其他机关）" example:"third_party"`
	Date            string `json:"date,omitempty" doc:"日期，如 2026-03-02" example:"2026-03-02"`
	Days            string `json:"days,omitempty" doc:"延长的工作日数" example:"20"`
	FeeMethod       string `json:"fee_method,omitempty" doc:"收费方式：per_case 或 per_page" example:"per_page"`
	FeeUnits        string `json:"fee_units,omitempty" doc:"件数或页数" example:"120"`
	Assignee        string `json:"assignee,omitempty" doc:"承办人账号编号" example:"3"`
	Accepted        string `json:"accepted,omitempty" doc:"yes：接受申请人说明的理由" example:"yes"`
	Until           string `json:"until,omitempty" doc:"确定的答复期限" example:"2026-04-30"`
	Outcome         string `json:"outcome,omitempty" doc:"答复结果：年度报告第三部分的行和答复的方式（与页面相同），如 disclosed|provided（予以公开）" example:"disclosed|provided"`
	Reasons         string `json:"reasons,omitempty" doc:"答复的理由（不予公开等答复必填）" example:"经检索，本机关未制作或获取该信息"`
	Provided        string `json:"provided,omitempty" doc:"提供信息的说明" example:"以电子邮件发送全县疫苗接种点名单"`
	TransferTo      string `json:"transfer_to,omitempty" doc:"不属于本机关负责公开时，负责公开的机关在本系统中的单位编号（发出答复时转送）" example:"1"`
	TransferName    string `json:"transfer_name,omitempty" doc:"负责公开的机关不在本系统中时，其名称" example:"济南市生态环境局平阴分局"`
	TransferContact string `json:"transfer_contact,omitempty" doc:"该机关（本系统外）的联系方式" example:"0531-87881234"`
	Correction      string `json:"correction,omitempty" doc:"涉及已发布年度报告时，更正报告的理由" example:"补登2025年12月办结的1件申请"`
}

// values are the step's fields as the case page's form posts them.
func (b *stepBody) values() url.Values { return bodyValues(b) }

// bodyValues are a JSON body's fields as the console's form posts them, under their JSON names: text as it is, a
// list as repeated values, true as "1"; empty fields are left out.
func bodyValues(body any) url.Values {
	v := url.Values{}
	t, x := reflect.TypeOf(body).Elem(), reflect.ValueOf(body).Elem()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name == "-" || name == "" {
			continue
		}
		switch f := x.Field(i); f.Kind() {
		case reflect.String:
			if f.String() != "" {
				v.Set(name, f.String())
			}
		case reflect.Slice:
			if s, ok := f.Interface().([]string); ok && len(s) > 0 {
				v[name] = s
			}
		case reflect.Bool:
			if f.Bool() {
				v.Set(name, "1")
			}
		}
	}
	return v
}

// apiDeadline is the reply deadline as the case page shows it, with how it was counted.
type apiDeadline struct {
	Running     bool   `json:"running" doc:"是否在计算答复期限"`
	Paused      bool   `json:"paused,omitempty" doc:"期限是否中止（征求意见、补正等）"`
	Due         string `json:"due,omitempty" doc:"答复期限"`
	Days        int    `json:"days,omitempty" doc:"答复期限的工作日数（含延长）"`
	Extended    int    `json:"extended,omitempty" doc:"其中延长的工作日数"`
	Remaining   int    `json:"remaining" doc:"剩余工作日（负数为已超期）"`
	Provisional bool   `json:"provisional,omitempty" doc:"期限跨入尚未录入节假日安排的年度，可能变动"`
	Explanation string `json:"explanation" doc:"期限如何计算（起算日、跳过的节假日和调休、延长）"`
}

// apiAction is an action the account may take on the case now, with the fields it takes.
type apiAction struct {
	Action string   `json:"action"`
	Name   string   `json:"name"`
	Fields []string `json:"fields,omitempty"`
}

// apiCase is a case as its page shows it.
type apiCase struct {
	Case     *disclosure.Case       `json:"case"`
	Agency   string                 `json:"agency"`
	Deadline apiDeadline            `json:"deadline"`
	Events   []disclosure.CaseEvent `json:"events" doc:"办理记录"`
	Notices  []disclosure.Notice    `json:"notices" doc:"文书（DOCX、PDF 见 notices/{nid}/{format}）"`
	Files    []disclosure.CaseFile  `json:"files"`
	Actions  []apiAction            `json:"actions" doc:"本账号现在可以执行的操作"`
	Warnings []string               `json:"warnings,omitempty"`
	// QueryPassword is given once, in the answer of the intake that registered the case.
	QueryPassword string `json:"query_password,omitempty" doc:"查询密码：只在登记申请的第一次答复中出现，请告知申请人（系统只保存其哈希值）"`
}

type caseOutput struct {
	ETag string `header:"ETag" doc:"申请的版本号；办理操作须在 If-Match 中带上"`
	Body apiCase
}

type createdCaseOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Replayed string `header:"Idempotent-Replayed" doc:"true：同一幂等键的重复请求，答复第一次登记的申请"`
	Body     apiCase
}

type caseListOutput struct {
	Body struct {
		Total      int          `json:"total"`
		Offset     int          `json:"offset"`
		NextOffset *int         `json:"next_offset,omitempty" doc:"下一页的 offset；没有下一页时省略"`
		Cases      []apiCaseRow `json:"cases"`
	}
}

// apiCaseRow is one line of the case list.
type apiCaseRow struct {
	ID        int64  `json:"id"`
	Number    string `json:"number"`
	AgencyID  int64  `json:"agency_id"`
	Agency    string `json:"agency"`
	State     string `json:"state"`
	StateName string `json:"state_name"`
	Received  string `json:"received_on"`
	Due       string `json:"due,omitempty"`
	Remaining int    `json:"remaining,omitempty"`
	Overdue   bool   `json:"overdue,omitempty"`
	Summary   string `json:"summary"`
	Version   int    `json:"version"`
}

type caseFilesOutput struct {
	Body struct {
		Files []disclosure.CaseFile `json:"files"`
	}
}

type caseFileOutput struct {
	Body disclosure.CaseFile
}

// apiDownload answers with a file as the console sends it (sendFile's headers: attachment, sandboxed, private).
func apiDownload(name, contentType string, data []byte) *huma.StreamResponse {
	return &huma.StreamResponse{Body: func(ctx huma.Context) {
		_, w := humago.Unwrap(ctx)
		sendFile(w, name, contentType, privateFile, data)
	}}
}

// etag is a case's version as an entity tag.
func etag(c *disclosure.Case) string { return `"` + strconv.Itoa(c.Version) + `"` }

// errReplayed stops an idempotent create that found its key.
var errReplayed = errors.New("idempotent replay")

// apiLoadCase reads a case the calling account may read, with its agency and what the account may do with it.
func (s *Server) apiLoadCase(ctx context.Context, id int64) (*disclosure.Case, *disclosure.Agency, casework.Who, error) {
	u, _ := apiCaller(ctx)
	c, err := s.db.GetCase(ctx, id)
	if err != nil {
		return nil, nil, 0, s.apiError(err)
	}
	a, err := s.db.GetAgency(ctx, c.AgencyID)
	if err != nil {
		return nil, nil, 0, s.apiError(err)
	}
	who, read := s.caseRoles(ctx, u, a)
	if !read {
		return nil, nil, 0, huma.Error403Forbidden("您无权查看该单位的申请")
	}
	return c, a, who, nil
}

// caseView is the case as its page shows it to the account: personal data masked as its roles allow.
func (s *Server) caseView(ctx context.Context, c *disclosure.Case, a *disclosure.Agency, who casework.Who) (apiCase, error) {
	u, _ := apiCaller(ctx)
	out := apiCase{Agency: a.Name, Actions: []apiAction{}}
	var err error
	if out.Events, err = s.db.CaseEvents(ctx, c.ID); err != nil {
		return out, err
	}
	if out.Notices, err = s.db.CaseNotices(ctx, c.ID); err != nil {
		return out, err
	}
	if out.Files, err = s.db.CaseFiles(ctx, c.ID); err != nil {
		return out, err
	}
	out.Events, out.Notices, out.Files = append([]disclosure.CaseEvent{}, out.Events...), append([]disclosure.Notice{}, out.Notices...), append([]disclosure.CaseFile{}, out.Files...)
	shown := *c
	shown.Applicant = s.personalView(ctx, u, a).Applicant(c.Applicant)
	out.Case = &shown
	cal := s.calendar(ctx)
	today := s.today()
	dl := casework.ComputeDeadline(cal, a.Settings, c.Clock, today)
	out.Deadline = apiDeadline{Running: dl.Running, Paused: dl.Paused, Days: dl.Days, Extended: dl.Extended, Provisional: dl.Provisional(),
		Remaining: dl.Remaining(cal, today), Explanation: dl.Explain()}
	if due := dl.Due(); !due.IsZero() {
		out.Deadline.Due = due.String()
	}
	if who != 0 {
		for _, t := range casework.Allowed(c, a.Settings, who) {
			out.Actions = append(out.Actions, apiAction{Action: string(t.Action), Name: t.Name, Fields: actionInputs[t.Action]})
		}
	}
	out.Warnings = casework.StepWarnings(c, today)
	return out, nil
}

// requestHash is the hash an idempotency key is kept with: the operation's decoded body, re-encoded.
func requestHash(body any) string {
	raw, _ := json.Marshal(body)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// registerCaseAPI registers the applications' operations (APIOperations' /api/v1/cases rows).
func (s *Server) registerCaseAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{OperationID: "create-case", Method: http.MethodPost, Path: "/api/v1/cases", DefaultStatus: http.StatusCreated,
		Summary: "登记申请（工作人员）", Security: security,
		Description: "登记以邮寄、平常信函、当面、传真或电子邮件提出的申请，与管理后台“登记申请”相同（按《条例》第三十一条确定收到申请之日）。" +
			"请求须带 Idempotency-Key：同一账号以同一键重发相同的请求，答复第一次登记的申请（201，不再登记，也不再给出查询密码）；同一键用于不同的请求，答复 422。"},
		func(ctx context.Context, in *struct {
			Key  string `header:"Idempotency-Key" maxLength:"200" doc:"幂等键（必填）：客户端为每个新请求生成的唯一值（如 UUID），重试时不变" example:"5b0e2c7a-3f4d-4e8b-9a61-2d7c1e9f0a34"`
			Body intakeBody
		}) (*createdCaseOutput, error) {
			u, r := apiCaller(ctx)
			if strings.TrimSpace(in.Key) == "" {
				return nil, huma.Error400BadRequest("请在 Idempotency-Key 请求头中提供幂等键（如一个 UUID）：网络中断后用同一个键重试，不会重复登记")
			}
			agencies, err := s.intakeAgencies(r, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			var replayed int64
			create := func(build func(ctx context.Context, tx store.CaseBuildTx) (*disclosure.CaseChange, error)) (*disclosure.CaseChange, error) {
				res, err := s.db.CreateCaseOnce(ctx, actorOf(u, r), u.ID, in.Key, requestHash(in.Body), build)
				if err != nil {
					return nil, err
				}
				if res.Change == nil {
					replayed = res.Replayed
					return nil, errReplayed
				}
				return res.Change, nil
			}
			ch, secret, err := s.intake(r, u, agencies, in.Body.Agency, in.Body.application(), strings.TrimSpace(in.Body.ReceivedOn), in.Body.Correction, create)
			id := replayed
			switch {
			case errors.Is(err, errReplayed):
				secret = ""
			case err != nil:
				return nil, s.apiError(err)
			default:
				id = ch.Case.ID
			}
			c, a, who, err := s.apiLoadCase(ctx, id)
			if err != nil {
				return nil, err
			}
			view, err := s.caseView(ctx, c, a, who)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &createdCaseOutput{ETag: etag(c), Location: fmt.Sprintf("/api/v1/cases/%d", c.ID)}
			out.Body, out.Body.QueryPassword = view, secret
			if replayed != 0 {
				out.Replayed = "true"
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "list-cases", Method: http.MethodGet, Path: "/api/v1/cases", Summary: "列出申请", Security: security,
		Description: "与管理后台的申请列表相同的筛选，限于本账号可以查看的单位；每页 50 件，用 offset 翻页。"},
		func(ctx context.Context, in *struct {
			View    string `query:"view" enum:"open,mine,due,overdue,approval,all" doc:"open 办理中（默认）、mine 我承办的、due 3个工作日内到期、overdue 已超期、approval 待审批、all 全部" example:"open"`
			State   string `query:"state" doc:"状态，如 accepted" example:"accepted"`
			Agency  int64  `query:"agency" doc:"单位编号" example:"2"`
			Q       string `query:"q" doc:"检索：申请编号、申请人、内容" example:"疫苗接种"`
			Kind    string `query:"kind" doc:"申请类别：disclosure（政府信息公开申请）、correction（更正申请）" example:"disclosure"`
			Outcome string `query:"outcome" doc:"答复结果，如 disclosed（予以公开）、unable.not_held（本机关不掌握相关政府信息）" example:"disclosed"`
			Type    string `query:"type" doc:"申请人类型，如 natural_person（自然人）" example:"natural_person"`
			Channel string `query:"channel" doc:"申请方式，如 letter（邮寄）、email（电子邮件）" example:"email"`
			From    string `query:"from" doc:"收到申请的日期自" example:"2026-01-01"`
			To      string `query:"to" doc:"收到申请的日期至" example:"2026-03-31"`
			Year    string `query:"year" doc:"年度报告的年度（与 row、col 一起：报告某一格的申请）" example:"2025"`
			Row     string `query:"row" doc:"年度报告第三部分的行，如 new（本年新收）、carried_over（上年结转）" example:"new"`
			Col     string `query:"col" doc:"年度报告第三部分的列（申请人类型），如 natural_person、total" example:"natural_person"`
			Offset  int    `query:"offset" minimum:"0" doc:"从第几件起（上一页答复的 next_offset）" example:"50"`
		}) (*caseListOutput, error) {
			u, r := apiCaller(ctx)
			visible, err := s.caseAgencies(r, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			f, _, err := s.caseFilterOf(r, u, visible)
			if err != nil {
				return nil, s.apiError(err)
			}
			list, total, err := s.db.FindCases(ctx, f)
			if err != nil {
				return nil, s.apiError(err)
			}
			rows, err := s.caseRows(ctx, list)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &caseListOutput{}
			out.Body.Total, out.Body.Offset, out.Body.Cases = total, f.Offset, []apiCaseRow{}
			for _, x := range rows {
				row := apiCaseRow{ID: x.ID, Number: x.Number, AgencyID: x.AgencyID, Agency: x.Agency, State: string(x.State), StateName: disclosure.StateNames[x.State],
					Received: x.ReceivedOn.String(), Remaining: x.Remaining, Overdue: x.Overdue, Summary: x.Summary, Version: x.Version}
				if !x.Due.IsZero() {
					row.Due = x.Due.String()
				}
				out.Body.Cases = append(out.Body.Cases, row)
			}
			if next := f.Offset + len(list); next < total {
				out.Body.NextOffset = &next
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "get-case", Method: http.MethodGet, Path: "/api/v1/cases/{id}", Summary: "查看申请", Security: security,
		Description: "申请、办理记录、答复期限及其计算说明、文书、文件和本账号现在可以执行的操作，与管理后台的申请页相同。ETag 为申请的版本号。"},
		func(ctx context.Context, in *struct {
			ID int64 `path:"id" doc:"申请编号（内部编号）" example:"7"`
		}) (*caseOutput, error) {
			c, a, who, err := s.apiLoadCase(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			view, err := s.caseView(ctx, c, a, who)
			if err != nil {
				return nil, s.apiError(err)
			}
			return &caseOutput{ETag: etag(c), Body: view}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "step-case", Method: http.MethodPost, Path: "/api/v1/cases/{id}/steps", Summary: "办理申请：执行一步操作", Security: security,
		Description: "执行一步办理操作（字段与管理后台申请页的表单相同），与在申请页上点击按钮相同：同样的检查、审计记录、文书和邮件。" +
			"须在 If-Match 中带上申请的版本号（ETag）：缺少时答复 428，申请已被他人更新时答复 412。"},
		func(ctx context.Context, in *struct {
			ID      int64  `path:"id" doc:"申请编号（内部编号）" example:"7"`
			IfMatch string `header:"If-Match" doc:"申请的版本号（GET /api/v1/cases/{id} 的 ETag）" example:"\"3\""`
			Body    stepBody
		}) (*caseOutput, error) {
			u, r := apiCaller(ctx)
			c, a, who, err := s.apiLoadCase(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if who == 0 {
				return nil, huma.Error403Forbidden("您无权办理该单位的申请")
			}
			version, err := versionIfMatch(in.IfMatch, c.Version, "申请", staleCase)
			if err != nil {
				return nil, err
			}
			cmd, err := commandFromValues(in.Body.values())
			if err != nil {
				return nil, s.apiError(err)
			}
			cmd.Version = version
			ch, warnings, err := s.stepCase(r, u, c, a, who, cmd)
			if err != nil {
				// The same version check runs inside the step's transaction: a change committed in between is a
				// stale precondition too.
				if fresh, gerr := s.db.GetCase(ctx, c.ID); gerr == nil && fresh.Version != version {
					return nil, huma.Error412PreconditionFailed(disclosure.ErrorMessage(err))
				}
				return nil, s.apiError(err)
			}
			view, err := s.caseView(ctx, &ch.Case, a, who)
			if err != nil {
				return nil, s.apiError(err)
			}
			view.Warnings = append(warnings, view.Warnings...)
			return &caseOutput{ETag: etag(&ch.Case), Body: view}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "get-case-notice", Method: http.MethodGet, Path: "/api/v1/cases/{id}/notices/{nid}/{format}", Summary: "下载文书", Security: security,
		Description: "申请的一份文书（告知书、答复书等），与管理后台下载的文件相同。",
		Responses: map[string]*huma.Response{"200": {Description: "文书文件", Content: map[string]*huma.MediaType{
			"application/pdf": {}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}}}},
		func(ctx context.Context, in *struct {
			ID     int64  `path:"id" doc:"申请编号（内部编号）" example:"7"`
			NID    int64  `path:"nid" doc:"文书编号" example:"1"`
			Format string `path:"format" enum:"docx,pdf" doc:"文件格式" example:"pdf"`
		}) (*huma.StreamResponse, error) {
			c, _, _, err := s.apiLoadCase(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			n, err := s.db.GetNotice(ctx, in.NID)
			if err != nil || n.ApplicationID != c.ID {
				return nil, huma.Error404NotFound("该申请没有这份文书")
			}
			data, ct := n.PDF, "application/pdf"
			if in.Format == "docx" {
				data, ct = n.DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
			}
			return apiDownload(n.Title+"（"+n.Number+"）."+in.Format, ct, data), nil
		})

	huma.Register(api, huma.Operation{OperationID: "list-case-files", Method: http.MethodGet, Path: "/api/v1/cases/{id}/files", Summary: "列出申请的文件", Security: security},
		func(ctx context.Context, in *struct {
			ID int64 `path:"id" doc:"申请编号（内部编号）" example:"7"`
		}) (*caseFilesOutput, error) {
			c, _, _, err := s.apiLoadCase(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			files, err := s.db.CaseFiles(ctx, c.ID)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &caseFilesOutput{}
			out.Body.Files = append([]disclosure.CaseFile{}, files...)
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "upload-case-file", Method: http.MethodPost, Path: "/api/v1/cases/{id}/files", DefaultStatus: http.StatusCreated,
		Summary: "上传申请的文件", Security: security, MaxBodyBytes: maxUpload + 1<<20,
		RequestBody: multipartBody([]formField{
			{Name: "file", Doc: "文件：JPEG、PNG 或 PDF，不超过 5 MB", Example: "补正材料.pdf", MediaType: "application/pdf, image/jpeg, image/png"},
			{Name: "kind", Doc: "文件类别：correction_material（补正材料）、provided（提供的信息）、document（文书，默认）、id_proof（身份证明）", Example: "correction_material",
				Enum: []string{"correction_material", "provided", "document", "id_proof"}},
			{Name: "appeal", Doc: "（可选）复议或诉讼的编号：文件为该案件的文书", Example: "4"},
		}, "file"),
		Description: "multipart/form-data：file 为文件（JPEG、PNG 或 PDF，不超过 5 MB），kind 为 correction_material（补正材料）、provided（提供的信息）、document（文书，默认）、id_proof（身份证明）；appeal 为复议或诉讼的编号（可选）。与管理后台申请页的上传相同。"},
		func(ctx context.Context, in *struct {
			ID      int64 `path:"id" doc:"申请编号（内部编号）" example:"7"`
			RawBody multipart.Form
		}) (*caseFileOutput, error) {
			u, r := apiCaller(ctx)
			c, _, who, err := s.apiLoadCase(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if who == 0 {
				return nil, huma.Error403Forbidden("您无权办理该单位的申请")
			}
			form := *r
			form.MultipartForm = &in.RawBody
			first := func(k string) string {
				if v := in.RawBody.Value[k]; len(v) > 0 {
					return strings.TrimSpace(v[0])
				}
				return ""
			}
			f, err := s.addCaseUpload(&form, u, c, first("kind"), first("appeal"))
			if err != nil {
				return nil, s.apiError(err)
			}
			return &caseFileOutput{Body: *f}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "get-case-file", Method: http.MethodGet, Path: "/api/v1/cases/{id}/files/{fid}", Summary: "下载申请的文件", Security: security,
		Responses: map[string]*huma.Response{"200": {Description: "文件", Content: map[string]*huma.MediaType{"application/octet-stream": {}}}}},
		func(ctx context.Context, in *struct {
			ID  int64 `path:"id" doc:"申请编号（内部编号）" example:"7"`
			FID int64 `path:"fid" doc:"文件编号" example:"1"`
		}) (*huma.StreamResponse, error) {
			u, _ := apiCaller(ctx)
			c, a, _, err := s.apiLoadCase(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			f, err := s.db.GetCaseFile(ctx, in.FID)
			if err != nil || f.ApplicationID != c.ID {
				return nil, huma.Error404NotFound("该申请没有这个文件")
			}
			// A copy of the applicant's identity document shows the whole number: only for those who see it whole.
			if f.Kind == idProofKind && s.personalView(ctx, u, a)[disclosure.FieldIDNumber] != disclosure.Full {
				return nil, huma.Error403Forbidden("您无权查看申请人的身份证明")
			}
			return apiDownload(f.Name, attachmentType(f.ContentType), f.Data), nil
		})
}

// versionIfMatch checks a write's If-Match against the version of the record it changes (what names it: 申请, 信息):
// 428 when it is missing, 422 when it is no version, 412 with stale — the console's own message for a record changed
// since it was read — when the versions differ. It returns the version, for the store's own check inside the write's
// transaction.
func versionIfMatch(tag string, current int, what, stale string) (int, error) {
	if strings.TrimSpace(tag) == "" {
		return 0, huma.NewError(http.StatusPreconditionRequired, "请在 If-Match 请求头中带上"+what+"的版本号（查看"+what+"时答复的 ETag），以免覆盖他人的更新")
	}
	version, ok := parseVersion(tag)
	if !ok {
		return 0, huma.Error422UnprocessableEntity("If-Match 应为" + what + "的版本号，如 \"3\"")
	}
	if version != current {
		return 0, huma.Error412PreconditionFailed(stale)
	}
	return version, nil
}

// The console's messages for a record changed since it was read.
const (
	staleCase = "该申请已被他人更新，请刷新页面查看最新情况后再操作"
	staleItem = "该信息已被他人更新，请刷新页面后再操作"
)

// parseVersion reads an If-Match entity tag ("3", W/"3" or 3).
func parseVersion(tag string) (int, bool) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	n, err := strconv.Atoi(strings.Trim(tag, `"`))
	return n, err == nil && n > 0
}
