package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/search"
	"github.com/gongkai/gongkai/internal/workday"
)

const itemColumns = `id, agency_id, index_number, serial, title, summary, doc_number, written_on, formed_on, published_on, publish_at, publisher,
	category, genre, art20, keywords, body, validity, effective_on, ended_on, review_on, state, withdrawn_reason, source_case_id, review, revision,
	hits, created_at, updated_at, version`

func scanItem(scan func(...any) error) (*disclosure.Item, error) {
	var it disclosure.Item
	var index sql.NullString
	var written, formed, published, effective, ended, review sql.NullString
	var publishAt, source sql.NullInt64
	var keywords, reviewJSON, revision string
	var created, updated int64
	err := scan(&it.ID, &it.AgencyID, &index, &it.Serial, &it.Title, &it.Summary, &it.DocNumber, &written, &formed, &published, &publishAt, &it.Publisher,
		&it.Category, &it.Genre, &it.Art20, &keywords, &it.Body, &it.Validity, &effective, &ended, &review, &it.State, &it.WithdrawnReason, &source, &reviewJSON, &revision,
		&it.Hits, &created, &updated, &it.Version)
	if err != nil {
		return nil, err
	}
	it.IndexNumber = index.String
	for _, d := range []struct {
		s   sql.NullString
		dst *workday.Date
	}{{written, &it.WrittenOn}, {formed, &it.FormedOn}, {published, &it.PublishedOn}, {effective, &it.EffectiveOn}, {ended, &it.EndedOn}, {review, &it.ReviewOn}} {
		if *d.dst, err = scanDate(d.s); err != nil {
			return nil, fmt.Errorf("item %d: %w", it.ID, err)
		}
	}
	if publishAt.Valid {
		t := time.UnixMicro(publishAt.Int64).UTC()
		it.PublishAt = &t
	}
	if source.Valid {
		it.SourceCaseID = &source.Int64
	}
	if err := json.Unmarshal([]byte(keywords), &it.Keywords); err != nil {
		return nil, fmt.Errorf("item %d keywords: %w", it.ID, err)
	}
	if reviewJSON != "" {
		it.Review = &disclosure.ItemReview{}
		if err := json.Unmarshal([]byte(reviewJSON), it.Review); err != nil {
			return nil, fmt.Errorf("item %d review: %w", it.ID, err)
		}
	}
	if revision != "" {
		it.Revision = &disclosure.Item{}
		if err := json.Unmarshal([]byte(revision), it.Revision); err != nil {
			return nil, fmt.Errorf("item %d revision: %w", it.ID, err)
		}
	}
	it.CreatedAt, it.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return &it, nil
}

// itemArgs are the stored values of every column but id and hits, in the order of the INSERT and UPDATE below.
func itemArgs(it *disclosure.Item) []any {
	keywords, _ := json.Marshal(nonNil(it.Keywords))
	var publishAt any
	if it.PublishAt != nil {
		publishAt = it.PublishAt.UnixMicro()
	}
	var index any
	if it.IndexNumber != "" {
		index = it.IndexNumber
	}
	return []any{it.AgencyID, index, it.Serial, it.Title, it.Summary, it.DocNumber, search.NormalizeDocNumber(it.DocNumber), dateArg(it.WrittenOn), dateArg(it.FormedOn),
		dateArg(it.PublishedOn), publishAt, it.Publisher, it.Category, string(it.Genre), it.Art20, string(keywords), it.Body, HTMLText(it.Body),
		string(it.Validity), dateArg(it.EffectiveOn), dateArg(it.EndedOn), dateArg(it.ReviewOn), string(it.State), it.WithdrawnReason, it.SourceCaseID,
		jsonOrEmpty(it.Review, it.Review != nil), jsonOrEmpty(it.Revision, it.Revision != nil), it.CreatedAt.UnixMicro(), it.UpdatedAt.UnixMicro(), it.Version}
}

const itemInsert = `INSERT INTO items (agency_id, index_number, serial, title, summary, doc_number, doc_number_norm, written_on, formed_on, published_on, publish_at,
	publisher, category, genre, art20, keywords, body, body_text, validity, effective_on, ended_on, review_on, state, withdrawn_reason, source_case_id, review,
	revision, created_at, updated_at, version)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30) RETURNING id`

