package store

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/search"
)

// MaxImportItems is the most items one ImportItems call takes: a call is one transaction, and callers go in
// batches (5,000 is a good size: large enough that the commit costs little, small enough to hold in memory).
const MaxImportItems = 20000

// importColumns are the columns ImportItems writes: those of CreateItem, and the hits of items imported with their
// history of readers.
const importColumns = `agency_id, index_number, serial, title, summary, doc_number, doc_number_norm, written_on, formed_on, published_on, publish_at,
	publisher, category, genre, art20, keywords, body, body_text, validity, effective_on, ended_on, review_on, state, withdrawn_reason, source_case_id, review,
	revision, created_at, updated_at, version, hits`

// rowsPerInsert is implemented by dialects that write an import faster with many rows per INSERT: PostgreSQL, where
// each statement is a round trip. SQLite runs in the process, and there a prepared one-row INSERT beats a multi-row
// VALUES list, which it compiles as a compound SELECT (measured: 3,700 against 1,800 items/s).
type rowsPerInsert interface{ rowsPerInsert() int }

// rowsPerInsert is 100: 3,500 parameters for items, well within PostgreSQL's 65,535.
func (postgresDialect) rowsPerInsert() int { return 100 }

func importRowsPer(d dialect) int {
	if r, ok := d.(rowsPerInsert); ok {
		return r.rowsPerInsert()
	}
	return 1
}

// bulkInsert is an INSERT of n rows at a time, prepared once for each n used (the full chunks and the last one).
type bulkInsert struct {
	tx    *sql.Tx
	head  string
	row   func(placeholders []string) string
	stmts map[int]*sql.Stmt
}

func newBulkInsert(tx *sql.Tx, head string, row func([]string) string) *bulkInsert {
	return &bulkInsert{tx: tx, head: head, row: row, stmts: map[int]*sql.Stmt{}}
}

// exec inserts n rows whose values are args, the same number for each row.
func (b *bulkInsert) exec(ctx context.Context, n int, args []any) error {
	st := b.stmts[n]
	if st == nil {
		per := len(args) / n
		var q strings.Builder
		q.WriteString(b.head)
		ph := make([]string, per)
		for i := range n {
			for j := range ph {
				ph[j] = "$" + strconv.Itoa(i*per+j+1)
			}
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(b.row(ph))
		}
		var err error
		if st, err = b.tx.PrepareContext(ctx, q.String()); err != nil {
			return err
		}
		b.stmts[n] = st
	}
	_, err := st.ExecContext(ctx, args...)
	return err
}

func (b *bulkInsert) close() {
	for _, st := range b.stmts {
		st.Close()
	}
}

// idReserver is implemented by dialects whose other writers may take IDs while an import runs: the import takes
// its IDs from the sequence instead of after the largest one.
type idReserver interface {
	reserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error)
}

