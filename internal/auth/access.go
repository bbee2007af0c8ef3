package auth

import (
	"slices"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Permission is one kind of action in the console or the API. Whether an account may take it for a given agency is
// Allowed's answer from the Grants table.
type Permission string

// The permissions. Each needs a row in Grants' test expectations, a name in PermissionNames and a place in
// Permissions; the tests fail until it has all three.
const (
	// PermViewConsole is entering the staff console at all.
	PermViewConsole Permission = "console.view"
	// PermViewAgencies is reading agencies' records (names, codes, contacts) in the console.
	PermViewAgencies Permission = "agencies.view"
	// PermManageAgencies is creating, editing and moving agencies.
	PermManageAgencies Permission = "agencies.manage"
	// PermViewUsers is reading accounts and their roles.
	PermViewUsers Permission = "users.view"
	// PermManageUsers is creating, editing and disabling accounts and setting initial passwords — not their roles.
	PermManageUsers Permission = "users.manage"
	// PermAssignRoles is granting and revoking roles. Checked with a nil agency (a system role) only secadmin holds
	// it; an agency admin assigns the agency roles of its own agency.
	PermAssignRoles Permission = "roles.assign"
	// PermViewSettings is reading an agency's settings (索引号 format, deadline policies).
	PermViewSettings Permission = "settings.view"
	// PermManageSettings is changing an agency's settings, or the installation's with a nil agency.
	PermManageSettings Permission = "settings.manage"
	// PermManageSecurity is the security policy (password rules, lockout), unlocking accounts and resetting second
	// factors.
	PermManageSecurity Permission = "security.manage"
	// PermManageTokens is listing and revoking other accounts' API tokens (an account always manages its own).
	PermManageTokens Permission = "tokens.manage"
	// PermViewAudit is reading the audit trail.
	PermViewAudit Permission = "audit.view"
	// PermExportAudit is exporting the audit trail.
	PermExportAudit Permission = "audit.export"
	// PermViewContent is reading an agency's disclosure work: catalogue items, applications, annual reports.
	PermViewContent Permission = "content.view"
	// PermEditContent is drafting catalogue items and handling applications.
	PermEditContent Permission = "content.edit"
	// PermEditReports is writing and importing the annual report.
	PermEditReports Permission = "reports.edit"
	// PermReviewItems is the secrecy review (保密审查) before publication.
	PermReviewItems Permission = "items.review"
	// PermApprove is approving publication, replies and extensions.
	PermApprove Permission = "approve"
	// PermSupervise is the supervisor's views across a subtree: overdue cases, statistics, 年报 completeness.
	PermSupervise Permission = "supervise"
)

// Permissions lists every permission, in the order the console shows them.
var Permissions = []Permission{
	PermViewConsole, PermViewAgencies, PermManageAgencies, PermViewUsers, PermManageUsers, PermAssignRoles,
	PermViewSettings, PermManageSettings, PermManageSecurity, PermManageTokens, PermViewAudit, PermExportAudit,
	PermViewContent, PermEditContent, PermEditReports, PermReviewItems, PermApprove, PermSupervise,
}

// PermissionNames gives each permission's Chinese name, as the console shows it.
var PermissionNames = map[Permission]string{
	PermViewConsole:    "进入管理后台",
	PermViewAgencies:   "查看单位",
	PermManageAgencies: "管理单位",
	PermViewUsers:      "查看账号",
	PermManageUsers:    "管理账号",
	PermAssignRoles:    "分配角色",
	PermViewSettings:   "查看单位设置",
	PermManageSettings: "修改设置",
	PermManageSecurity: "安全策略、解锁账号、重置动态口令",
	PermManageTokens:   "管理他人的接口令牌",
	PermViewAudit:      "查看审计日志",
	PermExportAudit:    "导出审计日志",
	PermViewContent:    "查看公开工作内容",
	PermEditContent:    "编辑公开内容、办理申请",
	PermEditReports:    "编写年度报告",
	PermReviewItems:    "保密审查",
	PermApprove:        "审批",
	PermSupervise:      "监督",
}

// SystemRoles are the three separated system roles of 三员分立.
var SystemRoles = []disclosure.Role{disclosure.SysAdmin, disclosure.SecAdmin, disclosure.Auditor}

// Grants is the access-control table: what each role may do. It is the one declared table that Allowed, the web
// layer and the access-matrix tests read; where a grant reaches (own agency, subtree, everywhere) follows from the
// role, as Allowed documents.
//
// The table follows 三员分立, the separation of the three administrators that 等保 level 3 expects
// of a system handling government information:
//
//   - 系统管理员 (sysadmin) runs the system — agencies, accounts, settings — but neither assigns roles nor reads
//     the audit trail, so the person who changes things cannot also hide or bless the changes;
//   - 安全管理员 (secadmin) sets the security policy, assigns roles, unlocks accounts, resets second factors and
//     manages API tokens, but creates no agency or account and touches no content;
//   - 审计管理员 (auditor) reads and exports the audit trail and does nothing else.
//
// No account may hold two of the three (CheckSeparation; the store enforces it too). The agency roles do the
// disclosure work of one agency: 公开专员 (officer) edits its content and reports, 保密审查员 (reviewer) reviews,
// 审批领导 (approver) approves, 单位管理员 (agency_admin) keeps its accounts and settings; 监督员 (supervisor)
// reads an agency and everything below it and changes nothing. Agency roles reach only their own agency (the
// supervisor its subtree); system roles reach the whole installation.
//
// Roles, Grant, the roles' Chinese names (disclosure.RoleNames) and the grant rules (disclosure.CheckGrants) live
// in package disclosure, the domain core the store shares; this table adds what each role may do.
var Grants = map[disclosure.Role][]Permission{
	disclosure.Officer:  {PermViewConsole, PermViewAgencies, PermViewContent, PermEditContent, PermEditReports},
	disclosure.Reviewer: {PermViewConsole, PermViewAgencies, PermViewContent, PermReviewItems},
	disclosure.Approver: {PermViewConsole, PermViewAgencies, PermViewContent, PermApprove},
	disclosure.AgencyAdmin: {PermViewConsole, PermViewAgencies, PermViewUsers, PermManageUsers, PermAssignRoles,
		PermViewSettings, PermManageSettings},
	disclosure.Supervisor: {PermViewConsole, PermViewAgencies, PermViewSettings, PermViewContent, PermSupervise},
	disclosure.SysAdmin: {PermViewConsole, PermViewAgencies, PermManageAgencies, PermViewUsers, PermManageUsers,
		PermViewSettings, PermManageSettings},
	disclosure.SecAdmin: {PermViewConsole, PermViewAgencies, PermViewUsers, PermAssignRoles, PermManageSecurity,
		PermManageTokens},
	disclosure.Auditor: {PermViewConsole, PermViewAudit, PermExportAudit},
}

// Allowed reports whether an account holding grants may take perm on agency agencyID. A system role's grant reaches
// every agency and the installation as a whole (agencyID nil). An agency role's grant reaches only its own agency,
// except the supervisor's, which reaches every agency inSubtree(root, id) reports below its own (inSubtree may be
// nil: then the supervisor's own agency only); an agency role never reaches agencyID nil, so a handler that forgets
// to say which agency an action concerns is refused rather than let through. Malformed grants — an agency role
// without an agency, a system role with one, an unknown role — give nothing. For "may this account do perm
// anywhere", as a menu asks, use AllowedAnywhere.
func Allowed(grants []disclosure.Grant, perm Permission, agencyID *int64, inSubtree func(root, id int64) bool) bool {
	for _, g := range grants {
		if !slices.Contains(Grants[g.Role], perm) {
			continue
		}
		switch {
		case g.Role.IsSystem():
			if g.AgencyID == nil {
				return true
			}
		case g.AgencyID == nil || agencyID == nil:
		case *g.AgencyID == *agencyID:
			return true
		case g.Role == disclosure.Supervisor && inSubtree != nil && inSubtree(*g.AgencyID, *agencyID):
			return true
		}
	}
	return false
}

// AllowedAnywhere reports whether an account holding grants may take perm for at least one agency or for the
// installation: what the console asks to decide which menus and pages to offer. Each action must still be checked
// with Allowed for the agency it concerns.
func AllowedAnywhere(grants []disclosure.Grant, perm Permission) bool {
	for _, g := range grants {
		if slices.Contains(Grants[g.Role], perm) && g.Role.Valid() && g.Role.IsSystem() == (g.AgencyID == nil) {
			return true
		}
	}
	return false
}

// CheckSeparation returns an error (disclosure.EForbidden, in Chinese) when roles include two different system
// roles, which 三员分立 forbids one account to hold. disclosure.CheckGrants applies the same rule to whole grants.
func CheckSeparation(roles []disclosure.Role) error {
	var held disclosure.Role
	for _, r := range roles {
		if !r.IsSystem() {
			continue
		}
		if held != "" && held != r {
			return disclosure.SystemRolesApart()
		}
		held = r
	}
	return nil
}
