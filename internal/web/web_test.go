package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

var cheap = auth.Params{Time: 1, Memory: 1024, Threads: 1}

const password = "Gongkai-2026!"

type fixture struct {
	db     *store.DB
	srv    *httptest.Server
	server *Server
	health *disclosure.Agency
	totp   map[string]string // user name → second-factor secret

	mu       sync.Mutex
	lastStep map[string]int64 // user name → the last second-factor step signed in with
}

const totpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOn(t, t.TempDir())
}

// newFixtureOn is newFixture on the database dsn names (a data folder, or a postgres:// URL).
func newFixtureOn(t *testing.T, dsn string) *fixture {
	t.Helper()
	return newFixtureWith(t, dsn, nil)
}

// newFixtureWith is newFixtureOn with the server's configuration changed by change (nil: none).
func newFixtureWith(t *testing.T, dsn string, change func(*Config)) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	db.CreateAgency(ctx, disclosure.SystemActor, gov)
	health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局", USCC: "113701243072282028",
		Contacts: disclosure.Contacts{Office: "局办公室", Phone: "0531-87883760", Email: "pyxwjj@jn.shandong.cn", Address: "平阴县榆山街道府前街31号"}}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, health); err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword(password, cheap)
	for _, r := range allRoles {
		g := disclosure.Grant{Role: r}
		if !r.IsSystem() {
			g.AgencyID = &health.ID
		}
		u := &disclosure.User{Username: string(r), DisplayName: disclosure.RoleNames[r], PasswordHash: hash, Grants: []disclosure.Grant{g}}
		if err := db.CreateUser(ctx, disclosure.SystemActor, u); err != nil {
			t.Fatal(err)
		}
		if r.IsSystem() {
			if err := db.SetTOTP(ctx, disclosure.SystemActor, u.ID, totpSecret); err != nil {
				t.Fatal(err)
			}
		}
	}
	cfg := Config{Site: "测试门户", PasswordParams: cheap, MinFillTime: -1, ApplyLimit: 1000, ApplyBurst: 1000}
	if change != nil {
		change(&cfg)
	}
	server, err := newServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.handler)
	t.Cleanup(srv.Close)
	f := &fixture{db: db, srv: srv, server: server, health: health, totp: map[string]string{}, lastStep: map[string]int64{}}
	for _, r := range allRoles {
		if r.IsSystem() {
			f.totp[string(r)] = totpSecret
		}
	}
	return f
}

var allRoles = []disclosure.Role{disclosure.Officer, disclosure.Reviewer, disclosure.Approver, disclosure.AgencyAdmin, disclosure.Supervisor, disclosure.SysAdmin, disclosure.SecAdmin, disclosure.Auditor}

// client returns an HTTP client with its own cookies that does not follow redirects.
func (f *fixture) client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (f *fixture) signIn(t *testing.T, c *http.Client, user, pw string) *http.Response {
	t.Helper()
	form := url.Values{"username": {user}, "password": {pw}}
	if secret := f.totp[user]; secret != "" {
		form.Set("code", f.freshCode(user, secret))
	}
	return f.postLogin(t, c, form)
}

// freshCode returns a second-factor code of user's not used before, as a person would wait for the next one: each
// step signs in once. The server accepts one step either side of now, so three sign-ins in 30 s need no wait.
func (f *fixture) freshCode(user, secret string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	step := time.Now().Unix()/30 - 1
	if last, ok := f.lastStep[user]; ok && last >= step {
		step = last + 1
	}
	for step > time.Now().Unix()/30+1 {
		time.Sleep(time.Second)
	}
	f.lastStep[user] = step
	code, _ := auth.TOTPCode(secret, time.Unix(step*30, 0))
	return code
}

func (f *fixture) postLogin(t *testing.T, c *http.Client, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+"/console/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.srv.URL)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, *goquery.Document) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(resp.Body)
	return resp, doc
}

