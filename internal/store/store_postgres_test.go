package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/store/storetest"
)

// TestMain stops the throwaway PostgreSQL cluster, if the tests started one.
func TestMain(m *testing.M) { pgtest.Main(m) }

func openPostgres(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestPostgres(t *testing.T) { storetest.Run(t, openPostgres) }

func TestPostgresBackupSaysToUsePgDump(t *testing.T) {
	db := storetest.MustMigrate(t, openPostgres)
	err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "b.db"))
	if disclosure.ErrorCode(err) != disclosure.EInvalid || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("err = %v", err)
	}
}

func BenchmarkCreateAgencyPostgres(b *testing.B) {
	benchmarkCreateAgency(b, func(b *testing.B) *store.DB {
		db, err := store.Open(context.Background(), pgtest.NewDatabase(b))
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}

func BenchmarkVerifyAudit10000Postgres(b *testing.B) {
	benchmarkVerifyAudit(b, func(b *testing.B) *store.DB {
		db, err := store.Open(context.Background(), pgtest.NewDatabase(b))
		if err != nil {
			b.Fatal(err)
		}
		return db
	})
}
