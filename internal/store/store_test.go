package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openSQLite(t *testing.T) *store.DB {
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func openPostgres(t *testing.T) *store.DB {
	db, err := store.Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestSQLite(t *testing.T)   { storetest.Run(t, openSQLite) }
func TestPostgres(t *testing.T) { storetest.Run(t, openPostgres) }

func TestBackupAndRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	a := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, a); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, backup); disclosure.ErrorCode(err) != disclosure.EConflict {
		t.Errorf("overwriting a backup: %v", err)
	}
	// A change after the backup is gone after the restore.
	a.Name = "平阴县政府"
	if err := db.UpdateAgency(ctx, disclosure.SystemActor, a); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := store.Restore(ctx, backup, dir); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.GetAgency(ctx, a.ID)
	if err != nil || got.Name != "平阴县人民政府" {
		t.Errorf("after restore: %+v %v", got, err)
	}
	if res, _ := db.VerifyAudit(ctx); !res.OK || res.Entries != 1 {
		t.Errorf("audit after restore: %+v", res)
	}
	// A backup whose audit trail was tampered with is refused.
	tampered := t.TempDir()
	data, _ := os.ReadFile(backup)
	os.WriteFile(filepath.Join(tampered, store.DatabaseFile), data, 0o600)
	bad, err := store.Open(ctx, tampered)
	if err != nil {
		t.Fatal(err)
	}
	if err := bad.UnsafeExec(ctx, `UPDATE audit_log SET action = 'agency.delete'`); err != nil {
		t.Fatal(err)
	}
	bad.Close()
	if err := store.Restore(ctx, filepath.Join(tampered, store.DatabaseFile), dir); err == nil || !strings.Contains(err.Error(), "审计记录不完整") {
		t.Errorf("restoring a tampered backup: %v", err)
	}
}

func TestPostgresRefusesFileBackup(t *testing.T) {
	db := openPostgres(t)
	defer db.Close()
	if err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "b.db")); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("err = %v", err)
	}
}
