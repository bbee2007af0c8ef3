// Package store is the only user of database/sql in gongkai. Open picks the embedded SQLite database (a file in a
// data folder) or PostgreSQL (a postgres:// DSN); the SQL text is the same for both, and dialect.go holds every
// difference. Public methods own their transaction; a change and its audit row commit together.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"

	"github.com/gongkai/gongkai/internal/disclosure"
)

//go:embed migrations
var migrations embed.FS

// The services of the domain core that DB implements.
var (
	_ disclosure.AgencyService   = (*DB)(nil)
	_ disclosure.UserService     = (*DB)(nil)
	_ disclosure.AuditService    = (*DB)(nil)
	_ disclosure.APITokenService = (*DB)(nil)
)

// DB is an open gongkai database.
type DB struct {
	d dialect
	// dsn is what Open was given, for OpenAnother.
	dsn string
	// sqliteName is the SQLite driver's data source name (without the pool-specific parameters), for Backup.
	sqliteName string
	// write is the pool for changes: one connection on SQLite (one writer at a time, no "database is locked"
	// between our own writers), the shared pool on PostgreSQL.
	write *sql.DB
	// read serves queries; on SQLite several read-only connections read in parallel with the writer (WAL).
	read *sql.DB
	// now is the clock, replaceable in tests.
	now func() time.Time
	// audit is how new audit entries are hashed (audit.go); set once after Open, before any write.
	audit AuditConfig
	// seq is this handle's share of chaining the audit trail (audit_seq.go).
	seq auditSequencer
	// announcer sends the NOTIFYs of this handle's committed writes (watch.go).
	announcer announcer
	// version counts this process's committed write transactions, so caches of rendered pages know when to drop
	// their copies.
	version atomic.Uint64
}

// Version returns a number that changes whenever this process commits a write, and — while Watch runs — whenever
// another process (another gongkai serve on the same database, the CLI) does. Caches of rendered pages compare it
// to know when to drop their copies. It is not the schema version; see SchemaVersion.
func (db *DB) Version() uint64 { return db.version.Load() }

// DatabaseFile is the SQLite file inside a data folder.
const DatabaseFile = "gongkai.db"

// Open opens the database named by dsn:
//
//   - "postgres://…" or "postgresql://…": PostgreSQL through pgx;
//   - "sqlite:PATH": the SQLite database file PATH;
//   - anything else: a data folder (created if missing, "gongkai-data" when dsn is "") holding gongkai.db.
//
// It does not migrate (call Migrate), but it refuses (EConflict) a database whose schema is newer than this
// program knows, which an older gongkai must not touch.
func Open(ctx context.Context, dsn string) (*DB, error) {
	var db *DB
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		db, err = openPostgres(ctx, dsn)
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, disclosure.Errorf(disclosure.EInvalid, "sqlite: 后须写数据库文件路径")
		}
		db, err = openSQLite(ctx, path)
	default:
		dir := dsn
		if dir == "" {
			dir = "gongkai-data"
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, disclosure.Errorf(disclosure.EInvalid, "无法创建数据目录 %s：%v", dir, err)
		}
		db, err = openSQLite(ctx, filepath.Join(dir, DatabaseFile))
	}
	if err != nil {
		return nil, err
	}
	db.dsn = dsn
	if err := db.refuseNewerSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenAnother opens a second, independent handle on the same database, with its own connection pools — what a
// second gongkai process would have. Tests use it to check behaviour between processes.
func (db *DB) OpenAnother(ctx context.Context) (*DB, error) {
	other, err := Open(ctx, db.dsn)
	if err != nil {
		return nil, err
	}
	other.audit = db.audit
	return other, nil
}

