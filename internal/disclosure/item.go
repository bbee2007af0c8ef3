package disclosure

import (
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/workday"
)

// Genre (体裁) is the kind of document an item is. It decides which table of report section 二 counts it, how often
// it is reviewed, and how the catalogue groups it.
type Genre string

// The genres.
const (
	GenreRules          Genre = "rules"          // 规章
	GenreNormative      Genre = "normative"      // 行政规范性文件
	GenreLicensing      Genre = "licensing"      // 行政许可决定
	GenrePenalty        Genre = "penalty"        // 行政处罚决定
	GenreCoercion       Genre = "coercion"       // 行政强制决定
	GenreBudget         Genre = "budget"         // 预决算
	GenrePlan           Genre = "plan"           // 规划计划
	GenreStatistics     Genre = "statistics"     // 统计信息
	GenrePersonnel      Genre = "personnel"      // 人事信息
	GenreEmergency      Genre = "emergency"      // 应急管理
	GenreInterpretation Genre = "interpretation" // 政策解读
	GenreNotice         Genre = "notice"         // 通知公告
	GenreNews           Genre = "news"           // 工作动态
	GenreOther          Genre = "other"          // 其他
	// GenreDisclosureRules are the agency's own rules for disclosure work (政府信息公开制度: 保密审查、发布审核、
	// 依申请公开办理 …), which the column shows under their own heading (国办公开办函〔2019〕61号).
	GenreDisclosureRules Genre = "disclosure_rules" // 政府信息公开制度
)

// GenreSpec describes a genre: its name, the Art 20 item it usually serves, whether it carries 有效性, and how often
// it is reviewed by default (periodic review, 动态调整).
type GenreSpec struct {
	ID   Genre
	Name string
	// Art20 is the item of Art 20 (1–15) it usually discloses, or 0.
	Art20 int
	// Validity says the genre has 有效 / 失效 / 废止 (normative documents, rules, plans).
	Validity bool
	// ReviewMonths is the default period of review after publication (0: not reviewed).
	ReviewMonths int
}

// Genres lists the genres in the order of the catalogue.
var Genres = []GenreSpec{
	{GenreRules, "规章", 1, true, 24},
	{GenreNormative, "行政规范性文件", 1, true, 24},
	{GenreInterpretation, "政策解读", 1, false, 0},
	{GenrePlan, "规划计划", 3, true, 12},
	{GenreStatistics, "统计信息", 4, false, 0},
	{GenreLicensing, "行政许可决定", 5, false, 0},
	{GenrePenalty, "行政处罚决定", 6, false, 0},
	{GenreCoercion, "行政强制决定", 6, false, 0},
	{GenreBudget, "预决算", 7, false, 0},
	{GenrePersonnel, "人事信息", 14, false, 0},
	{GenreEmergency, "应急管理", 12, true, 12},
	{GenreNotice, "通知公告", 0, false, 12},
	{GenreNews, "工作动态", 0, false, 0},
	{GenreDisclosureRules, "政府信息公开制度", 0, true, 24},
	{GenreOther, "其他", 0, false, 12},
}

// Spec returns the genre's description and whether g is known.
func (g Genre) Spec() (GenreSpec, bool) {
	for _, s := range Genres {
		if s.ID == g {
			return s, true
		}
	}
	return GenreSpec{}, false
}

// Art20Items are the items every agency must disclose proactively (R2019 Art 20), the skeleton of 法定主动公开内容.
var Art20Items = []string{"",
	"行政法规、规章和规范性文件",
	"机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
	"国民经济和社会发展规划、专项规划、区域规划及相关政策",
	"国民经济和社会发展统计信息",
	"办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
	"实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定",
	"财政预算、决算信息",
	"行政事业性收费项目及其依据、标准",
	"政府集中采购项目的目录、标准及实施情况",
	"重大建设项目的批准和实施情况",
	"扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
	"突发公共事件的应急预案、预警信息及应对情况",
	"环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
	"公务员招考的职位、名额、报考条件等事项以及录用结果",
	"法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
}

// Validity (有效性) of a document that has one.
type Validity string

const (
	InForce  Validity = "in_force" // 有效
	Expired  Validity = "expired"  // 失效
	Repealed Validity = "repealed" // 废止
)

