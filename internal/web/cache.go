package web

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// pageCacheTTL bounds how stale a cached public page can be when another process changed the data (several gongkai
// serve on one PostgreSQL); this process's own writes drop the cache at once.
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
	etag    string
	status  int
	created time.Time
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
		c.size -= len(old.Value.(*cachedPage).body)
		c.order.Remove(old)
	}
	c.pages[p.key] = c.order.PushFront(p)
	c.size += len(p.body)
	for c.size > c.budget && c.order.Len() > 1 {
		last := c.order.Back()
		lp := last.Value.(*cachedPage)
		c.order.Remove(last)
		delete(c.pages, lp.key)
		c.size -= len(lp.body)
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
// staff (who see their name in the header) and requests with a query string bypass it.
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
				s.cache.put(page, v)
			}
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("ETag", page.etag)
		h.Set("Cache-Control", "no-cache")
		h.Add("Vary", "Cookie")
		if page.status == http.StatusOK && r.Header.Get("If-None-Match") == page.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.WriteHeader(page.status)
		w.Write(page.body)
	}
}
