package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// The public catalogue's lists (migration 00015): each published item is on its agency's lists and on the whole
// portal's, unfiltered and by each of its 主题分类 (and those above it), its 体裁 and its Art 20 item. A page of a
// list is one ordered range of item_list's primary key; a page of several agencies' lists merges their ranges
// (UNION ALL with ORDER BY, which both engines merge without sorting); the counts are sums over item_counts.
// Without these, a list by a rare category or genre walks the newest items until it has found its page: on 10⁶
// items a sparse filter read 10⁵ rows per page, and counting the facets read them all (5 s).

// allScope is the scope of the whole portal's lists.
const allScope = "*"

// listing is what an item contributes to the lists and counts.
type listing struct {
	agency      int64
	category    string
	genre       string
	art20       int
	publishedOn string
}

// listingOf returns the item's listing, and false when it is on no list (not published).
func listingOf(it *disclosure.Item) (listing, bool) {
	if it.State != disclosure.ItemPublished || it.PublishedOn.IsZero() {
		return listing{}, false
	}
	return listing{agency: it.AgencyID, category: it.Category, genre: string(it.Genre), art20: it.Art20, publishedOn: it.PublishedOn.String()}, true
}

func (l listing) year() int {
	y, _ := strconv.Atoi(l.publishedOn[:4])
	return y
}

// listFacet names a filtered list: "" unfiltered, "c:code", "g:genre" or "a:n".
func categoryFacet(code string) string { return "c:" + code }
func genreFacet(g string) string       { return "g:" + g }
func art20Facet(n int) string          { return "a:" + strconv.Itoa(n) }

// listKey is the key of a scope's (an agency's ID, or allScope) list.
func listKey(scope, facet string) string {
	if facet == "" {
		return scope
	}
	return scope + "/" + facet
}

// keys returns the keys of every list the listing is on.
func (l listing) keys() []string {
	facets := []string{"", genreFacet(l.genre)}
	if l.category != "" {
		parts := strings.Split(l.category, ".")
		for i := range parts {
			facets = append(facets, categoryFacet(strings.Join(parts[:i+1], ".")))
		}
	}
	if l.art20 > 0 {
		facets = append(facets, art20Facet(l.art20))
	}
	var out []string
	for _, scope := range []string{allScope, strconv.FormatInt(l.agency, 10)} {
		for _, f := range facets {
			out = append(out, listKey(scope, f))
		}
	}
	return out
}

