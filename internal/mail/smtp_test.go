package mail_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/mail/mailtest"
)

const wait = 10 * time.Second // generous: only a hang should ever reach it

// mustSMTP returns a Sender for cfg, failing the test if cfg is invalid.
func mustSMTP(t *testing.T, cfg mail.SMTPConfig) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	return s
}

// mustError returns err as a *mail.Error, failing the test otherwise.
func mustError(t *testing.T, err error) *mail.Error {
	t.Helper()
	var e *mail.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %T %v, want *mail.Error", err, err)
	}
	return e
}

func TestSendChineseRoundTrip(t *testing.T) {
	srv := mailtest.NewServer(t)
	sender := mustSMTP(t, srv.Config())

	// Long enough to need several encoded words, with full-width punctuation, an emoji and ASCII mixed in.
	subject := "关于您的政府信息公开申请（〔2026〕第0012号）已予受理的告知——请于15个工作日内查收😀 test=?x?="
	text := strings.Join([]string{
		"张三先生/女士：",
		"",
		"您于2026年3月2日提交的政府信息公开申请已收到。",
		".这一行以点开头（SMTP 会对它做点填充）",
		"From 这一行以 From 开头",
		"行尾有空格   ",
		"等号=与问号?以及=?utf-8?q?伪编码?=不应被解码",
		strings.Repeat("很长的一行没有换行", 30),
		"",
	}, "\n")
	html := "<p>张三先生/女士：</p>\n<p>您的申请已收到。</p>\n"
	msg := mail.Message{To: []string{"张三 <zhang.san@example.cn>"}, Subject: subject, Text: text, HTML: html}
	if err := sender.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := srv.Wait(1, wait)[0]
	if got.Subject != subject {
		t.Errorf("Subject = %q, want %q", got.Subject, subject)
	}
	if diff := cmp.Diff(text, got.Text); diff != "" {
		t.Errorf("Text differs (-want +got):\n%s", diff)
	}
	if got.HTML != html {
		t.Errorf("HTML = %q, want %q", got.HTML, html)
	}
	if raw := got.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?") && !strings.HasPrefix(raw, "=?utf-8?") {
		t.Errorf("raw Subject = %q, want RFC 2047 encoded words", raw)
	}
	for i, b := range got.Raw {
		if b >= 0x80 {
			t.Fatalf("raw message has a non-ASCII byte at %d; everything should be encoded:\n%s", i, got.Raw)
		}
	}
	for _, line := range strings.Split(string(got.Raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("raw line of %d bytes exceeds RFC 5322's 998", len(line))
		}
	}
	if got.From != "noreply@example.gov.cn" {
		t.Errorf("envelope From = %q, want noreply@example.gov.cn", got.From)
	}
	from, err := got.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "政府信息公开" {
		t.Errorf("From header = %v (%v), want display name 政府信息公开", from, err)
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "张三" || to[0].Address != "zhang.san@example.cn" {
		t.Errorf("To header = %v (%v), want 张三 <zhang.san@example.cn>", to, err)
	}
	if id := got.Header.Get("Message-Id"); !strings.HasSuffix(id, "@example.gov.cn>") {
		t.Errorf("Message-ID = %q, want one in the sender's domain", id)
	}
	if ua := got.Header.Get("User-Agent") + got.Header.Get("X-Mailer"); ua != "" {
		t.Errorf("User-Agent/X-Mailer = %q, want none", ua)
	}
}

func TestSendTextOnly(t *testing.T) {
	srv := mailtest.NewServer(t)
	sender := mustSMTP(t, srv.Config())
	if err := sender.Send(context.Background(), mail.Message{To: []string{"a@example.cn"}, Subject: "提醒", Text: "今日有 3 件申请即将到期。"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Wait(1, wait)[0]
	if got.Text != "今日有 3 件申请即将到期。" || got.HTML != "" {
		t.Errorf("Text, HTML = %q, %q; want the text and no HTML", got.Text, got.HTML)
	}
	if ct := got.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain (no multipart for a text-only message)", ct)
	}
}

func TestSendSeveralRecipients(t *testing.T) {
	srv := mailtest.NewServer(t)
	sender := mustSMTP(t, srv.Config())
	msg := mail.Message{
		To:      []string{"li@example.cn", "王五 <wang@example.com>", "LI@example.cn", "zhao@ＥＸＡＭＰＬＥ．cn"},
		Subject: "每日提醒", Text: "正文",
	}
	if err := sender.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Wait(1, wait)
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1 with several recipients", len(got))
	}
	// The duplicate differing only in case is dropped; the full-width domain is folded.
	want := []string{"li@example.cn", "wang@example.com", "zhao@example.cn"}
	if diff := cmp.Diff(want, got[0].To); diff != "" {
		t.Errorf("envelope recipients (-want +got):\n%s", diff)
	}
	to, err := got[0].Header.AddressList("To")
	if err != nil || len(to) != 3 {
		t.Errorf("To header = %v (%v), want 3 addresses", to, err)
	}
}

