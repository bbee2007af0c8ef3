package web

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestPageCacheKeepsTheRecentPagesWithinItsBudget(t *testing.T) {
	c := pageCache{budget: 10 * 1000}
	now := time.Now()
	for i := range 100 {
		c.put(&cachedPage{key: fmt.Sprint(i), body: []byte(strings.Repeat("x", 1000)), created: now}, 1)
		if i == 50 {
			c.get("5", 1, now) // nothing: long evicted
		}
	}
	if c.size > c.budget || c.order.Len() != 10 {
		t.Errorf("size %d of %d, %d pages", c.size, c.budget, c.order.Len())
	}
	if _, ok := c.get("99", 1, now); !ok {
		t.Error("the newest page is gone")
	}
	if _, ok := c.get("80", 1, now); ok {
		t.Error("an old page is still there")
	}
	// Reading a page keeps it: 90 read, then 10 more written, 90 survives.
	c.get("90", 1, now)
	for i := 100; i < 109; i++ {
		c.put(&cachedPage{key: fmt.Sprint(i), body: []byte(strings.Repeat("x", 1000)), created: now}, 1)
	}
	if _, ok := c.get("90", 1, now); !ok {
		t.Error("a recently read page was evicted")
	}
	if _, ok := c.get("99", 2, now); ok {
		t.Error("a page of an older data version was served")
	}
	if _, ok := c.get("99", 1, now.Add(pageCacheTTL)); ok {
		t.Error("a page older than the TTL was served")
	}
	c.put(&cachedPage{key: "new", body: []byte("y"), created: now}, 2)
	if c.order.Len() != 1 {
		t.Errorf("a new data version keeps %d old pages", c.order.Len()-1)
	}
}

// TestCachedPagesAnsweredBeforeTheMiddleware: a page in the cache is answered by fromCache — no session, no
// Set-Cookie — with the same bytes and the same security headers as when it was rendered, plain and gzipped, 304 on
// its ETag; a signed-in visitor and a query string still get a rendered page.
func TestCachedPagesAnsweredBeforeTheMiddleware(t *testing.T) {
	f := newFixture(t)
	h := f.server.handler
	do := func(path string, header map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	for _, path := range []string{"/", "/agencies/2/", "/agencies/2/guide"} {
		miss := do(path, nil)
		if miss.Code != 200 {
			t.Fatalf("%s: %d", path, miss.Code)
		}
		key, _ := cacheKey(httptest.NewRequest("GET", path, nil), f.server.sessions.Cookie.Name)
		if _, ok := f.server.cache.get(key, f.db.Version(), f.server.now()); !ok {
			t.Fatalf("%s not cached after the first request", path)
		}
		hit := do(path, nil)
		if hit.Body.String() != miss.Body.String() {
			t.Errorf("%s: the cached copy differs from the rendered page", path)
		}
		for _, k := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Content-Type", "Etag", "Vary", "Cache-Control"} {
			if got, want := hit.Header().Values(k), miss.Header().Values(k); strings.Join(got, ",") != strings.Join(want, ",") || len(got) == 0 {
				t.Errorf("%s %s: cached %q, rendered %q", path, k, got, want)
			}
		}
		if c := hit.Header().Get("Set-Cookie"); c != "" {
			t.Errorf("%s: a cached page sets a cookie: %s", path, c)
		}
		gz := do(path, map[string]string{"Accept-Encoding": "gzip"})
		if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("Content-Length") != strconv.Itoa(gz.Body.Len()) {
			t.Errorf("%s gzip: %q, length %s of %d", path, gz.Header().Get("Content-Encoding"), gz.Header().Get("Content-Length"), gz.Body.Len())
		}
		if nm := do(path, map[string]string{"If-None-Match": hit.Header().Get("Etag")}); nm.Code != 304 || nm.Body.Len() != 0 {
			t.Errorf("%s revalidated: %d with %d bytes", path, nm.Code, nm.Body.Len())
		}
	}
	// The care-mode copy is another page.
	if care := do("/", map[string]string{"Cookie": "care=1"}); care.Body.String() == do("/", nil).Body.String() {
		t.Errorf("care mode served the normal page")
	}
	// A signed-in officer sees their own page, not the cache.
	c := f.client(t)
	f.signIn(t, c, "officer", password)
	resp, doc := get(t, c, f.srv.URL+"/")
	if resp.StatusCode != 200 || !strings.Contains(doc.Find("header").Text(), "退出") {
		t.Errorf("signed in: %d, header %q", resp.StatusCode, strings.TrimSpace(doc.Find("header").Text()))
	}
}
