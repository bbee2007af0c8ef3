package disclosure

import (
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
// V and Z.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidateUSCC checks a 统一社会信用代码: 18 characters of the GB 32100-2015 set, the administrative division code
// (positions 3–8) in digits, and the check character.
func ValidateUSCC(s string) error {
	if len(s) != 18 {
		return Errorf(EInvalid, "统一社会信用代码应为 18 位，当前为 %d 位", utf8.RuneCountInString(s))
	}
	sum := 0
	for i := 0; i < 18; i++ {
		v := strings.IndexByte(usccChars, s[i])
		if v < 0 {
			return Errorf(EInvalid, "统一社会信用代码第 %d 位“%c”不是有效字符（不使用 I、O、S、V、Z）", i+1, s[i])
		}
		if i >= 2 && i < 8 && (s[i] < '0' || s[i] > '9') {
			return Errorf(EInvalid, "统一社会信用代码第 3—8 位应为行政区划代码（数字）")
		}
		if i < 17 {
			sum += v * usccWeights[i]
		}
	}
	check := (31 - sum%31) % 31
	if s[17] != usccChars[check] {
		return Errorf(EInvalid, "统一社会信用代码校验位不正确：应为“%c”，请核对", usccChars[check])
	}
	return nil
}
