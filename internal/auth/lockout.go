package auth

import (
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// LockoutPolicy locks an account after repeated failed sign-ins (等保 level 3: 登录失败处理). Zero fields take the
// defaults of DefaultLockout, so the zero policy is usable. When the count reaches MaxFailures the account is
// locked and the count starts again at zero, so that it is locked once more only after another MaxFailures
// failures; failures while it is locked are not counted.
type LockoutPolicy struct {
	// MaxFailures is how many failures in a row lock the account (default 5).
	MaxFailures int
	// Window forgets failures: once Window has passed since the last failure, the count starts again, as in the
	// "reset the lockout counter after" setting of common operating systems (default 15 minutes; negative: never
	// forget, so only a successful sign-in resets the count).
	Window time.Duration
	// LockFor is how long the account stays locked (default 15 minutes).
	LockFor time.Duration
}

// DefaultLockout locks an account for 15 minutes after 5 failed sign-ins, none more than 15 minutes after the
// previous one.
var DefaultLockout = LockoutPolicy{MaxFailures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}

func (p LockoutPolicy) withDefaults() LockoutPolicy {
	if p.MaxFailures <= 0 {
		p.MaxFailures = 5
	}
	if p.Window == 0 {
		p.Window = 15 * time.Minute
	}
	if p.LockFor <= 0 {
		p.LockFor = 15 * time.Minute
	}
	return p
}

// Rule is the policy, defaults applied, as the store counts failures by it: in one statement per failure, so
// that concurrent failures cannot overwrite each other's count (store.RecordSignInFailure).
func (p LockoutPolicy) Rule() disclosure.LockoutRule {
	p = p.withDefaults()
	return disclosure.LockoutRule{MaxFailures: p.MaxFailures, Window: p.Window, LockFor: p.LockFor}
}

// Locked reports whether an account locked until lockedUntil (nil: not locked) is still locked at now.
func Locked(lockedUntil *time.Time, now time.Time) bool {
	return lockedUntil != nil && now.Before(*lockedUntil)
}
