package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

const userColumns = `id, username, display_name, password_hash, must_change_password, failed_logins, locked_until, disabled, created_at, last_login_at, totp_secret, email, session_epoch`

// CreateUser validates and inserts an account with its role grants, and audits it (without the password hash).
// Errors: EInvalid, EForbidden (two system roles), EConflict (the user name is taken).
func (db *DB) CreateUser(ctx context.Context, actor disclosure.Actor, u *disclosure.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.CreatedAt = db.now().UTC().Truncate(time.Microsecond)
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, password_hash, must_change_password, created_at, totp_secret, disabled, email)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			u.Username, u.DisplayName, u.PasswordHash, u.MustChangePassword, u.CreatedAt.UnixMicro(), u.TOTPSecret, u.Disabled, u.Email).Scan(&u.ID)
		if db.d.uniqueIndex(err) != "" {
			return disclosure.Errorf(disclosure.EConflict, "用户名 %s 已被使用", u.Username)
		}
		if err != nil {
			return err
		}
		if u.Grants, err = db.insertGrants(ctx, tx, u.ID, u.Grants); err != nil {
			return err
		}
		u.TOTPEnabled = u.TOTPSecret != ""
		return db.appendAudit(ctx, tx, actor, "user.create", "user", strconv.FormatInt(u.ID, 10), nil, u)
	})
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

// insertGrants inserts grants for the account and returns them with UserID set. The schema's unique indexes
// back the checks made before: a second system role is EForbidden, a repeated grant EInvalid.
func (db *DB) insertGrants(ctx context.Context, tx *sql.Tx, userID int64, grants []disclosure.Grant) ([]disclosure.Grant, error) {
	out := make([]disclosure.Grant, 0, len(grants))
	for _, g := range grants {
		g.UserID = userID
		if g.AgencyID != nil {
			if _, err := getAgency(ctx, tx, *g.AgencyID); err != nil {
				return nil, disclosure.Errorf(disclosure.EInvalid, "授予角色的单位（编号 %d）不存在", *g.AgencyID)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO role_grants (user_id, role, agency_id) VALUES ($1, $2, $3)`, userID, string(g.Role), g.AgencyID)
		switch db.d.uniqueIndex(err) {
		case "":
			if err != nil {
				return nil, fmt.Errorf("grant: %w", err)
			}
		case "role_grants_one_system_role":
			return nil, disclosure.SystemRolesApart()
		default:
			return nil, disclosure.Errorf(disclosure.EInvalid, "同一角色重复授予：%s", disclosure.RoleNames[g.Role])
		}
		out = append(out, g)
	}
	return out, nil
}

// lockedUser reads an account inside a write transaction and, on PostgreSQL, locks its row until the end of the
// transaction, so that concurrent changes to one account (its grants above all) queue instead of interleaving.
func (db *DB) lockedUser(ctx context.Context, tx *sql.Tx, id int64) (*disclosure.User, error) {
	u, err := getUser(ctx, tx, `id = $1`+db.d.forUpdate(), id)
	if disclosure.ErrorCode(err) == disclosure.ENotFound {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的账号", id)
	}
	return u, err
}

// SetGrants replaces an account's role grants as a whole, checking the new set (the three system roles stay
// apart) inside the transaction, and audits before → after. Errors: ENotFound, EInvalid, EForbidden.
func (db *DB) SetGrants(ctx context.Context, actor disclosure.Actor, userID int64, grants []disclosure.Grant) error {
	if err := disclosure.CheckGrants(grants); err != nil {
		return err
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		before, err := db.lockedUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_grants WHERE user_id = $1`, userID); err != nil {
			return err
		}
		after, err := db.insertGrants(ctx, tx, userID, grants)
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "user.grants", "user", strconv.FormatInt(userID, 10), before.Grants, after)
	})
	if err != nil {
		return fmt.Errorf("store: set grants: %w", err)
	}
	return nil
}

