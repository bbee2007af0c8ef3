package web

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
)

// The catalogue's items (主动公开) behind the JSON API. Every operation calls the function the console's pages call
// (listItems, createItem, saveItem, stepItem, itemPageOf, addItemUpload, removeItemAttachment, bulkItems,
// itemFromAnsweredCase), so the workflow table, the checks, the audit records and the webhook events are the same
// whether a person clicks or a program calls.

// ItemContent is an item's content in the JSON API: the fields of the console's edit form, by the same names.
type ItemContent struct {
	Title       string   `json:"title,omitempty" required:"false" doc:"（必填）信息名称（标题），最多 200 字" example:"关于开展2026年春季爱国卫生运动的通知"`
	Summary     string   `json:"summary,omitempty" doc:"内容概述，最多 1000 字" example:"部署春季爱国卫生运动。"`
	DocNumber   string   `json:"doc_number,omitempty" doc:"文号" example:"平卫发〔2026〕3号"`
	Publisher   string   `json:"publisher,omitempty" doc:"发布机构，不填为发布单位的名称" example:"平阴县卫生健康局"`
	Category    string   `json:"category,omitempty" doc:"主题分类代码（管理后台“主题分类”中的代码）" example:"health.public_health"`
	Genre       string   `json:"genre,omitempty" required:"false" doc:"（必填）体裁：rules（规章）、normative（行政规范性文件）、interpretation（政策解读）、plan（规划计划）、statistics（统计信息）、licensing（行政许可决定）、penalty（行政处罚决定）、coercion（行政强制决定）、budget（预决算）、personnel（人事信息）、emergency（应急管理）、notice（通知公告）、news（工作动态）、disclosure_rules（政府信息公开制度）、other（其他）" example:"notice"`
	Art20       int      `json:"art20,omitempty" doc:"法定主动公开内容：《条例》第二十条第几项（1—15）；不填按体裁确定" example:"1"`
	Keywords    []string `json:"keywords,omitempty" doc:"关键词，最多 10 个" example:"[\"爱国卫生\",\"环境整治\"]"`
	Body        string   `json:"body,omitempty" doc:"正文：HTML（从 Word、WPS 或网页复制的内容均可）或纯文本（每行一段）。保存时与管理后台相同地清理：保留段落、标题、列表、表格（含合并单元格）和加粗；链接只保留 https、mailto 和本站地址，图片只保留本站的；脚本、样式和事件属性一律去掉" example:"<p>各镇街卫生院：</p><p>请做好<strong>环境卫生整治</strong>。</p>"`
	WrittenOn   string   `json:"written_on,omitempty" doc:"成文日期" example:"2026-03-02"`
	FormedOn    string   `json:"formed_on,omitempty" doc:"形成或变更日期：《条例》第二十六条的 20 个工作日从此日起算，不填为成文日期" example:"2026-03-02"`
	Validity    string   `json:"validity,omitempty" doc:"有效性（规章、规范性文件等有有效性的体裁）：in_force（有效）、expired（失效）、repealed（废止）" example:"in_force"`
	EffectiveOn string   `json:"effective_on,omitempty" doc:"施行日期" example:"2026-04-01"`
	EndedOn     string   `json:"ended_on,omitempty" doc:"失效（废止）日期" example:"2031-03-31"`
	// BodyDOCX is the console's “导入Word正文”.
	BodyDOCX     []byte `json:"body_docx,omitempty" doc:"以 Word 文件（.docx，base64 编码，不超过 20 MB）导入正文：给出时代替 body，与管理后台的“导入Word正文”相同地转换和清理；文件中的图片不导入（答复的 warnings 说明）"`
	BodyDOCXName string `json:"body_docx_name,omitempty" doc:"导入正文的 Word 文件名，用于提示" example:"管理办法.docx"`
}

// maxItemAPIBody bounds a create's or an edit's JSON: the console's form's limits, a Word document in base64.
const maxItemAPIBody = maxItemPaste + maxItemDOCX/3*4 + 1<<20

// item reads the content as the edit form's fields are read, the body imported from body_docx when one is given;
// imported says what the import did.
func (b *ItemContent) item() (it disclosure.Item, imported string, err error) {
	it, _, err = itemFromValues(b.values())
	if err != nil || len(b.BodyDOCX) == 0 {
		return it, "", err
	}
	name := cleanFileName(b.BodyDOCXName)
	if strings.TrimSpace(b.BodyDOCXName) == "" {
		name = "正文.docx"
	}
	imported, err = importItemDOCX(name, b.BodyDOCX, &it)
	return it, imported, err
}

