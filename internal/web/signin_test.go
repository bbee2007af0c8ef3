package web

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
)

// behindProxy: the test server's clients connect from 127.0.0.1, which the server trusts as its reverse proxy, so
// that a request can come from any address through X-Forwarded-For, as requests through a real proxy do.
func behindProxy(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} }

// databases are the two engines the sign-in attacks run against.
var databases = map[string]func(*testing.T) string{
	"sqlite":   func(t *testing.T) string { return t.TempDir() },
	"postgres": func(t *testing.T) string { return pgtest.NewDatabase(t) },
}

// attempt posts one sign-in from the client address from and returns the status, the message shown and the
// Retry-After header.
func (f *fixture) attempt(t *testing.T, from, user, pw string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+"/console/login", strings.NewReader(url.Values{"username": {user}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.srv.URL)
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	resp, err := f.client(t).Do(req)
	if err != nil {
		t.Error(err)
		return 0, "", ""
	}
	defer resp.Body.Close()
	doc, _ := goquery.NewDocumentFromReader(resp.Body)
	return resp.StatusCode, strings.TrimSpace(doc.Find("p.error").Text()), resp.Header.Get("Retry-After")
}

// The attack of issue 11: 60 wrong passwords sent 30 at a time (from 60 addresses, so that only the account's
// lockout stands in the way), with the right password at position 41. Counting a failure from a count read
// before the password check let every request in flight overwrite the lock, and the right password signed in.
func TestParallelGuessesLockTheAccount(t *testing.T) {
	for name, dsn := range databases {
		t.Run(name, func(t *testing.T) {
			f := newFixtureWith(t, dsn(t), behindProxy)
			jobs := make(chan int)
			status := make([]int, 60)
			msgs := make([]string, 60)
			var wg sync.WaitGroup
			for range 30 {
				wg.Go(func() {
					for i := range jobs {
						pw := fmt.Sprintf("wrong-%d", i)
						if i == 40 {
							pw = password
						}
						status[i], msgs[i], _ = f.attempt(t, fmt.Sprintf("198.51.100.%d", i+1), "officer", pw)
					}
				})
			}
			for i := range 60 {
				jobs <- i
			}
			close(jobs)
			wg.Wait()
			if status[40] == http.StatusSeeOther {
				t.Fatal("the right password at position 41 signed in during the attack")
			}
			if !strings.Contains(msgs[40], "已暂时锁定") {
				t.Errorf("position 41: %d %q, want the lock message", status[40], msgs[40])
			}
			u, _ := f.db.GetUserByUsername(context.Background(), "officer")
			if u.LockedUntil == nil || !u.LockedUntil.After(time.Now().Add(14*time.Minute)) {
				t.Errorf("the account is not locked: %v", u.LockedUntil)
			}
			locked := 0
			for i, m := range msgs {
				if status[i] != http.StatusUnauthorized {
					t.Errorf("attempt %d: status %d", i+1, status[i])
				}
				if strings.Contains(m, "已暂时锁定") {
					locked++
				}
			}
			if locked < 55 {
				t.Errorf("only %d of 60 answers say the account is locked, want at least 55", locked)
			}
			entries, _ := f.db.ListAudit(context.Background(), store.AuditFilter{Action: "user.locked", Limit: 10})
			if len(entries) != 1 || !strings.HasPrefix(entries[0].RemoteAddr, "198.51.100.") {
				t.Errorf("user.locked entries %+v, want 1 from the client behind the proxy", entries)
			}
		})
	}
}

// The lock message names the end of the lock in Beijing time, whatever the server's zone, and is the same for a
// user name that is no account: five guesses at a name do not tell whether it exists.
func TestLockMessageIsTheSameForUnknownNames(t *testing.T) {
	for name, dsn := range databases {
		t.Run(name, func(t *testing.T) {
			lockMessageIsTheSame(t, newFixtureWith(t, dsn(t), func(c *Config) { c.AddressLimit = 100 }))
		})
	}
}

func lockMessageIsTheSame(t *testing.T, f *fixture) {
	at := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	f.db.SetClock(func() time.Time { return at })
	f.server.now = func() time.Time { return at }
	answers := func(user string) []string {
		var out []string
		for range 6 {
			code, msg, _ := f.attempt(t, "", user, "wrong-password")
			out = append(out, fmt.Sprint(code, " ", msg))
		}
		return out
	}
	real, ghost := answers("officer"), answers("no-such-user")
	for i := range real {
		if real[i] != ghost[i] {
			t.Errorf("answer %d differs: account %q, unknown name %q", i+1, real[i], ghost[i])
		}
	}
	want := "401 登录失败次数过多，账号已暂时锁定，请于 10:15（北京时间）后再试或联系安全管理员"
	if real[4] != want || real[5] != want {
		t.Errorf("fifth and sixth answers %q %q, want %q", real[4], real[5], want)
	}
	if real[0] != "401 用户名或密码不正确" {
		t.Errorf("first answer %q", real[0])
	}
	// A disabled account is answered as a name that is no account.
	u, _ := f.db.GetUserByUsername(context.Background(), "reviewer")
	u.Disabled = true
	if err := f.db.UpdateUser(context.Background(), disclosure.SystemActor, u); err != nil {
		t.Fatal(err)
	}
	if got := answers("reviewer"); got[0] != real[0] || got[5] != want {
		t.Errorf("disabled account: %q", got)
	}
	// Names no account can have are answered alike, not with an error.
	for _, name := range []string{strings.Repeat("长", 5000), "bad\xff\xfeutf8", ""} {
		if code, msg, _ := f.attempt(t, "", name, "wrong-password"); code != http.StatusUnauthorized || msg != "用户名或密码不正确" {
			t.Errorf("name %.20q: %d %q", name, code, msg)
		}
	}
}

// Guessing across accounts from one address: after 20 failures in 15 minutes the address is refused (429 with
// Retry-After) before any password is checked; other addresses are not, and X-Forwarded-For from a client that
// is not a trusted proxy does not give it a fresh address.
func TestFailuresPerAddressAreLimitedAcrossAccounts(t *testing.T) {
	f := newFixtureWith(t, t.TempDir(), behindProxy)
	for i := range 20 {
		if code, _, _ := f.attempt(t, "203.0.113.5", fmt.Sprintf("user%d", i), "guess"); code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, code)
		}
	}
	code, msg, retry := f.attempt(t, "203.0.113.5", "officer", password)
	if code != http.StatusTooManyRequests || retry == "" || !strings.Contains(msg, "（北京时间）后再试") {
		t.Errorf("21st attempt: %d %q Retry-After %q", code, msg, retry)
	}
	if code, _, _ := f.attempt(t, "203.0.113.6", "officer", password); code != http.StatusSeeOther {
		t.Errorf("another address: %d", code)
	}
	// Successful sign-ins are no failures: an office behind one address signs in all day.
	for range 30 {
		if code, _, _ := f.attempt(t, "203.0.113.7", "officer", password); code != http.StatusSeeOther {
			t.Fatalf("a colleague behind the same address: %d", code)
		}
	}

	direct := newFixture(t) // no trusted proxy: the header is the attacker's own
	for i := range 25 {
		direct.attempt(t, fmt.Sprintf("192.0.2.%d", i), fmt.Sprintf("user%d", i), "guess")
	}
	if code, _, _ := direct.attempt(t, "192.0.2.200", "officer", password); code != http.StatusTooManyRequests {
		t.Errorf("a forged X-Forwarded-For escaped the limit: %d", code)
	}
}

