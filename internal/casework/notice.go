package casework

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// The kinds of notice a case issues.
const (
	NoticeReceipt      = "receipt"
	NoticeFix          = "fix"
	NoticeConsultation = "consultation"
	NoticeExtension    = "extension"
	NoticeFee          = "fee"
	NoticeReply        = "reply"
	// NoticeReasons asks the applicant to explain a clearly unreasonable number or frequency of applications, and
	// NoticeLaterReply sets the reasonable later reply date once the reasons are accepted (Art 35).
	NoticeReasons    = "reasons"
	NoticeLaterReply = "later_reply"
)

// NoticeKindNames gives each kind's Chinese name.
var NoticeKindNames = map[string]string{
	NoticeReceipt: "受理回执", NoticeFix: "补正告知书", NoticeConsultation: "征求意见函", NoticeExtension: "延期答复告知书",
	NoticeFee: "收费通知书", NoticeReply: "答复告知书", NoticeReasons: "说明理由通知书", NoticeLaterReply: "延迟答复告知书",
}

// Template is a notice template: a title and a body whose first line is the addressee and whose other lines are
// paragraphs. Placeholders are written {名称}; a line left empty after filling is dropped, so optional parts
// (reasons, a contact) vanish cleanly when they have no value.
type Template struct {
	Key   string
	Name  string
	Title string
	Body  string
	// Required lists placeholders the template must keep (the applicant's rights in a reply, the reasons of a
	// refusal), so an edited template cannot drop what the law requires the notice to say.
	Required []string
}

// Placeholders common to every notice, with what they hold, for the template editor.
var commonPlaceholders = map[string]string{
	"申请人": "申请人姓名或名称", "申请编号": "申请编号", "查询码": "查询码", "收到日期": "收到申请的日期",
	"申请内容": "所申请信息的名称或描述", "机关名称": "本机关名称", "联系电话": "本机关政府信息公开工作机构电话",
	"联系地址": "本机关政府信息公开工作机构地址", "日期": "告知书日期", "答复期限": "当前的答复截止日期",
}

// Placeholders of particular notices.
var kindPlaceholders = map[string]map[string]string{
	NoticeFix: {"补正事项": "需要补正的事项", "补正期限": "补正截止日期（送达日期未知时为计算方法）", "补正时限": "补正的期限（自收到之日起，送达后附截止日期）",
		"补正工作日数": "补正期限的工作日数", "补正方式": "提交补正的方式"},
	NoticeConsultation: {"第三方": "被征求意见的第三方或机关", "意见期限": "提出意见的截止日期（送达日期未知时为计算方法）", "意见时限": "提出意见的期限（自收到本函之日起15个工作日内）", "征求事项": "征求意见的内容"},
	NoticeExtension:    {"延期理由": "延期的理由", "延长工作日数": "延长的工作日数", "原答复期限": "延期前的答复截止日期"},
	NoticeFee: {"收费方式": "按件计收或按量计收", "收费明细": "收费标准和计算过程", "收费金额": "应缴金额（元）", "缴费期限": "缴费截止日期（送达日期未知时为计算方法）",
		"缴费时限": "缴费的期限（自收到通知的次日起20个工作日内，送达后附截止日期）", "缴费方式": "缴费方式"},
	NoticeReasons:    {"说明理由时限": "说明理由的期限"},
	NoticeLaterReply: {"理由收到日期": "收到申请人说明理由的日期", "原答复期限": "原答复截止日期"},
	NoticeReply: {"答复结果": "办理结果", "依据条款": "答复所依据的条款", "条款内容": "条款原文", "理由": "承办人填写的理由",
		"提供方式": "提供信息的内容和方式", "有权机关": "负责公开或更正该信息的机关及联系方式", "权利告知": "申请行政复议、提起行政诉讼的权利告知",
		"补正告知日期": "发出补正告知书的日期", "补正期限": "补正截止日期", "收费通知日期": "发出收费通知的日期", "缴费期限": "缴费截止日期", "撤回日期": "申请人撤回申请的日期"},
}

