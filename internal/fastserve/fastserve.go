// Package fastserve answers the plainest HTTP/1.1 requests below net/http: a GET or HEAD without a body, whose
// answer is a complete response built in advance (a cached public page), written with one write call. Every other
// connection is handed to an http.Server unchanged, from its first request that is not answered here, with the
// bytes already read replayed first.
//
// net/http's server spends on a 5.6 KB page about as much in itself as the page costs: the body leaves its 4 KB
// buffer in two write calls, and the response header map is cloned and sorted for each response. Below it, one
// goroutine per connection reads request heads into its own buffer, parses each with http.ReadRequest (the parser
// net/http itself uses) and writes status line, headers and body at once (decision 0024).
//
// A request is answered here only if all of this holds, otherwise net/http gets it and everything after it:
//   - its head ends (CRLF CRLF) within the first 8 KB, and consists only of printable ASCII and tabs, with every
//     line ended by CRLF and no folded header lines;
//   - http.ReadRequest parses it and reads exactly those bytes;
//   - method GET or HEAD, a path (origin form) as target, protocol HTTP/1.1, exactly one valid Host header;
//   - no Content-Length, Transfer-Encoding, Expect, Upgrade or Trailer header, and a Connection header, if any,
//     that is only "close" or "keep-alive";
//   - the Answerer answers it.
//
// The answer has the bytes net/http would write for a handler that set the Response's header, status and body:
// the same header order, its Date, and "Connection: close" (then closing) when the client asked for it or the server
// is shutting down. The timeouts are the http.Server's: ReadHeaderTimeout from a request's first byte (from the
// connection's start for its first request), IdleTimeout between requests, WriteTimeout for each response.
package fastserve

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// MaxHead is the longest request head (request line and headers) answered here; a longer one goes to net/http.
const MaxHead = 8 << 10

// Response is a complete response prepared in advance: status line and header lines as net/http writes them (but
// Date and Connection, added as each response is written), and the body.
type Response struct {
	head []byte
	body []byte
}

// HeadLen is the size of the response's status line and headers, the memory it holds beyond the body it shares.
func (r *Response) HeadLen() int { return len(r.head) }

