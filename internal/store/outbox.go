package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// OutboxMail is an e-mail waiting in the outbox.
type OutboxMail struct {
	ID       int64
	Mail     disclosure.Mail
	Attempts int
	// MessageID is the left part of the e-mail's Message-ID (before the "@"), fixed when it was queued: every
	// attempt sends the same one, so that a resend is recognisable as such.
	MessageID string
	// Claim names this claim of the e-mail: only its holder can extend the lease (ExtendMailLease).
	Claim string
}

// enqueueMail writes an e-mail into the outbox inside the transaction of the change it reports, so that a change
// and its e-mail commit together and a crash loses neither. Its Message-ID is the row's id and a random part, so
// that it stays unique when ids start again (a database restored or made anew on the same domain).
func (db *DB) enqueueMail(ctx context.Context, tx *sql.Tx, m disclosure.Mail) error {
	now := db.now().UTC().UnixMicro()
	headers := ""
	if len(m.Headers) > 0 {
		b, err := json.Marshal(m.Headers)
		if err != nil {
			return fmt.Errorf("enqueue mail: %w", err)
		}
		headers = string(b)
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO outbox (recipient, subject, body, headers, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		m.To, m.Subject, m.Text, headers, now, now).Scan(&id)
	if err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET message_id = $1 WHERE id = $2`, fmt.Sprintf("outbox-%d.%s", id, randomToken()), id); err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	return nil
}

// randomToken returns 16 random hex digits.
func randomToken() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// EnqueueMail puts an e-mail in the outbox on its own (a reminder, a subscription confirmation).
func (db *DB) EnqueueMail(ctx context.Context, m disclosure.Mail) error {
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error { return db.enqueueMail(ctx, tx, m) })
	if err != nil {
		return fmt.Errorf("store: enqueue mail: %w", err)
	}
	return nil
}

// MailLease is how long a claimed e-mail stays invisible to other senders unless its sender extends the lease; a
// sender that dies leaves it to be claimed again after that.
const MailLease = 2 * time.Minute

// ClaimMail is ClaimMailLease with MailLease.
func (db *DB) ClaimMail(ctx context.Context, limit int) ([]OutboxMail, error) {
	return db.ClaimMailLease(ctx, limit, MailLease)
}

// ClaimMailLease takes up to limit e-mails due for sending and hides them from other senders for the lease, so
// that several gongkai processes on one PostgreSQL send each e-mail once (FOR UPDATE SKIP LOCKED). A sender that
// may take longer than the lease over an e-mail extends it with ExtendMailLease while it sends: a relay taking
// longer than the lease over a batch is how e-mails used to go out twice.
func (db *DB) ClaimMailLease(ctx context.Context, limit int, lease time.Duration) ([]OutboxMail, error) {
	var out []OutboxMail
	token := randomToken()
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		now := db.now().UTC()
		rows, err := tx.QueryContext(ctx, `SELECT id, recipient, subject, body, headers, attempts, message_id FROM outbox
			WHERE sent_at IS NULL AND failed = $1 AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $3`+db.d.skipLocked(),
			false, now.UnixMicro(), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			m := OutboxMail{Claim: token}
			var headers string
			if err := rows.Scan(&m.ID, &m.Mail.To, &m.Mail.Subject, &m.Mail.Text, &headers, &m.Attempts, &m.MessageID); err != nil {
				rows.Close()
				return err
			}
			if headers != "" {
				if err := json.Unmarshal([]byte(headers), &m.Mail.Headers); err != nil {
					rows.Close()
					return fmt.Errorf("outbox %d headers: %w", m.ID, err)
				}
			}
			if m.MessageID == "" {
				m.MessageID = "outbox-" + strconv.FormatInt(m.ID, 10)
			}
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $1, claim_token = $2 WHERE id = $3`, now.Add(lease).UnixMicro(), token, m.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim mail: %w", err)
	}
	return out, nil
}