// values are the content's fields as the edit form posts them.
func (b *ItemContent) values() url.Values {
	v := bodyValues(b)
	v.Del("keywords")
	v.Del("body_docx_name")
	if len(b.Keywords) > 0 {
		v.Set("keywords", strings.Join(b.Keywords, "，"))
	}
	if b.Art20 != 0 {
		v.Set("art20", strconv.Itoa(b.Art20))
	}
	return v
}

// newItemBody is a new item: the agency it is published for, and its content.
type newItemBody struct {
	Agency int64 `json:"agency,omitempty" required:"false" doc:"（必填）发布单位编号：本账号为公开专员的单位或其下属单位" example:"2"`
	ItemContent
}

// itemStepBody is one workflow step: the action and its fields as the item page's forms name them.
type itemStepBody struct {
	Action   string            `json:"action,omitempty" required:"false" doc:"（必填）操作：submit（提交保密审查）、pass（保密审查通过）、return（退回修改）、approve（审批通过）、publish（发布）、schedule（定时发布）、unschedule（取消定时发布）、correct（更正）、discard（放弃更正）、withdraw（撤回）、validity（变更有效性）、reviewed（完成定期评估）、channels（登记发布渠道）。本账号现在可以执行的操作见 GET /api/v1/items/{id} 的 actions" example:"submit"`
	Note     string            `json:"note,omitempty" doc:"审查或审批意见；退回修改（return）的意见和撤回（withdraw）的原因必填，撤回原因将在信息页面上公开说明" example:"请补充政策解读"`
	Answer   []string          `json:"answer,omitempty" doc:"保密审查通过（pass）：逐项确认的审查清单，照录 GET /api/v1/items/{id} 的 checklist 各项，须全部确认" example:"[\"不含国家秘密、工作秘密，未涉及依法确定为国家秘密的事项\"]"`
	At       string            `json:"at,omitempty" doc:"定时发布（schedule）的时间（北京时间），须晚于现在、在一年之内" example:"2026-03-02T09:00"`
	Validity string            `json:"validity,omitempty" doc:"变更有效性（validity）：expired（失效）、repealed（废止）、in_force（恢复有效）" example:"expired"`
	Date     string            `json:"date,omitempty" doc:"失效或废止的日期（validity）；下次评估日期（reviewed，不填按体裁的评估周期）" example:"2026-03-02"`
	Channels []itemChannelBody `json:"channels,omitempty" doc:"登记发布渠道（channels），一次最多 4 个"`
}

// itemChannelBody is one row of the channels form.
type itemChannelBody struct {
	Channel string `json:"channel,omitempty" required:"false" doc:"（必填）渠道：政府网站、微信公众号、微博、政府公报、新闻发布会、报刊、广播电视、政务服务场所、其他，或自行填写的名称（最多 30 字）" example:"微信公众号"`
	On      string `json:"on,omitempty" required:"false" doc:"（必填）发布日期，今天或之前" example:"2026-03-02"`
	Count   int    `json:"count,omitempty" doc:"发布次数，不填为 1" example:"1"`
}

// values are the step's fields as the item page's form posts them.
func (b *itemStepBody) values() (url.Values, error) {
	v := bodyValues(b)
	if len(b.Channels) > maxChannelRows {
		return nil, disclosure.Errorf(disclosure.EInvalid, "一次最多登记 %d 个发布渠道，请分次登记", maxChannelRows)
	}
	for i, c := range b.Channels {
		k := strconv.Itoa(i)
		v.Set("channel_"+k, c.Channel)
		v.Set("on_"+k, c.On)
		if c.Count != 0 {
			v.Set("count_"+k, strconv.Itoa(c.Count))
		}
	}
	return v, nil
}

// itemBulkBody is a bulk step: the list's selection and its action.
type itemBulkBody struct {
	IDs    []int64 `json:"ids,omitempty" required:"false" maxItems:"200" doc:"（必填）信息编号，一次最多 200 条" example:"[12,15]"`
	Action string  `json:"action,omitempty" required:"false" doc:"（必填）操作：expired（标注失效）、repealed（标注废止）、in_force（恢复有效）、reviewed（完成定期评估）" example:"expired"`
	Date   string  `json:"date,omitempty" doc:"失效或废止的日期（标注失效、废止时必填）；完成定期评估时为下次评估日期，不填按体裁的评估周期" example:"2026-03-02"`
}

// apiItemEvent is a step of an item's history with its name.
type apiItemEvent struct {
	disclosure.ItemEvent
	Name string `json:"name" doc:"步骤名称"`
}

