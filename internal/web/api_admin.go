package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report"
	"github.com/gongkai/gongkai/internal/store"
)

// The administration pages of the console behind the JSON API, each through the function its page calls: the
// notice templates (templateAgency, templateRows, agencyTemplate, saveTemplate), the website's footer particulars
// (SetSiteSettings, as siteSave), the webhooks (webhookScopeOf, newWebhook, webhookOf and the store's calls, as
// console_webhooks.go), the account list (userRows) and the supervising office's overview (regionOf, supervision).

// apiAgencyRef names an agency.
type apiAgencyRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// apiTemplateRow is one notice template of the list.
type apiTemplateRow struct {
	Key    string `json:"key" doc:"模板名，如 receipt（受理回执）、reply.disclosed.provided（答复书：予以公开）"`
	Kind   string `json:"kind" doc:"告知书种类"`
	Name   string `json:"name"`
	Custom bool   `json:"custom" doc:"本单位是否修改过（false：使用默认模板）"`
}

type templatesOutput struct {
	Body struct {
		Agency    apiAgencyRef     `json:"agency"`
		Agencies  []apiAgencyRef   `json:"agencies" doc:"本账号可以修改模板的单位"`
		Templates []apiTemplateRow `json:"templates"`
	}
}

// apiPlaceholder is a placeholder a template may use.
type apiPlaceholder struct {
	Name        string `json:"name" example:"{申请人}"`
	Description string `json:"description"`
}

// apiTemplate is one template as its page shows it.
type apiTemplate struct {
	Agency       apiAgencyRef     `json:"agency"`
	Key          string           `json:"key"`
	Name         string           `json:"name"`
	Title        string           `json:"title"`
	Body         string           `json:"body"`
	Custom       bool             `json:"custom"`
	DefaultTitle string           `json:"default_title"`
	DefaultBody  string           `json:"default_body"`
	Required     []string         `json:"required,omitempty" doc:"模板必须保留的占位符（法律要求告知书写明的内容）"`
	Placeholders []apiPlaceholder `json:"placeholders"`
	Message      string           `json:"message,omitempty"`
}

type templateOutput struct {
	ETag string `header:"ETag" doc:"模板当前内容的标签；修改时须在 If-Match 中带上"`
	Body apiTemplate
}

// templateSaveBody is the template page's form.
type templateSaveBody struct {
	Title string `json:"title,omitempty" maxLength:"200" doc:"告知书标题（最多 60 个字）" example:"政府信息公开申请受理回执"`
	Body  string `json:"body,omitempty" maxLength:"20000" doc:"告知书正文；{申请人} 等占位符在出具时替换" example:"{申请人}：\n本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}）……"`
	Reset bool   `json:"reset,omitempty" doc:"true：恢复为默认模板（忽略 title 和 body）" example:"false"`
}

// siteBody is the footer particulars of the settings page, by the form's names.
type siteBody struct {
	Sponsor        string `json:"sponsor,omitempty" maxLength:"1000" doc:"主办单位" example:"平阴县人民政府办公室"`
	Operator       string `json:"operator,omitempty" maxLength:"1000" doc:"承办单位" example:"平阴县大数据中心"`
	Contact        string `json:"contact,omitempty" maxLength:"1000" doc:"联系方式" example:"0531-87880000"`
	SiteCode       string `json:"site_code,omitempty" maxLength:"1000" doc:"网站标识码" example:"3701240001"`
	ICP            string `json:"icp,omitempty" maxLength:"1000" doc:"ICP备案号" example:"鲁ICP备12345678号-1"`
	PublicSecurity string `json:"public_security,omitempty" maxLength:"1000" doc:"公安机关备案号" example:"鲁公网安备 37012402000001号"`
}

type siteOutput struct {
	ETag string `header:"ETag" doc:"页脚信息当前内容的标签；修改时须在 If-Match 中带上"`
	Body struct {
		Site    disclosure.SiteSettings `json:"site"`
		Message string                  `json:"message,omitempty"`
	}
}