// Placeholders returns the placeholders a template key may use, with their descriptions.
func Placeholders(key string) map[string]string {
	out := map[string]string{}
	for k, v := range commonPlaceholders {
		out[k] = v
	}
	for k, v := range kindPlaceholders[kindOfKey(key)] {
		out[k] = v
	}
	return out
}

func kindOfKey(key string) string {
	k, _, _ := strings.Cut(key, ".")
	return k
}

const reg = "《中华人民共和国政府信息公开条例》"

const (
	opening = "本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}），申请获取“{申请内容}”的政府信息。"
	contact = "联系电话：{联系电话}"
	rights  = "{权利告知}"
)

// replyDecision is the default decision paragraph of each reply, by outcome and basis key.
var replyDecision = map[string]string{
	"disclosed.provided":                "经审查，您申请获取的政府信息属于可以公开的政府信息。根据" + reg + "第三十六条第（二）项的规定，本机关予以公开。{提供方式}",
	"disclosed.already_public":          "经审查，您申请获取的政府信息本机关已经主动公开。根据" + reg + "第三十六条第（一）项的规定，现告知您获取该政府信息的方式、途径：{提供方式}",
	"partial.art37":                     "经审查，您申请获取的信息中含有不应当公开或者不属于政府信息的内容，但是能够作区分处理。根据" + reg + "第三十七条的规定，本机关向您提供可以公开的政府信息内容。{提供方式}\n对不予公开的内容，理由如下：{理由}",
	"refused.state_secret.art14":        "经审查，您申请获取的政府信息属于依法确定为国家秘密的政府信息。根据{依据条款}的规定，本机关决定不予公开。理由如下：{理由}",
	"refused.law_forbidden.art14":       "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的政府信息。根据{依据条款}的规定，本机关决定不予公开。理由如下：{理由}",
	"refused.three_safety.art14":        "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定。根据{依据条款}的规定，本机关决定不予公开。理由如下：{理由}",
	"refused.third_party.art15":         "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害。根据{依据条款}的规定，本机关决定不予公开。理由如下：{理由}",
	"refused.internal_affairs.art16_1":  "经审查，您申请获取的政府信息属于行政机关的内部事务信息。根据{依据条款}的规定，本机关决定不予公开。理由如下：{理由}",
	"refused.process_info.art16_2":      "经审查，您申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的过程性信息。根据{依据条款}的规定，本机关决定不予公开。理由如下：{理由}",
	"refused.enforcement_file.art16_2":  "经审查，您申请获取的政府信息属于行政执法案卷信息。根据{依据条款}的规定，本机关决定不予公开。理由如下：{理由}",
	"refused.query_matter.art36_7":      "经审查，您申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定。根据{依据条款}的规定，请您依照有关法律、行政法规的规定办理：{理由}",
	"unable.not_held.not_exist":         "经检索，本机关没有您申请公开的政府信息。根据{依据条款}的规定，现告知您该政府信息不存在。{理由}",
	"unable.not_held.not_ours":          "经审查，您申请获取的政府信息不属于本机关负责公开。根据{依据条款}的规定，现告知如下：{理由}\n{有权机关}",
	"unable.needs_creation.art38":       "经审查，您申请获取的信息需要本机关对现有政府信息进行加工、分析才能形成。根据{依据条款}的规定，本机关不予提供。理由如下：{理由}",
	"unable.still_unclear.art30":        "本机关已于{补正告知日期}告知您对申请作出补正。经补正后，您的申请内容仍不明确，本机关无法确定您所需的政府信息。根据{依据条款}的规定，现告知如下：{理由}",
	"not_processed.petition.art39_1":    "经审查，您以政府信息公开申请的形式进行信访、投诉、举报等活动。根据{依据条款}的规定，本机关不作为政府信息公开申请处理。{理由}",
	"not_processed.repeat.art36_6":      "经审查，本机关已就您提出的政府信息公开申请作出答复，您重复申请公开相同政府信息。根据{依据条款}的规定，本机关不予重复处理。{理由}",
	"not_processed.publication.art39_2": "经审查，您申请获取的是政府公报、报刊、书籍等公开出版物。根据{依据条款}的规定，现告知您获取的途径：{提供方式}{理由}",
	"not_processed.excessive.art35":     "您申请公开政府信息的数量、频次明显超过合理范围，本机关已要求您说明理由。经审查，本机关认为您的申请理由不合理。根据{依据条款}的规定，本机关不予处理。理由如下：{理由}",
	"not_processed.reconfirm.practice":  "经审查，您要求本机关确认或者重新出具您已获取的信息，不属于" + reg + "规定的提供行政机关已制作或者获取的政府信息的情形，本机关不作为政府信息公开申请处理。{理由}",
	"other.no_correction.art30":         "本机关已于{补正告知日期}告知您对申请作出补正，补正期限至{补正期限}。您无正当理由逾期未补正，根据{依据条款}的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
	"other.no_fee.f109":                 "本机关已于{收费通知日期}向您发出收费通知，缴费期限至{缴费期限}。您逾期未缴纳信息处理费，根据{依据条款}的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
	"other.other.withdrawn":             "您于{撤回日期}撤回了上述政府信息公开申请，本机关对该申请终止处理。",
	"other.other.other":                 "经审查，本机关对您的申请作如下处理：{理由}",
	"correction.made.art41":             "经审核，您提供的证据能够证明相关政府信息记录不准确。根据" + reg + "第四十一条的规定，本机关已予以更正。{提供方式}",
	"correction.forwarded.art41":        "经审核，您申请更正的政府信息记录不属于本机关职能范围。根据" + reg + "第四十一条的规定，现告知如下：{理由}\n{有权机关}",
	"correction.refused.art41":          "经审核，您提供的证据不能证明相关政府信息记录不准确，本机关不予更正。理由如下：{理由}",
	"correction.withdrawn.withdrawn":    "您于{撤回日期}撤回了上述更正申请，本机关对该申请终止处理。",
}

