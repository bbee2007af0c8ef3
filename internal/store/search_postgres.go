package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gongkai/gongkai/internal/search"
)

// PostgreSQL's GIN index finds the matches of a query but returns them in no order, and it reads a word's whole
// posting list however few matches a page needs: on 10⁶ items a common word's list holds 10⁵ entries or more, each
// of them a heap visit in items, whose rows carry the texts (one page per candidate). So on PostgreSQL the search
// reads its candidates from item_search (migration 00030, docs/decisions/0015): a narrow table whose terms are
// items.tsv's lexemes prefixed with the item's shard — its ID >> bits, 2^13 IDs by default — and the title's lexemes
// once more with a title mark ("12|疫苗", "12t|疫苗"). The index then holds one short posting list per shard and
// word, and a page is found newest first (newestMatches):
//
//   - one statement walks the shards from the newest down (a lateral subquery per shard, stopped by the LIMIT),
//     each shard's candidates being the query's tokens ANDed with the filter tokens
//     (search.Query.TSQueryTokensPrefixed), which the GIN index answers exactly, without reading any row;
//   - when the query has a phrase or an excluded word, each candidate is checked against the exact query on its own
//     terms in item_search, which keep the entry's positions, as the walk reaches it, so no more are checked than
//     the page needs (and, after a move, its agency on its row in items);
//   - the count (at most searchCountCap+1, as on SQLite) walks the same way and stops at the cap.
//
// A common word is then answered by its newest shard; a rare one costs one short index probe per shard, about 120
// for 10⁶ items, in one statement.

// searchDepth is how many matches, in rank order, a search can page through (the portal's 200 pages of 10).
const searchDepth = 2000

// shardMark stands for the shard number in a list's query template; no index token holds it (it is a symbol, and
// symbols separate tokens).
const shardMark = "§"

// pgList is one list of a search on PostgreSQL: the template of its loose query over item_search's keys
// (shardMark where each lexeme's shard goes), and, when not every candidate matches, the exact queries (tsquery
// input) a candidate's entry must also match — phrases in order, excluded words; for the title list, the query in
// the title — and the agencies its row in items must belong to.
type pgList struct {
	template string
	exact    []string
	title    string
	agencies []int64
}

// postgresSearchPage returns the IDs of one page of the matches (titles first, then the others, each newest first)
// and how many match, counted up to searchCountCap+1.
func (db *DB) postgresSearchPage(ctx context.Context, q search.Query, subtree []int64, checkAgency bool, filters [][]string, limit, offset int) ([]int64, int, error) {
	var bits int
	var maxID sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT bits, (SELECT MAX(id) FROM item_search) FROM item_search_shard`).Scan(&bits, &maxID); err != nil {
		return nil, 0, fmt.Errorf("store: search: %w", err)
	}
	if !maxID.Valid {
		return nil, 0, nil
	}
	top := maxID.Int64 >> uint(bits)
	var f strings.Builder
	for _, any := range filters {
		f.WriteString(" & (")
		for i, tok := range any {
			if i > 0 {
				f.WriteString(" | ")
			}
			f.WriteString(search.QuoteLexeme(shardMark + "|" + tok))
		}
		f.WriteString(")")
	}
	all := pgList{template: q.TSQueryTokensPrefixed(shardMark+"|") + f.String()}
	inTitle := pgList{template: q.TSQueryTokensPrefixed(shardMark+"t|") + f.String()}
	if q.TSQueryTokens() != q.TSQuery() {
		// The candidates have every token of the query (and, in the title list, in the title) and a token of each
		// filter; what they may lack is the order of a phrase or the absence of an excluded word, which the entry's
		// positions answer: the filters need no order, so the exact queries leave them to the loose one.
		// TSQuery's lexemes are letters and digits only (the search package's shape test), so the tsquery type's
		// own input ($n::tsquery, cast once) reads it as to_tsquery would, without a call per row.
		all.exact = []string{q.TSQuery()}
		inTitle.exact, inTitle.title = all.exact, all.exact[0]
	}
	if checkAgency {
		// Entries written before 2026-12-02 name the agencies above their own too: the agency itself is checked on
		// its column.
		all.agencies, inTitle.agencies = subtree, subtree
	}
	need := 0
	if limit > 0 && offset < searchDepth {
		need = min(offset+limit, searchDepth)
	}
	var titles []int64
	var err error
	if need > 0 {
		if titles, err = db.newestMatches(ctx, bits, top, inTitle, need); err != nil {
			return nil, 0, err
		}
	}
	// The count and the other matches: with an exact check, the newest matches up to the cap give both; without,
	// the count is a capped count of the candidates, which reads no row of item_search when its pages are
	// all-visible.
	var total int
	var matches []int64
	if len(all.exact) > 0 || all.agencies != nil {
		if matches, err = db.newestMatches(ctx, bits, top, all, max(searchCountCap+1, need)); err != nil {
			return nil, 0, err
		}
		total = min(len(matches), searchCountCap+1)
	} else {
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM generate_series($2::bigint, 0, -1) AS s (n)
			CROSS JOIN LATERAL (SELECT 1 FROM item_search WHERE `+searchKeys(bits)+` @@ replace($1, '`+shardMark+`', s.n::text)::tsquery) AS c LIMIT $3) AS capped`,
			all.template, top, searchCountCap+1).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("store: search count: %w", err)
		}
		if len(titles) < need && total > 0 {
			if matches, err = db.newestMatches(ctx, bits, top, all, need); err != nil {
				return nil, 0, err
			}
		}
	}
	ranked := titles
	if len(titles) < need {
		// The titles are all here (a short list ends them); the others follow, without them. Among the newest
		// `need` matches at most len(titles) are titles, so enough others are among them.
		ranked = append(ranked, excludeIDs(matches, titles)...)
		ranked = ranked[:min(len(ranked), need)]
	}
	if offset >= len(ranked) {
		return nil, total, nil
	}
	return ranked[offset:], total, nil
}

