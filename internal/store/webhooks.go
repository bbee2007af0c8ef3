package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// The kinds of webhook events. Each is written in the transaction of the change it reports (a transactional
// outbox): a change that rolls back sends nothing, and a committed one is never lost.
const (
	// WebhookCaseRegistered: an application (依申请公开) was registered, entered by staff or forwarded by another
	// agency.
	WebhookCaseRegistered = "case.registered"
	// WebhookCaseStep: a step of a case's workflow, with the state before and after.
	WebhookCaseStep = "case.step"
	// WebhookItemPublished: an item of the catalogue (主动公开) was published, now or at its scheduled time.
	WebhookItemPublished = "item.published"
	// WebhookItemCorrected: a correction (更正) of a published item was published.
	WebhookItemCorrected = "item.corrected"
	// WebhookItemWithdrawn: a published item was withdrawn (撤回).
	WebhookItemWithdrawn = "item.withdrawn"
	// WebhookReportPublished: an annual report (年度报告) was published.
	WebhookReportPublished = "annual_report.published"
	// WebhookReportCorrected: a correction of a published annual report was published.
	WebhookReportCorrected = "annual_report.corrected"
)

// WebhookKinds are the event kinds a subscriber may choose, in the console's order.
var WebhookKinds = []string{WebhookCaseRegistered, WebhookCaseStep, WebhookItemPublished, WebhookItemCorrected,
	WebhookItemWithdrawn, WebhookReportPublished, WebhookReportCorrected}

// WebhookKindNames are the kinds' names in the console.
var WebhookKindNames = map[string]string{
	WebhookCaseRegistered:  "依申请公开：申请登记",
	WebhookCaseStep:        "依申请公开：办理环节变化",
	WebhookItemPublished:   "主动公开：信息发布",
	WebhookItemCorrected:   "主动公开：信息更正",
	WebhookItemWithdrawn:   "主动公开：信息撤回",
	WebhookReportPublished: "年度报告：发布",
	WebhookReportCorrected: "年度报告：更正",
}

// WebhookSubscription is a subscriber: where events go, which kinds, and optionally one agency (with the units
// under it). Secret is the signing key in the Standard Webhooks form ("whsec_" and base64 of 32 random bytes).
type WebhookSubscription struct {
	ID          int64
	URL         string
	Kinds       []string
	AgencyID    *int64
	Secret      string
	Description string
	Disabled    bool
	CreatedAt   time.Time
	CreatedBy   string
}

// WebhookEvent is one event as sent: UID is its idempotency id (the Webhook-Id header), the same on every attempt.
type WebhookEvent struct {
	ID         int64
	UID        string
	Kind       string
	AgencyID   *int64
	OccurredAt time.Time
	Data       json.RawMessage
}

// WebhookDelivery is one event to one subscriber: claimed for sending (with Claim and the subscriber's URL and
// secret), or as listed in the delivery log.
type WebhookDelivery struct {
	ID             int64
	SubscriptionID int64
	Event          WebhookEvent
	URL            string
	Secret         string
	// Attempts is how many attempts were made before this claim (or in all, in the log).
	Attempts      int
	NextAttemptAt time.Time
	DeliveredAt   *time.Time
	Failed        bool
	LastStatus    int
	LastError     string
	// Claim names this claim: only its holder can record the outcome.
	Claim string
	// Log is the attempts, oldest first (WebhookDeliveries only).
	Log []WebhookAttempt
}

// WebhookAttempt is one attempt of a delivery: the HTTP status (0 when none came back), how long it took, and the
// error, clipped.
type WebhookAttempt struct {
	At       time.Time
	Status   int
	Duration time.Duration
	Error    string
}

