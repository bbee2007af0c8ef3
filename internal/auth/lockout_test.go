package auth

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func TestLockoutLocksAfterMaxFailures(t *testing.T) {
	for name, p := range map[string]LockoutPolicy{"default": DefaultLockout, "zero value": {}} {
		f, until := 0, (*time.Time)(nil)
		for i := range 4 {
			f, until = p.OnFailure(f, t0)
			if until != nil || f != i+1 {
				t.Fatalf("%s: failure %d: %d %v, want %d and no lock", name, i+1, f, until, i+1)
			}
		}
		f, until = p.OnFailure(f, t0)
		if until == nil || !until.Equal(t0.Add(15*time.Minute)) || f != 0 {
			t.Fatalf("%s: fifth failure: %d %v, want 0 and locked for 15 minutes", name, f, until)
		}
		if !Locked(until, t0.Add(15*time.Minute-time.Nanosecond)) || Locked(until, t0.Add(15*time.Minute)) {
			t.Errorf("%s: the lock should end exactly after 15 minutes", name)
		}
	}
	if Locked(nil, t0) {
		t.Error("nil lock reported locked")
	}
	p := LockoutPolicy{MaxFailures: 3, LockFor: time.Hour}
	f, _ := p.OnFailure(-7, t0) // a corrupted count starts from zero
	f, _ = p.OnFailure(f, t0)
	if f, until := p.OnFailure(f, t0); f != 0 || until == nil || !until.Equal(t0.Add(time.Hour)) {
		t.Errorf("custom policy: %d %v", f, until)
	}
}

func TestLockoutWindowForgetsOldFailures(t *testing.T) {
	last := t0
	for _, tc := range []struct {
		name  string
		p     LockoutPolicy
		last  *time.Time
		after time.Duration
		want  int
	}{
		{"within the window", DefaultLockout, &last, 14 * time.Minute, 4},
		{"window passed", DefaultLockout, &last, 15 * time.Minute, 0},
		{"last failure unknown", DefaultLockout, nil, 24 * time.Hour, 4},
		{"zero window is the default", LockoutPolicy{}, &last, 15 * time.Minute, 0},
		{"negative window never forgets", LockoutPolicy{Window: -1}, &last, 24 * time.Hour, 4},
	} {
		if got := tc.p.CurrentFailures(4, tc.last, t0.Add(tc.after)); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}
