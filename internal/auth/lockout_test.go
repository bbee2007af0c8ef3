package auth

import (
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// The counting itself is SQL (store.RecordSignInFailure, tested on both databases in storetest); here the rule it
// is given.
func TestLockoutRuleDefaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    LockoutPolicy
		want disclosure.LockoutRule
	}{
		{"default", DefaultLockout, disclosure.LockoutRule{MaxFailures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}},
		{"zero value", LockoutPolicy{}, disclosure.LockoutRule{MaxFailures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}},
		{"negative window never forgets", LockoutPolicy{MaxFailures: 3, Window: -1, LockFor: time.Hour}, disclosure.LockoutRule{MaxFailures: 3, Window: -1, LockFor: time.Hour}},
	} {
		if got := tc.p.Rule(); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	until := t0.Add(15 * time.Minute)
	if !Locked(&until, t0.Add(15*time.Minute-time.Nanosecond)) || Locked(&until, t0.Add(15*time.Minute)) {
		t.Error("the lock should end exactly after 15 minutes")
	}
	if Locked(nil, t0) {
		t.Error("nil lock reported locked")
	}
}
