package disclosure

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// AgencyKind places an agency in a region's hierarchy.
type AgencyKind string

const (
	// RegionGovernment is a region's people's government (县人民政府), the top of its hierarchy.
	RegionGovernment AgencyKind = "region_government"
	// Department is a government department (县卫生健康局).
	Department AgencyKind = "department"
	// SubordinateUnit is a unit under a department (a health bureau's hospital).
	SubordinateUnit AgencyKind = "subordinate_unit"
)

// AgencyKindNames gives each kind's Chinese name.
var AgencyKindNames = map[AgencyKind]string{RegionGovernment: "人民政府", Department: "政府部门", SubordinateUnit: "下属单位"}

// Contacts are the 政府信息公开工作机构's contact details, printed in the agency's 指南.
type Contacts struct {
	Office      string `json:"office,omitempty"`
	Address     string `json:"address,omitempty"`
	OfficeHours string `json:"office_hours,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Fax         string `json:"fax,omitempty"`
	Email       string `json:"email,omitempty"`
	Postcode    string `json:"postcode,omitempty"`
}

// Agency is an organ that discloses government information.
type Agency struct {
	ID           int64          `json:"id"`
	ParentID     *int64         `json:"parent_id,omitempty"`
	Kind         AgencyKind     `json:"kind"`
	Name         string         `json:"name"`
	ShortName    string         `json:"short_name,omitempty"`
	USCC         string         `json:"uscc,omitempty"`          // 统一社会信用代码
	DivisionCode string         `json:"division_code,omitempty"` // 行政区划代码
	Contacts     Contacts       `json:"contacts"`
	Settings     AgencySettings `json:"settings"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
}

var (
	reDivision = regexp.MustCompile(`^\d{6}$`)
	rePostcode = regexp.MustCompile(`^\d{6}$`)
	reEmail    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// Validate checks the agency's fields and returns an *Error (EInvalid) naming the first thing to fix.
func (a *Agency) Validate() error {
	a.Name = strings.TrimSpace(a.Name)
	a.ShortName = strings.TrimSpace(a.ShortName)
	a.USCC = strings.ToUpper(strings.TrimSpace(a.USCC))
	switch {
	case a.Name == "":
		return Errorf(EInvalid, "请填写单位名称")
	case utf8.RuneCountInString(a.Name) > 100:
		return Errorf(EInvalid, "单位名称过长（最多 100 个字）")
	case AgencyKindNames[a.Kind] == "":
		return Errorf(EInvalid, "单位类型应为人民政府、政府部门或下属单位")
	case a.Kind == RegionGovernment && a.ParentID != nil:
		return Errorf(EInvalid, "人民政府是本地区的最上级，不能有上级单位")
	case a.Kind != RegionGovernment && a.ParentID == nil:
		return Errorf(EInvalid, "政府部门和下属单位须指定上级单位")
	case a.DivisionCode != "" && !reDivision.MatchString(a.DivisionCode):
		return Errorf(EInvalid, "行政区划代码应为 6 位数字")
	case a.Contacts.Postcode != "" && !rePostcode.MatchString(a.Contacts.Postcode):
		return Errorf(EInvalid, "邮政编码应为 6 位数字")
	case a.Contacts.Email != "" && !reEmail.MatchString(a.Contacts.Email):
		return Errorf(EInvalid, "电子邮箱格式不正确")
	}
	if a.USCC != "" {
		if err := ValidateUSCC(a.USCC); err != nil {
			return err
		}
	}
	a.Settings = a.Settings.WithDefaults()
	return a.Settings.Validate()
}

// usccChars is the character set of the 统一社会信用代码 (GB 32100-2015): digits and capital letters without I, O, S,
// V and Z. A character's value is its index.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccAuthorities are the registration authority codes of GB 32100-2015 (position 1): 1 机构编制, 2 外交, 3 司法行政,
// 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商, A 中央军委改革和编制办公室, N 农业, Y 其他.
const usccAuthorities = "123456789ANY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateUSCC checks a 统一社会信用代码 against GB 32100-2015: 18 characters of the code's set, a known registration
// authority in position 1, the administrative division code (positions 3–8) in digits, and the check character
// (position 18: 31 − (Σ value×weight mod 31), with 31 written as 0). It returns an *Error (EInvalid) that says
// which position is wrong.
func ValidateUSCC(s string) error {
	if n := utf8.RuneCountInString(s); n != 18 {
		return Errorf(EInvalid, "统一社会信用代码应为 18 位字母或数字，当前为 %d 位", n)
	}
	if len(s) != 18 {
		return Errorf(EInvalid, "统一社会信用代码只能含半角数字和大写字母，请检查是否输入了全角字符或汉字")
	}
	if strings.IndexByte(usccAuthorities, s[0]) < 0 {
		return Errorf(EInvalid, "统一社会信用代码第 1 位是登记管理部门代码，应为 1—9、A、N 或 Y，当前为“%c”", s[0])
	}
	sum := 0
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(usccChars, s[i])
		if v < 0 {
			return Errorf(EInvalid, "统一社会信用代码第 %d 位“%c”不是有效字符（只用数字和除 I、O、S、V、Z 以外的大写字母）", i+1, s[i])
		}
		if i >= 2 && i < 8 && v > 9 {
			return Errorf(EInvalid, "统一社会信用代码第 3—8 位是行政区划代码，应为数字，第 %d 位是“%c”", i+1, s[i])
		}
		if i < 17 {
			sum += v * usccWeights[i]
		}
	}
	check := (31 - sum%31) % 31
	if s[17] != usccChars[check] {

		return Errorf(EInvalid, "统一社会信用代码校验位不正确：按前 17 位计算应为“%c”，请核对是否抄错", usccChars[check])
	}
	return nil
}