// DefaultTemplates returns every notice template as gongkai ships it, by key. Agencies may replace any of them.
func DefaultTemplates() map[string]Template {
	out := map[string]Template{
		NoticeReceipt: {Key: NoticeReceipt, Name: "受理回执", Title: "政府信息公开申请受理回执", Body: strings.Join([]string{
			"{申请人}：",
			"本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}），申请获取“{申请内容}”的政府信息。经审查，您的申请符合" + reg + "第二十九条的规定，本机关予以受理。",
			"根据" + reg + "第三十三条的规定，本机关将于{答复期限}前作出答复；确需延长答复期限的，将另行告知。征求第三方和其他机关意见所需时间不计算在答复期限内。",
			"您可以凭查询码{查询码}在本机关政府信息公开专栏查询办理进度。",
			contact,
		}, "\n")},
		NoticeFix: {Key: NoticeFix, Name: "补正告知书", Title: "政府信息公开申请补正告知书", Required: []string{"补正事项", "补正时限"}, Body: strings.Join([]string{
			"{申请人}：",
			"本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}）。经审查，您的申请内容不够明确，本机关无法确定您所需的政府信息。根据" + reg + "第三十条的规定，请您对以下事项作出补正：",
			"{补正事项}",
			"请您{补正时限}，{补正方式}提交补正后的申请。答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关将不再处理该政府信息公开申请。",
			contact,
		}, "\n")},
		NoticeConsultation + ".third_party": {Key: NoticeConsultation + ".third_party", Name: "征求第三方意见函", Title: "政府信息公开征求第三方意见函", Required: []string{"意见时限"}, Body: strings.Join([]string{
			"{第三方}：",
			"本机关于{收到日期}收到政府信息公开申请（申请编号：{申请编号}），申请公开“{申请内容}”的政府信息。该信息可能涉及贵方的商业秘密、个人隐私等合法权益。根据" + reg + "第三十二条的规定，现书面征求贵方意见。",
			"{征求事项}",
			"请贵方{意见时限}书面提出是否同意公开的意见；不同意公开的，请说明理由。逾期未提出意见的，本机关将依照" + reg + "的规定决定是否公开。",
			contact,
		}, "\n")},
		NoticeConsultation + ".agency": {Key: NoticeConsultation + ".agency", Name: "征求其他机关意见函", Title: "政府信息公开征求意见函", Required: []string{"意见时限"}, Body: strings.Join([]string{
			"{第三方}：",
			"本机关于{收到日期}收到政府信息公开申请（申请编号：{申请编号}），申请公开“{申请内容}”的政府信息。该信息涉及贵机关，根据" + reg + "第三十三条第三款、第三十四条的规定，现征求贵机关意见。",
			"{征求事项}",
			"请贵机关{意见时限}提出意见。属于共同制作的政府信息，逾期未提出意见的，视为同意公开。",
			contact,
		}, "\n")},
		NoticeExtension: {Key: NoticeExtension, Name: "延期答复告知书", Title: "政府信息公开申请延期答复告知书", Required: []string{"延期理由", "答复期限"}, Body: strings.Join([]string{
			"{申请人}：",
			"本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}）。因{延期理由}，本机关无法在{原答复期限}前作出答复。根据" + reg + "第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长{延长工作日数}个工作日，本机关将于{答复期限}前作出答复。",
			"特此告知。",
			contact,
		}, "\n")},
		NoticeFee: {Key: NoticeFee, Name: "收费通知书", Title: "政府信息公开信息处理费收费通知书", Required: []string{"收费金额", "缴费时限"}, Body: strings.Join([]string{
			"{申请人}：",
			"本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}）。您申请公开政府信息的数量、频次明显超过合理范围，根据" + reg + "第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）的规定，本机关依法收取信息处理费。",
			"收费方式：{收费方式}。{收费明细}",
			"应缴金额：{收费金额}元。请您{缴费时限}缴纳。缴费方式：{缴费方式}",
			"逾期未缴纳的，视为放弃申请，本机关将不再处理该政府信息公开申请。",
			contact,
		}, "\n")},
		NoticeReasons: {Key: NoticeReasons, Name: "说明理由通知书", Title: "政府信息公开申请说明理由通知书", Required: []string{"说明理由时限"}, Body: strings.Join([]string{
			"{申请人}：",
			"本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}），申请获取“{申请内容}”的政府信息。经审查，您申请公开政府信息的数量、频次明显超过合理范围。根据" + reg + "第三十五条的规定，请您{说明理由时限}向本机关说明理由。",
			"本机关认为申请理由不合理的，将告知您不予处理；认为申请理由合理，但是无法在" + reg + "第三十三条规定的期限内答复的，将确定合理期限并告知您。",
			contact,
		}, "\n")},
		NoticeLaterReply: {Key: NoticeLaterReply, Name: "延迟答复告知书", Title: "政府信息公开申请延迟答复告知书", Required: []string{"答复期限"}, Body: strings.Join([]string{
			"{申请人}：",
			"本机关于{收到日期}收到您提出的政府信息公开申请（申请编号：{申请编号}），并于{理由收到日期}收到您说明的理由。经审查，本机关认为您的申请理由合理，但是无法在" + reg + "第三十三条规定的期限（{原答复期限}）内答复。根据" + reg + "第三十五条的规定，本机关确定于{答复期限}前作出答复。",
			"特此告知。",
			contact,
		}, "\n")},
	}
	for key, decision := range replyDecision {
		outcome, basis := splitReplyKey(key)
		spec, _ := outcome.Spec()
		title := spec.ReplyTitle
		if b, err := outcome.Basis(basis); err == nil && b.ReplyTitle != "" {
			title = b.ReplyTitle
		}
		t := Template{Key: NoticeReply + "." + key, Name: spec.Name + "（" + basisName(outcome, basis) + "）", Title: title}
		lines := []string{"{申请人}：", opening, decision}
		if basis != "withdrawn" {
			lines = append(lines, rights)
			t.Required = append(t.Required, "权利告知")
		}
		b, _ := outcome.Basis(basis)
		if b.NeedsReasons {
			t.Required = append(t.Required, "理由")
		}
		t.Body = strings.Join(append(lines, contact), "\n")
		if outcome.IsCorrection() {
			t.Body = strings.Replace(t.Body, "政府信息公开申请", "更正申请", 1)
			t.Body = strings.Replace(t.Body, "申请获取“{申请内容}”的政府信息。", "要求更正“{申请内容}”。", 1)
		}
		out[t.Key] = t
	}
	return out
}

