package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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
// genre, year and Art 20 item, from the counts kept as items are published and withdrawn (item_counts). The
// combinations are few (a thousand on 10⁶ generated items) however many items there are, so the portal derives
// every count of its catalogue filters from them — each dimension under the filters chosen on the others —
// without a query per count.
func (db *DB) CatalogueFacets(ctx context.Context, agencyIDs []int64) ([]CatalogueFacet, error) {
	var w where
	w.clauses = append(w.clauses, "n > 0")
	if agencyIDs != nil {
		agencyIn(&w, agencyIDs)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT category, genre, year, art20, SUM(n) FROM item_counts`+w.sql()+
		` GROUP BY category, genre, year, art20`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: catalogue facets: %w", err)
	}
	defer rows.Close()
	var out []CatalogueFacet
	for rows.Next() {
		var f CatalogueFacet
		if err := rows.Scan(&f.Category, &f.Genre, &f.Year, &f.Art20, &f.N); err != nil {
			return nil, fmt.Errorf("store: catalogue facets: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// PublishedItems returns one page of the published items the filter selects (its States and Public are ignored:
// withdrawn items are never listed), in its order, without counting them. Newest first by agencies, category,
// genre, year and Art 20 item (the portal's filters) it reads one page of the kept lists (itemlists.go); other
// filters and orders query the items. The portal takes its counts from CatalogueFacets.
func (db *DB) PublishedItems(ctx context.Context, f disclosure.ItemFilter) ([]disclosure.Item, error) {
	f.Public, f.States = false, []disclosure.ItemState{disclosure.ItemPublished}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 20
	}
	if listable(f) {
		ids, err := db.listPage(ctx, f, f.Limit, max(f.Offset, 0))
		if err != nil {
			return nil, err
		}
		items, err := db.itemsByID(ctx, ids)
		if err != nil {
			return nil, fmt.Errorf("store: published items: %w", err)
		}
		return items, nil
	}
	w := itemWhere(f)
	order := ` ORDER BY published_on DESC, id DESC`
	if f.Order == "updated" {
		order = ` ORDER BY updated_at DESC, id DESC`
	}
	q := `SELECT ` + itemColumns + ` FROM items` + w.sql() + order + ` LIMIT ` + w.next(f.Limit) + ` OFFSET ` + w.next(max(f.Offset, 0))
	items, err := queryItems(ctx, db.read, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: published items: %w", err)
	}
	return items, nil
}

func queryItems(ctx context.Context, q queryer, query string, args ...any) ([]disclosure.Item, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []disclosure.Item
	for rows.Next() {
		it, err := scanItem(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, *it)
	}
	return out, rows.Err()
}

// MostRead returns the n most-read published items of the agencies (nil: all), most read first. Each agency's are
// read from its index of hits (agency, hits) and merged, because one query over all agencies would sort every
// published item.
func (db *DB) MostRead(ctx context.Context, agencyIDs []int64, n int) ([]disclosure.Item, error) {
	if agencyIDs == nil {
		all, err := findAgencies(ctx, db.read, disclosure.AgencyFilter{})
		if err != nil {
			return nil, fmt.Errorf("store: most read: %w", err)
		}
		for _, a := range all {
			agencyIDs = append(agencyIDs, a.ID)
		}
	}
	var out []disclosure.Item
	for _, id := range agencyIDs {
		items, err := queryItems(ctx, db.read, `SELECT `+itemColumns+` FROM items WHERE agency_id = $1 AND state = 'published' ORDER BY hits DESC, id DESC LIMIT $2`, id, n)
		if err != nil {
			return nil, fmt.Errorf("store: most read: %w", err)
		}
		out = append(out, items...)
	}
	slices.SortFunc(out, func(a, b disclosure.Item) int {
		if a.Hits != b.Hits {
			return cmp.Compare(b.Hits, a.Hits)
		}
		return cmp.Compare(b.ID, a.ID)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// SitemapBucket is a range of item IDs [K·size, (K+1)·size) with N published items.
type SitemapBucket struct {
	K int64
	N int
}

// SitemapBuckets groups the published items by ranges of size IDs, for a sitemap index whose every sitemap holds
// at most size URLs. Ranges without published items are left out. It reads only the index of published items.
func (db *DB) SitemapBuckets(ctx context.Context, size int) ([]SitemapBucket, error) {
	if size <= 0 {
		return nil, fmt.Errorf("store: sitemap buckets: size %d", size)
	}
	s := strconv.Itoa(size)
	rows, err := db.read.QueryContext(ctx, `SELECT id / `+s+`, COUNT(*) FROM items WHERE state = 'published' GROUP BY id / `+s+` ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap buckets: %w", err)
	}
	defer rows.Close()
	var out []SitemapBucket
	for rows.Next() {
		var b SitemapBucket
		if err := rows.Scan(&b.K, &b.N); err != nil {
			return nil, fmt.Errorf("store: sitemap buckets: %w", err)
		}
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
	// state || '' keeps the planner on the primary key's range: through the index of states it would read every
	// published item and sort them.
	rows, err := db.read.QueryContext(ctx, `SELECT id, updated_at FROM items WHERE id >= $1 AND id < $2 AND state || '' = 'published' ORDER BY id`, from, to)
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
