package fastserve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const etag = `"abc123"`

// site is the test's application: GET or HEAD of /page is a prepared page (304 on its ETag), answered by Answer
// below net/http and by ServeHTTP through it in the same way; anything else is echoed back by ServeHTTP — method,
// target, protocol, host, every header and the body — so that a request handed over changed shows.
type site struct {
	hdr    http.Header
	body   []byte
	ok, nm *Response
}

func newSite(t testing.TB) *site {
	body := bytes.Repeat([]byte("<p>政府信息公开</p>\n"), 300)
	s := &site{body: body, hdr: http.Header{
		"Content-Type":           {"text/html; charset=utf-8"},
		"Content-Length":         {strconv.Itoa(len(body))},
		"Etag":                   {etag},
		"Vary":                   {"Cookie", "Accept-Encoding"},
		"X-Content-Type-Options": {"nosniff"},
		"Cache-Control":          {"no-cache"},
	}}
	var err error
	if s.ok, err = NewResponse(200, s.hdr, body); err != nil {
		t.Fatal(err)
	}
	nm := s.hdr.Clone()
	delete(nm, "Content-Length")
	if s.nm, err = NewResponse(304, nm, nil); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *site) Answer(r *http.Request) (*Response, bool) {
	if r.URL.Path != "/page" || r.URL.RawQuery != "" {
		return nil, false
	}
	if r.Header.Get("If-None-Match") == etag {
		return s.nm, true
	}
	return s.ok, true
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (r.Method == "GET" || r.Method == "HEAD") && r.URL.Path == "/page" && r.URL.RawQuery == "" {
		h := w.Header()
		for k, v := range s.hdr {
			h[k] = v
		}
		if r.Header.Get("If-None-Match") == etag {
			delete(h, "Content-Length")
			w.WriteHeader(304)
			return
		}
		w.WriteHeader(200)
		if r.Method != "HEAD" {
			w.Write(s.body)
		}
		return
	}
	body, err := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s %s host=%q close=%v\n", r.Method, r.RequestURI, r.Proto, r.Host, r.Close)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range r.Header {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		fmt.Fprintf(w, "%s: %q\n", k, r.Header[k])
	}
	fmt.Fprintf(w, "body %q %v\n", body, err)
}

// pair is the same site served by net/http alone (ref) and through a Listener (fast).
type pair struct {
	ref, fast string
	l         *Listener
	srv       *http.Server
}

func newServer(s *site, fast bool, tune func(*http.Server)) (*http.Server, net.Listener, *Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, nil, err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 5 * time.Second, ErrorLog: discardLog}
	if tune != nil {
		tune(srv)
	}
	var fl *Listener
	if fast {
		fl = New(ln, srv, s)
		ln = fl
	}
	go srv.Serve(ln)
	return srv, ln, fl, nil
}

func newPair(t testing.TB, tune func(*http.Server)) *pair {
	s := newSite(t)
	rs, rl, _, err := newServer(s, false, tune)
	if err != nil {
		t.Fatal(err)
	}
	fs, flAddr, fl, err := newServer(s, true, tune)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close(); fs.Close(); fl.Shutdown(context.Background()) })
	return &pair{ref: rl.Addr().String(), fast: flAddr.Addr().String(), l: fl, srv: fs}
}

var dateRE = regexp.MustCompile(`Date: [^\r\n]*\r\n`)

// exchange sends data on a new connection, half-closes it and reads everything the server sends until it closes.
// reset reports a connection reset (the server closed with bytes unread), after which what was read is not
// dependable.
func exchange(t testing.TB, addr string, data []byte) (out string, reset bool) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write(data); err != nil {
		return "", true
	}
	c.(*net.TCPConn).CloseWrite()
	b, err := io.ReadAll(c)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("no end of the answer to %q", data)
		}
		reset = true
	}
	return dateRE.ReplaceAllString(string(b), "Date: (now)\r\n"), reset
}

// same sends data to both servers and fails unless both answer the same bytes (but the Date); it returns how many
// requests the Listener answered itself.
func (p *pair) same(t testing.TB, data []byte) uint64 {
	t.Helper()
	before := p.l.Answered()
	var ref, fast string
	var refReset, fastReset bool
	var wg sync.WaitGroup
	wg.Go(func() { ref, refReset = exchange(t, p.ref, data) })
	wg.Go(func() { fast, fastReset = exchange(t, p.fast, data) })
	wg.Wait()
	if refReset || fastReset {
		t.Skipf("connection reset (net/http %v, fastserve %v): the answers are not comparable", refReset, fastReset)
	}
	if ref != fast {
		i := 0
		for i < len(ref) && i < len(fast) && ref[i] == fast[i] {
			i++
		}
		from := max(0, i-100)
		t.Fatalf("request %.300q: the answers differ from byte %d:\nnet/http  %.300q\nfastserve %.300q", data, i, ref[from:], fast[from:])
	}
	return p.l.Answered() - before
}

