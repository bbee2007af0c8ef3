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
	// ftsIndex writes an item's search entry from its tokens (internal/search): SQLite's FTS5 table, PostgreSQL's
	// tsvector column with the title weighted A and the rest D.
	ftsIndex(ctx context.Context, tx *sql.Tx, id int64, title, body string) error
	// ftsQuery is the engine's query string of a parsed query.
	ftsQuery(q search.Query) string
	// ftsCount counts the matches (with the filter on items i), at most limit; match is the query's placeholder.
	ftsCount(match, filter string, limit int) string
	// ftsSearch ranks the newest candidates matches (title ten times the body) and returns one page of (id, score);
	// limit and offset are the placeholder numbers of the page.
	ftsSearch(match, filter string, candidates, limit, offset int) string
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
func (sqliteDialect) ftsQuery(q search.Query) string { return q.FTS5() }
func (sqliteDialect) ftsCount(match, filter string, limit int) string {
	return `SELECT COUNT(*) FROM (SELECT 1 FROM items_fts JOIN items i ON i.id = items_fts.rowid WHERE items_fts MATCH ` + match + filter +
		fmt.Sprintf(` LIMIT %d) AS capped`, limit)
}
func (sqliteDialect) ftsSearch(match, filter string, candidates, limit, offset int) string {
	// FTS5 walks its matches in rowid order and stops after the candidates; bm25 is lower for better matches.
	return `SELECT id, score FROM (SELECT items_fts.rowid AS id, bm25(items_fts, 10.0, 1.0) AS score FROM items_fts JOIN items i ON i.id = items_fts.rowid
		WHERE items_fts MATCH ` + match + filter + fmt.Sprintf(` ORDER BY items_fts.rowid DESC LIMIT %d) AS c ORDER BY score, id DESC LIMIT $%d OFFSET $%d`, candidates, limit, offset)
}

func (postgresDialect) ftsIndex(ctx context.Context, tx *sql.Tx, id int64, title, body string) error {
	_, err := tx.ExecContext(ctx, `UPDATE items SET tsv = setweight(to_tsvector('simple', $2), 'A') || setweight(to_tsvector('simple', $3), 'D') WHERE id = $1`, id, title, body)
	if err != nil {
		return fmt.Errorf("fts index: %w", err)
	}
	return nil
}
func (postgresDialect) ftsQuery(q search.Query) string { return q.TSQuery() }
func (postgresDialect) ftsCount(match, filter string, limit int) string {
	return `SELECT COUNT(*) FROM (SELECT 1 FROM items i WHERE i.tsv @@ to_tsquery('simple', ` + match + `)` + filter + fmt.Sprintf(` LIMIT %d) AS capped`, limit)
}
func (postgresDialect) ftsSearch(match, filter string, candidates, limit, offset int) string {
	// Weights {D, C, B, A}: the title (A) counts ten times the body (D).
	return `SELECT id, score FROM (SELECT i.id, ts_rank('{0.1, 0.2, 0.4, 1.0}', i.tsv, to_tsquery('simple', ` + match + `)) AS score FROM items i
		WHERE i.tsv @@ to_tsquery('simple', ` + match + `)` + filter + fmt.Sprintf(` ORDER BY i.id DESC LIMIT %d) AS c ORDER BY score DESC, id DESC LIMIT $%d OFFSET $%d`, candidates, limit, offset)
}
