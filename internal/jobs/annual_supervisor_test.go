package jobs

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail"
)

// The supervising office gets one daily summary of its region's unpublished reports; another region's do not
// appear in it.
func TestTheSupervisorGetsTheRegionsAnnualReminder(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	db.CreateAgency(ctx, disclosure.SystemActor, gov)
	var depts []*disclosure.Agency
	for _, name := range []string{"平阴县卫生健康局", "平阴县民政局"} {
		a := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: name}
		db.CreateAgency(ctx, disclosure.SystemActor, a)
		depts = append(depts, a)
	}
	other := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "东阿县人民政府"}
	db.CreateAgency(ctx, disclosure.SystemActor, other)
	sup := &disclosure.User{Username: "sup", DisplayName: "县政务公开办", Email: "gkb@example.gov.cn", PasswordHash: "x",
		Grants: []disclosure.Grant{{Role: disclosure.Supervisor, AgencyID: &gov.ID}}}
	if err := db.CreateUser(ctx, disclosure.SystemActor, sup); err != nil {
		t.Fatal(err)
	}
	// The civil affairs bureau has published; the health bureau has not.
	if err := db.SaveAnnualReport(ctx, disclosure.SystemActor, &disclosure.AnnualReport{AgencyID: depts[1].ID, Year: 2025, Era: "2021", Data: []byte(`{"era":"2021","year":2025}`)}); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	n, err := runner(t, db, mail.Discard, time.Date(2026, 1, 25, 9, 0, 0, 0, loc)).RemindAnnual(ctx)
	if err != nil || n != 1 {
		t.Fatalf("queued %d, %v; want 1", n, err)
	}
	batch, err := db.ClaimMail(ctx, 10)
	if err != nil || len(batch) != 1 {
		t.Fatalf("outbox %d, %v", len(batch), err)
	}
	m := batch[0].Mail
	if m.To != "gkb@example.gov.cn" || !strings.Contains(m.Subject, "1 个单位") {
		t.Errorf("to %s, subject %q", m.To, m.Subject)
	}
	for _, want := range []string{"平阴县卫生健康局：须于2026年1月31日前发布，还有 6 天，目前未开始", "https://gk.example.gov.cn/console/supervision?year=2025"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("%q not in\n%s", want, m.Text)
		}
	}
	for _, not := range []string{"平阴县民政局", "东阿县", "平阴县人民政府："} {
		if strings.Contains(m.Text, not) {
			t.Errorf("%q in\n%s", not, m.Text)
		}
	}
}