// apiItem is an item as its page in the console shows it to the account.
type apiItem struct {
	Item        *disclosure.Item         `json:"item" doc:"信息：公开的内容、状态、保密审查（review）；已发布信息正在准备的更正稿在 revision 中（有自己的状态和审查）"`
	Agency      string                   `json:"agency" doc:"发布单位"`
	StateName   string                   `json:"state_name" doc:"状态名称"`
	CanEdit     bool                     `json:"can_edit" doc:"本账号现在能否修改（PUT）草稿或更正稿"`
	Actions     []apiAction              `json:"actions" doc:"本账号现在可以执行的操作（POST /api/v1/items/{id}/steps 的 action）及其字段"`
	Checklist   []string                 `json:"checklist" doc:"本单位的保密审查清单：保密审查通过（pass）时在 answer 中逐项确认"`
	Attachments []itemFileRow            `json:"attachments" doc:"附件"`
	Channels    []disclosure.ItemChannel `json:"channels" doc:"登记的其他发布渠道"`
	Events      []apiItemEvent           `json:"events" doc:"办理记录，最新的在前"`
	Versions    []itemVersionRow         `json:"versions" doc:"被更正替换的已发布版本"`
	Late        string                   `json:"late,omitempty" doc:"未发布的信息按《条例》第二十六条（形成或变更之日起 20 个工作日内公开）的期限情况"`
	LateNow     bool                     `json:"late_now,omitempty" doc:"是否已超过第二十六条的期限"`
	Similar     []similarCase            `json:"similar" doc:"申请公开同一信息的申请（《条例》第四十四条：多个申请人申请公开的，可纳入主动公开）"`
	Warnings    []string                 `json:"warnings,omitempty" doc:"本次操作的提醒，如发布已超过第二十六条的期限"`
}

type itemOutput struct {
	ETag string `header:"ETag" doc:"信息的版本号；修改和办理时须在 If-Match 中带上"`
	Body apiItem
}

type createdItemOutput struct {
	Status   int
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Replayed string `header:"Idempotent-Replayed" doc:"true：同一幂等键的重复请求，答复第一次新建的信息"`
	Body     apiItem
}

// apiItemRow is one line of the item list.
type apiItemRow struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	AgencyID    int64  `json:"agency_id"`
	Agency      string `json:"agency"`
	State       string `json:"state"`
	StateName   string `json:"state_name"`
	Genre       string `json:"genre"`
	Category    string `json:"category,omitempty"`
	DocNumber   string `json:"doc_number,omitempty"`
	IndexNumber string `json:"index_number,omitempty" doc:"索引号（首次发布时编制）"`
	PublishedOn string `json:"published_on,omitempty"`
	Validity    string `json:"validity,omitempty"`
	ReviewOn    string `json:"review_on,omitempty" doc:"下次定期评估日期"`
	Correction  string `json:"correction,omitempty" doc:"正在准备的更正稿的状态"`
	Late        string `json:"late,omitempty" doc:"逾期或即将逾期（《条例》第二十六条）"`
	LateNow     bool   `json:"late_now,omitempty"`
	Version     int    `json:"version"`
}

type itemListOutput struct {
	Body struct {
		View       string       `json:"view" doc:"所用的列表（未指定时为本账号的待办）"`
		Total      int          `json:"total" doc:"总数（超过 10000 时为 10000 余）"`
		Offset     int          `json:"offset"`
		NextOffset *int         `json:"next_offset,omitempty" doc:"下一页的 offset；没有下一页时省略"`
		Items      []apiItemRow `json:"items"`
	}
}

type itemFilesOutput struct {
	Body struct {
		Attachments []itemFileRow `json:"attachments"`
	}
}

type itemFileOutput struct {
	Body struct {
		Attachment itemFileRow `json:"attachment"`
		Warning    string      `json:"warning,omitempty" doc:"附件已保存但未能提取文字时的提醒"`
	}
}

type itemBulkOutput struct {
	Body struct {
		Results []itemBulkResult `json:"results" doc:"每条信息的处理结果"`
	}
}

// itemInputFields are the step body's fields of each input of the item page's forms.
var itemInputFields = map[string][]string{"checklist": {"answer"}, "comment": {"note"}, "reason": {"note"}, "withdraw": {"note"}, "at": {"at"},
	"validity": {"validity", "date"}, "review": {"date"}, "channels": {"channels"}}

// itemETag is an item's version as an entity tag.
func itemETag(it *disclosure.Item) string { return `"` + strconv.Itoa(it.Version) + `"` }