// ValidityNames gives the Chinese names.
var ValidityNames = map[Validity]string{InForce: "有效", Expired: "失效", Repealed: "废止"}

// ItemState is where an item stands in its workflow.
type ItemState string

// The item states.
const (
	ItemDraft     ItemState = "draft"     // 草稿
	ItemInReview  ItemState = "in_review" // 保密审查中
	ItemApproval  ItemState = "approval"  // 待审批
	ItemReady     ItemState = "ready"     // 已审核，待发布
	ItemScheduled ItemState = "scheduled" // 定时发布
	ItemPublished ItemState = "published" // 已发布
	ItemWithdrawn ItemState = "withdrawn" // 已撤回
)

// ItemStateNames gives the Chinese names.
var ItemStateNames = map[ItemState]string{ItemDraft: "草稿", ItemInReview: "保密审查中", ItemApproval: "待审批", ItemReady: "已审核待发布", ItemScheduled: "定时发布",
	ItemPublished: "已发布", ItemWithdrawn: "已撤回"}

// Item is one piece of proactively disclosed information (主动公开政府信息) with the catalogue metadata of Art 12
// and the portal conventions: 索引号, title, 内容概述, 文号, 成文日期, 发布日期, 发布机构, 主题分类, 体裁, 有效性,
// keywords, the body and its attachments.
type Item struct {
	ID       int64 `json:"id"`
	AgencyID int64 `json:"agency_id"`
	// IndexNumber (索引号) is given at first publication from the agency's format; Serial and Year are its parts.
	IndexNumber string `json:"index_number,omitempty"`
	Serial      int    `json:"serial,omitempty"`
	Title       string `json:"title"`
	Summary     string `json:"summary,omitempty"`    // 内容概述
	DocNumber   string `json:"doc_number,omitempty"` // 文号
	// WrittenOn is the 成文日期; FormedOn the day the information was formed or last changed, from which Art 26's 20
	// working days run (defaults to WrittenOn).
	WrittenOn workday.Date `json:"written_on,omitzero"`
	FormedOn  workday.Date `json:"formed_on,omitzero"`
	// PublishedOn is the 发布日期 (first publication); PublishAt a scheduled publication moment.
	PublishedOn workday.Date `json:"published_on,omitzero"`
	PublishAt   *time.Time   `json:"publish_at,omitempty"`
	// Publisher (发布机构) defaults to the agency's name.
	Publisher string   `json:"publisher,omitempty"`
	Category  string   `json:"category"` // 主题分类 code
	Genre     Genre    `json:"genre"`
	Art20     int      `json:"art20,omitempty"` // 法定主动公开内容 item (1–15), 0 none
	Keywords  []string `json:"keywords,omitempty"`
	// Body is sanitised HTML.
	Body string `json:"body,omitempty"`
	// Validity and its dates, for genres that have one.
	Validity    Validity     `json:"validity,omitempty"`
	EffectiveOn workday.Date `json:"effective_on,omitzero"`
	EndedOn     workday.Date `json:"ended_on,omitzero"` // 失效 or 废止 date
	// ReviewOn is the next periodic review (动态调整).
	ReviewOn workday.Date `json:"review_on,omitzero"`
	State    ItemState    `json:"state"`
	// WithdrawnReason is shown on the public page of a withdrawn item.
	WithdrawnReason string `json:"withdrawn_reason,omitempty"`
	// SourceCaseID is the application whose answer was published proactively (Art 44).
	SourceCaseID *int64 `json:"source_case_id,omitempty"`
	// Review is the secrecy review (保密审查): checklist answers, the reviewer's comment and verdict.
	Review *ItemReview `json:"review,omitempty"`
	// Revision is a correction of a published item being prepared: a copy of the item with the changes, with its own
	// State and Review. The public keeps seeing the published content until the revision is published.
	Revision  *Item     `json:"revision,omitempty"`
	Hits      int64     `json:"hits"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// ItemReview is the secrecy review of an item before publication (Art 17): the reviewer answers the agency's
// checklist and passes or returns it with a comment.
type ItemReview struct {
	Answers    map[string]bool `json:"answers,omitempty"`
	Comment    string          `json:"comment,omitempty"`
	Passed     bool            `json:"passed"`
	Reviewer   string          `json:"reviewer,omitempty"`
	ReviewerID *int64          `json:"reviewer_id,omitempty"`
	At         time.Time       `json:"at,omitzero"`
	// SubmittedBy is who sent the item to review; the reviewer must be someone else.
	SubmittedBy   string `json:"submitted_by,omitempty"`
	SubmittedByID *int64 `json:"submitted_by_id,omitempty"`
	// ApprovedBy is the approver's name, when the agency requires approval after the review.
	ApprovedBy string `json:"approved_by,omitempty"`
}

// ReviewChecklist is the default secrecy-review checklist (保密审查清单); agencies may replace it in their settings.
var ReviewChecklist = []string{
	"不含国家秘密、工作秘密，未涉及依法确定为国家秘密的事项",
	"不含法律、行政法规禁止公开的内容",
	"公开后不会危及国家安全、公共安全、经济安全、社会稳定",
	"不含商业秘密、个人隐私（身份证号、电话、住址等已作处理）",
	"内容准确、完整，与原件一致，不涉及内部事务或过程性信息",
}

// ItemAttachment is a file of an item (the document itself, a table, an image), with its extracted text for search.
type ItemAttachment struct {
	ID          int64     `json:"id"`
	ItemID      int64     `json:"item_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Text        string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	Data        []byte    `json:"-"`
}