// relist brings the item's rows of the lists and counts in line with the item, inside its write transaction:
// old is what the item contributed before the change (listingOf the row as it was read; had false when it was on
// no list). Nothing is written when what it contributes has not changed.
func (db *DB) relist(ctx context.Context, tx *sql.Tx, old listing, had bool, it *disclosure.Item) error {
	now, has := listingOf(it)
	if had == has && (!had || old == now) {
		return nil
	}
	if had {
		for _, k := range old.keys() {
			if _, err := tx.ExecContext(ctx, `DELETE FROM item_list WHERE key = $1 AND published_on = $2 AND item_id = $3`, k, old.publishedOn, it.ID); err != nil {
				return fmt.Errorf("item lists: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE item_counts SET n = n - 1 WHERE agency_id = $1 AND category = $2 AND genre = $3 AND year = $4 AND art20 = $5`,
			old.agency, old.category, old.genre, old.year(), old.art20); err != nil {
			return fmt.Errorf("item counts: %w", err)
		}
	}
	if has {
		return insertListings(ctx, tx, map[int64]listing{it.ID: now})
	}
	return nil
}

// insertListings adds items (by ID) that are on no list yet to the lists and counts, in statements of many rows.
func insertListings(ctx context.Context, tx *sql.Tx, items map[int64]listing) error {
	ids := make([]int64, 0, len(items))
	for id := range items {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	lists := newBulkInsert(tx, `INSERT INTO item_list (key, published_on, item_id) VALUES `, rowOf)
	defer lists.close()
	type countKey struct {
		agency          int64
		category, genre string
		year, art20     int
	}
	counts := map[countKey]int{}
	const per = 100
	var listArgs []any
	listRows := 0
	flush := func(min int) error {
		for listRows >= min && listRows > 0 {
			n := listRows
			if n > per {
				n = per
			}
			if err := lists.exec(ctx, n, listArgs[:n*3]); err != nil {
				return fmt.Errorf("item lists: %w", err)
			}
			listArgs, listRows = listArgs[n*3:], listRows-n
		}
		return nil
	}
	for _, id := range ids {
		l := items[id]
		for _, k := range l.keys() {
			listArgs = append(listArgs, k, l.publishedOn, id)
			listRows++
		}
		counts[countKey{l.agency, l.category, l.genre, l.year(), l.art20}]++
		if err := flush(per); err != nil {
			return err
		}
	}
	if err := flush(1); err != nil {
		return err
	}
	for k, n := range counts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO item_counts (agency_id, category, genre, year, art20, n) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (agency_id, category, genre, year, art20) DO UPDATE SET n = item_counts.n + excluded.n`, k.agency, k.category, k.genre, k.year, k.art20, n); err != nil {
			return fmt.Errorf("item counts: %w", err)
		}
	}
	return nil
}

func rowOf(p []string) string { return "(" + strings.Join(p, ", ") + ")" }

// backfillLists fills the lists and counts of a database whose items were published before migration 00015, once:
// it does nothing when any item is listed already or none is published. Processes migrating at once are kept
// apart by the check inside the first batch's transaction (with a transaction lock on PostgreSQL); items listed
// meanwhile by a publication are skipped.
func (db *DB) backfillLists(ctx context.Context) error {
	var published int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM items WHERE state = 'published' LIMIT 1) AS p`).Scan(&published); err != nil {
		return fmt.Errorf("store: item lists: %w", err)
	}
	if published == 0 {
		return nil
	}
	const batch = 20000
	var after int64
	for {
		items := map[int64]listing{}
		var last int64
		done := false
		err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
			clear(items)
			if after == 0 {
				if db.d.name() == "postgres" {
					if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('gongkai.item_lists'))`); err != nil {
						return err
					}
				}
				var listed int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM item_list LIMIT 1) AS l`).Scan(&listed); err != nil {
					return err
				}
				if done = listed > 0; done {
					return nil
				}
			}
			rows, err := tx.QueryContext(ctx, `SELECT id, agency_id, category, genre, art20, published_on FROM items
				WHERE state = 'published' AND published_on IS NOT NULL AND id > $1
				AND NOT EXISTS (SELECT 1 FROM item_list l WHERE l.key = '*' AND l.published_on = items.published_on AND l.item_id = items.id)
				ORDER BY id LIMIT $2`, after, batch)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				var l listing
				if err := rows.Scan(&id, &l.agency, &l.category, &l.genre, &l.art20, &l.publishedOn); err != nil {
					rows.Close()
					return err
				}
				items[id], last = l, id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			return insertListings(ctx, tx, items)
		})
		if err != nil {
			return fmt.Errorf("store: item lists: %w", err)
		}
		if done || len(items) < batch {
			return nil
		}
		after = last
	}
}

// listable reports whether PublishedItems can read the filter from the lists: by agencies, category, genre, year
// and Art 20 item, newest first.
func listable(f disclosure.ItemFilter) bool {
	return (f.Order == "" || f.Order == "published") && f.Query == "" && f.Validity == "" && f.ReviewBy.IsZero() && f.FormedBefore.IsZero()
}

