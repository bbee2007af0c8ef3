package disclosure

import "testing"

func TestGrantsKeepTheThreeSystemRolesApart(t *testing.T) {
	one, two := int64(1), int64(2)
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
		{[]Grant{{Role: Officer, AgencyID: &one}, {Role: Officer, AgencyID: &two}}, ""},
		{[]Grant{{Role: Officer, AgencyID: &one}, {Role: Officer, AgencyID: &one}}, EInvalid},
		{[]Grant{{Role: Auditor}, {Role: Auditor}}, EInvalid},
	} {
		if got := ErrorCode(CheckGrants(tc.grants)); got != tc.code {
			t.Errorf("%v: code %q, want %q", tc.grants, got, tc.code)
		}
	}
}

func TestEveryRoleHasAChineseName(t *testing.T) {
	for _, r := range []Role{Officer, Reviewer, Approver, AgencyAdmin, Supervisor, SysAdmin, SecAdmin, Auditor} {
		if !r.Valid() || RoleNames[r] == "" {
			t.Errorf("%s has no name", r)
		}
	}
	if got := ErrorCode(SystemRolesApart()); got != EForbidden {
		t.Errorf("code %q", got)
	}
}

func TestGrantSame(t *testing.T) {
	one, alsoOne, two := int64(1), int64(1), int64(2)
	for _, tc := range []struct {
		a, b Grant
		want bool
	}{
		{Grant{Role: Officer, AgencyID: &one}, Grant{UserID: 9, Role: Officer, AgencyID: &alsoOne}, true},
		{Grant{Role: Officer, AgencyID: &one}, Grant{Role: Officer, AgencyID: &two}, false},
		{Grant{Role: Officer, AgencyID: &one}, Grant{Role: Reviewer, AgencyID: &one}, false},
		{Grant{Role: Auditor}, Grant{Role: Auditor}, true},
		{Grant{Role: Auditor}, Grant{Role: Auditor, AgencyID: &one}, false},
	} {
		if got := tc.a.Same(tc.b); got != tc.want {
			t.Errorf("%+v vs %+v: %v", tc.a, tc.b, got)
		}
	}
}
