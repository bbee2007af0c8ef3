package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
)

func openMigrated(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func pragma(t *testing.T, pool *sql.DB, name string) string {
	t.Helper()
	var v string
	if err := pool.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSQLiteConnectionsAreConfiguredForAServer(t *testing.T) {
	db := openMigrated(t)
	for _, pool := range []struct {
		name string
		db   *sql.DB
		want map[string]string
	}{
		{"write", db.write, map[string]string{"busy_timeout": "10000", "journal_mode": "wal", "foreign_keys": "1", "synchronous": "1", "query_only": "0"}},
		{"read", db.read, map[string]string{"busy_timeout": "10000", "journal_mode": "wal", "foreign_keys": "1", "synchronous": "1", "query_only": "1"}},
	} {
		for name, want := range pool.want {
			if got := pragma(t, pool.db, name); got != want {
				t.Errorf("%s pool: %s = %s, want %s", pool.name, name, got, want)
			}
		}
	}
	if n := db.write.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("write pool allows %d connections", n)
	}
	if _, err := db.read.Exec(`DELETE FROM sessions`); err == nil {
		t.Error("the read pool accepted a write")
	}
}

// TestSQLiteBusyIsRetryable makes SQLite report SQLITE_BUSY (a connection without a busy timeout meets another
// process's write lock) and checks that the dialect recognises it.
func TestSQLiteBusyIsRetryable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	holder, err := db.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer holder.ExecContext(ctx, "ROLLBACK")
	impatient, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DatabaseFile)+"?_pragma=busy_timeout(0)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer impatient.Close()
	_, err = impatient.BeginTx(ctx, nil)
	if err == nil || !db.d.retryable(err) {
		t.Errorf("busy error %v not retryable", err)
	}
	if db.d.retryable(disclosure.Errorf(disclosure.EInvalid, "x")) {
		t.Error("a user error is retryable")
	}
}

// TestUniqueIndexNames checks that a violation of each unique index is reported by the index's name, as on
// PostgreSQL, so that callers can say which rule was broken.
func TestUniqueIndexNames(t *testing.T) {
	db := openMigrated(t)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO agencies (id, kind, name, uscc, created_at, updated_at) VALUES (1, 'region_government', 'a', 'X', 0, 0)`,
		`INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (1, 'u', 'u', 'h', 0)`,
		`INSERT INTO role_grants (user_id, role) VALUES (1, 'auditor')`,
		`INSERT INTO role_grants (user_id, role, agency_id) VALUES (1, 'officer', 1)`,
		`INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at) VALUES (1, 'n', 'h', 's', 0)`,
		`INSERT INTO annual_reports (agency_id, year, era, data, created_at) VALUES (1, 2024, '2021', '{}', 0)`,
	} {
		if err := db.UnsafeExec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for want, q := range map[string]string{
		"agencies_uscc":                     `INSERT INTO agencies (kind, name, uscc, created_at, updated_at) VALUES ('region_government', 'b', 'X', 0, 0)`,
		"agencies_parent_name":              `INSERT INTO agencies (kind, name, created_at, updated_at) VALUES ('region_government', 'a', 0, 0)`,
		"users_username_lower":              `INSERT INTO users (username, display_name, password_hash, created_at) VALUES ('U', 'u', 'h', 0)`,
		"role_grants_one_system_role":       `INSERT INTO role_grants (user_id, role) VALUES (1, 'sysadmin')`,
		"role_grants_unique":                `INSERT INTO role_grants (user_id, role, agency_id) VALUES (1, 'officer', 1)`,
		"api_tokens_token_hash_key":         `INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at) VALUES (1, 'n', 'h', 's', 0)`,
		"annual_reports_agency_id_year_key": `INSERT INTO annual_reports (agency_id, year, era, data, created_at) VALUES (1, 2024, '2021', '{}', 0)`,
	} {
		err := db.UnsafeExec(ctx, q)
		if got := db.d.uniqueIndex(err); got != want {
			t.Errorf("%s: reported as %q (%v)", want, got, err)
		}
	}
	if got := db.d.uniqueIndex(sql.ErrNoRows); got != "" {
		t.Errorf("not a violation, reported as %q", got)
	}
}
