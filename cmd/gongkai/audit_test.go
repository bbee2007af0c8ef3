package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// openKeyed opens the data folder's database as gongkai does, with the audit key of the folder.
func openKeyed(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	key, err := store.LoadAuditKey(filepath.Join(dir, auditKeyName))
	if err != nil {
		t.Fatal(err)
	}
	db.SetAuditConfig(store.AuditConfig{Key: key})
	return db
}

// The commands keep the audit key and the checkpoints outside the database, and audit verify catches what a
// database writer without the key does: a rehashed chain, and the last 100 rows cut with the head moved back.
func TestAuditKeyAndCheckpointCommands(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	if out, errOut, code := runMain(t, "agency", "add", "--data", dir, "--name", "平阴县人民政府"); code != 0 {
		t.Fatalf("agency add: %s %s", out, errOut)
	}
	keyFile := filepath.Join(dir, auditKeyName)
	if fi, err := os.Stat(keyFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("audit key: %v %v", fi, err)
	}
	db := openKeyed(t, dir)
	for i := range 120 {
		if err := db.RecordEvent(ctx, disclosure.SystemActor, "audit.export", "audit_log", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	out, errOut, code := runMain(t, "audit", "checkpoint", "--data", dir)
	if code != 0 || !strings.Contains(out, `"seq":122`) || !strings.Contains(out, `"sig":"`) {
		t.Fatalf("checkpoint: %d %s %s", code, out, errOut)
	}
	cpFile := filepath.Join(dir, checkpointName)
	auditorCopy := filepath.Join(t.TempDir(), "审计员副本.jsonl")
	data, _ := os.ReadFile(cpFile)
	os.WriteFile(auditorCopy, data, 0o600)
	if out, _, code := runMain(t, "audit", "verify", "--data", dir); code != 0 || !strings.Contains(out, "共 122 条，哈希链校验通过") ||
		!strings.Contains(out, "第 1 条起的 122 条以审计密钥") || !strings.Contains(out, "1 个检查点相符（最新记到第 122 条") {
		t.Errorf("verify: %d %s", code, out)
	}

	// The backup holds no key; restored with the folder's key, the trail verifies against the checkpoint.
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, errOut, code := runMain(t, "backup", "--data", dir, "--to", backup); code != 0 {
		t.Fatalf("backup: %s %s", out, errOut)
	}
	key, _ := os.ReadFile(keyFile)
	if b, _ := os.ReadFile(backup); bytes.Contains(b, bytes.TrimSpace(key[bytes.LastIndexByte(bytes.TrimSpace(key), '\n')+1:])) {
		t.Error("the backup holds the audit key")
	}

	// The attacker cuts the last 100 rows and moves the head back: the chain alone looks fine, the checkpoints
	// do not.
	db, _ = store.Open(ctx, dir)
	db.UnsafeExec(ctx, `DELETE FROM audit_log WHERE seq > 22`)
	db.UnsafeExec(ctx, `UPDATE audit_head SET seq = 22, hash = (SELECT hash FROM audit_log WHERE seq = 22) WHERE id = 1`)
	db.Close()
	for _, args := range [][]string{{"--data", dir}, {"--data", dir, "--checkpoint", auditorCopy}} {
		if out, _, code := runMain(t, append([]string{"audit", "verify"}, args...)...); code != 1 || !strings.Contains(out, "末尾的审计记录被删除") {
			t.Errorf("verify %v after the cut: %d %s", args, code, out)
		}
	}
	// Serving on it says so at once.
	db = openKeyed(t, dir)
	var stderr bytes.Buffer
	if err := startAudit(ctx, db, cpFile, slog.New(slog.NewTextHandler(&stderr, nil)), &stderr); err != nil || !strings.Contains(stderr.String(), "审计记录与检查点文件") {
		t.Errorf("start: %v %s", err, stderr.String())
	}
	db.Close()

	// Restoring the backup brings the trail back, and it matches the auditor's checkpoints again.
	if out, errOut, code := runMain(t, "restore", "--data", dir, "--from", backup); code != 0 {
		t.Fatalf("restore: %s %s", out, errOut)
	}
	if out, _, code := runMain(t, "audit", "verify", "--data", dir, "--checkpoint", auditorCopy); code != 0 {
		t.Errorf("verify after restore: %d %s", code, out)
	}
	// Without the key file the keyed rows cannot be checked: exit 2, not a pass.
	os.Rename(keyFile, keyFile+".away")
	if _, errOut, code := runMain(t, "audit", "verify", "--data", dir); code != 2 || !strings.Contains(errOut, "须提供审计密钥文件") {
		t.Errorf("verify without the key: %d %s", code, errOut)
	}
	// Nor does a writer make itself a new key for a keyed trail.
	if _, errOut, code := runMain(t, "agency", "list", "--data", dir); code != 2 || !strings.Contains(errOut, "请放回原密钥文件") {
		t.Errorf("a command without the folder's key: %d %s", code, errOut)
	}
	if _, err := os.Stat(keyFile); err == nil {
		t.Error("a new key was made for a keyed trail")
	}
	if _, errOut, code := runMain(t, "audit", "verify", "--data", dir, "--audit-key-file", keyFile); code != 2 || !strings.Contains(errOut, "找不到审计密钥文件") {
		t.Errorf("verify with a missing key file: %d %s", code, errOut)
	}
	os.Rename(keyFile+".away", keyFile)

	// The attacker edits a row and recomputes every later hash and the head with plain SHA-256.
	db, _ = store.Open(ctx, dir)
	es, _ := db.ListAudit(ctx, disclosure.AuditFilter{Limit: 1000})
	prev := ""
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		if e.Seq < 5 {
			prev = e.Hash
			continue
		}
		if e.Seq == 5 {
			e.ObjectID = "改过"
		}
		e.PrevHash, e.Alg = prev, disclosure.AuditSHA256
		e.Hash = e.ComputeHash()
		prev = e.Hash
		db.UnsafeExec(ctx, `UPDATE audit_log SET object_id = $1, prev_hash = $2, hash = $3, alg = $4 WHERE seq = $5`, e.ObjectID, e.PrevHash, e.Hash, e.Alg, e.Seq)
	}
	db.UnsafeExec(ctx, `UPDATE audit_head SET hash = $1, alg = 'sha256' WHERE id = 1`, prev)
	db.Close()
	if out, _, code := runMain(t, "audit", "verify", "--data", dir, "--checkpoint", os.DevNull); code != 1 || !strings.Contains(out, "第 5 条起的审计记录不再以审计密钥计算哈希") {
		t.Errorf("verify after the rehash: %d %s", code, out)
	}
	// A writer with the key refuses to go on with the rewritten chain.
	if _, errOut, code := runMain(t, "agency", "add", "--data", dir, "--name", "平阴县民政局", "--parent", "1"); code != 2 || !strings.Contains(errOut, "被不知道密钥的人改写") {
		t.Errorf("agency add on a rewritten chain: %d %s", code, errOut)
	}
	// Without the key the rewrite is evident all the same: keyed rows cannot turn unkeyed.
	os.Rename(keyFile, keyFile+".away")
	if out, _, code := runMain(t, "audit", "verify", "--data", dir, "--checkpoint", os.DevNull); code != 1 || !strings.Contains(out, "不再以审计密钥计算哈希") {
		t.Errorf("verify the rehash without the key: %d %s", code, out)
	}
}

func TestAuditKeygenAndSM3(t *testing.T) {
	key := filepath.Join(t.TempDir(), "pg-audit.key")
	if out, errOut, code := runMain(t, "audit", "keygen", "--to", key); code != 0 || !strings.Contains(out, "密钥编号") {
		t.Fatalf("keygen: %d %s %s", code, out, errOut)
	}
	if _, _, code := runMain(t, "audit", "keygen", "--to", key); code != 2 {
		t.Errorf("keygen over an existing key: %d", code)
	}
	dir := filepath.Join(t.TempDir(), "data")
	if out, errOut, code := runMain(t, "agency", "add", "--data", dir, "--name", "平阴县人民政府", "--audit-key-file", key, "--audit-hash", "sm3"); code != 0 {
		t.Fatalf("agency add: %s %s", out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, auditKeyName)); err == nil {
		t.Error("a key was made in the data folder although one was given")
	}
	if out, _, code := runMain(t, "audit", "verify", "--data", dir, "--audit-key-file", key); code != 0 || !strings.Contains(out, "共 2 条") {
		t.Errorf("verify SM3: %d %s", code, out)
	}
	db, _ := store.Open(context.Background(), dir)
	es, _ := db.ListAudit(context.Background(), disclosure.AuditFilter{})
	db.Close()
	if len(es) != 2 || es[0].Alg != disclosure.AuditHMACSM3 || es[1].Alg != disclosure.AuditHMACSM3 {
		t.Errorf("entries = %+v", es)
	}
	if _, errOut, code := runMain(t, "agency", "list", "--data", dir, "--audit-key-file", key, "--audit-hash", "md5"); code != 2 || !strings.Contains(errOut, "sha256 或 sm3") {
		t.Errorf("md5: %d %s", code, errOut)
	}
}

// Without a key (PostgreSQL without --audit-key-file) gongkai serves, but says loudly what that means.
func TestServeWarnsWithoutAuditKey(t *testing.T) {
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Migrate(context.Background())
	var stderr, logged bytes.Buffer
	if err := startAudit(context.Background(), db, "", slog.New(slog.NewJSONHandler(&logged, nil)), &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "警告：未配置审计密钥") || !strings.Contains(logged.String(), `"level":"WARN"`) {
		t.Errorf("stderr %q, log %q", stderr.String(), logged.String())
	}
}
