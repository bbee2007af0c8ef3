package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var reFastAnswered = regexp.MustCompile(`fast path closed"?,? ?"?answered"?[=:](\d+)`)

// TestServeFastPath: serve on plain HTTP answers a cached page below net/http (decision 0024: its shutdown log
// counts the answers), and its shutdown closes a keep-alive connection left idle there; --fast-path=false leaves
// everything to net/http.
func TestServeFastPath(t *testing.T) {
	for _, on := range []bool{true, false} {
		ctx, cancel := context.WithCancel(context.Background())
		var stdout, stderr syncBuffer
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--fast-path=" + strconv.FormatBool(on)},
				func(string) string { return "" }, strings.NewReader(""), &stdout, &stderr)
		}()
		var base string
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && base == ""; time.Sleep(20 * time.Millisecond) {
			if m := reListening.FindStringSubmatch(stdout.String()); m != nil {
				base = m[1]
			}
		}
		if base == "" {
			cancel()
			t.Fatalf("serve did not start: %s", stderr.String())
		}
		// Rendered into the cache by a first request, then asked for on a connection that stays open.
		cl := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		if resp, err := cl.Get(base + "/"); err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET /: %v %v", resp, err)
		}
		c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(20 * time.Second))
		c.Write([]byte("GET / HTTP/1.1\r\nHost: portal\r\n\r\n"))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("the cached page: %v %v", resp, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), "</html>") {
			t.Errorf("the cached page is cut: %d bytes", len(body))
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
		if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			t.Errorf("the idle connection after the shutdown: %d bytes, %v", n, err)
		}
		c.Close()
		m := reFastAnswered.FindStringSubmatch(stderr.String())
		switch {
		case on && (m == nil || m[1] == "0"):
			t.Errorf("the fast path answered nothing: %q\n%s", m, stderr.String())
		case !on && m != nil:
			t.Errorf("--fast-path=false, yet: %s", m[0])
		}
	}
}