// searchKeys is the expression of item_search's GIN index for a shard size of 2^bits IDs: a query must name it as
// the index does, the bits written out, for the planner to use the index.
func searchKeys(bits int) string { return "item_search_keys(id, doc, " + strconv.Itoa(bits) + ")" }

// newestMatches returns the newest n matches of the list (all of them when fewer), newest first, in one statement:
// for each shard from the newest (top) down, a lateral subquery reads the shard's candidates from the GIN index and
// sorts them (at most 2^bits), each candidate's entry meets the exact queries (when there are any), and the LIMIT
// stops the nested loop, and the walk of the shards, once n have passed: a common word reads its newest shard, a
// rare one a short posting list in each, and no candidate is checked that the page does not need. The check reads
// the candidate's entry in item_search (out of line, a copy of items.tsv), not its row in items.
//
// The order is the nested loop's (shards descending, each sorted descending: IDs descending), which SQL does not
// promise: the candidates' subquery is fenced (OFFSET 0), so the planner cannot move the exact check into it (where
// it would check every candidate of a shard before sorting) nor reorder the walk, and the IDs are checked to
// descend; should a plan ever break the order, the page is read again with an ORDER BY over every match.
func (db *DB) newestMatches(ctx context.Context, bits int, top int64, l pgList, n int) ([]int64, error) {
	args := []any{l.template, top, n}
	query := `SELECT c.id FROM generate_series($2::bigint, 0, -1) AS s (n)
		CROSS JOIN LATERAL (SELECT id, doc FROM item_search WHERE ` + searchKeys(bits) + ` @@ replace($1, '` + shardMark + `', s.n::text)::tsquery ORDER BY id DESC OFFSET 0) AS c`
	var conds []string
	for _, x := range l.exact {
		args = append(args, x)
		conds = append(conds, fmt.Sprintf(`c.doc @@ $%d::tsquery`, len(args)))
	}
	if l.title != "" {
		args = append(args, l.title)
		conds = append(conds, fmt.Sprintf(`ts_filter(c.doc, '{a}') @@ $%d::tsquery`, len(args)))
	}
	if l.agencies != nil {
		args = append(args, pgIDArray(l.agencies))
		conds = append(conds, fmt.Sprintf(`(SELECT agency_id = ANY($%d::bigint[]) FROM items WHERE items.id = c.id)`, len(args)))
	}
	if len(conds) > 0 {
		query += ` WHERE ` + strings.Join(conds, " AND ")
	}
	rows, err := db.read.QueryContext(ctx, query+` LIMIT $3`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	ids, err := scanIDs(rows)
	if err != nil || descending(ids) {
		return ids, err
	}
	if rows, err = db.read.QueryContext(ctx, `SELECT id FROM (`+query+`) AS m ORDER BY id DESC LIMIT $3`, args...); err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	return scanIDs(rows)
}

// descending reports whether the IDs strictly descend.
func descending(ids []int64) bool {
	for i := 1; i < len(ids); i++ {
		if ids[i] >= ids[i-1] {
			return false
		}
	}
	return true
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
