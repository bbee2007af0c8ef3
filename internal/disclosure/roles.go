package disclosure

// Role is what an account may do, held for one agency (or, for the system roles, for the whole installation).
type Role string

// Agency roles.
const (
	Officer     Role = "officer"      // 公开专员: publishes, handles applications, writes the annual report
	Reviewer    Role = "reviewer"     // 保密审查员: secrecy review before publication
	Approver    Role = "approver"     // 审批领导: approves extensions, replies, publication
	AgencyAdmin Role = "agency_admin" // 单位管理员: the agency's accounts and settings
	Supervisor  Role = "supervisor"   // 监督员: reads everything in the agency's subtree, changes nothing
)

// The three system roles of 三员分立 (等保 level 3): no account may hold two of them.
const (
	SysAdmin Role = "sysadmin" // 系统管理员: agencies, accounts, settings — not the audit trail
	SecAdmin Role = "secadmin" // 安全管理员: security policy, role assignment, unlocking, second factors
	Auditor  Role = "auditor"  // 审计管理员: reads and exports the audit trail, nothing else
)

// RoleNames gives each role's Chinese name.
var RoleNames = map[Role]string{
	Officer: "公开专员", Reviewer: "保密审查员", Approver: "审批领导", AgencyAdmin: "单位管理员", Supervisor: "监督员",
	SysAdmin: "系统管理员", SecAdmin: "安全管理员", Auditor: "审计管理员",
}

// IsSystem reports whether r is one of the three system roles, which are held for the whole installation.
func (r Role) IsSystem() bool { return r == SysAdmin || r == SecAdmin || r == Auditor }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := RoleNames[r]; return ok }

// Grant is one role held by an account (a role grant): for an agency, or for the installation (system roles,
// AgencyID nil). UserID is set on grants read from the store; within a User's Grants it may be left zero.
type Grant struct {
	UserID   int64  `json:"user_id,omitempty"`
	Role     Role   `json:"role"`
	AgencyID *int64 `json:"agency_id,omitempty"`
}

// Same reports whether g and o grant the same role for the same agency (the account is not compared).
func (g Grant) Same(o Grant) bool {
	if g.Role != o.Role || (g.AgencyID == nil) != (o.AgencyID == nil) {
		return false
	}
	return g.AgencyID == nil || *g.AgencyID == *o.AgencyID
}

// GrantFilter selects role grants; zero fields select everything. Conditions combine with AND.
type GrantFilter struct {
	UserID   *int64
	AgencyID *int64
	Role     Role
}

// CheckGrants validates an account's whole set of grants: known roles, system roles without an agency and agency
// roles with one, no grant twice, and the separation of the three system roles (三员分立) — no account may hold two
// of 系统管理员, 安全管理员 and 审计管理员 (EForbidden). The store checks the same rule again inside the transaction
// that changes the grants, and the schema backs it with a unique index.
func CheckGrants(grants []Grant) error {
	system := 0
	for i, g := range grants {
		for _, earlier := range grants[:i] {
			if earlier.Same(g) {
				return Errorf(EInvalid, "同一角色重复授予：%s", RoleNames[g.Role])
			}
		}
		switch {
		case !g.Role.Valid():
			return Errorf(EInvalid, "未知的角色 %q", g.Role)
		case g.Role.IsSystem() && g.AgencyID != nil:
			return Errorf(EInvalid, "%s是全系统角色，不属于某个单位", RoleNames[g.Role])
		case !g.Role.IsSystem() && g.AgencyID == nil:
			return Errorf(EInvalid, "%s须指定所在单位", RoleNames[g.Role])
		}
		if g.Role.IsSystem() {
			system++
		}
	}
	if system > 1 {
		return SystemRolesApart()
	}
	return nil
}

// SystemRolesApart returns the error (EForbidden) for an account that would hold two of the three system roles.
func SystemRolesApart() *Error {
	return Errorf(EForbidden, "系统管理员、安全管理员、审计管理员三种角色必须由不同账号担任")
}