// NewWebhookSecret returns a fresh signing secret in the Standard Webhooks form.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// CreateWebhook registers a subscriber with a fresh secret (set in s) and audits it (the secret is not audited).
// The caller checks the address (internal/webhook.CheckURL); the store checks the kinds and the agency.
// Errors: EInvalid.
func (db *DB) CreateWebhook(ctx context.Context, actor disclosure.Actor, s *WebhookSubscription) error {
	s.URL = strings.TrimSpace(s.URL)
	if s.URL == "" || len(s.URL) > 2000 {
		return disclosure.Errorf(disclosure.EInvalid, "请填写接收地址（不超过 2000 个字符）")
	}
	if len(s.Kinds) == 0 {
		return disclosure.Errorf(disclosure.EInvalid, "请至少选择一种事件")
	}
	for _, k := range s.Kinds {
		if !slices.Contains(WebhookKinds, k) {
			return disclosure.Errorf(disclosure.EInvalid, "没有“%s”这种事件", k)
		}
	}
	s.Description = strings.TrimSpace(s.Description)
	if utf8.RuneCountInString(s.Description) > 200 {
		return disclosure.Errorf(disclosure.EInvalid, "说明过长（最多 200 个字）")
	}
	s.Secret = NewWebhookSecret()
	s.CreatedAt, s.CreatedBy, s.Disabled = db.now().UTC().Truncate(time.Microsecond), actor.Name, false
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		if s.AgencyID != nil {
			if _, err := getAgency(ctx, tx, *s.AgencyID); err != nil {
				return disclosure.Errorf(disclosure.EInvalid, "单位（编号 %d）不存在", *s.AgencyID)
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO webhook_subscriptions (url, kinds, agency_id, secret, description, disabled, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, s.URL, ","+strings.Join(s.Kinds, ",")+",", s.AgencyID, s.Secret, s.Description,
			false, s.CreatedAt.UnixMicro(), s.CreatedBy).Scan(&s.ID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "webhook.create", "webhook", strconv.FormatInt(s.ID, 10), nil,
			map[string]any{"url": s.URL, "kinds": s.Kinds, "agency_id": s.AgencyID, "description": s.Description})
	})
	if err != nil {
		return fmt.Errorf("store: create webhook: %w", err)
	}
	return nil
}

const webhookColumns = `id, url, kinds, agency_id, secret, description, disabled, created_at, created_by`

func scanWebhook(scan func(...any) error) (*WebhookSubscription, error) {
	var s WebhookSubscription
	var kinds string
	var at int64
	if err := scan(&s.ID, &s.URL, &kinds, &s.AgencyID, &s.Secret, &s.Description, &s.Disabled, &at, &s.CreatedBy); err != nil {
		return nil, err
	}
	s.Kinds = strings.FieldsFunc(kinds, func(r rune) bool { return r == ',' })
	s.CreatedAt = time.UnixMicro(at).UTC()
	return &s, nil
}

// Webhooks lists the subscribers, oldest first: all of them (agencies nil), or those limited to one of the
// agencies.
func (db *DB) Webhooks(ctx context.Context, agencies []int64) ([]WebhookSubscription, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhook_subscriptions ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: webhooks: %w", err)
	}
	defer rows.Close()
	var out []WebhookSubscription
	for rows.Next() {
		s, err := scanWebhook(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("store: webhooks: %w", err)
		}
		if agencies == nil || (s.AgencyID != nil && slices.Contains(agencies, *s.AgencyID)) {
			out = append(out, *s)
		}
	}
	return out, rows.Err()
}

// GetWebhook returns one subscriber. Errors: ENotFound.
func (db *DB) GetWebhook(ctx context.Context, id int64) (*WebhookSubscription, error) {
	s, err := scanWebhook(db.read.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhook_subscriptions WHERE id = $1`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的事件推送订阅", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: webhook: %w", err)
	}
	return s, nil
}

// SetWebhookDisabled stops (or resumes) a subscriber and audits it. A stopped subscriber gets no new events and
// its waiting deliveries wait; resumed, they go out. Errors: ENotFound.
func (db *DB) SetWebhookDisabled(ctx context.Context, actor disclosure.Actor, id int64, disabled bool) error {
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET disabled = $1 WHERE id = $2`, disabled, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的事件推送订阅", id)
		}
		return db.appendAudit(ctx, tx, actor, "webhook.disable", "webhook", strconv.FormatInt(id, 10), map[string]bool{"disabled": !disabled}, map[string]bool{"disabled": disabled})
	})
	if err != nil {
		return fmt.Errorf("store: disable webhook: %w", err)
	}
	return nil
}

