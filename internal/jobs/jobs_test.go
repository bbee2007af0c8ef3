package jobs

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/mail/mailtest"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

func mustDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func runner(t *testing.T, db *store.DB, s mail.Sender, now time.Time) *Runner {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return &Runner{DB: db, Sender: s, Log: slog.New(slog.DiscardHandler), Location: loc, ReminderHour: 8, BaseURL: "https://gk.example.gov.cn",
		Calendar: func(context.Context) (*workday.Calendar, error) { return workday.Default(), nil }, Now: func() time.Time { return now }}
}

func TestOutboxSendsChineseMailAndRetriesOnlyTemporaryFailures(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	srv := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"wang@example.com", "li@example.com", "bad@example.com"} {
		if err := db.EnqueueMail(ctx, disclosure.Mail{To: to, Subject: "平阴县卫生健康局：您的政府信息公开申请（2026-0001）受理", Text: "您好：\n申请已受理。"}); err != nil {
			t.Fatal(err)
		}
	}
	srv.RejectRecipient("bad@example.com", 550)
	srv.FailNext(1, 451)
	r := runner(t, db, sender, time.Now())
	sent, err := r.SendMail(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sent != 1 {
		t.Errorf("sent %d, want 1 (one 451, one 550)", sent)
	}
	waiting, done, failed, err := db.OutboxStats(ctx)
	if err != nil || waiting != 1 || done != 1 || failed != 1 {
		t.Errorf("outbox waiting %d sent %d failed %d (%v); want 1 retried later, 1 sent, 1 given up", waiting, done, failed, err)
	}
	// The retry is due a minute later.
	db.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
	if sent, err := r.SendMail(ctx); err != nil || sent != 1 {
		t.Errorf("retry sent %d, %v", sent, err)
	}
	got := srv.Wait(2, 5*time.Second)
	if got[0].Subject != "平阴县卫生健康局：您的政府信息公开申请（2026-0001）受理" || !strings.Contains(got[0].Text, "申请已受理") {
		t.Errorf("received %q / %q", got[0].Subject, got[0].Text)
	}
}

func TestDailyReminderGoesOutOnceOnWorkingDaysAfterTheHour(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	db.CreateAgency(ctx, disclosure.SystemActor, gov)
	health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局"}
	db.CreateAgency(ctx, disclosure.SystemActor, health)
	u := &disclosure.User{Username: "officer", DisplayName: "张公开", Email: "zhang@example.gov.cn", PasswordHash: "x", Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &health.ID}}}
	if err := db.CreateUser(ctx, disclosure.SystemActor, u); err != nil {
		t.Fatal(err)
	}
	due := workday.NewDate(2026, 3, 3)
	c := &disclosure.Case{Application: disclosure.Application{AgencyID: health.ID, Kind: disclosure.DisclosureRequest, Channel: disclosure.Letter,
		ReceivedOn: workday.NewDate(2026, 2, 2), State: disclosure.Handling, Due: due, SecretHash: "x",
		Applicant: disclosure.Applicant{Type: disclosure.NaturalPerson, Name: "王小明", IDNumber: "X"}, Request: disclosure.Request{Description: "疫苗接种点名单"}}}
	if _, err := db.CreateCase(ctx, disclosure.SystemActor, func(context.Context, store.CaseBuildTx) (*disclosure.CaseChange, error) {
		return &disclosure.CaseChange{Case: *c, Event: disclosure.CaseEvent{Action: "register", ToState: disclosure.Handling, ActorName: "系统", ActorKind: "system"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	tests := []struct {
		name string
		at   time.Time
		want int
	}{
		{"before the hour", time.Date(2026, 3, 2, 7, 30, 0, 0, loc), 0},
		{"after the hour", time.Date(2026, 3, 2, 8, 5, 0, 0, loc), 1},
		{"again the same day", time.Date(2026, 3, 2, 15, 0, 0, 0, loc), 0},
		{"a Saturday", time.Date(2026, 3, 7, 9, 0, 0, 0, loc), 0},
		{"next working day, now overdue", time.Date(2026, 3, 9, 9, 0, 0, 0, loc), 1},
	}
	for _, tt := range tests {
		n, err := runner(t, db, mail.Discard, tt.at).Remind(ctx)
		if err != nil || n != tt.want {
			t.Errorf("%s: queued %d, %v; want %d", tt.name, n, err, tt.want)
		}
	}
	batch, err := db.ClaimMail(ctx, 10)
	if err != nil || len(batch) != 2 {
		t.Fatalf("outbox %d, %v", len(batch), err)
	}
	if !strings.Contains(batch[0].Mail.Text, "3个工作日内到期（1 件）") || !strings.Contains(batch[1].Mail.Text, "已超期（1 件）") || batch[0].Mail.To != "zhang@example.gov.cn" {
		t.Errorf("reminders:\n%s\n---\n%s", batch[0].Mail.Text, batch[1].Mail.Text)
	}
}

func TestAnnualReportReminderUntilPublished(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	db.CreateAgency(ctx, disclosure.SystemActor, gov)
	health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局"}
	db.CreateAgency(ctx, disclosure.SystemActor, health)
	u := &disclosure.User{Username: "officer", DisplayName: "张公开", Email: "zhang@example.gov.cn", PasswordHash: "x",
		Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &gov.ID}}}
	if err := db.CreateUser(ctx, disclosure.SystemActor, u); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	remind := func(at time.Time) (int, string) {
		t.Helper()
		n, err := runner(t, db, mail.Discard, at).RemindAnnual(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return 0, ""
		}
		batch, err := db.ClaimMail(ctx, 10)
		if err != nil || len(batch) != 1 {
			t.Fatalf("outbox %d, %v", len(batch), err)
		}
		if err := db.MailSent(ctx, batch[0].ID); err != nil {
			t.Fatal(err)
		}
		return n, batch[0].Mail.Text
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		want int
		text []string
	}{
		{"too early", time.Date(2026, 1, 10, 9, 0, 0, 0, loc), 0, nil},
		{"ten days before: the department", time.Date(2026, 1, 22, 9, 0, 0, 0, loc), 1, []string{"平阴县卫生健康局：须于2026年1月31日前发布，还有 9 天，目前未开始", "/console/annual/2/2025"}},
		{"the same day again", time.Date(2026, 1, 22, 16, 0, 0, 0, loc), 0, nil},
		{"overdue department, government still in time", time.Date(2026, 2, 3, 9, 0, 0, 0, loc), 1, []string{"已逾期 3 天"}},
		{"the government's deadline near", time.Date(2026, 3, 25, 9, 0, 0, 0, loc), 1, []string{"平阴县人民政府：须于2026年3月31日前发布，还有 6 天"}},
	} {
		n, text := remind(tc.at)
		if n != tc.want {
			t.Errorf("%s: %d reminders, want %d", tc.name, n, tc.want)
		}
		for _, w := range tc.text {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q not in\n%s", tc.name, w, text)
			}
		}
		if tc.name == "overdue department, government still in time" && strings.Contains(text, "平阴县人民政府") {
			t.Errorf("the government is reminded too early:\n%s", text)
		}
	}
	// Published: no more reminders for it.
	for _, a := range []*disclosure.Agency{gov, health} {
		if err := db.SaveAnnualReport(ctx, disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: a.ID, Year: 2025, Era: "2021", Data: []byte(`{"era":"2021","year":2025}`)}); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := remind(time.Date(2026, 3, 26, 9, 0, 0, 0, loc)); n != 0 {
		t.Errorf("reminded after publication: %d", n)
	}
}
