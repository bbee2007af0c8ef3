package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/search"
)

// PostgreSQL's GIN index finds the matches of a query but returns them in no order, and the planner, asked for the
// newest ten, guesses how densely they lie: for a word it believes common it walks the primary key backwards and
// tests each row. When the guess is wrong — a word common in bodies but absent from titles, or common only among
// old items — the walk reads every row (10⁶ items: 4–8 s). A phrase (疫苗接种 is 疫苗 <-> 苗接 <-> 接种) or a
// weight label costs more again: the index knows neither positions nor weights, so every candidate's tsvector is
// read back to check them (3 s for 行政处罚 in titles). So on PostgreSQL a page is found in steps whose cost the
// database cannot misjudge:
//
//   - candidates come from the index alone: the query's tokens joined by & (search.Query.TSQueryTokens), and for
//     titles the same against ts_filter(tsv, '{a}'), which has its own GIN index (migration 00016); sessions get
//     a work_mem of 32 MB (unless the address sets one), so that a bitmap of 10⁵ candidates stays exact instead of
//     turning lossy, which re-reads every row of its pages;
//   - when the capped count says there are at most searchCountCap matches, every candidate's ID is read; otherwise
//     the newest candidates are read from windows of the newest IDs, each eight times the last, until enough are
//     found or the window covers every item;
//   - only the candidates that can reach the page are checked against the exact query (phrases, exclusions),
//     newest first, in batches.

// searchWindow is the first window of newest IDs a page of a common word is looked for in (a variable for tests).
var searchWindow int64 = 1 << 16

// searchDepth is how many matches, in rank order, a search can page through (the portal's 200 pages of 10).
const searchDepth = 2000

// pgMatch is one list of a search on PostgreSQL: the condition on items that the GIN indexes answer exactly (the
// candidates), with its arguments, and the condition the candidates must also meet ("" when they all do).
type pgMatch struct {
	candidates string
	args       []any
	exact      string
	exactArgs  []any
}

// postgresSearchPage returns the IDs of one page of the matches (titles first, then the others, each newest first)
// and how many match, counted up to searchCountCap+1.
func (db *DB) postgresSearchPage(ctx context.Context, q search.Query, sq disclosure.SearchQuery, subtree []int64, checkAgency bool, filters [][]string, limit, offset int) ([]int64, int, error) {
	all, _, _ := db.d.ftsQueries(q, filters)
	var total int
	if err := db.read.QueryRowContext(ctx, db.d.ftsCount("$1", searchCountCap+1, idList(subtree, checkAgency)), all).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: search count: %w", err)
	}
	if total == 0 || limit <= 0 || offset >= searchDepth {
		return nil, total, nil
	}
	need := min(offset+limit, searchDepth)
	loose := q.TSQueryTokens()
	looseAll := loose
	if f := db.d.ftsFilters(filters); len(filters) > 0 {
		looseAll = "(" + loose + ") & " + f
	}
	// The titles' candidates are read from their index with the filters as conditions on the items' columns (as
	// index terms in tsv, the planner no longer intersects the index with the window of IDs and reads every
	// candidate outside it; checked afterwards, a filter that keeps few reads them all).
	anywhere := pgMatch{candidates: `tsv @@ to_tsquery('simple', $1)`, args: []any{looseAll}}
	inTitle := pgMatch{candidates: `ts_filter(tsv, '{a}') @@ to_tsquery('simple', $1)`, args: []any{loose}}
	inTitle.candidates += pgColumnFilters(sq, subtree, &inTitle.args)
	if checkAgency {
		// The index's agency terms include the agencies above an item's agency when it was indexed; the column
		// says where it is now.
		anywhere.candidates += " AND agency_id = ANY($2::bigint[])"
		anywhere.args = append(anywhere.args, pgIDArray(subtree))
	}
	if loose != q.TSQuery() {
		anywhere.exact, anywhere.exactArgs = `tsv @@ to_tsquery('simple', $2)`, []any{all}
		inTitle.exact, inTitle.exactArgs = `ts_filter(tsv, '{a}') @@ to_tsquery('simple', $2) AND tsv @@ to_tsquery('simple', $3)`, []any{q.TSQuery(), all}
	}
	few := total <= searchCountCap
	titles, err := db.newestMatches(ctx, inTitle, need, few)
	if err != nil {
		return nil, 0, err
	}
	ranked := titles
	if len(titles) < need {
		// The titles are all here; the others follow, without them.
		rest := anywhere
		if len(titles) > 0 {
			rest.candidates += ` AND NOT (id = ANY($` + strconv.Itoa(len(rest.args)+1) + `::bigint[]))`
			rest.args = append(slices.Clip(rest.args), pgIDArray(titles))
		}
		others, err := db.newestMatches(ctx, rest, need-len(titles), few)
		if err != nil {
			return nil, 0, err
		}
		ranked = append(ranked, others...)
	}
	if offset >= len(ranked) {
		return nil, total, nil
	}
	return ranked[offset:], total, nil
}

