package disclosure

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/workday"
)

// ApplicantType is who applies, in the categories of the report's section 三 columns: 自然人, or one of the five kinds
// of 法人或其他组织. Its values are the column IDs.
type ApplicantType string

// The applicant types, in the order of the report's columns.
const (
	NaturalPerson  ApplicantType = "natural_person"
	Commercial     ApplicantType = "commercial"
	Research       ApplicantType = "research"
	PublicInterest ApplicantType = "public_interest"
	LegalService   ApplicantType = "legal_service"
	OtherOrg       ApplicantType = "other_org"
)

// ApplicantTypes lists the types in the order of the report's columns, with their Chinese names.
var ApplicantTypes = []struct {
	ID   ApplicantType
	Name string
}{
	{NaturalPerson, "公民（自然人）"},
	{Commercial, "商业企业"},
	{Research, "科研机构"},
	{PublicInterest, "社会公益组织"},
	{LegalService, "法律服务机构"},
	{OtherOrg, "其他组织"},
}

// Name returns the type's Chinese name, or "" for an unknown type.
func (t ApplicantType) Name() string {
	for _, a := range ApplicantTypes {
		if a.ID == t {
			return a.Name
		}
	}
	return ""
}

// IsOrganization reports whether the applicant is a 法人或其他组织.
func (t ApplicantType) IsOrganization() bool { return t != NaturalPerson && t.Name() != "" }

// Channel is how an application arrived. It decides the receipt date (Art 31).
type Channel string

// The channels.
const (
	Online   Channel = "online"    // the portal's form
	Letter   Channel = "letter"    // by post, signed for
	Ordinary Channel = "ordinary"  // an ordinary letter that needs no signature
	InPerson Channel = "in_person" // handed in, or made orally and written down by the office (Art 29)
	Fax      Channel = "fax"
	Email    Channel = "email"
	Transfer Channel = "transfer" // forwarded by another agency in the system that is not competent (Art 36(5))
)

// ChannelSpec describes a channel: its name and what its receipt date is under Art 31.
type ChannelSpec struct {
	ID Channel
	// Name is the Chinese name.
	Name string
	// DateLabel names the receipt date on the intake form.
	DateLabel string
	// Rule is the rule of Art 31 that makes that date the receipt date.
	Rule string
}

// Channels lists the channels staff can enter, and the portal's own.
var Channels = []ChannelSpec{
	{Online, "互联网在线申请", "提交日期", "通过互联网渠道提交的，以双方确认之日为收到申请之日（在线提交时系统即时确认并出具回执）。《条例》第三十一条第（三）项"},
	{Letter, "邮寄（需签收）", "签收日期", "以邮寄方式提交的，以行政机关签收之日为收到申请之日。《条例》第三十一条第（二）项"},
	{Ordinary, "平常信函（无需签收）", "与申请人确认日期", "以平常信函等无需签收的方式提交的，政府信息公开工作机构应当于收到当日与申请人确认，确认之日为收到申请之日。《条例》第三十一条第（二）项"},
	{InPerson, "当面提交（含口头申请代为填写）", "提交日期", "当面提交的，以提交之日为收到申请之日。《条例》第三十一条第（一）项"},
	{Fax, "传真", "双方确认日期", "通过政府信息公开工作机构的传真提交的，以双方确认之日为收到申请之日。《条例》第三十一条第（三）项"},
	{Email, "电子邮件", "双方确认日期", "通过互联网渠道提交的，以双方确认之日为收到申请之日。《条例》第三十一条第（三）项"},
	{Transfer, "其他机关转送", "本机关收到转送日期", "其他行政机关认为不属于其负责公开并转送本机关的，以本机关收到之日为收到申请之日。"},
}

// Spec returns the channel's description and whether c is known.
func (c Channel) Spec() (ChannelSpec, bool) {
	for _, s := range Channels {
		if s.ID == c {
			return s, true
		}
	}
	return ChannelSpec{}, false
}

// ApplicationKind separates the two kinds of request the workflow handles.
type ApplicationKind string