// ExtendMailLease renews the lease of a claimed e-mail for another lease from now, and reports false when the claim
// is no longer the holder's: another sender claimed the e-mail after the lease ran out, or it was sent or given up
// meanwhile. The holder then stops sending it.
func (db *DB) ExtendMailLease(ctx context.Context, m OutboxMail, lease time.Duration) (bool, error) {
	held := false
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND claim_token = $3 AND sent_at IS NULL AND failed = $4`,
			db.now().UTC().Add(lease).UnixMicro(), m.ID, m.Claim, false)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		held = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: extend mail lease: %w", err)
	}
	return held, nil
}

// MailSent marks an e-mail as sent.
func (db *DB) MailSent(ctx context.Context, id int64) error {
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, attempts = attempts + 1, last_error = '' WHERE id = $2`, db.now().UTC().UnixMicro(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: mail sent: %w", err)
	}
	return nil
}

// maxMailAttempts bounds the retries of a temporary failure (about a day with the backoff below).
const maxMailAttempts = 12

// MailFailed records a failed attempt: a temporary failure is retried later with exponential backoff (1 minute
// doubling, at most 6 hours) up to maxMailAttempts, a permanent one (a refused address) is given up at once.
func (db *DB) MailFailed(ctx context.Context, id int64, cause error, temporary bool) error {
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		var attempts int
		if err := tx.QueryRowContext(ctx, `SELECT attempts FROM outbox WHERE id = $1`, id).Scan(&attempts); err != nil {
			return err
		}
		attempts++
		delay := min(time.Minute<<min(attempts-1, 9), 6*time.Hour)
		failed := !temporary || attempts >= maxMailAttempts
		msg := cause.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET attempts = $1, next_attempt_at = $2, failed = $3, last_error = $4 WHERE id = $5`,
			attempts, db.now().UTC().Add(delay).UnixMicro(), failed, msg, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: mail failed: %w", err)
	}
	return nil
}

// OutboxStats counts the outbox: waiting, sent and given up.
func (db *DB) OutboxStats(ctx context.Context) (waiting, sent, failed int, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed = $1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN failed = $2 THEN 1 ELSE 0 END), 0) FROM outbox`, false, true).Scan(&waiting, &sent, &failed)
	if err != nil {
		err = fmt.Errorf("store: outbox stats: %w", err)
	}
	return
}