func TestSendInternationalisedDomainAsPunycode(t *testing.T) {
	srv := mailtest.NewServer(t)
	sender := mustSMTP(t, srv.Config())
	if err := sender.Send(context.Background(), mail.Message{To: []string{"office@政务.cn"}, Subject: "主题", Text: "正文"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Wait(1, wait)[0].To
	if len(got) != 1 || !strings.HasPrefix(got[0], "office@xn--") || !strings.HasSuffix(got[0], ".cn") {
		t.Errorf("envelope recipients = %q, want office@xn--….cn", got)
	}
}

func TestSendExtraHeaders(t *testing.T) {
	srv := mailtest.NewServer(t)
	sender := mustSMTP(t, srv.Config())
	msg := mail.Message{
		To: []string{"a@example.cn"}, Subject: "主题", Text: "正文",
		Headers:   map[string]string{"list-unsubscribe": "<https://gk.example.gov.cn/unsubscribe?t=abc>", "X-Gongkai-Case": "2026-0012"},
		ReplyTo:   "信息公开办公室 <gkb@example.gov.cn>",
		MessageID: "case-2026-0012-step-3@example.gov.cn",
	}
	if err := sender.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	h := srv.Wait(1, wait)[0].Header
	for name, want := range map[string]string{
		"List-Unsubscribe": "<https://gk.example.gov.cn/unsubscribe?t=abc>",
		"X-Gongkai-Case":   "2026-0012",
		"Message-Id":       "<case-2026-0012-step-3@example.gov.cn>",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	rt, err := h.AddressList("Reply-To")
	if err != nil || len(rt) != 1 || rt[0].Address != "gkb@example.gov.cn" || rt[0].Name != "信息公开办公室" {
		t.Errorf("Reply-To = %v (%v), want 信息公开办公室 <gkb@example.gov.cn>", rt, err)
	}
}

func TestSendRefusesHeaderInjection(t *testing.T) {
	srv := mailtest.NewServer(t)
	sender := mustSMTP(t, srv.Config())
	base := mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"}
	tests := []struct {
		name string
		edit func(*mail.Message)
		want string
	}{
		{"CRLF in header value", func(m *mail.Message) { m.Headers = map[string]string{"X-A": "v\r\nBcc: evil@example.com"} }, "换行"},
		{"LF in header value", func(m *mail.Message) { m.Headers = map[string]string{"X-A": "v\nBcc: evil@example.com"} }, "换行"},
		{"CR in header value", func(m *mail.Message) { m.Headers = map[string]string{"X-A": "v\rBcc: evil@example.com"} }, "换行"},
		{"newline in header name", func(m *mail.Message) { m.Headers = map[string]string{"X-A\r\nBcc": "evil@example.com"} }, "不允许的字符"},
		{"colon in header name", func(m *mail.Message) { m.Headers = map[string]string{"Bcc: evil@example.com\r\nX": "v"} }, "不允许的字符"},
		{"reserved header", func(m *mail.Message) { m.Headers = map[string]string{"bcc": "evil@example.com"} }, "由系统生成"},
		{"newline in subject", func(m *mail.Message) { m.Subject = "主题\r\nBcc: evil@example.com" }, "只能有一行"},
		{"newline in recipient", func(m *mail.Message) { m.To = []string{"a@example.cn\r\nRCPT TO:<evil@example.com>"} }, "控制字符"},
		{"newline in reply-to", func(m *mail.Message) { m.ReplyTo = "a@example.cn\nBcc: evil@example.com" }, "控制字符"},
		{"newline in message id", func(m *mail.Message) { m.MessageID = "x@example.cn>\r\nBcc: <evil@example.com" }, "Message-ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base
			tt.edit(&m)
			err := sender.Send(context.Background(), m)
			if code := disclosure.ErrorCode(err); code != disclosure.EInvalid {
				t.Fatalf("err = %v (code %q), want %q", err, code, disclosure.EInvalid)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to mention %q", err, tt.want)
			}
			if mail.Temporary(err) {
				t.Errorf("Temporary(%v) = true, want false for an invalid message", err)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want none", n)
	}
}

func TestSendFailureClassification(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(*mailtest.Server)
		code      int
		temporary bool
		relay     bool
	}{
		{"451 at end of DATA is temporary", func(s *mailtest.Server) { s.FailNext(1, 451) }, 451, true, false},
		{"421 at end of DATA is temporary", func(s *mailtest.Server) { s.FailNext(1, 421) }, 421, true, false},
		{"550 at end of DATA is permanent", func(s *mailtest.Server) { s.FailNext(1, 550) }, 550, false, false},
		{"554 at end of DATA is permanent", func(s *mailtest.Server) { s.FailNext(1, 554) }, 554, false, false},
		{"550 unknown recipient is permanent", func(s *mailtest.Server) { s.RejectRecipient("a@example.cn", 550) }, 550, false, false},
		{"450 mailbox busy is temporary", func(s *mailtest.Server) { s.RejectRecipient("a@example.cn", 450) }, 450, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.NewServer(t)
			tt.setup(srv)
			sender := mustSMTP(t, srv.Config())
			err := sender.Send(context.Background(), mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"})
			e := mustError(t, err)
			if got, want := mail.Temporary(err), tt.temporary; got != want {
				t.Errorf("Temporary = %v, want %v (err %v)", got, want, err)
			}
			if e.Code != tt.code || e.Relay != tt.relay {
				t.Errorf("Code, Relay = %d, %v; want %d, %v", e.Code, e.Relay, tt.code, tt.relay)
			}
			if !strings.Contains(e.Error(), fmt.Sprint(tt.code)) || !strings.Contains(e.Error(), "邮件") {
				t.Errorf("message %q should be Chinese and quote the reply code", e.Error())
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server recorded %d messages, want none", n)
			}
		})
	}
}

func TestSendRetryAfterTemporaryFailure(t *testing.T) {
	srv := mailtest.NewServer(t)
	srv.FailNext(2, 451)
	sender := mustSMTP(t, srv.Config())
	msg := mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"}
	var attempts int
	for attempts = 1; attempts <= 5; attempts++ {
		err := sender.Send(context.Background(), msg)
		if err == nil {
			break
		}
		if !mail.Temporary(err) {
			t.Fatalf("attempt %d: %v is not temporary", attempts, err)
		}
	}
	if attempts != 3 {
		t.Errorf("delivered on attempt %d, want 3 (after two 451s)", attempts)
	}
	if n := len(srv.Wait(1, wait)); n != 1 {
		t.Errorf("server has %d messages, want 1", n)
	}
}

func TestSendContextCancelled(t *testing.T) {
	msg := mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"}

	t.Run("before sending nothing is sent", func(t *testing.T) {
		srv := mailtest.NewServer(t)
		sender := mustSMTP(t, srv.Config())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := sender.Send(ctx, msg)
		if !errors.Is(err, context.Canceled) || !mail.Temporary(err) {
			t.Errorf("err = %v, want a temporary error wrapping context.Canceled", err)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("server has %d messages, want none", n)
		}
	})

	t.Run("during the session the I/O is aborted", func(t *testing.T) {
		srv := mailtest.NewServer(t)
		waiting, release := srv.Hold()
		defer release()
		cfg := srv.Config()
		cfg.Timeout = 10 * time.Minute // so that only the cancellation can end the wait
		sender := mustSMTP(t, cfg)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- sender.Send(ctx, msg) }()
		select {
		case <-waiting:
		case <-time.After(wait):
			t.Fatal("the delivery never reached the server's DATA reply")
		}
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) || !mail.Temporary(err) {
				t.Errorf("err = %v, want a temporary error wrapping context.Canceled", err)
			}
			if e := mustError(t, err); !strings.Contains(e.Message, "取消") {
				t.Errorf("message %q should say the delivery was cancelled", e.Message)
			}
		case <-time.After(wait):
			t.Fatal("Send did not return after its context was cancelled")
		}
	})

	t.Run("deadline during the session is temporary", func(t *testing.T) {
		srv := mailtest.NewServer(t)
		_, release := srv.Hold() // the delivery can only end by the deadline
		defer release()
		cfg := srv.Config()
		cfg.Timeout = 10 * time.Minute
		sender := mustSMTP(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := sender.Send(ctx, msg)
		if !errors.Is(err, context.DeadlineExceeded) || !mail.Temporary(err) {
			t.Errorf("err = %v, want a temporary error wrapping context.DeadlineExceeded", err)
		}
	})
}

func TestSendAuthPlain(t *testing.T) {
	msg := mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"}

	t.Run("right credentials over plain text on loopback are accepted", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithAuth("gongkai", "s3cret 密码"))
		if err := mustSMTP(t, srv.Config()).Send(context.Background(), msg); err != nil {
			t.Fatalf("Send: %v", err)
		}
		srv.Wait(1, wait)
	})

	t.Run("localhost counts as loopback", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithAuth("gongkai", "s3cret"))
		cfg := srv.Config()
		cfg.Host = "localhost"
		if err := mustSMTP(t, cfg).Send(context.Background(), msg); err != nil {
			t.Fatalf("Send: %v", err)
		}
		srv.Wait(1, wait)
	})

	t.Run("wrong password is a relay problem", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithAuth("gongkai", "s3cret"))
		cfg := srv.Config()
		cfg.Password = "wrong"
		err := mustSMTP(t, cfg).Send(context.Background(), msg)
		e := mustError(t, err)
		if e.Code != 535 || !e.Relay || !e.Temporary || !strings.Contains(e.Message, "用户名和密码") {
			t.Errorf("err = %+v, want code 535, Relay and Temporary, telling to check the credentials", e)
		}
	})

	t.Run("missing credentials are refused at MAIL FROM", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithAuth("gongkai", "s3cret"))
		cfg := srv.Config()
		cfg.Username, cfg.Password = "", ""
		e := mustError(t, mustSMTP(t, cfg).Send(context.Background(), msg))
		if e.Code != 502 || !e.Relay || !e.Temporary {
			t.Errorf("err = %+v, want code 502 flagged as a relay problem", e)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("server has %d messages, want none", n)
		}
	})
}

