package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/search"
)

// Subscription is a member of the public's e-mail subscription to new publications of the catalogue: those of an
// agency (and its units), of a 主题分类 (and the categories below it), matching a keyword, or any combination. It
// is active from its confirmation (double opt-in) to its unsubscription; Token, a random secret in the links of its
// e-mails, is what confirms and ends it.
type Subscription struct {
	ID             int64
	Email          string
	AgencyID       *int64
	Category       string
	Keyword        string
	Token          string
	CreatedAt      time.Time
	ConfirmedAt    *time.Time
	UnsubscribedAt *time.Time
	// LastItemID is the delivery cursor: the last publication event (item_events.id of a "publish" or "release")
	// the subscription has been matched against. Events, not item IDs, because an item keeps the ID of its draft:
	// an item drafted long ago and published today comes after every item already delivered.
	LastItemID int64
}

// Active reports whether the subscription is confirmed and not ended.
func (s *Subscription) Active() bool { return s.ConfirmedAt != nil && s.UnsubscribedAt == nil }

// Limits on subscriptions per e-mail address, checked in the database so that they hold across processes: a form
// cannot be used to send a stranger a flood of confirmation e-mails, nor to pile up subscriptions for one address.
const (
	SubscriptionsPerDay        = 5  // new subscriptions (confirmation e-mails) per address in 24 hours
	MaxSubscriptionsPerAddress = 20 // confirmed subscriptions of an address not ended (checked again at confirmation)
)

// SubscriptionConfirmWithin is how long a confirmation link works; an unconfirmed subscription older than that can
// never become active, and PurgeSubscriptions deletes it.
const SubscriptionConfirmWithin = 7 * 24 * time.Hour

// publicationActions are the events after which an item is newly public: a publication and a scheduled release.
// Corrections ("revision.publish") are not news to subscribers.
const publicationActions = `action IN ('publish', 'release')`

const subscriptionColumns = `id, email, agency_id, category, keyword, token, created_at, confirmed_at, unsubscribed_at, last_item_id`

func scanSubscription(scan func(...any) error) (*Subscription, error) {
	var s Subscription
	var agency, confirmed, ended sql.NullInt64
	var created int64
	if err := scan(&s.ID, &s.Email, &agency, &s.Category, &s.Keyword, &s.Token, &created, &confirmed, &ended, &s.LastItemID); err != nil {
		return nil, err
	}
	if agency.Valid {
		s.AgencyID = &agency.Int64
	}
	s.CreatedAt = time.UnixMicro(created).UTC()
	if confirmed.Valid {
		t := time.UnixMicro(confirmed.Int64).UTC()
		s.ConfirmedAt = &t
	}
	if ended.Valid {
		t := time.UnixMicro(ended.Int64).UTC()
		s.UnsubscribedAt = &t
	}
	return &s, nil
}

// CreateSubscription stores a new, unconfirmed subscription and puts its confirmation e-mail in the outbox, in one
// transaction. It reports false, storing and sending nothing, when the address already has the same subscription
// confirmed: the caller shows the same page either way, so the form does not tell who subscribes to what. Errors:
// EInvalid (an agency that does not exist, no filter), EConflict (the limits per address).
func (db *DB) CreateSubscription(ctx context.Context, sub *Subscription, confirm disclosure.Mail) (bool, error) {
	if sub.AgencyID == nil && sub.Category == "" && sub.Keyword == "" {
		return false, disclosure.Errorf(disclosure.EInvalid, "请至少选择一个订阅条件：单位、主题分类或关键词")
	}
	now := db.now().UTC().Truncate(time.Microsecond)
	sub.CreatedAt, sub.ConfirmedAt, sub.UnsubscribedAt = now, nil, nil
	created := false
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if sub.AgencyID != nil {
			if _, err := getAgency(ctx, tx, *sub.AgencyID); err != nil {
				return disclosure.Errorf(disclosure.EInvalid, "所选单位不存在，请重新选择")
			}
		}
		var recent, open, same int
		err := tx.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN created_at > $2 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN unsubscribed_at IS NULL AND confirmed_at IS NOT NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN unsubscribed_at IS NULL AND confirmed_at IS NOT NULL AND COALESCE(agency_id, 0) = $3 AND category = $4 AND keyword = $5 THEN 1 ELSE 0 END), 0)
			FROM subscriptions WHERE email = $1`, sub.Email, now.Add(-24*time.Hour).UnixMicro(), derefID(sub.AgencyID), sub.Category, sub.Keyword).Scan(&recent, &open, &same)
		if err != nil {
			return err
		}
		switch {
		case same > 0:
			return nil
		case recent >= SubscriptionsPerDay:
			return disclosure.Errorf(disclosure.EConflict, "该邮箱 24 小时内提交的订阅已达 %d 次，请查收已发出的确认邮件，或明天再试", SubscriptionsPerDay)
		case open >= MaxSubscriptionsPerAddress:
			return disclosure.Errorf(disclosure.EConflict, "该邮箱的订阅已达 %d 个，请先通过邮件中的链接退订不再需要的订阅", MaxSubscriptionsPerAddress)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO subscriptions (email, agency_id, category, keyword, token, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			sub.Email, sub.AgencyID, sub.Category, sub.Keyword, sub.Token, now.UnixMicro()).Scan(&sub.ID); err != nil {
			return fmt.Errorf("insert subscription: %w", err)
		}
		created = true
		return db.enqueueMail(ctx, tx, confirm)
	})
	if err != nil {
		return false, fmt.Errorf("store: create subscription: %w", err)
	}
	return created, nil
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// GetSubscription returns the subscription of a token. Errors: ENotFound.
func (db *DB) GetSubscription(ctx context.Context, token string) (*Subscription, error) {
	s, err := getSubscription(ctx, db.read, token)
	if err != nil {
		return nil, fmt.Errorf("store: get subscription: %w", err)
	}
	return s, nil
}

func getSubscription(ctx context.Context, q queryer, token string) (*Subscription, error) {
	if token == "" {
		return nil, disclosure.Errorf(disclosure.ENotFound, "订阅链接无效，请核对邮件中的链接")
	}
	s, err := scanSubscription(q.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE token = $1`, token).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "订阅链接无效，请核对邮件中的链接")
	}
	return s, err
}