// NewResponse prepares the response net/http would send for a handler that sets header h, calls WriteHeader(status)
// and writes body. Only 200 (h must then carry Content-Type and a Content-Length equal to the body's length, so
// that net/http adds neither) and 304 (no body; net/http drops Content-Type, Content-Length and Transfer-Encoding)
// are supported; h must not set Date, Connection or Transfer-Encoding, which net/http would treat specially. The
// body is kept, not copied, and must not change.
func NewResponse(status int, h http.Header, body []byte) (*Response, error) {
	for _, k := range []string{"Date", "Connection", "Transfer-Encoding"} {
		if _, ok := h[k]; ok {
			return nil, fmt.Errorf("fastserve: header %s is set", k)
		}
	}
	switch status {
	case http.StatusOK:
		if len(h["Content-Type"]) == 0 {
			return nil, errors.New("fastserve: no Content-Type")
		}
		if cl := h["Content-Length"]; len(cl) != 1 || cl[0] != strconv.Itoa(len(body)) {
			return nil, fmt.Errorf("fastserve: Content-Length %q for a body of %d bytes", cl, len(body))
		}
	case http.StatusNotModified:
		if len(body) != 0 {
			return nil, errors.New("fastserve: a 304 has no body")
		}
		h = h.Clone()
		for _, k := range []string{"Content-Type", "Content-Length", "Transfer-Encoding"} {
			delete(h, k)
		}
	default:
		return nil, fmt.Errorf("fastserve: status %d", status)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %03d %s\r\n", status, http.StatusText(status))
	if err := h.Write(&b); err != nil {
		return nil, err
	}
	return &Response{head: b.Bytes(), body: body}, nil
}

// Answerer answers requests with prepared responses. Answer is given the request as http.ReadRequest parsed it (no
// RemoteAddr, TLS or context of a connection): it returns the response, or false to leave the request to the
// http.Server. It is called from many goroutines at once.
type Answerer interface {
	Answer(r *http.Request) (*Response, bool)
}

// Listener is a net.Listener for an http.Server: it accepts the connections itself, answers what it can, and
// returns from Accept the connections it hands over.
type Listener struct {
	inner   net.Listener
	srv     *http.Server
	answer  Answerer
	handoff chan net.Conn
	errc    chan error
	done    chan struct{}
	once    sync.Once

	mu       sync.Mutex
	closing  bool
	conns    map[*conn]struct{}
	wg       sync.WaitGroup
	shutting atomic.Bool

	date     atomic.Pointer[dateLine]
	answered atomic.Uint64
}

type dateLine struct {
	unix int64
	line []byte
}

// New wraps ln for srv (which must then Serve the Listener): requests answer answers are answered here, with
// srv's timeouts; the rest is srv's. srv.Shutdown also begins the Listener's shutdown; call Shutdown after it to
// wait for the connections answered here.
func New(ln net.Listener, srv *http.Server, answer Answerer) *Listener {
	l := &Listener{inner: ln, srv: srv, answer: answer, handoff: make(chan net.Conn), errc: make(chan error),
		done: make(chan struct{}), conns: map[*conn]struct{}{}}
	srv.RegisterOnShutdown(l.beginShutdown)
	go l.acceptLoop()
	return l
}

// Answered is how many requests were answered below net/http.
func (l *Listener) Answered() uint64 { return l.answered.Load() }

// Addr is the listening address.
func (l *Listener) Addr() net.Addr { return l.inner.Addr() }

// Accept returns the next connection handed over to the http.Server.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.handoff:
		return c, nil
	case err := <-l.errc:
		return nil, err
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops listening. Connections already accepted stay open; Shutdown ends them.
func (l *Listener) Close() error {
	err := l.inner.Close()
	l.once.Do(func() { close(l.done) })
	return err
}

// Shutdown stops listening, closes the idle connections answered here, lets the busy ones finish their response
// (with "Connection: close") and waits for them until ctx ends, when it closes the rest.
func (l *Listener) Shutdown(ctx context.Context) error {
	l.Close()
	l.beginShutdown()
	l.mu.Lock()
	l.closing = true
	l.mu.Unlock()
	finished := make(chan struct{})
	go func() { l.wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		for c := range l.conns {
			c.Close()
		}
		l.mu.Unlock()
		<-finished
		return ctx.Err()
	}
}

// beginShutdown ends the keep-alive of every connection: the idle ones are woken to close, the busy ones close
// after their response.
func (l *Listener) beginShutdown() {
	l.shutting.Store(true)
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		if c.state.CompareAndSwap(stateIdle, stateClosing) {
			c.SetReadDeadline(time.Unix(1, 0))
		}
	}
}

func (l *Listener) acceptLoop() {
	for {
		nc, err := l.inner.Accept()
		if err != nil {
			select {
			case l.errc <- err:
			case <-l.done:
				return
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // http.Server waits a little after a temporary error, then calls Accept again
		}
		c := &conn{Conn: nc, l: l}
		l.mu.Lock()
		if l.closing {
			l.mu.Unlock()
			nc.Close()
			continue
		}
		l.conns[c] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go c.serve()
	}
}

func (l *Listener) readHeaderTimeout() time.Duration {
	if l.srv.ReadHeaderTimeout != 0 {
		return l.srv.ReadHeaderTimeout
	}
	return l.srv.ReadTimeout
}

func (l *Listener) idleTimeout() time.Duration {
	if l.srv.IdleTimeout != 0 {
		return l.srv.IdleTimeout
	}
	return l.srv.ReadTimeout
}

// dateLine returns "Date: ...\r\n" of the current second, as net/http writes it.
func (l *Listener) dateLine(now time.Time) []byte {
	sec := now.Unix()
	if d := l.date.Load(); d != nil && d.unix == sec {
		return d.line
	}
	d := &dateLine{unix: sec, line: now.UTC().AppendFormat([]byte("Date: "), http.TimeFormat)}
	d.line = append(d.line, "\r\n"...)
	l.date.Store(d)
	return d.line
}

const (
	stateIdle    = iota // waiting for a request's first byte
	stateActive         // reading or answering a request
	stateClosing        // closed by a shutdown while idle
)

// conn is a connection answered here until handed over.
type conn struct {
	net.Conn
	l     *Listener
	state atomic.Int32
}

var (
	headBufs = sync.Pool{New: func() any { b := make([]byte, MaxHead); return &b }}
	outBufs  = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}
	parsers  = sync.Pool{New: func() any { return &parser{br: bufio.NewReaderSize(nil, 4096)} }}
)

