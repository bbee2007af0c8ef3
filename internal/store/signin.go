package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// neverForget stands for the start of time when a lockout rule never forgets failures.
const neverForget = -1 << 62

// lockoutArgs are the arguments $1…$4 of lockoutSet: now, the time before which failures are forgotten, the
// maximum and the end of a lock made now.
func lockoutArgs(rule disclosure.LockoutRule, now time.Time) []any {
	forget := int64(neverForget)
	if rule.Window >= 0 {
		forget = now.Add(-rule.Window).UnixMicro()
	}
	return []any{now.UnixMicro(), forget, rule.MaxFailures, now.Add(rule.LockFor).UnixMicro()}
}

// lockoutSet counts one failure on a row with failed_logins, last_failed_at and locked_until (prefixed by t),
// reading only the row's old values, as an UPDATE's SET does on both databases: while locked nothing changes; a
// count whose last failure is at or before $2 starts again; reaching $3 locks until $4 and starts the count at 0.
func lockoutSet(t string) string {
	locked := t + `locked_until > $1`
	count := `(CASE WHEN ` + t + `last_failed_at IS NULL OR ` + t + `last_failed_at <= $2 THEN 0 ELSE ` + t + `failed_logins END) + 1`
	return `failed_logins = CASE WHEN ` + locked + ` THEN ` + t + `failed_logins WHEN ` + count + ` >= $3 THEN 0 ELSE ` + count + ` END,
		locked_until = CASE WHEN ` + locked + ` THEN ` + t + `locked_until WHEN ` + count + ` >= $3 THEN $4 ELSE ` + t + `locked_until END,
		last_failed_at = CASE WHEN ` + locked + ` THEN ` + t + `last_failed_at ELSE $1 END`
}

// scanFailure reads RETURNING failed_logins, locked_until into the outcome at now.
func scanFailure(row *sql.Row, now time.Time) (disclosure.SignInFailure, error) {
	var f disclosure.SignInFailure
	var locked sql.NullInt64
	if err := row.Scan(&f.Failures, &locked); err != nil {
		return f, err
	}
	if locked.Valid && locked.Int64 > now.UnixMicro() {
		t := time.UnixMicro(locked.Int64).UTC()
		f.LockedUntil = &t
	}
	return f, nil
}

// RecordSignInFailure counts one failed sign-in of the account in one UPDATE … RETURNING, so that concurrent
// failures, in this process or another, each count: a count read before the password check and written after it
// would let requests in flight overwrite the lock. A failure while the account is locked changes nothing. The
// failure is audited as "user.login_failed", or "user.locked" when it locks the account. Errors: ENotFound.
func (db *DB) RecordSignInFailure(ctx context.Context, actor disclosure.Actor, userID int64, rule disclosure.LockoutRule) (disclosure.SignInFailure, error) {
	var out disclosure.SignInFailure
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var before sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT locked_until FROM users WHERE id = $1`+db.d.forUpdate(), userID).Scan(&before); errors.Is(err, sql.ErrNoRows) {
			return disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的账号", userID)
		} else if err != nil {
			return err
		}
		args := append(lockoutArgs(rule, now), userID)
		f, err := scanFailure(tx.QueryRowContext(ctx, `UPDATE users SET `+lockoutSet("")+` WHERE id = $5 RETURNING failed_logins, locked_until`, args...), now)
		if err != nil {
			return err
		}
		f.LockedNow = f.LockedUntil != nil && !(before.Valid && before.Int64 > now.UnixMicro())
		out = f
		action := "user.login_failed"
		if f.LockedNow {
			action = "user.locked"
		}
		return db.appendAudit(ctx, tx, actor, action, "user", strconv.FormatInt(userID, 10), nil, map[string]any{"failed_logins": f.Failures})
	})
	if err != nil {
		return out, fmt.Errorf("store: record sign-in failure: %w", err)
	}
	return out, nil
}

// RecordSignIn records a successful sign-in — the failure count cleared, the time stored — and audits it as
// "user.login", unless the account is locked at that moment: then it changes nothing and returns the lock's end,
// so that a lock set by a concurrent failure wins over a password checked before it. Errors: ENotFound.
func (db *DB) RecordSignIn(ctx context.Context, actor disclosure.Actor, userID int64) (*time.Time, error) {
	var lockedUntil *time.Time
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UnixMicro()
		res, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, last_failed_at = NULL, locked_until = NULL, last_login_at = $1
			WHERE id = $2 AND (locked_until IS NULL OR locked_until <= $1)`, now, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return db.appendAudit(ctx, tx, actor, "user.login", "user", strconv.FormatInt(userID, 10), nil, map[string]any{"failed_logins": 0})
		}
		var locked sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT locked_until FROM users WHERE id = $1`, userID).Scan(&locked)
		if errors.Is(err, sql.ErrNoRows) {
			return disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的账号", userID)
		}
		if err != nil {
			return err
		}
		if locked.Valid {
			t := time.UnixMicro(locked.Int64).UTC()
			lockedUntil = &t
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: record sign-in: %w", err)
	}
	return lockedUntil, nil
}

// UseTOTPStep accepts the account's second-factor time step once, in one conditional UPDATE: it reports false
// when the account already used this step or a later one, so that a code seen over a shoulder or in a proxy's
// log cannot sign in again within its 90 seconds. Errors: ENotFound.
func (db *DB) UseTOTPStep(ctx context.Context, userID int64, step int64) (bool, error) {
	var ok bool
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)`, step, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			ok = true
			return nil
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE id = $1`, userID).Scan(&id); errors.Is(err, sql.ErrNoRows) {
			return disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的账号", userID)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: use totp step: %w", err)
	}
	return ok, nil
}

// SignInLock returns until when the account is locked, or nil: read again after a sign-in waited for a password
// check's turn, so that requests queued behind a failure that locked the account do not hash for nothing.
// Errors: ENotFound.
func (db *DB) SignInLock(ctx context.Context, userID int64) (*time.Time, error) {
	var locked sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT locked_until FROM users WHERE id = $1`, userID).Scan(&locked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: sign-in lock: %w", disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的账号", userID))
	}
	if err != nil {
		return nil, fmt.Errorf("store: sign-in lock: %w", err)
	}
	if locked.Valid && locked.Int64 > db.now().UnixMicro() {
		t := time.UnixMicro(locked.Int64).UTC()
		return &t, nil
	}
	return nil, nil
}

