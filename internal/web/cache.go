package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// pageCacheTTL bounds how stale a cached public page can be when another process changed the data (several gongkai
// serve on one PostgreSQL); this process's own writes drop the cache at once.
const pageCacheTTL = 5 * time.Second

// pageCache keeps rendered public pages for anonymous visitors, keyed by path and reading settings. The portal is
// read far more than it changes, and a visitor must not wait for a database query and a template for the same
// page a thousand others just saw.
type pageCache struct {
	mu      sync.RWMutex
	version uint64
	pages   map[string]cachedPage
}

type cachedPage struct {
	body    []byte
	etag    string
	status  int
	created time.Time
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
		s.cache.mu.RLock()
		page, ok := s.cache.pages[key]
		fresh := ok && s.cache.version == v && now.Sub(page.created) < pageCacheTTL
		s.cache.mu.RUnlock()
		if !fresh {
			rec := &recorder{header: http.Header{}, status: http.StatusOK}
			next(rec, r)
			sum := sha256.Sum256(rec.body.Bytes())
			page = cachedPage{body: rec.body.Bytes(), etag: `"` + hex.EncodeToString(sum[:12]) + `"`, status: rec.status, created: now}
			if rec.status == http.StatusOK {
				s.cache.mu.Lock()
				if s.cache.version != v || s.cache.pages == nil {
					s.cache.pages, s.cache.version = map[string]cachedPage{}, v
				}
				s.cache.pages[key] = page
				s.cache.mu.Unlock()
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