func TestPortalScenarios(t *testing.T) {
	f := newFixture(t)
	id := f.health.ID
	for _, tc := range []struct {
		name, path string
		status     int
		selector   string // must match
		text       string // the match's text must contain
	}{
		{"home lists the region and its departments", "/", 200, "main section h2 a", "平阴县人民政府"},
		{"home links each department's column", "/", 200, "ul.agencies a[href='/agencies/2/']", "平阴县卫生健康局"},
		{"an agency's column has the five rooms", "/agencies/2/", 200, "nav.column li", "政府信息公开指南"},
		{"an agency's column shows the annual report room", "/agencies/2/", 200, "#reports h2", "政府信息公开年报"},
		{"the guide is generated from the agency's data", "/agencies/2/guide", 200, "dl.contacts dd", "0531-87883760"},
		{"the guide names the reply deadline", "/agencies/2/guide", 200, "article p", "20 个工作日内答复"},
		{"unknown agency", "/agencies/999/", 404, "h1", "页面不存在"},
		{"malformed agency id", "/agencies/abc/", 404, "h1", "页面不存在"},
		{"unknown page", "/no/such/page", 404, "h1", "页面不存在"},
		{"health check", "/healthz", 200, "", ""},
		{"every page has a skip link", "/", 200, "a.skip[href='#main']", "跳转到主要内容"},
		{"every page offers 关怀版 and 字号", "/agencies/2/", 200, "nav.tools", "关怀版"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_ = id
			resp, doc := get(t, f.client(t), f.srv.URL+tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
				t.Error("security headers missing")
			}
			if tc.selector == "" {
				return
			}
			sel := doc.Find(tc.selector)
			if sel.Length() == 0 || !strings.Contains(sel.Text(), tc.text) {
				t.Errorf("%s: %q does not contain %q", tc.selector, sel.Text(), tc.text)
			}
		})
	}
}

func TestCareModeAndTypeSizeAreRemembered(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	resp, _ := get(t, c, f.srv.URL+"/prefs?care=1&size=large&back=/agencies/2/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/agencies/2/" {
		t.Fatalf("prefs: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc := get(t, c, f.srv.URL+"/agencies/2/")
	if cls, _ := doc.Find("html").Attr("class"); cls != "care size-large" {
		t.Errorf("html class = %q", cls)
	}
	if doc.Find("a[href^='/prefs?size=large'][aria-current]").Length() != 1 || !strings.Contains(doc.Find("nav.tools").Text(), "标准版") {
		t.Error("the current settings are not shown")
	}
	// An off-site "back" is not followed.
	resp, _ = get(t, c, f.srv.URL+"/prefs?care=0&back=//evil.example/")
	if resp.Header.Get("Location") != "/" {
		t.Errorf("open redirect: %s", resp.Header.Get("Location"))
	}
}

// TestAccessMatrix checks every console route for every role, and anonymous visitors, against the one declared
// table (Routes and grants): a route missing from the table cannot be tested and fails here.
func TestAccessMatrix(t *testing.T) {
	f := newFixture(t)
	clients := map[disclosure.Role]*http.Client{}
	for _, r := range allRoles {
		c := f.client(t)
		if resp := f.signIn(t, c, string(r), password); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s cannot sign in: %d", r, resp.StatusCode)
		}
		clients[r] = c
	}
	cs := f.mustCase(t)
	item := f.mustItem(t)
	params := strings.NewReplacer("{id}", strconv.FormatInt(cs.caseID, 10), "{nid}", strconv.FormatInt(cs.noticeID, 10),
		"{fid}", strconv.FormatInt(cs.fileID, 10), "{format}", "pdf", "{key}", "receipt",
		"{agency}", strconv.FormatInt(f.health.ID, 10), "{year}", strconv.Itoa(time.Now().Year()-1),
		"{item}", strconv.FormatInt(item.itemID, 10), "{att}", strconv.FormatInt(item.attachmentID, 10))
	for _, rt := range Routes {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if method != "GET" || !strings.HasPrefix(path, "/console/") || path == "/console/login" {
			continue
		}
		path = params.Replace(strings.TrimSuffix(path, "{$}"))
		t.Run(path, func(t *testing.T) {
			anon, _ := get(t, f.client(t), f.srv.URL+path)
			if rt.Permission != Public && (anon.StatusCode != http.StatusSeeOther || anon.Header.Get("Location") != "/console/login") {
				t.Errorf("anonymous: %d, want a redirect to sign in", anon.StatusCode)
			}
			for _, r := range allRoles {
				want := rt.Permission == Staff
				for _, g := range grants[rt.Permission] {
					want = want || g == r
				}
				resp, _ := get(t, clients[r], f.srv.URL+path)
				if got := resp.StatusCode == http.StatusOK; got != want {
					t.Errorf("%s: status %d, allowed %v", r, resp.StatusCode, want)
				}
				if !want && resp.StatusCode != http.StatusForbidden {
					t.Errorf("%s: status %d, want 403", r, resp.StatusCode)
				}
			}
		})
	}
	// The sysadmin does not see the audit trail and the auditor sees nothing else (三员分立).
	if resp, _ := get(t, clients[disclosure.SysAdmin], f.srv.URL+"/console/audit"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sysadmin reads the audit trail: %d", resp.StatusCode)
	}
	if resp, _ := get(t, clients[disclosure.Auditor], f.srv.URL+"/console/agencies"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("auditor reads agencies: %d", resp.StatusCode)
	}
}

func TestSignInLockoutAndSignOut(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	resp := f.signIn(t, c, "nobody", "whatever")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "用户名或密码不正确") {
		t.Errorf("unknown user: %d", resp.StatusCode)
	}
	for i := 0; i < 4; i++ {
		if resp := f.signIn(t, c, "officer", "wrong-password"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, resp.StatusCode)
		}
	}
	resp = f.signIn(t, c, "officer", "wrong-password")
	body, _ = io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "已暂时锁定") {
		t.Errorf("fifth failure does not lock: %s", body)
	}
	resp = f.signIn(t, c, "officer", password)
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "锁定") {
		t.Errorf("a locked account signed in: %d", resp.StatusCode)
	}
	// The others are unaffected; signing in renews the session and signing out ends it.
	if resp := f.signIn(t, c, "reviewer", password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reviewer: %d", resp.StatusCode)
	}
	if resp, doc := get(t, c, f.srv.URL+"/console/"); resp.StatusCode != 200 || !strings.Contains(doc.Find("main").Text(), "保密审查员") {
		t.Errorf("console: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest("POST", f.srv.URL+"/console/logout", nil)
	req.Header.Set("Origin", f.srv.URL)
	if resp, _ := c.Do(req); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, f.srv.URL+"/console/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout: %d", resp.StatusCode)
	}
	entries, _ := f.db.ListAudit(context.Background(), store.AuditFilter{ObjectType: "user", Limit: 50})
	actions := map[string]int{}
	for _, e := range entries {
		actions[e.Action]++
	}
	if actions["user.login_failed"] != 4 || actions["user.locked"] != 1 || actions["user.login"] != 1 {
		t.Errorf("audited sign-ins: %v", actions)
	}
	for _, e := range entries {
		if e.Action == "user.login" && (e.Role != "reviewer" || e.RemoteAddr == "" || e.ActorName != "保密审查员") {
			t.Errorf("sign-in recorded as %q %q %q", e.ActorName, e.Role, e.RemoteAddr)
		}
	}
}

