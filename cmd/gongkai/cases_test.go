package main

import (
	"context"
	"strings"
	"testing"
)

func TestCasesGenerateAndCalendar(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := func(string) string { return "" }
	var out, errb strings.Builder
	if err := run(ctx, []string{"agency", "add", "--data", dir, "--name", "平阴县人民政府"}, env, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	if err := run(ctx, []string{"agency", "add", "--data", dir, "--name", "平阴县卫生健康局", "--parent", "1"}, env, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	out.Reset()
	if err := run(ctx, []string{"cases", "generate", "--data", dir, "--agency", "2", "--year", "2025", "--count", "300"}, env, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	if !strings.Contains(out.String(), "生成 300 件 2025 年度的申请") {
		t.Errorf("generate said %q", out.String())
	}
	if err := run(ctx, []string{"cases", "generate", "--data", dir, "--agency", "2", "--year", "1999"}, env, strings.NewReader(""), &out, &errb); exitCode(err, &errb) != 2 {
		t.Errorf("a bad year: %v", err)
	}
	out.Reset()
	notice := "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月6日（周六）至13日（周六）放假调休，共8天。2月20日（周六）上班。"
	err := run(ctx, []string{"calendar", "add", "--data", dir, "--year", "2027"}, env, strings.NewReader(notice), &out, &errb)
	if err != nil {
		t.Fatalf("calendar add: %v %s", err, errb.String())
	}
	if !strings.Contains(out.String(), "已录入 2027 年节假日安排") {
		t.Errorf("calendar add said %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"calendar", "list", "--data", dir}, env, strings.NewReader(""), &out, &errb); err != nil || !strings.Contains(out.String(), "2027") || !strings.Contains(out.String(), "2019") {
		t.Errorf("calendar list: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"calendar", "add", "--data", dir, "--year", "2027"}, env, strings.NewReader("一、元旦：1月1日（周四）至3日放假。"), &out, &errb); exitCode(err, &errb) != 2 {
		t.Errorf("a notice with a wrong weekday: %v", err)
	}
}

func TestUserEmailForReminders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	env := func(string) string { return "" }
	var out, errb strings.Builder
	if err := run(ctx, []string{"user", "add", "--data", dir, "--username", "zhang", "--name", "张公开"}, env, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	out.Reset()
	if err := run(ctx, []string{"user", "email", "--data", dir, "--username", "zhang", "--email", "zhang@example.gov.cn"}, env, strings.NewReader(""), &out, &errb); err != nil || !strings.Contains(out.String(), "zhang@example.gov.cn") {
		t.Errorf("email: %v %q", err, out.String())
	}
	if err := run(ctx, []string{"user", "email", "--data", dir, "--username", "zhang", "--email", "not-an-address"}, env, strings.NewReader(""), &out, &errb); exitCode(err, &errb) != 2 {
		t.Errorf("a bad address: %v", err)
	}
}
