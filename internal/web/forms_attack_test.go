package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"golang.org/x/time/rate"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// formServer serves db with the given configuration, as another process of the deployment would.
func formServer(t *testing.T, db *store.DB, cfg Config) *httptest.Server {
	t.Helper()
	// The limits live in the database, shared by every process on it: each case here starts with full buckets, as
	// a new deployment would, instead of inheriting what the case before it used up.
	if err := db.UnsafeExec(context.Background(), `DELETE FROM rate_limits`); err != nil {
		t.Fatal(err)
	}
	cfg.Site, cfg.PasswordParams = "测试门户", cheap
	h, err := NewServer(db, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// post sends a form the way a script does: no cookies, nothing opened before.
func post(t *testing.T, srvURL, path string, v url.Values, multipartForm bool) (*http.Response, *goquery.Document) {
	t.Helper()
	f := &fixture{srv: &httptest.Server{URL: srvURL}}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if multipartForm {
		return postMultipart(t, f, c, path, v, "", nil)
	}
	return postForm(t, f, c, path, v)
}

// tokenOf opens the form page at path and returns the token it carries.
func tokenOf(t *testing.T, srvURL, path string) string {
	t.Helper()
	_, doc := get(t, &http.Client{}, srvURL+path)
	token, _ := doc.Find("input[name=form_token]").Attr("value")
	if token == "" {
		t.Fatalf("%s carries no form token", path)
	}
	return token
}

func countCases(t *testing.T, db *store.DB) int {
	t.Helper()
	_, total, err := db.FindCases(context.Background(), disclosure.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

// TestAScriptThatNeverOpensTheFormGetsNoReceipt attacks the fill-time check as the issue did: POSTs straight to the
// form's address, without cookies, from many "addresses" at once; then with forged, borrowed, expired and future
// tokens, and too fast. A person who opens the form and takes their time gets the receipt, from any process.
func TestAScriptThatNeverOpensTheFormGetsNoReceipt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const minFill = 300 * time.Millisecond
	cfg := Config{MinFillTime: minFill, ApplyLimit: 1000, ApplyBurst: 1000}
	srv := formServer(t, f.db, cfg)
	path := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
	key, err := f.db.Secret(ctx, formTokenSecret)
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, 16)
	rand.Read(nonce)

	refused := func(t *testing.T, v url.Values, wantStatus int, want string) {
		t.Helper()
		before := countCases(t, f.db)
		resp, doc := post(t, srv.URL, path, v, true)
		if resp.StatusCode != wantStatus || !strings.Contains(text(doc, "p.error"), want) {
			t.Errorf("status %d, error %q; want %d with %q", resp.StatusCode, text(doc, "p.error"), wantStatus, want)
		}
		if doc.Find("#query-code").Length() != 0 || countCases(t, f.db) != before {
			t.Fatal("a receipt was issued")
		}
		if got := doc.Find("#description").Text(); !strings.Contains(got, "疫苗") {
			t.Errorf("the description was lost: %q", got)
		}
	}

	t.Run("200 posts without cookies or token from 40 goroutines get no receipt", func(t *testing.T) {
		// A server of its own: the flood uses up the address's allowance of rejections — in the database, which
		// every server shares, so it is filled again for the cases after this one.
		srv := formServer(t, f.db, cfg)
		t.Cleanup(func() { f.db.UnsafeExec(context.Background(), `DELETE FROM rate_limits`) })
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		for g := 0; g < 40; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					resp, doc := post(t, srv.URL, path, applyValues(), true)
					mu.Lock()
					statuses[resp.StatusCode]++
					if doc.Find("#query-code").Length() != 0 {
						statuses[-1]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		// The first 30 are told to reopen the form, the rest that they failed too often.
		if n := statuses[http.StatusBadRequest]; n < failedBurst || n > failedBurst+2 || n+statuses[http.StatusTooManyRequests] != 200 || statuses[-1] != 0 {
			t.Errorf("statuses %v, want 30 × 400, 170 × 429 and no receipt", statuses)
		}
		if n := countCases(t, f.db); n != 0 {
			t.Errorf("%d cases stored", n)
		}
	})
	t.Run("no token: the form is reopened with the fields kept and a fresh token", func(t *testing.T) {
		refused(t, applyValues(), http.StatusBadRequest, "表单已失效")
		_, doc := post(t, srv.URL, path, applyValues(), true)
		if tok, _ := doc.Find("input[name=form_token]").Attr("value"); tok == "" {
			t.Error("the reopened form carries no token")
		}
	})
	real := tokenOf(t, srv.URL, path)
	parts := strings.Split(real, ".")
	for _, tc := range []struct{ name, token string }{
		{"garbage", "abc"},
		{"a forged signature", parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))},
		{"another nonce under the real signature", parts[0] + "." + b64.EncodeToString(nonce) + "." + parts[2]},
		{"an earlier time under the real signature", "1000." + parts[1] + "." + parts[2]},
		{"signed with another key", signFormToken([]byte("not the deployment's key at all!"), "apply", time.Now().Add(-time.Minute), nonce)},
		{"the subscription form's token", signFormToken(key, "subscribe", time.Now().Add(-time.Minute), nonce)},
		{"expired: shown three hours ago", signFormToken(key, "apply", time.Now().Add(-3*time.Hour), nonce)},
		{"expired: shown 2 hours and a minute ago", signFormToken(key, "apply", time.Now().Add(-formTokenMaxAge-time.Minute), nonce)},
		{"from the future", signFormToken(key, "apply", time.Now().Add(10*time.Minute), nonce)},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			v := applyValues()
			v.Set(formTokenField, tc.token)
			refused(t, v, http.StatusBadRequest, "表单已失效")
		})
	}
	t.Run("refused: posted right after the form was shown", func(t *testing.T) {
		v := applyValues()
		v.Set(formTokenField, tokenOf(t, srv.URL, path))
		refused(t, v, http.StatusTooManyRequests, "提交过快")
	})
	t.Run("accepted: a person who takes their time, on another process, with no cookies", func(t *testing.T) {
		other, err := f.db.OpenAnother(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		second := formServer(t, other, cfg)
		v := applyValues()
		v.Set(formTokenField, tokenOf(t, srv.URL, path))
		time.Sleep(minFill + 50*time.Millisecond)
		resp, doc := post(t, second.URL, path, v, true)
		if resp.StatusCode != http.StatusOK || len(doc.Find("#query-code").Text()) != 12 {
			t.Fatalf("status %d, error %q", resp.StatusCode, text(doc, "p.error"))
		}
	})
	t.Run("accepted: a form shown an hour and 59 minutes ago", func(t *testing.T) {
		v := applyValues()
		v.Set(formTokenField, signFormToken(key, "apply", time.Now().Add(-119*time.Minute), nonce))
		if resp, doc := post(t, srv.URL, path, v, true); resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, error %q", resp.StatusCode, text(doc, "p.error"))
		}
	})
	t.Run("the subscription form: no token, forged or too fast is refused; a person is not", func(t *testing.T) {
		form := url.Values{"email": {"script@example.com"}, "keyword": {"疫苗"}}
		if resp, doc := post(t, srv.URL, "/subscribe", form, false); resp.StatusCode != http.StatusBadRequest || !strings.Contains(text(doc, "p.error"), "表单已失效") {
			t.Errorf("no token: %d %q", resp.StatusCode, text(doc, "p.error"))
		}
		form.Set(formTokenField, signFormToken(key, "apply", time.Now().Add(-time.Minute), nonce))
		if resp, _ := post(t, srv.URL, "/subscribe", form, false); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("the application form's token: %d", resp.StatusCode)
		}
		form.Set(formTokenField, tokenOf(t, srv.URL, "/subscribe"))
		if resp, doc := post(t, srv.URL, "/subscribe", form, false); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("too fast: %d %q", resp.StatusCode, text(doc, "p.error"))
		}
		time.Sleep(minFill + 50*time.Millisecond)
		if resp, doc := post(t, srv.URL, "/subscribe", form, false); resp.StatusCode != http.StatusOK {
			t.Errorf("a person: %d %q", resp.StatusCode, text(doc, "p.error"))
		}
	})
}

