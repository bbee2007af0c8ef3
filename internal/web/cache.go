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

	"github.com/gongkai/gongkai/internal/fastserve"
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
	gzetag  string
	status  int
	created time.Time
	// plain and gzipped are the complete response headers of the body and of gz.
	plain, gzipped http.Header
	// view counts a view of the page (an item's hits), or is nil.
	view func()
	// fast are the same answers prepared for fastserve, byte for byte what net/http sends for plain and gz, each
	// as 200 and 304 (index fastIndex); nil for a page that is not served that way.
	fast [4]*fastserve.Response
}

// fastIndex is the index in cachedPage.fast of the answer of the compressed copy or not, 304 or not.
func fastIndex(gz, notModified bool) int {
	i := 0
	if gz {
		i = 2
	}
	if notModified {
		i++
	}
	return i
}

// gzipMinBytes is the smallest page worth compressing: below it the saving is lost in the headers.
const gzipMinBytes = 1024

// bytes is what the page costs the cache's budget: its copies, and the prepared headers of fast (which share them).
func (p *cachedPage) bytes() int {
	n := len(p.body) + len(p.gz)
	for _, r := range p.fast {
		if r != nil {
			n += r.HeadLen()
		}
	}
	return n
}

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
// gets the page compressed (once, when it was rendered), with its own ETag. A hit is normally answered before any
// of this, by fromCache; cached handles the misses and the requests that bypass the cache.
func (s *Server) cached(next http.HandlerFunc) http.HandlerFunc {
	return s.cachedCounting(next, nil)
}

// cachedCounting is cached for a page whose views are counted: view is called for every view that showed the page
// (200, or 304 for a browser revalidating it), whether from the cache or not.
func (s *Server) cachedCounting(next http.HandlerFunc, view func(r *http.Request) func()) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, ok := cacheKey(r, s.sessions.Cookie.Name)
		if !ok {
			if view == nil {
				next(w, r)
				return
			}
			sw := &statusWriter{ResponseWriter: w}
			next(sw, r)
			if r.Method == http.MethodGet && (sw.status == http.StatusOK || sw.status == http.StatusNotModified) {
				if f := view(r); f != nil {
					f()
				}
			}
			return
		}
		now := s.now()
		v := s.db.Version()
		page, ok := s.cache.get(key, v, now)
		if !ok {
			rec := &recorder{header: http.Header{}, status: http.StatusOK}
			next(rec, r)
			page = s.newCachedPage(key, rec.status, rec.body.Bytes(), now)
			if view != nil && rec.status == http.StatusOK {
				page.view = view(r)
			}
			if rec.status == http.StatusOK {
				s.cache.put(page, v)
			}
		}
		page.serve(w, r)
	}
}

// fromCache answers an anonymous GET or HEAD of a page in the cache before anything else runs — sessions, the
// client's address, the cross-origin check, the router: a cached page needs none of them, and most of the public's
// traffic is such pages (issue 14: the portal served them at 0.43–0.45 × nginx serving the same bytes, and spent
// more on the middleware than on the page). Anything else goes to next.
//
// The handler it returns also answers fastserve (Answer): `serve` on plain HTTP sends the same answers from below
// net/http (decision 0024).
func (s *Server) fromCache(next http.Handler) http.Handler {
	return &cacheFront{s: s, next: next}
}

// cacheFront is fromCache's handler.
type cacheFront struct {
	s    *Server
	next http.Handler
}

// hit returns the cached page that answers the request, if any.
func (f *cacheFront) hit(r *http.Request) (*cachedPage, bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return nil, false
	}
	key, ok := cacheKey(r, f.s.sessions.Cookie.Name)
	if !ok {
		return nil, false
	}
	return f.s.cache.get(key, f.s.db.Version(), f.s.now())
}

func (f *cacheFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if page, ok := f.hit(r); ok {
		page.serve(w, r)
		return
	}
	f.next.ServeHTTP(w, r)
}

// Answer is ServeHTTP's answer from the cache as fastserve sends it: the same bytes, the view counted the same way;
// false for a request ServeHTTP would not answer from the cache.
func (f *cacheFront) Answer(r *http.Request) (*fastserve.Response, bool) {
	page, ok := f.hit(r)
	if !ok {
		return nil, false
	}
	resp := page.fast[fastIndex(page.choose(r))]
	if resp == nil {
		return nil, false
	}
	page.counted(r)
	return resp, true
}

