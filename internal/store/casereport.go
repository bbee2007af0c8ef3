package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// yearBounds are the first and last day of a year as stored dates.
func yearBounds(year int) (string, string) {
	return fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
}

func agencyIn(w *where, ids []int64) {
	if len(ids) == 0 {
		w.clauses = append(w.clauses, "1 = 0")
		return
	}
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = w.next(id)
	}
	w.clauses = append(w.clauses, "agency_id IN ("+strings.Join(ph, ", ")+")")
}

// RequestCounts counts section 三 of a year for the agencies from live cases in one pass: the cases counted in the
// year (received by its end and not closed before its start), grouped by applicant type and outcome, each split
// into 一 new / 二 carried over by the receipt date and into a result or 四 carried forward by the closing date.
// Rows are the table's row IDs in the current format's terms (outcome IDs); the caller maps them to the year's
// format (casework.RequestsGrid).
func (db *DB) RequestCounts(ctx context.Context, agencyIDs []int64, year int) ([]disclosure.CellCount, error) {
	y0, y1 := yearBounds(year)
	var w where
	agencyIn(&w, agencyIDs)
	w.clauses = append(w.clauses, "kind = 'disclosure'", "state <> 'referred'") // a referral not yet registered is not received (Art 31)
	start, end := w.next(y0), w.next(y1)
	w.clauses = append(w.clauses, "received_on <= "+end, "(closed_on IS NULL OR closed_on >= "+start+")")
	q := `SELECT applicant_type, outcome,
		SUM(CASE WHEN received_on >= ` + start + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN received_on < ` + start + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN closed_on <= ` + end + ` THEN 1 ELSE 0 END),
		SUM(CASE WHEN closed_on IS NULL OR closed_on > ` + end + ` THEN 1 ELSE 0 END)
		FROM applications` + w.sql() + ` GROUP BY applicant_type, outcome`
	rows, err := db.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: request counts: %w", err)
	}
	defer rows.Close()
	sums := map[[2]string]int{}
	for rows.Next() {
		var col, outcome string
		var fresh, carried, closed, forward int
		if err := rows.Scan(&col, &outcome, &fresh, &carried, &closed, &forward); err != nil {
			return nil, fmt.Errorf("store: request counts: %w", err)
		}
		sums[[2]string{"new", col}] += fresh
		sums[[2]string{"carried_over", col}] += carried
		sums[[2]string{"carry_forward", col}] += forward
		if closed > 0 {
			sums[[2]string{outcome, col}] += closed
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: request counts: %w", err)
	}
	out := make([]disclosure.CellCount, 0, len(sums))
	for k, n := range sums {
		if n > 0 {
			out = append(out, disclosure.CellCount{Row: k[0], Column: k[1], N: n})
		}
	}
	return out, nil
}

// reportCellWhere selects the cases counted in one cell of section 三 of the year, by the same rules as
// RequestCounts: the cell links of the console list exactly the cases behind each figure.
func reportCellWhere(w *where, year int, row, col string) {
	y0, y1 := yearBounds(year)
	w.clauses = append(w.clauses, "kind = 'disclosure'", "state <> 'referred'") // a referral not yet registered is not received (Art 31)
	// PostgreSQL must know every parameter's type, so only the bounds a cell uses are passed.
	closedIn := func() { w.clauses = append(w.clauses, "closed_on >= "+w.next(y0), "closed_on <= "+w.next(y1)) }
	switch row {
	case "new":
		w.clauses = append(w.clauses, "received_on >= "+w.next(y0), "received_on <= "+w.next(y1))
	case "carried_over":
		start := w.next(y0)
		w.clauses = append(w.clauses, "received_on < "+start, "(closed_on IS NULL OR closed_on >= "+start+")")
	case "carry_forward":
		end := w.next(y1)
		w.clauses = append(w.clauses, "received_on <= "+end, "(closed_on IS NULL OR closed_on > "+end+")")
	case "total":
		closedIn()
	case "other":
		// the trial format's single row （六）其他处理
		closedIn()
		w.clauses = append(w.clauses, "outcome LIKE 'other.%'")
	default:
		closedIn()
		w.add("outcome = $%d", row)
	}
	if col != "" && col != "total" {
		w.add("applicant_type = $%d", col)
	}
}

