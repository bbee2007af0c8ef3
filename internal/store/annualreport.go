package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// The annual report's workflow: draft → in_review → published, every save a kept version, a published report
// changed only by a correction with a reason. annual_reports.data is always the current version's, so the portal
// (which shows only published reports) reads the latest published text; earlier versions stay in
// annual_report_versions.

// maxAnnualData bounds a stored report's JSON; a full report is about 20 KB.
const maxAnnualData = 2 << 20

func dataHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func checkAnnualData(data json.RawMessage, entered []string) error {
	if len(data) == 0 || !json.Valid(data) {
		return disclosure.Errorf(disclosure.EInvalid, "年度报告内容不是有效的 JSON")
	}
	if len(data) > maxAnnualData {
		return disclosure.Errorf(disclosure.EInvalid, "年度报告内容过大（最多 2 MB）")
	}
	if len(entered) > 64 {
		return disclosure.Errorf(disclosure.EInvalid, "手工填报的表格过多")
	}
	for _, e := range entered {
		if e == "" || len(e) > 64 {
			return disclosure.Errorf(disclosure.EInvalid, "手工填报的表格名称有误")
		}
	}
	return nil
}

func insertAnnualVersion(ctx context.Context, tx *sql.Tx, r *disclosure.AnnualReport, correction bool, reason string, actor disclosure.Actor, at time.Time) error {
	entered, err := json.Marshal(nonNil(r.Entered))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO annual_report_versions (report_id, version, status, data, entered, correction, reason, actor_id, actor_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.ID, r.Version, r.Status, string(r.Data), string(entered), correction, reason, actor.UserID, actor.Name, at.UnixMicro())
	return err
}

// auditView is what the audit trail records of a report's version: its identity and state, and the hash of its
// contents (the contents themselves are kept in the version, which the hash ties to the chain).
func auditView(r *disclosure.AnnualReport, extra map[string]any) map[string]any {
	m := map[string]any{"agency_id": r.AgencyID, "year": r.Year, "status": r.Status, "version": r.Version, "data_sha256": dataHash(r.Data), "entered": nonNil(r.Entered)}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (db *DB) lockAnnual(ctx context.Context, tx *sql.Tx, id int64) (*disclosure.AnnualReport, error) {
	var data string
	r, err := scanAnnual(tx.QueryRowContext(ctx, `SELECT `+annualColumns+`, data FROM annual_reports WHERE id = $1`+db.d.forUpdate(), id).Scan, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有找到该年度报告")
	}
	return r, err
}

// annualChange is what one workflow step makes of the current version.
type annualChange struct {
	status     string
	data       json.RawMessage // nil keeps the current contents
	entered    []string        // nil keeps the current list
	correction bool
	reason     string
	comment    string
	submitter  bool // record the actor as the submitter (cleared on every other step)
	publish    bool
}

// annualStep applies one step to the report read at version: it checks the version, lets decide refuse or shape
// the change, writes the new current version, keeps it in the versions, records a comment, and audits — in one
// transaction.
func (db *DB) annualStep(ctx context.Context, actor disclosure.Actor, id int64, version int, action string, decide func(cur *disclosure.AnnualReport) (annualChange, error)) (*disclosure.AnnualReport, error) {
	now := db.now().UTC().Truncate(time.Microsecond)
	var out *disclosure.AnnualReport
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := db.lockAnnual(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return disclosure.Errorf(disclosure.EConflict, "该报告已被他人更新（当前为第 %d 版），请刷新页面后再操作", cur.Version)
		}
		ch, err := decide(cur)
		if err != nil {
			return err
		}
		next := *cur
		next.Status, next.Version, next.UpdatedAt = ch.status, cur.Version+1, now
		if ch.data != nil {
			next.Data = ch.data
		}
		if ch.entered != nil {
			next.Entered = ch.entered
		}
		if err := checkAnnualData(next.Data, next.Entered); err != nil {
			return err
		}
		next.SubmittedBy = nil
		if ch.submitter {
			next.SubmittedBy = actor.UserID
		}
		if ch.publish && next.PublishedAt == nil {
			next.PublishedAt = &now
		}
		var published any
		if next.PublishedAt != nil {
			published = next.PublishedAt.UnixMicro()
		}
		entered, err := json.Marshal(nonNil(next.Entered))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE annual_reports SET status = $1, data = $2, entered = $3, version = $4, updated_at = $5, submitted_by = $6, published_at = $7 WHERE id = $8`,
			next.Status, string(next.Data), string(entered), next.Version, now.UnixMicro(), next.SubmittedBy, published, id); err != nil {
			return err
		}
		reason := ch.reason
		if reason == "" {
			reason = ch.comment
		}
		if err := insertAnnualVersion(ctx, tx, &next, ch.correction, reason, actor, now); err != nil {
			return err
		}
		if ch.comment != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO annual_report_comments (report_id, version, author_id, author_name, body, at) VALUES ($1, $2, $3, $4, $5, $6)`,
				id, cur.Version, actor.UserID, actor.Name, ch.comment, now.UnixMicro()); err != nil {
				return err
			}
		}
		extra := map[string]any{}
		if ch.reason != "" {
			extra["reason"] = ch.reason
		}
		if ch.comment != "" {
			extra["comment"] = ch.comment
		}
		if err := db.emitAnnual(ctx, tx, action, &next, ch.reason); err != nil {
			return err
		}
		out = &next
		return db.appendAudit(ctx, tx, actor, action, "annual_report", strconv.FormatInt(id, 10), auditView(cur, nil), auditView(&next, extra))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func checkText(s, what string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", disclosure.Errorf(disclosure.EInvalid, "请填写%s", what)
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return "", disclosure.Errorf(disclosure.EInvalid, "%s过长（最多 %d 个字）", what, max)
	}
	return s, nil
}