// TestTyposDoNotUseUpTheApplicationLimit: five applications with a wrong check digit in the ID number, then the
// corrected one is accepted; the limit of accepted applications still holds, also for 20 sent at once; and a
// stream of rejected submissions is stopped by its own, more generous limit.
func TestTyposDoNotUseUpTheApplicationLimit(t *testing.T) {
	f := newFixture(t)
	path := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
	typo := func() url.Values {
		v := applyValues()
		v.Set("id_number", "370124198001010010")
		return v
	}
	send := func(t *testing.T, srvURL string, v url.Values) int {
		t.Helper()
		v.Set(formTokenField, tokenOf(t, srvURL, path))
		resp, _ := post(t, srvURL, path, v, true)
		return resp.StatusCode
	}
	// The default limits: 5 applications at once, then one every 2 minutes.
	defaults := Config{MinFillTime: -1}

	t.Run("five typos, then the corrected form is accepted", func(t *testing.T) {
		srv := formServer(t, f.db, defaults)
		for i := 0; i < 5; i++ {
			if got := send(t, srv.URL, typo()); got != http.StatusUnprocessableEntity {
				t.Fatalf("typo %d: %d, want 422", i+1, got)
			}
		}
		if got := send(t, srv.URL, applyValues()); got != http.StatusOK {
			t.Fatalf("the corrected form: %d, want 200", got)
		}
		// Four more are accepted, the sixth accepted one is over the limit.
		for i := 0; i < 4; i++ {
			if got := send(t, srv.URL, applyValues()); got != http.StatusOK {
				t.Fatalf("application %d: %d", i+2, got)
			}
		}
		if got := send(t, srv.URL, applyValues()); got != http.StatusTooManyRequests {
			t.Errorf("the sixth application: %d, want 429", got)
		}
	})
	t.Run("of 20 applications sent at once, 5 are accepted", func(t *testing.T) {
		srv := formServer(t, f.db, defaults)
		before := countCases(t, f.db)
		tokens := make([]string, 20)
		for i := range tokens {
			tokens[i] = tokenOf(t, srv.URL, path)
		}
		var wg sync.WaitGroup
		codes := make([]int, len(tokens))
		for i := range tokens {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := applyValues()
				v.Set(formTokenField, tokens[i])
				resp, _ := post(t, srv.URL, path, v, true)
				codes[i] = resp.StatusCode
			}()
		}
		wg.Wait()
		ok := 0
		for _, c := range codes {
			if c == http.StatusOK {
				ok++
			} else if c != http.StatusTooManyRequests {
				t.Errorf("status %d", c)
			}
		}
		if n := countCases(t, f.db) - before; ok != 5 || n != 5 {
			t.Errorf("%d accepted, %d stored; want 5", ok, n)
		}
	})
	t.Run("rejected submissions have their own limit: 30, then 429", func(t *testing.T) {
		srv := formServer(t, f.db, defaults)
		for i := 0; i < failedBurst; i++ {
			if got := send(t, srv.URL, typo()); got != http.StatusUnprocessableEntity {
				t.Fatalf("typo %d: %d, want 422", i+1, got)
			}
		}
		v := applyValues()
		v.Set(formTokenField, tokenOf(t, srv.URL, path))
		resp, doc := post(t, srv.URL, path, v, true)
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(text(doc, "p.error"), "未成功的提交较多") {
			t.Errorf("after 30 rejections: %d %q", resp.StatusCode, text(doc, "p.error"))
		}
	})
	t.Run("subscriptions: typos do not use up the limit either", func(t *testing.T) {
		srv := formServer(t, f.db, defaults)
		for i := 0; i < 6; i++ {
			v := url.Values{"email": {"wang.example.com"}, "agency": {"2"}}
			v.Set(formTokenField, tokenOf(t, srv.URL, "/subscribe"))
			if resp, _ := post(t, srv.URL, "/subscribe", v, false); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("typo %d: %d", i+1, resp.StatusCode)
			}
		}
		v := url.Values{"email": {"wang@example.com"}, "agency": {"2"}}
		v.Set(formTokenField, tokenOf(t, srv.URL, "/subscribe"))
		if resp, doc := post(t, srv.URL, "/subscribe", v, false); resp.StatusCode != http.StatusOK {
			t.Errorf("the corrected subscription: %d %q", resp.StatusCode, text(doc, "p.error"))
		}
	})
}