func TestSendTLS(t *testing.T) {
	msg := mail.Message{To: []string{"a@example.cn"}, Subject: "加密发送", Text: "正文"}
	for _, security := range []string{mail.SecuritySTARTTLS, mail.SecurityTLS} {
		t.Run(security+" with AUTH succeeds", func(t *testing.T) {
			srv := mailtest.NewServer(t, mailtest.WithTLS(security), mailtest.WithAuth("gongkai", "s3cret"))
			if err := mustSMTP(t, srv.Config()).Send(context.Background(), msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := srv.Wait(1, wait)[0].Subject; got != "加密发送" {
				t.Errorf("Subject = %q, want 加密发送", got)
			}
		})
		t.Run(security+" with an untrusted certificate fails as a relay problem", func(t *testing.T) {
			srv := mailtest.NewServer(t, mailtest.WithTLS(security))
			cfg := srv.Config()
			cfg.TLSConfig = nil
			e := mustError(t, mustSMTP(t, cfg).Send(context.Background(), msg))
			if !e.Relay || !e.Temporary || !strings.Contains(e.Message, "证书") {
				t.Errorf("err = %+v, want a temporary relay error about the certificate", e)
			}
		})
	}

	t.Run("tls against a plain server fails as a relay problem", func(t *testing.T) {
		srv := mailtest.NewServer(t)
		cfg := srv.Config()
		cfg.Security = mail.SecurityTLS
		e := mustError(t, mustSMTP(t, cfg).Send(context.Background(), msg))
		if !e.Relay || !e.Temporary || !strings.Contains(e.Message, "加密方式") {
			t.Errorf("err = %+v, want a relay error suggesting the security mode is wrong", e)
		}
	})

	t.Run("starttls is mandatory", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithAuth("gongkai", "s3cret"))
		cfg := srv.Config()
		cfg.Security = mail.SecuritySTARTTLS // the server offers no STARTTLS: the password must not be sent
		e := mustError(t, mustSMTP(t, cfg).Send(context.Background(), msg))
		if !e.Relay || !strings.Contains(e.Err.Error(), "STARTTLS") {
			t.Errorf("err = %+v, want a relay error about STARTTLS", e)
		}
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("server has %d messages, want none", n)
		}
	})
}

func TestSendConnectionRefusedIsTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	sender := mustSMTP(t, mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: mailtest.From, Security: mail.SecurityNone})
	err = sender.Send(context.Background(), mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"})
	e := mustError(t, err)
	if !mail.Temporary(err) || !e.Relay || !strings.Contains(e.Message, "无法连接") {
		t.Errorf("err = %+v, want a temporary relay error saying it cannot connect", e)
	}
}

func TestSendConcurrently(t *testing.T) {
	srv := mailtest.NewServer(t)
	sender := mustSMTP(t, srv.Config())
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- sender.Send(context.Background(), mail.Message{
				To: []string{fmt.Sprintf("user%d@example.cn", i)}, Subject: fmt.Sprintf("第 %d 封", i), Text: "正文",
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Send: %v", err)
		}
	}
	if got := len(srv.Wait(n, wait)); got != n {
		t.Errorf("server has %d messages, want %d", got, n)
	}
}

func BenchmarkSend(b *testing.B) {
	srv := mailtest.NewServer(b)
	sender, err := mail.NewSMTP(srv.Config())
	if err != nil {
		b.Fatal(err)
	}
	msg := mail.Message{To: []string{"a@example.cn"}, Subject: "关于您的政府信息公开申请的告知", Text: strings.Repeat("您的申请已受理。\n", 40)}
	for b.Loop() {
		if err := sender.Send(context.Background(), msg); err != nil {
			b.Fatal(err)
		}
	}
}
