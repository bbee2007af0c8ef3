package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pageCacheTTL bounds how long a cached public page lives. Writes drop the cache at once: this process's own, and
// other processes' while store.Watch runs (serve starts it); the lifetime is the limit when it cannot.
const pageCacheTTL = 5 * time.Second

// defaultCacheBytes bounds the page cache's memory: with a million item pages the cache keeps the most recently
// read ones within this budget instead of all it ever rendered.
const defaultCacheBytes = 64 << 20

// pageCache keeps rendered public pages for anonymous visitors, keyed by path and reading settings, least recently
// used first out when the byte budget is reached. The portal is read far more than it changes, and a visitor must
// not wait for a database query and a template for the same page a thousand others just saw.
type pageCache struct {
	mu      sync.Mutex
	version uint64
	budget  int
	size    int
	order   *list.List // of *cachedPage, most recent at the front
	pages   map[string]*list.Element
}

type cachedPage struct {
	key     string
	body    []byte
	gz      []byte // the body gzip-compressed, for browsers that accept it; nil when not worth it
	etag    string
	status  int
	created time.Time
}

// gzipMinBytes is the smallest page worth compressing: below it the saving is lost in the headers.
const gzipMinBytes = 1024

// bytes is what the page costs the cache's budget.
func (p *cachedPage) bytes() int { return len(p.body) + len(p.gz) }

// compress fills gz: once per rendered page, so that every reader of it on a phone downloads a quarter of the bytes.
func (p *cachedPage) compress() {
	if len(p.body) < gzipMinBytes {
		return
	}
	var b bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&b)
	if _, err := zw.Write(p.body); err != nil || zw.Close() != nil {
		return
	}
	p.gz = b.Bytes()
}

// gzipWriters are reused: a new writer allocates its tables (about 0.8 MB), which made up 40 % of compressing a
// 6 KB page (170 µs new, 100 µs reused).
var gzipWriters = sync.Pool{New: func() any { zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression); return zw }}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip (not "gzip;q=0").
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			q := 1.0
			if k, val, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
					q = f
				}
			}
			return q > 0
		}
	}
	return false
}

// get returns a fresh page for the key, and marks it recently used.
func (c *pageCache) get(key string, version uint64, now time.Time) (*cachedPage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || c.version != version {
		return nil, false
	}
	e, ok := c.pages[key]
	if !ok {
		return nil, false
	}
	p := e.Value.(*cachedPage)
	if now.Sub(p.created) >= pageCacheTTL {
		return nil, false
	}
	c.order.MoveToFront(e)
	return p, true
}

// put stores a page rendered at the data version, evicting the least recently used pages beyond the budget. A
// page rendered from an older version than the cache holds is not stored.
func (c *pageCache) put(p *cachedPage, version uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages == nil || version > c.version {
		c.pages, c.order, c.size, c.version = map[string]*list.Element{}, list.New(), 0, version
	}
	if version < c.version {
		return
	}
	if c.budget == 0 {
		c.budget = defaultCacheBytes
	}
	if old, ok := c.pages[p.key]; ok {
		c.size -= old.Value.(*cachedPage).bytes()
		c.order.Remove(old)
	}
	c.pages[p.key] = c.order.PushFront(p)
	c.size += p.bytes()
	for c.size > c.budget && c.order.Len() > 1 {
		last := c.order.Back()
		lp := last.Value.(*cachedPage)
		c.order.Remove(last)
		delete(c.pages, lp.key)
		c.size -= lp.bytes()
	}
}

// recorder captures a page as it is rendered.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

// cached serves anonymous GET requests of a public page from the cache, rendering and storing it on a miss. Signed-in
// staff (who see their name in the header) and requests with a query string bypass it. A browser that accepts gzip
// gets the page compressed (once, when it was rendered), with its own ETag.
func (s *Server) cached(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := r.Cookie(s.sessions.Cookie.Name); err == nil || r.URL.RawQuery != "" {
			next(w, r)
			return
		}
		p := prefsOf(r)
		key := r.URL.Path + "|" + p.Size
		if p.Care {
			key += "|care"
		}
		now := s.now()
		v := s.db.Version()
		page, ok := s.cache.get(key, v, now)
		if !ok {
			rec := &recorder{header: http.Header{}, status: http.StatusOK}
			next(rec, r)
			sum := sha256.Sum256(rec.body.Bytes())
			page = &cachedPage{key: key, body: rec.body.Bytes(), etag: `"` + hex.EncodeToString(sum[:12]) + `"`, status: rec.status, created: now}
			if rec.status == http.StatusOK {
				page.compress()
				s.cache.put(page, v)
			}
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Add("Vary", "Cookie")
		body, etag := page.body, page.etag
		if page.gz != nil {
			h.Add("Vary", "Accept-Encoding")
			if acceptsGzip(r) {
				body, etag = page.gz, strings.TrimSuffix(page.etag, `"`)+`-gzip"`
				h.Set("Content-Encoding", "gzip")
			}
		}
		h.Set("ETag", etag)
		if page.status == http.StatusOK && r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(page.status)
		w.Write(body)
	}
}