const (
	// DisclosureRequest is a 政府信息公开申请 (Art 27–40); these are counted in the annual report.
	DisclosureRequest ApplicationKind = "disclosure"
	// CorrectionRequest is a request to correct a record about the applicant (更正申请, Art 41); not counted in
	// section 三.
	CorrectionRequest ApplicationKind = "correction"
)

// Applicant is who applies and how to reach them (Art 29(1)).
type Applicant struct {
	Type ApplicantType `json:"type"`
	// Name is the person's name or the organisation's name.
	Name string `json:"name"`
	// IDType and IDNumber are the person's identity document, or for an organisation its 统一社会信用代码 (IDType
	// "uscc").
	IDType   string `json:"id_type"`
	IDNumber string `json:"id_number"`
	// LegalRep and Contact are an organisation's 法定代表人 and 联系人.
	LegalRep string `json:"legal_rep,omitempty"`
	Contact  string `json:"contact,omitempty"`
	Phone    string `json:"phone"`
	Email    string `json:"email,omitempty"`
	Address  string `json:"address,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Fax      string `json:"fax,omitempty"`
}

// USCCDocType is the IDType of an organisation, identified by its 统一社会信用代码.
const USCCDocType = "uscc"

// Request is what the applicant asks for (Art 29(2)–(3)).
type Request struct {
	// Title is the name of the information sought, if known.
	Title string `json:"title,omitempty"`
	// DocNumber is its 文号, if known.
	DocNumber string `json:"doc_number,omitempty"`
	// Description describes the information so that the agency can find it.
	Description string `json:"description"`
	// Purpose is optional: the 2019 Regulation dropped the "special need" condition.
	Purpose string `json:"purpose,omitempty"`
	// Forms are the requested forms (纸质, 电子文档 …) and Delivery the ways to obtain it (邮寄, 电子邮件 …).
	Forms    []string `json:"forms"`
	Delivery []string `json:"delivery"`
	// AcceptOther says the applicant accepts another form if the requested one cannot be provided (Art 40).
	AcceptOther bool `json:"accept_other,omitempty"`
	// Supplement is what the applicant added in answer to a 补正告知书.
	Supplement string `json:"supplement,omitempty"`
}

// The forms and ways of delivery offered on the form (portal-conventions §5).
var (
	RequestForms    = []string{"纸质文本", "电子文档", "光盘", "U盘等移动存储介质"}
	RequestDelivery = []string{"邮寄", "电子邮件", "网上获取", "自行领取", "当场阅读、抄录", "传真"}
)

// State is where an application stands in the workflow (see casework for the transitions).
type State string

// The states.
const (
	Registered       State = "registered"        // 已登记: received, not yet accepted
	AwaitingFix      State = "awaiting_fix"      // 待补正: the 补正告知书 went out; waiting for the applicant
	Handling         State = "handling"          // 办理中
	Consulting       State = "consulting"        // 征求意见中: third party or other agencies; the clock stops
	AwaitingPayment  State = "awaiting_payment"  // 待缴费: the 收费通知书 went out
	ReplyDrafted     State = "reply_drafted"     // 答复已拟稿
	AwaitingApproval State = "awaiting_approval" // 答复待审批
	ReplyApproved    State = "reply_approved"    // 答复已审批，待发出
	Replied          State = "replied"           // 已答复
	Delivered        State = "delivered"         // 已送达
	Withdrawn        State = "withdrawn"         // 已撤回
	Lapsed           State = "lapsed"            // 已终止: 逾期不补正 or 逾期未缴费
	Archived         State = "archived"          // 已归档
	// Referred is an application another agency in the system forwarded as not its own (Art 36(5)): this agency
	// sees it but has not received it in the sense of Art 31 until an officer registers it with the date it did.
	// Until then it counts in no report of this agency.
	Referred State = "referred" // 转来待登记
)

// StateNames gives each state's Chinese name.
var StateNames = map[State]string{
	Registered: "已登记", AwaitingFix: "待补正", Handling: "办理中", Consulting: "征求意见中", AwaitingPayment: "待缴费",
	ReplyDrafted: "答复已拟稿", AwaitingApproval: "答复待审批", ReplyApproved: "答复已审批", Replied: "已答复",
	Delivered: "已送达", Withdrawn: "已撤回", Lapsed: "已终止处理", Archived: "已归档", Referred: "转来待登记",
}

// OpenStates are the states of an application still being handled: counted as 结转 at the end of a year.
var OpenStates = []State{Registered, AwaitingFix, Handling, Consulting, AwaitingPayment, ReplyDrafted, AwaitingApproval, ReplyApproved}

// Closed reports whether the state ends the case (the outcome is set).
func (s State) Closed() bool {
	switch s {
	case Replied, Delivered, Withdrawn, Lapsed, Archived:
		return true
	}
	return false
}

// Application is one request and its handling, as stored.
type Application struct {
	ID       int64           `json:"id"`
	AgencyID int64           `json:"agency_id"`
	Kind     ApplicationKind `json:"kind"`
	// Number is the agency's running number for the year (申请编号), e.g. "2026-0007".
	Number string `json:"number"`
	// QueryCode (查询码) lets the applicant follow the case with SecretHash's secret; both are issued at intake.
	QueryCode  string  `json:"query_code"`
	SecretHash string  `json:"-"`
	Channel    Channel `json:"channel"`
	// ReceivedOn is the receipt date under Art 31; the clock starts from it (or from the corrected application).
	ReceivedOn workday.Date `json:"received_on"`
	Applicant  Applicant    `json:"applicant"`
	Request    Request      `json:"request"`
	State      State        `json:"state"`
	// Outcome and Basis are set when the reply is drafted and fixed when the case closes.
	Outcome Outcome `json:"outcome,omitempty"`
	Basis   string  `json:"basis,omitempty"`
	// ClosedOn is the day the case ended (reply sent, withdrawal, lapse); it decides the report year of the result.
	ClosedOn workday.Date `json:"closed_on,omitzero"`
	// Due is the reply deadline recomputed from the clock ledger; zero while no clock runs.
	Due workday.Date `json:"due,omitzero"`
	// Paused is true while the clock is stopped (consultation, fee notice when the agency's policy says so, 补正).
	Paused bool `json:"paused,omitempty"`
	// AssigneeID is the officer handling the case.
	AssigneeID *int64 `json:"assignee_id,omitempty"`
	// TransferredFrom links a case forwarded by another agency in the system.
	TransferredFrom *int64 `json:"transferred_from,omitempty"`
	// Flags are warnings found at intake (重复申请, 大量申请 …), shown to the officer.
	Flags     []Flag    `json:"flags,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version increases with every change; a change made from a stale page is refused.
	Version int `json:"version"`
}