// pgColumnFilters writes the search's filters as conditions on the columns of items (" AND …", or ""), with their
// arguments appended to args: the agencies with every unit below them (subtree), the category with those below
// it, the genre, the year of publication.
func pgColumnFilters(sq disclosure.SearchQuery, subtree []int64, args *[]any) string {
	next := func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	var b strings.Builder
	if sq.AgencyIDs != nil {
		b.WriteString(" AND agency_id = ANY(" + next(pgIDArray(subtree)) + "::bigint[])")
	}
	if sq.Category != "" {
		b.WriteString(" AND (category = " + next(sq.Category) + " OR category LIKE " + next(sq.Category+".%") + ")")
	}
	if sq.Genre != "" {
		b.WriteString(" AND genre = " + next(string(sq.Genre)))
	}
	if sq.Year != 0 {
		y0, y1 := yearBounds(sq.Year)
		b.WriteString(" AND published_on >= " + next(y0) + " AND published_on <= " + next(y1))
	}
	return b.String()
}

// newestMatches returns the newest n items of the match, newest first. With few (the match has at most
// searchCountCap items) it reads every candidate at once; otherwise it looks in growing windows of the newest IDs.
func (db *DB) newestMatches(ctx context.Context, m pgMatch, n int, few bool) ([]int64, error) {
	if few {
		return db.exactMatches(ctx, m, 0, n)
	}
	var maxID int64
	if err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM items`).Scan(&maxID); err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	for w := searchWindow; ; w *= 8 {
		lo := max(maxID-w, 0)
		ids, err := db.exactMatches(ctx, m, lo, n)
		if err != nil || len(ids) >= n || lo == 0 {
			return ids, err
		}
	}
}

// exactMatches returns the newest n candidates above the ID after that meet the exact condition, newest first.
func (db *DB) exactMatches(ctx context.Context, m pgMatch, after int64, n int) ([]int64, error) {
	limit := n
	if m.exact != "" {
		limit = 0 // which candidates fail the exact check is known only by checking them
	}
	cands, err := db.candidateIDs(ctx, m.candidates, after, limit, m.args...)
	if err != nil || m.exact == "" {
		return cands, err
	}
	var out []int64
	for batch := max(n, 50); len(cands) > 0 && len(out) < n; batch *= 4 {
		k := min(batch, len(cands))
		// The candidates are read by their IDs first (a CTE): asked in one condition, the planner may prefer the
		// GIN index for the exact query and re-read every candidate in the database.
		rows, err := db.read.QueryContext(ctx, `WITH c AS MATERIALIZED (SELECT id, tsv FROM items WHERE id = ANY($1::bigint[]))
			SELECT id FROM c WHERE `+m.exact+` ORDER BY id DESC`,
			append([]any{pgIDArray(cands[:k])}, m.exactArgs...)...)
		if err != nil {
			return nil, fmt.Errorf("store: search: %w", err)
		}
		ids, err := scanIDs(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
		cands = cands[k:]
	}
	return out[:min(n, len(out))], nil
}

// candidateIDs reads the IDs above after (0: all) that meet cond (placeholders $1… for args), newest first, at
// most limit (0: all). The condition is a materialised CTE, so the planner reads it through the indexes as a
// bitmap and cannot trade it for a walk of the primary key.
func (db *DB) candidateIDs(ctx context.Context, cond string, after int64, limit int, args ...any) ([]int64, error) {
	q := `WITH m AS MATERIALIZED (SELECT id FROM items WHERE ` + cond
	if after > 0 {
		q += ` AND id > ` + strconv.FormatInt(after, 10)
	}
	q += `) SELECT id FROM m ORDER BY id DESC`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	return scanIDs(rows)
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: search: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// excludeIDs returns ids without those in drop, in order.
func excludeIDs(ids, drop []int64) []int64 {
	if len(drop) == 0 {
		return ids
	}
	sorted := slices.Clone(drop)
	slices.Sort(sorted)
	out := ids[:0:0]
	for _, id := range ids {
		if _, found := slices.BinarySearch(sorted, id); !found {
			out = append(out, id)
		}
	}
	return out
}

// pgIDArray writes IDs as a PostgreSQL array literal, for = ANY($n::bigint[]).
func pgIDArray(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return "{" + strings.Join(parts, ",") + "}"
}
