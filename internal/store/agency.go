package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

const agencyColumns = `id, parent_id, kind, name, short_name, uscc, division_code, contacts, created_at, updated_at, settings`

// CreateAgency validates and inserts a, sets its ID and times, and records the change in the audit trail in the
// same transaction. Errors: EInvalid (a field or the parent), EConflict (a duplicate 统一社会信用代码 or name).
func (db *DB) CreateAgency(ctx context.Context, actor disclosure.Actor, a *disclosure.Agency) error {
	if err := a.Validate(); err != nil {
		return err
	}
	now := db.now().UTC().Truncate(time.Microsecond)
	a.CreatedAt, a.UpdatedAt = now, now
	contacts, _ := json.Marshal(a.Contacts)
	settings, _ := json.Marshal(a.Settings)
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if a.ParentID != nil {
			if _, err := getAgency(ctx, tx, *a.ParentID); err != nil {
				return disclosure.Errorf(disclosure.EInvalid, "上级单位（编号 %d）不存在", *a.ParentID)
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO agencies (parent_id, kind, name, short_name, uscc, division_code, contacts, created_at, updated_at, settings)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			a.ParentID, a.Kind, a.Name, a.ShortName, nullIfEmpty(a.USCC), a.DivisionCode, string(contacts), now.UnixMicro(), now.UnixMicro(), string(settings)).Scan(&a.ID)
		if err != nil {
			return db.agencyConflict(err, a)
		}
		return db.appendAudit(ctx, tx, actor, "agency.create", "agency", strconv.FormatInt(a.ID, 10), nil, a)
	})
	if err != nil {
		return fmt.Errorf("store: create agency: %w", err)
	}
	return nil
}

// UpdateAgency saves a changed agency and records before → after in the audit trail. Errors: ENotFound, EInvalid,
// EConflict.
func (db *DB) UpdateAgency(ctx context.Context, actor disclosure.Actor, a *disclosure.Agency) error {
	if err := a.Validate(); err != nil {
		return err
	}
	a.UpdatedAt = db.now().UTC().Truncate(time.Microsecond)
	contacts, _ := json.Marshal(a.Contacts)
	settings, _ := json.Marshal(a.Settings)
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		before, err := getAgency(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		if a.ParentID != nil && *a.ParentID == a.ID {
			return disclosure.Errorf(disclosure.EInvalid, "单位不能是自己的上级")
		}
		a.CreatedAt = before.CreatedAt
		_, err = tx.ExecContext(ctx, `UPDATE agencies SET parent_id = $1, kind = $2, name = $3, short_name = $4, uscc = $5, division_code = $6,
			contacts = $7, updated_at = $8, settings = $9 WHERE id = $10`,
			a.ParentID, a.Kind, a.Name, a.ShortName, nullIfEmpty(a.USCC), a.DivisionCode, string(contacts), a.UpdatedAt.UnixMicro(), string(settings), a.ID)
		if err != nil {
			return db.agencyConflict(err, a)
		}
		return db.appendAudit(ctx, tx, actor, "agency.update", "agency", strconv.FormatInt(a.ID, 10), before, a)
	})
	if err != nil {
		return fmt.Errorf("store: update agency: %w", err)
	}
	return nil
}

func (db *DB) agencyConflict(err error, a *disclosure.Agency) error {
	if db.d.uniqueViolation(err) {
		if a.USCC != "" {
			return disclosure.Errorf(disclosure.EConflict, "已有单位使用统一社会信用代码 %s，或同一上级下已有名为“%s”的单位", a.USCC, a.Name)
		}
		return disclosure.Errorf(disclosure.EConflict, "同一上级下已有名为“%s”的单位", a.Name)
	}
	return err
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getAgency(ctx context.Context, q queryer, id int64) (*disclosure.Agency, error) {
	row := q.QueryRowContext(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE id = $1`, id)
	a, err := scanAgency(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的单位", id)
	}
	return a, err
}

func scanAgency(scan func(...any) error) (*disclosure.Agency, error) {
	var a disclosure.Agency
	var parent sql.NullInt64
	var uscc sql.NullString
	var contacts, settings string
	var created, updated int64
	if err := scan(&a.ID, &parent, &a.Kind, &a.Name, &a.ShortName, &uscc, &a.DivisionCode, &contacts, &created, &updated, &settings); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(settings), &a.Settings); err != nil {
		return nil, fmt.Errorf("agency %d settings: %w", a.ID, err)
	}
	a.Settings = a.Settings.WithDefaults()
	if parent.Valid {
		a.ParentID = &parent.Int64
	}
	a.USCC = uscc.String
	if err := json.Unmarshal([]byte(contacts), &a.Contacts); err != nil {
		return nil, fmt.Errorf("agency %d contacts: %w", a.ID, err)
	}
	a.CreatedAt, a.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return &a, nil
}

// GetAgency returns the agency with the given ID. Errors: ENotFound.
func (db *DB) GetAgency(ctx context.Context, id int64) (*disclosure.Agency, error) {
	a, err := getAgency(ctx, db.read, id)
	if err != nil {
		return nil, fmt.Errorf("store: get agency: %w", err)
	}
	return a, nil
}

// ListAgencies returns all agencies ordered by hierarchy position and name, or, with root set, the agency and
// everything below it.
func (db *DB) ListAgencies(ctx context.Context, root *int64) ([]*disclosure.Agency, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+agencyColumns+` FROM agencies ORDER BY COALESCE(parent_id, 0), name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list agencies: %w", err)
	}
	defer rows.Close()
	var all []*disclosure.Agency
	for rows.Next() {
		a, err := scanAgency(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: list agencies: %w", err)
		}
		all = append(all, a)
	}
	if err := rows.Err(); err != nil || root == nil {
		return all, err
	}
	in := map[int64]bool{*root: true}
	for changed := true; changed; {
		changed = false
		for _, a := range all {
			if !in[a.ID] && a.ParentID != nil && in[*a.ParentID] {
				in[a.ID], changed = true, true
			}
		}
	}
	var out []*disclosure.Agency
	for _, a := range all {
		if in[a.ID] {
			out = append(out, a)
		}
	}
	return out, nil
}