// AgencyFilter selects agencies; zero fields select everything. Conditions combine with AND.
type AgencyFilter struct {
	// ParentID selects the direct children of one agency.
	ParentID *int64
	// Subtree selects one agency and everything below it, at any depth.
	Subtree *int64
	// Kind selects one kind of agency.
	Kind AgencyKind
}

// AgencyService keeps the hierarchy of agencies. Every change is recorded in the audit trail in the same transaction,
// attributed to the actor.
type AgencyService interface {
	// CreateAgency validates a, inserts it and sets its ID and times. Errors: EInvalid (a field, or a parent that does
	// not exist), EConflict (the 统一社会信用代码 is already used, or the parent already has an agency of that name).
	CreateAgency(ctx context.Context, actor Actor, a *Agency) error
	// UpdateAgency saves a changed agency, recording before → after. Errors: ENotFound, EInvalid (a field, a missing
	// parent, or a parent below the agency itself), EConflict (as CreateAgency).
	UpdateAgency(ctx context.Context, actor Actor, a *Agency) error
	// GetAgency returns one agency. Errors: ENotFound.
	GetAgency(ctx context.Context, id int64) (*Agency, error)
	// FindAgencies returns the agencies the filter selects, ordered by parent (top-level agencies first), then
	// name. An empty result is not an error.
	FindAgencies(ctx context.Context, f AgencyFilter) ([]*Agency, error)
	// ListAgencies returns every agency, or with root set, root and everything below it (FindAgencies with
	// Subtree).
	ListAgencies(ctx context.Context, root *int64) ([]*Agency, error)
	// AgencySubtree returns the agency and everything below it. Errors: ENotFound (no agency id).
	AgencySubtree(ctx context.Context, id int64) ([]*Agency, error)
}

// USCCCheck returns the check character (position 18) of a 统一社会信用代码 from its first 17 characters, which must
// be of the code's character set; it returns 0 otherwise.
func USCCCheck(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccChars, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31]
}
