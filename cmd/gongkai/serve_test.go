package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes buffer safe to read while the server writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var reListening = regexp.MustCompile(`已启动：(http://[^/]+)/`)

// TestServeEndToEnd starts the real program on :0 with the demo data, uses it over HTTP, and stops it the way a
// signal would.
func TestServeEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	dir := filepath.Join(t.TempDir(), "data")
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--demo"}, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
	}()
	var base string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := reListening.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v\n%s", err, stderr.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s\n%s", stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, role := range []string{"officer", "reviewer", "approver", "agencyadmin", "supervisor", "sysadmin", "secadmin", "auditor"} {
		if !strings.Contains(out, role) {
			t.Errorf("demo account %s not printed", role)
		}
	}
	if n := strings.Count(out, "动态验证码密钥"); n != 3 {
		t.Errorf("%d demo accounts with a second factor, want the 3 system roles", n)
	}
	for path, want := range map[string]string{
		"/healthz": `"status":"ok"`, "/": "平阴县卫生健康局", "/agencies/2/guide": "0531-87883760",
		"/agencies/2/":                           "平阴县卫生健康局2024年政府信息公开工作年度报告",
		"/agencies/2/reports/2024":               "本列数据的勾稽关系为",
		"/agencies/3/reports/2022":               "临潭县卫生健康局2022年度政府信息公开工作的报告",
		"/agencies/2/reports/2024/download/pdf":  "%PDF-",
		"/agencies/5/reports/2016/download/docx": "PK",
	} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d, want %q", path, resp.StatusCode, want)
		}
	}
	// The JSON API answers with a token made by the CLI (the SQLite file is shared with the running server), once
	// the demo account's initial password is replaced: until then its tokens are refused.
	tokOut, tokErr, code := runMain(t, "token", "add", "--data", dir, "--username", "officer", "--name", "测试", "--scope", "agencies:read")
	if code != 0 {
		t.Fatalf("token add: %s %s", tokOut, tokErr)
	}
	lines := strings.Split(strings.TrimSpace(tokOut), "\n")
	req, _ := http.NewRequest("GET", base+"/api/v1/agencies", nil)
	req.Header.Set("Authorization", "Bearer "+lines[len(lines)-1])
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API with the token of an account with an initial password: %v %v", err, resp)
	}
	if out, errOut, code := runMainStdin(t, "Own-Password-2027\n", "user", "passwd", "--data", dir, "--username", "officer"); code != 0 {
		t.Fatalf("user passwd: %s %s", out, errOut)
	}
	tokOut, tokErr, code = runMain(t, "token", "add", "--data", dir, "--username", "officer", "--name", "测试", "--scope", "agencies:read")
	if code != 0 {
		t.Fatalf("token add: %s %s", tokOut, tokErr)
	}
	lines = strings.Split(strings.TrimSpace(tokOut), "\n")
	req, _ = http.NewRequest("GET", base+"/api/v1/agencies", nil)
	req.Header.Set("Authorization", "Bearer "+lines[len(lines)-1])
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("API with a CLI token: %v %v", err, resp)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(stderr.String(), `"msg":"serving"`) || !strings.Contains(stderr.String(), `"msg":"shutting down"`) {
		t.Errorf("structured logs missing:\n%s", stderr.String())
	}
	// A second start does not create the demo again.
	ctx2, cancel2 := context.WithCancel(context.Background())
	var out2 syncBuffer
	go func() {
		done <- run(ctx2, []string{"serve", "--addr", "127.0.0.1:0", "--data", dir, "--demo"}, func(string) string { return "" }, strings.NewReader(""), &out2, io.Discard)
	}()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && !reListening.MatchString(out2.String()); time.Sleep(20 * time.Millisecond) {
	}
	cancel2()
	<-done
	if strings.Contains(out2.String(), "已创建示范数据") {
		t.Error("demo data created twice")
	}
}
