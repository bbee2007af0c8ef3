package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/casework"
	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// fakeClock is a clock tests move by hand, shared by several handles.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func mustWebhook(t *testing.T, db *store.DB, url string, agency *int64, kinds ...string) *store.WebhookSubscription {
	t.Helper()
	s := &store.WebhookSubscription{URL: url, Kinds: kinds, AgencyID: agency}
	if err := db.CreateWebhook(context.Background(), officer, s); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.Secret, "whsec_") || len(s.Secret) < 40 {
		t.Fatalf("secret %q", s.Secret)
	}
	return s
}

// kindsOf returns the kinds of a subscriber's deliveries, oldest first.
func kindsOf(t *testing.T, db *store.DB, sub int64) []string {
	t.Helper()
	list, err := db.WebhookDeliveries(context.Background(), sub, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, list[i].Event.Kind)
	}
	return out
}

func mustWebhookStats(t *testing.T, db *store.DB) store.WebhookStats {
	t.Helper()
	s, err := db.WebhookStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func runWebhooks(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("webhook events are written with the changes they report, by kind and agency subtree", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		edu := mustAgency(t, db, disclosure.Department, gov, "平阴县教育和体育局")
		all := mustWebhook(t, db, "https://oa.example.cn/hook", nil, store.WebhookKinds...)
		region := mustWebhook(t, db, "https://gov.example.cn/hook", &gov.ID, store.WebhookItemPublished)
		school := mustWebhook(t, db, "https://edu.example.cn/hook", &edu.ID, store.WebhookKinds...)
		stopped := mustWebhook(t, db, "https://old.example.cn/hook", nil, store.WebhookKinds...)
		if err := db.SetWebhookDisabled(ctx, officer, stopped.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateWebhook(ctx, officer, &store.WebhookSubscription{URL: "https://x.example.cn", Kinds: []string{"case.deleted"}}); code(err) != disclosure.EInvalid {
			t.Errorf("an unknown kind: %v", err)
		}
		if err := db.CreateWebhook(ctx, officer, &store.WebhookSubscription{URL: "https://x.example.cn"}); code(err) != disclosure.EInvalid {
			t.Errorf("no kind: %v", err)
		}

		ch := mustCreateCase(t, db, health, newApplication(day("2026-02-10"), 1, disclosure.NaturalPerson))
		mustStep(t, db, health, ch.Case.ID, "2026-02-11", casework.Command{Action: casework.Accept})
		it := mustPublish(t, db, health, disclosure.Item{Title: "关于做好疫苗接种工作的通知", Body: "<p>各卫生院：请做好接种。</p>", Category: "health.public_health.vaccination", Genre: disclosure.GenreNotice}, "2026-03-02")
		mustItemStep(t, db, health, it.ID, "2026-03-03", catalogue.Command{Action: catalogue.Correct, Actor: itemOfficer})
		fixed := *it
		fixed.Body = "<p>各卫生院：请做好接种登记。</p>"
		mustItemStep(t, db, health, it.ID, "2026-03-03", catalogue.Command{Action: catalogue.Save, Actor: itemOfficer, Content: &fixed})
		mustItemStep(t, db, health, it.ID, "2026-03-03", catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})
		answers := map[string]bool{}
		for _, q := range disclosure.ReviewChecklist {
			answers[q] = true
		}
		mustItemStep(t, db, health, it.ID, "2026-03-03", catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer, Answers: answers})
		mustItemStep(t, db, health, it.ID, "2026-03-04", catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer})
		mustItemStep(t, db, health, it.ID, "2026-03-05", catalogue.Command{Action: catalogue.Withdraw, Actor: itemOfficer, Note: "内容已过时"})

		got := kindsOf(t, db, all.ID)
		want := []string{store.WebhookCaseRegistered, store.WebhookCaseStep, store.WebhookItemPublished, store.WebhookItemCorrected, store.WebhookItemWithdrawn}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("all kinds, any agency: %v, want %v (drafts, submissions and reviews send nothing)", got, want)
		}
		if got := kindsOf(t, db, region.ID); strings.Join(got, " ") != store.WebhookItemPublished { // not the correction
			t.Errorf("publications under the region: %v", got)
		}
		if got := kindsOf(t, db, school.ID); len(got) != 0 {
			t.Errorf("another department's subscriber got %v", got)
		}
		if got := kindsOf(t, db, stopped.ID); len(got) != 0 {
			t.Errorf("a stopped subscriber got %v", got)
		}
		list, _ := db.WebhookDeliveries(ctx, all.ID, 100)
		var step map[string]any
		for _, d := range list {
			if d.Event.Kind == store.WebhookCaseStep {
				if err := json.Unmarshal(d.Event.Data, &step); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(d.Event.Data), "申请人1") || strings.Contains(string(d.Event.Data), ch.Case.Applicant.IDNumber) {
					t.Errorf("a case event carries the applicant: %s", d.Event.Data)
				}
			}
			if d.Event.Kind == store.WebhookItemWithdrawn && !strings.Contains(string(d.Event.Data), "内容已过时") {
				t.Errorf("the withdrawal's reason is missing: %s", d.Event.Data)
			}
			if d.Event.Kind == store.WebhookItemCorrected && !strings.Contains(string(d.Event.Data), `"url":"/items/`) {
				t.Errorf("correction data %s", d.Event.Data)
			}
			if d.Event.AgencyID == nil || *d.Event.AgencyID != health.ID || !strings.HasPrefix(d.Event.UID, "msg_") {
				t.Errorf("event %+v", d.Event)
			}
		}
		if step["number"] != ch.Case.Number || step["from_state"] == "" || step["from_state"] == nil || step["to_state"] == nil || step["action"] != string(casework.Accept) || step["from_state"] == step["to_state"] {
			t.Errorf("case.step data %v", step)
		}
	})

	t.Run("an annual report's publication and correction are events; a change rolled back emits nothing", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		off := actorFor(mustUser(t, db, "officer1", disclosure.Grant{Role: disclosure.Officer, AgencyID: &health.ID}))
		appr := actorFor(mustUser(t, db, "approver1", disclosure.Grant{Role: disclosure.Approver, AgencyID: &health.ID}))
		sub := mustWebhook(t, db, "https://oa.example.cn/hook", &health.ID, store.WebhookReportPublished, store.WebhookReportCorrected)
		rep := &disclosure.AnnualReport{AgencyID: health.ID, Year: 2025, Era: "2021", Data: reportJSON(health.Name, 2025, "定稿")}
		if err := db.SaveAnnualDraft(ctx, off, rep); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SubmitAnnualReport(ctx, off, rep.ID, 1); err != nil {
			t.Fatal(err)
		}
		// The audit entry (audit_pending, chained later by the sequencer) is written after the event in the same
		// transaction: make it fail once.
		if db.Dialect() == "postgres" {
			mustExec(t, db, `CREATE FUNCTION refuse_publish() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`)
			mustExec(t, db, `CREATE TRIGGER refuse_publish BEFORE INSERT ON audit_pending FOR EACH ROW WHEN (NEW.action = 'annual_report.publish') EXECUTE FUNCTION refuse_publish()`)
		} else {
			mustExec(t, db, `CREATE TRIGGER refuse_publish BEFORE INSERT ON audit_pending WHEN NEW.action = 'annual_report.publish' BEGIN SELECT RAISE(ABORT, 'refused'); END`)
		}
		if _, err := db.PublishAnnualReport(ctx, appr, rep.ID, 2, nil); err == nil {
			t.Fatal("the publication committed despite its failed audit row")
		}
		if s := mustWebhookStats(t, db); s != (store.WebhookStats{}) {
			t.Errorf("a rolled-back publication left %+v", s)
		}
		mustExec(t, db, `DROP TRIGGER refuse_publish`+map[bool]string{true: ` ON audit_pending`}[db.Dialect() == "postgres"])
		if _, err := db.PublishAnnualReport(ctx, appr, rep.ID, 2, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CorrectAnnualReport(ctx, off, rep.ID, 3, reportJSON(health.Name, 2025, "更正稿"), nil, "数字有误"); err != nil {
			t.Fatal(err)
		}
		if s := mustWebhookStats(t, db); s != (store.WebhookStats{Events: 2, Waiting: 2}) {
			t.Errorf("stats %+v", s)
		}
		list, _ := db.WebhookDeliveries(ctx, sub.ID, 10)
		if len(list) != 2 || list[1].Event.Kind != store.WebhookReportPublished || list[0].Event.Kind != store.WebhookReportCorrected ||
			!strings.Contains(string(list[0].Event.Data), "数字有误") || !strings.Contains(string(list[0].Event.Data), `"year":2025`) {
			t.Fatalf("deliveries %+v", list)
		}
	})

	t.Run("webhook deliveries are claimed once by two processes, leased, retried and given up", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		clock := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		db.SetClock(clock.Now)
		other.SetClock(clock.Now)
		gov := MustRegion(t, db)
		sub := mustWebhook(t, db, "https://oa.example.cn/hook", nil, store.WebhookCaseRegistered)
		const n = 12
		for i := range n {
			mustCreateCase(t, db, gov, newApplication(day("2026-03-02"), i+1, disclosure.NaturalPerson))
		}
		// Two processes claim and acknowledge at once: each delivery is claimed by exactly one.
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for _, h := range []*store.DB{db, other} {
			wg.Go(func() {
				for {
					d, err := h.ClaimWebhook(ctx, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if d == nil {
						return
					}
					mu.Lock()
					seen[d.ID]++
					mu.Unlock()
					if held, err := h.WebhookDelivered(ctx, d, 204, time.Millisecond); err != nil || !held {
						t.Errorf("delivered: %v %v", held, err)
					}
				}
			})
		}
		wg.Wait()
		if len(seen) != n {
			t.Errorf("%d deliveries claimed, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("delivery %d claimed %d times", id, c)
			}
		}

		// A lease hides a delivery until it runs out. An acknowledgement counts whoever holds the claim: the
		// receiver has the event, so it is not sent again.
		mustCreateCase(t, db, gov, newApplication(day("2026-03-02"), 99, disclosure.NaturalPerson))
		first, err := db.ClaimWebhook(ctx, time.Minute)
		if err != nil || first == nil || first.URL != sub.URL || first.Secret != sub.Secret || first.Event.Kind != store.WebhookCaseRegistered {
			t.Fatalf("claim: %+v %v", first, err)
		}
		if d, err := other.ClaimWebhook(ctx, time.Minute); err != nil || d != nil {
			t.Fatalf("claimed under a lease: %+v %v", d, err)
		}
		clock.Add(61 * time.Second)
		second, err := other.ClaimWebhook(ctx, time.Minute)
		if err != nil || second == nil || second.ID != first.ID || second.Event.UID != first.Event.UID || second.Claim == first.Claim {
			t.Fatalf("after the lease: %+v %v", second, err)
		}
		if ok, err := db.WebhookDelivered(ctx, first, 200, time.Millisecond); err != nil || !ok {
			t.Errorf("the late acknowledgement: %v %v", ok, err)
		}
		if err := other.WebhookFailed(ctx, second, 503, time.Millisecond, "HTTP 503", 10*time.Second, false); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Hour)
		if d, _ := db.ClaimWebhook(ctx, time.Minute); d != nil {
			t.Fatalf("an acknowledged delivery claimed again: %+v", d)
		}
		// Failures wait their back-off; the last one gives up; retry-now starts afresh.
		mustCreateCase(t, db, gov, newApplication(day("2026-03-02"), 100, disclosure.NaturalPerson))
		d, err := other.ClaimWebhook(ctx, time.Minute)
		if err != nil || d == nil {
			t.Fatal(d, err)
		}
		if err := other.WebhookFailed(ctx, d, 503, time.Millisecond, "HTTP 503：维护中", 10*time.Second, false); err != nil {
			t.Fatal(err)
		}
		if d, _ := db.ClaimWebhook(ctx, time.Minute); d != nil {
			t.Fatalf("claimed before its back-off: %+v", d)
		}
		clock.Add(10 * time.Second)
		again, err := db.ClaimWebhook(ctx, time.Minute)
		if err != nil || again == nil || again.ID != d.ID || again.Attempts != 1 {
			t.Fatalf("after the back-off: %+v %v", again, err)
		}
		long := strings.Repeat("错误", 600)
		if err := db.WebhookFailed(ctx, again, 0, 10*time.Second, long, time.Hour, true); err != nil {
			t.Fatal(err)
		}
		clock.Add(48 * time.Hour)
		if d, _ := db.ClaimWebhook(ctx, time.Minute); d != nil {
			t.Fatalf("a given-up delivery claimed: %+v", d)
		}
		list, _ := db.WebhookDeliveries(ctx, sub.ID, 1)
		if len(list) != 1 || !list[0].Failed || list[0].DeliveredAt != nil || len(list[0].Log) != 2 || list[0].Log[0].Status != 503 ||
			len(list[0].LastError) > 510 || list[0].Log[1].Duration != 10*time.Second {
			t.Fatalf("log %+v", list)
		}
		if s := mustWebhookStats(t, db); s.Failed != 1 {
			t.Errorf("stats %+v", s)
		}
		if err := db.RetryWebhookNow(ctx, officer, sub.ID+1, list[0].ID); code(err) != disclosure.ENotFound {
			t.Errorf("retrying another subscriber's delivery: %v", err)
		}
		if err := db.RetryWebhookNow(ctx, officer, sub.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		d, err = db.ClaimWebhook(ctx, time.Minute)
		if err != nil || d == nil || d.ID != list[0].ID || d.Attempts != 0 {
			t.Fatalf("retried: %+v %v", d, err)
		}
		if ok, err := db.WebhookDelivered(ctx, d, 200, time.Millisecond); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if err := db.RetryWebhookNow(ctx, officer, sub.ID, d.ID); code(err) != disclosure.EConflict {
			t.Errorf("retrying a delivered one: %v", err)
		}
		// A stopped subscriber's waiting deliveries wait, it gets no new events, and resumed, the waiting ones go out.
		mustCreateCase(t, db, gov, newApplication(day("2026-03-02"), 101, disclosure.NaturalPerson))
		if err := db.SetWebhookDisabled(ctx, officer, sub.ID, true); err != nil {
			t.Fatal(err)
		}
		if d, _ := db.ClaimWebhook(ctx, time.Minute); d != nil {
			t.Errorf("a stopped subscriber's delivery claimed: %+v", d)
		}
		mustCreateCase(t, db, gov, newApplication(day("2026-03-02"), 102, disclosure.NaturalPerson))
		if err := db.SetWebhookDisabled(ctx, officer, sub.ID, false); err != nil {
			t.Fatal(err)
		}
		if d, err := db.ClaimWebhook(ctx, time.Minute); err != nil || d == nil {
			t.Errorf("the waiting delivery after resuming: %+v %v", d, err)
		} else if _, err := db.WebhookDelivered(ctx, d, 200, 0); err != nil {
			t.Fatal(err)
		}
		if d, _ := db.ClaimWebhook(ctx, time.Minute); d != nil {
			t.Errorf("an event emitted while stopped was delivered: %+v", d)
		}
		if s := mustWebhookStats(t, db); s != (store.WebhookStats{Events: n + 3, Delivered: n + 3}) {
			t.Errorf("stats %+v", s)
		}
		// A month later the log is pruned; a delivery still waiting is kept with its event.
		mustCreateCase(t, db, gov, newApplication(day("2026-03-02"), 103, disclosure.NaturalPerson))
		if p, err := db.PruneWebhooks(ctx); err != nil || p != 0 {
			t.Errorf("pruned %d at once, %v", p, err)
		}
		clock.Add(store.WebhookRetention + time.Hour)
		if d, err := db.ClaimWebhook(ctx, time.Minute); err != nil || d == nil {
			t.Fatal(d, err)
		} else if err := db.WebhookFailed(ctx, d, 503, 0, "HTTP 503", time.Hour, false); err != nil {
			t.Fatal(err)
		}
		if p, err := db.PruneWebhooks(ctx); err != nil || p != n+3 {
			t.Errorf("pruned %d, %v, want %d", p, err, n+3)
		}
		if s := mustWebhookStats(t, db); s != (store.WebhookStats{Events: 1, Waiting: 1}) {
			t.Errorf("after pruning %+v", s)
		}
	})
}
