package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skip2/go-qrcode"
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
	// The demo is seeded before the server listens: eight argon2id hashes and 17 cases with their notices, which
	// under the race detector on a busy 2-core machine take well over 30 s.
	for deadline := time.Now().Add(150 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
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
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !strings.Contains(stdout.String(), "以后启动时不再显示密码"); time.Sleep(20 * time.Millisecond) {
	}
	out := stdout.String()
	checkFirstRunGuide(t, out, base)
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
	// stderr is no terminal: every log line is one JSON object.
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil || v["msg"] == nil {
			t.Errorf("log line is not JSON: %q", line)
		}
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
	// The later run says where things are and how to set a demo password again, and that command works.
	later := out2.String()
	if !strings.Contains(later, "工作台：") || !strings.Contains(later, "/console/") || strings.Contains(later, "otpauth://") {
		t.Errorf("later run's guide:\n%s", later)
	}
	m := regexp.MustCompile(`gongkai (user passwd --username officer --data (\S+))\n`).FindStringSubmatch(later)
	if m == nil || m[2] != dir {
		t.Fatalf("later run does not say how to reset a demo password for this data folder:\n%s", later)
	}
	if out, errOut, code := runMainStdin(t, "Xinmima-2026!\n", strings.Fields(m[1])...); code != 0 || !strings.Contains(out, "已修改 officer 的密码") {
		t.Errorf("the printed reset command: %d %s %s", code, out, errOut)
	}
}

// checkFirstRunGuide reads the first run's guide as a newcomer would: the portal's and the console's addresses, the
// new password at first sign-in, and for each system role an otpauth:// URI with the secret its account line shows
// and, below it, that URI's QR code drawn in the terminal.
func checkFirstRunGuide(t *testing.T, out, base string) {
	t.Helper()
	for _, want := range []string{"门户网站：" + base + "/", "工作台：  " + base + "/console/", "首次登录须设置新密码", "验证器应用"} {
		if !strings.Contains(out, want) {
			t.Errorf("first run does not say %q:\n%s", want, out)
		}
	}
	for _, user := range []string{"sysadmin", "secadmin", "auditor"} {
		m := regexp.MustCompile(`(?m)^  ` + user + ` .*动态验证码密钥 ([A-Z2-7]+)$`).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("%s: no secret on its account line", user)
			continue
		}
		secret := m[1]
		i := strings.Index(out, "\n"+user+" 的动态验证码：\n  otpauth://")
		if i < 0 {
			t.Errorf("%s: no otpauth:// URI", user)
			continue
		}
		rest := out[i+len("\n"+user+" 的动态验证码：\n  "):]
		uri, rest, _ := strings.Cut(rest, "\n")
		u, err := url.Parse(uri)
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != secret || !strings.HasSuffix(u.Path, ":"+user) {
			t.Errorf("%s: URI %q does not carry the account's secret %s", user, uri, secret)
			continue
		}
		q, err := qrcode.New(uri, qrcode.Low)
		if err != nil {
			t.Fatal(err)
		}
		if want := q.ToSmallString(false); !strings.HasPrefix(rest, want) {
			t.Errorf("%s: the QR code below the URI is not the URI's:\n%.400s", user, rest)
		}
	}
}

// TestServeLogFormat: human-readable lines with --log-format text, JSON with json (also the default when stderr is
// not a terminal, as in TestServeEndToEnd), and a clear refusal of anything else.
func TestServeLogFormat(t *testing.T) {
	for _, tc := range []struct {
		format string
		json   bool
	}{{"text", false}, {"json", true}} {
		t.Run(tc.format, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var stdout, stderr syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-format", tc.format}, func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
			}()
			for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && !strings.Contains(stderr.String(), "serving"); time.Sleep(20 * time.Millisecond) {
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) < 2 {
				t.Fatalf("logs: %q", stderr.String())
			}
			for _, line := range lines {
				var v map[string]any
				isJSON := json.Unmarshal([]byte(line), &v) == nil
				if isJSON != tc.json {
					t.Errorf("--log-format %s: line %q", tc.format, line)
				}
				if !tc.json && !regexp.MustCompile(`^time="?\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"? level=(INFO|WARN|ERROR) msg=`).MatchString(line) {
					t.Errorf("text line %q is not time, level, message", line)
				}
			}
		})
	}
	if _, errOut, code := runMain(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-format", "xml"); code != 2 || !strings.Contains(errOut, "--log-format") {
		t.Errorf("--log-format xml: exit %d, %s", code, errOut)
	}
}
