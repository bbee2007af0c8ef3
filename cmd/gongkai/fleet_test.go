package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gongkai/gongkai/internal/auth"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail/mailtest"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/store/pgtest"
	"github.com/gongkai/gongkai/internal/workday"
)

// fleetChildEnv, when set, makes the test binary the gongkai program: its value is the command line as JSON. The
// fleet test starts `gongkai serve` processes this way — real processes with their own memory, caches, limits and
// job lanes — without building the binary first.
const fleetChildEnv = "GONGKAI_FLEET_CHILD"

func TestMain(m *testing.M) {
	if args := os.Getenv(fleetChildEnv); args != "" {
		var a []string
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		err := run(ctx, a, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(exitCode(err, os.Stderr))
	}
	pgtest.Main(m)
}

// fleetProcess is one `gongkai serve` of the fleet.
type fleetProcess struct {
	name string
	base string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan error
}

// startServe starts `gongkai serve` with args as a process of its own and waits until it listens.
func startServe(t *testing.T, name string, args ...string) *fleetProcess {
	t.Helper()
	full, _ := json.Marshal(append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fleetChildEnv+"="+string(full))
	p := &fleetProcess{name: name, cmd: cmd, out: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { p.stop(t) })
	for deadline := time.Now().Add(120 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := reListening.FindStringSubmatch(p.out.String()); m != nil {
			p.base = m[1]
			return p
		}
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("%s ended early: %v\n%s", name, err, p.out.String())
		default:
		}
	}
	t.Fatalf("%s did not start:\n%s", name, p.out.String())
	return nil
}

// stop ends the process the way a service manager does (SIGTERM) and waits for it.
func (p *fleetProcess) stop(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Errorf("%s: %v\n%s", p.name, err, p.out.String())
		}
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		t.Errorf("%s did not stop on SIGTERM", p.name)
	}
}

