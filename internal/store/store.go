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

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers "sqlite"

	"github.com/gongkai/gongkai/internal/disclosure"
)

//go:embed migrations
var migrations embed.FS

// DB is an open gongkai database.
type DB struct {
	d dialect
	// write is the pool for changes: one connection on SQLite (one writer at a time, no "database is locked"
	// between our own writers), the shared pool on PostgreSQL.
	write *sql.DB
	// read serves queries; on SQLite several connections read in parallel with the writer (WAL).
	read *sql.DB
	// now is the clock, replaceable in tests.
	now func() time.Time
	// version counts this process's committed write transactions, so caches of rendered pages know when to drop
	// their copies.
	version atomic.Uint64
}

// Version returns a number that changes whenever this process commits a write. Other processes' writes (several
// gongkai serve on one PostgreSQL) are not seen here; caches bound that with a short lifetime.
func (db *DB) Version() uint64 { return db.version.Load() }

// DatabaseFile is the SQLite file inside a data folder.
const DatabaseFile = "gongkai.db"

// Open opens the database named by dsn: a postgres:// or postgresql:// URL, or a data folder (created if missing)
// holding the SQLite file. It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		pool, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		pool.SetMaxOpenConns(16)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		if err := pool.PingContext(ctx); err != nil {
			pool.Close()
			return nil, disclosure.Errorf(disclosure.EInternal, "无法连接 PostgreSQL 数据库：%v", err)
		}
		return &DB{d: postgresDialect{}, write: pool, read: pool, now: time.Now}, nil
	}
	if dsn == "" {
		dsn = "gongkai-data"
	}
	if err := os.MkdirAll(dsn, 0o750); err != nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "无法创建数据目录 %s：%v", dsn, err)
	}
	path := filepath.Join(dsn, DatabaseFile)
	return openSQLite(ctx, path)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	// busy_timeout first, so every later pragma waits for locks instead of failing.
	params := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	write, err := sql.Open("sqlite", "file:"+path+"?"+params+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", "file:"+path+"?"+params)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	read.SetMaxOpenConns(8)
	db := &DB{d: sqliteDialect{}, write: write, read: read, now: time.Now}
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, disclosure.Errorf(disclosure.EInternal, "无法打开数据库文件 %s：%v", path, err)
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
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
	return goose.NewProvider(db.d.gooseDialect(), db.write, sub)
}

// SchemaVersion returns the database's schema version and the newest version this program knows.
func (db *DB) SchemaVersion(ctx context.Context) (current, known int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrations: %w", err)
	}
	for _, s := range p.ListSources() {
		known = max(known, s.Version)
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, known, fmt.Errorf("store: schema version: %w", err)
	}
	return current, known, nil
}

// Migrate brings the schema up to date. It refuses (EConflict) a database whose schema is newer than this program,
// which an older binary must not touch.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	current, known, err := db.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if current > known {
		return 0, disclosure.Errorf(disclosure.EConflict, "数据库结构版本 %d 比本程序支持的版本 %d 新，请升级 gongkai", current, known)
	}
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	return len(res), nil
}

// withTx runs fn in a write transaction, retrying a few times when SQLite reports a lock (another process writing)
// so that "database is locked" never reaches a user.
func (db *DB) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var err error
	for attempt := 0; attempt < 8; attempt++ {
		err = db.tryTx(ctx, fn)
		if err == nil || !db.d.retryable(err) {
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

func (db *DB) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.version.Add(1)
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
