// Package web serves the public portal (政府信息公开专栏) and the staff console over one http.Handler. Templates and
// assets are embedded; pages work without JavaScript.
package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/alexedwards/scs/v2"
	"golang.org/x/time/rate"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/report/render"
	"github.com/gongkai/gongkai/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages returns the content templates: every file of templates/ but the layout and the shared partials. Each is
// parsed with them once, at start, so a broken template fails fast.
func pages() ([]string, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name != "layout" && name != "partials" {
			out = append(out, name)
		}
	}
	return out, nil
}

// Config holds the server's settings.
type Config struct {
	// Site is the portal's name in page titles and the header.
	Site string
	// SecureCookies sets the Secure flag on cookies (serve over HTTPS in production). It is on whenever BaseURL is
	// an https:// address; the serve command also turns it on when it terminates TLS itself.
	SecureCookies bool
	// IdleTimeout ends a staff session after this long without a request.
	IdleTimeout time.Duration
	// Lockout is the sign-in lockout policy.
	Lockout auth.LockoutPolicy
	// AddressLimit bounds failed sign-ins from one client address across all accounts: at most AddressLimit
	// (default 20) in each fixed window of AddressWindow (default 15 minutes), counted in the database so that it
	// holds across processes. Negative: no limit.
	AddressLimit  int
	AddressWindow time.Duration
	// HashSlots bounds how many password checks (argon2id, 64 MiB each by default) run at once; 0 sizes it from the
	// CPUs and the memory available (hashSlots). HashWait is how long a sign-in waits for a slot before it is
	// answered 503 with Retry-After (default 2 s).
	HashSlots int
	HashWait  time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Real-IP are believed (ClientIP); from any
	// other address the connection's own address is the client's.
	TrustedProxies []netip.Prefix
	// PasswordParams are the argon2id parameters for new hashes.
	PasswordParams auth.Params
	// Location is where the agencies are: it decides what "today" is for deadlines (default Asia/Shanghai).
	Location *time.Location
	// BaseURL is the portal's public address, for links in e-mails (default: taken from each request).
	BaseURL string
	// ApplyLimit bounds online applications per client address (default 5 per 10 minutes, then one every 2
	// minutes), so that a script cannot flood an agency while real people are never stopped.
	ApplyLimit rate.Limit
	ApplyBurst int
	// MinFillTime is the least time between showing the application form and submitting it: faster is a script
	// (default 3 s; negative disables the check, for tests).
	MinFillTime time.Duration
	// CacheBytes bounds the memory of the public page cache (default 64 MiB).
	CacheBytes int
	// Hits counts item page views in memory; the serve command runs its Run and calls its Flush at shutdown. Nil:
	// the server makes its own, whose counts reach the database only if something calls Flush (tests).
	Hits *HitCounter
	// SendsMail says that an SMTP server is configured, so that the outbox is sent: without it e-mails wait in
	// the outbox, and pages must not tell anybody that one was sent.
	SendsMail bool
	// SitemapLimit is the most URLs in one sitemap file (default 50,000, the sitemap protocol's limit); beyond it
	// sitemap.xml is a sitemap index.
	SitemapLimit int
	// AuditCheckpointFile is the file of audit checkpoints (JSON lines) that the audit page checks the trail
	// against, so that rows cut from its end show there too; empty checks the chain alone.
	AuditCheckpointFile string
}

// Server is the web application.
type Server struct {
	db       *store.DB
	log      *slog.Logger
	cfg      Config
	static   *staticAssets
	sessions *scs.SessionManager
	tmpl     map[string]*template.Template
	now      func() time.Time

	dummyOnce sync.Once
	dummy     string
	hashes    *hashGate
	handler   http.Handler
	cache     pageCache
	cal       calendarCache
	limits    limiters
	portal    portalState
	// formKey signs the public forms' tokens; every process of the deployment shares it (store.Secret).
	formKey []byte
}

// NewServer builds the application's handler.
func NewServer(db *store.DB, log *slog.Logger, cfg Config) (http.Handler, error) {
	s, err := newServer(db, log, cfg)
	if err != nil {
		return nil, err
	}
	return s.handler, nil
}

// newServer is NewServer that also returns the Server, for tests that look inside.
func newServer(db *store.DB, log *slog.Logger, cfg Config) (*Server, error) {
	if cfg.Site == "" {
		cfg.Site = "政府信息公开"
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.Lockout.MaxFailures == 0 {
		cfg.Lockout = auth.DefaultLockout
	}
	if cfg.PasswordParams.Time == 0 {
		cfg.PasswordParams = auth.DefaultParams
	}
	if cfg.AddressLimit == 0 {
		cfg.AddressLimit = 20
	}
	if cfg.AddressWindow <= 0 {
		cfg.AddressWindow = 15 * time.Minute
	}
	if cfg.HashSlots <= 0 {
		cfg.HashSlots = hashSlots(cfg.PasswordParams)
	}
	if cfg.HashWait <= 0 {
		cfg.HashWait = 2 * time.Second
	}
	if strings.HasPrefix(strings.ToLower(cfg.BaseURL), "https://") {
		cfg.SecureCookies = true
	}
	if cfg.Location == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, fmt.Errorf("web: time zone: %w", err)
		}
		cfg.Location = loc
	}
	if cfg.MinFillTime == 0 {
		cfg.MinFillTime = 3 * time.Second
	}
	if cfg.ApplyLimit == 0 {
		cfg.ApplyLimit, cfg.ApplyBurst = rate.Every(2*time.Minute), 5
	}
	s := &Server{db: db, log: log, cfg: cfg, tmpl: map[string]*template.Template{}, now: time.Now, hashes: newHashGate(cfg.HashSlots, cfg.HashWait)}
	s.cache.budget = cfg.CacheBytes
	s.limits.init(db, log, cfg.ApplyLimit, cfg.ApplyBurst)
	s.initPortal()
	key, err := db.Secret(context.Background(), formTokenSecret)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.formKey = key
	var reportCSS bytes.Buffer
	if err := render.HTMLStyle(&reportCSS); err != nil {
		return nil, fmt.Errorf("web: report stylesheet: %w", err)
	}
	staticDir, _ := fs.Sub(staticFS, "static")
	static, err := newStaticAssets(staticDir, map[string][]byte{"report.css": reportCSS.Bytes()})
	if err != nil {
		return nil, err
	}
	s.static = static
	names, err := pages()
	if err != nil {
		return nil, err
	}
	for _, p := range names {
		t, err := template.New("").Funcs(funcs).Funcs(template.FuncMap{"static": static.url}).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+p+".html")
		if err != nil {
			return nil, err
		}
		s.tmpl[p] = t
	}
	sm := scs.New()
	sm.Store = db.Sessions()
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Cookie.Name = "gongkai_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.serverError(w, r, err) }
	s.sessions = sm
	s.handler = s.routes()
	return s, nil
}

