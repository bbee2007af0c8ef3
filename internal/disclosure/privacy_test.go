package disclosure

import (
	"bytes"
	"strings"
	"testing"
)

func TestMaskPersonal(t *testing.T) {
	for _, tc := range []struct {
		f        PersonalField
		in, want string
	}{
		{FieldIDNumber, "11010519491231002X", "110105********002X"},
		{FieldIDNumber, "110105491231002", "110105*****1002"},
		{FieldIDNumber, "E12345678", "E1*****78"},
		{FieldIDNumber, "1234", "****"},
		{FieldPhone, "13912345678", "139****5678"},
		{FieldPhone, "0531-87883760", "053******3760"},
		{FieldEmail, "zhangsan@example.com", "z***@example.com"},
		{FieldAddress, "北京市东城区景山前街4号院", "北京市东城区***"},
		{FieldAddress, "某街1号", "***"},
		{FieldPhone, "", ""},
	} {
		got := MaskPersonal(tc.f, tc.in)
		if got != tc.want {
			t.Errorf("MaskPersonal(%d, %q) = %q, want %q", tc.f, tc.in, got, tc.want)
		}
		if again := MaskPersonal(tc.f, got); again != got {
			t.Errorf("masking %q again gives %q", got, again)
		}
	}
}

func TestViewFor(t *testing.T) {
	a := Applicant{Name: "张三", IDNumber: "11010519491231002X", Phone: "13912345678", Email: "z@example.com", Address: "北京市东城区景山前街4号院", Postcode: "100009"}
	for _, tc := range []struct {
		roles []Role
		want  Applicant
	}{
		{[]Role{Officer}, a},
		{[]Role{Approver}, Applicant{Name: "张三", IDNumber: "110105********002X", Phone: a.Phone, Email: a.Email, Address: a.Address, Postcode: a.Postcode}},
		{[]Role{Supervisor}, Applicant{Name: "张三"}},
		{[]Role{Supervisor, Approver}, Applicant{Name: "张三", IDNumber: "110105********002X", Phone: a.Phone, Email: a.Email, Address: a.Address, Postcode: a.Postcode}},
		{[]Role{Auditor}, Applicant{Name: "张三", IDNumber: "110105********002X", Phone: "139****5678", Email: "z***@example.com", Address: "北京市东城区***", Postcode: "***"}},
		{[]Role{SysAdmin, AgencyAdmin, Reviewer}, Applicant{Name: "张三"}},
		{nil, Applicant{Name: "张三"}},
	} {
		if got := ViewFor(tc.roles...).Applicant(a); got != tc.want {
			t.Errorf("%v: %+v, want %+v", tc.roles, got, tc.want)
		}
	}
}

func TestApplicantJSON(t *testing.T) {
	auditor := ViewFor(Auditor)
	doc := []byte(`{"id":7,"applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13912345678","address":"北京市东城区景山前街4号院"},"agency":{"phone":"0531-87883760"},"big":9007199254740993}`)
	got := string(auditor.ApplicantJSON(doc))
	for _, bad := range []string{"11010519491231002X", "13912345678", "景山前街"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q left in %s", bad, got)
		}
	}
	for _, keep := range []string{"110105********002X", `"0531-87883760"`, "9007199254740993", "张三"} {
		if !strings.Contains(got, keep) {
			t.Errorf("%q lost from %s", keep, got)
		}
	}
	// Data with nothing to mask, or already masked, comes back byte for byte, so its hash still matches.
	for _, same := range [][]byte{[]byte(`{"agency": {"phone": "0531-87883760"}}`), auditor.ApplicantJSON(doc), []byte(`not json "applicant"`), nil} {
		if out := auditor.ApplicantJSON(same); !bytes.Equal(out, same) {
			t.Errorf("%s changed to %s", same, out)
		}
	}
}