// TestAnonymousVisitsWriteNoSession: 100 visits of the portal's pages, with and without a cookie jar, the reading
// settings changed on the way, write no session row; the pages work. A session appears only when something must be
// remembered: a staff sign-in, an applicant's access to the case just submitted.
func TestAnonymousVisitsWriteNoSession(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	it := f.publish(t, f.health, disclosure.Item{Title: "关于做好疫苗接种工作的通知", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination",
		Body: "<p>疫苗接种点见附件。</p>"}, "2026-03-02")
	pages := []string{"/", "/agencies/2/", fmt.Sprintf("/items/%d", it.ID), "/agencies/2/apply", "/search?q=" + url.QueryEscape("疫苗"),
		"/agencies/2/search?q=" + url.QueryEscape("疫苗"), "/catalogue", "/agencies/2/guide", "/subscribe", "/track", "/agencies/2/apply?kind=correction"}
	count := func() int {
		t.Helper()
		n, err := f.db.Sessions().Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	browser, script := f.client(t), &http.Client{}
	for i := 0; i < 100; i++ {
		c := browser
		if i%2 == 1 {
			c = script
		}
		if i == 10 {
			get(t, browser, f.srv.URL+"/prefs?size=large&care=1&back=/")
		}
		p := pages[i%len(pages)]
		resp, doc := get(t, c, f.srv.URL+p)
		if resp.StatusCode != http.StatusOK || doc.Find("main").Length() == 0 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s sets cookies: %v", p, resp.Header.Values("Set-Cookie"))
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("%d session rows after 100 anonymous visits, want 0", n)
	}
	// The settings are remembered without a session.
	if _, doc := get(t, browser, f.srv.URL+"/"); doc.Find("html.care.size-large").Length() != 1 {
		t.Error("关怀版 and 字号 are not remembered")
	}
	// What must be remembered is.
	applicant := f.client(t)
	path := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
	if resp, doc := postMultipart(t, f, applicant, path, withFormToken(t, f, applicant, path, applyValues()), "", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("apply: %d %q", resp.StatusCode, text(doc, "p.error"))
	}
	if n := count(); n != 1 {
		t.Errorf("%d sessions after an application, want 1 (the applicant's access to the case)", n)
	}
	f.signIn(t, f.client(t), "officer", password)
	if n := count(); n != 2 {
		t.Errorf("%d sessions after a sign-in, want 2", n)
	}
}

// offSite are "back" addresses that a browser would follow to another host, or that are no path at all.
var offSite = []string{
	"//evil.example/", "///evil.example/", "/\\evil.example/", "\\\\evil.example/", "\\/evil.example/", "/\t/evil.example/",
	"/\t/127.0.0.1/PHISH", "/\n/evil.example/", "/\r\n/evil.example/", "\t//evil.example/", " //evil.example/", "//evil.example/ ",
	"\x00//evil.example/", "/\x00/evil.example/", "/\x0b/evil.example/", "\x7f//evil.example/",
	"http://evil.example/", "https:evil.example", "HTTPS://evil.example/", "//user@evil.example/", "http:/\\evil.example",
	"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
	"evil.example", "", " ", "?/", "#x", "%2F%2Fevil.example",
}

func TestSafeBackAcceptsOnlyAPathOfThisSite(t *testing.T) {
	for _, p := range offSite {
		if got := safeBack(p); got != "/" {
			t.Errorf("safeBack(%q) = %q, want \"/\"", p, got)
		}
	}
	for p, want := range map[string]string{
		"/":                    "/",
		"/agencies/2/":         "/agencies/2/",
		"/search?q=疫苗&page=2":  "/search?q=疫苗&page=2",
		"/items/7#h-files":     "/items/7#h-files",
		"/%2F%2Fevil.example/": "/%2F%2Fevil.example/",
		" /agencies/2/ ":       "/agencies/2/",
		"/agencies\\2/":        "/agencies/2/",
	} {
		if got := safeBack(p); got != want {
			t.Errorf("safeBack(%q) = %q, want %q", p, got, want)
		}
	}
}

// browserResolve resolves a Location header against the page as a browser does: tabs and line breaks dropped,
// spaces and controls at the ends trimmed, backslashes read as slashes.
func browserResolve(t *testing.T, base *url.URL, loc string) *url.URL {
	t.Helper()
	loc = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
	loc = strings.TrimFunc(loc, func(r rune) bool { return r <= ' ' })
	ref, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("Location %q does not parse: %v", loc, err)
	}
	return base.ResolveReference(ref)
}

