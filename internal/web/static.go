package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"
)

// Cache lifetimes of static files: a content-hashed name never changes its bytes, so browsers and proxies keep it a
// year without asking again; the plain name (for pages cached before the hashes, and for hand-written links) is
// kept briefly, so that a new release reaches everybody soon.
const (
	staticImmutable = "public, max-age=31536000, immutable"
	staticShort     = "public, max-age=300"
)

// staticAsset is one static file as served: its bytes, gzip-compressed bytes when that saves something, and the
// name with its content hash (site.3f2a9c1e.css).
type staticAsset struct {
	name, hashed, hash string
	contentType        string
	body, gz           []byte
}

// staticAssets are the files under /static/, read and compressed once at start.
type staticAssets struct {
	byName   map[string]*staticAsset // plain name → asset
	byHashed map[string]*staticAsset // hashed name → asset
}

// hashedName inserts the hash before the file's last extension: htmx.min.js → htmx.min.0a1b2c3d.js.
func hashedName(name, hash string) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hash + ext
}

// reHashedName matches a name that carries a content hash (8 hex digits before the extension), for telling a stale
// hash from an unknown file.
var reHashedName = regexp.MustCompile(`^(.+)\.[0-9a-f]{8}(\.[A-Za-z0-9]+)$`)

// newStaticAssets reads every file of fsys (and the extra generated ones) and precomputes hashes and gzip bodies.
func newStaticAssets(fsys fs.FS, extra map[string][]byte) (*staticAssets, error) {
	a := &staticAssets{byName: map[string]*staticAsset{}, byHashed: map[string]*staticAsset{}}
	add := func(name string, body []byte) {
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:4])
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" {
			ct = http.DetectContentType(body)
		}
		if strings.HasPrefix(ct, "text/") && !strings.Contains(ct, "charset") {
			ct += "; charset=utf-8"
		}
		as := &staticAsset{name: name, hashed: hashedName(name, hash), hash: hash, contentType: ct, body: body}
		if compressible(ct) && len(body) >= gzipMinBytes {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			if buf.Len() < len(body) {
				as.gz = buf.Bytes()
			}
		}
		a.byName[name] = as
		a.byHashed[as.hashed] = as
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		add(p, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	for name, body := range extra {
		add(name, body)
	}
	return a, nil
}

// compressible reports whether gzip helps a content type (text, scripts, SVG, fonts not already compressed).
func compressible(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	switch {
	case strings.HasPrefix(ct, "text/"), strings.HasSuffix(ct, "javascript"), strings.HasSuffix(ct, "json"),
		strings.HasSuffix(ct, "+xml"), ct == "application/xml", ct == "font/ttf", ct == "font/otf", ct == "application/vnd.ms-fontobject":
		return true
	}
	return false
}

// url returns the address of a static file under its hashed name, for templates ({{static "site.css"}}). A name
// that is not a static file is a mistake in a template, which fails the page's execution.
func (a *staticAssets) url(name string) (string, error) {
	as, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + as.hashed, nil
}

// staticEpoch is the modification time given to static files (the embedded files have none), so that
// If-Modified-Since works along with the ETag.
var staticEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// staticFirst answers GET and HEAD /static/{name} for the static files: the hashed name for a year, the plain
// name for minutes, a stale hash with a redirect to the current file (a page cached by a proxy across a release
// still gets its styles). Anything else goes to next (which answers an unknown file with the 404 page).
func (s *Server) staticFirst(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/static/")
		if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) || !s.static.serve(w, r, name) {
			next.ServeHTTP(w, r)
		}
	})
}

// serve writes the static file name and reports whether there is one.
func (a *staticAssets) serve(w http.ResponseWriter, r *http.Request, name string) bool {
	as, hashed := a.byHashed[name]
	cacheControl := staticImmutable
	if !hashed {
		var ok bool
		if as, ok = a.byName[name]; !ok {
			if m := reHashedName.FindStringSubmatch(name); m != nil {
				if cur, ok := a.byName[m[1]+m[2]]; ok {
					w.Header().Set("Cache-Control", staticShort)
					http.Redirect(w, r, "/static/"+cur.hashed, http.StatusFound)
					return true
				}
			}
			return false
		}
		cacheControl = staticShort
	}
	h := w.Header()
	h.Set("Content-Type", as.contentType)
	h.Set("Cache-Control", cacheControl)
	body, etag := as.body, `"`+as.hash+`"`
	if as.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = as.gz, `"`+as.hash+`-gzip"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", staticEpoch, bytes.NewReader(body))
	return true
}
