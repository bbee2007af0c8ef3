package casexlsx

import (
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// col identifies a column of the import template.
type col int

// The import columns, in the template's order.
const (
	cReceived col = iota
	cChannel
	cKind
	cApplicantType
	cName
	cIDType
	cIDNumber
	cContact
	cPhone
	cEmail
	cAddress
	cTitle
	cDocNumber
	cDescription
	cForms
	cDelivery
	cOutcome
	cBasis
	cClosed
	cNote
	numCols
)

// importColumn describes one column of the import template.
type importColumn struct {
	// Header is the column's name; the template adds "*" to a required one.
	Header   string
	Required bool
	// Date columns hold dates; every other column is text (the template formats it as text, so that Excel keeps an
	// ID number's 18 digits).
	Date bool
	// Aliases are other headers officers use for the column in their own ledgers (and that Export writes).
	Aliases []string
	// Options are the values of the column's drop-down list, if it has one.
	Options []string
	// Help explains the column on the 填写说明 sheet.
	Help string
	// Example is the example row's value.
	Example string
}

// title returns the header as the template writes it.
func (c importColumn) title() string {
	if c.Required {
		return c.Header + "*"
	}
	return c.Header
}

// ID document types of a person, as internal/identity names them.
var idTypes = []struct{ ID, Name string }{
	{"resident_id", "居民身份证"},
	{"passport", "护照"},
	{"hk_macau_permit", "港澳居民来往内地通行证"},
	{"taiwan_permit", "台湾居民来往大陆通行证"},
	{"foreign_permanent", "外国人永久居留身份证"},
	{"hmt_residence", "港澳台居民居住证"},
	{"other", "其他"},
}

// kindNames gives the Chinese name of each kind of application.
var kindNames = []struct {
	ID   disclosure.ApplicationKind
	Name string
}{
	{disclosure.DisclosureRequest, "政府信息公开申请"},
	{disclosure.CorrectionRequest, "更正申请"},
}

func kindName(k disclosure.ApplicationKind) string {
	for _, n := range kindNames {
		if n.ID == k {
			return n.Name
		}
	}
	return ""
}

// The earliest date a case can have: the day the first Regulation (国务院令第492号) took effect.
const firstDayText = "2008年5月1日"

var firstDay = mustDate(2008, 5, 1)

// allOutcomes lists the outcomes of both kinds of application: requests for disclosure, then corrections.
func allOutcomes() []disclosure.OutcomeSpec {
	return append(disclosure.Outcomes(), disclosure.CorrectionOutcomes()...)
}

func channelNames() []string {
	var out []string
	for _, c := range disclosure.Channels {
		out = append(out, c.Name)
	}
	return out
}

func applicantTypeNames() []string {
	var out []string
	for _, a := range disclosure.ApplicantTypes {
		out = append(out, a.Name)
	}
	return out
}

func idTypeNames() []string {
	var out []string
	for _, t := range idTypes {
		out = append(out, t.Name)
	}
	return out
}

func outcomeNames() []string {
	var out []string
	for _, o := range allOutcomes() {
		out = append(out, o.Name)
	}
	return out
}

// basisNames lists every basis name once, in the order of the outcomes.
func basisNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, o := range allOutcomes() {
		for _, b := range o.Bases {
			if !seen[b.Name] {
				seen[b.Name] = true
				out = append(out, b.Name)
			}
		}
	}
	return out
}

func kindNameList() []string {
	var out []string
	for _, k := range kindNames {
		out = append(out, k.Name)
	}
	return out
}

// multiBasisHelp names the outcomes that have more than one basis and their bases, for the 填写说明 sheet.
func multiBasisHelp() string {
	var parts []string
	for _, o := range allOutcomes() {
		if len(o.Bases) < 2 {
			continue
		}
		var names []string
		for _, b := range o.Bases {
			names = append(names, "“"+b.Name+"”")
		}
		parts = append(parts, "“"+o.Name+"”可选"+strings.Join(names, "或")+"（默认为第一种）")
	}
	return strings.Join(parts, "；")
}