// BareRequestGroupBy is the plainest query over the same rows as RequestCounts: a count per applicant type and
// outcome of the year's closed cases. It exists as the benchmark's baseline.
func (db *DB) BareRequestGroupBy(ctx context.Context, agencyID int64, year int) (int, error) {
	y0, y1 := yearBounds(year)
	rows, err := db.read.QueryContext(ctx, `SELECT applicant_type, outcome, COUNT(*) FROM applications WHERE agency_id = $1 AND kind = 'disclosure' AND state <> 'referred' AND received_on >= $2 AND received_on <= $3 GROUP BY applicant_type, outcome`, agencyID, y0, y1)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var a, b string
		var c int
		if err := rows.Scan(&a, &b, &c); err != nil {
			return 0, err
		}
		n += c
	}
	return n, rows.Err()
}

// AppealCounts counts section 四 of a year: appeals filed in the year by kind, with the result as it stood on 31
// December (尚未审结 when decided later).
func (db *DB) AppealCounts(ctx context.Context, agencyIDs []int64, year int) ([]disclosure.CellCount, error) {
	y0, y1 := yearBounds(year)
	var w where
	agencyIn(&w, agencyIDs)
	start, end := w.next(y0), w.next(y1)
	w.clauses = append(w.clauses, "filed_on >= "+start, "filed_on <= "+end)
	q := `SELECT kind, CASE WHEN result = 'pending' OR decided_on IS NULL OR decided_on > ` + end + ` THEN 'pending' ELSE result END AS r, COUNT(*)
		FROM appeals` + w.sql() + ` GROUP BY 1, 2`
	rows, err := db.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: appeal counts: %w", err)
	}
	defer rows.Close()
	var out []disclosure.CellCount
	for rows.Next() {
		var c disclosure.CellCount
		if err := rows.Scan(&c.Row, &c.Column, &c.N); err != nil {
			return nil, fmt.Errorf("store: appeal counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

const appealColumns = `id, agency_id, application_id, kind, filed_on, body, case_number, result, decided_on, note, created_at, updated_at, version`

func scanAppeal(scan func(...any) error) (*disclosure.Appeal, error) {
	var a disclosure.Appeal
	var app sql.NullInt64
	var filed, decided sql.NullString
	var created, updated int64
	if err := scan(&a.ID, &a.AgencyID, &app, &a.Kind, &filed, &a.Body, &a.CaseNumber, &a.Result, &decided, &a.Note, &created, &updated, &a.Version); err != nil {
		return nil, err
	}
	var err error
	if a.FiledOn, err = scanDate(filed); err != nil {
		return nil, err
	}
	if a.DecidedOn, err = scanDate(decided); err != nil {
		return nil, err
	}
	if app.Valid {
		a.ApplicationID = &app.Int64
	}
	a.CreatedAt, a.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return &a, nil
}

// AppealCheck decides, inside the transaction that saves an appeal, which published report years the change
// alters (casework.AppealStep): it returns the corrections to record, or an error to refuse the change.
type AppealCheck func(ctx context.Context, before, after *disclosure.Appeal, tx disclosure.CaseTx) ([]disclosure.ReportCorrection, error)

// SaveAppeal creates (ID 0) or updates a reconsideration or lawsuit, after check, and audits it. An update must
// carry the version it was read at. Errors: EInvalid, ENotFound, EConflict (a stale version, or check's refusal).
func (db *DB) SaveAppeal(ctx context.Context, actor disclosure.Actor, a *disclosure.Appeal, check AppealCheck) error {
	if err := a.Validate(); err != nil {
		return err
	}
	now := db.now().UTC().Truncate(time.Microsecond)
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getAgency(ctx, tx, a.AgencyID); err != nil {
			return disclosure.Errorf(disclosure.EInvalid, "单位（编号 %d）不存在", a.AgencyID)
		}
		if a.ApplicationID != nil {
			c, err := getCase(ctx, tx, `id = $1`, *a.ApplicationID)
			if err != nil {
				return err
			}
			if c.AgencyID != a.AgencyID {
				return disclosure.Errorf(disclosure.EInvalid, "所关联的申请不属于本单位")
			}
		}
		var before *disclosure.Appeal
		if a.ID != 0 {
			b, err := scanAppeal(tx.QueryRowContext(ctx, `SELECT `+appealColumns+` FROM appeals WHERE id = $1`+db.d.forUpdate(), a.ID).Scan)
			if errors.Is(err, sql.ErrNoRows) {
				return disclosure.Errorf(disclosure.ENotFound, "没有找到该复议或诉讼案件")
			}
			if err != nil {
				return err
			}
			if b.Version != a.Version {
				return disclosure.Errorf(disclosure.EConflict, "该案件已被他人更新，请刷新页面后再操作")
			}
			before = b
		}
		corrections, err := check(ctx, before, a, caseTx{db, tx})
		if err != nil {
			return err
		}
		a.UpdatedAt = now
		if before == nil {
			a.CreatedAt, a.Version = now, 1
			err = tx.QueryRowContext(ctx, `INSERT INTO appeals (agency_id, application_id, kind, filed_on, body, case_number, result, decided_on, note, created_at, updated_at, version)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
				a.AgencyID, a.ApplicationID, string(a.Kind), dateArg(a.FiledOn), a.Body, a.CaseNumber, string(a.Result), dateArg(a.DecidedOn), a.Note, now.UnixMicro(), now.UnixMicro(), a.Version).Scan(&a.ID)
		} else {
			a.CreatedAt, a.Version = before.CreatedAt, before.Version+1
			_, err = tx.ExecContext(ctx, `UPDATE appeals SET agency_id = $1, application_id = $2, kind = $3, filed_on = $4, body = $5, case_number = $6, result = $7,
				decided_on = $8, note = $9, updated_at = $10, version = $11 WHERE id = $12`,
				a.AgencyID, a.ApplicationID, string(a.Kind), dateArg(a.FiledOn), a.Body, a.CaseNumber, string(a.Result), dateArg(a.DecidedOn), a.Note, now.UnixMicro(), a.Version, a.ID)
		}
		if err != nil {
			return err
		}
		for _, c := range corrections {
			c.AppealID = &a.ID
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_corrections (agency_id, year, reason, application_id, appeal_id, actor_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				c.AgencyID, c.Year, c.Reason, c.ApplicationID, c.AppealID, actor.Name, now.UnixMicro()); err != nil {
				return err
			}
		}
		action := "appeal.update"
		if before == nil {
			action = "appeal.create"
		}
		var b any
		if before != nil {
			b = before
		}
		return db.appendAudit(ctx, tx, actor, action, "appeal", strconv.FormatInt(a.ID, 10), b, a)
	})
	if err != nil {
		return fmt.Errorf("store: save appeal: %w", err)
	}
	return nil
}

// GetAppeal returns an appeal. Errors: ENotFound.
func (db *DB) GetAppeal(ctx context.Context, id int64) (*disclosure.Appeal, error) {
	a, err := scanAppeal(db.read.QueryRowContext(ctx, `SELECT `+appealColumns+` FROM appeals WHERE id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有找到该复议或诉讼案件")
	}
	if err != nil {
		return nil, fmt.Errorf("store: get appeal: %w", err)
	}
	return a, nil
}

// AppealFilter selects appeals.
type AppealFilter struct {
	AgencyIDs     []int64
	ApplicationID *int64
	// Year, Kind and Result select the appeals counted in one cell of section 四 of the year.
	Year   int
	Kind   disclosure.AppealKind
	Result disclosure.AppealResult
}

// ListAppeals returns the appeals the filter selects, newest filing first.
func (db *DB) ListAppeals(ctx context.Context, f AppealFilter) ([]disclosure.Appeal, error) {
	var w where
	if f.AgencyIDs != nil {
		agencyIn(&w, f.AgencyIDs)
	}
	if f.ApplicationID != nil {
		w.add("application_id = $%d", *f.ApplicationID)
	}
	if f.Year != 0 {
		y0, y1 := yearBounds(f.Year)
		w.add("filed_on >= $%d", y0)
		end := w.next(y1)
		w.clauses = append(w.clauses, "filed_on <= "+end)
		switch f.Result {
		case "":
		case disclosure.Pending:
			w.clauses = append(w.clauses, "(result = 'pending' OR decided_on IS NULL OR decided_on > "+end+")")
		default:
			w.add("result = $%d", string(f.Result))
			w.clauses = append(w.clauses, "decided_on <= "+end)
		}
	}
	if f.Kind != "" {
		w.add("kind = $%d", string(f.Kind))
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+appealColumns+` FROM appeals`+w.sql()+` ORDER BY filed_on DESC, id DESC LIMIT 1000`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list appeals: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Appeal
	for rows.Next() {
		a, err := scanAppeal(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: list appeals: %w", err)
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// ReportCorrections returns the corrections recorded for an agency's published report of a year, oldest first.
func (db *DB) ReportCorrections(ctx context.Context, agencyID int64, year int) ([]disclosure.ReportCorrection, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT agency_id, year, reason, application_id, appeal_id FROM report_corrections WHERE agency_id = $1 AND year = $2 ORDER BY id`, agencyID, year)
	if err != nil {
		return nil, fmt.Errorf("store: report corrections: %w", err)
	}
	defer rows.Close()
	var out []disclosure.ReportCorrection
	for rows.Next() {
		var c disclosure.ReportCorrection
		var app, appeal sql.NullInt64
		if err := rows.Scan(&c.AgencyID, &c.Year, &c.Reason, &app, &appeal); err != nil {
			return nil, err
		}
		if app.Valid {
			c.ApplicationID = &app.Int64
		}
		if appeal.Valid {
			c.AppealID = &appeal.Int64
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// OpenCaseIDs returns the IDs of every case not yet closed, for recomputing deadlines when the calendar changes.
func (db *DB) OpenCaseIDs(ctx context.Context) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM applications WHERE closed_on IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: open cases: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SetDue stores a case's recomputed deadline (after a change of the calendar) without an event: the ledger did not
// change, only what the calendar makes of it. It is audited.
func (db *DB) SetDue(ctx context.Context, actor disclosure.Actor, id int64, due, stepDue workday.Date, paused bool) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		var old, oldStep sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT due, step_due FROM applications WHERE id = $1`+db.d.forUpdate(), id).Scan(&old, &oldStep); err != nil {
			return err
		}
		same := func(o sql.NullString, d workday.Date) bool { return o.String == d.String() || (!o.Valid && d.IsZero()) }
		if same(old, due) && same(oldStep, stepDue) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET due = $1, step_due = $2, paused = $3 WHERE id = $4`, dateArg(due), dateArg(stepDue), paused, id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "case.recompute_due", "application", strconv.FormatInt(id, 10),
			map[string]any{"due": old.String, "step_due": oldStep.String}, map[string]any{"due": due.String(), "step_due": dateArg(stepDue)})
	})
	if err != nil {
		return fmt.Errorf("store: set due: %w", err)
	}
	return nil
}

// FeeTotals returns the 信息处理费 of a year for the agencies, for report section 六(一): the number of applications
// whose fee was paid in the year and the amount in 元. Waived and unpaid fees are not collected.
func (db *DB) FeeTotals(ctx context.Context, agencyIDs []int64, year int) (cases, amount int, err error) {
	var w where
	agencyIn(&w, agencyIDs)
	w.clauses = append(w.clauses, "fee <> ''")
	rows, err := db.read.QueryContext(ctx, `SELECT fee FROM applications`+w.sql(), w.args...)
	if err != nil {
		return 0, 0, fmt.Errorf("store: fee totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return 0, 0, fmt.Errorf("store: fee totals: %w", err)
		}
		var f disclosure.FeeNotice
		if json.Unmarshal([]byte(raw), &f) != nil || !f.Paid || f.SettledOn.Year != year {
			continue
		}
		cases++
		amount += f.Amount
	}
	return cases, amount, rows.Err()
}