// listPage returns the IDs of one page of the published items of the agencies (nil: all) that the filter selects,
// newest first. The list read is the filter's most selective one (by the counts); the other filters, if any, are
// checked on the items as the list is walked.
func (db *DB) listPage(ctx context.Context, f disclosure.ItemFilter, limit, offset int) ([]int64, error) {
	var facets []string
	if f.Category != "" {
		facets = append(facets, categoryFacet(f.Category))
	}
	if f.Genre != "" {
		facets = append(facets, genreFacet(string(f.Genre)))
	}
	if f.Art20 != 0 {
		facets = append(facets, art20Facet(f.Art20))
	}
	facet := ""
	if len(facets) == 1 {
		facet = facets[0]
	} else if len(facets) > 1 {
		best := -1
		for _, fc := range facets {
			n, err := db.facetCount(ctx, f.AgencyIDs, fc)
			if err != nil {
				return nil, err
			}
			if best < 0 || n < best {
				best, facet = n, fc
			}
		}
	}
	var scopes []string
	if f.AgencyIDs == nil {
		scopes = []string{allScope}
	} else {
		for _, id := range f.AgencyIDs {
			scopes = append(scopes, strconv.FormatInt(id, 10))
		}
		if len(scopes) == 0 {
			return nil, nil
		}
		// A merge of very many agencies costs more than walking the portal's list and keeping theirs.
		if len(scopes) > maxMergedLists {
			scopes = []string{allScope}
		}
	}
	var w where
	var residual []string
	join := ""
	if len(facets) > 1 || (len(scopes) == 1 && scopes[0] == allScope && f.AgencyIDs != nil) {
		join = " JOIN items i ON i.id = l.item_id"
	}
	arm := func(key string) string {
		q := `SELECT l.published_on, l.item_id FROM item_list l` + join + ` WHERE l.key = ` + w.next(key)
		if f.Year != 0 {
			y0, y1 := yearBounds(f.Year)
			q += ` AND l.published_on >= ` + w.next(y0) + ` AND l.published_on <= ` + w.next(y1)
		}
		return q + strings.Join(residual, "")
	}
	if join != "" {
		if f.AgencyIDs != nil && scopes[0] == allScope {
			ph := make([]string, len(f.AgencyIDs))
			for i, id := range f.AgencyIDs {
				ph[i] = w.next(id)
			}
			residual = append(residual, " AND i.agency_id IN ("+strings.Join(ph, ", ")+")")
		}
		for _, fc := range facets {
			if fc == facet {
				continue
			}
			switch {
			case strings.HasPrefix(fc, "c:"):
				residual = append(residual, " AND (i.category = "+w.next(f.Category)+" OR i.category LIKE "+w.next(f.Category+".%")+")")
			case strings.HasPrefix(fc, "g:"):
				residual = append(residual, " AND i.genre = "+w.next(string(f.Genre)))
			case strings.HasPrefix(fc, "a:"):
				residual = append(residual, " AND i.art20 = "+w.next(f.Art20))
			}
		}
	}
	arms := make([]string, len(scopes))
	for i, s := range scopes {
		arms[i] = arm(listKey(s, facet))
	}
	q := strings.Join(arms, " UNION ALL ")
	if len(arms) == 1 {
		q += ` ORDER BY l.published_on DESC, l.item_id DESC`
	} else {
		q += ` ORDER BY 1 DESC, 2 DESC`
	}
	q += ` LIMIT ` + w.next(limit) + ` OFFSET ` + w.next(offset)
	rows, err := db.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: item list: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var on string
		var id int64
		if err := rows.Scan(&on, &id); err != nil {
			return nil, fmt.Errorf("store: item list: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// maxMergedLists bounds how many agencies' lists a page merges.
const maxMergedLists = 200

// facetCount counts the published items of the agencies (nil: all) on a filtered list.
func (db *DB) facetCount(ctx context.Context, agencyIDs []int64, facet string) (int, error) {
	var w where
	if agencyIDs != nil {
		agencyIn(&w, agencyIDs)
	}
	kind, value, _ := strings.Cut(facet, ":")
	switch kind {
	case "c":
		p1, p2 := w.next(value), w.next(value+".%")
		w.clauses = append(w.clauses, "(category = "+p1+" OR category LIKE "+p2+")")
	case "g":
		w.add("genre = $%d", value)
	case "a":
		n, _ := strconv.Atoi(value)
		w.add("art20 = $%d", n)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM item_counts`+w.sql(), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: item counts: %w", err)
	}
	return n, nil
}

// itemsByID reads items in the order of ids.
func (db *DB) itemsByID(ctx context.Context, ids []int64) ([]disclosure.Item, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var w where
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = w.next(id)
	}
	items, err := queryItems(ctx, db.read, `SELECT `+itemColumns+` FROM items WHERE id IN (`+strings.Join(ph, ", ")+`)`, w.args...)
	if err != nil {
		return nil, err
	}
	pos := make(map[int64]int, len(ids))
	for i, id := range ids {
		pos[id] = i
	}
	slices.SortFunc(items, func(a, b disclosure.Item) int { return cmp.Compare(pos[a.ID], pos[b.ID]) })
	return items, nil
}