const itemUpdate = `UPDATE items SET agency_id = $1, index_number = $2, serial = $3, title = $4, summary = $5, doc_number = $6, doc_number_norm = $7,
	written_on = $8, formed_on = $9, published_on = $10, publish_at = $11, publisher = $12, category = $13, genre = $14, art20 = $15, keywords = $16, body = $17,
	body_text = $18, validity = $19, effective_on = $20, ended_on = $21, review_on = $22, state = $23, withdrawn_reason = $24, source_case_id = $25, review = $26,
	revision = $27, created_at = $28, updated_at = $29, version = $30 WHERE id = $31 AND version = $32`

// HTMLText is the plain text of an item's body (sanitised HTML): what snippets are cut from and what is indexed.
// Block elements end lines; scripts and styles, which the sanitiser removed anyway, never count.
func HTMLText(body string) string {
	if !strings.ContainsAny(body, "<&") {
		return body
	}
	z := html.NewTokenizer(strings.NewReader(body))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			case "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote":
				b.WriteByte('\n')
			case "td", "th":
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "script" || string(name) == "style" {
				skip--
			}
		}
	}
}

// maxIndexedRunes bounds what of an item is indexed: PostgreSQL keeps token positions only up to 16,383 and a
// tsvector under 1 MB (internal/search), so the text of very long attachments is cut there on both engines alike.
const maxIndexedRunes = 30000

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// filterToken is an index token for a filter value: letters and digits only (both engines split words at anything
// else), after a prefix no word of a text starts with, so a filtered search is one more term of the full-text query
// and needs no join.
func filterToken(kind, v string) string {
	return "zz" + kind + strings.NewReplacer(".", "x", "_", "u", "-", "h").Replace(strings.ToLower(v))
}

// itemFilterTokens are an item's filter tokens: its agency, its category and each category above it, its genre
// and its year of publication.
func itemFilterTokens(it *disclosure.Item) []string {
	return itemTokens(it, agencyFilterTokens(it.AgencyID))
}

// agencyFilterTokens returns the filter token of an agency. A search by agency asks for the tokens of every agency
// in its subtree as it is then, so an item names only its own agency and moving a unit changes no entry. (Entries
// written by earlier versions also name the agencies that were above it; SearchItems checks agency_id once any agency has
// moved.)
func agencyFilterTokens(agencyID int64) []string {
	return []string{filterToken("ag", strconv.FormatInt(agencyID, 10))}
}

// itemTokens adds to an item's agency tokens those of its category (and the categories above it), genre and year.
func itemTokens(it *disclosure.Item, agency []string) []string {
	out := slices.Clone(agency)
	if c := it.Category; c != "" {
		parts := strings.Split(c, ".")
		for i := range parts {
			out = append(out, filterToken("ct", strings.Join(parts[:i+1], ".")))
		}
	}
	out = append(out, filterToken("gn", string(it.Genre)))
	if it.PublishedOn.Year != 0 {
		out = append(out, filterToken("yr", strconv.Itoa(it.PublishedOn.Year)))
	}
	return out
}

// reindex writes a published item's search entry: its title, and its 文号, 索引号, summary, keywords, body text, the
// text of its public attachments and its filter tokens. An item that is not published has none: the public search
// reads only the index, the staff search finds unpublished items by their titles and numbers.
func (db *DB) reindex(ctx context.Context, tx *sql.Tx, it *disclosure.Item) error {
	return db.reindexWith(ctx, tx, it, nil)
}