// ConfirmSubscription activates a subscription from the link of its confirmation e-mail, within maxAge of its
// creation. It is delivered the items published after this moment. Confirming twice changes nothing. Errors:
// ENotFound, EConflict (already unsubscribed), EInvalid (the link expired).
func (db *DB) ConfirmSubscription(ctx context.Context, token string, maxAge time.Duration) (*Subscription, error) {
	var out *Subscription
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		s, err := getSubscription(ctx, tx, token)
		if err != nil {
			return err
		}
		now := db.now().UTC().Truncate(time.Microsecond)
		switch {
		case s.UnsubscribedAt != nil:
			return disclosure.Errorf(disclosure.EConflict, "该订阅已退订；如需继续接收，请重新订阅")
		case s.ConfirmedAt != nil:
			out = s
			return nil
		case now.Sub(s.CreatedAt) > maxAge:
			return disclosure.Errorf(disclosure.EInvalid, "确认链接已过期（%d 天内有效），请重新订阅", int(maxAge.Hours()/24))
		}
		// Unconfirmed requests do not count against the address (a stranger could type it in); confirmed ones do.
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscriptions WHERE email = $1 AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL`, s.Email).Scan(&open); err != nil {
			return err
		}
		if open >= MaxSubscriptionsPerAddress {
			return disclosure.Errorf(disclosure.EConflict, "该邮箱的订阅已达 %d 个，请先通过邮件中的链接退订不再需要的订阅", MaxSubscriptionsPerAddress)
		}
		if s.LastItemID, err = latestPublication(ctx, tx, nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET confirmed_at = $1, last_item_id = $2 WHERE id = $3`, now.UnixMicro(), s.LastItemID, s.ID); err != nil {
			return err
		}
		s.ConfirmedAt = &now
		out = s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: confirm subscription: %w", err)
	}
	return out, nil
}

// PurgeSubscriptions deletes the subscriptions never confirmed whose link has expired (SubscriptionConfirmWithin):
// an address someone else typed into the form is not kept, and cannot be kept from subscribing by a pile of
// unconfirmed requests. It returns how many it deleted.
func (db *DB) PurgeSubscriptions(ctx context.Context) (int, error) {
	var n int64
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE confirmed_at IS NULL AND created_at < $1`,
			db.now().Add(-SubscriptionConfirmWithin).UnixMicro())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge subscriptions: %w", err)
	}
	return int(n), nil
}

// Unsubscribe ends a subscription from the link of any of its e-mails; ending it twice changes nothing. Errors:
// ENotFound.
func (db *DB) Unsubscribe(ctx context.Context, token string) (*Subscription, error) {
	var out *Subscription
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		s, err := getSubscription(ctx, tx, token)
		if err != nil {
			return err
		}
		if s.UnsubscribedAt == nil {
			now := db.now().UTC().Truncate(time.Microsecond)
			if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET unsubscribed_at = $1 WHERE id = $2`, now.UnixMicro(), s.ID); err != nil {
				return err
			}
			s.UnsubscribedAt = &now
		}
		out = s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unsubscribe: %w", err)
	}
	return out, nil
}

// PublicationCursor returns the newest publication event that happened at or before the moment: the bound up to
// which subscriptions are delivered. The caller passes a moment some seconds back, because on PostgreSQL an event's
// ID is taken when its transaction writes it, not when it commits: a publication still committing may hold a lower
// ID than one already visible, and a cursor moved past it would skip it. Publishing transactions last milliseconds.
func (db *DB) PublicationCursor(ctx context.Context, settled time.Time) (int64, error) {
	id, err := latestPublication(ctx, db.read, &settled)
	if err != nil {
		return 0, fmt.Errorf("store: publication cursor: %w", err)
	}
	return id, nil
}

