package disclosure

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// SiteSettings are what every page's footer says about the website itself. 《政府网站发展指引》(国办发〔2017〕47号)
// asks a government website to show at the foot of each page its 主办单位 (the organ running it) and 承办单位 (the
// unit operating it), a contact, the 网站标识码 the national government-website platform assigned, the ICP 备案号
// (linked to the MIIT record system) and the 公安机关备案号. Empty fields are left out of the footer.
type SiteSettings struct {
	// Sponsor is the 主办单位, e.g. "平阴县人民政府办公室".
	Sponsor string `json:"sponsor,omitempty"`
	// Operator is the 承办单位, e.g. "平阴县大数据中心".
	Operator string `json:"operator,omitempty"`
	// Contact is the 联系方式: a telephone number, an address, or both.
	Contact string `json:"contact,omitempty"`
	// SiteCode is the 网站标识码: ten characters, the division code and a serial ("3701240001"), or "bm" and eight
	// digits for a State Council department's site.
	SiteCode string `json:"site_code,omitempty"`
	// ICP is the ICP 备案号, e.g. "鲁ICP备12345678号-1".
	ICP string `json:"icp,omitempty"`
	// PublicSecurity is the 公安机关备案号, e.g. "鲁公网安备 37012402000001号".
	PublicSecurity string `json:"public_security,omitempty"`
}

// SiteField describes one field of the site settings: its storage key, its Chinese label and where it sits in
// SiteSettings.
type SiteField struct {
	Key, Label, Example string
	Get                 func(*SiteSettings) *string
}

// SiteFields lists the fields in the order of the footer and the settings form.
var SiteFields = []SiteField{
	{"sponsor", "主办单位", "平阴县人民政府办公室", func(s *SiteSettings) *string { return &s.Sponsor }},
	{"operator", "承办单位", "平阴县大数据中心", func(s *SiteSettings) *string { return &s.Operator }},
	{"contact", "联系方式", "0531-87880000", func(s *SiteSettings) *string { return &s.Contact }},
	{"site_code", "网站标识码", "3701240001", func(s *SiteSettings) *string { return &s.SiteCode }},
	{"icp", "ICP备案号", "鲁ICP备12345678号-1", func(s *SiteSettings) *string { return &s.ICP }},
	{"public_security", "公安机关备案号", "鲁公网安备 37012402000001号", func(s *SiteSettings) *string { return &s.PublicSecurity }},
}

var (
	reSiteCode       = regexp.MustCompile(`^(\d{10}|bm\d{8})$`)
	reICP            = regexp.MustCompile(`^\p{Han}ICP备\d{6,10}号(-\d{1,3})?$`)
	rePublicSecurity = regexp.MustCompile(`^\p{Han}公网安备 ?(\d{14})号$`)
)

// siteFieldMax bounds each field: a footer line, not a page.
const siteFieldMax = 100

// SiteFieldError is the first problem Validate found, with the field it is about, so that a form can show the
// message next to that field.
type SiteFieldError struct {
	Key string
	Err error
}

func (e *SiteFieldError) Error() string { return e.Err.Error() }

func (e *SiteFieldError) Unwrap() error { return e.Err }

// Validate trims the fields and checks them, returning a *SiteFieldError (wrapping an EInvalid *Error) naming the
// first field to fix. Every field may be empty: a site fills in what it has been assigned.
func (s *SiteSettings) Validate() error {
	for _, f := range SiteFields {
		p := f.Get(s)
		*p = strings.Join(strings.Fields(*p), " ")
		v := *p
		fail := func(format string, args ...any) error {
			return &SiteFieldError{Key: f.Key, Err: Errorf(EInvalid, format, args...)}
		}
		switch {
		case v == "":
		case utf8.RuneCountInString(v) > siteFieldMax:
			return fail("%s过长（最多 %d 个字），请精简", f.Label, siteFieldMax)
		case f.Key == "site_code" && !reSiteCode.MatchString(v):
			return fail("网站标识码应为 10 位：6 位行政区划代码加 4 位序号（如 3701240001），部门网站为 bm 加 8 位数字；请按全国政府网站信息报送系统分配的标识码填写")
		case f.Key == "icp" && !reICP.MatchString(v):
			return fail("ICP备案号的格式应如“鲁ICP备12345678号”或“鲁ICP备12345678号-1”，请按工业和信息化部备案系统中的备案号填写")
		case f.Key == "public_security" && !rePublicSecurity.MatchString(v):
			return fail("公安机关备案号的格式应如“鲁公网安备 37012402000001号”（14 位数字），请按全国互联网安全管理服务平台的备案号填写")
		}
	}
	return nil
}

// PublicSecurityCode returns the 14 digits of the 公安机关备案号, by which the record can be looked up; "" when the
// field is empty or malformed.
func (s SiteSettings) PublicSecurityCode() string {
	m := rePublicSecurity.FindStringSubmatch(s.PublicSecurity)
	if m == nil {
		return ""
	}
	return m[1]
}

// Empty reports whether no field is set.
func (s SiteSettings) Empty() bool { return s == SiteSettings{} }

// Missing returns the labels of the fields not yet set, for the administrator.
func (s SiteSettings) Missing() []string {
	var out []string
	for _, f := range SiteFields {
		if *f.Get(&s) == "" {
			out = append(out, f.Label)
		}
	}
	return out
}
