package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestStaticFilesHaveHashedNamesLongCachingAndGzip follows the stylesheets and scripts a page links: each link is
// a content-hashed name that answers the embedded bytes with a year's immutable caching, gzip-compressed for a
// client that accepts it; the plain name still answers (briefly cached); a stale hash is sent on to the current
// file, and a name that is no static file is 404.
var reStaticHashed = regexp.MustCompile(`^/static/[a-z.]+\.[0-9a-f]{8}\.css$`)

func TestStaticFilesHaveHashedNamesLongCachingAndGzip(t *testing.T) {
	f := newFixture(t)
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	fetch := func(t *testing.T, path, encoding string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		resp, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	_, doc := get(t, f.client(t), f.srv.URL+"/")
	for _, name := range []string{"site.css", "portal.css", "console.css"} {
		want, err := os.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var href string
		doc.Find(`link[rel=stylesheet]`).Each(func(_ int, s *goquery.Selection) {
			if h := s.AttrOr("href", ""); strings.HasPrefix(h, "/static/"+strings.TrimSuffix(name, ".css")+".") {
				href = h
			}
		})
		t.Run(name, func(t *testing.T) {
			if !reStaticHashed.MatchString(href) {
				t.Fatalf("the page links %q for %s, want a content-hashed name", href, name)
			}
			resp, body := fetch(t, href, "")
			if resp.StatusCode != 200 || !bytes.Equal(body, want) {
				t.Fatalf("%s: %d, %d bytes, want the %d embedded bytes", href, resp.StatusCode, len(body), len(want))
			}
			if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("%s: Cache-Control %q", href, got)
			}
			etag := resp.Header.Get("ETag")
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
				t.Errorf("%s: Content-Type %q", href, ct)
			}
			resp, body = fetch(t, href, "br, gzip;q=0.8")
			if resp.Header.Get("Content-Encoding") != "gzip" || strings.Join(resp.Header.Values("Vary"), ",") != "Accept-Encoding" {
				t.Fatalf("%s with gzip accepted: Content-Encoding %q, Vary %q", href, resp.Header.Get("Content-Encoding"), resp.Header.Values("Vary"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, want) || len(body) >= len(want) {
				t.Errorf("%s: gzip body %d bytes inflates to %d, want %d", href, len(body), len(plain), len(want))
			}
			if resp, _ := fetch(t, href, "gzip;q=0"); resp.Header.Get("Content-Encoding") != "" {
				t.Errorf("%s: gzip sent to a client that refuses it", href)
			}
			// A revalidation with the ETag is answered without the body.
			req, _ := http.NewRequest("GET", f.srv.URL+href, nil)
			req.Header.Set("If-None-Match", etag)
			if r2, err := raw.Do(req); err != nil || r2.StatusCode != http.StatusNotModified {
				t.Errorf("%s revalidated: %v %v", href, err, r2)
			}
			// The plain name still answers, briefly cached.
			resp, body = fetch(t, "/static/"+name, "")
			if resp.StatusCode != 200 || !bytes.Equal(body, want) || strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("/static/%s: %d, Cache-Control %q", name, resp.StatusCode, resp.Header.Get("Cache-Control"))
			}
			// A stale hash goes to the current file; a file that does not exist is 404.
			stale := "/static/" + strings.TrimSuffix(name, ".css") + ".00000000.css"
			if resp, _ := fetch(t, stale, ""); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != href || strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("%s: %d → %q (%q), want a short-lived redirect to %s", stale, resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Cache-Control"), href)
			}
		})
	}
	// Every embedded file, scripts and licences included, answers under the hash of its own bytes.
	var files []string
	fs.WalkDir(os.DirFS("static"), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if len(files) < 5 {
		t.Fatalf("static files: %v", files)
	}
	for _, name := range files {
		want, _ := os.ReadFile("static/" + name)
		sum := sha256.Sum256(want)
		ext := path.Ext(name)
		hashed := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		if resp, body := fetch(t, hashed, ""); resp.StatusCode != 200 || !bytes.Equal(body, want) || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d, %d bytes, Cache-Control %q", hashed, resp.StatusCode, len(body), resp.Header.Get("Cache-Control"))
		}
	}
	for _, path := range []string{"/static/nope.3f2a9c1e.css", "/static/nope.css", "/static/", "/static/%2e%2e/server.go", "/static/site.css/"} {
		if resp, _ := fetch(t, path, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}
}