// splitReplyKey splits "refused.state_secret.art14" into outcome and basis: the basis is the last part.
func splitReplyKey(key string) (disclosure.Outcome, string) {
	i := strings.LastIndexByte(key, '.')
	return disclosure.Outcome(key[:i]), key[i+1:]
}

func basisName(o disclosure.Outcome, key string) string {
	b, err := o.Basis(key)
	if err != nil {
		return key
	}
	return b.Name
}

// ReplyTemplateKey is the template key of a reply with the outcome and basis.
func ReplyTemplateKey(o disclosure.Outcome, basis string) string {
	return NoticeReply + "." + string(o) + "." + basis
}

var rePlaceholder = regexp.MustCompile(`\{([^{}\s]{1,20})\}`)

// CheckTemplate validates an edited template against its key: a title, known placeholders only, the required ones
// kept, and sane lengths. The error names what to fix.
func CheckTemplate(key, title, body string) error {
	def, ok := DefaultTemplates()[key]
	if !ok {
		return disclosure.Errorf(disclosure.EInvalid, "没有名为“%s”的告知书模板", key)
	}
	title, body = strings.TrimSpace(title), strings.TrimSpace(body)
	switch {
	case title == "":
		return disclosure.Errorf(disclosure.EInvalid, "请填写告知书标题")
	case utf8.RuneCountInString(title) > 60:
		return disclosure.Errorf(disclosure.EInvalid, "告知书标题过长（最多 60 个字）")
	case body == "":
		return disclosure.Errorf(disclosure.EInvalid, "请填写告知书正文")
	case utf8.RuneCountInString(body) > 10000:
		return disclosure.Errorf(disclosure.EInvalid, "告知书正文过长（最多 10000 个字）")
	case strings.Count(body, "{") != strings.Count(body, "}"):
		return disclosure.Errorf(disclosure.EInvalid, "正文中的“{”和“}”不成对，占位符应写成 {申请人} 这样")
	}
	known := Placeholders(key)
	var unknown []string
	for _, m := range rePlaceholder.FindAllStringSubmatch(body, -1) {
		if _, ok := known[m[1]]; !ok {
			unknown = append(unknown, "{"+m[1]+"}")
		}
	}
	if len(unknown) > 0 {
		names := make([]string, 0, len(known))
		for k := range known {
			names = append(names, "{"+k+"}")
		}
		sort.Strings(names)
		return disclosure.Errorf(disclosure.EInvalid, "正文中有无法识别的占位符：%s。可用的占位符：%s", strings.Join(unknown, "、"), strings.Join(names, "、"))
	}
	for _, r := range def.Required {
		if !strings.Contains(body, "{"+r+"}") {
			return disclosure.Errorf(disclosure.EInvalid, "该告知书必须保留占位符 {%s}（%s）", r, known[r])
		}
	}
	return nil
}

