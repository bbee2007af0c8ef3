package disclosure

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a staff account.
type User struct {
	ID                 int64      `json:"id"`
	Username           string     `json:"username"`
	DisplayName        string     `json:"display_name"`
	PasswordHash       string     `json:"-"` // never serialised: not into the API, not into the audit trail
	MustChangePassword bool       `json:"must_change_password"`
	FailedLogins       int        `json:"failed_logins"`
	LockedUntil        *time.Time `json:"locked_until,omitempty"`
	Disabled           bool       `json:"disabled"`
	CreatedAt          time.Time  `json:"created_at"`
	LastLoginAt        *time.Time `json:"last_login_at,omitempty"`
	TOTPSecret         string     `json:"-"` // the second factor's secret; never serialised
	TOTPEnabled        bool       `json:"totp_enabled"`
	Grants             []Grant    `json:"grants"`
}

var reUsername = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

// HasSystemRole reports whether the account holds one of the three system roles, which require a second factor.
func (u *User) HasSystemRole() bool {
	for _, g := range u.Grants {
		if g.Role.IsSystem() {
			return true
		}
	}
	return false
}

// Validate checks the account's fields (the password policy is auth's).
func (u *User) Validate() error {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	switch {
	case !reUsername.MatchString(u.Username):
		return Errorf(EInvalid, "用户名应为 3—32 位小写字母、数字、点、横线或下划线，并以字母或数字开头")
	case u.DisplayName == "":
		return Errorf(EInvalid, "请填写姓名")
	case utf8.RuneCountInString(u.DisplayName) > 50:
		return Errorf(EInvalid, "姓名过长（最多 50 个字）")
	case u.PasswordHash == "":
		return Errorf(EInvalid, "账号须设置密码")
	}
	return CheckGrants(u.Grants)
}