func (postgresDialect) reserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// reserveItemIDs gives the items their IDs before they are written, so that many go in one INSERT. On SQLite the
// write transaction holds the database (BEGIN IMMEDIATE), so the IDs after the largest are free.
func (db *DB) reserveItemIDs(ctx context.Context, tx *sql.Tx, items []*disclosure.Item) error {
	if r, ok := db.d.(idReserver); ok {
		ids, err := r.reserveIDs(ctx, tx, "items", len(items))
		if err != nil {
			return fmt.Errorf("reserve item ids: %w", err)
		}
		for i, it := range items {
			it.ID = ids[i]
		}
		return nil
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM items`).Scan(&last); err != nil {
		return fmt.Errorf("reserve item ids: %w", err)
	}
	for i, it := range items {
		it.ID = last + int64(i) + 1
	}
	return nil
}

// bodyTextArg is the position of body_text in itemArgs.
const bodyTextArg = 17

// inlineFTS is implemented by dialects whose search entry is a column of items, so that the INSERT writes it too
// (PostgreSQL's tsvector) instead of a second statement per item.
type inlineFTS interface {
	// ftsColumn returns the column and the expression computing it from the placeholders of the entry made in Go
	// (ftsLiteral, or NULL) and of the title's and the body's tokens.
	ftsColumn(literal, title, body string) (column, expr string)
	// ftsLiteral makes the entry in Go, when it can be made exactly as the engine would make it.
	ftsLiteral(title, body string) (string, bool)
}

func (postgresDialect) ftsColumn(literal, title, body string) (string, string) {
	return "tsv", "COALESCE(" + literal + "::tsvector, setweight(to_tsvector('simple', " + title + "), 'A') || setweight(to_tsvector('simple', " + body + "), 'D'))"
}

// ftsLiteral writes the tsvector of setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple',
// body), 'D') as its text form: each token a lexeme, at positions counted from 1 across the title and then the
// body, A in the title and D (written as nothing) in the body. The tokens of internal/search are exactly the words
// PostgreSQL's parser finds in them (the search package tests that on every code point), so the server only has to
// read the lexemes instead of parsing the text (measured: 1,550 against 2,100 items/s; the GIN index takes most of
// the rest). Texts that reach tsvector's limits (positions past 16,383, more than 256 positions of one lexeme) are
// left to the server, which alone knows how it cuts them; TestTSVectorLiteral compares both ways on the server.
func (postgresDialect) ftsLiteral(title, body string) (string, bool) {
	const maxPos, maxPositions = 16383, 255
	positions := map[string][]int{}
	var order []string
	n := 0
	add := func(text string) bool {
		for tok := range strings.SplitSeq(text, " ") {
			if tok == "" {
				continue
			}
			if n++; n >= maxPos {
				return false
			}
			if positions[tok] == nil {
				order = append(order, tok)
			}
			if positions[tok] = append(positions[tok], n); len(positions[tok]) > maxPositions {
				return false
			}
		}
		return true
	}
	if !add(title) {
		return "", false
	}
	titleEnd := n
	if !add(body) {
		return "", false
	}
	var b strings.Builder
	for i, tok := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('\'')
		for _, r := range tok {
			switch r {
			case '\'':
				b.WriteString("''")
			case '\\':
				b.WriteString("\\\\")
			default:
				b.WriteRune(r)
			}
		}
		b.WriteString("':")
		for j, p := range positions[tok] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p))
			if p <= titleEnd {
				b.WriteByte('A')
			}
		}
	}
	return b.String(), true
}

// bulkTuner is implemented by dialects that set a connection up for one large write transaction and back.
type bulkTuner interface {
	tune(ctx context.Context, tx *sql.Tx) (restore func(), err error)
}

// tune gives SQLite's write connection a 64 MB page cache and in-memory statement journals for the transaction:
// with the default 2 MB cache a batch of thousands of items spills dirty pages into the WAL before the commit, and
// each INSERT's statement journal goes to a temporary file. Together that is a third of the import's time. The
// connection's own settings come back at the end, so the server's memory stays as it was.
func (sqliteDialect) tune(ctx context.Context, tx *sql.Tx) (func(), error) {
	var cache int64
	var temp int
	if err := tx.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&temp); err != nil {
		return nil, err
	}
	for _, p := range []string{"PRAGMA cache_size = -65536", "PRAGMA temp_store = MEMORY"} {
		if _, err := tx.ExecContext(ctx, p); err != nil {
			return nil, err
		}
	}
	return func() {
		tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", cache))
		tx.ExecContext(ctx, fmt.Sprintf("PRAGMA temp_store = %d", temp))
	}, nil
}

// importRow is an item prepared for the INSERT outside the transaction: its column values and search tokens. Only
// the 索引号 is added inside, where the agency's series is read.
type importRow struct {
	args []any
	// title, doc and rest are the tokens of the title, of the 文号, and of the summary, keywords and body text; the
	// 索引号's tokens go between doc and rest, as reindex orders them.
	title, doc, rest string
	// body is the whole body of the search entry, once the 索引号 is known; literal the entry made in Go, when
	// exact (inlineFTS).
	body, literal string
	exact         bool
	// indexed is whether the item gets a search entry: only published items have one (see reindex).
	indexed bool
}

// parallel runs f for 0…n-1 on all processors.
func parallel(n int, f func(i int)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), (n+255)/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				f(i)
			}
		})
	}
	wg.Wait()
}

// ImportItems writes many items in one transaction, all or nothing — generated demo and test data, or a
// catalogue migrated from an old system: each item as it is given (published, withdrawn, or still in the
// workflow), with its 索引号 from the agency's format and yearly series when it is public and has none (in the
// order given within each agency and year, so give them in publication order), its search entry, one event, and
// one audit row for the whole batch. Validation and the search tokens are computed in parallel before the
// transaction opens, so the writer holds the database only for the INSERTs. The items get their IDs. Errors:
// EInvalid (naming the item's position), EConflict (a 索引号 already used).
func (db *DB) ImportItems(ctx context.Context, actor disclosure.Actor, items []*disclosure.Item) error {
	b, err := db.PrepareImport(ctx, items)
	if err != nil {
		return err
	}
	return db.ImportPrepared(ctx, actor, b)
}

// ImportBatch is a batch of items checked and prepared for ImportItems' transaction.
type ImportBatch struct {
	items    []*disclosure.Item
	rows     []importRow
	agencies map[int64]*disclosure.Agency
	// tokens are each agency's filter tokens (its own and those above it).
	tokens map[int64][]string
	// preset marks the items that came with their 索引号.
	preset []bool
}

// PrepareImport checks a batch of items for ImportItems and computes their column values and search tokens, in
// parallel, without writing: a caller importing many batches prepares the next one while the last is written.
// Errors: EInvalid (naming the item's position).
func (db *DB) PrepareImport(ctx context.Context, items []*disclosure.Item) (*ImportBatch, error) {
	if len(items) > MaxImportItems {
		return nil, disclosure.Errorf(disclosure.EInvalid, "一次最多导入 %d 条信息，请分批导入", MaxImportItems)
	}
	b := &ImportBatch{items: items, rows: make([]importRow, len(items)), agencies: map[int64]*disclosure.Agency{}, tokens: map[int64][]string{}, preset: make([]bool, len(items))}
	for i, it := range items {
		if it == nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "第 %d 条信息是空的", i+1)
		}
		if _, ok := b.agencies[it.AgencyID]; ok {
			continue
		}
		a, err := getAgency(ctx, db.read, it.AgencyID)
		if err != nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "第 %d 条：发布单位（编号 %d）不存在", i+1, it.AgencyID)
		}
		b.agencies[it.AgencyID] = a
		b.tokens[it.AgencyID] = agencyFilterTokens(it.AgencyID)
	}
	now := db.now().UTC().Truncate(time.Microsecond)
	errs := make([]error, len(items))
	parallel(len(items), func(i int) {
		errs[i] = prepareImport(items[i], b.agencies[items[i].AgencyID], b.tokens[items[i].AgencyID], now, &b.rows[i])
		b.preset[i] = items[i].IndexNumber != ""
	})
	for i, err := range errs {
		if err != nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "第 %d 条（%s）：%s", i+1, truncateRunes(items[i].Title, 30), disclosure.ErrorMessage(err))
		}
	}
	return b, nil
}

// ImportPrepared writes a prepared batch in one transaction (see ImportItems). Errors: EConflict (a 索引号 already
// used).
func (db *DB) ImportPrepared(ctx context.Context, actor disclosure.Actor, b *ImportBatch) error {
	items, rows, agencies := b.items, b.rows, b.agencies
	if len(items) == 0 {
		return nil
	}
	if db.d.name() == "postgres" {
		// The batch's search entries wait in the GIN index's pending list; searches scan it on every probe, so
		// it is merged into the index at once (best effort: only the index's owner may, and autovacuum will).
		defer db.write.ExecContext(ctx, `SELECT gin_clean_pending_list('item_search_keys'::regclass)`)
	}
	inline, _ := db.d.(inlineFTS)
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if t, ok := db.d.(bulkTuner); ok {
			restore, err := t.tune(ctx, tx)
			if err != nil {
				return err
			}
			defer restore()
		}
		// A retried transaction numbers the items again.
		for i, it := range items {
			if !b.preset[i] {
				it.IndexNumber, it.Serial = "", 0
			}
		}
		if err := db.assignImportIndexes(ctx, tx, items, agencies); err != nil {
			return err
		}
		if err := db.reserveItemIDs(ctx, tx, items); err != nil {
			return err
		}
		// The search entries' bodies need the 索引号: they are made now, in parallel again.
		parallel(len(items), func(i int) {
			it, r := items[i], &rows[i]
			r.args[1], r.args[2] = nil, it.Serial
			if it.IndexNumber != "" {
				r.args[1] = it.IndexNumber
			}
			r.body = joinTokens(r.doc, search.IndexText(it.IndexNumber), r.rest)
			if inline != nil && r.indexed {
				r.literal, r.exact = inline.ftsLiteral(r.title, r.body)
			}
		})
		per := importRowsPer(db.d)
		head := `INSERT INTO items (id, ` + importColumns
		if inline != nil {
			col, _ := inline.ftsColumn("", "", "")
			head += ", " + col
		}
		insertItems := newBulkInsert(tx, head+`) VALUES `, func(p []string) string {
			if inline != nil {
				_, expr := inline.ftsColumn(p[32], p[33], p[34])
				return "(" + strings.Join(p[:32], ", ") + ", " + expr + ")"
			}
			return "(" + strings.Join(p, ", ") + ")"
		})
		defer insertItems.close()
		insertEvents := newBulkInsert(tx, `INSERT INTO item_events (item_id, at, action, from_state, to_state, actor_id, actor_name, note) VALUES `,
			func(p []string) string {
				return "(" + p[0] + ", " + p[1] + ", 'import', '', " + p[2] + ", " + p[3] + ", " + p[4] + ", '批量导入')"
			})
		defer insertEvents.close()
		for from := 0; from < len(items); from += per {
			to := min(from+per, len(items))
			var itemArgs, eventArgs []any
			for i := from; i < to; i++ {
				it, r := items[i], &rows[i]
				itemArgs = append(append(itemArgs, it.ID), r.args...)
				switch {
				case inline != nil && !r.indexed:
					itemArgs = append(itemArgs, nil, nil, nil)
				case inline != nil && r.exact:
					itemArgs = append(itemArgs, r.literal, "", "")
				case inline != nil:
					itemArgs = append(itemArgs, nil, r.title, r.body)
				}
				eventArgs = append(eventArgs, it.ID, it.CreatedAt.UnixMicro(), string(it.State), actor.UserID, actor.Name)
			}
			err := insertItems.exec(ctx, to-from, itemArgs)
			if db.d.uniqueIndex(err) != "" {
				return disclosure.Errorf(disclosure.EConflict, "第 %d—%d 条中有索引号已被其他信息使用", from+1, to)
			}
			if err != nil {
				return fmt.Errorf("insert items %d—%d: %w", from+1, to, err)
			}
			if err := insertEvents.exec(ctx, to-from, eventArgs); err != nil {
				return fmt.Errorf("item events %d—%d: %w", from+1, to, err)
			}
		}
		// FTS5 flushes its pending terms to disk whenever another statement opens a savepoint, so its rows go in
		// one run after the items: one flush per batch instead of one per item.
		if inline == nil {
			insertFTS := newBulkInsert(tx, `INSERT INTO items_fts (rowid, title, body) VALUES `, func(p []string) string { return "(" + strings.Join(p, ", ") + ")" })
			defer insertFTS.close()
			var indexed []int
			for i := range items {
				if rows[i].indexed {
					indexed = append(indexed, i)
				}
			}
			for from := 0; from < len(indexed); from += per {
				to := min(from+per, len(indexed))
				var args []any
				for _, i := range indexed[from:to] {
					args = append(args, items[i].ID, rows[i].title, rows[i].body)
				}
				if err := insertFTS.exec(ctx, to-from, args); err != nil {
					return fmt.Errorf("search entries %d—%d: %w", from+1, to, err)
				}
			}
		}
		listed := map[int64]listing{}
		for _, it := range items {
			if l, ok := listingOf(it); ok {
				listed[it.ID] = l
			}
		}
		if err := insertListings(ctx, tx, listed); err != nil {
			return err
		}
		ids := make([]int64, 0, len(agencies))
		for id := range agencies {
			ids = append(ids, id)
		}
		return db.appendAudit(ctx, tx, actor, "item.import", "item", fmt.Sprintf("%d-%d", items[0].ID, items[len(items)-1].ID), nil,
			map[string]any{"count": len(items), "agencies": ids})
	})
	if err != nil {
		for i, it := range items {
			it.ID = 0
			if !b.preset[i] {
				it.IndexNumber, it.Serial = "", 0
			}
		}
		return fmt.Errorf("store: import items: %w", err)
	}
	return nil
}

// prepareImport checks and completes one imported item and computes its column values and search tokens.
func prepareImport(it *disclosure.Item, a *disclosure.Agency, agencyTokens []string, now time.Time, r *importRow) error {
	if err := it.Validate(); err != nil {
		return err
	}
	if _, ok := disclosure.ItemStateNames[it.State]; !ok {
		return disclosure.Errorf(disclosure.EInvalid, "状态“%s”不正确", truncateRunes(string(it.State), 20))
	}
	public := it.State == disclosure.ItemPublished || it.State == disclosure.ItemWithdrawn
	switch {
	case public && it.PublishedOn.IsZero():
		return disclosure.Errorf(disclosure.EInvalid, "已发布的信息须有发布日期")
	case !public && !it.PublishedOn.IsZero():
		return disclosure.Errorf(disclosure.EInvalid, "未发布的信息不应有发布日期")
	case it.State == disclosure.ItemScheduled && it.PublishAt == nil:
		return disclosure.Errorf(disclosure.EInvalid, "定时发布的信息须有发布时间")
	case !public && it.IndexNumber != "":
		return disclosure.Errorf(disclosure.EInvalid, "索引号在发布时才编制，未发布的信息不应有索引号")
	case it.State == disclosure.ItemWithdrawn && strings.TrimSpace(it.WithdrawnReason) == "":
		return disclosure.Errorf(disclosure.EInvalid, "已撤回的信息须写明撤回原因")
	case utf8.RuneCountInString(it.IndexNumber) > 100:
		return disclosure.Errorf(disclosure.EInvalid, "索引号过长（最多 100 个字符）")
	}
	it.ID, it.Revision, it.Hits = 0, nil, max(it.Hits, 0)
	if it.IndexNumber == "" {
		it.Serial = 0
	}
	if it.Publisher == "" {
		it.Publisher = a.Name
	}
	if it.CreatedAt.IsZero() {
		it.CreatedAt = now
	}
	if it.UpdatedAt.IsZero() {
		it.UpdatedAt = it.CreatedAt
	}
	it.CreatedAt, it.UpdatedAt = it.CreatedAt.UTC().Truncate(time.Microsecond), it.UpdatedAt.UTC().Truncate(time.Microsecond)
	it.Version = max(it.Version, 1)
	r.args = append(itemArgs(it), it.Hits)
	// itemArgs has extracted the body's text already (the body_text column); extracting it again would double the
	// largest cost of preparing an item.
	text, ok := r.args[bodyTextArg].(string)
	if !ok {
		text = HTMLText(it.Body)
	}
	r.title = search.IndexText(it.Title)
	r.doc = search.IndexText(it.DocNumber)
	r.rest = search.IndexText(it.Summary, strings.Join(it.Keywords, " "), clipRunes(text+"\n", maxIndexedRunes))
	r.indexed = it.State == disclosure.ItemPublished
	if r.indexed {
		r.rest = joinTokens(r.rest, strings.Join(itemTokens(it, agencyTokens), " "))
	}
	return nil
}

// assignImportIndexes gives the public items without a 索引号 theirs: one reservation of serials per agency and
// year of publication, numbered in the order given.
func (db *DB) assignImportIndexes(ctx context.Context, tx *sql.Tx, items []*disclosure.Item, agencies map[int64]*disclosure.Agency) error {
	type series struct {
		agency int64
		year   int
	}
	groups := map[series][]*disclosure.Item{}
	var order []series
	for _, it := range items {
		if it.IndexNumber != "" || (it.State != disclosure.ItemPublished && it.State != disclosure.ItemWithdrawn) {
			continue
		}
		k := series{it.AgencyID, it.PublishedOn.Year}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], it)
	}
	for _, k := range order {
		list := groups[k]
		var last int
		err := tx.QueryRowContext(ctx, `INSERT INTO number_series (agency_id, series, year, last) VALUES ($1, 'index', $2, $3)
			ON CONFLICT (agency_id, series, year) DO UPDATE SET last = number_series.last + excluded.last RETURNING last`, k.agency, k.year, len(list)).Scan(&last)
		if err != nil {
			return fmt.Errorf("reserve serials: %w", err)
		}
		a := agencies[k.agency]
		code := a.USCC
		if code == "" {
			code = fmt.Sprintf("GK%06d", a.ID)
		}
		format := a.Settings.WithDefaults().IndexFormat
		for i, it := range list {
			serial := last - len(list) + 1 + i
			n, err := disclosure.FormatIndex(format, code, a.DivisionCode, k.year, serial)
			if err != nil {
				return err
			}
			it.IndexNumber, it.Serial = n, serial
		}
	}
	return nil
}

// joinTokens joins the token strings of fields as IndexText joins its fields: one space between non-empty ones.
func joinTokens(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
	}
	return b.String()
}

func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ImportItemChannels records the pushes of imported items to other channels (微信公众号, 微博 …) in one
// transaction, with one audit row. A push of an item on a channel and day already recorded replaces its count.
// Errors: EInvalid (naming the record's position).
func (db *DB) ImportItemChannels(ctx context.Context, actor disclosure.Actor, channels []disclosure.ItemChannel) error {
	if len(channels) == 0 {
		return nil
	}
	if len(channels) > 4*MaxImportItems {
		return disclosure.Errorf(disclosure.EInvalid, "一次最多导入 %d 条发布渠道记录，请分批导入", 4*MaxImportItems)
	}
	for i, c := range channels {
		switch n := utf8.RuneCountInString(strings.TrimSpace(c.Channel)); {
		case c.ItemID <= 0:
			return disclosure.Errorf(disclosure.EInvalid, "第 %d 条发布渠道记录没有对应的信息", i+1)
		case n == 0 || n > 30:
			return disclosure.Errorf(disclosure.EInvalid, "第 %d 条发布渠道记录：渠道名称应为 1—30 个字", i+1)
		case c.Count < 1 || c.Count > 10000:
			return disclosure.Errorf(disclosure.EInvalid, "第 %d 条发布渠道记录：发布次数应为 1—10000", i+1)
		case c.On.IsZero():
			return disclosure.Errorf(disclosure.EInvalid, "第 %d 条发布渠道记录：请填写发布日期", i+1)
		}
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO item_channels (item_id, channel, on_date, count) VALUES ($1, $2, $3, $4)
			ON CONFLICT (item_id, channel, on_date) DO UPDATE SET count = excluded.count`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i, c := range channels {
			if _, err := st.ExecContext(ctx, c.ItemID, strings.TrimSpace(c.Channel), c.On.String(), c.Count); err != nil {
				return fmt.Errorf("channel %d: %w", i+1, err)
			}
		}
		return db.appendAudit(ctx, tx, actor, "item.import_channels", "item", strconv.FormatInt(channels[0].ItemID, 10), nil, map[string]any{"count": len(channels)})
	})
	if err != nil {
		return fmt.Errorf("store: import item channels: %w", err)
	}
	return nil
}