// emit writes an event of the change tx commits, and a delivery of it to each enabled subscriber of its kind (and
// agency, or an agency above it), due at once. Without a subscriber nothing is written. It must run in the
// change's own transaction: that is what makes the outbox lose nothing and send nothing for a change rolled back.
func (db *DB) emit(ctx context.Context, tx *sql.Tx, kind string, agencyID int64, data any) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, kinds, agency_id FROM webhook_subscriptions WHERE disabled = $1`, false)
	if err != nil {
		return fmt.Errorf("webhook event: %w", err)
	}
	type sub struct {
		id     int64
		agency *int64
	}
	var subs []sub
	for rows.Next() {
		var s sub
		var kinds string
		if err := rows.Scan(&s.id, &kinds, &s.agency); err != nil {
			rows.Close()
			return fmt.Errorf("webhook event: %w", err)
		}
		if strings.Contains(kinds, ","+kind+",") {
			subs = append(subs, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(subs) == 0 {
		return err
	}
	var above []int64 // the agency and those above it, read once if a subscriber is limited to an agency
	for _, s := range subs {
		if s.agency != nil && above == nil {
			if above, err = agencyAndAbove(ctx, tx, agencyID); err != nil {
				return err
			}
		}
	}
	subs = slices.DeleteFunc(subs, func(s sub) bool { return s.agency != nil && !slices.Contains(above, *s.agency) })
	if len(subs) == 0 {
		return nil
	}
	payload, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("webhook event: %w", err)
	}
	now := db.now().UTC().Truncate(time.Microsecond).UnixMicro()
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO webhook_events (uid, kind, agency_id, occurred_at, payload) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		"", kind, agencyID, now, string(payload)).Scan(&id); err != nil {
		return fmt.Errorf("webhook event: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE webhook_events SET uid = $1 WHERE id = $2`, fmt.Sprintf("msg_%d_%s", id, randomToken()), id); err != nil {
		return fmt.Errorf("webhook event: %w", err)
	}
	for _, s := range subs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (subscription_id, event_id, next_attempt_at) VALUES ($1, $2, $3)`, s.id, id, now); err != nil {
			return fmt.Errorf("webhook delivery: %w", err)
		}
	}
	return nil
}

// agencyAndAbove returns the agency and every agency above it.
func agencyAndAbove(ctx context.Context, q queryer, id int64) ([]int64, error) {
	out := []int64{id}
	for len(out) < 64 {
		var parent sql.NullInt64
		if err := q.QueryRowContext(ctx, `SELECT parent_id FROM agencies WHERE id = $1`, out[len(out)-1]).Scan(&parent); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			return nil, fmt.Errorf("webhook event: %w", err)
		}
		if !parent.Valid || slices.Contains(out, parent.Int64) {
			break
		}
		out = append(out, parent.Int64)
	}
	return out, nil
}

// emitCase writes the webhook events of a case's change: the step (or the registration of a new case) and the
// registration of a case forwarded to another agency. Only what the public may know of a case goes out: its
// number, agency, states and dates, never the applicant or the request.
func (db *DB) emitCase(ctx context.Context, tx *sql.Tx, ch *disclosure.CaseChange, before *disclosure.Case) error {
	caseData := func(c *disclosure.Case, ev *disclosure.CaseEvent) map[string]any {
		d := map[string]any{"id": c.ID, "number": c.Number, "agency_id": c.AgencyID, "kind": c.Kind, "channel": c.Channel,
			"received_on": c.ReceivedOn.String(), "state": c.State, "action": ev.Action, "from_state": ev.FromState, "to_state": ev.ToState,
			"at": ev.At.UTC().Format(time.RFC3339)}
		if !c.Due.IsZero() {
			d["due"] = c.Due.String()
		}
		if c.Outcome != "" {
			d["outcome"] = c.Outcome
		}
		if !c.ClosedOn.IsZero() {
			d["closed_on"] = c.ClosedOn.String()
		}
		return d
	}
	kind := WebhookCaseStep
	if before == nil {
		kind = WebhookCaseRegistered
	}
	if err := db.emit(ctx, tx, kind, ch.Case.AgencyID, caseData(&ch.Case, &ch.Event)); err != nil {
		return err
	}
	if t := ch.Transfer; t != nil {
		ev := disclosure.CaseEvent{Action: "register", ToState: t.State, At: ch.Event.At}
		d := caseData(t, &ev)
		d["transferred_from"] = map[string]any{"id": ch.Case.ID, "number": ch.Case.Number, "agency_id": ch.Case.AgencyID}
		return db.emit(ctx, tx, WebhookCaseRegistered, t.AgencyID, d)
	}
	return nil
}

// emitItem writes the webhook event of an item's change when it is a publication, the publication of a
// correction, or a withdrawal; other steps (drafts, reviews) send nothing.
func (db *DB) emitItem(ctx context.Context, tx *sql.Tx, before *disclosure.Item, ch *disclosure.ItemChange) error {
	it := &ch.Item
	var kind string
	switch {
	case it.State == disclosure.ItemPublished && before.State != disclosure.ItemPublished:
		kind = WebhookItemPublished
	case it.State == disclosure.ItemPublished && ch.Snapshot != nil:
		kind = WebhookItemCorrected
	case it.State == disclosure.ItemWithdrawn && before.State != disclosure.ItemWithdrawn:
		kind = WebhookItemWithdrawn
	default:
		return nil
	}
	d := map[string]any{"id": it.ID, "agency_id": it.AgencyID, "title": it.Title, "index_number": it.IndexNumber, "doc_number": it.DocNumber,
		"publisher": it.Publisher, "category": it.Category, "published_on": it.PublishedOn.String(), "version": it.Version,
		"url": "/items/" + strconv.FormatInt(it.ID, 10), "action": ch.Event.Action}
	if kind == WebhookItemWithdrawn {
		d["reason"] = it.WithdrawnReason
	}
	if kind == WebhookItemCorrected && ch.Event.Note != "" {
		d["note"] = ch.Event.Note
	}
	return db.emit(ctx, tx, kind, it.AgencyID, d)
}

// emitAnnual writes the webhook event of an annual report's publication or correction (action is annualStep's);
// other steps send nothing.
func (db *DB) emitAnnual(ctx context.Context, tx *sql.Tx, action string, r *disclosure.AnnualReport, reason string) error {
	kind := map[string]string{"annual_report.publish": WebhookReportPublished, "annual_report.correct": WebhookReportCorrected}[action]
	if kind == "" {
		return nil
	}
	d := map[string]any{"id": r.ID, "agency_id": r.AgencyID, "year": r.Year, "version": r.Version,
		"url": "/agencies/" + strconv.FormatInt(r.AgencyID, 10) + "/reports/" + strconv.Itoa(r.Year)}
	if r.PublishedAt != nil {
		d["published_at"] = r.PublishedAt.UTC().Format(time.RFC3339)
	}
	if reason != "" {
		d["reason"] = reason
	}
	return db.emit(ctx, tx, kind, r.AgencyID, d)
}

// WebhookLease is how long a claimed delivery stays invisible to other senders. A sender's request is bounded well
// below it (internal/webhook's client times out after 10 s), so a lease never runs out under a live sender; a
// sender that dies leaves the delivery to be claimed again after it.
const WebhookLease = time.Minute

// ClaimWebhook takes the delivery due first, if any, and hides it from other senders for the lease (FOR UPDATE
// SKIP LOCKED on PostgreSQL, the single writer on SQLite), so that several processes send each delivery once.
// Deliveries of stopped subscribers wait. It returns nil when nothing is due.
func (db *DB) ClaimWebhook(ctx context.Context, lease time.Duration) (*WebhookDelivery, error) {
	var out *WebhookDelivery
	token := randomToken()
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		out = nil
		now := db.now().UTC()
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM webhook_deliveries WHERE delivered_at IS NULL AND failed = $1 AND next_attempt_at <= $2
			AND subscription_id IN (SELECT id FROM webhook_subscriptions WHERE disabled = $3) ORDER BY next_attempt_at, id LIMIT 1`+db.d.skipLocked(),
			false, now.UnixMicro(), false).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = $1, claim_token = $2 WHERE id = $3`, now.Add(lease).UnixMicro(), token, id); err != nil {
			return err
		}
		d := WebhookDelivery{ID: id, Claim: token}
		var at int64
		var payload string
		err = tx.QueryRowContext(ctx, `SELECT d.subscription_id, d.attempts, s.url, s.secret, e.id, e.uid, e.kind, e.agency_id, e.occurred_at, e.payload
			FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id JOIN webhook_events e ON e.id = d.event_id WHERE d.id = $1`, id).
			Scan(&d.SubscriptionID, &d.Attempts, &d.URL, &d.Secret, &d.Event.ID, &d.Event.UID, &d.Event.Kind, &d.Event.AgencyID, &at, &payload)
		if err != nil {
			return err
		}
		d.Event.OccurredAt, d.Event.Data = time.UnixMicro(at).UTC(), json.RawMessage(payload)
		out = &d
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim webhook: %w", err)
	}
	return out, nil
}

// clipError keeps an attempt's error within 500 bytes, on a character boundary.
func clipError(s string) string {
	if len(s) <= 500 {
		return s
	}
	s = s[:500]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// WebhookDelivered records a successful attempt (a 2xx answer) of a claimed delivery: the receiver has the event,
// so it is delivered even when the claim was lost meanwhile (the lease ran out and another sender took it over),
// and is never sent again. It reports whether this acknowledgement was the first.
func (db *DB) WebhookDelivered(ctx context.Context, d *WebhookDelivery, status int, took time.Duration) (bool, error) {
	first := false
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UTC().UnixMicro()
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET delivered_at = $1, attempts = attempts + 1, last_status = $2, last_error = '', claim_token = '',
			failed = $3 WHERE id = $4 AND delivered_at IS NULL`, now, status, false, d.ID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		first = n == 1
		_, err = tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status, duration_ms, error) VALUES ($1, $2, $3, $4, $5)`,
			d.ID, now, status, took.Milliseconds(), "")
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: webhook delivered: %w", err)
	}
	return first, nil
}

// WebhookFailed records a failed attempt of a claimed delivery (status 0 when no answer came): it is tried again
// after retry, or given up (failed) when giveUp. The attempt is logged even when the claim was lost, but then the
// holder of the new claim decides what happens next.
func (db *DB) WebhookFailed(ctx context.Context, d *WebhookDelivery, status int, took time.Duration, cause string, retry time.Duration, giveUp bool) error {
	cause = clipError(cause)
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UTC()
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $1, failed = $2, last_status = $3, last_error = $4,
			claim_token = '' WHERE id = $5 AND claim_token = $6 AND delivered_at IS NULL`, now.Add(retry).UnixMicro(), giveUp, status, cause, d.ID, d.Claim); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, at, status, duration_ms, error) VALUES ($1, $2, $3, $4, $5)`,
			d.ID, now.UnixMicro(), status, took.Milliseconds(), cause)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: webhook failed: %w", err)
	}
	return nil
}

// RetryWebhookNow makes a waiting or given-up delivery of a subscriber due at once (a given-up one starts its
// retries afresh) and audits it. Errors: ENotFound (no such delivery of the subscriber), EConflict (already
// delivered).
func (db *DB) RetryWebhookNow(ctx context.Context, actor disclosure.Actor, subscriptionID, deliveryID int64) error {
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		var delivered sql.NullInt64
		var failed bool
		err := tx.QueryRowContext(ctx, `SELECT delivered_at, failed FROM webhook_deliveries WHERE id = $1 AND subscription_id = $2`+db.d.forUpdate(), deliveryID, subscriptionID).Scan(&delivered, &failed)
		if errors.Is(err, sql.ErrNoRows) {
			return disclosure.Errorf(disclosure.ENotFound, "没有编号为 %d 的推送记录", deliveryID)
		}
		if err != nil {
			return err
		}
		if delivered.Valid {
			return disclosure.Errorf(disclosure.EConflict, "该事件已成功推送，无需重试")
		}
		attempts := "attempts"
		if failed {
			attempts = "0"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET next_attempt_at = $1, failed = $2, claim_token = '', attempts = `+attempts+` WHERE id = $3`,
			db.now().UTC().UnixMicro(), false, deliveryID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, actor, "webhook.retry", "webhook_delivery", strconv.FormatInt(deliveryID, 10), nil, nil)
	})
	if err != nil {
		return fmt.Errorf("store: retry webhook: %w", err)
	}
	return nil
}