// Flag is a warning about an application, with the case it points to.
type Flag struct {
	// Kind is "duplicate" (the same request still open), "repeat" (already answered: Art 36(6)) or "volume" (many
	// requests from the same applicant: Art 35).
	Kind    string `json:"kind"`
	Message string `json:"message"`
	// Other is the ID of the earlier application it resembles.
	Other int64 `json:"other,omitempty"`
}

var (
	rePhone     = regexp.MustCompile(`^[0-9+\-() ]{5,30}$`)
	rePostcode6 = regexp.MustCompile(`^\d{6}$`)
)

// limits on free text, in characters.
const (
	maxName        = 100
	maxDescription = 4000
	maxShort       = 200
)

// Validate checks the application as entered (online or by staff) and normalises it: an organisation's 统一社会信用代码
// (check character), the contact details, and the request. A person's identity document is checked by the caller
// with checkID (casework passes internal/identity's rules: the resident ID's check digit and birth date …), which
// returns the normalised number or an error. Every message says what to fix. It does not check the workflow state.
func (a *Application) Validate(checkID func(docType, number string) (string, error)) error {
	if a.Kind == "" {
		a.Kind = DisclosureRequest
	}
	if a.Kind != DisclosureRequest && a.Kind != CorrectionRequest {
		return Errorf(EInvalid, "申请类型应为政府信息公开申请或更正申请")
	}
	if _, ok := a.Channel.Spec(); !ok {
		return Errorf(EInvalid, "请选择申请方式（在线、邮寄、平常信函、当面、传真、电子邮件或其他机关转送）")
	}
	if a.ReceivedOn.IsZero() {
		return Errorf(EInvalid, "请填写收到申请的日期")
	}
	if ps := a.problems(checkID); len(ps) > 0 {
		return Errorf(EInvalid, "%s", ps[0].Message)
	}
	return nil
}

