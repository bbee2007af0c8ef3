package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/gongkai/gongkai/internal/search"
)

// dialect holds every difference between SQLite and PostgreSQL. The SQL text elsewhere is shared: $N placeholders,
// RETURNING, ON CONFLICT, WITH RECURSIVE and partial and expression indexes work on both; times are stored as Unix
// microseconds (BIGINT) on both, so no date functions differ. The schema files differ only in column types
// (INTEGER PRIMARY KEY vs GENERATED … AS IDENTITY, BLOB vs BYTEA, INTEGER vs BOOLEAN).
type dialect interface {
	name() string
	gooseDialect() goose.Dialect
	// gooseOptions serialise migrations between processes where the engine allows it.
	gooseOptions() ([]goose.ProviderOption, error)
	// forUpdate is appended to a SELECT to lock the selected rows until the transaction ends. On SQLite the
	// write transaction (BEGIN IMMEDIATE) holds the whole database already, and FOR UPDATE is a syntax error.
	forUpdate() string
	// skipLocked is appended to a SELECT that claims work: other processes' locked rows are skipped, not waited
	// for. SQLite's single writer makes it unnecessary there.
	skipLocked() string
	// tableExists is a query with one placeholder (the table name) returning the count of such tables.
	tableExists() string
	// uniqueIndex returns the name of the unique index (or constraint) err violates, or "" if err is not a
	// unique violation.
	uniqueIndex(err error) string
	// retryable reports whether a transaction failed on a lock and may be retried as a whole.
	retryable(err error) bool
	// ftsIndex writes a published item's search entry from its tokens (internal/search): SQLite's FTS5 table,
	// PostgreSQL's tsvector column with the title weighted A and the rest D. ftsDelete removes it.
	ftsIndex(ctx context.Context, tx *sql.Tx, id int64, title, body string) error
	ftsDelete(ctx context.Context, tx *sql.Tx, id int64) error
	// ftsQueries are the engine's query strings of a parsed query with the filters (every group must have one of its
	// tokens): all matches, the matches in titles, and the other matches.
	ftsQueries(q search.Query, filters [][]string) (all, title, rest string)
	// ftsCount counts the matches of a query string, at most limit; match is its placeholder; agencies, when not
	// "", is a list of agency IDs (digits and commas) the matching items must belong to.
	ftsCount(match string, limit int, agencies string) string
	// ftsPage returns one page of the matches' ids, newest first; limit and offset are placeholder numbers;
	// agencies as for ftsCount.
	ftsPage(match string, limit, offset int, agencies string) string
	// ftsMatchesItem counts (0 or 1) whether one item matches; match and id are placeholders.
	ftsMatchesItem(match, id string) string
	// ftsFilters is a match of the filter tokens alone (each inner list any of, the lists all of); filters must not
	// be empty.
	ftsFilters(filters [][]string) string
}

type sqliteDialect struct{}

func (sqliteDialect) name() string                                  { return "sqlite" }
func (sqliteDialect) gooseDialect() goose.Dialect                   { return goose.DialectSQLite3 }
func (sqliteDialect) gooseOptions() ([]goose.ProviderOption, error) { return nil, nil }
func (sqliteDialect) forUpdate() string                             { return "" }
func (sqliteDialect) skipLocked() string                            { return "" }
func (sqliteDialect) tableExists() string {
	return `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
}

// sqliteUniqueColumns names the unique indexes that SQLite reports by their columns: it names an index only when
// the index has an expression in it ("index 'agencies_parent_name'"), otherwise it lists "table.column, …".
var sqliteUniqueColumns = map[string]string{
	"agencies.uscc":         "agencies_uscc",
	"users.username":        "users_username_key",
	"role_grants.user_id":   "role_grants_one_system_role",
	"api_tokens.token_hash": "api_tokens_token_hash_key",
	"annual_reports.agency_id, annual_reports.year": "annual_reports_agency_id_year_key",
	"sessions.token":                              "sessions_pkey",
	"applications.query_code":                     "applications_query_code_key",
	"applications.agency_id, applications.number": "applications_agency_id_number_key",
	"notices.agency_id, notices.number":           "notices_agency_id_number_key",
}

func (sqliteDialect) uniqueIndex(err error) string {
	var se *sqlite.Error
	if !errors.As(err, &se) || (se.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE && se.Code() != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return ""
	}
	_, cols, ok := strings.Cut(se.Error(), "UNIQUE constraint failed: ")
	if !ok {
		return "unique"
	}
	cols, _, _ = strings.Cut(cols, " (")
	if name, ok := strings.CutPrefix(cols, "index '"); ok {
		return strings.TrimSuffix(name, "'")
	}
	if name := sqliteUniqueColumns[cols]; name != "" {
		return name
	}
	return cols
}

// retryable reports SQLITE_BUSY (and its extended codes): another process held the write lock longer than the busy
// timeout, or a read snapshot went stale under a writer.
func (sqliteDialect) retryable(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return err != nil && strings.Contains(err.Error(), "database is locked")
}

type postgresDialect struct{}

func (postgresDialect) name() string                { return "postgres" }
func (postgresDialect) gooseDialect() goose.Dialect { return goose.DialectPostgres }

// gooseOptions takes a session-level advisory lock around migrations, so that several gongkai processes starting
// together on one database migrate it once. A waiting process looks again every second, for up to five minutes.
func (postgresDialect) gooseOptions() ([]goose.ProviderOption, error) {
	l, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return nil, err
	}
	return []goose.ProviderOption{goose.WithSessionLocker(l)}, nil
}
func (postgresDialect) forUpdate() string  { return " FOR UPDATE" }
func (postgresDialect) skipLocked() string { return " FOR UPDATE SKIP LOCKED" }
func (postgresDialect) tableExists() string {
	return `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
}
func (postgresDialect) uniqueIndex(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return pe.ConstraintName
	}
	return ""
}
func (postgresDialect) retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01") // serialization failure, deadlock
}