// ClaimJobRun records that a job ran for a period ("2026-03-02" for a daily job) and reports whether this call
// was the first: several processes running the same schedule run each period once.
func (db *DB) ClaimJobRun(ctx context.Context, job, period string) (bool, error) {
	first := false
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO job_runs (job, period, at) VALUES ($1, $2, $3) ON CONFLICT (job, period) DO NOTHING`, job, period, db.now().UTC().UnixMicro())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		first = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: claim job run: %w", err)
	}
	return first, nil
}

// NoticeTemplate is an agency's own version of a notice template.
type NoticeTemplate struct {
	AgencyID  int64
	Key       string
	Title     string
	Body      string
	UpdatedAt time.Time
	UpdatedBy string
}

// NoticeTemplates returns the agency's own templates, by key.
func (db *DB) NoticeTemplates(ctx context.Context, agencyID int64) ([]NoticeTemplate, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT agency_id, key, title, body, updated_at, updated_by FROM notice_templates WHERE agency_id = $1 ORDER BY key`, agencyID)
	if err != nil {
		return nil, fmt.Errorf("store: notice templates: %w", err)
	}
	defer rows.Close()
	var out []NoticeTemplate
	for rows.Next() {
		var t NoticeTemplate
		var at int64
		if err := rows.Scan(&t.AgencyID, &t.Key, &t.Title, &t.Body, &at, &t.UpdatedBy); err != nil {
			return nil, fmt.Errorf("store: notice templates: %w", err)
		}
		t.UpdatedAt = time.UnixMicro(at).UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// SaveNoticeTemplate stores an agency's version of a template (checked by the caller against the key's rules), or
// with an empty body goes back to the default, and audits before → after.
func (db *DB) SaveNoticeTemplate(ctx context.Context, actor disclosure.Actor, t NoticeTemplate) error {
	return db.SaveNoticeTemplateIf(ctx, actor, t, "")
}

// NoticeTemplateTag is the entity tag of an agency's template key as it is stored now (its own version, or none:
// the default), for If-Match.
func (db *DB) NoticeTemplateTag(ctx context.Context, agencyID int64, key string) (string, error) {
	before, err := noticeTemplate(ctx, db.read, agencyID, key)
	if err != nil {
		return "", fmt.Errorf("store: notice template: %w", err)
	}
	return noticeTemplateTag(before), nil
}

func noticeTemplateTag(t *NoticeTemplate) string {
	if t == nil {
		return contentTag(nil)
	}
	return contentTag(map[string]string{"title": t.Title, "body": t.Body})
}

// noticeTemplate reads an agency's own version of a template, nil when it has none.
func noticeTemplate(ctx context.Context, q queryer, agencyID int64, key string) (*NoticeTemplate, error) {
	var b NoticeTemplate
	err := q.QueryRowContext(ctx, `SELECT title, body FROM notice_templates WHERE agency_id = $1 AND key = $2`, agencyID, key).Scan(&b.Title, &b.Body)
	switch {
	case err == nil:
		return &b, nil
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	}
	return nil, err
}

// SaveNoticeTemplateIf is SaveNoticeTemplate made only if the template is still as the caller read it: expect is
// its NoticeTemplateTag then ("" checks nothing). The check and the write are one step (ErrStale when it fails).
func (db *DB) SaveNoticeTemplateIf(ctx context.Context, actor disclosure.Actor, t NoticeTemplate, expect string) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getAgency(ctx, tx, t.AgencyID); err != nil {
			return err
		}
		if err := db.lockNamed(ctx, tx, "notice_template."+strconv.FormatInt(t.AgencyID, 10)+"."+t.Key); err != nil {
			return err
		}
		before, err := noticeTemplate(ctx, tx, t.AgencyID, t.Key)
		if err != nil {
			return err
		}
		if expect != "" && expect != noticeTemplateTag(before) {
			return fmt.Errorf("%w: %w", ErrStale, disclosure.Errorf(disclosure.EConflict, "该模板已被他人修改：请重新读取模板，在最新内容上修改后再保存"))
		}
		if t.Body == "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM notice_templates WHERE agency_id = $1 AND key = $2`, t.AgencyID, t.Key); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `INSERT INTO notice_templates (agency_id, key, title, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (agency_id, key) DO UPDATE SET title = excluded.title, body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			t.AgencyID, t.Key, t.Title, t.Body, now.UnixMicro(), actor.Name); err != nil {
			return err
		}
		var after any
		if t.Body != "" {
			after = map[string]string{"title": t.Title, "body": t.Body}
		}
		var bef any
		if before != nil {
			bef = map[string]string{"title": before.Title, "body": before.Body}
		}
		return db.appendAudit(ctx, tx, actor, "notice_template.save", "notice_template", strconv.FormatInt(t.AgencyID, 10)+"/"+t.Key, bef, after)
	})
	if err != nil {
		return fmt.Errorf("store: save notice template: %w", err)
	}
	return nil
}

// CalendarYear is a year of the working-day calendar entered by an administrator, as JSON of workday.Year.
type CalendarYear struct {
	Year      int
	Data      []byte
	UpdatedAt time.Time
	UpdatedBy string
}

// CalendarYears returns the entered years, oldest first.
func (db *DB) CalendarYears(ctx context.Context) ([]CalendarYear, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT year, data, updated_at, updated_by FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, fmt.Errorf("store: calendar years: %w", err)
	}
	defer rows.Close()
	var out []CalendarYear
	for rows.Next() {
		var c CalendarYear
		var data string
		var at int64
		if err := rows.Scan(&c.Year, &data, &at, &c.UpdatedBy); err != nil {
			return nil, err
		}
		c.Data, c.UpdatedAt = []byte(data), time.UnixMicro(at).UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCalendarYear stores (or replaces) an entered year and audits it. The caller validates the data.
func (db *DB) SaveCalendarYear(ctx context.Context, actor disclosure.Actor, year int, data []byte) error {
	now := db.now().UTC().Truncate(time.Microsecond)
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		var before sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT data FROM calendar_years WHERE year = $1`, year).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_years (year, data, updated_at, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (year) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			year, string(data), now.UnixMicro(), actor.Name); err != nil {
			return err
		}
		var b any
		if before.Valid {
			b = json.RawMessage(before.String)
		}
		return db.appendAudit(ctx, tx, actor, "calendar.save", "calendar_year", strconv.Itoa(year), b, json.RawMessage(data))
	})
	if err != nil {
		return fmt.Errorf("store: save calendar year: %w", err)
	}
	return nil
}
