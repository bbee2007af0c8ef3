package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// CatalogueFacet is how many published items of a set of agencies share one 主题分类, 体裁, year of publication
// and Art 20 item.
type CatalogueFacet struct {
	Category string
	Genre    disclosure.Genre
	Year     int
	Art20    int
	N        int
}

// CatalogueFacets counts the published items of the agencies (all agencies when agencyIDs is nil) by category,
// genre, year and Art 20 item, in one pass. The combinations are few (tens of categories, fourteen genres, the
// years) however many items there are, so the portal derives every count of its catalogue filters from them —
// each dimension under the filters chosen on the others — without a query per count.
func (db *DB) CatalogueFacets(ctx context.Context, agencyIDs []int64) ([]CatalogueFacet, error) {
	var w where
	w.clauses = append(w.clauses, "state = 'published'")
	if agencyIDs != nil {
		agencyIn(&w, agencyIDs)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT category, genre, COALESCE(substr(published_on, 1, 4), ''), art20, COUNT(*) FROM items`+w.sql()+
		` GROUP BY category, genre, COALESCE(substr(published_on, 1, 4), ''), art20`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: catalogue facets: %w", err)
	}
	defer rows.Close()
	var out []CatalogueFacet
	for rows.Next() {
		var f CatalogueFacet
		var year string
		if err := rows.Scan(&f.Category, &f.Genre, &year, &f.Art20, &f.N); err != nil {
			return nil, fmt.Errorf("store: catalogue facets: %w", err)
		}
		f.Year, _ = strconv.Atoi(year)
		out = append(out, f)
	}
	return out, rows.Err()
}

// SitemapBucket is a range of item IDs [K·size, (K+1)·size) with N published items, the last updated at LastMod.
type SitemapBucket struct {
	K       int64
	N       int
	LastMod time.Time
}

// SitemapBuckets groups the published items by ranges of size IDs, for a sitemap index whose every sitemap holds
// at most size URLs. Ranges without published items are left out.
func (db *DB) SitemapBuckets(ctx context.Context, size int) ([]SitemapBucket, error) {
	if size <= 0 {
		return nil, fmt.Errorf("store: sitemap buckets: size %d", size)
	}
	s := strconv.Itoa(size)
	rows, err := db.read.QueryContext(ctx, `SELECT id / `+s+`, COUNT(*), MAX(updated_at) FROM items WHERE state = 'published' GROUP BY id / `+s+` ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap buckets: %w", err)
	}
	defer rows.Close()
	var out []SitemapBucket
	for rows.Next() {
		var b SitemapBucket
		var at int64
		if err := rows.Scan(&b.K, &b.N, &at); err != nil {
			return nil, fmt.Errorf("store: sitemap buckets: %w", err)
		}
		b.LastMod = time.UnixMicro(at).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// ItemStamp is a published item's ID with when it last changed, for a sitemap.
type ItemStamp struct {
	ID        int64
	UpdatedAt time.Time
}

// PublishedItemStamps returns the published items with IDs in [from, to), by ID.
func (db *DB) PublishedItemStamps(ctx context.Context, from, to int64) ([]ItemStamp, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, updated_at FROM items WHERE state = 'published' AND id >= $1 AND id < $2 ORDER BY id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: item stamps: %w", err)
	}
	defer rows.Close()
	var out []ItemStamp
	for rows.Next() {
		var s ItemStamp
		var at int64
		if err := rows.Scan(&s.ID, &at); err != nil {
			return nil, fmt.Errorf("store: item stamps: %w", err)
		}
		s.UpdatedAt = time.UnixMicro(at).UTC()
		out = append(out, s)
	}
	return out, rows.Err()
}

// WithdrawnAt returns when a withdrawn item was withdrawn (its last "withdraw" event), for its public page.
// Errors: ENotFound.
func (db *DB) WithdrawnAt(ctx context.Context, itemID int64) (time.Time, error) {
	var at int64
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(at), 0) FROM item_events WHERE item_id = $1 AND action = 'withdraw'`, itemID).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: withdrawn at: %w", err)
	}
	if at == 0 {
		return time.Time{}, disclosure.Errorf(disclosure.ENotFound, "没有找到撤回记录")
	}
	return time.UnixMicro(at).UTC(), nil
}