// apiItemStepError is the error of a write that was checked against version: a change committed in between (the
// same check runs inside the step's transaction) is a stale precondition too.
func (s *Server) apiItemStepError(ctx context.Context, id int64, version int, err error) error {
	if fresh, gerr := s.db.GetItem(ctx, id); gerr == nil && fresh.Version != version {
		return huma.Error412PreconditionFailed(disclosure.ErrorMessage(err))
	}
	return s.apiError(err)
}

// apiLoadItem reads an item the calling account may read, with its agency and what the account may do with it.
func (s *Server) apiLoadItem(ctx context.Context, id int64) (*disclosure.Item, *disclosure.Agency, catalogue.Who, error) {
	u, _ := apiCaller(ctx)
	it, err := s.db.GetItem(ctx, id)
	if err != nil {
		return nil, nil, 0, s.apiError(err)
	}
	a, err := s.db.GetAgency(ctx, it.AgencyID)
	if err != nil {
		return nil, nil, 0, s.apiError(err)
	}
	who, read := s.itemRoles(ctx, u, a)
	if !read {
		return nil, nil, 0, huma.Error403Forbidden("您无权查看该单位的信息")
	}
	return it, a, who, nil
}

// itemView is the item as its console page shows it to the account.
func (s *Server) itemView(ctx context.Context, it *disclosure.Item, a *disclosure.Agency, who catalogue.Who) (apiItem, error) {
	p, err := s.itemPageOf(ctx, it, a, who)
	if err != nil {
		return apiItem{}, err
	}
	out := apiItem{Item: it, Agency: a.Name, StateName: disclosure.ItemStateNames[it.State], CanEdit: p.CanEdit, Actions: []apiAction{},
		Checklist: p.Check, Attachments: append([]itemFileRow{}, p.Files...), Channels: append([]disclosure.ItemChannel{}, p.Channels...),
		Events: []apiItemEvent{}, Versions: append([]itemVersionRow{}, p.Versions...), Late: p.Late, LateNow: p.LateNow, Similar: append([]similarCase{}, p.Similar...)}
	for _, act := range p.Actions {
		x := apiAction{Action: string(act.Action), Name: act.Name}
		for _, in := range act.Inputs {
			x.Fields = append(x.Fields, itemInputFields[in]...)
		}
		out.Actions = append(out.Actions, x)
	}
	for _, e := range p.Events {
		out.Events = append(out.Events, apiItemEvent{ItemEvent: e.ItemEvent, Name: e.Name()})
	}
	return out, nil
}

// apiItemAnswer reads the item id again and answers with it as its page shows it.
func (s *Server) apiItemAnswer(ctx context.Context, id int64, warnings []string) (*itemOutput, error) {
	it, a, who, err := s.apiLoadItem(ctx, id)
	if err != nil {
		return nil, err
	}
	view, err := s.itemView(ctx, it, a, who)
	if err != nil {
		return nil, s.apiError(err)
	}
	view.Warnings = warnings
	return &itemOutput{ETag: itemETag(it), Body: view}, nil
}

// apiCreatedItem answers a create: 201 with the item made (or, replayed, the one the key's first request made), 200
// with an item that was there before.
func (s *Server) apiCreatedItem(ctx context.Context, id int64, status int, replayed bool, warnings []string) (*createdItemOutput, error) {
	ans, err := s.apiItemAnswer(ctx, id, warnings)
	if err != nil {
		return nil, err
	}
	out := &createdItemOutput{Status: status, ETag: ans.ETag, Location: fmt.Sprintf("/api/v1/items/%d", id), Body: ans.Body}
	if replayed {
		out.Replayed = "true"
	}
	return out, nil
}

// itemCreateOnce is createItem's store step under the request's idempotency key: a key used before for the same
// request gives the first item's ID in replayed and stops with errReplayed.
func (s *Server) itemCreateOnce(ctx context.Context, op, key string, body any, replayed *int64) func(*disclosure.Item) error {
	u, r := apiCaller(ctx)
	return func(it *disclosure.Item) error {
		id, err := s.db.CreateItemOnce(ctx, actorOf(u, r), u.ID, key, op, requestHash(body), it)
		if err != nil {
			return err
		}
		if id != 0 {
			*replayed = id
			return errReplayed
		}
		return nil
	}
}

// noIdempotencyKey is the answer to a create without its key.
func noIdempotencyKey() error {
	return huma.Error400BadRequest("请在 Idempotency-Key 请求头中提供幂等键（如一个 UUID）：网络中断后用同一个键重试，不会重复新建")
}