// FieldError is one problem of an application as entered, with the form field it belongs to (Form* below).
type FieldError struct {
	Field   string
	Message string
}

// The fields of the application form that problems are reported against. For an organisation, FormName is its
// name and FormIDNumber its 统一社会信用代码.
const (
	FormApplicantType = "applicant_type"
	FormName          = "name"
	FormIDNumber      = "id_number"
	FormPhone         = "phone"
	FormEmail         = "email"
	FormAddress       = "address"
	FormPostcode      = "postcode"
	FormFax           = "fax"
	FormLegalRep      = "legal_rep"
	FormContact       = "contact"
	FormTitle         = "title"
	FormDocNumber     = "doc_number"
	FormDescription   = "description"
	FormPurpose       = "purpose"
	FormForms         = "forms"
	FormDelivery      = "delivery"
)

// Problems checks the applicant and the request as Validate does (and normalises them the same way), but returns
// every problem found, each with its field, so that a form can show them all at once next to their fields. It
// does not check the kind, the channel or the receipt date, which the applicant does not enter.
func (a *Application) Problems(checkID func(docType, number string) (string, error)) []FieldError {
	if a.Kind == "" {
		a.Kind = DisclosureRequest
	}
	return a.problems(checkID)
}

func (a *Application) problems(checkID func(docType, number string) (string, error)) []FieldError {
	return append(a.Applicant.problems(checkID), a.Request.problems(a.Kind)...)
}

func (p *Applicant) problems(checkID func(docType, number string) (string, error)) []FieldError {
	var out []FieldError
	add := func(field, format string, args ...any) {
		out = append(out, FieldError{field, fmt.Sprintf(format, args...)})
	}
	p.Name = cleanLine(p.Name)
	p.LegalRep, p.Contact = cleanLine(p.LegalRep), cleanLine(p.Contact)
	p.Phone, p.Email = cleanLine(p.Phone), strings.ToLower(cleanLine(p.Email))
	p.Address, p.Postcode, p.Fax = cleanLine(p.Address), cleanLine(p.Postcode), cleanLine(p.Fax)
	known := p.Type.Name() != ""
	if !known {
		add(FormApplicantType, "请选择申请人类型：公民，或法人或其他组织（商业企业、科研机构、社会公益组织、法律服务机构、其他组织）")
	}
	switch {
	case p.Name == "" && p.Type.IsOrganization():
		add(FormName, "请填写法人或其他组织的名称")
	case p.Name == "":
		add(FormName, "请填写申请人姓名")
	case utf8.RuneCountInString(p.Name) > maxName:
		add(FormName, "申请人姓名或名称过长（最多 %d 个字）", maxName)
	}
	switch {
	case p.Phone == "":
		add(FormPhone, "请填写联系电话，以便工作人员与您联系")
	case !rePhone.MatchString(p.Phone):
		add(FormPhone, "联系电话只能包含数字、空格、加号、横线和括号（5—30 位）")
	}
	if p.Email != "" && !reEmail.MatchString(p.Email) {
		add(FormEmail, "电子邮箱格式不正确，例如 zhangsan@example.com")
	}
	if p.Postcode != "" && !rePostcode6.MatchString(p.Postcode) {
		add(FormPostcode, "邮政编码应为 6 位数字")
	}
	if utf8.RuneCountInString(p.Address) > maxShort {
		add(FormAddress, "联系地址过长（最多 %d 个字）", maxShort)
	}
	if utf8.RuneCountInString(p.LegalRep) > maxName {
		add(FormLegalRep, "法定代表人或联系人姓名过长（最多 %d 个字）", maxName)
	}
	if utf8.RuneCountInString(p.Contact) > maxName {
		add(FormContact, "法定代表人或联系人姓名过长（最多 %d 个字）", maxName)
	}
	if p.Fax != "" && !rePhone.MatchString(p.Fax) {
		add(FormFax, "传真号码只能包含数字、空格、加号、横线和括号")
	}
	switch {
	case !known:
		// Which document applies depends on the type.
	case p.Type.IsOrganization():
		p.IDType = USCCDocType
		p.IDNumber = strings.ToUpper(foldWidth(strings.TrimSpace(p.IDNumber)))
		if p.IDNumber == "" {
			add(FormIDNumber, "请填写统一社会信用代码（18 位）")
		} else if err := ValidateUSCC(p.IDNumber); err != nil {
			add(FormIDNumber, "%s", ErrorMessage(err))
		}
		if p.Contact == "" {
			add(FormContact, "请填写联系人姓名")
		}
	default:
		if p.IDType == "" {
			p.IDType = "resident_id"
		}
		if strings.TrimSpace(p.IDNumber) == "" {
			add(FormIDNumber, "请填写身份证件号码")
		} else if n, err := checkID(p.IDType, p.IDNumber); err != nil {
			add(FormIDNumber, "%s", err.Error())
		} else {
			p.IDNumber = n
		}
	}
	return out
}