// TestPrefsDoesNotRedirectOffSite attacks /prefs with every variant: the Location it answers, resolved against the
// portal's address as Go and as a browser read it, stays on the portal.
func TestPrefsDoesNotRedirectOffSite(t *testing.T) {
	f := newFixture(t)
	base, _ := url.Parse("http://127.0.0.1:8080/agencies/2/")
	// The transport, not a client: a client parses the Location itself and would fail on what a browser follows.
	roundTrip := func(u string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := roundTrip(f.srv.URL + "/prefs?size=large&back=/%09/127.0.0.1/PHISH")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
		t.Errorf("/prefs?size=large&back=/%%09/127.0.0.1/PHISH: %d Location %q, want 303 \"/\"", resp.StatusCode, loc)
	}
	for _, p := range append(offSite, "/agencies/2/", "/%2F%2Fevil.example/", "/.//evil.example/", "/..//evil.example/") {
		resp := roundTrip(f.srv.URL + "/prefs?" + url.Values{"size": {"large"}, "back": {p}}.Encode())
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/") {
			t.Errorf("back=%q: %d Location %q", p, resp.StatusCode, loc)
			continue
		}
		ref, err := url.Parse(loc)
		if err != nil {
			t.Errorf("back=%q: Location %q: %v", p, loc, err)
			continue
		}
		for _, u := range []*url.URL{base.ResolveReference(ref), browserResolve(t, base, loc)} {
			if u.Scheme != "http" || u.Host != base.Host {
				t.Errorf("back=%q: Location %q leads to %s", p, loc, u)
			}
		}
	}
}