// importColumns describes the template's columns, indexed by col.
var importColumns = func() [numCols]importColumn {
	var c [numCols]importColumn
	c[cReceived] = importColumn{Header: "收到日期", Required: true, Date: true,
		Aliases: []string{"收到申请日期", "收到申请的日期", "申请日期", "收到时间"},
		Help: "收到申请之日（《条例》第三十一条）：当面提交的为提交之日，邮寄的为签收之日，平常信函、传真、电子邮件为与申请人确认之日，" +
			"其他机关转送的为本机关收到之日。可以填写 Excel 日期，也可以写成 2026-03-02、2026/3/2 或 2026年3月2日；不能晚于今天，也不能早于" + firstDayText + "。",
		Example: "2025-03-03"}
	c[cChannel] = importColumn{Header: "申请方式", Required: true, Aliases: []string{"申请渠道", "提交方式"},
		Options: channelNames(),
		Help:    "从下拉列表中选择：" + strings.Join(channelNames(), "、") + "。也可以只写括号前的部分（如“邮寄”）。",
		Example: "邮寄（需签收）"}
	c[cKind] = importColumn{Header: "申请类型", Options: kindNameList(),
		Help:    "政府信息公开申请，或要求更正与申请人自身相关的政府信息记录的更正申请（《条例》第四十一条）。不填视为政府信息公开申请。",
		Example: "政府信息公开申请"}
	c[cApplicantType] = importColumn{Header: "申请人类型", Required: true, Options: applicantTypeNames(),
		Help: "与年度报告第三部分的列一致：公民（自然人），或法人或其他组织中的商业企业、科研机构、社会公益组织、法律服务机构、其他组织。" +
			"也可以写“公民”或“自然人”。",
		Example: "公民（自然人）"}
	c[cName] = importColumn{Header: "申请人姓名或名称", Required: true,
		Aliases: []string{"申请人", "申请人姓名", "申请人名称", "姓名或名称"},
		Help:    "公民填写姓名；法人或其他组织填写单位全称。最多 100 字。",
		Example: "张三"}
	c[cIDType] = importColumn{Header: "证件类型", Aliases: []string{"身份证件类型"}, Options: idTypeNames(),
		Help:    "公民的身份证件类型，从下拉列表中选择；不填视为居民身份证。法人或其他组织不用填写（以统一社会信用代码识别）。",
		Example: "居民身份证"}
	c[cIDNumber] = importColumn{Header: "证件号码或统一社会信用代码", Required: true,
		Aliases: []string{"证件号码", "身份证件号码", "身份证号码", "身份证号", "统一社会信用代码"},
		Help: "公民填写所选证件的号码；法人或其他组织填写 18 位统一社会信用代码（会核对校验位）。本列已设为文本格式，" +
			"请不要改成数字或常规格式，否则 Excel 会把 18 位号码变成 1.10105E+17 这样的数字，末几位从此丢失。",
		Example: "11010519491231002X"}
	c[cContact] = importColumn{Header: "联系人", Aliases: []string{"联系人姓名"},
		Help:    "法人或其他组织必填：经办联系人的姓名，最多 100 字。公民可不填。",
		Example: ""}
	c[cPhone] = importColumn{Header: "联系电话", Required: true, Aliases: []string{"电话", "手机", "手机号码", "联系方式"},
		Help:    "手机或固定电话，只能包含数字、空格、加号、横线和括号（5—30 位）。",
		Example: "010-12345678"}
	c[cEmail] = importColumn{Header: "电子邮箱", Aliases: []string{"邮箱", "电子邮件地址", "email"},
		Help:    "可不填；填写的须是有效的邮箱地址，如 zhangsan@example.com。",
		Example: "zhangsan@example.com"}
	c[cAddress] = importColumn{Header: "联系地址", Aliases: []string{"通信地址", "通讯地址", "地址"},
		Help:    "可不填，最多 200 字。",
		Example: "北京市东城区某某路 1 号"}
	c[cTitle] = importColumn{Header: "信息名称", Aliases: []string{"所需信息名称", "所需信息的名称"},
		Help:    "所需政府信息的名称，知道的填写，最多 200 字。",
		Example: "2024年老旧小区改造资金安排"}
	c[cDocNumber] = importColumn{Header: "文号", Aliases: []string{"所需信息文号"},
		Help:    "所需政府信息的文号，知道的填写，最多 200 字。",
		Example: ""}
	c[cDescription] = importColumn{Header: "所需信息描述", Required: true,
		Aliases: []string{"所需信息的内容描述", "所需信息内容描述", "信息描述", "申请内容"},
		Help: "所需政府信息的内容描述（名称、文号或便于查询的其他特征）；更正申请填写需要更正的信息记录、不准确之处和更正的理由。" +
			"最多 4000 字。",
		Example: "请公开本区 2024 年老旧小区改造项目的资金安排文件。"}
	c[cForms] = importColumn{Header: "载体形式", Aliases: []string{"所需信息的载体形式", "信息载体形式"},
		Options: disclosure.RequestForms,
		Help:    "可选：" + strings.Join(disclosure.RequestForms, "、") + "。多项之间用逗号分隔；不填视为纸质文本。",
		Example: "纸质文本"}
	c[cDelivery] = importColumn{Header: "获取方式", Aliases: []string{"获取信息的方式", "信息获取方式"},
		Options: disclosure.RequestDelivery,
		Help:    "可选：" + strings.Join(disclosure.RequestDelivery, "、") + "。多项之间用逗号分隔；不填视为邮寄。",
		Example: "邮寄"}
	c[cOutcome] = importColumn{Header: "办理结果", Aliases: []string{"处理结果", "答复结果"}, Options: outcomeNames(),
		Help: "已办结的案件填写办理结果，从下拉列表中选择（与年度报告第三部分的行一致）；也可以填写年度报告中的行名称，如“1.属于国家秘密”。" +
			"更正申请选择“予以更正”等更正申请的结果。不填表示仍在办理中。填写了办理结果就必须填写答复日期。",
		Example: "予以公开"}
	c[cBasis] = importColumn{Header: "办理依据", Aliases: []string{"法律依据", "答复依据"}, Options: basisNames(),
		Help:    "可不填，不填时使用该办理结果的默认依据。" + multiBasisHelp() + "。填写时须是所选办理结果的依据。",
		Example: "可以公开，予以提供"}
	c[cClosed] = importColumn{Header: "答复日期", Date: true,
		Aliases: []string{"答复（办结）日期", "办结日期", "答复时间", "办结时间"},
		Help:    "答复书发出（办结）之日，格式同收到日期。填写了办理结果就必须填写，仍在办理的不填；不能早于收到日期，也不能晚于今天。",
		Example: "2025-03-20"}
	c[cNote] = importColumn{Header: "备注", Help: "可不填。"}
	return c
}()

