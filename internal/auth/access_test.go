package auth

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// roleColumns are the columns of accessMatrix, in order.
var roleColumns = []disclosure.Role{
	disclosure.Officer, disclosure.Reviewer, disclosure.Approver, disclosure.AgencyAdmin, disclosure.Supervisor,
	disclosure.SysAdmin, disclosure.SecAdmin, disclosure.Auditor,
}

// accessMatrix is the declared expectation for every permission × role: "-" not allowed; "A" its own agency only;
// "S" its agency and the agencies below it; "G" everywhere, including installation-wide actions. A permission
// missing from this table fails TestAccessMatrixIsComplete.
var accessMatrix = map[Permission]string{
	//                   officer reviewer approver agency_admin supervisor sysadmin secadmin auditor
	PermViewConsole:    "A A A A S G G G",
	PermViewAgencies:   "A A A A S G G -",
	PermManageAgencies: "- - - - - G - -",
	PermViewUsers:      "- - - A - G G -",
	PermManageUsers:    "- - - A - G - -",
	PermAssignRoles:    "- - - A - - G -",
	PermViewSettings:   "- - - A S G - -",
	PermManageSettings: "- - - A - G - -",
	PermManageSecurity: "- - - - - - G -",
	PermManageTokens:   "- - - - - - G -",
	PermViewAudit:      "- - - - - - - G",
	PermExportAudit:    "- - - - - - - G",
	PermViewContent:    "A A A - S - - -",
	PermEditContent:    "A - - - - - - -",
	PermEditReports:    "A - - - - - - -",
	PermReviewItems:    "- A - - - - - -",
	PermApprove:        "- - A - - - - -",
	PermSupervise:      "- - - - S - - -",
}

// The agency tree of the scenarios: 1 is a county government, 2 one of its departments, 3 another county.
const own, child, other int64 = 1, 2, 3

func inSubtree(root, id int64) bool { return root == own && id == child }

func ptr(id int64) *int64 { return &id }

// grantFor returns the well-formed grant of r: system roles for the installation, agency roles for agency own.
func grantFor(r disclosure.Role) disclosure.Grant {
	if r.IsSystem() {
		return disclosure.Grant{Role: r}
	}
	return disclosure.Grant{Role: r, AgencyID: ptr(own)}
}

func TestAccessMatrix(t *testing.T) {
	for perm, row := range accessMatrix {
		cells := strings.Fields(row)
		if len(cells) != len(roleColumns) {
			t.Fatalf("%s: %d cells, want %d", perm, len(cells), len(roleColumns))
		}
		for i, r := range roleColumns {
			reach := cells[i]
			grants := []disclosure.Grant{grantFor(r)}
			for _, sc := range []struct {
				where  string
				agency *int64
				want   bool
			}{
				{"own agency", ptr(own), reach != "-"},
				{"agency below", ptr(child), reach == "S" || reach == "G"},
				{"unrelated agency", ptr(other), reach == "G"},
				{"installation-wide", nil, reach == "G"},
			} {
				if got := Allowed(grants, perm, sc.agency, inSubtree); got != sc.want {
					t.Errorf("%s × %s, %s: allowed %v, want %v (declared %q)", r, perm, sc.where, got, sc.want, reach)
				}
			}
			if got := AllowedAnywhere(grants, perm); got != (reach != "-") {
				t.Errorf("%s × %s anywhere: %v, want %v", r, perm, got, reach != "-")
			}
		}
	}
}

