package web

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestSubscriptionPageSaysWhetherTheConfirmationWasSent subscribes on a site without a mail server and on one with
// it: without, the page must not claim that an e-mail was sent (it waits in the outbox until mail is configured);
// with, it tells the citizen to look for it. Either way the confirmation mail is in the outbox.
func TestSubscriptionPageSaysWhetherTheConfirmationWasSent(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name      string
		sendsMail bool
		email     string
		want      []string
		notWant   []string
	}{
		{"no mail server", false, "wang@example.com",
			[]string{"订阅申请已记录", "wang@example.com", "暂未开通邮件发送", "确认邮件尚未发出"},
			[]string{"已向", "发送了一封", "请查收", "没有收到"}},
		{"mail server", true, "li@example.com",
			[]string{"请查收确认邮件", "已向 li@example.com 发送了一封确认邮件"},
			[]string{"暂未开通", "尚未发出"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := NewServer(f.db, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Site: "测试门户", PasswordParams: cheap, MinFillTime: -1, SendsMail: tc.sendsMail})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			before, _, _, err := f.db.OutboxStats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			g := &fixture{db: f.db, srv: srv, health: f.health, totp: f.totp, lastStep: map[string]int64{}}
			c := g.client(t)
			resp, doc := postForm(t, g, c, "/subscribe", withFormToken(t, g, c, "/subscribe", url.Values{"email": {tc.email}, "agency": {"2"}}))
			page := text(doc, "main")
			if resp.StatusCode != 200 {
				t.Fatalf("subscribe: %d %s", resp.StatusCode, page)
			}
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %q:\n%s", w, page)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(page, w) {
					t.Errorf("page says %q:\n%s", w, page)
				}
			}
			if title := doc.Find("title").Text(); strings.Contains(title, "请查收") != tc.sendsMail {
				t.Errorf("title %q", title)
			}
			if waiting, _, _, err := f.db.OutboxStats(context.Background()); err != nil || waiting != before+1 {
				t.Errorf("outbox holds %d mails (%v), want the confirmation added to %d", waiting, err, before)
			}
		})
	}
}
