package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/jobs"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/webhook"
	"github.com/gongkai/gongkai/internal/workday"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var admin = disclosure.Actor{Name: "系统管理员", Role: "sysadmin", RemoteAddr: "127.0.0.1"}

// clock is a simulated clock shared by the store and the deliverer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openSQLite(t testing.TB, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func mustAgency(t testing.TB, db *store.DB) *disclosure.Agency {
	t.Helper()
	a := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府", DivisionCode: "370124"}
	if err := db.CreateAgency(context.Background(), admin, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// residentID returns an ID number with a valid check digit.
func residentID(n int) string {
	body := fmt.Sprintf("3701241980%02d%02d%03d", 1+n%12, 1+n%28, n%1000)
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// mustRegister registers an application at the agency: a case.registered event.
func mustRegister(t testing.TB, db *store.DB, a *disclosure.Agency, n int) {
	t.Helper()
	received, _ := workday.ParseDate("2026-03-02")
	app := disclosure.Application{Kind: disclosure.DisclosureRequest, Channel: disclosure.Letter, ReceivedOn: received, SecretHash: "h",
		Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, Name: fmt.Sprintf("申请人%d", n), IDNumber: residentID(n), Phone: "13800000000"},
		Request:   disclosure.Request{Description: fmt.Sprintf("第%d项信息", n), Forms: []string{"电子文档"}, Delivery: []string{"电子邮件"}}}
	env := casework.Env{Calendar: workday.Default(), Agency: a, BaseURL: "https://gk.example.gov.cn"}
	_, err := db.CreateCase(context.Background(), admin, func(ctx context.Context, tx store.CaseBuildTx) (*disclosure.CaseChange, error) {
		c, ev, err := casework.NewCase(casework.Intake{App: app, Actor: casework.Actor{Who: casework.ByOfficer, Name: "张公开"}, Today: received, Now: time.Now()}, env, nil)
		if err != nil {
			return nil, err
		}
		return &disclosure.CaseChange{Case: *c, Event: ev}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func mustSubscribe(t testing.TB, db *store.DB, url string) *store.WebhookSubscription {
	t.Helper()
	s := &store.WebhookSubscription{URL: url, Kinds: []string{store.WebhookCaseRegistered}}
	if err := db.CreateWebhook(context.Background(), admin, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// receiver is a subscriber's endpoint: it verifies every request by the specification's algorithm, written out
// here independently of the package, and counts the acknowledged (2xx) deliveries per Webhook-Id.
type receiver struct {
	t      *testing.T
	secret string
	now    func() time.Time
	// answer decides the status of a request; 0 drops the connection without an answer.
	answer func() int

	mu     sync.Mutex
	acked  map[string]int
	seen   map[string]int
	events map[string]webhook.Payload
}

func newReceiver(t *testing.T, now func() time.Time) *receiver {
	return &receiver{t: t, now: now, answer: func() int { return 200 }, acked: map[string]int{}, seen: map[string]int{}, events: map[string]webhook.Payload{}}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id, ts, sig := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(rc.secret, "whsec_"))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	if want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)); sig != want {
		rc.t.Errorf("signature %q, want %q", sig, want)
	}
	if err := webhook.Verify(rc.secret, r.Header, body, rc.now(), 5*time.Minute); err != nil {
		rc.t.Errorf("Verify: %v", err)
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil || p.ID != id || p.Kind == "" || len(p.Data) == 0 {
		rc.t.Errorf("body %s: %v", body, err)
	}
	status := rc.answer()
	rc.mu.Lock()
	rc.seen[id]++
	if status >= 200 && status < 300 {
		rc.acked[id]++
		rc.events[id] = p
	}
	rc.mu.Unlock()
	if status == 0 {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return
	}
	w.WriteHeader(status)
	fmt.Fprint(w, "服务维护中")
}

func (rc *receiver) counts() (acked, seen map[string]int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	a, s := map[string]int{}, map[string]int{}
	for k, v := range rc.acked {
		a[k] = v
	}
	for k, v := range rc.seen {
		s[k] = v
	}
	return a, s
}

func TestSignatureMatchesTheStandardWebhooksVector(t *testing.T) {
	// The specification's published example (standardwebhooks.com, and Svix's libraries' tests).
	sig, err := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil || sig != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Fatalf("sign = %q, %v", sig, err)
	}
	h := http.Header{}
	h.Set(webhook.HeaderID, "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set(webhook.HeaderTimestamp, "1614265330")
	h.Set(webhook.HeaderSignature, "v1,bm9wZQ== "+sig)
	at := time.Unix(1614265330, 0)
	if err := webhook.Verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, []byte(`{"test": 2432232314}`), at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("verify: %v", err)
	}
	if err := webhook.Verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, []byte(`{"test": 2432232315}`), at, 5*time.Minute); err == nil {
		t.Error("a changed body verified")
	}
	if err := webhook.Verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, []byte(`{"test": 2432232314}`), at.Add(time.Hour), 5*time.Minute); err == nil {
		t.Error("a replay an hour later verified")
	}
}

// freeAddr returns a local address nothing listens on (connections are refused).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestReceiverDownForAnHourThenRestarted: the receiver refuses connections for half an hour, answers 503 for
// another half hour, and drops one connection without answering; the server is restarted in between (a new
// process on the same database, one delivery left claimed by the process that died). Every event is acknowledged
// exactly once, every attempt of an event carries the same Webhook-Id, and the waits follow the schedule.
func TestReceiverDownForAnHourThenRestarted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db := openSQLite(t, dir)
	db.SetClock(clk.Now)
	gov := mustAgency(t, db)
	addr := freeAddr(t)
	sub := mustSubscribe(t, db, "http://"+addr+"/gongkai")
	rc := newReceiver(t, clk.Now)
	rc.secret = sub.Secret
	start := clk.Now()
	var dropped bool
	rc.answer = func() int {
		if clk.Now().Sub(start) < time.Hour {
			return 503
		}
		if !dropped {
			dropped = true
			return 0 // processed, but the answer never arrives: the one duplicate allowed
		}
		return 204
	}
	const events = 3
	for i := range events {
		mustRegister(t, db, gov, i+1)
	}
	log := slog.New(slog.DiscardHandler)
	newDeliverer := func(db *store.DB) *webhook.Deliverer {
		return &webhook.Deliverer{DB: db, Log: log, Now: clk.Now, Jitter: func() float64 { return 0.5 }}
	}
	d := newDeliverer(db)
	var srv *httptest.Server
	restarted := false
	for clk.Now().Sub(start) < 4*time.Hour {
		elapsed := clk.Now().Sub(start)
		if srv == nil && elapsed >= 30*time.Minute {
			l, err := net.Listen("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: rc}}
			srv.Start()
			defer srv.Close()
		}
		if !restarted && elapsed >= 42*time.Minute+40*time.Second { // the sixth attempts are due
			// The process dies holding a claim (nothing recorded), and a new one starts on the same database.
			if held, err := db.ClaimWebhook(ctx, store.WebhookLease); err != nil {
				t.Fatal(err)
			} else if held == nil {
				t.Fatal("nothing due when the process dies")
			}
			db.Close()
			db = openSQLite(t, dir)
			db.SetClock(clk.Now)
			d = newDeliverer(db)
			restarted = true
		}
		if _, err := d.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Add(10 * time.Second)
	}
	defer db.Close()
	acked, seen := rc.counts()
	if len(acked) != events {
		t.Fatalf("%d events acknowledged, want %d (seen %v)", len(acked), events, seen)
	}
	for id, n := range acked {
		if n != 1 {
			t.Errorf("%s acknowledged %d times", id, n)
		}
	}
	s, err := db.WebhookStats(ctx)
	if err != nil || s != (store.WebhookStats{Events: events, Delivered: events}) {
		t.Errorf("stats %+v %v", s, err)
	}
	list, err := db.WebhookDeliveries(ctx, sub.ID, 10)
	if err != nil || len(list) != events {
		t.Fatal(list, err)
	}
	refused, unavailable, duplicates := 0, 0, 0
	for _, dl := range list {
		if seen[dl.Event.UID] == 0 {
			t.Errorf("event %s never reached the receiver under its id", dl.Event.UID)
		}
		duplicates += seen[dl.Event.UID] - 1 - countStatus(dl.Log, 503)
		for i, a := range dl.Log {
			switch {
			case a.Status == 0 && strings.Contains(a.Error, "refused"):
				refused++
			case a.Status == 503:
				unavailable++
				if !strings.Contains(a.Error, "服务维护中") {
					t.Errorf("the answer's text is not logged: %q", a.Error)
				}
			}
			if i > 0 && i < 5 {
				gap := a.At.Sub(dl.Log[i-1].At)
				if want := webhook.Backoff(i); gap < want || gap > want+time.Minute+10*time.Second {
					t.Errorf("wait before attempt %d: %v, want about %v", i+1, gap, want)
				}
			}
		}
		if dl.DeliveredAt == nil || dl.DeliveredAt.Sub(start) < time.Hour || dl.DeliveredAt.Sub(start) > 4*time.Hour {
			t.Errorf("delivered at %v (start %v)", dl.DeliveredAt, start)
		}
	}
	if refused == 0 || unavailable == 0 {
		t.Errorf("refused %d, unavailable %d: the receiver was not down as the test means", refused, unavailable)
	}
	if duplicates != 1 {
		t.Errorf("%d duplicates, want 1: only the request whose answer was dropped is sent again", duplicates)
	}
}

func countStatus(log []store.WebhookAttempt, status int) int {
	n := 0
	for _, a := range log {
		if a.Status == status {
			n++
		}
	}
	return n
}

// TestRunnerDeliversThroughItsLane: the jobs runner's lane sends what is due, and a second runner started on the
// same database (a restart) sends nothing that was acknowledged.
func TestRunnerDeliversThroughItsLane(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openSQLite(t, dir)
	defer db.Close()
	gov := mustAgency(t, db)
	rc := newReceiver(t, time.Now)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	sub := mustSubscribe(t, db, srv.URL+"/hook")
	rc.secret = sub.Secret
	mustRegister(t, db, gov, 1)
	mustRegister(t, db, gov, 2)
	r := &jobs.Runner{DB: db, Log: slog.New(slog.DiscardHandler)}
	if n, err := r.DeliverWebhooks(ctx); err != nil || n != 2 {
		t.Fatalf("delivered %d, %v", n, err)
	}
	again := openSQLite(t, dir)
	defer again.Close()
	mustRegister(t, again, gov, 3)
	r2 := &jobs.Runner{DB: again, Log: slog.New(slog.DiscardHandler)}
	if n, err := r2.DeliverWebhooks(ctx); err != nil || n != 1 {
		t.Fatalf("after the restart delivered %d, %v", n, err)
	}
	acked, seen := rc.counts()
	if len(acked) != 3 || len(seen) != 3 {
		t.Errorf("acked %v, seen %v", acked, seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s sent %d times", id, n)
		}
	}
}

func TestAddressesIntoTheInternalNetworkAreRefused(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data/", "https://10.0.0.1/hook", "https://169.254.169.254/",
		"https://192.168.1.10/", "https://172.16.0.1/", "https://100.64.0.1/", "https://[::ffff:10.0.0.1]/", "https://[fd00::1]/", "https://0.0.0.0/",
		"https://127.0.0.2.nip.io.invalid/", "http://example.com/hook", "ftp://example.com/", "https://user:pw@example.com/", "hook"} {
		err := webhook.CheckURL(ctx, u, nil)
		if disclosure.ErrorCode(err) != disclosure.EInvalid {
			t.Errorf("%s: %v", u, err)
		}
	}
	if msg := disclosure.ErrorMessage(webhook.CheckURL(ctx, "https://169.254.169.254/", nil)); !strings.Contains(msg, "内部网络") {
		t.Errorf("message %q", msg)
	}
	for _, u := range []string{"http://127.0.0.1:8080/hook", "http://localhost:9/x", "https://8.8.8.8/hook"} {
		if err := webhook.CheckURL(ctx, u, nil); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}

	// At delivery the connection itself is checked: an address that slipped past registration (or a host that
	// resolves elsewhere later) is never connected to.
	db := openSQLite(t, t.TempDir())
	defer db.Close()
	gov := mustAgency(t, db)
	for _, u := range []string{"https://10.0.0.1/hook", "https://169.254.169.254/latest/meta-data/", "https://[::ffff:192.168.0.1]/"} {
		mustSubscribe(t, db, u)
	}
	mustRegister(t, db, gov, 1)
	d := &webhook.Deliverer{DB: db, Log: slog.New(slog.DiscardHandler)}
	started := time.Now()
	if n, err := d.DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("delivered %d, %v", n, err)
	}
	if time.Since(started) > 3*time.Second {
		t.Errorf("refusing took %v: a connection was attempted", time.Since(started))
	}
	subs, _ := db.Webhooks(ctx, nil)
	for _, s := range subs {
		list, _ := db.WebhookDeliveries(ctx, s.ID, 1)
		if len(list) != 1 || len(list[0].Log) != 1 || list[0].Log[0].Status != 0 || !strings.Contains(list[0].Log[0].Error, "内部网络") {
			t.Errorf("%s: %+v", s.URL, list)
		}
	}
}

