package jobs

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/store"
	"github.com/gongkai/gongkai/internal/workday"
)

func TestSubscriptionMails(t *testing.T) {
	agency := int64(2)
	sub := &store.Subscription{Email: "wang@example.com", AgencyID: &agency, Keyword: "疫苗", Token: strings.Repeat("a", 52)}
	item := func(i int) disclosure.Item {
		return disclosure.Item{ID: int64(100 + i), Title: fmt.Sprintf("关于做好疫苗接种工作的通知（%d）", i), Publisher: "平阴县卫生健康局", DocNumber: "平卫发〔2026〕3号",
			IndexNumber: "113701243072282028/2026-00001", Summary: "部署春季疫苗接种。", PublishedOn: workday.Date{Year: 2026, Month: 3, Day: 2}}
	}
	base := "https://gk.example.gov.cn"
	unsubscribe := base + "/unsubscribe/" + sub.Token
	t.Run("one e-mail per item, each with the link, the summary and the one-click unsubscription", func(t *testing.T) {
		ms := SubscriptionMails(sub, []disclosure.Item{item(1), item(2)}, false, base)
		if len(ms) != 2 {
			t.Fatalf("%d e-mails", len(ms))
		}
		m := ms[0]
		for _, want := range []string{"发布机构：平阴县卫生健康局", "发布日期：2026年3月2日", "文号：平卫发〔2026〕3号", "内容概述：部署春季疫苗接种。", base + "/items/101", "退订（无需登录，点击即可）：" + unsubscribe, "关键词“疫苗”"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, m.Text)
			}
		}
		if m.Subject != "【政府信息公开】关于做好疫苗接种工作的通知（1）" || m.To != "wang@example.com" {
			t.Errorf("subject %q to %q", m.Subject, m.To)
		}
		if m.Headers["List-Unsubscribe"] != "<"+unsubscribe+">" || m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
			t.Errorf("headers %v", m.Headers)
		}
		// The mail package accepts the headers.
		if err := mail.Discard.Send(context.Background(), mail.Message{To: []string{m.To}, Subject: m.Subject, Text: m.Text, Headers: m.Headers}); err != nil {
			t.Errorf("not sendable: %v", err)
		}
	})
	t.Run("several items at once are one e-mail listing them", func(t *testing.T) {
		var items []disclosure.Item
		for i := range digestFrom + 2 {
			items = append(items, item(i))
		}
		ms := SubscriptionMails(sub, items, true, base)
		if len(ms) != 1 || !strings.Contains(ms[0].Subject, fmt.Sprintf("%d 条新发布", len(items))) || !strings.Contains(ms[0].Text, base+"/items/105") ||
			!strings.Contains(ms[0].Text, base+"/catalogue") || !strings.Contains(ms[0].Text, unsubscribe) || ms[0].Headers["List-Unsubscribe"] == "" {
			t.Errorf("%+v", ms)
		}
	})
	t.Run("a long title is cut to the subject limit", func(t *testing.T) {
		long := item(1)
		long.Title = strings.Repeat("通知", 150)
		m := SubscriptionMails(sub, []disclosure.Item{long}, false, base)[0]
		if n := len([]rune(m.Subject)); n > mail.MaxSubjectRunes {
			t.Errorf("subject of %d characters", n)
		}
	})
}

func TestNotifySubscribersWaitsForTheBaseURL(t *testing.T) {
	db := mustDB(t)
	r := runner(t, db, mail.Discard, time.Now())
	r.BaseURL = ""
	if n, err := r.NotifySubscribers(context.Background()); n != 0 || err != nil {
		t.Errorf("%d, %v", n, err)
	}
	r.BaseURL = "https://gk.example.gov.cn"
	if n, err := r.NotifySubscribers(context.Background()); n != 0 || err != nil {
		t.Errorf("nothing published: %d, %v", n, err)
	}
}

// The purge runs at most once an hour and deletes only what can no longer be confirmed.
func TestPurgeDeletesExpiredUnconfirmedSubscriptionsHourly(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	start := time.Now()
	now := start
	db.SetClock(func() time.Time { return now })
	defer db.SetClock(time.Now)
	subscribe := func(token string) *store.Subscription {
		t.Helper()
		sub := &store.Subscription{Email: "wang@example.com", Keyword: "疫苗" + token[:1], Token: token}
		if ok, err := db.CreateSubscription(ctx, sub, disclosure.Mail{To: sub.Email, Subject: "请确认订阅", Text: "x"}); err != nil || !ok {
			t.Fatal(ok, err)
		}
		return sub
	}
	first := subscribe(strings.Repeat("a", 52))
	r := runner(t, db, mail.Discard, now)
	r.Now = func() time.Time { return now }
	if n, err := r.Purge(ctx); n != 0 || err != nil {
		t.Errorf("a fresh request purged: %d %v", n, err)
	}
	now = start.Add(time.Minute)
	second := subscribe(strings.Repeat("b", 52))
	now = start.Add(store.SubscriptionConfirmWithin + time.Second)
	if n, err := r.Purge(ctx); n != 1 || err != nil {
		t.Errorf("after the first link expired: %d %v, want 1", n, err)
	}
	if _, err := db.GetSubscription(ctx, first.Token); err == nil {
		t.Error("the expired request is still there")
	}
	now = now.Add(2 * time.Minute) // the second has expired too, but the purge ran a minute ago
	if n, err := r.Purge(ctx); n != 0 || err != nil {
		t.Errorf("purged again within the hour: %d %v", n, err)
	}
	now = now.Add(time.Hour)
	if n, err := r.Purge(ctx); n != 1 || err != nil {
		t.Errorf("an hour later: %d %v, want 1", n, err)
	}
	if _, err := db.GetSubscription(ctx, second.Token); err == nil {
		t.Error("the second expired request is still there")
	}
}