// ItemChannel records that an item went out on another channel too (微信公众号, 微博, 政府公报, 新闻发布会 …),
// for the report's figures of pushes.
type ItemChannel struct {
	ItemID  int64        `json:"item_id"`
	Channel string       `json:"channel"`
	On      workday.Date `json:"on"`
	Count   int          `json:"count"`
}

// ItemChannels are the usual channels; agencies may name others.
var ItemChannels = []string{"政府网站", "微信公众号", "微博", "政府公报", "新闻发布会", "报刊", "广播电视", "政务服务场所", "其他"}

// Category is one node of a 主题分类 tree. Codes are dot-separated paths ("health.public_health").
type Category struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	Order  int    `json:"order"`
}

var (
	reCategory = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
	reKeyword  = regexp.MustCompile(`^[^,，;；\s]{1,20}$`)
)

// Validate checks an item's metadata as an officer enters it and normalises it. The body is sanitised by the caller
// (the web layer, with the HTML policy); here it is only bounded. Every message says what to fix.
func (it *Item) Validate() error {
	it.Title, it.Summary, it.DocNumber, it.Publisher = cleanLine(it.Title), cleanText(it.Summary), cleanLine(it.DocNumber), cleanLine(it.Publisher)
	var kws []string
	for _, k := range it.Keywords {
		if k = cleanLine(k); k != "" && !containsString(kws, k) {
			kws = append(kws, k)
		}
	}
	it.Keywords = kws
	spec, ok := it.Genre.Spec()
	switch {
	case it.Title == "":
		return Errorf(EInvalid, "请填写信息名称（标题）")
	case utf8.RuneCountInString(it.Title) > 200:
		return Errorf(EInvalid, "标题过长（最多 200 个字）")
	case utf8.RuneCountInString(it.Summary) > 1000:
		return Errorf(EInvalid, "内容概述过长（最多 1000 个字）")
	case utf8.RuneCountInString(it.DocNumber) > 100 || utf8.RuneCountInString(it.Publisher) > 100:
		return Errorf(EInvalid, "文号或发布机构过长（最多 100 个字）")
	case !ok:
		return Errorf(EInvalid, "请选择体裁（规章、行政规范性文件、行政许可决定……）")
	case it.Category != "" && !reCategory.MatchString(it.Category):
		return Errorf(EInvalid, "主题分类“%s”不正确，请从分类中选择", truncate(it.Category, 20))
	case it.Art20 < 0 || it.Art20 > 15:
		return Errorf(EInvalid, "法定主动公开内容应为《条例》第二十条第（一）至（十五）项之一")
	case len(it.Keywords) > 10:
		return Errorf(EInvalid, "关键词最多 10 个")
	case len(it.Body) > 2<<20:
		return Errorf(EInvalid, "正文过长（最多约 2 MB），请把长文作为附件上传")
	case !it.FormedOn.IsZero() && !it.WrittenOn.IsZero() && it.FormedOn.Before(it.WrittenOn):
		return Errorf(EInvalid, "信息形成或变更日期不能早于成文日期")
	}
	for _, k := range it.Keywords {
		if !reKeyword.MatchString(k) {
			return Errorf(EInvalid, "关键词“%s”不正确：每个关键词 1—20 个字，不含空格和标点", truncate(k, 20))
		}
	}
	if !spec.Validity {
		it.Validity, it.EffectiveOn, it.EndedOn = "", workday.Date{}, workday.Date{}
	} else {
		if it.Validity == "" {
			it.Validity = InForce
		}
		switch {
		case ValidityNames[it.Validity] == "":
			return Errorf(EInvalid, "有效性应为有效、失效或废止")
		case it.Validity != InForce && it.EndedOn.IsZero():
			return Errorf(EInvalid, "失效或废止的文件须填写失效（废止）日期")
		case it.Validity == InForce && !it.EndedOn.IsZero():
			return Errorf(EInvalid, "有效的文件不应填写失效（废止）日期")
		case !it.EndedOn.IsZero() && !it.EffectiveOn.IsZero() && it.EndedOn.Before(it.EffectiveOn):
			return Errorf(EInvalid, "失效（废止）日期不能早于施行日期")
		}
	}
	if it.FormedOn.IsZero() {
		it.FormedOn = it.WrittenOn
	}
	if it.Art20 == 0 {
		it.Art20 = spec.Art20
	}
	return nil
}

