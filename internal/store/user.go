package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

const userColumns = `id, username, display_name, password_hash, must_change_password, failed_logins, locked_until, disabled, created_at, last_login_at, totp_secret`

// CreateUser validates and inserts an account with its role grants, and audits it (without the password hash).
// Errors: EInvalid, EForbidden (two system roles), EConflict (the user name is taken).
func (db *DB) CreateUser(ctx context.Context, actor disclosure.Actor, u *disclosure.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.CreatedAt = db.now().UTC().Truncate(time.Microsecond)
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, must_change_password, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, u.Username, u.DisplayName, u.PasswordHash, u.MustChangePassword, u.CreatedAt.UnixMicro()).Scan(&u.ID)
		if db.d.uniqueViolation(err) {
			return disclosure.Errorf(disclosure.EConflict, "用户名 %s 已被使用", u.Username)
		}
		if err != nil {
			return err
		}
		if err := insertGrants(ctx, tx, u.ID, u.Grants); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "user.create", "user", strconv.FormatInt(u.ID, 10), nil, u)
	})
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

func insertGrants(ctx context.Context, tx *sql.Tx, userID int64, grants []disclosure.Grant) error {
	for _, g := range grants {
		if g.AgencyID != nil {
			if _, err := getAgency(ctx, tx, *g.AgencyID); err != nil {
				return disclosure.Errorf(disclosure.EInvalid, "授予角色的单位（编号 %d）不存在", *g.AgencyID)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO role_grants (user_id, role, agency_id) VALUES ($1, $2, $3)`, userID, string(g.Role), g.AgencyID); err != nil {
			return fmt.Errorf("grant: %w", err)
		}
	}
	return nil
}

// SetGrants replaces an account's role grants as a whole, checking the new set (the three system roles stay
// apart) inside the transaction, and audits before → after. Errors: ENotFound, EInvalid, EForbidden.
func (db *DB) SetGrants(ctx context.Context, actor disclosure.Actor, userID int64, grants []disclosure.Grant) error {
	if err := disclosure.CheckGrants(grants); err != nil {
		return err
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if q := db.d.lockUser(); q != "" {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		before, err := getUser(ctx, tx, `id = $1`, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_grants WHERE user_id = $1`, userID); err != nil {
			return err
		}
		if err := insertGrants(ctx, tx, userID, grants); err != nil {
			return err
		}
		after := *before
		after.Grants = grants
		return db.appendAudit(ctx, tx, actor, "user.grants", "user", strconv.FormatInt(userID, 10), before.Grants, after.Grants)
	})
	if err != nil {
		return fmt.Errorf("store: set grants: %w", err)
	}
	return nil
}

// SetPassword stores a new password hash and whether it must be changed at the next sign-in, clears the lockout,
// and audits the event (not the hash). Errors: ENotFound.
func (db *DB) SetPassword(ctx context.Context, actor disclosure.Actor, userID int64, hash string, mustChange bool) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, locked_until = NULL WHERE id = $3`, hash, mustChange, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的账号", userID)
		}
		return db.appendAudit(ctx, tx, actor, "user.password", "user", strconv.FormatInt(userID, 10), nil, map[string]bool{"must_change_password": mustChange})
	})
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	return nil
}

type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func getUser(ctx context.Context, q rowQueryer, where string, arg any) (*disclosure.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "账号不存在")
	}
	if err != nil {
		return nil, err
	}
	u.Grants, err = grantsOf(ctx, q, u.ID)
	return u, err
}

func grantsOf(ctx context.Context, q rowQueryer, userID int64) ([]disclosure.Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT role, agency_id FROM role_grants WHERE user_id = $1 ORDER BY role, agency_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	grants := []disclosure.Grant{}
	for rows.Next() {
		var g disclosure.Grant
		var agency sql.NullInt64
		if err := rows.Scan(&g.Role, &agency); err != nil {
			return nil, err
		}
		if agency.Valid {
			g.AgencyID = &agency.Int64
		}
		grants = append(grants, g)
	}
	return grants, rows.Err()
}

func scanUser(scan func(...any) error) (*disclosure.User, error) {
	var u disclosure.User
	var locked, last sql.NullInt64
	var created int64
	if err := scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.MustChangePassword, &u.FailedLogins, &locked, &u.Disabled, &created, &last, &u.TOTPSecret); err != nil {
		return nil, err
	}
	u.TOTPEnabled = u.TOTPSecret != ""
	u.CreatedAt = time.UnixMicro(created).UTC()
	if locked.Valid {
		t := time.UnixMicro(locked.Int64).UTC()
		u.LockedUntil = &t
	}
	if last.Valid {
		t := time.UnixMicro(last.Int64).UTC()
		u.LastLoginAt = &t
	}
	return &u, nil
}

// GetUserByUsername returns the account with the user name (case-insensitive) and its grants. Errors: ENotFound.
func (db *DB) GetUserByUsername(ctx context.Context, username string) (*disclosure.User, error) {
	u, err := getUser(ctx, db.read, `username = $1`, normalizeUsername(username))
	if err != nil {
		return nil, fmt.Errorf("store: get user: %w", err)
	}
	return u, nil
}

func normalizeUsername(s string) string {
	u := disclosure.User{Username: s}
	u.Validate()
	return u.Username
}

// ListUsers returns every account with its grants, by user name.
func (db *DB) ListUsers(ctx context.Context) ([]*disclosure.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	var users []*disclosure.User
	for rows.Next() {
		u, err := scanUser(rows.Scan)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		users = append(users, u)
	}
	rows.Close()
	for _, u := range users {
		if u.Grants, err = grantsOf(ctx, db.read, u.ID); err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
	}
	return users, nil
}

// SetTOTP stores (or, with "", removes) the account's second-factor secret and audits the change without the secret.
// Errors: ENotFound.
func (db *DB) SetTOTP(ctx context.Context, actor disclosure.Actor, userID int64, secret string) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1 WHERE id = $2`, secret, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的账号", userID)
		}
		return db.appendAudit(ctx, tx, actor, "user.totp", "user", strconv.FormatInt(userID, 10), nil, map[string]bool{"totp_enabled": secret != ""})
	})
	if err != nil {
		return fmt.Errorf("store: set totp: %w", err)
	}
	return nil
}