// postgresConns is the size of a process's PostgreSQL pool, open and idle alike; sqliteReadConns that of the SQLite
// read pool (the SQLite write pool has one connection).
const (
	postgresConns   = 16
	sqliteReadConns = 8
)

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "PostgreSQL 数据库地址有误：%v", err)
	}
	// Search reads bitmaps of many candidates (search_postgres.go); the default 4 MB turns them lossy.
	if _, set := cfg.RuntimeParams["work_mem"]; !set {
		cfg.RuntimeParams["work_mem"] = "32MB"
	}
	// A search's walk of the shards is estimated as costly (its row counts are unknown when planned), and JIT
	// compilation then took 200 ms of a query that runs in a few (docs/decisions/0015).
	if _, set := cfg.RuntimeParams["jit"]; !set {
		cfg.RuntimeParams["jit"] = "off"
	}
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(postgresConns)
	// database/sql keeps 2 idle connections by default: a burst of requests then opens up to 14 new connections
	// and closes them again at once (hundreds of TCP and authentication handshakes a minute under load). Keeping
	// them all idle costs a few MB of server memory each; ConnMaxIdleTime still gives them back when traffic stops.
	pool.SetMaxIdleConns(postgresConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, disclosure.Errorf(disclosure.EInternal, "无法连接 PostgreSQL 数据库：%v", err)
	}
	return &DB{d: postgresDialect{}, write: pool, read: pool, now: time.Now}, nil
}

// sqliteParams configure every SQLite connection. busy_timeout comes first, so that the pragmas after it wait for
// another process's lock instead of failing; WAL lets readers run beside the one writer; synchronous=NORMAL is
// durable across application crashes in WAL mode (a power cut may lose the last commits, never corrupt).
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	name := "file:" + sqlitePath(path) + "?" + sqliteParams
	// The write pool has one connection and begins every transaction with BEGIN IMMEDIATE: our own writers queue
	// on the pool, and the write lock is taken at BEGIN, where busy_timeout applies, rather than at the first
	// write, where SQLite would fail at once to avoid a deadlock.
	write, err := sql.Open("sqlite", name+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	// Read connections are query_only, so that no write can slip past the single writer.
	read, err := sql.Open("sqlite", name+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	read.SetMaxOpenConns(sqliteReadConns)
	read.SetMaxIdleConns(sqliteReadConns) // a new SQLite connection re-reads the schema: keep them, as for PostgreSQL
	db := &DB{d: sqliteDialect{}, write: write, read: read, now: time.Now, sqliteName: name}
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, disclosure.Errorf(disclosure.EInternal, "无法打开数据库文件 %s：%v", path, err)
	}
	return db, nil
}

// sqlitePath escapes the characters that would end the path part of a file: URI.
func sqlitePath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Close closes the database.
func (db *DB) Close() error {
	db.announcer.stop()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Dialect names the database engine: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name() }

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+db.d.name())
	if err != nil {
		return nil, err
	}
	opts, err := db.d.gooseOptions()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(db.d.gooseDialect(), db.write, sub, opts...)
}

// knownVersion returns the newest schema version this program knows.
func (db *DB) knownVersion() (int64, error) {
	entries, err := fs.ReadDir(migrations, "migrations/"+db.d.name())
	if err != nil {
		return 0, err
	}
	var known int64
	for _, e := range entries {
		v, err := goose.NumericComponent(e.Name())
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		known = max(known, v)
	}
	return known, nil
}