func (sqliteDialect) ftsIndex(ctx context.Context, tx *sql.Tx, id int64, title, body string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM items_fts WHERE rowid = $1`, id); err != nil {
		return fmt.Errorf("fts delete: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO items_fts (rowid, title, body) VALUES ($1, $2, $3)`, id, title, body); err != nil {
		return fmt.Errorf("fts insert: %w", err)
	}
	return nil
}
func (sqliteDialect) ftsDelete(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM items_fts WHERE rowid = $1`, id)
	return err
}
func (sqliteDialect) ftsQueries(q search.Query, filters [][]string) (all, title, rest string) {
	f := ""
	for _, any := range filters {
		f += ` AND ("` + strings.Join(any, `" OR "`) + `")`
	}
	m := "(" + q.FTS5() + ")"
	// In the title, and nowhere an excluded word: a column filter applies to the whole expression, so
	// {title} : ("卫生" NOT "健康") alone would let 健康 stand in the body.
	t := "(" + m + " AND ({title} : " + m + "))"
	return m + f, t + f, m + f + " NOT " + t
}
func (sqliteDialect) ftsFilters(filters [][]string) string {
	var parts []string
	for _, any := range filters {
		parts = append(parts, `("`+strings.Join(any, `" OR "`)+`")`)
	}
	return strings.Join(parts, " AND ")
}

// sqliteAgencies restricts FTS5 matches to items of the agencies: one primary-key lookup per match walked, and
// FTS5 still walks in rowid order and stops after the page.
func sqliteAgencies(agencies string) string {
	if agencies == "" {
		return ""
	}
	return ` AND EXISTS (SELECT 1 FROM items i WHERE i.id = items_fts.rowid AND i.agency_id IN (` + agencies + `))`
}

func (sqliteDialect) ftsCount(match string, limit int, agencies string) string {
	return `SELECT COUNT(*) FROM (SELECT rowid FROM items_fts WHERE items_fts MATCH ` + match + sqliteAgencies(agencies) + fmt.Sprintf(` LIMIT %d) AS capped`, limit)
}
func (sqliteDialect) ftsMatchesItem(match, id string) string {
	return `SELECT COUNT(*) FROM items_fts WHERE items_fts MATCH ` + match + ` AND rowid = ` + id
}
func (sqliteDialect) ftsPage(match string, limit, offset int, agencies string) string {
	// FTS5 walks its matches in rowid order and stops after the page: no match beyond it is read.
	return `SELECT rowid FROM items_fts WHERE items_fts MATCH ` + match + sqliteAgencies(agencies) + fmt.Sprintf(` ORDER BY rowid DESC LIMIT $%d OFFSET $%d`, limit, offset)
}

func (postgresDialect) ftsIndex(ctx context.Context, tx *sql.Tx, id int64, title, body string) error {
	_, err := tx.ExecContext(ctx, `UPDATE items SET tsv = setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'D') WHERE id = $1`, id, title, body)
	if err != nil {
		return fmt.Errorf("fts index: %w", err)
	}
	return nil
}
func (postgresDialect) ftsDelete(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE items SET tsv = NULL WHERE id = $1`, id)
	return err
}
func (postgresDialect) ftsQueries(q search.Query, filters [][]string) (all, title, rest string) {
	f := ""
	for _, any := range filters {
		f += " & ('" + strings.Join(any, "' | '") + "')"
	}
	m := "(" + q.TSQuery() + ")"
	t := "(" + q.TSQueryIn("A") + ")"
	return m + f, t + f, m + f + " & !" + t
}
func (postgresDialect) ftsFilters(filters [][]string) string {
	var parts []string
	for _, any := range filters {
		parts = append(parts, "('"+strings.Join(any, "' | '")+"')")
	}
	return strings.Join(parts, " & ")
}
func postgresAgencies(agencies string) string {
	if agencies == "" {
		return ""
	}
	return ` AND agency_id IN (` + agencies + `)`
}

func (postgresDialect) ftsCount(match string, limit int, agencies string) string {
	return `SELECT COUNT(*) FROM (SELECT 1 FROM items WHERE tsv @@ to_tsquery('simple', ` + match + `)` + postgresAgencies(agencies) + fmt.Sprintf(` LIMIT %d) AS capped`, limit)
}
func (postgresDialect) ftsMatchesItem(match, id string) string {
	return `SELECT COUNT(*) FROM items WHERE id = ` + id + ` AND tsv @@ to_tsquery('simple', ` + match + `)`
}
func (postgresDialect) ftsPage(match string, limit, offset int, agencies string) string {
	return `SELECT id FROM items WHERE tsv @@ to_tsquery('simple', ` + match + `)` + postgresAgencies(agencies) + fmt.Sprintf(` ORDER BY id DESC LIMIT $%d OFFSET $%d`, limit, offset)
}