// normalName is how user names are compared: case-insensitive, spaces around ignored, as GetUserByUsername does.
func normalName(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// UnknownSignInLock returns until when sign-ins with a user name that is no account (or a disabled one) are
// refused, or nil: such names are locked as accounts are (RecordUnknownSignInFailure), so that the answer to a
// guess does not tell whether the name exists.
func (db *DB) UnknownSignInLock(ctx context.Context, username string) (*time.Time, error) {
	var locked sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT locked_until FROM signin_unknown WHERE username = $1`, normalName(username)).Scan(&locked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: unknown sign-in lock: %w", err)
	}
	if locked.Valid && locked.Int64 > db.now().UnixMicro() {
		t := time.UnixMicro(locked.Int64).UTC()
		return &t, nil
	}
	return nil, nil
}

// RecordUnknownSignInFailure counts a failed sign-in with a user name that is no account (or a disabled one) by
// the same rule and the same single statement as RecordSignInFailure. It is not audited: there is no account.
func (db *DB) RecordUnknownSignInFailure(ctx context.Context, username string, rule disclosure.LockoutRule) (disclosure.SignInFailure, error) {
	var out disclosure.SignInFailure
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		now := db.now()
		var before sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT locked_until FROM signin_unknown WHERE username = $1`+db.d.forUpdate(), normalName(username)).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// A first failure that already reaches the maximum (MaxFailures 1) locks at once, as for an account.
		first, firstLock := 1, any(nil)
		if rule.MaxFailures <= 1 {
			first, firstLock = 0, now.Add(rule.LockFor).UnixMicro()
		}
		args := append(lockoutArgs(rule, now), normalName(username), first, firstLock)
		f, err := scanFailure(tx.QueryRowContext(ctx, `INSERT INTO signin_unknown AS t (username, failed_logins, last_failed_at, locked_until) VALUES ($5, $6, $1, $7)
			ON CONFLICT (username) DO UPDATE SET `+lockoutSet("t.")+` RETURNING failed_logins, locked_until`, args...), now)
		if err != nil {
			return err
		}
		f.LockedNow = f.LockedUntil != nil && !(before.Valid && before.Int64 > now.UnixMicro())
		out = f
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("store: record unknown sign-in failure: %w", err)
	}
	return out, nil
}

// AddressAttempt is one sign-in attempt counted against its client address, to give back with
// ReturnAddressAttempt when it turned out not to be a failure.
type AddressAttempt struct {
	Address string
	window  int64
}

// TakeAddressAttempt counts a sign-in attempt from a client address in the current fixed window of the given
// length, across accounts and processes (one INSERT … ON CONFLICT … RETURNING), and reports whether it is within
// limit; when it is not, until is the end of the window. Attempts are counted before the password is checked, so
// that a burst of parallel guesses cannot all pass a count read before any of them failed; a successful sign-in
// gives its attempt back, so what the limit counts is failures.
func (db *DB) TakeAddressAttempt(ctx context.Context, address string, limit int, window time.Duration) (a AddressAttempt, ok bool, until time.Time, err error) {
	now := db.now().UnixMicro()
	w := window.Microseconds()
	a = AddressAttempt{Address: address, window: now - now%w}
	var n int
	err = db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO signin_address_failures (address, window_start, failures) VALUES ($1, $2, 1)
			ON CONFLICT (address, window_start) DO UPDATE SET failures = signin_address_failures.failures + 1 RETURNING failures`, address, a.window).Scan(&n)
	})
	if err != nil {
		return a, false, time.Time{}, fmt.Errorf("store: count sign-in attempt: %w", err)
	}
	return a, n <= limit, time.UnixMicro(a.window + w).UTC(), nil
}

// ReturnAddressAttempt takes back an attempt that was no failure: a successful sign-in, or one that was turned
// away as busy before anything was checked.
func (db *DB) ReturnAddressAttempt(ctx context.Context, a AddressAttempt) error {
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE signin_address_failures SET failures = failures - 1 WHERE address = $1 AND window_start = $2 AND failures > 0`, a.Address, a.window)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: return sign-in attempt: %w", err)
	}
	return nil
}

// deleteStaleSignIns removes address counts of windows that ended before, and unknown names neither locked nor
// with a failure since, the given time (microseconds).
func deleteStaleSignIns(ctx context.Context, tx *sql.Tx, before int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_address_failures WHERE window_start < $1`, before); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM signin_unknown WHERE (locked_until IS NULL OR locked_until < $1) AND (last_failed_at IS NULL OR last_failed_at < $1)`, before)
	return err
}
