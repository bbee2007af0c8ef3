package storetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

func mustSubscribe(t *testing.T, db *store.DB, sub store.Subscription) *store.Subscription {
	t.Helper()
	if sub.Token == "" {
		sub.Token = strings.ToLower(rand.Text() + rand.Text())
	}
	created, err := db.CreateSubscription(context.Background(), &sub, disclosure.Mail{To: sub.Email, Subject: "请确认订阅", Text: "确认链接"})
	if err != nil || !created {
		t.Fatalf("subscribe %s: %v %v", sub.Email, created, err)
	}
	return &sub
}

func mustConfirm(t *testing.T, db *store.DB, s *store.Subscription) {
	t.Helper()
	if _, err := db.ConfirmSubscription(context.Background(), s.Token, 7*24*time.Hour); err != nil {
		t.Fatal(err)
	}
}

// delivered runs one delivery up to the newest publication and returns, per address, the titles sent.
func delivered(t *testing.T, db *store.DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	upTo, err := db.PublicationCursor(ctx, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	_, err = db.DeliverSubscriptions(ctx, upTo, 2, func(s *store.Subscription, items []disclosure.Item, more bool) []disclosure.Mail {
		var ms []disclosure.Mail
		for _, it := range items {
			out[s.Email] = append(out[s.Email], it.Title)
			ms = append(ms, disclosure.Mail{To: s.Email, Subject: it.Title, Text: "查看全文", Headers: map[string]string{"List-Unsubscribe": "<https://gk.example/unsubscribe/" + s.Token + ">"}})
		}
		return ms
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runSubscriptions(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("outbox e-mails keep their extra header fields", func(t *testing.T) {
		db := MustMigrate(t, open)
		h := map[string]string{"List-Unsubscribe": "<https://gk.example/unsubscribe/x>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
		if err := db.EnqueueMail(ctx, disclosure.Mail{To: "a@example.com", Subject: "主题", Text: "正文", Headers: h}); err != nil {
			t.Fatal(err)
		}
		if err := db.EnqueueMail(ctx, disclosure.Mail{To: "b@example.com", Subject: "主题", Text: "正文"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.ClaimMail(ctx, 10)
		if err != nil || len(got) != 2 {
			t.Fatalf("claimed %d, %v", len(got), err)
		}
		if got[0].Mail.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || got[0].Mail.Headers["List-Unsubscribe"] != h["List-Unsubscribe"] || got[1].Mail.Headers != nil {
			t.Errorf("headers %v, %v", got[0].Mail.Headers, got[1].Mail.Headers)
		}
	})

	t.Run("a subscription is confirmed once, limited per address, and ended by its token", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		s := mustSubscribe(t, db, store.Subscription{Email: "wang@example.com", AgencyID: &gov.ID})
		if waiting, _, _, _ := db.OutboxStats(ctx); waiting != 1 {
			t.Errorf("%d e-mails waiting, want the confirmation", waiting)
		}
		got, err := db.GetSubscription(ctx, s.Token)
		if err != nil || got.Active() || got.Email != "wang@example.com" || *got.AgencyID != gov.ID {
			t.Fatalf("%+v %v", got, err)
		}
		mustConfirm(t, db, s)
		mustConfirm(t, db, s) // twice is fine
		if got, _ := db.GetSubscription(ctx, s.Token); !got.Active() {
			t.Error("not active after confirmation")
		}
		// The same subscription again: nothing stored, no e-mail.
		again := store.Subscription{Email: "wang@example.com", AgencyID: &gov.ID, Token: strings.Repeat("b", 52)}
		if created, err := db.CreateSubscription(ctx, &again, disclosure.Mail{To: "wang@example.com", Subject: "x", Text: "x"}); err != nil || created {
			t.Errorf("duplicate: %v %v", created, err)
		}
		for i := 1; i < store.SubscriptionsPerDay; i++ {
			mustSubscribe(t, db, store.Subscription{Email: "wang@example.com", Keyword: fmt.Sprintf("词%d", i)})
		}
		over := store.Subscription{Email: "wang@example.com", Keyword: "再多一个", Token: strings.Repeat("c", 52)}
		if _, err := db.CreateSubscription(ctx, &over, disclosure.Mail{To: "wang@example.com", Subject: "x", Text: "x"}); code(err) != disclosure.EConflict || !strings.Contains(err.Error(), "24 小时内") {
			t.Errorf("over the daily limit: %v", err)
		}
		if _, err := db.CreateSubscription(ctx, &store.Subscription{Email: "li@example.com", Token: strings.Repeat("d", 52)}, disclosure.Mail{}); code(err) != disclosure.EInvalid {
			t.Errorf("no filter: %v", err)
		}
		missing := int64(999)
		if _, err := db.CreateSubscription(ctx, &store.Subscription{Email: "li@example.com", AgencyID: &missing, Token: strings.Repeat("e", 52)}, disclosure.Mail{}); code(err) != disclosure.EInvalid {
			t.Errorf("unknown agency: %v", err)
		}
		if _, err := db.Unsubscribe(ctx, s.Token); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.GetSubscription(ctx, s.Token); got.Active() || got.UnsubscribedAt == nil {
			t.Error("still active after unsubscribing")
		}
		if _, err := db.Unsubscribe(ctx, s.Token); err != nil {
			t.Errorf("unsubscribing twice: %v", err)
		}
		if _, err := db.ConfirmSubscription(ctx, s.Token, time.Hour); code(err) != disclosure.EConflict {
			t.Errorf("confirming after unsubscribing: %v", err)
		}
		if _, err := db.GetSubscription(ctx, "no-such-token"); code(err) != disclosure.ENotFound {
			t.Errorf("unknown token: %v", err)
		}
		// A confirmation link expires.
		late := mustSubscribe(t, db, store.Subscription{Email: "zhao@example.com", Category: "health"})
		db.SetClock(func() time.Time { return time.Now().Add(8 * 24 * time.Hour) })
		defer db.SetClock(time.Now)
		if _, err := db.ConfirmSubscription(ctx, late.Token, 7*24*time.Hour); code(err) != disclosure.EInvalid || !strings.Contains(err.Error(), "已过期") {
			t.Errorf("expired link: %v", err)
		}
	})

	t.Run("unconfirmed subscriptions go when their link expires, and do not keep the address from subscribing", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		start := time.Now()
		day := 0
		db.SetClock(func() time.Time { return start.Add(time.Duration(day) * 24 * time.Hour) })
		defer db.SetClock(time.Now)
		kept := mustSubscribe(t, db, store.Subscription{Email: "chen@example.com", AgencyID: &gov.ID})
		mustConfirm(t, db, kept)
		// Someone fills the form with Chen's address every day; Chen never confirms.
		n := 0
		for day = 0; day < 8; day++ {
			for i := 0; i < store.SubscriptionsPerDay-1; i++ {
				n++
				mustSubscribe(t, db, store.Subscription{Email: "chen@example.com", Keyword: fmt.Sprintf("词%d", n)})
			}
		}
		day = 8
		if s, err := db.CreateSubscription(ctx, &store.Subscription{Email: "chen@example.com", Keyword: "本人订阅", Token: strings.Repeat("f", 52)},
			disclosure.Mail{To: "chen@example.com", Subject: "x", Text: "x"}); err != nil || !s {
			t.Errorf("after a week of unconfirmed requests the address cannot subscribe: %v %v", s, err)
		}
		purged, err := db.PurgeSubscriptions(ctx)
		if want := (store.SubscriptionsPerDay - 1) * 1; err != nil || purged != want {
			// Only those made on day 0 are older than the link's 7 days on day 8.
			t.Errorf("purged %d, want %d: %v", purged, want, err)
		}
		if got, err := db.GetSubscription(ctx, kept.Token); err != nil || !got.Active() {
			t.Errorf("the confirmed subscription went too: %v", err)
		}
		day = 30
		if purged, err := db.PurgeSubscriptions(ctx); err != nil || purged != n-(store.SubscriptionsPerDay-1)+1 {
			t.Errorf("a month later purged %d, want the other %d unconfirmed: %v", purged, n-(store.SubscriptionsPerDay-1)+1, err)
		}
		if got, err := db.GetSubscription(ctx, kept.Token); err != nil || !got.Active() {
			t.Errorf("the confirmed subscription went: %v", err)
		}
		// Confirmed subscriptions do count: at most MaxSubscriptionsPerAddress, checked at the request and again at
		// the confirmation (requests made before the limit was reached).
		confirmed, made := 1, 0
		var pending *store.Subscription
		for day = 31; confirmed < store.MaxSubscriptionsPerAddress; day++ {
			for i := 0; i < store.SubscriptionsPerDay-1 && confirmed < store.MaxSubscriptionsPerAddress; i++ {
				made++
				s := mustSubscribe(t, db, store.Subscription{Email: "chen@example.com", Category: fmt.Sprintf("c%d", made)})
				if pending == nil {
					pending = s // left for later
					continue
				}
				mustConfirm(t, db, s)
				confirmed++
			}
		}
		if _, err := db.CreateSubscription(ctx, &store.Subscription{Email: "chen@example.com", Keyword: "第二十一个", Token: strings.Repeat("g", 52)},
			disclosure.Mail{To: "chen@example.com", Subject: "x", Text: "x"}); code(err) != disclosure.EConflict || !strings.Contains(err.Error(), "已达") {
			t.Errorf("a request beyond the limit: %v", err)
		}
		if _, err := db.ConfirmSubscription(ctx, pending.Token, store.SubscriptionConfirmWithin); code(err) != disclosure.EConflict {
			t.Errorf("a confirmation beyond the limit: %v", err)
		}
	})

	t.Run("delivery sends what was published after the confirmation and matches, once", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		hospital := mustAgency(t, db, disclosure.SubordinateUnit, health, "平阴县人民医院")
		civil := mustAgency(t, db, disclosure.Department, gov, "平阴县民政局")
		mustPublish(t, db, health, disclosure.Item{Title: "订阅前的疫苗通知", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination"}, "2026-03-01")
		byAgency := mustSubscribe(t, db, store.Subscription{Email: "agency@example.com", AgencyID: &health.ID})
		byCategory := mustSubscribe(t, db, store.Subscription{Email: "category@example.com", Category: "health.public_health"})
		byKeyword := mustSubscribe(t, db, store.Subscription{Email: "keyword@example.com", Keyword: "医保"})
		both := mustSubscribe(t, db, store.Subscription{Email: "both@example.com", AgencyID: &civil.ID, Category: "livelihood"})
		mustSubscribe(t, db, store.Subscription{Email: "unconfirmed@example.com", AgencyID: &health.ID})
		for _, s := range []*store.Subscription{byAgency, byCategory, byKeyword, both} {
			mustConfirm(t, db, s)
		}
		// Drafted before the subscriptions, published after: news all the same.
		early, _ := catalogue.NewItem(disclosure.Item{Title: "早已起草的接种门诊调整", Genre: disclosure.GenreNotice, Category: "health.public_health.vaccination"}, health, time.Now())
		if err := db.CreateItem(ctx, officer, early); err != nil {
			t.Fatal(err)
		}
		mustPublish(t, db, hospital, disclosure.Item{Title: "医院招聘公告", Genre: disclosure.GenrePersonnel, Category: "personnel"}, "2026-03-02")
		mustPublish(t, db, civil, disclosure.Item{Title: "城乡居民医保参保缴费", Genre: disclosure.GenreNotice, Category: "livelihood.social_assistance", Body: "<p>医保缴费。</p>"}, "2026-03-02")
		withdrawn := mustPublish(t, db, health, disclosure.Item{Title: "随即撤回的通知", Genre: disclosure.GenreNotice, Category: "health.public_health"}, "2026-03-02")
		mustItemStep(t, db, health, withdrawn.ID, "2026-03-02", catalogue.Command{Action: catalogue.Withdraw, Actor: itemOfficer, Note: "有误"})
		answers := map[string]bool{}
		for _, q := range disclosure.ReviewChecklist {
			answers[q] = true
		}
		mustItemStep(t, db, health, early.ID, "2026-03-03", catalogue.Command{Action: catalogue.Submit, Actor: itemOfficer})
		mustItemStep(t, db, health, early.ID, "2026-03-03", catalogue.Command{Action: catalogue.Pass, Actor: itemReviewer, Answers: answers})
		mustItemStep(t, db, health, early.ID, "2026-03-03", catalogue.Command{Action: catalogue.Publish, Actor: itemOfficer})
		got := delivered(t, db)
		want := map[string][]string{
			"agency@example.com":   {"早已起草的接种门诊调整", "医院招聘公告"},
			"category@example.com": {"早已起草的接种门诊调整"},
			"keyword@example.com":  {"城乡居民医保参保缴费"},
			"both@example.com":     {"城乡居民医保参保缴费"},
		}
		for addr, titles := range want {
			slices.Sort(titles)
			slices.Sort(got[addr])
			if !slices.Equal(got[addr], titles) {
				t.Errorf("%s got %q, want %q", addr, got[addr], titles)
			}
		}
		if len(got) != len(want) {
			t.Errorf("delivered to %v", got)
		}
		if again := delivered(t, db); len(again) != 0 {
			t.Errorf("a second delivery sent %v", again)
		}
		// A correction is not news.
		mustItemStep(t, db, health, early.ID, "2026-03-04", catalogue.Command{Action: catalogue.Correct, Actor: itemOfficer})
		if again := delivered(t, db); len(again) != 0 {
			t.Errorf("a correction was sent: %v", again)
		}
	})

	t.Run("several processes delivering at once send each e-mail once", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		health := mustAgency(t, db, disclosure.Department, gov, "平阴县卫生健康局")
		const n = 30
		for i := range n {
			mustConfirm(t, db, mustSubscribe(t, db, store.Subscription{Email: fmt.Sprintf("s%d@example.com", i), AgencyID: &health.ID}))
		}
		mustPublish(t, db, health, disclosure.Item{Title: "新发布的通知", Genre: disclosure.GenreNotice}, "2026-03-02")
		upTo, err := db.PublicationCursor(ctx, time.Now().Add(time.Minute))
		if err != nil || upTo == 0 {
			t.Fatalf("cursor %d, %v", upTo, err)
		}
		handles := []*store.DB{db, mustAnother(t, db), mustAnother(t, db)}
		var mu sync.Mutex
		sent := map[string]int{}
		var wg sync.WaitGroup
		for _, h := range handles {
			wg.Go(func() {
				_, err := h.DeliverSubscriptions(ctx, upTo, 4, func(s *store.Subscription, items []disclosure.Item, more bool) []disclosure.Mail {
					mu.Lock()
					sent[s.Email]++
					mu.Unlock()
					return []disclosure.Mail{{To: s.Email, Subject: items[0].Title, Text: "x"}}
				})
				if err != nil {
					t.Errorf("deliver: %v", err)
				}
			})
		}
		wg.Wait()
		if len(sent) != n {
			t.Errorf("delivered to %d of %d", len(sent), n)
		}
		for addr, k := range sent {
			if k != 1 {
				t.Errorf("%s composed %d times", addr, k)
			}
		}
		// Every e-mail is in the outbox once (the confirmations were n more).
		waiting, _, _, _ := db.OutboxStats(ctx)
		if waiting != 2*n {
			t.Errorf("%d e-mails waiting, want %d", waiting, 2*n)
		}
	})
}