// WebhookDeliveries returns a subscriber's latest deliveries, newest first, each with its attempts.
func (db *DB) WebhookDeliveries(ctx context.Context, subscriptionID int64, limit int) ([]WebhookDelivery, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT d.id, d.subscription_id, d.attempts, d.next_attempt_at, d.delivered_at, d.failed, d.last_status, d.last_error,
		e.id, e.uid, e.kind, e.agency_id, e.occurred_at, e.payload
		FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE d.subscription_id = $1 ORDER BY d.id DESC LIMIT $2`, subscriptionID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: webhook deliveries: %w", err)
	}
	var out []WebhookDelivery
	for rows.Next() {
		var d WebhookDelivery
		var next, at int64
		var delivered sql.NullInt64
		var payload string
		if err := rows.Scan(&d.ID, &d.SubscriptionID, &d.Attempts, &next, &delivered, &d.Failed, &d.LastStatus, &d.LastError,
			&d.Event.ID, &d.Event.UID, &d.Event.Kind, &d.Event.AgencyID, &at, &payload); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: webhook deliveries: %w", err)
		}
		d.NextAttemptAt, d.Event.OccurredAt, d.Event.Data = time.UnixMicro(next).UTC(), time.UnixMicro(at).UTC(), json.RawMessage(payload)
		if delivered.Valid {
			t := time.UnixMicro(delivered.Int64).UTC()
			d.DeliveredAt = &t
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: webhook deliveries: %w", err)
	}
	for i := range out {
		if out[i].Log, err = db.webhookAttempts(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) webhookAttempts(ctx context.Context, deliveryID int64) ([]WebhookAttempt, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT at, status, duration_ms, error FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id`, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("store: webhook attempts: %w", err)
	}
	defer rows.Close()
	var out []WebhookAttempt
	for rows.Next() {
		var a WebhookAttempt
		var at, ms int64
		if err := rows.Scan(&at, &a.Status, &ms, &a.Error); err != nil {
			return nil, fmt.Errorf("store: webhook attempts: %w", err)
		}
		a.At, a.Duration = time.UnixMicro(at).UTC(), time.Duration(ms)*time.Millisecond
		out = append(out, a)
	}
	return out, rows.Err()
}

