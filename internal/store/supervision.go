package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/workday"
)

// What the supervising office (政务公开办) reads across the agencies of its region: every agency's annual report of a
// year in one query, and the items behind the Art 26 figures.

// AnnualOverview is an agency's report of a year with its contents (the current version) and its corrections.
type AnnualOverview struct {
	disclosure.AnnualReport
	// Corrections counts the published corrections (更正); CorrectedAt is the latest one's time and Reason its reason.
	Corrections int
	CorrectedAt *time.Time
	Reason      string
}

// AnnualOverviews returns the reports of the year of the agencies, in any state, with their contents and
// corrections, by agency ID. Agencies without a report for the year are absent.
func (db *DB) AnnualOverviews(ctx context.Context, agencyIDs []int64, year int) ([]AnnualOverview, error) {
	if len(agencyIDs) == 0 {
		return nil, nil
	}
	cols := strings.Split(annualColumns, ", ")
	for i, c := range cols {
		cols[i] = "r." + c
	}
	var w where
	agencyIn(&w, agencyIDs)
	w.clauses[0] = "r." + w.clauses[0]
	w.add("r.year = $%d", year)
	q := `SELECT ` + strings.Join(cols, ", ") + `, r.data, COALESCE(c.n, 0), c.last_at,
		(SELECT v.reason FROM annual_report_versions v WHERE v.report_id = r.id AND v.correction = TRUE ORDER BY v.version DESC LIMIT 1)
		FROM annual_reports r LEFT JOIN (SELECT report_id, COUNT(*) AS n, MAX(at) AS last_at FROM annual_report_versions WHERE correction = TRUE GROUP BY report_id) c
		ON c.report_id = r.id` + w.sql() + ` ORDER BY r.agency_id`
	rows, err := db.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: annual overviews: %w", err)
	}
	defer rows.Close()
	var out []AnnualOverview
	for rows.Next() {
		var o AnnualOverview
		var data string
		var last sql.NullInt64
		var reason sql.NullString
		r, err := scanAnnual(func(dest ...any) error {
			return rows.Scan(append(dest, &o.Corrections, &last, &reason)...)
		}, &data)
		if err != nil {
			return nil, fmt.Errorf("store: annual overviews: %w", err)
		}
		o.AnnualReport = *r
		if last.Valid {
			t := time.UnixMicro(last.Int64).UTC()
			o.CorrectedAt = &t
		}
		o.Reason = reason.String
		out = append(out, o)
	}
	return out, rows.Err()
}

// maxLateItems bounds the late items a list shows; LateItems still counts them all.
const maxLateItems = 500

// LateItems returns the agencies' items published in the year later than Art 26's 20 working days after they were
// formed or changed — the items LateCount counts — most recently published first, at most limit (≤ 500) of them,
// and how many there are in all. publishBy gives the last day for a formed date (catalogue.PublishBy with the
// calendar).
func (db *DB) LateItems(ctx context.Context, agencyIDs []int64, year int, publishBy func(workday.Date) workday.Date, limit int) ([]disclosure.Item, int, error) {
	if limit <= 0 || limit > maxLateItems {
		limit = maxLateItems
	}
	y0, y1 := yearBounds(year)
	var w where
	agencyIn(&w, agencyIDs)
	w.clauses = append(w.clauses, "state IN ('published', 'withdrawn')", "formed_on IS NOT NULL")
	w.add("published_on >= $%d", y0)
	w.add("published_on <= $%d", y1)
	rows, err := db.read.QueryContext(ctx, `SELECT id, formed_on, published_on FROM items`+w.sql()+` ORDER BY published_on DESC, id DESC`, w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: late items: %w", err)
	}
	var ids []int64
	total := 0
	for rows.Next() {
		var id int64
		var formed, published sql.NullString
		if err := rows.Scan(&id, &formed, &published); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("store: late items: %w", err)
		}
		f, err1 := scanDate(formed)
		p, err2 := scanDate(published)
		if err1 != nil || err2 != nil || !p.After(publishBy(f)) {
			continue
		}
		total++
		if len(ids) < limit {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: late items: %w", err)
	}
	if len(ids) == 0 {
		return nil, total, nil
	}
	var iw where
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = iw.next(id)
	}
	items, err := db.read.QueryContext(ctx, `SELECT `+itemColumns+` FROM items WHERE id IN (`+strings.Join(ph, ", ")+`)`, iw.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: late items: %w", err)
	}
	defer items.Close()
	byID := map[int64]disclosure.Item{}
	for items.Next() {
		it, err := scanItem(items.Scan)
		if err != nil {
			return nil, 0, fmt.Errorf("store: late items: %w", err)
		}
		byID[it.ID] = *it
	}
	if err := items.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: late items: %w", err)
	}
	out := make([]disclosure.Item, 0, len(ids))
	for _, id := range ids {
		if it, ok := byID[id]; ok {
			out = append(out, it)
		}
	}
	return out, total, nil
}