func TestRedirectsAreNotFollowedAndLongAnswersAreCut(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t, t.TempDir())
	defer db.Close()
	gov := mustAgency(t, db)
	var followed bool
	mux := http.NewServeMux()
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/final", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) { followed = true })
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		w.Write([]byte(strings.Repeat("错", 1<<20)))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	moved := mustSubscribe(t, db, srv.URL+"/moved")
	big := mustSubscribe(t, db, srv.URL+"/big")
	mustRegister(t, db, gov, 1)
	d := &webhook.Deliverer{DB: db, Log: slog.New(slog.DiscardHandler)}
	if n, err := d.DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("delivered %d, %v", n, err)
	}
	if followed {
		t.Error("a redirect was followed")
	}
	list, _ := db.WebhookDeliveries(ctx, moved.ID, 1)
	if len(list) != 1 || list[0].LastStatus != 307 || !strings.Contains(list[0].LastError, "重定向") {
		t.Errorf("redirect: %+v", list)
	}
	list, _ = db.WebhookDeliveries(ctx, big.ID, 1)
	if len(list) != 1 || list[0].LastStatus != 500 || len(list[0].LastError) > 510 || !strings.Contains(list[0].LastError, "错错") {
		t.Errorf("long answer: %+v", list)
	}
}

// TestTwoProcessesOnPostgresDeliverEachEventOnce: the webhook lanes of two processes' runners on one PostgreSQL
// database (two lanes each), running at once, send each event once.
func TestTwoProcessesOnPostgresDeliverEachEventOnce(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	other, err := db.OpenAnother(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	gov := mustAgency(t, db)
	rc := newReceiver(t, time.Now)
	rc.answer = func() int { time.Sleep(5 * time.Millisecond); return 200 }
	srv := httptest.NewServer(rc)
	defer srv.Close()
	rc.secret = mustSubscribe(t, db, srv.URL+"/hook").Secret
	const events = 30
	for i := range events {
		mustRegister(t, db, gov, i+1)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, h := range []*store.DB{db, other, db, other} {
		wg.Go(func() {
			n, err := (&jobs.Runner{DB: h, Log: slog.New(slog.DiscardHandler)}).DeliverWebhooks(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		})
	}
	wg.Wait()
	acked, seen := rc.counts()
	if total != events || len(acked) != events {
		t.Errorf("delivered %d, acknowledged %d distinct, want %d", total, len(acked), events)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s sent %d times", id, n)
		}
	}
}

// TestRetryAfterIsHonouredWhenLonger: a 503 asking for an hour is not tried again after 10 s.
func TestRetryAfterIsHonouredWhenLonger(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t, t.TempDir())
	defer db.Close()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db.SetClock(clk.Now)
	gov := mustAgency(t, db)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	sub := mustSubscribe(t, db, srv.URL)
	mustRegister(t, db, gov, 1)
	d := &webhook.Deliverer{DB: db, Log: slog.New(slog.DiscardHandler), Now: clk.Now}
	if _, err := d.DeliverDue(ctx); err != nil {
		t.Fatal(err)
	}
	list, _ := db.WebhookDeliveries(ctx, sub.ID, 1)
	if len(list) != 1 || list[0].NextAttemptAt.Sub(clk.Now()) != time.Hour {
		t.Errorf("next attempt %v after now, want 1h", list[0].NextAttemptAt.Sub(clk.Now()))
	}
}
