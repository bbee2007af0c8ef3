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

// SaveAnnualReport stores an agency's report for a year (a published report brought in by import), and audits it.
// Errors: EInvalid (no such agency, no year), EConflict (the agency already has a report for that year).
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
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getAgency(ctx, tx, rep.AgencyID); err != nil {
			return disclosure.Errorf(disclosure.EInvalid, "单位（编号 %d）不存在", rep.AgencyID)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO annual_reports (agency_id, year, era, source, data, created_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			rep.AgencyID, rep.Year, rep.Era, rep.Source, string(rep.Data), rep.CreatedAt.UnixMicro(), rep.Status).Scan(&rep.ID)
		if db.d.uniqueIndex(err) != "" {
			return disclosure.Errorf(disclosure.EConflict, "该单位已有 %d 年度的报告", rep.Year)
		}
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "annual_report.create", "annual_report", strconv.FormatInt(rep.ID, 10), nil,
			map[string]any{"agency_id": rep.AgencyID, "year": rep.Year, "era": rep.Era, "source": rep.Source})
	})
	if err != nil {
		return fmt.Errorf("store: save annual report: %w", err)
	}
	return nil
}

// ListAnnualReports returns an agency's reports, newest year first, without their contents.
func (db *DB) ListAnnualReports(ctx context.Context, agencyID int64) ([]disclosure.AnnualReport, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, agency_id, year, era, source, created_at, status FROM annual_reports WHERE agency_id = $1 ORDER BY year DESC`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("store: list annual reports: %w", err)
	}
	defer rows.Close()
	var out []disclosure.AnnualReport
	for rows.Next() {
		var r disclosure.AnnualReport
		var created int64
		if err := rows.Scan(&r.ID, &r.AgencyID, &r.Year, &r.Era, &r.Source, &created, &r.Status); err != nil {
			return nil, fmt.Errorf("store: list annual reports: %w", err)
		}
		r.CreatedAt = time.UnixMicro(created).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetAnnualReport returns an agency's report for a year with its contents. Errors: ENotFound.
func (db *DB) GetAnnualReport(ctx context.Context, agencyID int64, year int) (*disclosure.AnnualReport, error) {
	var r disclosure.AnnualReport
	var created int64
	var data string
	err := db.read.QueryRowContext(ctx, `SELECT id, agency_id, year, era, source, data, created_at, status FROM annual_reports WHERE agency_id = $1 AND year = $2`, agencyID, year).
		Scan(&r.ID, &r.AgencyID, &r.Year, &r.Era, &r.Source, &data, &created, &r.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有 %d 年度的报告", year)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get annual report: %w", err)
	}
	r.Data = []byte(data)
	r.CreatedAt = time.UnixMicro(created).UTC()
	return &r, nil
}