// fill replaces the placeholders of a template body with values and returns the addressee and the paragraphs.
// Lines that are empty after filling are dropped; a value may hold several lines.
func fill(body string, vals map[string]string) (addressee string, paras []string) {
	filled := rePlaceholder.ReplaceAllStringFunc(body, func(m string) string {
		if v, ok := vals[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
	lines := strings.Split(filled, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || (l == "联系电话：" || l == "联系电话") {
			continue
		}
		if i == 0 && strings.HasSuffix(l, "：") {
			addressee = l
			continue
		}
		paras = append(paras, l)
	}
	return addressee, paras
}

// NoticeText is a filled notice: its title, addressee and paragraphs, before numbering and rendering.
type NoticeText struct {
	Kind      string
	Key       string
	Title     string
	Addressee string
	Paras     []string
	// Public notices go to the applicant (and can be downloaded on the status page); a consultation letter does not.
	Public bool
}

// Body returns the notice's text as stored: addressee and paragraphs, one per line.
func (n NoticeText) Body() string {
	lines := append([]string{}, n.Addressee)
	return strings.Join(append(lines, n.Paras...), "\n")
}

// String returns a notice's heading for logs and tests.
func (n NoticeText) String() string { return fmt.Sprintf("%s %s", n.Key, n.Title) }