// GenreName returns the genre's Chinese name.
func (it *Item) GenreName() string { s, _ := it.Genre.Spec(); return s.Name }

// Public reports whether the item is on the portal: published, or withdrawn (its page then says so).
func (it *Item) Public() bool { return it.State == ItemPublished || it.State == ItemWithdrawn }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ItemFilter selects items for catalogues, lists and feeds; zero fields select everything. Conditions combine
// with AND.
type ItemFilter struct {
	AgencyIDs []int64
	States    []ItemState
	// Public selects what the portal shows: published and withdrawn items.
	Public   bool
	Category string // the code, or a prefix of codes ("health" includes "health.public_health")
	Genre    Genre
	Art20    int
	Year     int // year of publication
	Validity Validity
	// ReviewBy selects published items whose review is due on or before the date.
	ReviewBy workday.Date
	// FormedBefore selects unpublished items formed before the date: with the date 20 working days back, those
	// late under Art 26.
	FormedBefore workday.Date
	// Query matches the title, 文号 or 索引号 (console lists; the portal uses SearchQuery).
	Query string
	// Order is "published" (newest first, the default), "hits" (most read) or "updated".
	Order  string
	Limit  int
	Offset int
}

// SearchQuery is a full-text search of the catalogue: the words, the filters, and the page.
type SearchQuery struct {
	Q         string
	AgencyIDs []int64
	Category  string
	Genre     Genre
	Year      int
	// Staff searches include unpublished items of the given agencies.
	Staff  bool
	Limit  int
	Offset int
}

// SearchHit is one result: the item and the text its match was found in, for the snippet.
type SearchHit struct {
	Item Item
	// Agency is the publishing agency's name.
	Agency string
	// Text is the text to cut the snippet from (the body's text, or an attachment's).
	Text string
}

// ItemEvent is a step in an item's history.
type ItemEvent struct {
	ID        int64     `json:"id"`
	ItemID    int64     `json:"item_id"`
	At        time.Time `json:"at"`
	Action    string    `json:"action"`
	FromState ItemState `json:"from_state,omitempty"`
	ToState   ItemState `json:"to_state"`
	ActorID   *int64    `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	Note      string    `json:"note,omitempty"`
}

// ItemChange is what one step does to an item; the store writes it in one transaction with the audit row.
type ItemChange struct {
	Item  Item
	Event ItemEvent
	// Snapshot is the published version a correction replaced, kept in the history.
	Snapshot *Item
	// AssignIndex asks the store to give the item its 索引号 (first publication); Reindex to update its search
	// entry.
	AssignIndex, Reindex bool
	// Channels are pushes to other channels to record.
	Channels []ItemChannel
	// Warnings are for the officer (a publication late under Art 26).
	Warnings []string
}

// ItemVersion is a published version of an item kept when a correction replaced it.
type ItemVersion struct {
	ItemID  int64     `json:"item_id"`
	Version int       `json:"version"`
	Item    Item      `json:"item"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
}