// Prefs are a visitor's reading settings, remembered in cookies.
type Prefs struct {
	Care bool
	Size string
}

type sizeOption struct{ Key, Name string }

var sizes = []sizeOption{{"small", "小"}, {"medium", "中"}, {"large", "大"}}

func prefsOf(r *http.Request) Prefs {
	p := Prefs{Size: "medium"}
	if c, err := r.Cookie("care"); err == nil {
		p.read(c)
	}
	if c, err := r.Cookie("size"); err == nil {
		p.read(c)
	}
	return p
}

// read takes a reading-setting cookie (care, size) into the settings; an unknown size or any other cookie changes
// nothing.
func (p *Prefs) read(c *http.Cookie) {
	switch c.Name {
	case "care":
		p.Care = c.Value == "1"
	case "size":
		for _, s := range sizes {
			if c.Value == s.Key {
				p.Size = s.Key
			}
		}
	}
}

// page is what every template receives.
type page struct {
	Site, Title, Path string
	Prefs             Prefs
	Sizes             []sizeOption
	User              *disclosure.User
	// Footer holds the website's particulars every page's footer shows (site settings).
	Footer disclosure.SiteSettings
	Data   any
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	p := page{Site: s.cfg.Site, Title: title, Path: r.URL.Path, Prefs: prefsOf(r), Sizes: sizes, User: s.currentUser(r), Footer: s.siteSettings(r.Context()), Data: data}
	var buf bytes.Buffer
	if err := s.tmpl[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

type errorPage struct{ Heading, Message string }

// errorPage shows the custom error pages; internal details are logged, never shown.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	msg := map[int]errorPage{
		http.StatusNotFound:  {"页面不存在", "您访问的页面不存在或已被移除。"},
		http.StatusForbidden: {"没有访问权限", "您的账号没有访问此页面的权限。如需开通，请联系本单位管理员。"},
	}[status]
	if msg.Heading == "" {
		msg = errorPage{"系统内部错误", "系统暂时无法处理您的请求，请稍后再试。问题已记录，管理员会尽快处理。"}
	}
	s.render(w, r, status, "error", msg.Heading, msg)
}

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	var buf bytes.Buffer
	p := page{Site: s.cfg.Site, Title: "系统内部错误", Path: r.URL.Path, Prefs: prefsOf(r), Sizes: sizes,
		Data: errorPage{"系统内部错误", "系统暂时无法处理您的请求，请稍后再试。问题已记录，管理员会尽快处理。"}}
	if s.tmpl["error"].ExecuteTemplate(&buf, "layout", p) != nil {
		http.Error(w, "系统内部错误", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	buf.WriteTo(w)
}

// secureHeaders sets the headers every response carries; on a portal served over HTTPS (https, sets Secure
// cookies) also Strict-Transport-Security, so that browsers never fall back to plain HTTP for it.
func secureHeaders(https bool, next http.Handler) http.Handler {
	sec := securityHeaders(https)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range sec {
			h[k] = v
		}
		next.ServeHTTP(w, r)
	})
}

// securityHeaders are the headers every response carries (HSTS only over HTTPS), in canonical form; the values are
// shared and must not be changed.
func securityHeaders(https bool) http.Header {
	h := http.Header{
		"X-Content-Type-Options":  {"nosniff"},
		"X-Frame-Options":         {"DENY"},
		"Referrer-Policy":         {"same-origin"},
		"Content-Security-Policy": {"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"},
	}
	if https {
		h["Strict-Transport-Security"] = []string{"max-age=31536000"}
	}
	return h
}

// safeBack returns a path of this site to go back to, or "/". It judges the address as a browser will read it
// from the Location header: browsers drop tabs and line breaks anywhere in a URL and spaces and control characters
// at its ends, and read a backslash as a slash — so "/\t/evil.example", "/\\evil.example" and " //evil.example"
// all lead to another host. What is left after that must be a path: one slash, then no second one, and neither a
// scheme nor a host when parsed. Anything with a control character in it is refused outright.
func safeBack(p string) string {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, p)
	clean = strings.TrimFunc(clean, func(r rune) bool { return r <= ' ' })
	if len(clean) == 0 || clean[0] != '/' || (len(clean) > 1 && clean[1] == '/') || strings.ContainsFunc(clean, unicode.IsControl) {
		return "/"
	}
	u, err := url.Parse(clean)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return clean
}
