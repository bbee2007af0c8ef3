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
		if a.ParentID != nil {
			if *a.ParentID == a.ID {
				return disclosure.Errorf(disclosure.EInvalid, "单位不能是自己的上级")
			}
			if _, err := getAgency(ctx, tx, *a.ParentID); err != nil {
				return disclosure.Errorf(disclosure.EInvalid, "上级单位（编号 %d）不存在", *a.ParentID)
			}
			below, err := findAgencies(ctx, tx, disclosure.AgencyFilter{Subtree: &a.ID})
			if err != nil {
				return err
			}
			for _, b := range below {
				if b.ID == *a.ParentID {
					return disclosure.Errorf(disclosure.EInvalid, "不能把单位移到它自己的下级单位“%s”之下", b.Name)
				}
			}
		}
		a.CreatedAt = before.CreatedAt
		_, err = tx.ExecContext(ctx, `UPDATE agencies SET parent_id = $1, kind = $2, name = $3, short_name = $4, uscc = $5, division_code = $6,
			contacts = $7, updated_at = $8, settings = $9 WHERE id = $10`,
			a.ParentID, a.Kind, a.Name, a.ShortName, nullIfEmpty(a.USCC), a.DivisionCode, string(contacts), a.UpdatedAt.UnixMicro(), string(settings), a.ID)
		if err != nil {
			return db.agencyConflict(err, a)
		}
		if derefID(before.ParentID) != derefID(a.ParentID) {
			if _, err := tx.ExecContext(ctx, `UPDATE agencies SET moved_at = $1 WHERE id = $2`, a.UpdatedAt.UnixMicro(), a.ID); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, actor, "agency.update", "agency", strconv.FormatInt(a.ID, 10), before, a)
	})
	if err != nil {
		return fmt.Errorf("store: update agency: %w", err)
	}
	return nil
}

// agencyConflict turns a unique violation into the conflict a user can act on.
func (db *DB) agencyConflict(err error, a *disclosure.Agency) error {
	switch db.d.uniqueIndex(err) {
	case "":
		return err
	case "agencies_uscc":
		return disclosure.Errorf(disclosure.EConflict, "统一社会信用代码 %s 已被其他单位使用，请核对", a.USCC)
	case "agencies_parent_name":
		return disclosure.Errorf(disclosure.EConflict, "同一上级单位下已有名为“%s”的单位", a.Name)
	}
	return disclosure.Errorf(disclosure.EConflict, "单位“%s”与已有单位重复", a.Name)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// queryer is what *sql.DB and *sql.Tx share, so that helpers run inside a transaction or on the read pool.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
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

// FindAgencies returns the agencies the filter selects, ordered by parent (top-level agencies first), then name.
func (db *DB) FindAgencies(ctx context.Context, f disclosure.AgencyFilter) ([]*disclosure.Agency, error) {
	out, err := findAgencies(ctx, db.read, f)
	if err != nil {
		return nil, fmt.Errorf("store: find agencies: %w", err)
	}
	return out, nil
}

// ListAgencies returns all agencies, or, with root set, the agency and everything below it.
func (db *DB) ListAgencies(ctx context.Context, root *int64) ([]*disclosure.Agency, error) {
	out, err := findAgencies(ctx, db.read, disclosure.AgencyFilter{Subtree: root})
	if err != nil {
		return nil, fmt.Errorf("store: list agencies: %w", err)
	}
	return out, nil
}

// agenciesMoved reports whether any agency was ever moved under another parent: then search terms written before
// may name an agency's former parents.
func (db *DB) agenciesMoved(ctx context.Context) (bool, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM agencies WHERE moved_at IS NOT NULL LIMIT 1) AS m`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: agency moves: %w", err)
	}
	return n > 0, nil
}

// subtreeIDs returns the IDs of the agencies and of every unit below them, each once; agencies that do not exist
// add nothing.
func (db *DB) subtreeIDs(ctx context.Context, ids []int64) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if seen[id] {
			continue
		}
		below, err := findAgencies(ctx, db.read, disclosure.AgencyFilter{Subtree: &id})
		if err != nil {
			return nil, fmt.Errorf("store: agency subtree: %w", err)
		}
		for _, a := range below {
			if !seen[a.ID] {
				seen[a.ID] = true
				out = append(out, a.ID)
			}
		}
	}
	return out, nil
}

// AgencySubtree returns the agency and everything below it. Errors: ENotFound.
func (db *DB) AgencySubtree(ctx context.Context, id int64) ([]*disclosure.Agency, error) {
	out, err := findAgencies(ctx, db.read, disclosure.AgencyFilter{Subtree: &id})
	if err == nil && len(out) == 0 {
		err = disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的单位", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: agency subtree: %w", err)
	}
	return out, nil
}

func findAgencies(ctx context.Context, q queryer, f disclosure.AgencyFilter) ([]*disclosure.Agency, error) {
	var w where
	with := ""
	if f.Subtree != nil {
		// UNION, not UNION ALL: should the hierarchy ever hold a cycle, the walk still ends.
		with = `WITH RECURSIVE subtree (id) AS (
			SELECT id FROM agencies WHERE id = ` + w.next(*f.Subtree) + `
			UNION SELECT a.id FROM agencies a JOIN subtree s ON a.parent_id = s.id) `
		w.clauses = append(w.clauses, "id IN (SELECT id FROM subtree)")
	}
	if f.ParentID != nil {
		w.add("parent_id = $%d", *f.ParentID)
	}
	if f.Kind != "" {
		w.add("kind = $%d", string(f.Kind))
	}
	rows, err := q.QueryContext(ctx, with+`SELECT `+agencyColumns+` FROM agencies`+w.sql()+` ORDER BY COALESCE(parent_id, 0), name, id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*disclosure.Agency
	for rows.Next() {
		a, err := scanAgency(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