// TestTrackRefusesOversizedBodies: the status lookup and the applicant's correction read short fields; a script
// that sends megabytes (as a form value or as a multipart file, which Go would spill to disk) is refused with 413
// before the body is read, and nothing is stored.
func TestTrackRefusesOversizedBodies(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	send := func(t *testing.T, c *http.Client, path, contentType string, body io.Reader) (*http.Response, *goquery.Document) {
		t.Helper()
		return postBody(t, f, c, path, contentType, body)
	}
	big := strings.Repeat("x", 2<<20)
	t.Run("a lookup with a 2 MB password", func(t *testing.T) {
		resp, doc := send(t, f.client(t), "/track", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"code": {"ABCDEFGHJKMN"}, "secret": {big}}.Encode()))
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(text(doc, "p.error"), "过大") {
			t.Errorf("%d %q, want 413", resp.StatusCode, text(doc, "p.error"))
		}
	})
	t.Run("a lookup with a 20 MB multipart file", func(t *testing.T) {
		body := "--b\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\nABCDEFGHJKMN\r\n" +
			"--b\r\nContent-Disposition: form-data; name=\"secret\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
			strings.Repeat(big, 10) + "\r\n--b--\r\n"
		resp, _ := send(t, f.client(t), "/track", "multipart/form-data; boundary=b", strings.NewReader(body))
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%d, want 413", resp.StatusCode)
		}
	})
	t.Run("the applicant's correction with a 2 MB note", func(t *testing.T) {
		applicant := f.client(t)
		path := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
		_, receipt := postMultipart(t, f, applicant, path, withFormToken(t, f, applicant, path, applyValues()), "", nil)
		code := receipt.Find("#query-code").Text()
		c, err := f.db.GetCaseByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		resp, doc := send(t, applicant, "/track/"+code+"/fix", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"note": {big}}.Encode()))
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(text(doc, "p.error, .error"), "过大") {
			t.Errorf("%d %q, want 413", resp.StatusCode, text(doc, "p.error, .error"))
		}
		if events, _ := f.db.CaseEvents(ctx, c.ID); len(events) != 1 {
			t.Errorf("%d events, want only the registration", len(events))
		}
		// The lookup still works for what fits.
		if resp, _ := send(t, f.client(t), "/track", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"code": {code}, "secret": {"wrongwrong"}}.Encode())); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("a wrong password: %d, want 401", resp.StatusCode)
		}
	})
}