func (r *Request) problems(kind ApplicationKind) []FieldError {
	var out []FieldError
	add := func(field, format string, args ...any) {
		out = append(out, FieldError{field, fmt.Sprintf(format, args...)})
	}
	r.Title, r.DocNumber = cleanLine(r.Title), cleanLine(r.DocNumber)
	r.Description, r.Purpose = cleanText(r.Description), cleanText(r.Purpose)
	if utf8.RuneCountInString(r.Title) > maxShort {
		add(FormTitle, "信息名称或文号过长（最多 %d 个字）", maxShort)
	}
	if utf8.RuneCountInString(r.DocNumber) > maxShort {
		add(FormDocNumber, "信息名称或文号过长（最多 %d 个字）", maxShort)
	}
	switch {
	case r.Description == "" && kind == CorrectionRequest:
		add(FormDescription, "请说明需要更正的信息记录、不准确之处和更正的理由（《条例》第四十一条）")
	case r.Description == "":
		add(FormDescription, "请描述所需的政府信息（名称、文号或便于查询的其他特征），以便工作人员查找")
	case utf8.RuneCountInString(r.Description) > maxDescription:
		add(FormDescription, "信息描述过长（最多 %d 个字）；如需多项信息，建议每项分别申请", maxDescription)
	}
	if utf8.RuneCountInString(r.Purpose) > maxDescription {
		add(FormPurpose, "用途说明过长（最多 %d 个字）", maxDescription)
	}
	var err error
	if r.Forms, err = pick(r.Forms, RequestForms, "信息的载体形式"); err != nil {
		add(FormForms, "%s", ErrorMessage(err))
	} else if kind == DisclosureRequest && len(r.Forms) == 0 {
		add(FormForms, "请选择所需信息的载体形式（《条例》第二十九条第二款第（三）项）")
	}
	if r.Delivery, err = pick(r.Delivery, RequestDelivery, "获取信息的方式"); err != nil {
		add(FormDelivery, "%s", ErrorMessage(err))
	} else if kind == DisclosureRequest && len(r.Delivery) == 0 {
		add(FormDelivery, "请选择获取信息的方式（《条例》第二十九条第二款第（三）项）")
	}
	return out
}

// pick keeps the chosen options in the offered order, refusing anything not offered.
func pick(chosen, offered []string, what string) ([]string, error) {
	seen := map[string]bool{}
	for _, c := range chosen {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		ok := false
		for _, o := range offered {
			ok = ok || o == c
		}
		if !ok {
			return nil, Errorf(EInvalid, "%s“%s”不在可选范围内", what, truncate(c, 20))
		}
		seen[c] = true
	}
	var out []string
	for _, o := range offered {
		if seen[o] {
			out = append(out, o)
		}
	}
	return out, nil
}

// cleanLine trims a one-line field and drops control characters, so that nothing invisible is stored.
func cleanLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s))
}

// cleanText is cleanLine for text with paragraphs: newlines are kept (as \n), other control characters dropped.
func cleanText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s))
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// foldWidth turns full-width ASCII (as typed with a Chinese input method) into half-width.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		if r == 0x3000 {
			return ' '
		}
		return r
	}, s)
}