// TestAccessMatrixIsComplete reads the Permission constants from access.go itself, so that a permission added
// without an expectation, a Chinese name or a place in Permissions fails here, and checks that the table's roles
// are exactly the known roles.
func TestAccessMatrixIsComplete(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "access.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []Permission
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			id, typed := vs.Type.(*ast.Ident)
			typed = typed && id.Name == "Permission"
			for i, name := range vs.Names {
				lit, isLit := vs.Values[i].(*ast.BasicLit)
				switch {
				case typed && isLit:
					declared = append(declared, Permission(strings.Trim(lit.Value, `"`)))
				case typed || strings.HasPrefix(name.Name, "Perm"):
					t.Errorf("%s: declare permissions as `PermX Permission = \"x\"`", name.Name)
				}
			}
		}
	}
	if len(declared) < 10 {
		t.Fatalf("found only %d Permission constants in access.go", len(declared))
	}
	if !slices.Equal(slices.Sorted(slices.Values(declared)), slices.Sorted(slices.Values(Permissions))) {
		t.Errorf("Permissions = %v,\nconstants   = %v", Permissions, declared)
	}
	for _, p := range declared {
		if _, ok := accessMatrix[p]; !ok {
			t.Errorf("%s: no expectation in accessMatrix", p)
		}
		if PermissionNames[p] == "" {
			t.Errorf("%s: no Chinese name in PermissionNames", p)
		}
	}
	if len(accessMatrix) != len(declared) || len(PermissionNames) != len(declared) {
		t.Errorf("accessMatrix has %d rows and PermissionNames %d names for %d permissions", len(accessMatrix),
			len(PermissionNames), len(declared))
	}
	var known []disclosure.Role
	for r := range disclosure.RoleNames {
		known = append(known, r)
	}
	slices.Sort(known)
	if !slices.Equal(known, slices.Sorted(slices.Values(roleColumns))) {
		t.Errorf("matrix columns %v, known roles %v", roleColumns, known)
	}
	for r, perms := range Grants {
		if !r.Valid() {
			t.Errorf("Grants has unknown role %q", r)
		}
		for _, p := range perms {
			if !slices.Contains(Permissions, p) {
				t.Errorf("Grants[%s] has undeclared permission %q", r, p)
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(perms)))) != len(perms) {
			t.Errorf("Grants[%s] lists a permission twice", r)
		}
	}
}

// TestSeparationOfDuties states 三员分立 directly, so that changing the table and its expectations together cannot
// quietly undo it.
func TestSeparationOfDuties(t *testing.T) {
	holders := func(p Permission) (rs []disclosure.Role) {
		for _, r := range roleColumns {
			if slices.Contains(Grants[r], p) {
				rs = append(rs, r)
			}
		}
		return rs
	}
	for _, p := range []Permission{PermViewAudit, PermExportAudit} {
		if got := holders(p); !slices.Equal(got, []disclosure.Role{disclosure.Auditor}) {
			t.Errorf("%s held by %v, want the auditor alone", p, got)
		}
	}
	for _, p := range Grants[disclosure.Auditor] {
		if p != PermViewConsole && p != PermViewAudit && p != PermExportAudit {
			t.Errorf("the auditor holds %s: it must do nothing but read and export the audit trail", p)
		}
	}
	for _, p := range []Permission{PermManageSecurity, PermAssignRoles, PermManageTokens} {
		if slices.Contains(Grants[disclosure.SysAdmin], p) {
			t.Errorf("the system administrator holds %s, which belongs to the security administrator", p)
		}
	}
	for _, p := range []Permission{PermManageAgencies, PermManageUsers, PermManageSettings, PermEditContent} {
		if slices.Contains(Grants[disclosure.SecAdmin], p) {
			t.Errorf("the security administrator holds %s, which belongs to the system administrator or an agency", p)
		}
	}
	for _, p := range []Permission{PermEditContent, PermEditReports, PermReviewItems, PermApprove, PermManageUsers,
		PermManageSettings, PermAssignRoles, PermManageAgencies} {
		if slices.Contains(Grants[disclosure.Supervisor], p) {
			t.Errorf("the supervisor holds %s, but only reads", p)
		}
	}
	if !slices.Equal(SystemRoles, []disclosure.Role{disclosure.SysAdmin, disclosure.SecAdmin, disclosure.Auditor}) {
		t.Errorf("SystemRoles = %v", SystemRoles)
	}
	for r := range disclosure.RoleNames {
		if r.IsSystem() != slices.Contains(SystemRoles, r) {
			t.Errorf("%s: IsSystem and SystemRoles disagree", r)
		}
	}
}

func TestAllowedEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name      string
		grants    []disclosure.Grant
		perm      Permission
		agency    *int64
		inSubtree func(root, id int64) bool
		want      bool
	}{
		{"no grants", nil, PermViewConsole, ptr(own), inSubtree, false},
		{"unknown role", []disclosure.Grant{{Role: "root", AgencyID: ptr(own)}}, PermViewConsole, ptr(own), inSubtree, false},
		{"unknown permission", []disclosure.Grant{{Role: disclosure.SysAdmin}}, "everything", nil, inSubtree, false},
		{"agency role without agency", []disclosure.Grant{{Role: disclosure.Officer}}, PermEditContent, ptr(own), inSubtree, false},
		{"system role with an agency", []disclosure.Grant{{Role: disclosure.SysAdmin, AgencyID: ptr(own)}}, PermManageAgencies, ptr(own), inSubtree, false},
		{"supervisor without a tree", []disclosure.Grant{{Role: disclosure.Supervisor, AgencyID: ptr(own)}}, PermViewContent, ptr(child), nil, false},
		{"supervisor's own agency without a tree", []disclosure.Grant{{Role: disclosure.Supervisor, AgencyID: ptr(own)}}, PermViewContent, ptr(own), nil, true},
		{"officer does not reach below", []disclosure.Grant{{Role: disclosure.Officer, AgencyID: ptr(own)}}, PermEditContent, ptr(child), inSubtree, false},
		{"grants combine: officer here, reviewer there",
			[]disclosure.Grant{{Role: disclosure.Officer, AgencyID: ptr(own)}, {Role: disclosure.Reviewer, AgencyID: ptr(other)}},
			PermReviewItems, ptr(other), inSubtree, true},
		{"grants do not mix agencies",
			[]disclosure.Grant{{Role: disclosure.Officer, AgencyID: ptr(own)}, {Role: disclosure.Reviewer, AgencyID: ptr(other)}},
			PermReviewItems, ptr(own), inSubtree, false},
		{"agency admin cannot assign system roles", []disclosure.Grant{{Role: disclosure.AgencyAdmin, AgencyID: ptr(own)}}, PermAssignRoles, nil, inSubtree, false},
	} {
		if got := Allowed(tc.grants, tc.perm, tc.agency, tc.inSubtree); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if AllowedAnywhere([]disclosure.Grant{{Role: disclosure.Officer}}, PermViewConsole) ||
		AllowedAnywhere([]disclosure.Grant{{Role: disclosure.Auditor, AgencyID: ptr(own)}}, PermViewAudit) {
		t.Error("AllowedAnywhere: a malformed grant gives nothing")
	}
}

func TestCheckSeparation(t *testing.T) {
	for _, tc := range []struct {
		roles []disclosure.Role
		ok    bool
	}{
		{nil, true},
		{[]disclosure.Role{disclosure.SysAdmin}, true},
		{[]disclosure.Role{disclosure.Auditor, disclosure.Officer, disclosure.Supervisor}, true},
		{[]disclosure.Role{disclosure.SecAdmin, disclosure.SecAdmin}, true},
		{[]disclosure.Role{disclosure.Officer, disclosure.Reviewer, disclosure.Approver, disclosure.AgencyAdmin}, true},
		{[]disclosure.Role{disclosure.SysAdmin, disclosure.SecAdmin}, false},
		{[]disclosure.Role{disclosure.SysAdmin, disclosure.Officer, disclosure.Auditor}, false},
		{[]disclosure.Role{disclosure.SecAdmin, disclosure.Auditor}, false},
		{[]disclosure.Role{disclosure.Auditor, disclosure.SysAdmin, disclosure.SecAdmin}, false},
	} {
		err := CheckSeparation(tc.roles)
		if (err == nil) != tc.ok {
			t.Errorf("%v: %v, want ok=%v", tc.roles, err, tc.ok)
		}
		if err != nil && (disclosure.ErrorCode(err) != disclosure.EForbidden ||
			err.Error() != "系统管理员、安全管理员、审计管理员三种角色必须由不同账号担任") {
			t.Errorf("%v: %v (%s)", tc.roles, err, disclosure.ErrorCode(err))
		}
	}
}
