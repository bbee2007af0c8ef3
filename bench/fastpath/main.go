// Command fastpath is the experiment behind decision 0024: it serves one fixed 5.6 KB page with the headers of a
// cached gongkai page in one of two ways, so that each can be loaded with wrk next to nginx serving the same bytes
// (bench/fastpath/run.sh):
//
//	-mode nethttp  the smallest net/http server: copy the prebuilt header map, write the body;
//	-mode fast     a connection loop below net/http: a listener wrapper reads each request head itself, parses it with
//	               http.ReadRequest, answers a plain GET/HEAD with one write of status line, headers and body, and
//	               hands the connection (unread bytes first) to an http.Server on the first request it does not answer.
//
// GOGC tuning of nethttp is done from the environment (GOGC=400 go run ...).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	mode := flag.String("mode", "nethttp", "nethttp or fast")
	addr := flag.String("addr", "127.0.0.1:18741", "listen address")
	write := flag.String("write", "", "write the page's body to this file and exit (for nginx)")
	flag.Parse()
	body := page()
	if *write != "" {
		if err := os.WriteFile(*write, body, 0o644); err != nil {
			log.Fatal(err)
		}
		return
	}
	hdr := http.Header{
		"X-Content-Type-Options":  {"nosniff"},
		"X-Frame-Options":         {"DENY"},
		"Referrer-Policy":         {"same-origin"},
		"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"},
		"Content-Type":            {"text/html; charset=utf-8"},
		"Cache-Control":           {"no-cache"},
		"Vary":                    {"Cookie", "Accept-Encoding"},
		"Etag":                    {`"0123456789abcdef01234567"`},
		"Content-Length":          {strconv.Itoa(len(body))},
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range hdr {
			h[k] = v
		}
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	switch *mode {
	case "nethttp":
		log.Fatal(srv.Serve(ln))
	case "fast":
		var static bytes.Buffer
		if err := hdr.Write(&static); err != nil {
			log.Fatal(err)
		}
		fl := newFastListener(ln, static.Bytes(), body)
		log.Fatal(srv.Serve(fl))
	default:
		log.Fatalf("unknown mode %q", *mode)
	}
}

// page is a 5,637-byte HTML page, the size of the portal's home.
func page() []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>政府信息公开</title></head><body>\n")
	for i := 0; b.Len() < 5600; i++ {
		fmt.Fprintf(&b, "<p><a href=\"/items/%d\">第%d条 主动公开信息</a></p>\n", i, i)
	}
	s := b.String()[:5620]
	return []byte(s + strings.Repeat(" ", 5637-len(s)-len("</body></html>\n")) + "</body></html>\n")
}

// fastListener accepts connections itself and answers plain requests on them; a connection whose request it does
// not answer is returned by Accept, to the http.Server, with the bytes it read and did not answer replayed first.
type fastListener struct {
	net.Listener
	handoff chan net.Conn
	errc    chan error
	static  []byte // every header but Date, each line CRLF-terminated
	body    []byte
	date    atomic.Pointer[[]byte] // "Date: ...\r\n", renewed each second
}

func newFastListener(ln net.Listener, static, body []byte) *fastListener {
	f := &fastListener{Listener: ln, handoff: make(chan net.Conn), errc: make(chan error, 1), static: static, body: body}
	f.tick()
	go func() {
		for range time.Tick(time.Second) {
			f.tick()
		}
	}()
	go f.loop()
	return f
}

func (f *fastListener) tick() {
	d := []byte("Date: " + time.Now().UTC().Format(http.TimeFormat) + "\r\n")
	f.date.Store(&d)
}

func (f *fastListener) loop() {
	for {
		c, err := f.Listener.Accept()
		if err != nil {
			f.errc <- err
			return
		}
		go f.serve(c)
	}
}

// Accept returns the next connection handed over.
func (f *fastListener) Accept() (net.Conn, error) {
	select {
	case c := <-f.handoff:
		return c, nil
	case err := <-f.errc:
		return nil, err
	}
}

const maxHead = 8 << 10

var bufs = sync.Pool{New: func() any { b := make([]byte, maxHead); return &b }}

func (f *fastListener) serve(c net.Conn) {
	bp := bufs.Get().(*[]byte)
	buf := *bp
	n := 0 // bytes in buf
	out := make([]byte, 0, 8<<10)
	br := bufio.NewReaderSize(nil, 16)
	rd := bytes.NewReader(nil)
	handoff := func() {
		rest := append([]byte(nil), buf[:n]...)
		bufs.Put(bp)
		f.handoff <- &replayConn{Conn: c, rest: rest}
	}
	for {
		end := bytes.Index(buf[:n], []byte("\r\n\r\n"))
		if end < 0 {
			if n == len(buf) {
				handoff()
				return
			}
			m, err := c.Read(buf[n:])
			n += m
			if err != nil {
				if n > 0 {
					handoff()
					return
				}
				c.Close()
				bufs.Put(bp)
				return
			}
			continue
		}
		end += 4
		rd.Reset(buf[:end])
		br.Reset(rd)
		req, err := http.ReadRequest(br)
		if err != nil || req.Method != http.MethodGet && req.Method != http.MethodHead || req.ProtoMajor != 1 || req.ProtoMinor != 1 ||
			req.Header["Transfer-Encoding"] != nil || req.Header["Content-Length"] != nil || req.Header["Upgrade"] != nil || req.Header["Expect"] != nil {
			handoff()
			return
		}
		out = append(out[:0], "HTTP/1.1 200 OK\r\n"...)
		out = append(out, *f.date.Load()...)
		out = append(out, f.static...)
		out = append(out, "\r\n"...)
		if req.Method == http.MethodGet {
			out = append(out, f.body...)
		}
		if _, err := c.Write(out); err != nil {
			c.Close()
			bufs.Put(bp)
			return
		}
		n = copy(buf, buf[end:n])
		if req.Close {
			c.Close()
			bufs.Put(bp)
			return
		}
	}
}

// replayConn reads rest before reading the connection.
type replayConn struct {
	net.Conn
	rest []byte
}

func (r *replayConn) Read(p []byte) (int, error) {
	if len(r.rest) > 0 {
		n := copy(p, r.rest)
		r.rest = r.rest[n:]
		return n, nil
	}
	return r.Conn.Read(p)
}
