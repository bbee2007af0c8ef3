package jobs

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

var (
	uOfficer, uReviewer = int64(1), int64(2)
	itemOfficer         = catalogue.Actor{Who: catalogue.ByOfficer, UserID: &uOfficer, Name: "张公开"}
	itemReviewer        = catalogue.Actor{Who: catalogue.ByReviewer, UserID: &uReviewer, Name: "王审查"}
)

func healthBureau(t *testing.T, db *store.DB) *disclosure.Agency {
	t.Helper()
	ctx := context.Background()
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: "平阴县人民政府"}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, gov); err != nil {
		t.Fatal(err)
	}
	health := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "平阴县卫生健康局"}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, health); err != nil {
		t.Fatal(err)
	}
	return health
}

// itemTo creates an item and takes it through the steps on the day.
func itemTo(t *testing.T, db *store.DB, a *disclosure.Agency, content disclosure.Item, now time.Time, cmds ...catalogue.Command) *disclosure.Item {
	t.Helper()
	ctx := context.Background()
	it, err := catalogue.NewItem(content, a, now)
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

func TestScheduledItemsAreReleasedOnceBySeveralProcesses(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	health := healthBureau(t, db)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
	at := now.Add(3 * time.Hour)
	steps := []catalogue.Command{{Action: catalogue.Submit, Actor: itemOfficer}, {Action: catalogue.Pass, Actor: itemReviewer}, {Action: catalogue.Schedule, Actor: itemOfficer, At: at}}
	due := itemTo(t, db, health, disclosure.Item{Title: "关于开展2026年春季爱国卫生运动的通知", Genre: disclosure.GenreNotice, WrittenOn: workday.NewDate(2026, 2, 27)}, now, steps...)
	later := itemTo(t, db, health, disclosure.Item{Title: "关于调整门诊时间的公告", Genre: disclosure.GenreNotice}, now,
		append(steps[:2:2], catalogue.Command{Action: catalogue.Schedule, Actor: itemOfficer, At: now.Add(48 * time.Hour)})...)

	if n, err := runner(t, db, mail.Discard, now.Add(time.Hour)).ReleaseScheduled(ctx); err != nil || n != 0 {
		t.Errorf("before the moment: released %d, %v", n, err)
	}
	// Two processes poll at the same moment, after the first item's time.
	other, err := db.OpenAnother(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, h := range []*store.DB{db, other} {
		wg.Go(func() {
			n, err := runner(t, h, mail.Discard, at.Add(time.Minute)).ReleaseScheduled(ctx)
			if err != nil {
				t.Errorf("process %d: %v", i, err)
			}
			counts[i] = n
		})
	}
	wg.Wait()
	if counts[0]+counts[1] != 1 {
		t.Errorf("released %v, want one release in all", counts)
	}
	got, _ := db.GetItem(ctx, due.ID)
	if got.State != disclosure.ItemPublished || got.IndexNumber == "" || got.PublishedOn != workday.NewDate(2026, 3, 2) || got.PublishAt != nil {
		t.Errorf("released item: %s %q %s", got.State, got.IndexNumber, got.PublishedOn)
	}
	events, _ := db.ItemEvents(ctx, due.ID)
	if last := events[len(events)-1]; last.Action != "release" || last.ActorName != "系统（定时发布）" {
		t.Errorf("last event %+v", last)
	}
	if got, _ := db.GetItem(ctx, later.ID); got.State != disclosure.ItemScheduled {
		t.Errorf("the later item is %s", got.State)
	}
}

func TestItemReminderNamesLateItemsAndReviewsOncePerWorkingDay(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	health := healthBureau(t, db)
	officer := &disclosure.User{Username: "officer", DisplayName: "张公开", Email: "zhang@example.gov.cn", PasswordHash: "x", Grants: []disclosure.Grant{{Role: disclosure.Officer, AgencyID: &health.ID}}}
	reviewer := &disclosure.User{Username: "reviewer", DisplayName: "王审查", Email: "wang@example.gov.cn", PasswordHash: "x", Grants: []disclosure.Grant{{Role: disclosure.Reviewer, AgencyID: &health.ID}}}
	for _, u := range []*disclosure.User{officer, reviewer} {
		if err := db.CreateUser(ctx, disclosure.SystemActor, u); err != nil {
			t.Fatal(err)
		}
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	// Formed Friday 27 Feb 2026: the 20 working days ended on 26 March (28 Feb is a 调休 working day).
	itemTo(t, db, health, disclosure.Item{Title: "关于印发《基本公共卫生服务项目管理办法》的通知", Genre: disclosure.GenreNormative, WrittenOn: workday.NewDate(2026, 2, 27)}, time.Date(2026, 3, 2, 9, 0, 0, 0, loc))
	itemTo(t, db, health, disclosure.Item{Title: "关于公布家庭医生签约服务团队的公告", Genre: disclosure.GenreNotice, WrittenOn: workday.NewDate(2026, 3, 4)}, time.Date(2026, 3, 4, 9, 0, 0, 0, loc))
	itemTo(t, db, health, disclosure.Item{Title: "2025年工作总结", Genre: disclosure.GenreNotice, WrittenOn: workday.NewDate(2025, 3, 3)}, time.Date(2025, 3, 3, 9, 0, 0, 0, loc),
		catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer}, catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer}, catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer})
	tests := []struct {
		name string
		at   time.Time
		want int
	}{
		{"before the hour", time.Date(2026, 3, 27, 7, 0, 0, 0, loc), 0},
		{"after the hour", time.Date(2026, 3, 27, 8, 30, 0, 0, loc), 1},
		{"again the same day", time.Date(2026, 3, 27, 16, 0, 0, 0, loc), 0},
		{"a Sunday", time.Date(2026, 3, 29, 9, 0, 0, 0, loc), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := runner(t, db, mail.Discard, tt.at).RemindItems(ctx)
			if err != nil || n != tt.want {
				t.Errorf("queued %d, %v; want %d", n, err, tt.want)
			}
		})
	}
	batch, err := db.ClaimMail(ctx, 10)
	if err != nil || len(batch) != 1 {
		t.Fatalf("outbox %d, %v", len(batch), err)
	}
	m := batch[0].Mail
	for _, want := range []string{"超过《条例》第二十六条规定的20个工作日仍未公开", "基本公共卫生服务项目管理办法", "已逾期 1 个工作日",
		"3个工作日内将到公开期限", "家庭医生签约服务团队", "已到定期评估日期", "2025年工作总结", "https://gk.example.gov.cn/console/items/"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the reminder lacks %q:\n%s", want, m.Text)
		}
	}
	if m.To != "zhang@example.gov.cn" || !strings.Contains(m.Subject, "2 条逾期或即将逾期") {
		t.Errorf("to %s, subject %q", m.To, m.Subject)
	}
}
