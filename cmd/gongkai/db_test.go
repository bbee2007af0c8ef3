package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

func TestMigrateAuditBackupRestore(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	out, errOut, code := runMain(t, "migrate", "--data", dir)
	if code != 0 || !strings.Contains(out, "结构已是最新") {
		t.Fatalf("migrate: %d %s %s", code, out, errOut)
	}
	db, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, gov); err != nil {
		t.Fatal(err)
	}
	db.Close()

	if out, _, code := runMain(t, "audit", "verify", "--data", dir); code != 0 || !strings.Contains(out, "共 1 条，哈希链校验通过") {
		t.Errorf("verify: %d %s", code, out)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, errOut, code := runMain(t, "backup", "--data", dir, "--to", backup); code != 0 {
		t.Fatalf("backup: %s %s", out, errOut)
	}
	// Tamper with the live database: verify says so and exits 1; restore brings the intact copy back.
	db, _ = store.Open(ctx, dir)
	db.UnsafeExec(ctx, `UPDATE audit_log SET actor_name = '无名氏'`)
	db.Close()
	if out, _, code := runMain(t, "audit", "verify", "--data", dir); code != 1 || !strings.Contains(out, "被修改过") {
		t.Errorf("verify after tampering: %d %s", code, out)
	}
	if out, errOut, code := runMain(t, "restore", "--data", dir, "--from", backup); code != 0 {
		t.Fatalf("restore: %s %s", out, errOut)
	}
	if _, _, code := runMain(t, "audit", "verify", "--data", dir); code != 0 {
		t.Errorf("verify after restore: %d", code)
	}
	// Environment variables stand in for flags.
	var stdout, stderr strings.Builder
	err = run(ctx, []string{"audit", "verify"}, func(k string) string {
		if k == "GONGKAI_DATA" {
			return dir
		}
		return ""
	}, strings.NewReader(""), &stdout, &stderr)
	if err != nil || !strings.Contains(stdout.String(), "哈希链校验通过") {
		t.Errorf("GONGKAI_DATA: %v %s", err, stdout.String())
	}
	if _, errOut, code := runMain(t, "backup", "--data", dir); code != 2 || !strings.Contains(errOut, "--to") {
		t.Errorf("backup without --to: %d %s", code, errOut)
	}
}