func TestCrossSiteFormsAreRefused(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	req, _ := http.NewRequest("POST", f.srv.URL+"/console/login", strings.NewReader("username=officer&password="+url.QueryEscape(password)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "没有访问权限") {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
}

func TestSessionCookieFlags(t *testing.T) {
	f := newFixture(t)
	resp := f.signIn(t, f.client(t), "officer", password)
	var found bool
	for _, c := range resp.Cookies() {
		if c.Name == "gongkai_session" {
			found = true
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("cookie flags: %+v", c)
			}
		}
	}
	if !found {
		t.Error("no session cookie")
	}
}

func TestInitialPasswordMustBeChanged(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	u, _ := f.db.GetUserByUsername(ctx, "officer")
	hash, _ := auth.HashPassword(password, cheap)
	f.db.SetPassword(ctx, disclosure.SystemActor, u.ID, hash, true)
	c := f.client(t)
	f.signIn(t, c, "officer", password)
	if resp, _ := get(t, c, f.srv.URL+"/console/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/password" {
		t.Fatalf("console with an initial password: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	post := func(cur, next, confirm string) (*http.Response, string) {
		req, _ := http.NewRequest("POST", f.srv.URL+"/console/password", strings.NewReader(url.Values{"current": {cur}, "new": {next}, "confirm": {confirm}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.srv.URL)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, tc := range []struct{ cur, next, confirm, want string }{
		{"wrong", "Better-Pass-2027", "Better-Pass-2027", "当前密码不正确"},
		{password, "Better-Pass-2027", "Better-Pass-2028", "两次输入的新密码不一致"},
		{password, "short", "short", "至少需要 10 个字符"},
		{password, password, password, "不能与当前密码相同"},
	} {
		if resp, body := post(tc.cur, tc.next, tc.confirm); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d", tc.want, resp.StatusCode)
		}
	}
	if resp, _ := post(password, "Better-Pass-2027", "Better-Pass-2027"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, f.srv.URL+"/console/"); resp.StatusCode != http.StatusOK {
		t.Errorf("console after the change: %d", resp.StatusCode)
	}
	if resp := f.signIn(t, f.client(t), "officer", "Better-Pass-2027"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("new password does not sign in: %d", resp.StatusCode)
	}
}

func TestPublicPagesAreCachedAndRefreshedByWrites(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	first, _ := get(t, c, f.srv.URL+"/")
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on a public page")
	}
	again, _ := get(t, c, f.srv.URL+"/")
	if again.Header.Get("ETag") != etag {
		t.Error("the same page got another ETag")
	}
	req, _ := http.NewRequest("GET", f.srv.URL+"/", nil)
	req.Header.Set("If-None-Match", etag)
	if resp, _ := c.Do(req); resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional request: %d, want 304", resp.StatusCode)
	}
	// A write shows at once.
	gov, _ := f.db.GetAgency(context.Background(), 1)
	if err := f.db.CreateAgency(context.Background(), disclosure.SystemActor, &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县民政局"}); err != nil {
		t.Fatal(err)
	}
	resp, doc := get(t, c, f.srv.URL+"/")
	if !strings.Contains(doc.Find("ul.agencies").Text(), "平阴县民政局") || resp.Header.Get("ETag") == etag {
		t.Error("a new agency does not appear on the cached home page")
	}
	// Reading settings are part of the key; signed-in staff bypass the cache and see their name.
	care := f.client(t)
	get(t, care, f.srv.URL+"/prefs?care=1&back=/")
	if _, doc := get(t, care, f.srv.URL+"/"); doc.Find("html.care").Length() != 1 {
		t.Error("关怀版 visitor got the standard page from the cache")
	}
	staff := f.client(t)
	f.signIn(t, staff, "officer", password)
	if _, doc := get(t, staff, f.srv.URL+"/"); !strings.Contains(doc.Find("nav.tools").Text(), "公开专员") {
		t.Error("signed-in staff got the anonymous page from the cache")
	}
	if resp, _ := get(t, c, f.srv.URL+"/agencies/999/"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("missing agency through the cache: %d", resp.StatusCode)
	}
}

func TestSystemRolesNeedTheSecondFactor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	body := func(resp *http.Response) string { b, _ := io.ReadAll(resp.Body); return string(b) }
	// Without a code, or with a wrong one, the auditor does not get in.
	if resp := f.postLogin(t, f.client(t), url.Values{"username": {"auditor"}, "password": {password}}); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body(resp), "动态验证码不正确") {
		t.Errorf("no code: %d", resp.StatusCode)
	}
	if resp := f.postLogin(t, f.client(t), url.Values{"username": {"auditor"}, "password": {password}, "code": {"000000"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong code: %d", resp.StatusCode)
	}
	if resp := f.signIn(t, f.client(t), "auditor", password); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("right code: %d", resp.StatusCode)
	}
	// A system role without a second factor cannot sign in at all.
	u, _ := f.db.GetUserByUsername(ctx, "sysadmin")
	f.db.SetTOTP(ctx, disclosure.SystemActor, u.ID, "")
	delete(f.totp, "sysadmin")
	if resp := f.signIn(t, f.client(t), "sysadmin", password); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body(resp), "须先启用动态验证码") {
		t.Errorf("system role without TOTP: %d", resp.StatusCode)
	}
	// An agency role may enrol too, and then needs the code.
	o, _ := f.db.GetUserByUsername(ctx, "officer")
	f.db.SetTOTP(ctx, disclosure.SystemActor, o.ID, totpSecret)
	if resp := f.postLogin(t, f.client(t), url.Values{"username": {"officer"}, "password": {password}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("enrolled officer without a code: %d", resp.StatusCode)
	}
}

func TestAnnualReportRoom(t *testing.T) {
	f := newFixture(t)
	data := []byte(`{"era":"2021","year":2024,"agency":"平阴县卫生健康局","sections":[{"id":"一","text":"全年主动公开信息147条。"}],"tables":{"s2.6":{"penalty":{"decisions":59}}}}`)
	if err := f.db.SaveAnnualReport(context.Background(), disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: f.health.ID, Year: 2024, Era: "2021", Data: data}); err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	_, doc := get(t, c, f.srv.URL+"/agencies/2/")
	link := doc.Find("#reports a")
	if href, _ := link.Attr("href"); href != "/agencies/2/reports/2024" || !strings.Contains(link.Text(), "2024年政府信息公开工作年度报告") {
		t.Fatalf("年报 room link %q %q", href, link.Text())
	}
	resp, doc := get(t, c, f.srv.URL+"/agencies/2/reports/2024")
	if resp.StatusCode != 200 || doc.Find("article.annual-report table caption").Length() != 6 || !strings.Contains(doc.Find("article").Text(), "全年主动公开信息147条") {
		t.Errorf("report page: %d, %d tables", resp.StatusCode, doc.Find("article.annual-report table caption").Length())
	}
	if doc.Find(".downloads a[download]").Length() != 4 {
		t.Error("downloads missing")
	}
	for format, magic := range map[string]string{"pdf": "%PDF-", "docx": "PK", "xlsx": "PK", "md": "# 平阴县卫生健康局"} {
		resp, err := c.Get(f.srv.URL + "/agencies/2/reports/2024/download/" + format)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.HasPrefix(string(b), magic) || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment; filename*=UTF-8''") {
			t.Errorf("%s: %d %q", format, resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
	}
	for _, p := range []string{"/agencies/2/reports/2023", "/agencies/2/reports/x", "/agencies/2/reports/2024/download/exe"} {
		if resp, _ := get(t, c, f.srv.URL+p); resp.StatusCode != 404 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := get(t, c, f.srv.URL+"/static/report.css"); resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("report.css: %d", resp.StatusCode)
	}
}

func TestAuditFilterAndExport(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	if resp := f.signIn(t, c, "auditor", password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	_, doc := get(t, c, f.srv.URL+"/console/audit?object_type=agency")
	rows := doc.Find("tbody tr")
	if rows.Length() != 2 || !strings.Contains(rows.Text(), "agency.create") || strings.Contains(rows.Text(), "user.create") {
		t.Errorf("filtered rows: %d %s", rows.Length(), rows.Text())
	}
	if !strings.Contains(doc.Find("main").Text(), "哈希链校验通过") {
		t.Error("verification result not shown")
	}
	resp, err := c.Get(f.srv.URL + "/console/audit?object_type=agency&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(body), "\xEF\xBB\xBF")), "\n")
	if resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || len(lines) != 3 || !strings.HasPrefix(lines[0], "序号,时间") || !strings.Contains(lines[1], "agency.create") {
		t.Errorf("export: %q", lines)
	}
	entries, _ := f.db.ListAudit(context.Background(), store.AuditFilter{Action: "audit.export"})
	if len(entries) != 1 || entries[0].Role != "auditor" {
		t.Errorf("the export was not audited: %+v", entries)
	}
	// Not for anyone else.
	other := f.client(t)
	f.signIn(t, other, "sysadmin", password)
	if resp, _ := get(t, other, f.srv.URL+"/console/audit?format=csv"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sysadmin exports the audit trail: %d", resp.StatusCode)
	}
}

func TestConsoleScopesToTheAgencySubtree(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	gov, _ := f.db.GetAgency(ctx, 1)
	other := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县民政局"}
	f.db.CreateAgency(ctx, disclosure.SystemActor, other)
	hospital := &disclosure.Agency{Kind: disclosure.SubordinateUnit, ParentID: &f.health.ID, Name: "平阴县人民医院"}
	f.db.CreateAgency(ctx, disclosure.SystemActor, hospital)
	names := func(c *http.Client, path string) string {
		_, doc := get(t, c, f.srv.URL+path)
		return doc.Find("tbody th").Text()
	}
	officer := f.client(t)
	f.signIn(t, officer, "officer", password)
	if got := names(officer, "/console/agencies"); !strings.Contains(got, "平阴县人民医院") || strings.Contains(got, "平阴县民政局") || strings.Contains(got, "平阴县人民政府") {
		t.Errorf("officer of the health bureau sees %q", got)
	}
	admin := f.client(t)
	f.signIn(t, admin, "sysadmin", password)
	if got := names(admin, "/console/agencies"); !strings.Contains(got, "平阴县民政局") {
		t.Errorf("sysadmin sees %q", got)
	}
	if got := names(admin, "/console/users"); !strings.Contains(got, "auditor") || !strings.Contains(got, "officer") {
		t.Errorf("sysadmin's users: %q", got)
	}
	agencyAdmin := f.client(t)
	f.signIn(t, agencyAdmin, "agency_admin", password)
	if got := names(agencyAdmin, "/console/users"); !strings.Contains(got, "officer") || strings.Contains(got, "auditor") {
		t.Errorf("agency admin's users: %q", got)
	}
	_, doc := get(t, agencyAdmin, f.srv.URL+"/console/settings")
	if body := doc.Find("tbody").Text(); !strings.Contains(body, "113701243072282028/") || !strings.Contains(body, "20 个工作日") || !strings.Contains(body, "保密审查通过即可发布") || !strings.Contains(body, "默认清单") {
		t.Errorf("settings page: %q", doc.Find("tbody").Text())
	}
}

// A browser that accepts gzip gets the cached page compressed, with its own ETag; one that does not (or refuses it
// with q=0) gets the same page uncompressed.
func TestCachedPagesAreCompressedForBrowsersThatAcceptIt(t *testing.T) {
	f := newFixture(t)
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	fetch := func(acceptEncoding, etag string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", f.srv.URL+"/agencies/2/guide", nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, body
	}
	plainResp, plain := fetch("", "")
	if plainResp.StatusCode != http.StatusOK || plainResp.Header.Get("Content-Encoding") != "" || !strings.Contains(string(plain), "政府信息公开指南") {
		t.Fatalf("uncompressed page: %d %q", plainResp.StatusCode, plainResp.Header.Get("Content-Encoding"))
	}
	for _, ae := range []string{"gzip, deflate, br", "br;q=1.0, gzip;q=0.8"} {
		resp, body := fetch(ae, "")
		if resp.Header.Get("Content-Encoding") != "gzip" || !slices.Contains(resp.Header.Values("Vary"), "Accept-Encoding") {
			t.Fatalf("%s: encoding %q, vary %q", ae, resp.Header.Get("Content-Encoding"), resp.Header.Values("Vary"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(unzipped, plain) {
			t.Errorf("%s: the compressed page is not the page (%v)", ae, err)
		}
		if len(body) >= len(plain) || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("%s: %d bytes compressed of %d, Content-Length %q", ae, len(body), len(plain), resp.Header.Get("Content-Length"))
		}
		if resp.Header.Get("ETag") == plainResp.Header.Get("ETag") {
			t.Error("the compressed page has the ETag of the uncompressed one")
		}
		if again, _ := fetch(ae, resp.Header.Get("ETag")); again.StatusCode != http.StatusNotModified {
			t.Errorf("%s: conditional request %d, want 304", ae, again.StatusCode)
		}
		if other, _ := fetch(ae, plainResp.Header.Get("ETag")); other.StatusCode != http.StatusOK {
			t.Errorf("%s: the uncompressed ETag answered %d for the compressed page", ae, other.StatusCode)
		}
	}
	if resp, body := fetch("gzip;q=0, identity", ""); resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, plain) {
		t.Errorf("gzip;q=0 got %q", resp.Header.Get("Content-Encoding"))
	}
}

// The auditor's page checks the trail against the server's checkpoint file, so rows cut from the end with the
// head moved back — which the chain alone cannot show — are reported there.
func TestAuditPageChecksTheCheckpoints(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit-checkpoints.jsonl")
	h, err := NewServer(f.db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Site: "测试门户", PasswordParams: cheap, MinFillTime: -1, AuditCheckpointFile: path})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	c := f.client(t)
	if resp := f.signIn(t, c, "auditor", password); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	cp, err := f.db.TakeAuditCheckpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.AppendAuditCheckpoint(path, cp); err != nil {
		t.Fatal(err)
	}
	if _, doc := get(t, c, f.srv.URL+"/console/audit"); !strings.Contains(doc.Find("main").Text(), "哈希链校验通过") {
		t.Fatalf("intact trail: %s", doc.Find("main").Text())
	}
	f.db.UnsafeExec(ctx, `DELETE FROM audit_log WHERE seq > $1`, cp.Seq-3)
	f.db.UnsafeExec(ctx, `UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1) WHERE id = 1`, cp.Seq-3)
	if res, _ := f.db.VerifyAudit(ctx); !res.OK {
		t.Fatalf("the cut chain should pass on its own: %+v", res)
	}
	_, doc := get(t, c, f.srv.URL+"/console/audit")
	if text := doc.Find("main .error").Text(); !strings.Contains(text, "末尾的审计记录被删除") {
		t.Errorf("cut trail: %q", text)
	}
}