const get = "GET /page HTTP/1.1\r\nHost: example.gov.cn\r\n\r\n"

var cases = []struct {
	name     string
	data     string
	answered uint64 // requests the Listener answers itself
}{
	{"get", get, 1},
	{"pipelined get, head, 304", get + "HEAD /page HTTP/1.1\r\nHost: a\r\n\r\n" + "GET /page HTTP/1.1\r\nHost: a\r\nIf-None-Match: " + etag + "\r\n\r\n", 3},
	{"head 304", "HEAD /page HTTP/1.1\r\nhost: a:8080\r\nif-none-match: " + etag + "\r\nConnection: keep-alive\r\n\r\n", 1},
	{"connection close ends it", "GET /page HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 1},
	{"a post after a get is handed over with its body", get + "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nx=1&yGET /other HTTP/1.1\r\nHost: b\r\n\r\n" + get, 1},
	{"query string", "GET /page?x=1 HTTP/1.1\r\nHost: a\r\n\r\n" + get, 0},
	{"not the page", "GET /other HTTP/1.1\r\nHost: a\r\nCookie: gongkai_session=x\r\n\r\n", 0},
	{"http/1.0", "GET /page HTTP/1.0\r\nHost: a\r\n\r\n", 0},
	{"http/1.0 keep-alive", "GET /page HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n" + get, 0},
	{"absolute form", "GET http://a/page HTTP/1.1\r\nHost: a\r\n\r\n", 0},
	{"no host", "GET /page HTTP/1.1\r\n\r\n", 0},
	{"two hosts", "GET /page HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 0},
	{"bad host", "GET /page HTTP/1.1\r\nHost: a b\r\n\r\n", 0},
	{"chunked get", "GET /page HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0},
	{"get with a length", "GET /page HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 0},
	{"expect", "GET /page HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n", 0},
	{"upgrade", "GET /page HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", 0},
	{"bare LF", "GET /page HTTP/1.1\nHost: a\n\nGET /other HTTP/1.1\r\nHost: a\r\n\r\n", 0},
	{"bare LF inside", get[:len(get)-4] + "\nX: y\r\n\r\n", 0},
	{"folded header", "GET /page HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", 0},
	{"non-ASCII header", "GET /page HTTP/1.1\r\nHost: a\r\nX-A: 政府\r\n\r\n", 0},
	{"control byte", "GET /page HTTP/1.1\r\nHost: a\r\nX-A: \x01\r\n\r\n", 0},
	{"bad header name", "GET /page HTTP/1.1\r\nHost: a\r\nX A: b\r\n\r\n", 0},
	{"leading empty line", "\r\n" + get, 0},
	{"cut short", get[:len(get)-2], 0},
	{"header over 8 KB", "GET /page HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("b", MaxHead) + "\r\n\r\n" + get, 0},
	{"answered, then over 8 KB", get + "GET /page HTTP/1.1\r\nHost: a\r\nX-Big: " + strings.Repeat("b", MaxHead) + "\r\n\r\n", 1},
	{"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 0},
	{"pri", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 0},
	{"options star", "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 0},
}

// TestSameBytesAsNetHTTP: for each request stream the Listener answers exactly what net/http answers — the
// requests it takes with the same bytes, the rest handed over unchanged (the echo shows them as net/http read
// them) — and answers itself exactly the plain ones.
func TestSameBytesAsNetHTTP(t *testing.T) {
	p := newPair(t, nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := p.same(t, []byte(c.data)); got != c.answered {
				t.Errorf("answered %d requests below net/http, want %d", got, c.answered)
			}
		})
	}
}

// TestSplitAcrossReads: a request that arrives a byte at a time is still answered here, with the same bytes.
func TestSplitAcrossReads(t *testing.T) {
	p := newPair(t, nil)
	want, _ := exchange(t, p.ref, []byte(get+get))
	c, err := net.Dial("tcp", p.fast)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.(*net.TCPConn).SetNoDelay(true)
	for _, b := range []byte(get + get) {
		c.Write([]byte{b})
		time.Sleep(200 * time.Microsecond)
	}
	c.(*net.TCPConn).CloseWrite()
	got, _ := io.ReadAll(c)
	if s := dateRE.ReplaceAllString(string(got), "Date: (now)\r\n"); s != want {
		t.Fatalf("answered\n%q\nwant\n%q", s, want)
	}
	if n := p.l.Answered(); n != 2 {
		t.Errorf("answered %d below net/http, want 2", n)
	}
}

// closedAfter writes the pieces with a pause between them until the server closes the connection, and returns how
// long after the connection began it did.
func closedAfter(t *testing.T, addr string, first []byte, each []byte, pause time.Duration) time.Duration {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	closed := make(chan time.Duration, 1)
	go func() {
		io.Copy(io.Discard, c)
		closed <- time.Since(start)
	}()
	c.Write(first)
	giveUp := time.After(10 * time.Second)
	for {
		select {
		case d := <-closed:
			return d
		case <-time.After(pause):
			c.Write(each)
		case <-giveUp:
			t.Fatal("the slow client was never cut off")
		}
	}
}

// TestSlowClients: a client that sends its head a byte at a time is cut off at the http.Server's
// ReadHeaderTimeout, also when its head grows past 8 KB and is handed over to net/http midway (the time it spent
// here counts), and an idle connection at the IdleTimeout.
func TestSlowClients(t *testing.T) {
	p := newPair(t, func(s *http.Server) { s.ReadHeaderTimeout, s.IdleTimeout = time.Second, 300*time.Millisecond })
	if d := closedAfter(t, p.fast, []byte("GET /page HTTP/1.1\r\nX: "), []byte("a"), 50*time.Millisecond); d < 900*time.Millisecond || d > 1500*time.Millisecond {
		t.Errorf("a slowloris head was cut off after %v, want the 1 s ReadHeaderTimeout", d)
	}
	// 8 KB in 700 ms, then on: handed over at 0.7 s, and cut off at 1 s, not at 1.7 s.
	chunk := []byte(strings.Repeat("a", 8<<10/35))
	if d := closedAfter(t, p.fast, []byte("GET /page HTTP/1.1\r\nX: "), chunk, 20*time.Millisecond); d < 900*time.Millisecond || d > 1500*time.Millisecond {
		t.Errorf("a slowloris head over 8 KB was cut off after %v, want the 1 s ReadHeaderTimeout", d)
	}
	c, err := net.Dial("tcp", p.fast)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(get))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	b, _ := io.ReadAll(c)
	if d := time.Since(start); !bytes.HasPrefix(b, []byte("HTTP/1.1 200 OK\r\n")) || d < 250*time.Millisecond || d > 1200*time.Millisecond {
		t.Errorf("idle connection closed after %v (answer %.20q), want the 300 ms IdleTimeout", d, b)
	}
}

// TestShutdown: the server's Shutdown closes the idle connections answered here; the Listener's Shutdown waits for
// them, and a request in progress gets its answer with Connection: close.
func TestShutdown(t *testing.T) {
	s := newSite(t)
	srv, ln, fl, err := newServer(s, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	idle, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	idle.Write([]byte(get))
	buf := make([]byte, 64<<10)
	idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := io.ReadAtLeast(idle, buf, len(s.body)); err != nil || !bytes.HasPrefix(buf[:n], []byte("HTTP/1.1 200 OK")) {
		t.Fatalf("%q %v", buf[:n], err)
	}
	busy, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busy.Write([]byte(get[:10]))
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- fl.Shutdown(ctx) }()
	if _, err := idle.Read(buf); err != io.EOF {
		t.Errorf("the idle connection: %v, want it closed", err)
	}
	busy.Write([]byte(get[10:]))
	busy.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, _ := io.ReadAll(busy)
	if !bytes.Contains(b, []byte("\r\nConnection: close\r\n\r\n")) || !bytes.HasSuffix(b, s.body) {
		t.Errorf("the request in progress was answered %.200q", b)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestNewResponseRefusesWhatNetHTTPWouldChange(t *testing.T) {
	ok := http.Header{"Content-Type": {"text/html"}, "Content-Length": {"3"}}
	if _, err := NewResponse(200, ok, []byte("abc")); err != nil {
		t.Fatal(err)
	}
	for name, try := range map[string]func() error{
		"no type": func() error {
			_, err := NewResponse(200, http.Header{"Content-Length": {"3"}}, []byte("abc"))
			return err
		},
		"wrong length": func() error { _, err := NewResponse(200, ok, []byte("abcd")); return err },
		"date": func() error {
			h := ok.Clone()
			h.Set("Date", "x")
			_, err := NewResponse(200, h, []byte("abc"))
			return err
		},
		"connection": func() error {
			h := ok.Clone()
			h.Set("Connection", "close")
			_, err := NewResponse(200, h, []byte("abc"))
			return err
		},
		"404":      func() error { _, err := NewResponse(404, ok, []byte("abc")); return err },
		"304 body": func() error { _, err := NewResponse(304, ok, []byte("abc")); return err },
	} {
		if try() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzSameBytesAsNetHTTP: for any bytes a client sends, the Listener answers what net/http answers.
func FuzzSameBytesAsNetHTTP(f *testing.F) {
	for _, c := range cases {
		f.Add([]byte(c.data))
	}
	p := newPair(f, nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		p.same(t, data)
	})
}

var discardLog = log.New(io.Discard, "", 0)