// WebhookStats counts the events and the deliveries: waiting (to be tried or tried again), delivered and given up.
type WebhookStats struct {
	Events, Waiting, Delivered, Failed int
}

// WebhookStats counts the events and deliveries, for the console and the tests.
func (db *DB) WebhookStats(ctx context.Context) (WebhookStats, error) {
	var s WebhookStats
	err := db.read.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM webhook_events),
		COALESCE(SUM(CASE WHEN delivered_at IS NULL AND failed = $1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN failed = $2 THEN 1 ELSE 0 END), 0) FROM webhook_deliveries`, false, true).Scan(&s.Events, &s.Waiting, &s.Delivered, &s.Failed)
	if err != nil {
		return s, fmt.Errorf("store: webhook stats: %w", err)
	}
	return s, nil
}

// WebhookRetention is how long delivered and given-up deliveries stay in the log.
const WebhookRetention = 30 * 24 * time.Hour

// PruneWebhooks deletes the deliveries delivered or given up more than WebhookRetention ago (last attempted, for
// a given-up one), with their attempts, and the events left without a delivery. It returns how many deliveries
// it deleted.
func (db *DB) PruneWebhooks(ctx context.Context) (int, error) {
	n := 0
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		before := db.now().UTC().Add(-WebhookRetention).UnixMicro()
		old := `SELECT id FROM webhook_deliveries WHERE (delivered_at IS NOT NULL AND delivered_at < $1) OR (failed = $2 AND next_attempt_at < $3)`
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_attempts WHERE delivery_id IN (`+old+`)`, before, true, before); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE id IN (`+old+`)`, before, true, before)
		if err != nil {
			return err
		}
		deleted, _ := res.RowsAffected()
		n = int(deleted)
		if n == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM webhook_events WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune webhooks: %w", err)
	}
	return n, nil
}