// latestPublication returns the newest publication event (at or before the moment, if given), or 0. It walks the
// events back from the newest by their primary key and stops at the first publication, instead of scanning every
// event for a MAX: it runs every few seconds on tables of millions of events.
func latestPublication(ctx context.Context, q queryer, before *time.Time) (int64, error) {
	cond, args := "", []any{}
	if before != nil {
		cond, args = ` AND at <= $1`, append(args, before.UTC().UnixMicro())
	}
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM item_events WHERE `+publicationActions+cond+` ORDER BY id DESC LIMIT 1`, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// MaxDeliveredItems bounds the items one subscription is matched with in one delivery: a larger batch (an agency
// publishing its back catalogue) is told in one e-mail with a link to the catalogue.
const MaxDeliveredItems = 50

// DeliverSubscriptions matches the active subscriptions whose cursor is behind upTo with the items published by the
// events after their cursor, up to upTo: compose writes the e-mails of a subscription's matches (none when nothing
// matched; more is true when there were more than MaxDeliveredItems), and each subscription's e-mails go into the
// outbox in the transaction that moves its cursor to upTo. Subscriptions are claimed in batches with SKIP LOCKED, so
// several processes delivering at once send each e-mail once. It returns how many e-mails it queued. Items withdrawn
// since their publication are not sent.
func (db *DB) DeliverSubscriptions(ctx context.Context, upTo int64, batch int, compose func(s *Subscription, items []disclosure.Item, more bool) []disclosure.Mail) (int, error) {
	if batch <= 0 {
		batch = 100
	}
	queued := 0
	for {
		claimed := 0
		err := db.withTx(ctx, func(tx *sql.Tx) error {
			claimed = 0
			rows, err := tx.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions
				WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL AND last_item_id < $1 ORDER BY id LIMIT $2`+db.d.skipLocked(), upTo, batch)
			if err != nil {
				return err
			}
			var subs []*Subscription
			for rows.Next() {
				s, err := scanSubscription(rows.Scan)
				if err != nil {
					rows.Close()
					return err
				}
				subs = append(subs, s)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			claimed = len(subs)
			n := 0
			for _, s := range subs {
				items, more, err := db.subscriptionMatches(ctx, tx, s, upTo)
				if err != nil {
					return fmt.Errorf("subscription %d: %w", s.ID, err)
				}
				if len(items) > 0 {
					for _, m := range compose(s, items, more) {
						if err := db.enqueueMail(ctx, tx, m); err != nil {
							return err
						}
						n++
					}
				}
				if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET last_item_id = $1 WHERE id = $2`, upTo, s.ID); err != nil {
					return err
				}
			}
			queued += n
			return nil
		})
		if err != nil {
			return queued, fmt.Errorf("store: deliver subscriptions: %w", err)
		}
		if claimed < batch {
			return queued, nil
		}
	}
}

// subscriptionMatches returns the items published by the events in (s.LastItemID, upTo] that are still published
// and match the subscription, oldest first, at most MaxDeliveredItems, and whether there were more.
func (db *DB) subscriptionMatches(ctx context.Context, tx *sql.Tx, s *Subscription, upTo int64) ([]disclosure.Item, bool, error) {
	var w where
	w.clauses = append(w.clauses, "state = 'published'")
	from, to := w.next(s.LastItemID), w.next(upTo)
	w.clauses = append(w.clauses, "id IN (SELECT item_id FROM item_events WHERE id > "+from+" AND id <= "+to+" AND "+publicationActions+")")
	if s.AgencyID != nil {
		sub, err := findAgencies(ctx, tx, disclosure.AgencyFilter{Subtree: s.AgencyID})
		if err != nil {
			return nil, false, err
		}
		ids := make([]int64, len(sub))
		for i, a := range sub {
			ids[i] = a.ID
		}
		agencyIn(&w, ids)
	}
	if s.Category != "" {
		p1, p2 := w.next(s.Category), w.next(s.Category+".%")
		w.clauses = append(w.clauses, "(category = "+p1+" OR category LIKE "+p2+")")
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+itemColumns+` FROM items`+w.sql()+` ORDER BY id LIMIT `+w.next(4*MaxDeliveredItems), w.args...)
	if err != nil {
		return nil, false, err
	}
	var items []disclosure.Item
	for rows.Next() {
		it, err := scanItem(rows.Scan)
		if err != nil {
			rows.Close()
			return nil, false, err
		}
		items = append(items, *it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if kw := strings.TrimSpace(s.Keyword); kw != "" {
		q := search.ParseQuery(kw)
		if q.Empty() {
			return nil, false, nil
		}
		// The keyword is matched by the search engine itself, so that it finds what the portal's search finds:
		// title, 文号, summary, body and attachment text.
		all, _, _ := db.d.ftsQueries(q, nil)
		kept := items[:0]
		for _, it := range items {
			var n int
			if err := tx.QueryRowContext(ctx, db.d.ftsMatchesItem("$1", "$2"), all, it.ID).Scan(&n); err != nil {
				return nil, false, err
			}
			if n > 0 {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	more := len(items) > MaxDeliveredItems
	if more {
		items = items[:MaxDeliveredItems]
	}
	return items, more, nil
}