// SaveAnnualDraft creates (ID 0) an agency's report for a year as a draft, or saves a new version of a draft; an
// update must carry the Version it was read at. Every save is kept as a version and audited. Errors: EInvalid (no
// such agency, a bad year or contents), ENotFound, EConflict (the year already has a report, a stale version, a
// report under review, or a published report — which changes only by CorrectAnnualReport).
func (db *DB) SaveAnnualDraft(ctx context.Context, actor disclosure.Actor, rep *disclosure.AnnualReport) error {
	if err := checkAnnualData(rep.Data, rep.Entered); err != nil {
		return err
	}
	if rep.ID != 0 {
		next, err := db.annualStep(ctx, actor, rep.ID, rep.Version, "annual_report.save", func(cur *disclosure.AnnualReport) (annualChange, error) {
			switch cur.Status {
			case disclosure.AnnualInReview:
				return annualChange{}, disclosure.Errorf(disclosure.EConflict, "该报告已提交审核，审核期间不能修改；如需修改，请审批领导退回")
			case disclosure.AnnualPublished:
				return annualChange{}, disclosure.Errorf(disclosure.EConflict, "该报告已发布，不能直接修改；如需修改，请使用“发布更正”并说明更正原因")
			}
			return annualChange{status: disclosure.AnnualDraft, data: rep.Data, entered: nonNil(rep.Entered)}, nil
		})
		if err != nil {
			return fmt.Errorf("store: save annual draft: %w", err)
		}
		*rep = *next
		return nil
	}
	if rep.Year < 2000 || rep.Year > 2100 {
		return disclosure.Errorf(disclosure.EInvalid, "报告年度应在 2000—2100 年之间")
	}
	now := db.now().UTC().Truncate(time.Microsecond)
	rep.Status, rep.Version, rep.CreatedAt, rep.UpdatedAt, rep.PublishedAt, rep.SubmittedBy = disclosure.AnnualDraft, 1, now, now, nil, nil
	if rep.Source == "" {
		rep.Source = "console"
	}
	entered, err := json.Marshal(nonNil(rep.Entered))
	if err != nil {
		return err
	}
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getAgency(ctx, tx, rep.AgencyID); err != nil {
			return disclosure.Errorf(disclosure.EInvalid, "单位（编号 %d）不存在", rep.AgencyID)
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO annual_reports (agency_id, year, era, source, data, created_at, status, version, entered, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9) RETURNING id`,
			rep.AgencyID, rep.Year, rep.Era, rep.Source, string(rep.Data), now.UnixMicro(), rep.Status, string(entered), now.UnixMicro()).Scan(&rep.ID)
		if db.d.uniqueIndex(err) != "" {
			return disclosure.Errorf(disclosure.EConflict, "该单位已有 %d 年度的报告，请刷新页面后在原报告上修改", rep.Year)
		}
		if err != nil {
			return err
		}
		if err := insertAnnualVersion(ctx, tx, rep, false, "", actor, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "annual_report.create", "annual_report", strconv.FormatInt(rep.ID, 10), nil, auditView(rep, map[string]any{"era": rep.Era, "source": rep.Source}))
	})
	if err != nil {
		return fmt.Errorf("store: save annual draft: %w", err)
	}
	return nil
}

// SubmitAnnualReport submits the draft read at version for review; the submitting account may not approve it.
// Errors: ENotFound, EConflict (stale version, not a draft).
func (db *DB) SubmitAnnualReport(ctx context.Context, actor disclosure.Actor, id int64, version int) (*disclosure.AnnualReport, error) {
	r, err := db.annualStep(ctx, actor, id, version, "annual_report.submit", func(cur *disclosure.AnnualReport) (annualChange, error) {
		if cur.Status != disclosure.AnnualDraft {
			return annualChange{}, disclosure.Errorf(disclosure.EConflict, "只有草稿可以提交审核（该报告%s）", disclosure.AnnualStatusNames[cur.Status])
		}
		return annualChange{status: disclosure.AnnualInReview, submitter: true}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: submit annual report: %w", err)
	}
	return r, nil
}

// ReturnAnnualReport returns the report under review (read at version) to its draft state with the reviewer's
// comment, which is kept. Errors: EInvalid (no comment), ENotFound, EConflict (stale version, not under review).
func (db *DB) ReturnAnnualReport(ctx context.Context, actor disclosure.Actor, id int64, version int, comment string) (*disclosure.AnnualReport, error) {
	comment, err := checkText(comment, "退回意见", 2000)
	if err != nil {
		return nil, err
	}
	r, err := db.annualStep(ctx, actor, id, version, "annual_report.return", func(cur *disclosure.AnnualReport) (annualChange, error) {
		if cur.Status != disclosure.AnnualInReview {
			return annualChange{}, disclosure.Errorf(disclosure.EConflict, "只有审核中的报告可以退回")
		}
		return annualChange{status: disclosure.AnnualDraft, comment: comment}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: return annual report: %w", err)
	}
	return r, nil
}

// PublishAnnualReport approves and publishes the report under review (read at version), with its final contents
// (data, e.g. with the publication date set; nil keeps them). The approver must be an account other than the one
// that submitted it. Errors: EInvalid, ENotFound, EForbidden (no account, or the submitter), EConflict (stale
// version, not under review).
func (db *DB) PublishAnnualReport(ctx context.Context, actor disclosure.Actor, id int64, version int, data json.RawMessage) (*disclosure.AnnualReport, error) {
	if actor.UserID == nil {
		return nil, disclosure.Errorf(disclosure.EForbidden, "年度报告须由审批领导登录后审批发布")
	}
	r, err := db.annualStep(ctx, actor, id, version, "annual_report.publish", func(cur *disclosure.AnnualReport) (annualChange, error) {
		if cur.Status != disclosure.AnnualInReview {
			return annualChange{}, disclosure.Errorf(disclosure.EConflict, "只有审核中的报告可以发布（该报告%s）", disclosure.AnnualStatusNames[cur.Status])
		}
		if cur.SubmittedBy != nil && *cur.SubmittedBy == *actor.UserID {
			return annualChange{}, disclosure.Errorf(disclosure.EForbidden, "不能审批自己提交的报告，请由其他审批领导审批")
		}
		return annualChange{status: disclosure.AnnualPublished, data: data, publish: true}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: publish annual report: %w", err)
	}
	return r, nil
}

// CorrectAnnualReport publishes a correction (更正) of a published report read at version: new contents with the
// reason, kept as a new published version marked as a correction; the earlier versions stay readable. Errors:
// EInvalid (no reason, bad contents), ENotFound, EConflict (stale version, not published).
func (db *DB) CorrectAnnualReport(ctx context.Context, actor disclosure.Actor, id int64, version int, data json.RawMessage, entered []string, reason string) (*disclosure.AnnualReport, error) {
	reason, err := checkText(reason, "更正原因（更正说明）", 1000)
	if err != nil {
		return nil, err
	}
	if err := checkAnnualData(data, entered); err != nil {
		return nil, err
	}
	r, err := db.annualStep(ctx, actor, id, version, "annual_report.correct", func(cur *disclosure.AnnualReport) (annualChange, error) {
		if cur.Status != disclosure.AnnualPublished {
			return annualChange{}, disclosure.Errorf(disclosure.EConflict, "只有已发布的报告需要更正；未发布的报告请直接修改")
		}
		return annualChange{status: disclosure.AnnualPublished, data: data, entered: nonNil(entered), correction: true, reason: reason}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: correct annual report: %w", err)
	}
	return r, nil
}

// AnnualVersions returns every version of a report, oldest first, without contents.
func (db *DB) AnnualVersions(ctx context.Context, reportID int64) ([]disclosure.AnnualVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT report_id, version, status, entered, correction, reason, actor_id, actor_name, at FROM annual_report_versions WHERE report_id = $1 ORDER BY version`, reportID)
	if err != nil {
		return nil, fmt.Errorf("store: annual versions: %w", err)
	}
	defer rows.Close()
	var out []disclosure.AnnualVersion
	for rows.Next() {
		v, err := scanVersion(rows.Scan, nil)
		if err != nil {
			return nil, fmt.Errorf("store: annual versions: %w", err)
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// AnnualVersion returns one version of a report with its contents. Errors: ENotFound.
func (db *DB) AnnualVersion(ctx context.Context, reportID int64, version int) (*disclosure.AnnualVersion, error) {
	var data string
	v, err := scanVersion(db.read.QueryRowContext(ctx, `SELECT report_id, version, status, entered, correction, reason, actor_id, actor_name, at, data FROM annual_report_versions WHERE report_id = $1 AND version = $2`, reportID, version).Scan, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有该报告的第 %d 版", version)
	}
	if err != nil {
		return nil, fmt.Errorf("store: annual version: %w", err)
	}
	return v, nil
}

func scanVersion(scan func(...any) error, data *string) (*disclosure.AnnualVersion, error) {
	var v disclosure.AnnualVersion
	var entered string
	var actor sql.NullInt64
	var at int64
	dest := []any{&v.ReportID, &v.Version, &v.Status, &entered, &v.Correction, &v.Reason, &actor, &v.ActorName, &at}
	if data != nil {
		dest = append(dest, data)
	}
	if err := scan(dest...); err != nil {
		return nil, err
	}
	if actor.Valid {
		v.ActorID = &actor.Int64
	}
	v.At = time.UnixMicro(at).UTC()
	if err := json.Unmarshal([]byte(entered), &v.Entered); err != nil {
		return nil, err
	}
	if data != nil {
		v.Data = []byte(*data)
	}
	return &v, nil
}

// AnnualComments returns the reviewers' comments on a report, oldest first.
func (db *DB) AnnualComments(ctx context.Context, reportID int64) ([]disclosure.AnnualComment, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT report_id, version, author_id, author_name, body, at FROM annual_report_comments WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("store: annual comments: %w", err)
	}
	defer rows.Close()
	var out []disclosure.AnnualComment
	for rows.Next() {
		var c disclosure.AnnualComment
		var author sql.NullInt64
		var at int64
		if err := rows.Scan(&c.ReportID, &c.Version, &author, &c.AuthorName, &c.Body, &at); err != nil {
			return nil, fmt.Errorf("store: annual comments: %w", err)
		}
		if author.Valid {
			c.AuthorID = &author.Int64
		}
		c.At = time.UnixMicro(at).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}
