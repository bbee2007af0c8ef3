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

// SaveAnnualReport stores an agency's report for a year (a published report brought in by import) as its first
// version, and audits it. Errors: EInvalid (no such agency, no year), EConflict (the agency already has a report for
// that year).
func (db *DB) SaveAnnualReport(ctx context.Context, actor disclosure.Actor, rep *disclosure.AnnualReport) error {
	if rep.Year <= 0 {
		return disclosure.Errorf(disclosure.EInvalid, "年度报告须有报告年度")
	}
	if rep.Status == "" {
		rep.Status = "published"
	}
	if rep.Status != "published" && rep.Status != "draft" {
		return disclosure.Errorf(disclosure.EInvalid, "年度报告状态应为 published 或 draft")
	}
	rep.CreatedAt = db.now().UTC().Truncate(time.Microsecond)
	rep.UpdatedAt, rep.Version = rep.CreatedAt, 1
	var published any
	if rep.Status == "published" {
		t := rep.CreatedAt
		rep.PublishedAt = &t
		published = t.UnixMicro()
	}
	entered, err := json.Marshal(nonNil(rep.Entered))
	if err != nil {
		return err
	}
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getAgency(ctx, tx, rep.AgencyID); err != nil {
			return disclosure.Errorf(disclosure.EInvalid, "单位（编号 %d）不存在", rep.AgencyID)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO annual_reports (agency_id, year, era, source, data, created_at, status, version, entered, updated_at, published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $10) RETURNING id`,
			rep.AgencyID, rep.Year, rep.Era, rep.Source, string(rep.Data), rep.CreatedAt.UnixMicro(), rep.Status, string(entered), rep.CreatedAt.UnixMicro(), published).Scan(&rep.ID)
		if db.d.uniqueIndex(err) != "" {
			return disclosure.Errorf(disclosure.EConflict, "该单位已有 %d 年度的报告", rep.Year)
		}
		if err != nil {
			return err
		}
		if err := insertAnnualVersion(ctx, tx, rep, false, "", actor, rep.CreatedAt); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "annual_report.create", "annual_report", strconv.FormatInt(rep.ID, 10), nil,
			map[string]any{"agency_id": rep.AgencyID, "year": rep.Year, "era": rep.Era, "source": rep.Source, "status": rep.Status, "version": 1, "data_sha256": dataHash(rep.Data)})
	})
	if err != nil {
		return fmt.Errorf("store: save annual report: %w", err)
	}
	return nil
}

const annualColumns = `id, agency_id, year, era, source, created_at, status, version, entered, updated_at, submitted_by, published_at`

func scanAnnual(scan func(...any) error, data *string) (*disclosure.AnnualReport, error) {
	var r disclosure.AnnualReport
	var created, updated int64
	var entered string
	var submitted, published sql.NullInt64
	dest := []any{&r.ID, &r.AgencyID, &r.Year, &r.Era, &r.Source, &created, &r.Status, &r.Version, &entered, &updated, &submitted, &published}
	if data != nil {
		dest = append(dest, data)
	}
	if err := scan(dest...); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	if submitted.Valid {
		r.SubmittedBy = &submitted.Int64
	}
	if published.Valid {
		t := time.UnixMicro(published.Int64).UTC()
		r.PublishedAt = &t
	}
	if err := json.Unmarshal([]byte(entered), &r.Entered); err != nil {
		return nil, fmt.Errorf("annual report %d: entered: %w", r.ID, err)
	}
	if data != nil {
		r.Data = []byte(*data)
	}
	return &r, nil
}

// ListAnnualReports returns an agency's reports in every state, newest year first, without their contents.
func (db *DB) ListAnnualReports(ctx context.Context, agencyID int64) ([]disclosure.AnnualReport, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+annualColumns+` FROM annual_reports WHERE agency_id = $1 ORDER BY year DESC`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("store: list annual reports: %w", err)
	}
	defer rows.Close()
	var out []disclosure.AnnualReport
	for rows.Next() {
		r, err := scanAnnual(rows.Scan, nil)
		if err != nil {
			return nil, fmt.Errorf("store: list annual reports: %w", err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// GetAnnualReport returns an agency's report for a year, in whatever state, with the contents of its current
// version. Errors: ENotFound.
func (db *DB) GetAnnualReport(ctx context.Context, agencyID int64, year int) (*disclosure.AnnualReport, error) {
	var data string
	r, err := scanAnnual(db.read.QueryRowContext(ctx, `SELECT `+annualColumns+`, data FROM annual_reports WHERE agency_id = $1 AND year = $2`, agencyID, year).Scan, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有 %d 年度的报告", year)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get annual report: %w", err)
	}
	return r, nil
}
