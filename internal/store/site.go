package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// SiteSettings returns the website's footer particulars (主办单位, 承办单位 …); fields never set are empty.
func (db *DB) SiteSettings(ctx context.Context) (disclosure.SiteSettings, error) {
	return siteSettings(ctx, db.read)
}

func siteSettings(ctx context.Context, q queryer) (disclosure.SiteSettings, error) {
	var s disclosure.SiteSettings
	rows, err := q.QueryContext(ctx, `SELECT name, value FROM site_settings`)
	if err != nil {
		return s, fmt.Errorf("store: site settings: %w", err)
	}
	defer rows.Close()
	byKey := map[string]*string{}
	for _, f := range disclosure.SiteFields {
		byKey[f.Key] = f.Get(&s)
	}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return s, fmt.Errorf("store: site settings: %w", err)
		}
		// A name this version does not know (written by a newer one) is kept in the table and ignored here.
		if p := byKey[name]; p != nil {
			*p = value
		}
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("store: site settings: %w", err)
	}
	return s, nil
}

// SetSiteSettings validates s and stores it whole (an empty field removes the value), recorded in the audit trail
// with the values before and after. The write advances Version, so every cached page (whose footer shows them)
// is rendered afresh, in this process and, while Watch runs, in the others.
func (db *DB) SetSiteSettings(ctx context.Context, actor disclosure.Actor, s disclosure.SiteSettings) error {
	return db.SetSiteSettingsIf(ctx, actor, s, "")
}

// SiteSettingsTag is the entity tag of the site settings as they are, for If-Match.
func SiteSettingsTag(s disclosure.SiteSettings) string { return contentTag(s) }

// SetSiteSettingsIf is SetSiteSettings made only if the settings are still as the caller read them: expect is their
// SiteSettingsTag then ("" checks nothing). The check and the write are one step (ErrStale when it fails).
func (db *DB) SetSiteSettingsIf(ctx context.Context, actor disclosure.Actor, s disclosure.SiteSettings, expect string) error {
	if err := s.Validate(); err != nil {
		return err
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if err := db.lockNamed(ctx, tx, "site_settings"); err != nil {
			return err
		}
		before, err := siteSettings(ctx, tx)
		if err != nil {
			return err
		}
		if expect != "" && expect != SiteSettingsTag(before) {
			return fmt.Errorf("%w: %w", ErrStale, disclosure.Errorf(disclosure.EConflict, "网站页脚信息已被他人修改：请重新读取，在最新内容上修改后再保存"))
		}
		now := db.now().UnixMicro()
		for _, f := range disclosure.SiteFields {
			v := *f.Get(&s)
			if v == "" {
				if _, err := tx.ExecContext(ctx, `DELETE FROM site_settings WHERE name = $1`, f.Key); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO site_settings (name, value, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, f.Key, v, now); err != nil {
				return err
			}
		}
		return db.appendAudit(ctx, tx, actor, "site.update", "site", "footer", before, s)
	})
	if err != nil {
		return fmt.Errorf("store: set site settings: %w", err)
	}
	return nil
}