// fleetGet fetches a page of a process and returns its status and body.
func fleetGet(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// within polls check until it holds or d has passed, and returns how long it took (or fails).
func within(t *testing.T, d time.Duration, what string, check func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !check() {
		if time.Since(start) > d {
			t.Fatalf("%s: not within %v", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return time.Since(start)
}

// TestFleetOnPostgres runs the province's deployment in small: two `gongkai serve` processes and the CLI on one
// throwaway PostgreSQL, a mail relay taking 10 s per message. It shows that a change made through either process
// (or the CLI) is on the other's public pages within 2 s, that the public form's rate limit is shared, that every
// job runs once (a scheduled publication, the receipts' e-mails — none sent twice), and that the audit trail
// verifies after concurrent writes through both.
func TestFleetOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and two processes")
	}
	dsn := pgtest.NewDatabase(t)
	ctx := context.Background()
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "audit.key")
	if _, err := store.CreateAuditKey(keyFile); err != nil {
		t.Fatal(err)
	}

	// The data: an agency, its officer (a known password), a published item on the column, and an item scheduled
	// to be published in a few seconds.
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.SetAuditConfig(mustAuditConfig(t, keyFile)); err != nil {
		t.Fatal(err)
	}
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, gov); err != nil {
		t.Fatal(err)
	}
	health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局", USCC: "113701243072282028",
		Contacts: disclosure.Contacts{Office: "局办公室", Phone: "0531-87883760", Email: "pyxwjj@jn.shandong.cn", Address: "平阴县榆山街道府前街31号"}}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, health); err != nil {
		t.Fatal(err)
	}
	const password = "Fleet-Test-2026!"
	hash, err := auth.HashPassword(password, auth.Params{Time: 1, Memory: 8 * 1024, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	officer := &disclosure.User{Username: "officer", DisplayName: "张公开", PasswordHash: hash, Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &health.ID}}}
	if err := db.CreateUser(ctx, disclosure.SystemActor, officer); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	uid, reviewerID := officer.ID, officer.ID+1000 // the reviewer is someone else (Art 17: 保密审查 by another person)
	byOfficer := catalogue.Actor{Who: catalogue.ByOfficer, UserID: &uid, Name: "张公开"}
	byReviewer := catalogue.Actor{Who: catalogue.ByReviewer, UserID: &reviewerID, Name: "王审查"}
	steps := []catalogue.Command{{Action: catalogue.Submit, Actor: byOfficer}, {Action: catalogue.Pass, Actor: byReviewer}}
	published := fleetItem(t, db, health, "关于印发平阴县2026年基本公共卫生服务项目实施方案的通知", now,
		append(steps, catalogue.Command{Action: catalogue.Publish, Actor: byOfficer})...)
	scheduled := fleetItem(t, db, health, "关于开展2026年冬季爱国卫生运动的通知", now,
		append(steps, catalogue.Command{Action: catalogue.Schedule, Actor: byOfficer, At: now.Add(4 * time.Second)})...)

	// The relay takes 10 s per message: longer than a sender's batch would take to be claimed again, were claims
	// per batch.
	relay := mailtest.NewServer(t, mailtest.WithDelay(10*time.Second))
	host, port, _ := strings.Cut(relay.Addr(), ":")
	common := []string{"--db", dsn, "--audit-key-file", keyFile, "--smtp-host", host, "--smtp-port", port, "--smtp-security", "none",
		"--smtp-from", "平阴县政府信息公开 <noreply@pingyin.example.gov.cn>", "--base-url", "https://gongkai.pingyin.example.gov.cn"}
	var a, b *fleetProcess
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a = startServe(t, "A", common...) }()
	go func() { defer wg.Done(); b = startServe(t, "B", common...) }()
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	web := &http.Client{Timeout: 20 * time.Second}
	column := "/agencies/" + strconv.FormatInt(health.ID, 10) + "/"

	t.Run("a change through one process is on the other's pages within 2 s", func(t *testing.T) {
		// B caches its pages: the home page, the column, the feed, the sitemap.
		feed := "/agencies/" + strconv.FormatInt(health.ID, 10) + "/feed.atom"
		for _, p := range []string{"/", column, feed, "/sitemap.xml"} {
			for range 2 {
				code, body := fleetGet(t, web, b.base+p)
				if code != 200 || !strings.Contains(body, published.Title) && !strings.Contains(body, "/items/"+strconv.FormatInt(published.ID, 10)) {
					t.Fatalf("B %s: %d, without the published item", p, code)
				}
			}
		}
		// The officer withdraws the item through A's console.
		officerClient := fleetSignIn(t, a.base, "officer", password)
		code, _ := fleetPost(t, officerClient, a.base+"/console/items/"+strconv.FormatInt(published.ID, 10)+"/step", url.Values{
			"action": {"withdraw"}, "note": {"该方案已被新方案替代"}, "version": {strconv.Itoa(published.Version)}})
		if code != http.StatusSeeOther {
			t.Fatalf("withdraw through A: %d", code)
		}
		for _, p := range []string{"/", column, feed} {
			took := within(t, 2*time.Second, "B "+p+" after a withdrawal through A", func() bool {
				_, body := fleetGet(t, web, b.base+p)
				return !strings.Contains(body, published.Title)
			})
			t.Logf("B %s without the withdrawn item after %v", p, took.Round(time.Millisecond))
		}
	})

	t.Run("a change through the CLI is on both processes' pages within 2 s", func(t *testing.T) {
		count := func(base string) int {
			_, body := fleetGet(t, web, base+"/sitemap.xml")
			return strings.Count(body, "/items/")
		}
		before := [2]int{count(a.base), count(b.base)}
		out, errOut, code := runMain(t, "items", "generate", "--db", dsn, "--audit-key-file", keyFile, "--agency", strconv.FormatInt(health.ID, 10),
			"--count", "3", "--year", strconv.Itoa(now.Year()), "--seed", "7")
		if code != 0 {
			t.Fatalf("items: %s %s", out, errOut)
		}
		for i, p := range []*fleetProcess{a, b} {
			took := within(t, 2*time.Second, p.name+"'s sitemap after the CLI wrote 3 items", func() bool { return count(p.base) > before[i] })
			t.Logf("%s's sitemap has the CLI's items after %v", p.name, took.Round(time.Millisecond))
		}
	})

	t.Run("the application form's limit is shared", func(t *testing.T) {
		// Eight applications from one address, four through each process, all at once: the limit (5 at once) lets
		// five in across the fleet, not five per process.
		type form struct {
			p     *fleetProcess
			c     *http.Client
			token string
		}
		var forms []form
		for i := range 8 {
			p := []*fleetProcess{a, b}[i%2]
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
			_, body := fleetGet(t, c, p.base+"/agencies/"+strconv.FormatInt(health.ID, 10)+"/apply")
			doc, _ := goquery.NewDocumentFromReader(strings.NewReader(body))
			token, _ := doc.Find("input[name=form_token]").Attr("value")
			if token == "" {
				t.Fatalf("%s: no form token on the application form", p.name)
			}
			forms = append(forms, form{p, c, token})
		}
		time.Sleep(3100 * time.Millisecond) // a person takes at least MinFillTime to fill the form in
		codes := make([]int, len(forms))
		var wg sync.WaitGroup
		for i, f := range forms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := url.Values{"applicant_type": {"natural_person"}, "name": {"王小明"}, "id_type": {"resident_id"},
					"id_number": {fleetResidentID("37012419800101" + fmt.Sprintf("%03d", 100+i))}, "phone": {"13800000000"},
					"email": {fmt.Sprintf("applicant%d@example.com", i)}, "description": {fmt.Sprintf("2025年度本县疫苗接种点名单（第%d份）", i+1)},
					"forms": {"电子文档"}, "delivery": {"电子邮件"}, "form_token": {f.token}}
				codes[i], _ = fleetPost(t, f.c, f.p.base+"/agencies/"+strconv.FormatInt(health.ID, 10)+"/apply", v)
			}()
		}
		wg.Wait()
		accepted := 0
		for _, c := range codes {
			switch c {
			case http.StatusOK, http.StatusSeeOther:
				accepted++
			case http.StatusTooManyRequests:
			default:
				t.Errorf("unexpected status %d (all: %v)", c, codes)
			}
		}
		if accepted != 5 {
			t.Fatalf("%d of 8 applications accepted through two processes (statuses %v), want the limit's 5", accepted, codes)
		}
	})

	t.Run("every job once", func(t *testing.T) {
		// The scheduled item is published once, by one of the two processes' lanes.
		within(t, 40*time.Second, "the scheduled item published", func() bool {
			it, err := db.GetItem(ctx, scheduled.ID)
			return err == nil && it.State == disclosure.ItemPublished
		})
		events, err := db.ItemEvents(ctx, scheduled.ID)
		if err != nil {
			t.Fatal(err)
		}
		released := 0
		for _, e := range events {
			if e.ToState == disclosure.ItemPublished {
				released++
			}
		}
		if released != 1 {
			t.Errorf("the scheduled item was published %d times", released)
		}
		// The five receipts go out once each, through a relay taking 10 s per message; then one more round of
		// both outbox lanes finds nothing to send again.
		got := relay.Wait(5, 90*time.Second)
		time.Sleep(12 * time.Second)
		got = relay.Messages()
		ids := map[string]int{}
		for _, m := range got {
			ids[m.Header.Get("Message-Id")]++
		}
		if len(got) != 5 || len(ids) != 5 {
			t.Errorf("%d e-mails with %d Message-IDs delivered, want each of the 5 receipts once: %v", len(got), len(ids), ids)
		}
	})

	t.Run("the audit trail verifies after concurrent writes through both", func(t *testing.T) {
		// Twelve sign-ins at once, six through each process, each an audit entry, on top of the applications above.
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Add(1)
			go func() { defer wg.Done(); fleetSignIn(t, []*fleetProcess{a, b}[i%2].base, "officer", password) }()
		}
		wg.Wait()
		a.stop(t)
		b.stop(t)
		out, errOut, code := runMain(t, "audit", "verify", "--db", dsn, "--audit-key-file", keyFile)
		if code != 0 {
			t.Fatalf("audit verify: %d\n%s\n%s", code, out, errOut)
		}
		t.Log(strings.TrimSpace(out))
	})
}

