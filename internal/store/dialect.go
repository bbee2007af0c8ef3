package store

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
)

// dialect holds every difference between SQLite and PostgreSQL. The SQL text elsewhere is shared: $N placeholders
// and RETURNING work on both; times are stored as Unix microseconds (BIGINT) on both, so no date functions differ.
type dialect interface {
	name() string
	gooseDialect() goose.Dialect
	// lockAudit serialises audit appenders: several gongkai processes may write one PostgreSQL database, and the
	// chain must not fork. SQLite's IMMEDIATE write transactions are serial already.
	lockAudit() string
	// lockUser locks one account row ($1 = id) for the rest of the transaction, so that concurrent changes to the
	// same account's roles queue rather than interleave. SQLite's IMMEDIATE transactions are serial already.
	lockUser() string
	// uniqueViolation reports whether err is a unique-constraint violation.
	uniqueViolation(err error) bool
	// retryable reports whether a transaction failed on a lock and may be retried.
	retryable(err error) bool
}

type sqliteDialect struct{}

func (sqliteDialect) name() string                { return "sqlite" }
func (sqliteDialect) gooseDialect() goose.Dialect { return goose.DialectSQLite3 }
func (sqliteDialect) lockAudit() string           { return "" }
func (sqliteDialect) lockUser() string            { return "" }
func (sqliteDialect) uniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
func (sqliteDialect) retryable(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "database is locked") || strings.Contains(err.Error(), "SQLITE_BUSY"))
}

type postgresDialect struct{}

func (postgresDialect) name() string                { return "postgres" }
func (postgresDialect) gooseDialect() goose.Dialect { return goose.DialectPostgres }
func (postgresDialect) lockAudit() string           { return "SELECT pg_advisory_xact_lock(7310)" }
func (postgresDialect) lockUser() string            { return "SELECT id FROM users WHERE id = $1 FOR UPDATE" }
func (postgresDialect) uniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
func (postgresDialect) retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01") // serialization failure, deadlock
}
