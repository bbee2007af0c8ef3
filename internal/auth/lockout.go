package auth

import "time"

// LockoutPolicy locks an account after repeated failed sign-ins (等保 level 3: 登录失败处理). Zero fields take the
// defaults of DefaultLockout, so the zero policy is usable.
type LockoutPolicy struct {
	// MaxFailures is how many failures in a row lock the account (default 5).
	MaxFailures int
	// Window forgets failures: once Window has passed since the last failure, the count starts again, as in the
	// "reset the lockout counter after" setting of common operating systems (default 15 minutes; negative: never
	// forget, so only a successful sign-in resets the count). CurrentFailures applies it.
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

// CurrentFailures returns the stored failure count that still counts at now: zero when the last failure (nil if
// unknown) is at least Window ago. The web layer passes the result to OnFailure.
func (p LockoutPolicy) CurrentFailures(failures int, lastFailure *time.Time, now time.Time) int {
	p = p.withDefaults()
	if failures < 0 || (p.Window > 0 && lastFailure != nil && now.Sub(*lastFailure) >= p.Window) {
		return 0
	}
	return failures
}

// OnFailure returns the account's new failure count after one more failed sign-in and, when the count reaches
// MaxFailures, the time until which the account is locked; the count then starts again at zero, so that the
// account is locked once more only after another MaxFailures failures.
func (p LockoutPolicy) OnFailure(failures int, now time.Time) (newFailures int, lockedUntil *time.Time) {
	p = p.withDefaults()
	failures = max(failures, 0) + 1
	if failures >= p.MaxFailures {
		until := now.Add(p.LockFor)
		return 0, &until
	}
	return failures, nil
}

// Locked reports whether an account locked until lockedUntil (nil: not locked) is still locked at now.
func Locked(lockedUntil *time.Time, now time.Time) bool {
	return lockedUntil != nil && now.Before(*lockedUntil)
}