// cacheKey returns the cache's key of a request — its path and the reading settings (font size, 关怀版) — or false
// when the request must not be answered from the cache: it has a query string, or the visitor is signed in (a
// session cookie). The cookies are read in one pass.
func cacheKey(r *http.Request, sessionCookie string) (string, bool) {
	if r.URL.RawQuery != "" {
		return "", false
	}
	p := Prefs{Size: "medium"}
	for _, line := range r.Header["Cookie"] {
		cookies, err := http.ParseCookie(line)
		if err != nil {
			continue
		}
		for _, c := range cookies {
			if c.Name == sessionCookie {
				return "", false
			}
			p.read(c)
		}
	}
	key := r.URL.Path + "|" + p.Size
	if p.Care {
		key += "|care"
	}
	return key, true
}

// newCachedPage makes a cache entry of a rendered page: its body, compressed copy, ETags and the complete response
// headers of both, built once so that serving it copies a few map entries and allocates nothing more.
func (s *Server) newCachedPage(key string, status int, body []byte, now time.Time) *cachedPage {
	sum := sha256.Sum256(body)
	p := &cachedPage{key: key, body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, status: status, created: now}
	if status == http.StatusOK {
		p.compress()
	}
	base := securityHeaders(s.cfg.SecureCookies)
	base["Content-Type"] = []string{"text/html; charset=utf-8"}
	base["Cache-Control"] = []string{"no-cache"}
	base["Vary"] = []string{"Cookie"}
	p.plain = base.Clone()
	p.plain["Etag"] = []string{p.etag}
	p.plain["Content-Length"] = []string{strconv.Itoa(len(p.body))}
	if p.gz != nil {
		p.plain["Vary"] = []string{"Cookie", "Accept-Encoding"}
		p.gzetag = strings.TrimSuffix(p.etag, `"`) + `-gzip"`
		p.gzipped = base.Clone()
		p.gzipped["Vary"] = []string{"Cookie", "Accept-Encoding"}
		p.gzipped["Etag"] = []string{p.gzetag}
		p.gzipped["Content-Encoding"] = []string{"gzip"}
		p.gzipped["Content-Length"] = []string{strconv.Itoa(len(p.gz))}
	}
	if status == http.StatusOK {
		p.prepareFast()
	}
	return p
}

// prepareFast fills fast with the answers serve gives, as net/http writes them; a page it cannot prepare is left
// to net/http.
func (p *cachedPage) prepareFast() {
	for _, gz := range []bool{false, true} {
		hdr, body := p.plain, p.body
		if gz {
			if p.gz == nil {
				continue
			}
			hdr, body = p.gzipped, p.gz
		}
		ok, err := fastserve.NewResponse(http.StatusOK, hdr, body)
		if err != nil {
			p.fast = [4]*fastserve.Response{}
			return
		}
		nm := hdr.Clone()
		delete(nm, "Content-Length")
		notModified, err := fastserve.NewResponse(http.StatusNotModified, nm, nil)
		if err != nil {
			p.fast = [4]*fastserve.Response{}
			return
		}
		p.fast[fastIndex(gz, false)], p.fast[fastIndex(gz, true)] = ok, notModified
	}
}

// choose returns which copy of the page the request gets — the compressed one when the browser accepts it — and
// whether the browser has it already (304).
func (p *cachedPage) choose(r *http.Request) (gz, notModified bool) {
	etag := p.etag
	if p.gz != nil && acceptsGzip(r) {
		gz, etag = true, p.gzetag
	}
	return gz, p.status == http.StatusOK && r.Header.Get("If-None-Match") == etag
}

// counted counts a view of the page by the request, if its views are counted: a GET of a page that exists.
func (p *cachedPage) counted(r *http.Request) {
	if p.view != nil && r.Method == http.MethodGet && p.status == http.StatusOK {
		p.view()
	}
}

// serve writes the page, compressed when the browser accepts it, or 304 when the browser has it already. The
// header values are shared by every response of the page and must not be changed.
func (p *cachedPage) serve(w http.ResponseWriter, r *http.Request) {
	gz, notModified := p.choose(r)
	hdr, body := p.plain, p.body
	if gz {
		hdr, body = p.gzipped, p.gz
	}
	h := w.Header()
	for k, v := range hdr {
		h[k] = v
	}
	if notModified {
		delete(h, "Content-Length")
		w.WriteHeader(http.StatusNotModified)
	} else {
		w.WriteHeader(p.status)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	}
	p.counted(r)
}