// parser reads one request head from a byte slice.
type parser struct {
	rd bytes.Reader
	br *bufio.Reader
}

func (c *conn) serve() {
	l := c.l
	defer l.wg.Done()
	bp := headBufs.Get().(*[]byte)
	buf := *bp
	n := 0 // bytes read and not answered, at the start of buf
	handedOver := false
	defer func() {
		l.mu.Lock()
		delete(l.conns, c)
		l.mu.Unlock()
		if !handedOver {
			c.Conn.Close()
		}
		headBufs.Put(bp)
	}()
	hand := func(start time.Time) {
		handedOver = true
		c.handOver(buf[:n], start)
	}
	start := time.Now() // of the request being read: net/http's header deadline counts from it
	rht, idle, wt := l.readHeaderTimeout(), l.idleTimeout(), l.srv.WriteTimeout
	// headDeadline says whether the read deadline is the header deadline of the request being read; it is set only
	// before a read needs it (a head that came whole with its first bytes needs none).
	headDeadline := false
	for {
		// Read a request head.
		end := bytes.Index(buf[:n], crlfcrlf)
		for end < 0 {
			if n == len(buf) {
				hand(start)
				return
			}
			if !headDeadline {
				headDeadline = true
				if !c.setReadDeadline(start, rht) {
					return
				}
			}
			m, err := c.Read(buf[n:])
			if m > 0 && n == 0 && !c.state.CompareAndSwap(stateIdle, stateActive) {
				return // closed idle by a shutdown
			}
			n += m
			if err != nil {
				if errors.Is(err, io.EOF) && n > 0 {
					hand(start) // net/http answers the cut request
				}
				return
			}
			end = bytes.Index(buf[:n], crlfcrlf)
		}
		end += len(crlfcrlf)
		resp, head, ok := c.answerable(buf[:end])
		if !ok {
			hand(start)
			return
		}
		now := time.Now()
		if wt > 0 {
			c.SetWriteDeadline(now.Add(wt))
		}
		closeAfter := head.Close || l.shutting.Load()
		op := outBufs.Get().(*[]byte)
		out := append((*op)[:0], resp.head...)
		out = append(out, l.dateLine(now)...)
		if closeAfter {
			out = append(out, "Connection: close\r\n"...)
		}
		out = append(out, "\r\n"...)
		if head.Method != http.MethodHead {
			out = append(out, resp.body...)
		}
		_, err := c.Write(out)
		*op = out
		outBufs.Put(op)
		if err != nil {
			return
		}
		l.answered.Add(1)
		if closeAfter {
			return
		}
		n = copy(buf, buf[end:n])
		// The next request: as net/http does, wait under the idle timeout for its first 4 bytes (pipelined ones may
		// be here already), and end the connection quietly if they do not come.
		c.state.Store(stateIdle)
		if l.shutting.Load() {
			return
		}
		if !c.setReadDeadline(time.Now(), idle) {
			return
		}
		for n < 4 {
			m, err := c.Read(buf[n:])
			n += m
			if err != nil {
				return
			}
		}
		if !c.state.CompareAndSwap(stateIdle, stateActive) {
			return // closed idle by a shutdown
		}
		start, headDeadline = time.Now(), false
	}
}

// setReadDeadline sets the read deadline d after from (none if d is 0), and reports false if a shutdown has closed
// the connection meanwhile: checked after setting, so that the shutdown's deadline in the past is not overwritten
// unseen.
func (c *conn) setReadDeadline(from time.Time, d time.Duration) bool {
	if d > 0 {
		c.SetReadDeadline(from.Add(d))
	} else {
		c.SetReadDeadline(time.Time{})
	}
	return c.state.Load() != stateClosing
}

