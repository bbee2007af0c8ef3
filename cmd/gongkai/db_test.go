package main

import (
	"context"
	"fmt"
	"os"
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
	if st, err := os.Stat(backup); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the backup is not private to its owner: %v %v", st.Mode(), err)
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

func runMainStdin(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr strings.Builder
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &stdout, &stderr)
	code := exitCode(err, &stderr)
	return stdout.String(), stderr.String(), code
}

func TestUserCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	runMain(t, "migrate", "--data", dir)
	db, _ := store.Open(context.Background(), dir)
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(context.Background(), disclosure.SystemActor, gov); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out, errOut, code := runMain(t, "user", "add", "--data", dir, "--username", "zhang", "--name", "张三", "--role", "officer@1", "--role", "reviewer@1")
	if code != 0 || !strings.Contains(out, "初始密码：") {
		t.Fatalf("add: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := runMainStdin(t, "weak\n", "user", "add", "--data", dir, "--username", "li", "--name", "李四", "--password-stdin"); code != 2 || !strings.Contains(errOut, "至少需要 10 个字符") {
		t.Errorf("weak password: %d %s", code, errOut)
	}
	if _, errOut, code := runMain(t, "user", "add", "--data", dir, "--username", "wang", "--name", "王五", "--role", "sysadmin", "--role", "auditor"); code != 2 || !strings.Contains(errOut, "必须由不同账号担任") {
		t.Errorf("two system roles: %d %s", code, errOut)
	}
	if _, errOut, code := runMain(t, "user", "add", "--data", dir, "--username", "zhang", "--name", "张三"); code != 2 || !strings.Contains(errOut, "已被使用") {
		t.Errorf("duplicate: %d %s", code, errOut)
	}
	if out, errOut, code := runMainStdin(t, "Gongkai-2026!\n", "user", "passwd", "--data", dir, "--username", "zhang"); code != 0 || !strings.Contains(out, "已修改 zhang 的密码") {
		t.Errorf("passwd: %d %s %s", code, out, errOut)
	}
	if out, _, code := runMain(t, "user", "totp", "--data", dir, "--username", "zhang"); code != 0 || !strings.Contains(out, "otpauth://totp/gongkai:zhang?") {
		t.Errorf("totp: %d %s", code, out)
	}
	out, _, _ = runMain(t, "user", "list", "--data", dir)
	if !strings.Contains(out, "已启用动态验证码") {
		t.Errorf("list does not show the second factor: %s", out)
	}
	if !strings.Contains(out, "zhang") || !strings.Contains(out, "公开专员@1、保密审查员@1") || strings.Contains(out, "须修改初始密码") {
		t.Errorf("list: %s", out)
	}
	if out, _, code := runMain(t, "audit", "verify", "--data", dir); code != 0 || !strings.Contains(out, "共 5 条") || !strings.Contains(out, "第 2 条起的 4 条以审计密钥") {
		t.Errorf("audit after user commands: %d %s", code, out)
	}
}

func TestAgencyCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if out, errOut, code := runMain(t, "agency", "add", "--data", dir, "--name", "平阴县人民政府", "--division", "370124"); code != 0 || !strings.Contains(out, "已创建单位 1") {
		t.Fatalf("region: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := runMain(t, "agency", "add", "--data", dir, "--name", "平阴县卫生健康局", "--parent", "1", "--uscc", "113701243072282028", "--phone", "0531-87883760"); code != 0 || !strings.Contains(out, "政府部门") {
		t.Fatalf("department: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := runMain(t, "agency", "add", "--data", dir, "--name", "错误局", "--parent", "1", "--uscc", "113701243072282027"); code != 2 || !strings.Contains(errOut, "校验位不正确") {
		t.Errorf("bad USCC: %d %s", code, errOut)
	}
	if out, errOut, code := runMain(t, "agency", "set", "--data", dir, "--id", "2", "--index-format", "PY{year}-{serial:04d}", "--reply-days", "15"); code != 0 || !strings.Contains(out, "索引号示例 PY") || !strings.Contains(out, "答复期限 15 个工作日") {
		t.Errorf("set: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := runMain(t, "agency", "set", "--data", dir, "--id", "2", "--reply-days", "30"); code != 2 || !strings.Contains(errOut, "1—20 个工作日") {
		t.Errorf("set beyond the Regulation: %d %s", code, errOut)
	}
	checklist := filepath.Join(t.TempDir(), "清单.txt")
	if err := os.WriteFile(checklist, []byte("是否涉及国家秘密\n\n  是否涉及个人隐私  \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runMain(t, "agency", "set", "--data", dir, "--id", "2", "--item-approval", "yes", "--review-months", "normative=6，规划计划=0", "--checklist-file", checklist)
	if code != 0 || !strings.Contains(out, "保密审查后须审批领导审批") || !strings.Contains(out, "行政规范性文件 6 个月") || strings.Contains(out, "规划计划") ||
		!strings.Contains(out, "规章 24 个月") || !strings.Contains(out, "保密审查清单 2 项") {
		t.Errorf("catalogue settings: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := runMain(t, "agency", "set", "--data", dir, "--id", "2", "--review-months", "公文=12"); code != 2 || !strings.Contains(errOut, "没有体裁“公文”") || !strings.Contains(errOut, "normative（行政规范性文件）") {
		t.Errorf("unknown genre: %d %s", code, errOut)
	}
	if _, errOut, code := runMain(t, "agency", "set", "--data", dir, "--id", "2", "--review-months", "normative=200"); code != 2 || !strings.Contains(errOut, "0—120 个月") {
		t.Errorf("months out of range: %d %s", code, errOut)
	}
	if out, errOut, code := runMain(t, "agency", "set", "--data", dir, "--id", "2", "--item-approval", "no", "--review-months", "default", "--checklist-file", os.DevNull); code != 0 ||
		!strings.Contains(out, "保密审查通过即可发布") || !strings.Contains(out, "规划计划 12 个月") || !strings.Contains(out, fmt.Sprintf("保密审查清单 %d 项", len(disclosure.ReviewChecklist))) {
		t.Errorf("back to the defaults: %d %s %s", code, out, errOut)
	}
	out, _, _ = runMain(t, "agency", "list", "--data", dir)
	if !strings.Contains(out, "平阴县卫生健康局 113701243072282028") || strings.Count(out, "\n") != 2 {
		t.Errorf("list:\n%s", out)
	}
}

// An operator whose database cannot be reached is told why, not only "系统内部错误".
func TestMigrateSaysWhyTheDatabaseFailed(t *testing.T) {
	_, errOut, code := runMain(t, "migrate", "--db", "postgres://gongkai@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if code != 2 || !strings.Contains(errOut, "系统内部错误：") || !strings.Contains(errOut, "127.0.0.1") {
		t.Errorf("migrate against a closed port: %d %q", code, errOut)
	}
}
