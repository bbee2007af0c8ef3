package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

func runSignIn(t *testing.T, open Opener) {
	ctx := context.Background()
	rule := disclosure.LockoutRule{MaxFailures: 5, Window: 15 * time.Minute, LockFor: 15 * time.Minute}

	t.Run("60 concurrent failures from three processes lock the account once and a right password then fails", func(t *testing.T) {
		db := MustMigrate(t, open)
		handles := []*store.DB{db, mustAnother(t, db), mustAnother(t, db)}
		u := mustUser(t, db, "target")
		var wg sync.WaitGroup
		var lockedNow, sawLock atomic.Int32
		for i := range 60 {
			wg.Go(func() {
				f, err := handles[i%3].RecordSignInFailure(ctx, officer, u.ID, rule)
				if err != nil {
					t.Error(err)
					return
				}
				if f.LockedNow {
					lockedNow.Add(1)
				}
				if f.LockedUntil != nil {
					sawLock.Add(1)
				}
			})
		}
		wg.Wait()
		if lockedNow.Load() != 1 || sawLock.Load() != 56 {
			t.Errorf("%d failures locked the account and %d saw it locked, want 1 and 56", lockedNow.Load(), sawLock.Load())
		}
		got, _ := db.GetUser(ctx, u.ID)
		if got.LockedUntil == nil || !got.LockedUntil.After(time.Now().Add(14*time.Minute)) {
			t.Errorf("not locked for 15 minutes: %+v", got.LockedUntil)
		}
		if until, err := handles[2].RecordSignIn(ctx, officer, u.ID); err != nil || until == nil {
			t.Errorf("a sign-in of the locked account was recorded: %v %v", until, err)
		}
		entries, _ := db.ListAudit(ctx, disclosure.AuditFilter{Action: "user.locked", Limit: 100})
		if len(entries) != 1 {
			t.Errorf("%d user.locked entries, want 1", len(entries))
		}
		mustVerify(t, db, -1)
	})

	t.Run("failures are forgotten after the window, the lock ends, a success clears the count", func(t *testing.T) {
		db := MustMigrate(t, open)
		u := mustUser(t, db, "window")
		t0 := time.Now().UTC().Truncate(time.Second)
		at := func(d time.Duration) { db.SetClock(func() time.Time { return t0.Add(d) }) }
		fail := func(d time.Duration, r disclosure.LockoutRule) disclosure.SignInFailure {
			t.Helper()
			at(d)
			f, err := db.RecordSignInFailure(ctx, officer, u.ID, r)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		for i := range 4 {
			if f := fail(time.Duration(i)*time.Minute, rule); f.Failures != i+1 || f.LockedUntil != nil {
				t.Fatalf("failure %d: %+v", i+1, f)
			}
		}
		// 15 minutes after the fourth, the count starts again.
		if f := fail(18*time.Minute, rule); f.Failures != 1 || f.LockedUntil != nil {
			t.Fatalf("after the window: %+v", f)
		}
		for i := range 3 {
			fail(19*time.Minute+time.Duration(i)*time.Second, rule)
		}
		f := fail(20*time.Minute, rule)
		if !f.LockedNow || f.Failures != 0 || f.LockedUntil == nil || !f.LockedUntil.Equal(t0.Add(35*time.Minute)) {
			t.Fatalf("fifth failure within the window: %+v", f)
		}
		if g := fail(21*time.Minute, rule); g.LockedNow || g.LockedUntil == nil || !g.LockedUntil.Equal(*f.LockedUntil) || g.Failures != 0 {
			t.Errorf("a failure while locked changed the lock: %+v", g)
		}
		at(34 * time.Minute)
		if until, err := db.SignInLock(ctx, u.ID); err != nil || until == nil || !until.Equal(*f.LockedUntil) {
			t.Errorf("SignInLock while locked: %v %v", until, err)
		}
		if until, err := db.RecordSignIn(ctx, officer, u.ID); err != nil || until == nil {
			t.Errorf("signed in while locked: %v %v", until, err)
		}
		if g := fail(35*time.Minute, rule); g.LockedUntil != nil || g.Failures != 1 {
			t.Errorf("first failure after the lock: %+v", g)
		}
		at(36 * time.Minute)
		if until, err := db.SignInLock(ctx, u.ID); err != nil || until != nil {
			t.Errorf("SignInLock after the lock: %v %v", until, err)
		}
		if until, err := db.RecordSignIn(ctx, officer, u.ID); err != nil || until != nil {
			t.Errorf("sign-in after the lock: %v %v", until, err)
		}
		if got, _ := db.GetUser(ctx, u.ID); got.FailedLogins != 0 || got.LockedUntil != nil || got.LastLoginAt == nil || !got.LastLoginAt.Equal(t0.Add(36*time.Minute)) {
			t.Errorf("after a success: %+v", got)
		}
		never := disclosure.LockoutRule{MaxFailures: 3, Window: -1, LockFor: time.Hour}
		fail(40*time.Minute, never)
		fail(40*time.Hour, never)
		if g := fail(400*time.Hour, never); !g.LockedNow || !g.LockedUntil.Equal(t0.Add(401*time.Hour)) {
			t.Errorf("a rule that never forgets: %+v", g)
		}
	})

	t.Run("user names that are no account lock like accounts, in any letter case", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		var wg sync.WaitGroup
		for i := range 30 {
			wg.Go(func() {
				h, name := db, "Ghost"
				if i%2 == 1 {
					h, name = other, " ghost "
				}
				if _, err := h.RecordUnknownSignInFailure(ctx, name, rule); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		until, err := other.UnknownSignInLock(ctx, "GHOST")
		if err != nil || until == nil || !until.After(time.Now().Add(14*time.Minute)) {
			t.Errorf("unknown name not locked: %v %v", until, err)
		}
		if until, _ := db.UnknownSignInLock(ctx, "nobody"); until != nil {
			t.Errorf("a name never tried is locked until %v", until)
		}
		for i := range 4 {
			if f, _ := db.RecordUnknownSignInFailure(ctx, "nobody", rule); f.LockedUntil != nil || f.Failures != i+1 {
				t.Fatalf("failure %d of a new name: %+v", i+1, f)
			}
		}
		if f, _ := db.RecordUnknownSignInFailure(ctx, "nobody", rule); !f.LockedNow || f.LockedUntil == nil {
			t.Errorf("fifth failure of a new name: %+v", f)
		}
		if f, _ := db.RecordUnknownSignInFailure(ctx, "single", disclosure.LockoutRule{MaxFailures: 1, LockFor: time.Minute}); !f.LockedNow {
			t.Errorf("a one-failure rule does not lock an unknown name at once: %+v", f)
		}
	})

	t.Run("failures per client address are limited across processes, and a success gives its attempt back", func(t *testing.T) {
		db := MustMigrate(t, open)
		handles := []*store.DB{db, mustAnother(t, db), mustAnother(t, db)}
		var wg sync.WaitGroup
		var allowed atomic.Int32
		for i := range 60 {
			wg.Go(func() {
				_, ok, until, err := handles[i%3].TakeAddressAttempt(ctx, "203.0.113.9", 20, 15*time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					allowed.Add(1)
				} else if !until.After(time.Now()) || until.After(time.Now().Add(15*time.Minute)) {
					t.Errorf("refused until %v", until)
				}
			})
		}
		wg.Wait()
		if allowed.Load() != 20 {
			t.Errorf("%d of 60 attempts allowed, want 20", allowed.Load())
		}
		if _, ok, _, _ := db.TakeAddressAttempt(ctx, "198.51.100.1", 20, 15*time.Minute); !ok {
			t.Error("another address is limited too")
		}
		// Give back the attempts of successful sign-ins: below the limit again.
		t0 := time.Now()
		db.SetClock(func() time.Time { return t0 })
		a, _, _, _ := db.TakeAddressAttempt(ctx, "192.0.2.7", 1, time.Hour)
		if _, ok, _, _ := db.TakeAddressAttempt(ctx, "192.0.2.7", 1, time.Hour); ok {
			t.Error("second attempt within a limit of 1")
		}
		for _, back := range []store.AddressAttempt{a, a} {
			if err := db.ReturnAddressAttempt(ctx, back); err != nil {
				t.Fatal(err)
			}
		}
		if _, ok, _, _ := db.TakeAddressAttempt(ctx, "192.0.2.7", 1, time.Hour); !ok {
			t.Error("still limited after the attempts were given back")
		}
		db.SetClock(func() time.Time { return t0.Add(2 * time.Hour) })
		if _, ok, _, _ := db.TakeAddressAttempt(ctx, "192.0.2.7", 1, time.Hour); !ok {
			t.Error("limited in a new window")
		}
		db.SetClock(func() time.Time { return t0.Add(30 * time.Hour) })
		if _, err := db.DeleteExpiredSessions(ctx); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a second-factor step is accepted once, also by concurrent requests in two processes", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		u := mustUser(t, db, "totp")
		for _, tc := range []struct {
			step int64
			want bool
		}{{100, true}, {100, false}, {99, false}, {101, true}} {
			if ok, err := db.UseTOTPStep(ctx, u.ID, tc.step); err != nil || ok != tc.want {
				t.Errorf("step %d: %v %v, want %v", tc.step, ok, err, tc.want)
			}
		}
		var wg sync.WaitGroup
		var accepted atomic.Int32
		for i := range 20 {
			wg.Go(func() {
				h := db
				if i%2 == 1 {
					h = other
				}
				if ok, err := h.UseTOTPStep(ctx, u.ID, 200); err != nil {
					t.Error(err)
				} else if ok {
					accepted.Add(1)
				}
			})
		}
		wg.Wait()
		if accepted.Load() != 1 {
			t.Errorf("one step accepted %d times", accepted.Load())
		}
		if _, err := db.UseTOTPStep(ctx, 999, 1); code(err) != disclosure.ENotFound {
			t.Errorf("missing account: %v", err)
		}
	})

	t.Run("a new password moves the session epoch on, other changes do not", func(t *testing.T) {
		db := MustMigrate(t, open)
		u := mustUser(t, db, "epoch")
		if err := db.SetPassword(ctx, officer, u.ID, "$argon2id$second", false); err != nil {
			t.Fatal(err)
		}
		got, _ := db.GetUser(ctx, u.ID)
		if got.SessionEpoch != u.SessionEpoch+1 {
			t.Fatalf("epoch %d after SetPassword, was %d", got.SessionEpoch, u.SessionEpoch)
		}
		got.DisplayName = "改名"
		if err := db.UpdateUser(ctx, officer, got); err != nil || got.SessionEpoch != u.SessionEpoch+1 {
			t.Errorf("a new display name moved the epoch: %d %v", got.SessionEpoch, err)
		}
		got.PasswordHash = "$argon2id$third"
		if err := db.UpdateUser(ctx, officer, got); err != nil || got.SessionEpoch != u.SessionEpoch+2 {
			t.Errorf("a new hash by UpdateUser: epoch %d %v", got.SessionEpoch, err)
		}
		if again, _ := db.GetUser(ctx, u.ID); again.SessionEpoch != got.SessionEpoch {
			t.Errorf("stored epoch %d, returned %d", again.SessionEpoch, got.SessionEpoch)
		}
	})
}
