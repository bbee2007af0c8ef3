package disclosure

import (
	"errors"
	"testing"
)

// The footer's codes have the formats the record systems issue (《政府网站发展指引》: 网站标识码; MIIT: ICP 备案号;
// the Ministry of Public Security: 公网安备 with 14 digits); a malformed one names its field.
func TestSiteSettingsValidate(t *testing.T) {
	for _, c := range []struct {
		s   SiteSettings
		key string
	}{
		{SiteSettings{}, ""},
		{SiteSettings{SiteCode: "3701240001", ICP: "鲁ICP备12345678号-1", PublicSecurity: "鲁公网安备37012402000001号"}, ""},
		{SiteSettings{SiteCode: "bm17000001", ICP: "京ICP备05070218号"}, ""},
		{SiteSettings{SiteCode: "370124001"}, "site_code"},
		{SiteSettings{ICP: "ICP备12345678号"}, "icp"},
		{SiteSettings{PublicSecurity: "鲁公网安备 3701240200000号"}, "public_security"},
		{SiteSettings{Sponsor: string(make([]rune, 101))}, "sponsor"},
	} {
		err := c.s.Validate()
		var fe *SiteFieldError
		switch {
		case c.key == "" && err != nil:
			t.Errorf("%+v: %v", c.s, err)
		case c.key != "" && (!errors.As(err, &fe) || fe.Key != c.key || ErrorCode(err) != EInvalid):
			t.Errorf("%+v: %v, want a problem with %s", c.s, err, c.key)
		}
	}
	s := SiteSettings{Sponsor: "  平阴县人民政府办公室 ", PublicSecurity: "鲁公网安备 37012402000001号"}
	if err := s.Validate(); err != nil || s.Sponsor != "平阴县人民政府办公室" || s.PublicSecurityCode() != "37012402000001" {
		t.Errorf("trimmed %q, code %q, %v", s.Sponsor, s.PublicSecurityCode(), err)
	}
	if m := s.Missing(); len(m) != 4 || m[0] != "承办单位" {
		t.Errorf("missing = %v", m)
	}
}