// lookup maps the key of each accepted spelling of a value to the value. A spelling shared by two values is
// ambiguous and is left out rather than guessed.
type lookup[T comparable] map[string]T

func (l lookup[T]) add(v T, ambiguous map[string]bool, spellings ...string) {
	for _, s := range spellings {
		k := key(s)
		if k == "" || ambiguous[k] {
			continue
		}
		if old, ok := l[k]; ok && old != v {
			delete(l, k)
			ambiguous[k] = true
			continue
		}
		l[k] = v
	}
}

func (l lookup[T]) find(s string) (T, bool) {
	v, ok := l[key(s)]
	return v, ok
}

// beforeParen returns the part of a name before its explanation in brackets: "邮寄（需签收）" → "邮寄".
func beforeParen(s string) string {
	if i := strings.IndexAny(s, "（("); i > 0 {
		return s[:i]
	}
	return s
}

// withoutNumber drops the numbering of a report row label: "1.属于国家秘密" → "属于国家秘密", "（一）予以公开" → "予以公开".
func withoutNumber(s string) string {
	t := strings.TrimLeft(s, "0123456789")
	if t != s && (strings.HasPrefix(t, ".") || strings.HasPrefix(t, "．") || strings.HasPrefix(t, "、")) {
		_, size := firstRune(t)
		return t[size:]
	}
	if strings.HasPrefix(s, "（") {
		if i := strings.Index(s, "）"); i > 0 {
			return s[i+len("）"):]
		}
	}
	return s
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

var (
	kindLookup = func() lookup[disclosure.ApplicationKind] {
		l, amb := lookup[disclosure.ApplicationKind]{}, map[string]bool{}
		for _, k := range kindNames {
			l.add(k.ID, amb, string(k.ID), k.Name)
		}
		l.add(disclosure.DisclosureRequest, amb, "公开申请", "信息公开申请", "依申请公开")
		l.add(disclosure.CorrectionRequest, amb, "政府信息更正申请", "更正")
		return l
	}()
	channelLookup = func() lookup[disclosure.Channel] {
		l, amb := lookup[disclosure.Channel]{}, map[string]bool{}
		for _, c := range disclosure.Channels {
			l.add(c.ID, amb, string(c.ID), c.Name, beforeParen(c.Name))
		}
		return l
	}()
	applicantTypeLookup = func() lookup[disclosure.ApplicantType] {
		l, amb := lookup[disclosure.ApplicantType]{}, map[string]bool{}
		for _, a := range disclosure.ApplicantTypes {
			l.add(a.ID, amb, string(a.ID), a.Name, beforeParen(a.Name))
		}
		l.add(disclosure.NaturalPerson, amb, "自然人", "个人", "公民个人")
		return l
	}()
	idTypeLookup = func() lookup[string] {
		l, amb := lookup[string]{}, map[string]bool{}
		for _, t := range idTypes {
			l.add(t.ID, amb, t.ID, t.Name)
		}
		l.add("resident_id", amb, "身份证", "二代身份证")
		l.add(disclosure.USCCDocType, amb, disclosure.USCCDocType, "统一社会信用代码")
		return l
	}()
	outcomeLookup = func() lookup[disclosure.Outcome] {
		l, amb := lookup[disclosure.Outcome]{}, map[string]bool{}
		for _, o := range allOutcomes() {
			l.add(o.ID, amb, string(o.ID), o.Name, o.Label, withoutNumber(o.Label), beforeParen(withoutNumber(o.Label)))
		}
		return l
	}()
	headerLookup = func() lookup[col] {
		l, amb := lookup[col]{}, map[string]bool{}
		for c := range numCols {
			l.add(c, amb, importColumns[c].Header)
			l.add(c, amb, importColumns[c].Aliases...)
		}
		return l
	}()
)

// basisOf finds the basis of outcome o named s (its Name or Key).
func basisOf(o disclosure.OutcomeSpec, s string) (disclosure.Basis, bool) {
	k := key(s)
	for _, b := range o.Bases {
		if key(b.Name) == k || key(b.Key) == k {
			return b, true
		}
	}
	return disclosure.Basis{}, false
}