var crlfcrlf = []byte("\r\n\r\n")

// answerable parses a request head and returns the answer to it, or false when net/http is to have it.
func (c *conn) answerable(head []byte) (*Response, *http.Request, bool) {
	if !plainHead(head) {
		return nil, nil, false
	}
	p := parsers.Get().(*parser)
	p.rd.Reset(head)
	p.br.Reset(&p.rd)
	req, err := http.ReadRequest(p.br)
	consumed := p.br.Buffered() == 0 && p.rd.Len() == 0
	p.br.Reset(nil)
	parsers.Put(p)
	if err != nil || !consumed || req.Method != http.MethodGet && req.Method != http.MethodHead || req.Proto != "HTTP/1.1" ||
		!strings.HasPrefix(req.RequestURI, "/") || req.URL.Host != "" {
		return nil, nil, false
	}
	resp, ok := c.l.answer.Answer(req)
	if !ok || resp == nil {
		return nil, nil, false
	}
	return resp, req, true
}

// plainHead reports whether a request head (ending in CRLF CRLF) is one this package answers by its bytes and
// header lines: printable ASCII and tabs, CRLF line ends only, no folded lines, exactly one valid Host header, a
// Connection header (at most one) of only "close" or "keep-alive", and none of the headers that announce a body or
// another protocol.
func plainHead(head []byte) bool {
	for i, b := range head {
		switch {
		case b == '\r':
			if i+1 >= len(head) || head[i+1] != '\n' {
				return false
			}
		case b == '\n':
			if i == 0 || head[i-1] != '\r' {
				return false
			}
		case b == '\t' || b >= 0x20 && b < 0x7f:
		default:
			return false
		}
	}
	lines := bytes.Split(head[:len(head)-4], []byte("\r\n"))
	hosts, connections := 0, 0
	for _, line := range lines[1:] {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || !httpguts.ValidHeaderFieldName(string(name)) {
			return false
		}
		v := strings.Trim(string(value), " \t")
		switch strings.ToLower(string(name)) {
		case "host":
			hosts++
			if v == "" || !httpguts.ValidHostHeader(v) {
				return false
			}
		case "connection":
			connections++
			if !strings.EqualFold(v, "close") && !strings.EqualFold(v, "keep-alive") {
				return false
			}
		case "content-length", "transfer-encoding", "expect", "upgrade", "trailer":
			return false
		}
	}
	return hosts == 1 && connections <= 1
}

// handOver gives the connection to the http.Server, with rest (the bytes read and not answered) to be read first.
func (c *conn) handOver(rest []byte, start time.Time) {
	rc := &replayConn{Conn: c.Conn, rest: bytes.Clone(rest)}
	if c.l.readHeaderTimeout() > 0 {
		rc.shift = time.Since(start)
	}
	c.Conn.SetDeadline(time.Time{})
	select {
	case c.l.handoff <- rc:
	case <-c.l.done:
		c.Conn.Close()
	}
}

// replayConn is a connection handed over: it reads rest before the connection. net/http sets the deadlines of the
// first request (its header deadline, then its whole-request one) from the moment it gets the connection; shift
// moves them back to when the request began, so that a slow client gets no more time than without this package.
type replayConn struct {
	net.Conn
	rest  []byte
	shift time.Duration
	sets  int
}

func (r *replayConn) Read(p []byte) (int, error) {
	if len(r.rest) > 0 {
		n := copy(p, r.rest)
		r.rest = r.rest[n:]
		return n, nil
	}
	return r.Conn.Read(p)
}

func (r *replayConn) SetReadDeadline(t time.Time) error {
	if r.sets < 2 && r.shift > 0 {
		r.sets++
		if !t.IsZero() {
			t = t.Add(-r.shift)
		}
	}
	return r.Conn.SetReadDeadline(t)
}

// CloseWrite half-closes the connection, as net/http does after refusing a too large body.
func (r *replayConn) CloseWrite() error {
	if cw, ok := r.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom lets net/http use sendfile as on the bare connection.
func (r *replayConn) ReadFrom(src io.Reader) (int64, error) {
	if rf, ok := r.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(struct{ io.Writer }{r.Conn}, src)
}