// catalogueItem is disclosure.Item under its own name in the OpenAPI document, where "Item" already names a row of
// the annual report (report.Item).
type catalogueItem disclosure.Item

// registerItemAPI registers the catalogue's operations (APIOperations' /api/v1/items rows and the case's item).
func (s *Server) registerItemAPI(api huma.API, security []map[string][]string) {
	api.OpenAPI().Components.Schemas.RegisterTypeAlias(reflect.TypeFor[disclosure.Item](), reflect.TypeFor[catalogueItem]())
	huma.Register(api, huma.Operation{OperationID: "list-items", Method: http.MethodGet, Path: "/api/v1/items", Summary: "列出主动公开信息", Security: security,
		Description: "与管理后台主动公开列表相同的列表和筛选，限于本账号可以查看的单位，未发布的信息也在内；每页 50 条，用 offset 翻页。" +
			"待办列表（草稿、待保密审查、待审批、待发布）的第一页先列出处于该状态的更正稿。"},
		func(ctx context.Context, in *struct {
			View     string `query:"view" enum:"all,draft,review,approval,ready,published,late,review_due,withdrawn" doc:"all 全部、draft 草稿、review 待保密审查、approval 待审批、ready 待发布、published 已发布、late 逾期和即将逾期（《条例》第二十六条）、review_due 待定期评估、withdrawn 已撤回；不填为本账号的待办（公开专员为全部，审查人为待保密审查，审批人为待审批）" example:"published"`
			State    string `query:"state" doc:"状态：draft（草稿）、in_review（保密审查中）、approval（待审批）、ready（已审核待发布）、scheduled（定时发布）、published（已发布）、withdrawn（已撤回）" example:"published"`
			Genre    string `query:"genre" doc:"体裁，如 normative" example:"normative"`
			Category string `query:"category" doc:"主题分类代码（含其下级分类）" example:"health.public_health"`
			Year     string `query:"year" doc:"发布年度" example:"2026"`
			Agency   int64  `query:"agency" doc:"单位编号" example:"2"`
			Q        string `query:"q" doc:"检索标题、文号或索引号" example:"疫苗接种"`
			Offset   int    `query:"offset" minimum:"0" doc:"从第几条起（上一页答复的 next_offset）" example:"50"`
		}) (*itemListOutput, error) {
			u, r := apiCaller(ctx)
			l, err := s.listItems(r, u, r.URL.Query())
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &itemListOutput{}
			out.Body.View, out.Body.Total, out.Body.Offset, out.Body.Items = l.View, l.Total, l.Filter.Offset, []apiItemRow{}
			for _, x := range l.Rows {
				row := apiItemRow{ID: x.ID, Title: x.Title, AgencyID: x.AgencyID, Agency: x.Agency, State: string(x.State), StateName: disclosure.ItemStateNames[x.State],
					Genre: string(x.Genre), Category: x.Category, DocNumber: x.DocNumber, IndexNumber: x.IndexNumber, Validity: string(x.Validity),
					Correction: string(x.Correction), Late: x.Late, LateNow: x.LateNow, Version: x.Version}
				if !x.PublishedOn.IsZero() {
					row.PublishedOn = x.PublishedOn.String()
				}
				if !x.ReviewOn.IsZero() {
					row.ReviewOn = x.ReviewOn.String()
				}
				out.Body.Items = append(out.Body.Items, row)
			}
			if next := l.Filter.Offset + len(l.Rows); next < l.Total && len(l.Rows) > 0 {
				next = l.Filter.Offset + l.Filter.Limit
				out.Body.NextOffset = &next
			}
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "create-item", Method: http.MethodPost, Path: "/api/v1/items", DefaultStatus: http.StatusCreated,
		Summary: "新建主动公开信息（草稿）", Security: security, MaxBodyBytes: maxItemAPIBody,
		Description: "新建一条草稿，与管理后台“新建主动公开信息”相同：同样的检查，正文同样地清理，同样的审计记录。之后提交保密审查（POST /api/v1/items/{id}/steps，action 为 submit）。" +
			"请求须带 Idempotency-Key：同一账号以同一键重发相同的请求，答复第一次新建的信息（201，不再新建）；同一键用于不同的请求，答复 422。"},
		func(ctx context.Context, in *struct {
			Key  string `header:"Idempotency-Key" maxLength:"200" doc:"幂等键（必填）：客户端为每个新请求生成的唯一值（如 UUID），重试时不变" example:"5b0e2c7a-3f4d-4e8b-9a61-2d7c1e9f0a34"`
			Body newItemBody
		}) (*createdItemOutput, error) {
			u, r := apiCaller(ctx)
			if strings.TrimSpace(in.Key) == "" {
				return nil, noIdempotencyKey()
			}
			agencies, err := s.itemOfficerAgencies(r, u)
			if err != nil {
				return nil, s.apiError(err)
			}
			a := itemAgencyOf(agencies, in.Body.Agency)
			switch {
			case in.Body.Agency == 0:
				return nil, huma.Error422UnprocessableEntity("请选择发布单位（agency）")
			case a == nil:
				return nil, huma.Error403Forbidden("您不是该单位的公开专员，不能为其新建信息")
			}
			content, imported, err := in.Body.item()
			if err != nil {
				return nil, s.apiError(err)
			}
			var warnings []string
			if imported != "" {
				warnings = []string{imported}
			}
			var replayed int64
			it, err := s.createItem(r, u, a, content, s.itemCreateOnce(ctx, "item.create", in.Key, in.Body, &replayed))
			switch {
			case errors.Is(err, errReplayed):
				return s.apiCreatedItem(ctx, replayed, http.StatusCreated, true, nil)
			case err != nil:
				return nil, s.apiError(err)
			}
			return s.apiCreatedItem(ctx, it.ID, http.StatusCreated, false, warnings)
		})

	huma.Register(api, huma.Operation{OperationID: "get-item", Method: http.MethodGet, Path: "/api/v1/items/{id}", Summary: "查看主动公开信息", Security: security,
		Description: "信息（含保密审查和正在准备的更正稿）、附件、发布渠道、办理记录、被更正替换的版本、第二十六条的期限、本账号现在可以执行的操作，与管理后台的信息页相同。ETag 为信息的版本号。"},
		func(ctx context.Context, in *struct {
			ID int64 `path:"id" doc:"信息编号" example:"1"`
		}) (*itemOutput, error) {
			return s.apiItemAnswer(ctx, in.ID, nil)
		})

	huma.Register(api, huma.Operation{OperationID: "edit-item", Method: http.MethodPut, Path: "/api/v1/items/{id}", Summary: "修改草稿或更正稿", Security: security, MaxBodyBytes: maxItemAPIBody,
		Description: "以请求的内容替换草稿（或已发布信息正在准备的更正稿）的全部内容，与管理后台编辑页的“保存”相同：未给出的字段被清空，正文同样地清理。" +
			"须在 If-Match 中带上信息的版本号（ETag）：缺少时答复 428，信息已被他人更新时答复 412。"},
		func(ctx context.Context, in *struct {
			ID      int64  `path:"id" doc:"信息编号" example:"1"`
			IfMatch string `header:"If-Match" doc:"信息的版本号（GET /api/v1/items/{id} 的 ETag）" example:"\"3\""`
			Body    ItemContent
		}) (*itemOutput, error) {
			u, r := apiCaller(ctx)
			it, a, who, err := s.apiLoadItem(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if who&catalogue.ByOfficer == 0 {
				return nil, huma.Error403Forbidden("您不是该单位的公开专员，不能修改其信息")
			}
			version, err := versionIfMatch(in.IfMatch, it.Version, "信息", staleItem)
			if err != nil {
				return nil, err
			}
			content, imported, err := in.Body.item()
			if err != nil {
				return nil, s.apiError(err)
			}
			if _, err := s.saveItem(r, u, it, a, who, &content, version); err != nil {
				return nil, s.apiItemStepError(ctx, it.ID, version, err)
			}
			var warnings []string
			if imported != "" {
				warnings = []string{imported}
			}
			return s.apiItemAnswer(ctx, it.ID, warnings)
		})

	huma.Register(api, huma.Operation{OperationID: "step-item", Method: http.MethodPost, Path: "/api/v1/items/{id}/steps", Summary: "办理主动公开信息：执行一步操作", Security: security,
		Description: "提交保密审查、保密审查通过（逐项确认清单）或退回、审批、发布或定时发布、更正、放弃更正、撤回、变更有效性、完成定期评估、登记发布渠道，" +
			"与在管理后台信息页上点击按钮相同：同样的流程表、检查（如保密审查须由提交人以外的人员进行）、审计记录和事件通知。" +
			"须在 If-Match 中带上信息的版本号（ETag）：缺少时答复 428，信息已被他人更新时答复 412。"},
		func(ctx context.Context, in *struct {
			ID      int64  `path:"id" doc:"信息编号" example:"1"`
			IfMatch string `header:"If-Match" doc:"信息的版本号（GET /api/v1/items/{id} 的 ETag）" example:"\"3\""`
			Body    itemStepBody
		}) (*itemOutput, error) {
			u, r := apiCaller(ctx)
			it, a, who, err := s.apiLoadItem(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if who == 0 {
				return nil, huma.Error403Forbidden("您无权办理该单位的信息")
			}
			version, err := versionIfMatch(in.IfMatch, it.Version, "信息", staleItem)
			if err != nil {
				return nil, err
			}
			values, err := in.Body.values()
			if err != nil {
				return nil, s.apiError(err)
			}
			values.Set("version", strconv.Itoa(version))
			cmd, err := s.itemCommandFromValues(values, a, it)
			if err != nil {
				return nil, s.apiError(err)
			}
			ch, err := s.stepItem(r, u, it, a, who, cmd)
			if err != nil {
				return nil, s.apiItemStepError(ctx, it.ID, version, err)
			}
			return s.apiItemAnswer(ctx, it.ID, ch.Warnings)
		})

	huma.Register(api, huma.Operation{OperationID: "list-item-attachments", Method: http.MethodGet, Path: "/api/v1/items/{id}/attachments", Summary: "列出信息的附件", Security: security},
		func(ctx context.Context, in *struct {
			ID int64 `path:"id" doc:"信息编号" example:"1"`
		}) (*itemFilesOutput, error) {
			it, _, _, err := s.apiLoadItem(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			files, err := s.itemFileRows(ctx, it.ID)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &itemFilesOutput{}
			out.Body.Attachments = append([]itemFileRow{}, files...)
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "upload-item-attachment", Method: http.MethodPost, Path: "/api/v1/items/{id}/attachments", DefaultStatus: http.StatusCreated,
		Summary: "上传信息的附件", Security: security, MaxBodyBytes: maxItemUpload + 1<<20,
		RequestBody: multipartBody([]formField{
			{Name: "file", Doc: "附件：PDF、Word（DOCX）、Excel（XLSX）、JPG、PNG、GIF 图片或 TXT 文本，不超过 20 MB；类型按文件内容判断", Example: "通知.pdf",
				MediaType: "application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, image/jpeg, image/png, image/gif, text/plain"},
		}, "file"),
		Description: "multipart/form-data，file 为文件：PDF、Word（DOCX）、Excel（XLSX）、JPG、PNG、GIF 图片或 TXT 文本，不超过 20 MB；类型按文件内容判断，文字提取后可供检索。" +
			"附件加在草稿或正在准备的更正稿上，随发布公开；已发布的信息须先更正。与管理后台的上传相同。可在 If-Match 中带上信息的版本号，信息已变化时答复 412。"},
		func(ctx context.Context, in *struct {
			ID      int64  `path:"id" doc:"信息编号" example:"1"`
			IfMatch string `header:"If-Match" doc:"（可选）信息的版本号" example:"\"3\""`
			RawBody multipart.Form
		}) (*itemFileOutput, error) {
			u, r := apiCaller(ctx)
			it, _, who, err := s.apiLoadItem(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if who&catalogue.ByOfficer == 0 {
				return nil, huma.Error403Forbidden("您不是该单位的公开专员，不能修改其信息")
			}
			if strings.TrimSpace(in.IfMatch) != "" {
				if _, err := versionIfMatch(in.IfMatch, it.Version, "信息", staleItem); err != nil {
					return nil, err
				}
			}
			form := *r
			form.MultipartForm = &in.RawBody
			att, warn, err := s.addItemUpload(&form, u, it)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &itemFileOutput{}
			out.Body.Attachment, out.Body.Warning = itemFileRow{ItemAttachment: *att, State: "draft"}, warn
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "get-item-attachment", Method: http.MethodGet, Path: "/api/v1/items/{id}/attachments/{att}", Summary: "下载信息的附件", Security: security,
		Description: "附件文件（已公开的和尚未公开的），与管理后台下载的相同。",
		Responses:   map[string]*huma.Response{"200": {Description: "附件文件", Content: map[string]*huma.MediaType{"application/octet-stream": {}}}}},
		func(ctx context.Context, in *struct {
			ID  int64 `path:"id" doc:"信息编号" example:"1"`
			Att int64 `path:"att" doc:"附件编号" example:"3"`
		}) (*huma.StreamResponse, error) {
			it, _, _, err := s.apiLoadItem(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			att, _, err := s.db.GetItemAttachment(ctx, in.Att)
			if err != nil || att.ItemID != it.ID {
				return nil, huma.Error404NotFound("该信息没有这个附件")
			}
			return apiDownload(att.Name, attachmentType(att.ContentType), att.Data), nil
		})

	huma.Register(api, huma.Operation{OperationID: "delete-item-attachment", Method: http.MethodDelete, Path: "/api/v1/items/{id}/attachments/{att}", DefaultStatus: http.StatusNoContent,
		Summary: "删除信息的附件", Security: security,
		Description: "尚未公开的附件立即删除；已公开的附件在正在准备的更正发布时删除（须先更正）。与管理后台的“删除”相同。" +
			"须在 If-Match 中带上信息的版本号（ETag）：缺少时答复 428，信息已变化（如已提交审查或已发布）时答复 412。"},
		func(ctx context.Context, in *struct {
			ID      int64  `path:"id" doc:"信息编号" example:"1"`
			Att     int64  `path:"att" doc:"附件编号" example:"3"`
			IfMatch string `header:"If-Match" doc:"信息的版本号（GET /api/v1/items/{id} 的 ETag）" example:"\"3\""`
		}) (*struct{}, error) {
			u, r := apiCaller(ctx)
			it, _, who, err := s.apiLoadItem(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if who&catalogue.ByOfficer == 0 {
				return nil, huma.Error403Forbidden("您不是该单位的公开专员，不能修改其信息")
			}
			if _, err := versionIfMatch(in.IfMatch, it.Version, "信息", staleItem); err != nil {
				return nil, err
			}
			if err := s.removeItemAttachment(r, u, it, in.Att); err != nil {
				return nil, s.apiError(err)
			}
			return nil, nil
		})

	huma.Register(api, huma.Operation{OperationID: "bulk-items", Method: http.MethodPost, Path: "/api/v1/items/bulk", Summary: "批量变更有效性或完成定期评估", Security: security,
		Description: "对多条已发布的信息逐条执行同一操作（标注失效、标注废止、恢复有效、完成定期评估），与管理后台列表上的批量操作相同：每条信息单独处理，不能处理的逐条说明原因，其余照常处理；" +
			"不存在或无权处理的信息只合计条数。"},
		func(ctx context.Context, in *struct {
			Body itemBulkBody
		}) (*itemBulkOutput, error) {
			u, r := apiCaller(ctx)
			ids := in.Body.IDs
			if len(ids) == 0 {
				ids = nil
			}
			results, err := s.bulkItems(r, u, ids, strings.TrimSpace(in.Body.Action), in.Body.Date)
			if err != nil {
				return nil, s.apiError(err)
			}
			out := &itemBulkOutput{}
			out.Body.Results = results
			return out, nil
		})

	huma.Register(api, huma.Operation{OperationID: "item-from-case", Method: http.MethodPost, Path: "/api/v1/cases/{id}/item", DefaultStatus: http.StatusCreated,
		Summary: "据申请的答复主动公开（新建草稿）", Security: security,
		Description: "对答复“予以公开”并已发出答复的申请，新建一条同一信息的主动公开草稿（《条例》第四十四条：多个申请人就相同政府信息申请公开，且该政府信息属于可以公开的，可以纳入主动公开的范围），" +
			"与管理后台申请页的“据此主动公开”相同。已据此新建过的，答复该信息（200）。请求须带 Idempotency-Key（同“新建主动公开信息”）。"},
		func(ctx context.Context, in *struct {
			ID  int64  `path:"id" doc:"申请编号（内部编号）" example:"7"`
			Key string `header:"Idempotency-Key" maxLength:"200" doc:"幂等键（必填）：客户端为每个新请求生成的唯一值（如 UUID），重试时不变" example:"5b0e2c7a-3f4d-4e8b-9a61-2d7c1e9f0a34"`
		}) (*createdItemOutput, error) {
			u, r := apiCaller(ctx)
			if strings.TrimSpace(in.Key) == "" {
				return nil, noIdempotencyKey()
			}
			c, a, _, err := s.apiLoadCase(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			var replayed int64
			it, made, err := s.itemFromAnsweredCase(r, u, c, a, s.itemCreateOnce(ctx, "item.from_case", in.Key, c.ID, &replayed))
			switch {
			case errors.Is(err, errReplayed):
				return s.apiCreatedItem(ctx, replayed, http.StatusCreated, true, nil)
			case err != nil:
				return nil, s.apiError(err)
			case !made:
				return s.apiCreatedItem(ctx, it.ID, http.StatusOK, false, nil)
			}
			return s.apiCreatedItem(ctx, it.ID, http.StatusCreated, false, nil)
		})
}