// 100 concurrent sign-ins, for unknown names and a real account: no more password checks run at once than the
// gate allows, and with one slot and a short wait the rest are answered 503 with Retry-After, in Chinese.
func TestConcurrentSignInsAreBoundedByTheHashGate(t *testing.T) {
	flood := func(t *testing.T, f *fixture) map[int]int {
		var mu sync.Mutex
		codes := map[int]int{}
		var wg sync.WaitGroup
		for i := range 100 {
			wg.Go(func() {
				user := fmt.Sprintf("ghost%d", i)
				if i%4 == 0 {
					user = "officer"
				}
				code, msg, retry := f.attempt(t, fmt.Sprintf("10.9.%d.%d", i/250, i%250+1), user, "wrong-password")
				if code == http.StatusServiceUnavailable && (retry == "" || !strings.Contains(msg, "请稍候")) {
					t.Errorf("503 without Retry-After or message: %q %q", retry, msg)
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			})
		}
		wg.Wait()
		return codes
	}
	t.Run("two slots", func(t *testing.T) {
		f := newFixtureWith(t, t.TempDir(), func(c *Config) { behindProxy(c); c.HashSlots = 2 })
		f.server.hashes.observe(5 * time.Millisecond)
		codes := flood(t, f)
		if peak := f.server.hashes.peak.Load(); peak < 1 || peak > 2 {
			t.Errorf("peak concurrent checks %d, bound 2", peak)
		}
		if codes[http.StatusUnauthorized] != 100 {
			t.Errorf("answers %v, want 100 × 401", codes)
		}
	})
	t.Run("one slot and a short wait", func(t *testing.T) {
		f := newFixtureWith(t, t.TempDir(), func(c *Config) { behindProxy(c); c.HashSlots = 1; c.HashWait = 20 * time.Millisecond })
		// Checks here take 50 ms (as argon2id's 64 MiB take on a busy server): unknown names wait as long.
		f.server.hashes.observe(50 * time.Millisecond)
		codes := flood(t, f)
		if peak := f.server.hashes.peak.Load(); peak != 1 {
			t.Errorf("peak concurrent checks %d, bound 1", peak)
		}
		if codes[http.StatusServiceUnavailable] == 0 || codes[http.StatusUnauthorized] == 0 || codes[http.StatusServiceUnavailable]+codes[http.StatusUnauthorized] != 100 {
			t.Errorf("answers %v, want some 401 and some 503", codes)
		}
		// Being turned away as busy is no failure of the address.
		if code, _, _ := f.attempt(t, "10.9.0.1", "officer", "wrong-again"); code == http.StatusTooManyRequests {
			t.Error("busy answers counted against the address")
		}
	})
}

// A second-factor code signs in once: replayed within its 90 seconds (from a proxy's log, over a shoulder) it is
// refused, and the refusal counts as a failure.
func TestTOTPCodeIsAcceptedOnce(t *testing.T) {
	f := newFixture(t)
	code, _ := auth.TOTPCode(totpSecret, time.Now())
	form := url.Values{"username": {"secadmin"}, "password": {password}, "code": {code}}
	if resp := f.postLogin(t, f.client(t), form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first use: %d", resp.StatusCode)
	}
	resp := f.postLogin(t, f.client(t), form)
	doc, _ := goquery.NewDocumentFromReader(resp.Body)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(doc.Find("p.error").Text(), "已经用过") {
		t.Errorf("replayed code: %d %q", resp.StatusCode, doc.Find("p.error").Text())
	}
	if u, _ := f.db.GetUserByUsername(context.Background(), "secadmin"); u.FailedLogins != 1 {
		t.Errorf("the replay was not counted as a failure: %d", u.FailedLogins)
	}
	next, _ := auth.TOTPCode(totpSecret, time.Now().Add(30*time.Second))
	form.Set("code", next)
	if resp := f.postLogin(t, f.client(t), form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the next code: %d", resp.StatusCode)
	}
}

// Changing the password ends every other session of the account (a stolen session cookie stops working), in this
// process and in any other, and keeps the one that changed it.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	f := newFixture(t)
	mine, stolen, colleague := f.client(t), f.client(t), f.client(t)
	f.signIn(t, mine, "officer", password)
	f.signIn(t, stolen, "officer", password)
	f.signIn(t, colleague, "reviewer", password)
	req, _ := http.NewRequest("POST", f.srv.URL+"/console/password", strings.NewReader(url.Values{"current": {password}, "new": {"Better-Pass-2027"}, "confirm": {"Better-Pass-2027"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", f.srv.URL)
	if resp, err := mine.Do(req); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %v %v", resp, err)
	}
	if resp, _ := get(t, stolen, f.srv.URL+"/console/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/login" {
		t.Errorf("the other session still works: %d", resp.StatusCode)
	}
	if resp, _ := get(t, mine, f.srv.URL+"/console/"); resp.StatusCode != http.StatusOK {
		t.Errorf("the session that changed the password ended: %d", resp.StatusCode)
	}
	if resp, _ := get(t, colleague, f.srv.URL+"/console/"); resp.StatusCode != http.StatusOK {
		t.Errorf("another account's session ended: %d", resp.StatusCode)
	}
	// A reset by the security administrator (gongkai user reset-password) ends the account's sessions too.
	u, _ := f.db.GetUserByUsername(context.Background(), "officer")
	hash, _ := auth.HashPassword("Reset-Pass-2027", cheap)
	if err := f.db.SetPassword(context.Background(), disclosure.SystemActor, u.ID, hash, true); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, mine, f.srv.URL+"/console/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/console/login" {
		t.Errorf("a session outlived a reset: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// A stolen session cannot guess the account's password on the change form: wrong current passwords count as
// failed sign-ins and lock it, and a locked account's password cannot be changed, not even with the right one.
func TestPasswordFormGuessesCountTowardsTheLock(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	f.signIn(t, c, "officer", password)
	post := func(cur string) (int, string) {
		req, _ := http.NewRequest("POST", f.srv.URL+"/console/password", strings.NewReader(url.Values{"current": {cur}, "new": {"Better-Pass-2027"}, "confirm": {"Better-Pass-2027"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.srv.URL)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		doc, _ := goquery.NewDocumentFromReader(resp.Body)
		return resp.StatusCode, doc.Find("p.error").Text()
	}
	for i := range 5 {
		post(fmt.Sprintf("guess-%d", i))
	}
	if code, msg := post(password); code == http.StatusSeeOther || !strings.Contains(msg, "已暂时锁定") {
		t.Errorf("the right current password after 5 guesses: %d %q", code, msg)
	}
	if u, _ := f.db.GetUserByUsername(context.Background(), "officer"); u.LockedUntil == nil {
		t.Error("guesses on the password form did not lock the account")
	}
}

// An account whose initial (or reset) password was never replaced cannot use its API tokens: whoever set that
// password could.
func TestAPITokensNeedAReplacedInitialPassword(t *testing.T) {
	f := newFixture(t)
	token := f.tokenFor(t, "officer", auth.Scopes...)
	if code, _ := f.api(t, "GET", "/api/v1/agencies", token, nil); code != http.StatusOK {
		t.Fatalf("before the reset: %d", code)
	}
	u, _ := f.db.GetUserByUsername(context.Background(), "officer")
	if err := f.db.SetPassword(context.Background(), disclosure.SystemActor, u.ID, u.PasswordHash, true); err != nil {
		t.Fatal(err)
	}
	code, out := f.api(t, "GET", "/api/v1/agencies", token, nil)
	if detail, _ := out["detail"].(string); code != http.StatusUnauthorized || !strings.Contains(detail, "初始密码") {
		t.Errorf("token of an account with an initial password: %d %v", code, out)
	}
}

// Cookies are Secure whenever the portal's address is https, without a separate switch.
func TestCookiesAreSecureOnAnHTTPSPortal(t *testing.T) {
	for base, want := range map[string]bool{"HTTPS://gongkai.example.gov.cn/": true, "http://10.0.0.5:8080": false} {
		f := newFixtureWith(t, t.TempDir(), func(c *Config) { c.BaseURL = base })
		resp := f.signIn(t, f.client(t), "officer", password)
		prefs, err := f.client(t).Get(f.srv.URL + "/prefs?care=1&back=/")
		if err != nil {
			t.Fatal(err)
		}
		cookies := append(resp.Cookies(), prefs.Cookies()...)
		if len(cookies) < 2 {
			t.Fatalf("%s: cookies %v", base, cookies)
		}
		for _, c := range cookies {
			if c.Secure != want {
				t.Errorf("base URL %q: cookie %s Secure=%v", base, c.Name, c.Secure)
			}
		}
		if hsts := prefs.Header.Get("Strict-Transport-Security") != ""; hsts != want {
			t.Errorf("base URL %q: Strict-Transport-Security %v", base, hsts)
		}
	}
}

func TestBeijingTime(t *testing.T) {
	now := time.Date(2026, 12, 7, 15, 30, 0, 0, time.UTC) // 23:30 in Beijing
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(15 * time.Minute), "23:45"},
		{now.Add(45 * time.Minute), "12月8日 00:15"},
	} {
		if got := beijingTime(tc.at, now); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.at, got, tc.want)
		}
	}
}