// reindexWith is reindex with more filter tokens (tests write entries as earlier versions did).
func (db *DB) reindexWith(ctx context.Context, tx *sql.Tx, it *disclosure.Item, extra []string) error {
	if it.State != disclosure.ItemPublished {
		return db.d.ftsDelete(ctx, tx, it.ID)
	}
	rows, err := tx.QueryContext(ctx, `SELECT text FROM item_attachments WHERE item_id = $1 AND state <> 'draft' ORDER BY id`, it.ID)
	if err != nil {
		return err
	}
	var texts []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		texts = append(texts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	filters := append(itemFilterTokens(it), extra...)
	title := search.IndexText(it.Title)
	body := search.IndexText(it.DocNumber, it.IndexNumber, it.Summary, strings.Join(it.Keywords, " "),
		clipRunes(HTMLText(it.Body)+"\n"+strings.Join(texts, "\n"), maxIndexedRunes)) + " " + strings.Join(filters, " ")
	return db.d.ftsIndex(ctx, tx, it.ID, title, body)
}

// CreateItem stores a new draft item and audits it. Errors: EInvalid.
func (db *DB) CreateItem(ctx context.Context, actor disclosure.Actor, it *disclosure.Item) error {
	if err := it.Validate(); err != nil {
		return err
	}
	if err := db.withTx(ctx, func(tx *sql.Tx) error { return db.createItemTx(ctx, tx, actor, it) }); err != nil {
		return fmt.Errorf("store: create item: %w", err)
	}
	return nil
}

// ItemStep computes an item's change from the item as stored, inside the store's transaction (catalogue.Decide).
type ItemStep func(ctx context.Context, it *disclosure.Item) (*disclosure.ItemChange, error)

// UpdateItem applies one step to an item in one transaction: the item is read (and locked on PostgreSQL), step
// decides the change, and the store writes the item, gives it its 索引号 on first publication (the agency's format
// and yearly series), keeps the version a correction replaced, publishes the attachments of a publication, records
// channels and the event, updates the search entry and audits. Errors: ENotFound, and those of step.
func (db *DB) UpdateItem(ctx context.Context, actor disclosure.Actor, id int64, step ItemStep) (*disclosure.ItemChange, error) {
	var out *disclosure.ItemChange
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		before, err := getItem(ctx, tx, `id = $1`+db.d.forUpdate(), id)
		if err != nil {
			return err
		}
		listed, wasListed := listingOf(before)
		ch, err := step(ctx, before)
		if err != nil {
			return err
		}
		it := &ch.Item
		it.ID, it.AgencyID, it.CreatedAt, it.Hits = before.ID, before.AgencyID, before.CreatedAt, before.Hits
		it.UpdatedAt = db.now().UTC().Truncate(time.Microsecond)
		if ch.AssignIndex {
			if err := db.assignIndex(ctx, tx, it); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, itemUpdate, append(itemArgs(it), it.ID, before.Version)...)
		if db.d.uniqueIndex(err) != "" {
			return disclosure.Errorf(disclosure.EConflict, "索引号 %s 已被其他信息使用，请检查本单位的索引号格式设置", it.IndexNumber)
		}
		if err != nil {
			return fmt.Errorf("update item: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return disclosure.Errorf(disclosure.EConflict, "该信息已被他人更新，请刷新页面后再操作")
		}
		if ch.Snapshot != nil {
			data, _ := json.Marshal(ch.Snapshot)
			if _, err := tx.ExecContext(ctx, `INSERT INTO item_versions (item_id, version, data, at, actor_name) VALUES ($1, $2, $3, $4, $5)`,
				it.ID, ch.Snapshot.Version, string(data), it.UpdatedAt.UnixMicro(), actor.Name); err != nil {
				return fmt.Errorf("item version: %w", err)
			}
		}
		if it.State == disclosure.ItemPublished && (before.State != disclosure.ItemPublished || ch.Snapshot != nil) {
			// A publication makes its attachments public and removes those marked for removal.
			if _, err := tx.ExecContext(ctx, `DELETE FROM item_attachments WHERE item_id = $1 AND state = 'removing'`, it.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE item_attachments SET state = 'published' WHERE item_id = $1 AND state = 'draft'`, it.ID); err != nil {
				return err
			}
		}
		for _, c := range ch.Channels {
			if _, err := tx.ExecContext(ctx, `INSERT INTO item_channels (item_id, channel, on_date, count) VALUES ($1, $2, $3, $4)
				ON CONFLICT (item_id, channel, on_date) DO UPDATE SET count = excluded.count`, it.ID, c.Channel, c.On.String(), c.Count); err != nil {
				return fmt.Errorf("item channel: %w", err)
			}
		}
		ch.Event.ItemID = it.ID
		if ch.Event.At.IsZero() {
			ch.Event.At = it.UpdatedAt
		}
		if err := insertItemEvent(ctx, tx, &ch.Event); err != nil {
			return err
		}
		if ch.Reindex || before.Title != it.Title || before.Body != it.Body {
			if err := db.reindex(ctx, tx, it); err != nil {
				return err
			}
		}
		if err := db.relist(ctx, tx, listed, wasListed, it); err != nil {
			return err
		}
		if err := db.emitItem(ctx, tx, before, ch); err != nil {
			return err
		}
		out = ch
		return db.appendAudit(ctx, tx, actor, "item."+ch.Event.Action, "item", strconv.FormatInt(it.ID, 10), before, it)
	})
	if err != nil {
		return nil, fmt.Errorf("store: update item: %w", err)
	}
	return out, nil
}

// assignIndex gives an item its 索引号 from the agency's format, the year of publication and the agency's yearly
// series. An agency without a 统一社会信用代码 uses "GK" and its number in its place, so that numbers stay unique.
func (db *DB) assignIndex(ctx context.Context, tx *sql.Tx, it *disclosure.Item) error {
	a, err := getAgency(ctx, tx, it.AgencyID)
	if err != nil {
		return err
	}
	year := it.PublishedOn.Year
	serial, err := db.nextSerial(ctx, tx, a.ID, "index", year)
	if err != nil {
		return err
	}
	code := a.USCC
	if code == "" {
		code = fmt.Sprintf("GK%06d", a.ID)
	}
	n, err := disclosure.FormatIndex(a.Settings.WithDefaults().IndexFormat, code, a.DivisionCode, year, serial)
	if err != nil {
		return err
	}
	it.IndexNumber, it.Serial = n, serial
	return nil
}

func insertItemEvent(ctx context.Context, tx *sql.Tx, e *disclosure.ItemEvent) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO item_events (item_id, at, action, from_state, to_state, actor_id, actor_name, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.ItemID, e.At.UTC().UnixMicro(), e.Action, string(e.FromState), string(e.ToState), e.ActorID, e.ActorName, e.Note).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("insert item event: %w", err)
	}
	return nil
}

func getItem(ctx context.Context, q queryer, cond string, args ...any) (*disclosure.Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE `+cond, args...).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "没有找到该信息")
	}
	return it, err
}

// GetItem returns an item. Errors: ENotFound.
func (db *DB) GetItem(ctx context.Context, id int64) (*disclosure.Item, error) {
	it, err := getItem(ctx, db.read, `id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("store: get item: %w", err)
	}
	return it, nil
}

// ItemEvents returns an item's history, oldest first.
func (db *DB) ItemEvents(ctx context.Context, itemID int64) ([]disclosure.ItemEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, item_id, at, action, from_state, to_state, actor_id, actor_name, note FROM item_events WHERE item_id = $1 ORDER BY id`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: item events: %w", err)
	}
	defer rows.Close()
	var out []disclosure.ItemEvent
	for rows.Next() {
		var e disclosure.ItemEvent
		var at int64
		var actor sql.NullInt64
		if err := rows.Scan(&e.ID, &e.ItemID, &at, &e.Action, &e.FromState, &e.ToState, &actor, &e.ActorName, &e.Note); err != nil {
			return nil, fmt.Errorf("store: item events: %w", err)
		}
		e.At = time.UnixMicro(at).UTC()
		if actor.Valid {
			e.ActorID = &actor.Int64
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ItemVersions returns the published versions corrections replaced, newest first.
func (db *DB) ItemVersions(ctx context.Context, itemID int64) ([]disclosure.ItemVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT item_id, version, data, at, actor_name FROM item_versions WHERE item_id = $1 ORDER BY version DESC`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store: item versions: %w", err)
	}
	defer rows.Close()
	var out []disclosure.ItemVersion
	for rows.Next() {
		var v disclosure.ItemVersion
		var data string
		var at int64
		if err := rows.Scan(&v.ItemID, &v.Version, &data, &at, &v.Actor); err != nil {
			return nil, fmt.Errorf("store: item versions: %w", err)
		}
		if err := json.Unmarshal([]byte(data), &v.Item); err != nil {
			return nil, fmt.Errorf("store: item versions: %w", err)
		}
		v.At = time.UnixMicro(at).UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// itemWhere builds the conditions of a catalogue list.
func itemWhere(f disclosure.ItemFilter) where {
	var w where
	if f.AgencyIDs != nil {
		agencyIn(&w, f.AgencyIDs)
	}
	states := f.States
	if f.Public {
		states = []disclosure.ItemState{disclosure.ItemPublished, disclosure.ItemWithdrawn}
	}
	if len(states) > 0 {
		ph := make([]string, len(states))
		for i, s := range states {
			ph[i] = w.next(string(s))
		}
		w.clauses = append(w.clauses, "state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.Category != "" {
		p1, p2 := w.next(f.Category), w.next(f.Category+".%")
		w.clauses = append(w.clauses, "(category = "+p1+" OR category LIKE "+p2+")")
	}
	if f.Genre != "" {
		w.add("genre = $%d", string(f.Genre))
	}
	if f.Art20 != 0 {
		w.add("art20 = $%d", f.Art20)
	}
	if f.Year != 0 {
		y0, y1 := yearBounds(f.Year)
		w.add("published_on >= $%d", y0)
		w.add("published_on <= $%d", y1)
	}
	if f.Validity != "" {
		w.add("validity = $%d", string(f.Validity))
	}
	if !f.ReviewBy.IsZero() {
		w.clauses = append(w.clauses, "state = 'published'")
		w.add("review_on <= $%d", f.ReviewBy.String())
	}
	if !f.FormedBefore.IsZero() {
		w.clauses = append(w.clauses, "state NOT IN ('published', 'withdrawn')")
		w.add("formed_on < $%d", f.FormedBefore.String())
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		p := w.next(like)
		w.clauses = append(w.clauses, "(title LIKE "+p+" ESCAPE '\\' OR doc_number LIKE "+p+" ESCAPE '\\' OR index_number LIKE "+p+" ESCAPE '\\')")
	}
	return w
}

// countCap bounds the counts of long lists: beyond it a list says "more than" instead of counting 10⁶ rows.
const countCap = 10000

// FindItems returns the items the filter selects, and how many there are (at most countCap+1: more than
// countCap means "more").
func (db *DB) FindItems(ctx context.Context, f disclosure.ItemFilter) ([]disclosure.Item, int, error) {
	w := itemWhere(f)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM items`+w.sql()+` LIMIT `+strconv.Itoa(countCap+1)+`) AS capped`, w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: find items: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 20
	}
	order := ` ORDER BY published_on DESC, id DESC`
	switch f.Order {
	case "hits":
		order = ` ORDER BY hits DESC, id DESC`
	case "updated":
		order = ` ORDER BY updated_at DESC, id DESC`
	}
	q := `SELECT ` + itemColumns + ` FROM items` + w.sql() + order + ` LIMIT ` + w.next(f.Limit) + ` OFFSET ` + w.next(max(f.Offset, 0))
	rows, err := db.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: find items: %w", err)
	}
	defer rows.Close()
	var out []disclosure.Item
	for rows.Next() {
		it, err := scanItem(rows.Scan)
		if err != nil {
			return nil, 0, fmt.Errorf("store: find items: %w", err)
		}
		out = append(out, *it)
	}
	return out, total, rows.Err()
}

// searchCountCap bounds how far a search counts: a common word matches a large part of a million items, and
// counting every match takes longer than a reader waits (10⁶ items: 10,000 phrase matches 41 ms, 1,000 4 ms); beyond
// it a result list says "1000 条以上".
const searchCountCap = 1000

// SearchItems runs a full-text search of published items: the query's words (internal/search) and the filters as
// index terms, one page of results — matches in the title first, then the others, each newest first — and how many
// match (at most searchCountCap+1). A query that is a 文号 puts the item with that exact 文号 first.
// A staff search (Staff) also finds the agencies' unpublished items by title, 文号 or 索引号, listed first. An empty
// query finds nothing. AgencyIDs select items of those agencies and of the units below them.
func (db *DB) SearchItems(ctx context.Context, sq disclosure.SearchQuery) ([]disclosure.SearchHit, int, error) {
	q := search.ParseQuery(sq.Q)
	if q.Empty() {
		return nil, 0, nil
	}
	if sq.Limit <= 0 || sq.Limit > 100 {
		sq.Limit = 10
	}
	var filters [][]string
	var subtree []int64
	checkAgency := false // whether matches' agency_id must be checked against the subtree (after a move)
	if sq.AgencyIDs != nil {
		// The agencies and the units below them as they are now, each by its own term. Entries written by earlier
		// versions also name the agencies that were above an item's agency; once any agency has moved, ftsCount and
		// ftsPage check each match's agency_id as well (a lookup per match), so moving a unit needs no re-indexing.
		var err error
		if subtree, err = db.subtreeIDs(ctx, sq.AgencyIDs); err != nil {
			return nil, 0, err
		}
		if checkAgency, err = db.agenciesMoved(ctx); err != nil {
			return nil, 0, err
		}
		var any []string
		for _, id := range subtree {
			any = append(any, filterToken("ag", strconv.FormatInt(id, 10)))
		}
		if len(any) == 0 {
			return nil, 0, nil
		}
		filters = append(filters, any)
	}
	if sq.Category != "" {
		filters = append(filters, []string{filterToken("ct", sq.Category)})
	}
	if sq.Genre != "" {
		filters = append(filters, []string{filterToken("gn", string(sq.Genre))})
	}
	if sq.Year != 0 {
		filters = append(filters, []string{filterToken("yr", strconv.Itoa(sq.Year))})
	}
	var ids []int64
	offset := max(sq.Offset, 0)
	var unpublished int
	if sq.Staff && sq.AgencyIDs != nil {
		f := disclosure.ItemFilter{AgencyIDs: sq.AgencyIDs, Query: sq.Q, States: []disclosure.ItemState{disclosure.ItemDraft, disclosure.ItemInReview, disclosure.ItemApproval, disclosure.ItemReady, disclosure.ItemScheduled}, Limit: sq.Limit, Offset: offset}
		list, n, err := db.FindItems(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		unpublished = n
		for _, it := range list {
			ids = append(ids, it.ID)
		}
		offset = max(0, offset-n)
	}
	var total int
	want := sq.Limit - len(ids)
	if db.d.name() == "postgres" {
		page, n, err := db.postgresSearchPage(ctx, q, subtree, checkAgency, filters, want, offset)
		if err != nil {
			return nil, 0, err
		}
		ids, total = append(ids, page...), n
	} else {
		page, n, err := db.ftsSearchPage(ctx, q, filters, idList(subtree, checkAgency), want, offset)
		if err != nil {
			return nil, 0, err
		}
		ids, total = append(ids, page...), n
	}
	if dn := q.DocNumber(); dn != "" && sq.Offset == 0 {
		var exact int64
		// doc_number_norm <> '' lets both engines use the partial index items_doc_number (a bound value does not
		// prove the index's condition): without it, SQLite walked every published item (1.5 s on 10⁶).
		scope := ""
		if checkAgency {
			scope = " AND agency_id IN (" + idList(subtree, true) + ")"
		}
		err := db.read.QueryRowContext(ctx, `SELECT id FROM items WHERE doc_number_norm = $1 AND doc_number_norm <> '' AND state = 'published'`+scope+` ORDER BY id DESC LIMIT 1`, dn).Scan(&exact)
		if err == nil && len(filters) > 0 {
			// The exact 文号 comes first only within the reader's filters (agency, category, genre, year).
			var n int
			if err = db.read.QueryRowContext(ctx, db.d.ftsMatchesItem("$1", "$2"), db.d.ftsFilters(filters), exact).Scan(&n); err == nil && n == 0 {
				err = sql.ErrNoRows
			}
		}
		if err == nil {
			ids = append([]int64{exact}, deleteID(ids, exact)...)
			if len(ids) > sq.Limit {
				ids = ids[:sq.Limit]
			}
		}
	}
	hits := make([]disclosure.SearchHit, 0, len(ids))
	names := map[int64]string{}
	for _, id := range ids {
		var text string
		row := db.read.QueryRowContext(ctx, `SELECT `+itemColumns+`, body_text FROM items WHERE id = $1`, id)
		it, err := scanItem(func(dst ...any) error { return row.Scan(append(dst, &text)...) })
		if err != nil {
			return nil, 0, fmt.Errorf("store: search: %w", err)
		}
		if _, ok := names[it.AgencyID]; !ok {
			a, err := getAgency(ctx, db.read, it.AgencyID)
			if err != nil {
				return nil, 0, err
			}
			names[it.AgencyID] = a.Name
		}
		hits = append(hits, disclosure.SearchHit{Item: *it, Agency: names[it.AgencyID], Text: strings.TrimSpace(it.Summary + "\n" + text)})
	}
	return hits, total + unpublished, nil
}

// ftsSearchPage returns the IDs of one page of the matches (titles first, then the others, each newest first) and
// how many match, counted up to searchCountCap+1, on an engine that walks its matches in ID order (SQLite's FTS5).
func (db *DB) ftsSearchPage(ctx context.Context, q search.Query, filters [][]string, agencies string, want, offset int) ([]int64, int, error) {
	var ids []int64
	// Matches in the title come first, then the others, each newest first. Ranking by bm25 would need every
	// match's statistics (its IDF reads a common word's whole doclist: 50 ms and more on 10⁶ items); the title
	// rule is what readers of a government portal expect, and each page reads only its own rows.
	all, inTitle, rest := db.d.ftsQueries(q, filters)
	var total int
	if err := db.read.QueryRowContext(ctx, db.d.ftsCount("$1", searchCountCap+1, agencies), all).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: search count: %w", err)
	}
	page := func(match string, limit, offset int) (int, error) {
		if limit <= 0 {
			return 0, nil
		}
		rows, err := db.read.QueryContext(ctx, db.d.ftsPage("$1", 2, 3, agencies), match, limit, offset)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return n, err
			}
			ids = append(ids, id)
			n++
		}
		return n, rows.Err()
	}
	// How many titles match is known without counting them all (which would read the whole doclist of a common
	// word): a short page of title matches ends them; only a page past their end counts them, up to its offset.
	got, err := page(inTitle, want, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: search: %w", err)
	}
	if got < want {
		titled := offset + got
		if got == 0 && offset > 0 {
			if err := db.read.QueryRowContext(ctx, db.d.ftsCount("$1", offset, agencies), inTitle).Scan(&titled); err != nil {
				return nil, 0, fmt.Errorf("store: search count: %w", err)
			}
		}
		if _, err := page(rest, want-got, max(0, offset-titled)); err != nil {
			return nil, 0, fmt.Errorf("store: search: %w", err)
		}
	}
	return ids, total, nil
}

// idList writes IDs as a list for SQL's IN (digits and commas), or "" when not scoped; a scope without IDs is
// "0", which no item has.
func idList(ids []int64, scoped bool) string {
	if !scoped {
		return ""
	}
	if len(ids) == 0 {
		return "0"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

func deleteID(ids []int64, id int64) []int64 {
	out := ids[:0:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// AddItemHits adds page views counted in memory, in one transaction (the portal counts without a write per view).
// The rows are written in the order of their ids: two processes flushing overlapping counters then lock the rows
// in the same order and one waits for the other, where map order let each hold a row the other needed (a deadlock
// PostgreSQL breaks by failing one of them).
func (db *DB) AddItemHits(ctx context.Context, hits map[int64]int64) error {
	if len(hits) == 0 {
		return nil
	}
	ids := slices.Sorted(maps.Keys(hits))
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE items SET hits = hits + $1 WHERE id = $2`, hits[id], id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add item hits: %w", err)
	}
	return nil
}

// ScheduledDue returns the items scheduled for publication at or before the moment.
func (db *DB) ScheduledDue(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM items WHERE state = 'scheduled' AND publish_at <= $1 ORDER BY publish_at`, now.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("store: scheduled items: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
