package disclosure

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a staff account.
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	// Email receives the daily reminder of cases due and overdue; optional.
	Email              string     `json:"email,omitempty"`
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
	// SessionEpoch grows by one whenever the password changes; a web session remembers the epoch it was made in
	// and ends when the account's has moved on, so a password change signs every other session out.
	SessionEpoch int64 `json:"-"`
}

// LockoutRule is what the store applies when it counts a failed sign-in: MaxFailures failures, none more than
// Window after the previous one (Window < 0: never forget), lock the account for LockFor.
type LockoutRule struct {
	MaxFailures     int
	Window, LockFor time.Duration
}

// SignInFailure is an account's state after one more failed sign-in was counted.
type SignInFailure struct {
	// Failures is the count that still stands (0 after a lock).
	Failures int
	// LockedUntil is set while the account is locked: by this failure (LockedNow) or before it.
	LockedUntil *time.Time
	LockedNow   bool
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
	case u.Email != "" && !reEmail.MatchString(u.Email):
		return Errorf(EInvalid, "电子邮箱格式不正确，例如 zhangsan@example.gov.cn")
	}
	return CheckGrants(u.Grants)
}

// UserService keeps staff accounts and their roles. Every change is recorded in the audit trail in the same
// transaction, attributed to the actor; password hashes and second-factor secrets never enter the trail.
type UserService interface {
	// CreateUser validates u and inserts it with its grants, setting its ID. Errors: EInvalid, EForbidden (two
	// system roles), EConflict (the user name is taken, in any letter case).
	CreateUser(ctx context.Context, actor Actor, u *User) error
	// GetUser returns an account with its grants. Errors: ENotFound.
	GetUser(ctx context.Context, id int64) (*User, error)
	// GetUserByUsername returns an account by user name, in any letter case. Errors: ENotFound.
	GetUserByUsername(ctx context.Context, username string) (*User, error)
	// ListUsers returns every account with its grants, by user name.
	ListUsers(ctx context.Context) ([]*User, error)
	// UpdateUser saves an account's display name, password hash, must-change flag, lockout counters, last sign-in,
	// second-factor secret and disabled flag; the user name, creation time and grants are not changed here.
	// Errors: ENotFound, EInvalid (a field, or an attempt to rename).
	UpdateUser(ctx context.Context, actor Actor, u *User) error
	// SetPassword stores a new password hash and the must-change flag and clears the lockout. Errors: ENotFound.
	SetPassword(ctx context.Context, actor Actor, userID int64, hash string, mustChange bool) error
	// SetTOTP stores, or with "" removes, the second-factor secret. Errors: ENotFound.
	SetTOTP(ctx context.Context, actor Actor, userID int64, secret string) error
	// RecordSignIn records a successful sign-in — it clears the failure count and stores the time — unless the
	// account is locked at that moment, when it changes nothing and returns the end of the lock: a lock set by a
	// concurrent failure wins over a password checked before it. Errors: ENotFound.
	RecordSignIn(ctx context.Context, actor Actor, userID int64) (lockedUntil *time.Time, err error)
	// RecordSignInFailure counts one failed sign-in in one statement (forgetting failures older than the rule's
	// window, locking at its maximum), so that concurrent failures cannot overwrite each other; a failure while
	// the account is locked changes nothing. Errors: ENotFound.
	RecordSignInFailure(ctx context.Context, actor Actor, userID int64, rule LockoutRule) (SignInFailure, error)
	// UseTOTPStep accepts the second factor's time step once: it reports false when the account already used
	// this step or a later one. Errors: ENotFound.
	UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error)
	// GrantRole adds one grant; granting a role the account already holds changes nothing. Errors: ENotFound (no
	// account), EInvalid (unknown role, or a missing agency), EForbidden (a second system role).
	GrantRole(ctx context.Context, actor Actor, userID int64, g Grant) error
	// RevokeRole removes one grant. Errors: ENotFound (no account, or the account does not hold it).
	RevokeRole(ctx context.Context, actor Actor, userID int64, g Grant) error
	// SetGrants replaces an account's grants as a whole. Errors: ENotFound, EInvalid, EForbidden.
	SetGrants(ctx context.Context, actor Actor, userID int64, grants []Grant) error
	// ListGrants returns the grants the filter selects, by account, role and agency.
	ListGrants(ctx context.Context, f GrantFilter) ([]Grant, error)
}