// apiWebhook is a subscriber as the webhooks page lists it (its secret only in the answer that registers it).
type apiWebhook struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url"`
	Kinds       []string  `json:"kinds"`
	AgencyID    *int64    `json:"agency_id,omitempty" doc:"只推送该单位（含下属单位）的事件；省略为全部单位"`
	Agency      string    `json:"agency"`
	Description string    `json:"description,omitempty"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
	Secret      string    `json:"secret,omitempty" doc:"签名密钥（Standard Webhooks 格式）：只在登记的第一次答复中出现，请妥善保存"`
}

// apiWebhookKind is an event kind.
type apiWebhookKind struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

type webhooksOutput struct {
	Body struct {
		Webhooks []apiWebhook     `json:"webhooks"`
		Kinds    []apiWebhookKind `json:"kinds" doc:"可以订阅的事件"`
	}
}

type webhookOutput struct {
	Location string `header:"Location"`
	Replayed string `header:"Idempotent-Replayed" doc:"true：同一幂等键的重复请求，答复第一次登记的推送地址（不再给出密钥）"`
	Body     struct {
		Webhook apiWebhook `json:"webhook"`
		Message string     `json:"message,omitempty"`
	}
}

// webhookBody is the registration form.
type webhookBody struct {
	URL         string   `json:"url,omitempty" required:"false" maxLength:"2000" doc:"（必填）接收地址：https，且不能指向内部网络" example:"https://oa.example.gov.cn/gongkai/events"`
	Kinds       []string `json:"kinds,omitempty" required:"false" doc:"（必填）订阅的事件，见 GET /api/v1/webhooks 的 kinds" example:"[\"case.registered\"]"`
	Agency      int64    `json:"agency,omitempty" doc:"只推送该单位（含下属单位）的事件；省略为全部单位（仅系统管理员）" example:"2"`
	Description string   `json:"description,omitempty" maxLength:"1000" doc:"说明（最多 200 个字）" example:"12345 热线"`
}

// apiWebhookAttempt is one attempt of a delivery.
type apiWebhookAttempt struct {
	At         time.Time `json:"at"`
	Status     int       `json:"status" doc:"HTTP 状态码；0 为没有答复"`
	DurationMS int64     `json:"duration_ms"`
	Error      string    `json:"error,omitempty"`
}

// apiWebhookDelivery is one event to the subscriber, as the delivery log shows it.
type apiWebhookDelivery struct {
	ID            int64               `json:"id"`
	EventID       string              `json:"event_id" doc:"事件的幂等编号（Webhook-Id 请求头）"`
	Kind          string              `json:"kind"`
	OccurredAt    time.Time           `json:"occurred_at"`
	Attempts      int                 `json:"attempts"`
	NextAttemptAt *time.Time          `json:"next_attempt_at,omitempty" doc:"下一次尝试的时间（未送达且未放弃时）"`
	DeliveredAt   *time.Time          `json:"delivered_at,omitempty"`
	Failed        bool                `json:"failed" doc:"已放弃重试（可用 retry 重新推送）"`
	LastStatus    int                 `json:"last_status,omitempty"`
	LastError     string              `json:"last_error,omitempty"`
	Log           []apiWebhookAttempt `json:"log"`
}

type webhookDeliveriesOutput struct {
	Body struct {
		Deliveries []apiWebhookDelivery `json:"deliveries"`
	}
}

type messageOutput struct {
	Body struct {
		Message string `json:"message"`
	}
}

// apiGrant is one role of an account.
type apiGrant struct {
	Role     string `json:"role"`
	RoleName string `json:"role_name"`
	AgencyID *int64 `json:"agency_id,omitempty"`
}

// apiUser is an account as the console's account list shows it: no e-mail address, no sign-in history.
type apiUser struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Roles       string     `json:"roles" doc:"角色（与管理后台账号列表的文字相同）"`
	Grants      []apiGrant `json:"grants"`
	TOTPEnabled bool       `json:"totp_enabled" doc:"是否启用动态验证码"`
	Status      string     `json:"status" doc:"正常、已停用 或 须修改初始密码"`
}

type usersOutput struct {
	Body struct {
		All   bool      `json:"all" doc:"true：全部账号（系统角色）；false：本单位及下属单位的账号"`
		Users []apiUser `json:"users"`
	}
}

// apiSupervisionRow is one agency of the supervision table.
type apiSupervisionRow struct {
	AgencyID        int64  `json:"agency_id"`
	Agency          string `json:"agency"`
	Parent          string `json:"parent,omitempty" doc:"上级单位（下属单位列在部门之间时）"`
	Status          string `json:"status" doc:"年度报告状态：none、draft、in_review、published"`
	Label           string `json:"label" doc:"表中显示的状态（如 已逾期）"`
	Note            string `json:"note,omitempty"`
	Deadline        string `json:"deadline,omitempty" doc:"年度报告的发布期限"`
	DaysLeft        int    `json:"days_left"`
	PublishedOn     string `json:"published_on,omitempty"`
	Late            bool   `json:"late"`
	DueSoon         bool   `json:"due_soon"`
	Corrections     int    `json:"corrections"`
	Errors          int    `json:"errors" doc:"年度报告检查出的错误数"`
	Warnings        int    `json:"warnings"`
	Unreadable      bool   `json:"unreadable,omitempty"`
	Overdue         int    `json:"overdue" doc:"超过答复期限的申请数"`
	LatePublished   int    `json:"late_published" doc:"本年度超过 20 个工作日才公开的信息数（《条例》第二十六条）"`
	Unpublished     int    `json:"unpublished" doc:"已超过 20 个工作日仍未公开的信息数"`
	UnpublishedMore bool   `json:"unpublished_more,omitempty"`
}

// apiTally counts the agencies by the state of their report.
type apiTally struct {
	Agencies      int `json:"agencies"`
	None          int `json:"none"`
	Draft         int `json:"draft"`
	InReview      int `json:"in_review"`
	Published     int `json:"published"`
	PublishedLate int `json:"published_late"`
	Late          int `json:"late"`
	DueSoon       int `json:"due_soon"`
	Corrected     int `json:"corrected"`
	Overdue       int `json:"overdue"`
	LatePublished int `json:"late_published"`
	Unpublished   int `json:"unpublished"`
}

// apiSummaryDiff is a figure on which the published reports and the live data differ.
type apiSummaryDiff struct {
	Where   string  `json:"where"`
	Reports float64 `json:"reports"`
	Live    float64 `json:"live"`
}

// apiRegionSummary is sections 二 to 四 of the region, summed from the published reports and from the live data.
type apiRegionSummary struct {
	Format      string                 `json:"format" doc:"年度报告格式"`
	Published   int                    `json:"published" doc:"已汇总其年度报告的单位数"`
	Agencies    int                    `json:"agencies"`
	Other       int                    `json:"other" doc:"年度报告格式不同、无法汇总的单位数"`
	FromReports map[string]report.Grid `json:"from_reports" doc:"按表（如 2、3、4）汇总的已发布年度报告，行→列→数值"`
	FromLive    map[string]report.Grid `json:"from_live" doc:"同样的表，按系统中的申请和目录计算"`
	Diffs       []apiSummaryDiff       `json:"diffs"`
}

// apiTrendSeries is one line of the trend.
type apiTrendSeries struct {
	Name   string `json:"name"`
	Unit   string `json:"unit"`
	Values []int  `json:"values"`
}

type supervisionOutput struct {
	Body struct {
		Region  apiAgencyRef        `json:"region"`
		Regions []apiAgencyRef      `json:"regions" doc:"本账号监督的地区"`
		Year    int                 `json:"year"`
		Years   []int               `json:"years"`
		Today   string              `json:"today"`
		Tally   apiTally            `json:"tally"`
		Rows    []apiSupervisionRow `json:"rows"`
		Remind  []int64             `json:"remind" doc:"应提醒的单位（年度报告逾期或 10 日内到期）"`
		Summary *apiRegionSummary   `json:"summary,omitempty"`
		Trend   struct {
			Years  []int            `json:"years"`
			Series []apiTrendSeries `json:"series"`
		} `json:"trend"`
	}
}

func agencyRefs(list []*disclosure.Agency) []apiAgencyRef {
	out := make([]apiAgencyRef, 0, len(list))
	for _, a := range list {
		out = append(out, apiAgencyRef{ID: a.ID, Name: a.Name})
	}
	return out
}

// templateView is the template key of agency a as its page shows it.
func (s *Server) templateView(ctx context.Context, a *disclosure.Agency, key string) (apiTemplate, error) {
	def, ok := casework.DefaultTemplates()[key]
	if !ok {
		return apiTemplate{}, disclosure.Errorf(disclosure.ENotFound, "没有名为“%s”的告知书模板", key)
	}
	title, body, custom, err := s.agencyTemplate(ctx, a, def)
	if err != nil {
		return apiTemplate{}, err
	}
	out := apiTemplate{Agency: apiAgencyRef{ID: a.ID, Name: a.Name}, Key: key, Name: def.Name, Title: title, Body: body, Custom: custom,
		DefaultTitle: def.Title, DefaultBody: def.Body, Required: def.Required, Placeholders: []apiPlaceholder{}}
	for n, d := range casework.Placeholders(key) {
		out.Placeholders = append(out.Placeholders, apiPlaceholder{Name: "{" + n + "}", Description: d})
	}
	sort.Slice(out.Placeholders, func(i, j int) bool { return out.Placeholders[i].Name < out.Placeholders[j].Name })
	return out, nil
}

func webhookView(sub *store.WebhookSubscription, names map[int64]string) apiWebhook {
	out := apiWebhook{ID: sub.ID, URL: sub.URL, Kinds: append([]string{}, sub.Kinds...), AgencyID: sub.AgencyID, Agency: "全部单位",
		Description: sub.Description, Disabled: sub.Disabled, CreatedAt: sub.CreatedAt, CreatedBy: sub.CreatedBy}
	if sub.AgencyID != nil {
		out.Agency = names[*sub.AgencyID]
	}
	return out
}

func agencyNames(sc webhookScope) map[int64]string {
	names := map[int64]string{}
	for _, a := range sc.agencies {
		names[a.ID] = a.Name
	}
	return names
}

// registerAdminAPI registers the templates', site settings', webhooks', accounts' and supervision's operations.
func (s *Server) registerAdminAPI(api huma.API, security []map[string][]string) {
	huma.Register(api, huma.Operation{OperationID: "list-templates", Method: http.MethodGet, Path: "/api/v1/templates", Summary: "列出告知书模板", Security: security,
		Description: "单位的告知书模板（受理回执、补正告知书、答复书等），与管理后台“告知书模板”页相同：公开专员和单位管理员可以查看和修改本单位的模板。"},
		func(ctx context.Context, in *struct {
			Agency string `query:"agency" doc:"单位编号；省略为本账号可以修改模板的第一个单位" example:"2"`
		}) (*templatesOutput, error) {
			u, r := apiCaller(ctx)
			a, agencies, err := s.templateAgency(r, u, in.Agency)
			if err != nil {
				return nil, s.apiError(err)
			}
			rows, err := s.templateRows(ctx, a)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &templatesOutput{}
			out.Body.Agency, out.Body.Agencies, out.Body.Templates = apiAgencyRef{ID: a.ID, Name: a.Name}, agencyRefs(agencies), []apiTemplateRow{}
			for _, row := range rows {
				out.Body.Templates = append(out.Body.Templates, apiTemplateRow{Key: row.Key, Kind: row.Kind, Name: row.Name, Custom: row.Custom})
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "get-template", Method: http.MethodGet, Path: "/api/v1/templates/{key}", Summary: "查看告知书模板", Security: security,
		Description: "模板的标题和正文（本单位修改过的，或默认的）、默认文本、可用的占位符和必须保留的占位符。"},
		func(ctx context.Context, in *struct {
			Key    string `path:"key" doc:"模板名" example:"receipt"`
			Agency string `query:"agency" doc:"单位编号；省略为本账号可以修改模板的第一个单位" example:"2"`
		}) (*templateOutput, error) {
			u, r := apiCaller(ctx)
			a, _, err := s.templateAgency(r, u, in.Agency)
			if err != nil {
				return nil, s.apiError(err)
			}
			view, err := s.templateView(ctx, a, in.Key)
			if err != nil {
				return nil, s.apiError(err)
			}
			tag, err := s.db.NoticeTemplateTag(ctx, a.ID, in.Key)
			if err != nil {
				return nil, s.apiError(err)
			}
			return &templateOutput{ETag: tag, Body: view}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "save-template", Method: http.MethodPost, Path: "/api/v1/templates/{key}", Summary: "修改告知书模板", Security: security,
		Description: "保存本单位的模板（检查标题、正文和必须保留的占位符，与管理后台相同），或 reset 为 true 时恢复为默认模板。此后出具的告知书使用新模板，已出具的不变。" +
			"须在 If-Match 中带上查看模板时答复的 ETag：缺少时答复 428，模板已被他人修改时答复 412。"},
		func(ctx context.Context, in *struct {
			Key     string `path:"key" doc:"模板名" example:"receipt"`
			Agency  string `query:"agency" doc:"单位编号；省略为本账号可以修改模板的第一个单位" example:"2"`
			IfMatch string `header:"If-Match" doc:"模板的标签（GET /api/v1/templates/{key} 的 ETag）" example:"\"5d1c0b5e2a9f3e7d41\""`
			Body    templateSaveBody
		}) (*templateOutput, error) {
			u, r := apiCaller(ctx)
			a, _, err := s.templateAgency(r, u, in.Agency)
			if err != nil {
				return nil, s.apiError(err)
			}
			expect, err := contentIfMatch(in.IfMatch, "模板")
			if err != nil {
				return nil, err
			}
			msg, err := s.saveTemplate(r, u, a, in.Key, in.Body.Title, in.Body.Body, in.Body.Reset, expect)
			if err != nil {
				return nil, s.apiWriteError(err)
			}
			view, err := s.templateView(ctx, a, in.Key)
			if err != nil {
				return nil, s.apiError(err)
			}
			tag, err := s.db.NoticeTemplateTag(ctx, a.ID, in.Key)
			if err != nil {
				return nil, s.apiError(err)
			}
			view.Message = msg
			return &templateOutput{ETag: tag, Body: view}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "get-site-settings", Method: http.MethodGet, Path: "/api/v1/settings/site", Summary: "查看网站页脚信息（系统管理员）", Security: security,
		Description: "网站页脚的主办单位、承办单位、联系方式、网站标识码、ICP备案号和公安机关备案号，与管理后台“单位设置”页相同。"},
		func(ctx context.Context, _ *struct{}) (*siteOutput, error) {
			site, err := s.db.SiteSettings(ctx)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &siteOutput{ETag: store.SiteSettingsTag(site)}
			out.Body.Site = site
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "save-site-settings", Method: http.MethodPost, Path: "/api/v1/settings/site", Summary: "修改网站页脚信息（系统管理员）", Security: security,
		Description: "与管理后台“单位设置”页的表单相同：全部六项一起保存（省略的项清空），格式不对的项答复 422，errors 指出是哪一项。" +
			"须在 If-Match 中带上查看时答复的 ETag：缺少时答复 428，页脚信息已被他人修改时答复 412。"},
		func(ctx context.Context, in *struct {
			IfMatch string `header:"If-Match" doc:"页脚信息的标签（GET /api/v1/settings/site 的 ETag）" example:"\"8b2f61c0d94e7a3b15\""`
			Body    siteBody
		}) (*siteOutput, error) {
			u, r := apiCaller(ctx)
			expect, err := contentIfMatch(in.IfMatch, "页脚信息")
			if err != nil {
				return nil, err
			}
			v := disclosure.SiteSettings{Sponsor: in.Body.Sponsor, Operator: in.Body.Operator, Contact: in.Body.Contact, SiteCode: in.Body.SiteCode,
				ICP: in.Body.ICP, PublicSecurity: in.Body.PublicSecurity}
			if err := s.db.SetSiteSettingsIf(ctx, actorOf(u, r), v, expect); err != nil {
				if errors.Is(err, store.ErrStale) {
					return nil, s.apiWriteError(err)
				}
				var fe *disclosure.SiteFieldError
				if errors.As(err, &fe) {
					msg := disclosure.ErrorMessage(fe.Err)
					return nil, huma.Error422UnprocessableEntity(msg, &huma.ErrorDetail{Location: "body." + fe.Key, Message: msg})
				}
				return nil, s.apiError(err)
			}
			site, err := s.db.SiteSettings(ctx)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &siteOutput{ETag: store.SiteSettingsTag(site)}
			out.Body.Site, out.Body.Message = site, "已保存网站页脚信息。"
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "list-webhooks", Method: http.MethodGet, Path: "/api/v1/webhooks", Summary: "列出事件推送地址", Security: security,
		Description: "本账号管理的推送地址（系统管理员：全部；单位管理员：本单位及下属单位的），与管理后台“事件推送”页相同；密钥不再显示。"},
		func(ctx context.Context, _ *struct{}) (*webhooksOutput, error) {
			u, _ := apiCaller(ctx)
			sc, err := s.webhookScopeOf(ctx, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			var filter []int64
			if !sc.all {
				filter = sc.ids()
			}
			subs, err := s.db.Webhooks(ctx, filter)
			if err != nil {
				return nil, s.apiError(err)
			}
			names := agencyNames(sc)
			out := &webhooksOutput{}
			out.Body.Webhooks, out.Body.Kinds = []apiWebhook{}, []apiWebhookKind{}
			for i := range subs {
				out.Body.Webhooks = append(out.Body.Webhooks, webhookView(&subs[i], names))
			}
			for _, k := range store.WebhookKinds {
				out.Body.Kinds = append(out.Body.Kinds, apiWebhookKind{Key: k, Name: store.WebhookKindNames[k]})
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "create-webhook", Method: http.MethodPost, Path: "/api/v1/webhooks", DefaultStatus: http.StatusCreated,
		Summary: "登记事件推送地址", Security: security,
		Description: "与管理后台“事件推送”页相同：检查接收地址（https，不能指向内部网络），签名密钥只在这一次答复中给出。" +
			"请求须带 Idempotency-Key：同一账号以同一键重发相同的请求，答复第一次登记的推送地址（201，不再登记，也不再给出密钥）；同一键用于不同的请求，答复 422。"},
		func(ctx context.Context, in *struct {
			Key  string `header:"Idempotency-Key" maxLength:"200" doc:"幂等键（必填）：客户端为每个新请求生成的唯一值（如 UUID），重试时不变" example:"5b0e2c7a-3f4d-4e8b-9a61-2d7c1e9f0a34"`
			Body webhookBody
		}) (*webhookOutput, error) {
			u, r := apiCaller(ctx)
			if strings.TrimSpace(in.Key) == "" {
				return nil, huma.Error400BadRequest("请在 Idempotency-Key 请求头中提供幂等键（如一个 UUID）：网络中断后用同一个键重试，不会重复登记")
			}
			sc, err := s.webhookScopeOf(ctx, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			agency := ""
			if in.Body.Agency != 0 {
				agency = strconv.FormatInt(in.Body.Agency, 10)
			}
			sub, err := s.newWebhook(ctx, sc, in.Body.URL, in.Body.Kinds, in.Body.Description, agency)
			if err != nil {
				return nil, s.apiError(err)
			}
			replayed, err := s.db.CreateWebhookOnce(ctx, actorOf(u, r), u.ID, in.Key, requestHash(in.Body), sub)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &webhookOutput{}
			if replayed != 0 {
				if sub, err = s.db.GetWebhook(ctx, replayed); err != nil {
					return nil, s.apiError(err)
				}
				out.Replayed = "true"
			}
			out.Location = fmt.Sprintf("/api/v1/webhooks/%d/deliveries", sub.ID)
			out.Body.Webhook = webhookView(sub, agencyNames(sc))
			if replayed == 0 {
				out.Body.Webhook.Secret = sub.Secret
				out.Body.Message = "已登记。签名密钥只显示这一次，请复制保存到接收系统中。"
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "list-webhook-deliveries", Method: http.MethodGet, Path: "/api/v1/webhooks/{hook}/deliveries", Summary: "查看推送记录", Security: security,
		Description: "推送地址最近的推送及每次尝试（HTTP 状态、耗时、错误），与管理后台“事件推送”页的推送记录相同。"},
		func(ctx context.Context, in *struct {
			Hook  int64 `path:"hook" doc:"推送地址编号" example:"1"`
			Limit int   `query:"limit" minimum:"1" maximum:"200" default:"20" doc:"最多列出多少条" example:"20"`
		}) (*webhookDeliveriesOutput, error) {
			u, _ := apiCaller(ctx)
			sub, err := s.webhookOf(ctx, u, in.Hook)
			if err != nil {
				return nil, s.apiError(err)
			}
			list, err := s.db.WebhookDeliveries(ctx, sub.ID, in.Limit)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &webhookDeliveriesOutput{}
			out.Body.Deliveries = []apiWebhookDelivery{}
			for _, d := range list {
				row := apiWebhookDelivery{ID: d.ID, EventID: d.Event.UID, Kind: d.Event.Kind, OccurredAt: d.Event.OccurredAt, Attempts: d.Attempts,
					DeliveredAt: d.DeliveredAt, Failed: d.Failed, LastStatus: d.LastStatus, LastError: d.LastError, Log: []apiWebhookAttempt{}}
				if d.DeliveredAt == nil && !d.Failed {
					next := d.NextAttemptAt
					row.NextAttemptAt = &next
				}
				for _, a := range d.Log {
					row.Log = append(row.Log, apiWebhookAttempt{At: a.At, Status: a.Status, DurationMS: a.Duration.Milliseconds(), Error: a.Error})
				}
				out.Body.Deliveries = append(out.Body.Deliveries, row)
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "disable-webhook", Method: http.MethodPost, Path: "/api/v1/webhooks/{hook}/disable", Summary: "停用或恢复推送地址", Security: security,
		Description: "停用后不再推送新事件，未送达的事件暂停重试；disabled 为 false 时恢复。与管理后台相同。"},
		func(ctx context.Context, in *struct {
			Hook int64 `path:"hook" doc:"推送地址编号" example:"1"`
			// A pointer: the body may be left out (to stop the subscriber).
			Body *struct {
				Disabled *bool `json:"disabled,omitempty" doc:"true（默认）：停用；false：恢复" example:"true"`
			}
		}) (*webhookOutput, error) {
			u, r := apiCaller(ctx)
			sub, err := s.webhookOf(ctx, u, in.Hook)
			if err != nil {
				return nil, s.apiError(err)
			}
			disabled := in.Body == nil || in.Body.Disabled == nil || *in.Body.Disabled
			if err := s.db.SetWebhookDisabled(ctx, actorOf(u, r), sub.ID, disabled); err != nil {
				return nil, s.apiError(err)
			}
			if sub, err = s.db.GetWebhook(ctx, sub.ID); err != nil {
				return nil, s.apiError(err)
			}
			sc, err := s.webhookScopeOf(ctx, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &webhookOutput{}
			out.Body.Webhook, out.Body.Message = webhookView(sub, agencyNames(sc)), webhookDisabledDone(sub, disabled)
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "retry-webhook-delivery", Method: http.MethodPost, Path: "/api/v1/webhooks/{hook}/deliveries/{delivery}/retry",
		Summary: "立即重新推送", Security: security,
		Description: "让一条等待重试或已放弃的推送立即重新推送，与管理后台推送记录中的“立即重试”相同。"},
		func(ctx context.Context, in *struct {
			Hook     int64 `path:"hook" doc:"推送地址编号" example:"1"`
			Delivery int64 `path:"delivery" doc:"推送记录编号" example:"3"`
		}) (*messageOutput, error) {
			u, r := apiCaller(ctx)
			sub, err := s.webhookOf(ctx, u, in.Hook)
			if err != nil {
				return nil, s.apiError(err)
			}
			if err := s.db.RetryWebhookNow(ctx, actorOf(u, r), sub.ID, in.Delivery); err != nil {
				return nil, s.apiError(err)
			}
			out := &messageOutput{}
			out.Body.Message = webhookRetryDone
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: "/api/v1/users", Summary: "列出账号", Security: security,
		Description: "与管理后台“账号”页相同：系统角色看到全部账号，单位管理员看到本单位及下属单位的账号；只有页面显示的内容（不含电子邮箱和登录记录）。"},
		func(ctx context.Context, _ *struct{}) (*usersOutput, error) {
			u, r := apiCaller(ctx)
			rows, all, err := s.userRows(r, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &usersOutput{}
			out.Body.All, out.Body.Users = all, []apiUser{}
			for _, row := range rows {
				x := apiUser{ID: row.User.ID, Username: row.User.Username, DisplayName: row.User.DisplayName, Roles: row.Roles, Grants: []apiGrant{},
					TOTPEnabled: row.User.TOTPEnabled, Status: "正常"}
				switch {
				case row.User.Disabled:
					x.Status = "已停用"
				case row.User.MustChangePassword:
					x.Status = "须修改初始密码"
				}
				for _, g := range row.User.Grants {
					x.Grants = append(x.Grants, apiGrant{Role: string(g.Role), RoleName: disclosure.RoleNames[g.Role], AgencyID: g.AgencyID})
				}
				out.Body.Users = append(out.Body.Users, x)
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "get-supervision", Method: http.MethodGet, Path: "/api/v1/supervision", Summary: "政务公开监督概况", Security: security,
		Description: "与管理后台“监督”页相同（政务公开办）：所监督地区每个单位的年度报告状态、检查出的问题和期限，超期未答复的申请，逾期公开和逾期未公开的信息，" +
			"地区第二至四部分的汇总（已发布年度报告之和与系统数据对照）和近五年趋势。"},
		func(ctx context.Context, in *struct {
			Region string `query:"region" doc:"地区（监督的单位）编号；省略为本账号监督的第一个地区" example:"1"`
			Year   string `query:"year" doc:"年度报告的年度；省略为正在编写或刚到期的年度" example:"2025"`
		}) (*supervisionOutput, error) {
			u, _ := apiCaller(ctx)
			reg, regions, err := s.regionOf(ctx, u, in.Region)
			if err != nil {
				return nil, s.apiError(err)
			}
			year, err := s.supervisionYearFrom(in.Year)
			if err != nil {
				return nil, s.apiError(err)
			}
			d, err := s.supervision(ctx, reg, year)
			if err != nil {
				return nil, s.apiError(err)
			}
			return supervisionView(d, regions), nil
		})
}

// supervisionView is the supervision page's figures as the API answers them.
func supervisionView(d *supervisionData, regions []*disclosure.Agency) *supervisionOutput {
	out := &supervisionOutput{}
	b := &out.Body
	b.Region, b.Regions, b.Year, b.Years, b.Today = apiAgencyRef{ID: d.Region.Root.ID, Name: d.Region.Root.Name}, agencyRefs(regions), d.Year, d.Years, d.Today.String()
	t := d.Tally
	b.Tally = apiTally{Agencies: t.Agencies, None: t.None, Draft: t.Draft, InReview: t.InReview, Published: t.Published, PublishedLate: t.PublishedLate,
		Late: t.Late, DueSoon: t.DueSoon, Corrected: t.Corrected, Overdue: t.Overdue, LatePublished: t.LatePublished, Unpublished: t.Unpublished}
	b.Rows, b.Remind = []apiSupervisionRow{}, []int64{}
	date := func(x interface {
		IsZero() bool
		String() string
	}) string {
		if x.IsZero() {
			return ""
		}
		return x.String()
	}
	for _, r := range d.Rows {
		b.Rows = append(b.Rows, apiSupervisionRow{AgencyID: r.Agency.ID, Agency: r.Agency.Name, Parent: r.Parent, Status: r.Status, Label: r.Label, Note: r.Note,
			Deadline: date(r.Deadline), DaysLeft: r.DaysLeft, PublishedOn: date(r.PublishedOn), Late: r.Late, DueSoon: r.DueSoon, Corrections: r.Corrections,
			Errors: r.Errors, Warnings: r.Warnings, Unreadable: r.Unreadable, Overdue: r.Overdue, LatePublished: r.LatePublished, Unpublished: r.Unpublished,
			UnpublishedMore: r.UnpublishedMore})
	}
	for _, r := range d.Remind {
		b.Remind = append(b.Remind, r.Agency.ID)
	}
	if sum := d.Summary; sum != nil {
		b.Summary = &apiRegionSummary{Format: sum.Format.Name, Published: sum.Published, Agencies: sum.Agencies, Other: sum.Other,
			FromReports: sum.FromReports, FromLive: sum.FromLive, Diffs: []apiSummaryDiff{}}
		for _, x := range sum.Diffs {
			b.Summary.Diffs = append(b.Summary.Diffs, apiSummaryDiff{Where: x.Where, Reports: x.Reports, Live: x.Live})
		}
	}
	b.Trend.Years, b.Trend.Series = []int{}, []apiTrendSeries{}
	if d.Trend != nil {
		b.Trend.Years = d.Trend.Years
		for _, x := range d.Trend.Series {
			b.Trend.Series = append(b.Trend.Series, apiTrendSeries{Name: x.Name, Unit: x.Unit, Values: x.Values})
		}
	}
	return out
}

// contentIfMatch reads the If-Match of a write to a record tagged by its content (a template, the site's footer):
// 428 when it is missing. what names the record in the message.
func contentIfMatch(tag, what string) (string, error) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		return "", huma.NewError(http.StatusPreconditionRequired, "请在 If-Match 请求头中带上查看"+what+"时答复的 ETag，以免覆盖他人的修改")
	}
	return tag, nil
}

// apiWriteError is apiError for a write made with If-Match: a record changed since it was read answers 412.
func (s *Server) apiWriteError(err error) error {
	if errors.Is(err, store.ErrStale) {
		return huma.Error412PreconditionFailed(disclosure.ErrorMessage(err))
	}
	return s.apiError(err)
}