// mustAuditConfig is the audit configuration of the key file, as the processes use it.
func mustAuditConfig(t *testing.T, keyFile string) store.AuditConfig {
	t.Helper()
	d := dbFlags{auditKeyFile: keyFile, auditHash: "sha256"}
	cfg, err := d.auditConfig(false)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// fleetItem creates an item of the agency and takes it through the steps.
func fleetItem(t *testing.T, db *store.DB, a *disclosure.Agency, title string, now time.Time, cmds ...catalogue.Command) *disclosure.Item {
	t.Helper()
	ctx := context.Background()
	it, err := catalogue.NewItem(disclosure.Item{Title: title, Genre: disclosure.GenreNotice, WrittenOn: workday.DateOf(now)}, a, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateItem(ctx, disclosure.SystemActor, it); err != nil {
		t.Fatal(err)
	}
	env := catalogue.Env{Agency: a, Calendar: workday.Default()}
	for _, cmd := range cmds {
		cmd.Now, cmd.Today = now, workday.DateOf(now)
		if cmd.Action == catalogue.Pass {
			cmd.Answers = map[string]bool{}
			for _, q := range disclosure.ReviewChecklist {
				cmd.Answers[q] = true
			}
		}
		ch, err := db.UpdateItem(ctx, disclosure.SystemActor, it.ID, func(_ context.Context, it *disclosure.Item) (*disclosure.ItemChange, error) {
			return catalogue.Decide(it, cmd, env)
		})
		if err != nil {
			t.Fatalf("%s: %v", cmd.Action, err)
		}
		it = &ch.Item
	}
	return it
}

// fleetSignIn signs in to a process's console and returns the client holding the session.
func fleetSignIn(t *testing.T, base, user, pw string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if code, _ := fleetGet(t, c, base+"/console/login"); code != 200 {
		t.Fatalf("login page: %d", code)
	}
	code, body := fleetPost(t, c, base+"/console/login", url.Values{"username": {user}, "password": {pw}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: %d\n%.500s", user, code, body)
	}
	return c
}

// fleetPost posts a form and returns the status and body.
func fleetPost(t *testing.T, c *http.Client, u string, v url.Values) (int, string) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// fleetResidentID completes a 17-digit prefix with its check digit (GB 11643).
func fleetResidentID(prefix string) string {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range prefix {
		sum += int(c-'0') * w[i]
	}
	return prefix + string("10X98765432"[sum%11])
}
