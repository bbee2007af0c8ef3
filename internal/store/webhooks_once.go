package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// prepareWebhook checks a new subscriber's fields (the kinds, the description's length) and gives it a fresh
// secret and its creation stamp. Errors: EInvalid.
func (db *DB) prepareWebhook(actor disclosure.Actor, s *WebhookSubscription) error {
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
	return nil
}

// createWebhookTx writes a prepared subscriber and its audit record in the caller's transaction.
func (db *DB) createWebhookTx(ctx context.Context, tx *sql.Tx, actor disclosure.Actor, s *WebhookSubscription) error {
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
}

// CreateWebhookOnce is CreateWebhook under an idempotency key of the account userID (CreateOnce): the subscriber,
// its audit record and the key are written in one transaction. When the key was used before with the same request
// hash, nothing is written and the first subscriber's ID is returned (replayed, non-zero; s is left unsaved and its
// Secret must not be shown). Errors: EInvalid (the fields, or the key used for another request), EConflict (a
// request with the same key in flight).
func (db *DB) CreateWebhookOnce(ctx context.Context, actor disclosure.Actor, userID int64, key, hash string, s *WebhookSubscription) (replayed int64, err error) {
	if err := db.prepareWebhook(actor, s); err != nil {
		return 0, err
	}
	replayed, err = db.CreateOnce(ctx, userID, key, "webhook.create", hash, func(tx *sql.Tx) (int64, error) {
		s.ID = 0
		if err := db.createWebhookTx(ctx, tx, actor, s); err != nil {
			return 0, err
		}
		return s.ID, nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: create webhook once: %w", err)
	}
	if replayed != 0 {
		s.ID, s.Secret = 0, ""
	}
	return replayed, nil
}