// appliedVersion returns the database's schema version without creating anything: 0 for an empty database.
func (db *DB) appliedVersion(ctx context.Context) (int64, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, db.d.tableExists(), "goose_db_version").Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	var v int64
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version`).Scan(&v)
	return v, err
}

func (db *DB) refuseNewerSchema(ctx context.Context) error {
	current, known, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current > known {
		return disclosure.Errorf(disclosure.EConflict, "数据库结构版本 %d 比本程序支持的版本 %d 新，请升级 gongkai", current, known)
	}
	return nil
}

// SchemaVersion returns the database's schema version (0 for an empty database) and the newest version this
// program knows. It changes nothing.
func (db *DB) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	if known, err = db.knownVersion(); err != nil {
		return 0, 0, fmt.Errorf("store: migrations: %w", err)
	}
	if current, err = db.appliedVersion(ctx); err != nil {
		return 0, known, fmt.Errorf("store: schema version: %w", err)
	}
	return current, known, nil
}

// PendingMigrations returns the versions Migrate would apply, oldest first; none when the schema is up to date.
func (db *DB) PendingMigrations(ctx context.Context) ([]int64, error) {
	current, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	p, err := db.provider()
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	var pending []int64
	for _, s := range p.ListSources() {
		if s.Version > current {
			pending = append(pending, s.Version)
		}
	}
	return pending, nil
}

// Migrate brings the schema up to date and returns how many migrations it applied. It refuses (EConflict) a
// database whose schema is newer than this program. Several processes may migrate at once: on PostgreSQL they
// queue on an advisory lock; on SQLite a process that loses the race to apply a migration sees it applied and
// goes on.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	for attempt := 0; ; attempt++ {
		if err := db.refuseNewerSchema(ctx); err != nil {
			return applied, err
		}
		before, _, err := db.SchemaVersion(ctx)
		if err != nil {
			return applied, err
		}
		p, err := db.provider()
		if err != nil {
			return applied, fmt.Errorf("store: migrations: %w", err)
		}
		res, err := p.Up(ctx)
		// On a failure goose returns the migrations it did apply inside the PartialError, not in res.
		var partial *goose.PartialError
		if errors.As(err, &partial) {
			res = partial.Applied
		}
		for _, r := range res {
			if r.Error == nil {
				applied++
			}
		}
		if err == nil {
			if err := db.seedCategories(ctx); err != nil {
				return applied, err
			}
			return applied, db.backfillLists(ctx)
		}
		after, _, verr := db.SchemaVersion(ctx)
		if verr != nil || after <= before || attempt >= 5 {
			return applied, fmt.Errorf("store: migrate: %w", err)
		}
		// Another process applied a migration while this one tried to: look again.
	}
}

// withTx runs fn in a write transaction. It retries the whole transaction with backoff when SQLite reports a lock
// held by another process past the busy timeout, or PostgreSQL a serialization failure or deadlock, so that
// "database is locked" never reaches a user; fn must therefore be safe to run again.
func (db *DB) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.retryTx(ctx, fn, true)
}

// withHousekeepingTx is withTx for writes that change nothing a public page shows (sessions, the outbox, hit
// counts, job runs, token use): they do not advance Version, so they do not empty the caches of rendered pages.
func (db *DB) withHousekeepingTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.retryTx(ctx, fn, false)
}

func (db *DB) retryTx(ctx context.Context, fn func(tx *sql.Tx) error, bump bool) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = db.tryTx(ctx, fn, bump)
		if err == nil {
			db.afterCommit(ctx)
			return nil
		}
		if !db.d.retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(10<<attempt)*time.Millisecond + time.Duration(rand.IntN(10))*time.Millisecond):
		}
	}
	return disclosure.Errorf(disclosure.EInternal, "数据库繁忙，请稍后重试")
}

func (db *DB) tryTx(ctx context.Context, fn func(tx *sql.Tx) error, bump bool) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if bump && db.d.name() != "postgres" {
		// Announced to the other processes on commit, and only then (Watch): SQLite (one writer at a time anyway)
		// by a counter they poll, PostgreSQL by a NOTIFY after the commit (announce).
		if _, err := tx.ExecContext(ctx, `UPDATE change_counter SET n = n + 1 WHERE id = 1`); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if bump {
		db.version.Add(1)
		if db.d.name() == "postgres" {
			db.announce()
		}
	}
	return nil
}

// UnsafeExec runs raw SQL on the write connection. It exists for tests that must tamper with the database (the
// audit trail's tamper detection); no product path calls it.
func (db *DB) UnsafeExec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, query, args...)
	return err
}

// SetClock replaces the clock; for tests.
func (db *DB) SetClock(now func() time.Time) { db.now = now }
