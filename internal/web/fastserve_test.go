package web

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/fastserve"
)

var (
	dateLineRE = regexp.MustCompile(`Date: [^\r\n]*\r\n`)
	etagRE     = regexp.MustCompile(`Etag: ("[^"]*")`)
)

// rawExchange sends raw request bytes on a new connection, half-closes it when halfClose (else the requests must end
// the connection themselves) and returns what the server sent until it closed, with the Date blanked. A half-closed
// connection ends the context of a request being rendered: only answers from the cache can be had that way.
func rawExchange(t *testing.T, addr, data string, halfClose bool) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte(data))
	if halfClose {
		c.(*net.TCPConn).CloseWrite()
	}
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("%q: %v", data, err)
	}
	return dateLineRE.ReplaceAllString(string(b), "Date: (now)\r\n")
}

// TestFastServeAnswersAsTheCache: `serve` behind fastserve answers the cached pages — home, an agency's column, an
// item page — byte for byte as net/http answers them from the cache (plain and gzip, 304 on either ETag, HEAD,
// Connection: close, pipelined), counts the item's views the same way, and leaves to net/http what the cache does
// not answer (a session cookie, a query string, a POST).
func TestFastServeAnswersAsTheCache(t *testing.T) {
	f := newFixture(t)
	it := f.publish(t, f.health, disclosure.Item{Title: "关于做好春季疫苗接种工作的通知", Genre: disclosure.GenreNotice}, "2026-03-02")
	hits := NewHitCounter(f.db, slog.New(slog.DiscardHandler))
	h, err := NewServer(f.db, slog.New(slog.DiscardHandler), Config{Site: "测试门户", PasswordParams: cheap, MinFillTime: -1, Hits: hits})
	if err != nil {
		t.Fatal(err)
	}
	answerer, ok := h.(fastserve.Answerer)
	if !ok {
		t.Fatal("the server's handler does not answer fastserve")
	}
	start := func(fast bool) (string, *fastserve.Listener) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
		var fl *fastserve.Listener
		if fast {
			fl = fastserve.New(ln, srv, answerer)
			ln = fl
		}
		go srv.Serve(ln)
		t.Cleanup(func() {
			srv.Shutdown(context.Background())
			if fl != nil {
				fl.Shutdown(context.Background())
			}
		})
		return ln.Addr().String(), fl
	}
	ref, _ := start(false)
	fast, fl := start(true)

	item := "/items/" + strconv.FormatInt(it.ID, 10)
	pages := []string{"/", "/agencies/" + strconv.FormatInt(f.health.ID, 10) + "/", item}
	for _, p := range pages {
		req := func(extra string) string {
			return "GET " + p + " HTTP/1.1\r\nHost: portal.example\r\n" + extra + "\r\n"
		}
		// Rendered into the cache (plain and large print), and the ETags of both copies.
		rawExchange(t, ref, req("Cookie: size=large\r\nConnection: close\r\n"), false)
		first := rawExchange(t, ref, req("Connection: close\r\n"), false)
		gz := rawExchange(t, ref, req("Accept-Encoding: gzip\r\nConnection: close\r\n"), false)
		if !strings.HasPrefix(first, "HTTP/1.1 200 OK\r\n") || !strings.Contains(gz, "Content-Encoding: gzip\r\n") {
			t.Fatalf("%s: %.300q / %.300q", p, first, gz)
		}
		plainTag, gzTag := etagRE.FindStringSubmatch(first)[1], etagRE.FindStringSubmatch(gz)[1]
		for _, c := range []struct {
			name, data string
			answered   uint64 // requests answered below net/http
			views      int64  // views of the item page counted (on each server)
		}{
			{"plain", req(""), 1, 1},
			{"gzip", req("Accept-Encoding: deflate, gzip;q=0.8\r\n"), 1, 1},
			{"gzip refused", req("Accept-Encoding: gzip;q=0\r\n"), 1, 1},
			{"revalidated", req("If-None-Match: " + plainTag + "\r\n"), 1, 1},
			{"revalidated gzip", req("Accept-Encoding: gzip\r\nIf-None-Match: " + gzTag + "\r\n"), 1, 1},
			{"large print", req("Cookie: size=large; other=1\r\n"), 1, 1},
			{"head", "HEAD " + p + " HTTP/1.1\r\nHost: h\r\n\r\n", 1, 0},
			{"connection close", req("Connection: close\r\n") + req(""), 1, 1},
			{"pipelined", req("") + "HEAD " + p + " HTTP/1.1\r\nHost: h\r\n\r\n" + req("If-None-Match: "+plainTag+"\r\n"), 3, 2},
		} {
			pending := hits.Pending(it.ID)
			want := rawExchange(t, ref, c.data, true)
			refViews := hits.Pending(it.ID) - pending
			answered := fl.Answered()
			got := rawExchange(t, fast, c.data, true)
			fastViews := hits.Pending(it.ID) - pending - refViews
			if got != want {
				t.Errorf("%s %s: fastserve answered\n%.600q\nnet/http\n%.600q", p, c.name, got, want)
			}
			if n := fl.Answered() - answered; n != c.answered {
				t.Errorf("%s %s: %d answered below net/http, want %d", p, c.name, n, c.answered)
			}
			if p == item && (fastViews != refViews || fastViews != c.views) {
				t.Errorf("%s %s: %d views counted through fastserve, %d through net/http, want %d", p, c.name, fastViews, refViews, c.views)
			}
		}
		// What the cache does not answer goes to net/http whole.
		for _, data := range []string{
			req("Cookie: gongkai_session=abc\r\nConnection: close\r\n"),
			"GET " + p + "?print=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
			"POST " + p + " HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=1",
			"GET " + p + " HTTP/1.0\r\n\r\n",
		} {
			answered := fl.Answered()
			want, got := rawExchange(t, ref, data, false), rawExchange(t, fast, data, false)
			if n := fl.Answered() - answered; n != 0 {
				t.Errorf("%q: answered below net/http", data)
			}
			statusLine := func(s string) string { l, _, _ := strings.Cut(s, "\r\n"); return l }
			if statusLine(got) != statusLine(want) || got == "" {
				t.Errorf("%q: fastserve %q, net/http %q", data, statusLine(got), statusLine(want))
			}
		}
	}
}
