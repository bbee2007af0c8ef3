package disclosure

import "testing"

func TestGrantsKeepTheThreeSystemRolesApart(t *testing.T) {
	one := int64(1)
	for _, tc := range []struct {
		grants []Grant
		code   string
	}{
		{[]Grant{{Role: Officer, AgencyID: &one}, {Role: Reviewer, AgencyID: &one}}, ""},
		{[]Grant{{Role: SysAdmin}}, ""},
		{[]Grant{{Role: SysAdmin}, {Role: Officer, AgencyID: &one}}, ""},
		{[]Grant{{Role: SysAdmin}, {Role: Auditor}}, EForbidden},
		{[]Grant{{Role: SecAdmin}, {Role: Auditor}}, EForbidden},
		{[]Grant{{Role: Auditor, AgencyID: &one}}, EInvalid},
		{[]Grant{{Role: Officer}}, EInvalid},
		{[]Grant{{Role: "root"}}, EInvalid},
	} {
		if got := ErrorCode(CheckGrants(tc.grants)); got != tc.code {
			t.Errorf("%v: code %q, want %q", tc.grants, got, tc.code)
		}
	}
}