// GrantRole adds one role grant to an account, checking the account's whole new set inside the transaction, and
// audits before → after. Granting a role the account already holds changes nothing. Errors: ENotFound, EInvalid,
// EForbidden (a second system role).
func (db *DB) GrantRole(ctx context.Context, actor disclosure.Actor, userID int64, g disclosure.Grant) error {
	if err := disclosure.CheckGrants([]disclosure.Grant{g}); err != nil {
		return err
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		before, err := db.lockedUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(before.Grants, g.Same) {
			return nil
		}
		after := append(slices.Clone(before.Grants), g)
		if err := disclosure.CheckGrants(after); err != nil {
			return err
		}
		added, err := db.insertGrants(ctx, tx, userID, []disclosure.Grant{g})
		if err != nil {
			return err
		}
		after[len(after)-1] = added[0]
		return db.appendAudit(ctx, tx, actor, "user.grant", "user", strconv.FormatInt(userID, 10), before.Grants, after)
	})
	if err != nil {
		return fmt.Errorf("store: grant role: %w", err)
	}
	return nil
}

// RevokeRole removes one role grant from an account and audits before → after. Errors: ENotFound (no account, or
// the account does not hold the grant).
func (db *DB) RevokeRole(ctx context.Context, actor disclosure.Actor, userID int64, g disclosure.Grant) error {
	var agency int64
	if g.AgencyID != nil {
		agency = *g.AgencyID
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		before, err := db.lockedUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM role_grants WHERE user_id = $1 AND role = $2 AND COALESCE(agency_id, 0) = $3`, userID, string(g.Role), agency)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return disclosure.Errorf(disclosure.ENotFound, "账号 %s 没有该%s角色", before.Username, disclosure.RoleNames[g.Role])
		}
		after := slices.DeleteFunc(slices.Clone(before.Grants), g.Same)
		return db.appendAudit(ctx, tx, actor, "user.revoke", "user", strconv.FormatInt(userID, 10), before.Grants, after)
	})
	if err != nil {
		return fmt.Errorf("store: revoke role: %w", err)
	}
	return nil
}

// ListGrants returns the role grants the filter selects, by account, role and agency.
func (db *DB) ListGrants(ctx context.Context, f disclosure.GrantFilter) ([]disclosure.Grant, error) {
	var w where
	if f.UserID != nil {
		w.add("user_id = $%d", *f.UserID)
	}
	if f.AgencyID != nil {
		w.add("agency_id = $%d", *f.AgencyID)
	}
	if f.Role != "" {
		w.add("role = $%d", string(f.Role))
	}
	grants, err := queryGrants(ctx, db.read, w)
	if err != nil {
		return nil, fmt.Errorf("store: list grants: %w", err)
	}
	return grants, nil
}

func queryGrants(ctx context.Context, q queryer, w where) ([]disclosure.Grant, error) {
	rows, err := q.QueryContext(ctx, `SELECT user_id, role, agency_id FROM role_grants`+w.sql()+` ORDER BY user_id, role, agency_id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	grants := []disclosure.Grant{}
	for rows.Next() {
		var g disclosure.Grant
		var agency sql.NullInt64
		if err := rows.Scan(&g.UserID, &g.Role, &agency); err != nil {
			return nil, err
		}
		if agency.Valid {
			g.AgencyID = &agency.Int64
		}
		grants = append(grants, g)
	}
	return grants, rows.Err()
}

// SetPassword stores a new password hash and whether it must be changed at the next sign-in, clears the lockout,
// moves the account's session epoch on (which ends its web sessions made before), and audits the event (not the
// hash). Errors: ENotFound.
func (db *DB) SetPassword(ctx context.Context, actor disclosure.Actor, userID int64, hash string, mustChange bool) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, last_failed_at = NULL, locked_until = NULL,
			session_epoch = session_epoch + 1 WHERE id = $3`, hash, mustChange, userID)
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

// userAudit is an account as the audit trail records it: the hash and the secret are never serialised, so their
// changes are recorded as flags.
type userAudit struct {
	*disclosure.User
	PasswordChanged bool `json:"password_changed,omitempty"`
	TOTPChanged     bool `json:"totp_changed,omitempty"`
}

// UpdateUser saves an account's display name, password hash, must-change flag, lockout counters, last sign-in,
// second-factor secret and disabled flag, and audits before → after (flags, not secrets). The user name, the
// creation time and the grants are kept; u gets them from the database. Errors: ENotFound, EInvalid.
func (db *DB) UpdateUser(ctx context.Context, actor disclosure.Actor, u *disclosure.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	var locked, last any
	if u.LockedUntil != nil {
		locked = u.LockedUntil.UnixMicro()
	}
	if u.LastLoginAt != nil {
		last = u.LastLoginAt.UnixMicro()
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		before, err := db.lockedUser(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if before.Username != u.Username {
			return disclosure.Errorf(disclosure.EInvalid, "用户名不能修改（原为 %s）；如需新用户名，请新建账号", before.Username)
		}
		// A new password hash ends the account's web sessions, as SetPassword does.
		err = tx.QueryRowContext(ctx, `UPDATE users SET display_name = $1, password_hash = $2, must_change_password = $3, failed_logins = $4,
			locked_until = $5, disabled = $6, last_login_at = $7, totp_secret = $8, email = $9,
			session_epoch = session_epoch + CASE WHEN password_hash = $2 THEN 0 ELSE 1 END WHERE id = $10 RETURNING session_epoch`,
			u.DisplayName, u.PasswordHash, u.MustChangePassword, u.FailedLogins, locked, u.Disabled, last, u.TOTPSecret, u.Email, u.ID).Scan(&u.SessionEpoch)
		if err != nil {
			return err
		}
		u.CreatedAt, u.Grants, u.TOTPEnabled = before.CreatedAt, before.Grants, u.TOTPSecret != ""
		after := userAudit{User: u, PasswordChanged: u.PasswordHash != before.PasswordHash, TOTPChanged: u.TOTPSecret != before.TOTPSecret}
		return db.appendAudit(ctx, tx, actor, "user.update", "user", strconv.FormatInt(u.ID, 10), before, after)
	})
	if err != nil {
		return fmt.Errorf("store: update user: %w", err)
	}
	return nil
}

func getUser(ctx context.Context, q queryer, where string, arg any) (*disclosure.User, error) {
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

func grantsOf(ctx context.Context, q queryer, userID int64) ([]disclosure.Grant, error) {
	var w where
	w.add("user_id = $%d", userID)
	return queryGrants(ctx, q, w)
}

func scanUser(scan func(...any) error) (*disclosure.User, error) {
	var u disclosure.User
	var locked, last sql.NullInt64
	var created int64
	if err := scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &u.MustChangePassword, &u.FailedLogins, &locked, &u.Disabled, &created, &last, &u.TOTPSecret, &u.Email, &u.SessionEpoch); err != nil {
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

// GetUser returns the account with the ID and its grants. Errors: ENotFound.
func (db *DB) GetUser(ctx context.Context, id int64) (*disclosure.User, error) {
	u, err := getUser(ctx, db.read, `id = $1`, id)
	if disclosure.ErrorCode(err) == disclosure.ENotFound {
		err = disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的账号", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get user: %w", err)
	}
	return u, nil
}

// GetUserByUsername returns the account with the user name (case-insensitive) and its grants. Errors: ENotFound.
func (db *DB) GetUserByUsername(ctx context.Context, username string) (*disclosure.User, error) {
	u, err := getUser(ctx, db.read, `lower(username) = $1`, strings.ToLower(strings.TrimSpace(username)))
	if err != nil {
		return nil, fmt.Errorf("store: get user: %w", err)
	}
	return u, nil
}

// ListUsers returns every account with its grants, by user name.
func (db *DB) ListUsers(ctx context.Context) ([]*disclosure.User, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	var users []*disclosure.User
	byID := map[int64]*disclosure.User{}
	for rows.Next() {
		u, err := scanUser(rows.Scan)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		u.Grants = []disclosure.Grant{}
		users = append(users, u)
		byID[u.ID] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	grants, err := queryGrants(ctx, db.read, where{})
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	for _, g := range grants {
		if u := byID[g.UserID]; u != nil {
			u.Grants = append(u.Grants, g)
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