// FuzzSafeBack: whatever "back" holds, the address given to the browser is "/" or a path of this site that a
// browser, after dropping tabs and line breaks and reading backslashes as slashes, resolves to this host.
func FuzzSafeBack(f *testing.F) {
	for _, p := range offSite {
		f.Add(p)
	}
	f.Add("/agencies/2/")
	f.Add("/search?q=疫苗")
	base, _ := url.Parse("http://127.0.0.1:8080/agencies/2/")
	f.Fuzz(func(t *testing.T, p string) {
		got := safeBack(p)
		if got == "/" {
			return
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsFunc(got, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' }) {
			t.Fatalf("safeBack(%q) = %q", p, got)
		}
		if u := browserResolve(t, base, got); u.Host != base.Host || u.Scheme != base.Scheme {
			t.Fatalf("safeBack(%q) = %q leads to %s", p, got, u)
		}
	})
}

func TestLimitKeyIsTheIPv6Network(t *testing.T) {
	for addr, want := range map[string]string{
		"192.0.2.1":                  "192.0.2.1",
		"::ffff:192.0.2.1":           "192.0.2.1",
		"[2001:db8:1:2::1]":          "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::9":  "2001:db8:1:2::/64",
		"[fe80::1%eth0]":             "fe80::/64",
		"2001:db8:1:3::1":            "2001:db8:1:3::/64",
		"not an address":             "not an address",
		"[2001:db8:1:2::1]:ignored?": "[2001:db8:1:2::1]:ignored?",
	} {
		if got := limitKey(addr); got != want {
			t.Errorf("limitKey(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestIPv6AddressesOfOneNetworkShareTheLimits: a client with an IPv6 /64 sends each request from another of its
// 2^64 addresses; the limits of the application form and the status lookup hold all the same.
func TestIPv6AddressesOfOneNetworkShareTheLimits(t *testing.T) {
	f := newFixture(t)
	h, err := NewServer(f.db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Site: "测试门户", PasswordParams: cheap, MinFillTime: -1})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
	serve := func(req *http.Request, remote string) *httptest.ResponseRecorder {
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	apply := func(remote string) int {
		t.Helper()
		doc, _ := goquery.NewDocumentFromReader(serve(httptest.NewRequest("GET", path, nil), remote).Body)
		token, _ := doc.Find("input[name=form_token]").Attr("value")
		var body strings.Builder
		mw := multipart.NewWriter(&body)
		v := applyValues()
		v.Set(formTokenField, token)
		for k, vs := range v {
			for _, x := range vs {
				mw.WriteField(k, x)
			}
		}
		mw.Close()
		req := httptest.NewRequest("POST", path, strings.NewReader(body.String()))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return serve(req, remote).Code
	}
	for i := 1; i <= 5; i++ {
		if got := apply(fmt.Sprintf("[2001:db8:1:2::%x]:40000", i)); got != http.StatusOK {
			t.Fatalf("application %d: %d", i, got)
		}
	}
	if got := apply("[2001:db8:1:2:ffff:ffff:ffff:ffff]:40000"); got != http.StatusTooManyRequests {
		t.Errorf("the sixth application from the same /64: %d, want 429", got)
	}
	if got := apply("[2001:db8:1:3::1]:40000"); got != http.StatusOK {
		t.Errorf("an application from another network: %d, want 200", got)
	}
	lookup := func(remote string) int {
		req := httptest.NewRequest("POST", "/track", strings.NewReader(url.Values{"code": {"ABCDEFGHJKMN"}, "secret": {"wrongwrong"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return serve(req, remote).Code
	}
	codes := map[int]int{}
	for i := 1; i <= 30; i++ {
		codes[lookup(fmt.Sprintf("[2001:db8:9:9:%x::1]:1", i))]++
	}
	if codes[http.StatusUnauthorized] != 10 || codes[http.StatusTooManyRequests] != 20 {
		t.Errorf("lookups from 30 addresses of one /64: %v, want 10 answered and 20 refused", codes)
	}
}

// Behind a balancer the processes share one allowance: two portals on one database let in the burst once, not once
// each (issue 14, item 3).
func TestTwoProcessesShareTheApplicationLimit(t *testing.T) {
	f := newFixture(t)
	other, err := f.db.OpenAnother(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	cfg := Config{MinFillTime: -1, ApplyLimit: rate.Every(time.Hour), ApplyBurst: 2}
	a := formServer(t, f.db, cfg)
	b := formServer(t, other, cfg)
	path := fmt.Sprintf("/agencies/%d/apply", f.health.ID)
	send := func(srvURL string) int {
		v := applyValues()
		v.Set(formTokenField, tokenOf(t, srvURL, path))
		resp, _ := post(t, srvURL, path, v, true)
		return resp.StatusCode
	}
	for i, srv := range []string{a.URL, b.URL} {
		if got := send(srv); got != http.StatusOK {
			t.Fatalf("application %d: %d, want 200", i+1, got)
		}
	}
	for i, srv := range []string{a.URL, b.URL} {
		if got := send(srv); got != http.StatusTooManyRequests {
			t.Errorf("application %d, beyond the shared burst of 2, through process %d: %d, want 429", i+3, i+1, got)
		}
	}
}
