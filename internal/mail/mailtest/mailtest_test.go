package mailtest_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/mail"
	"github.com/gongkai/gongkai/internal/mail/mailtest"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name              string
		raw               string
		subject, text, ht string
	}{
		{
			name: "base64 single part",
			raw: "Subject: =?UTF-8?B?5pS/5bqc5L+h5oGv5YWs5byA?=\r\nContent-Type: text/plain; charset=utf-8\r\n" +
				"Content-Transfer-Encoding: base64\r\n\r\n5oKo5aW9\r\n77yB\r\n",
			subject: "政府信息公开", text: "您好！",
		},
		{
			name:    "no content type is US-ASCII text",
			raw:     "Subject: plain\r\n\r\nhello\r\nworld\r\n",
			subject: "plain", text: "hello\nworld",
		},
		{
			name: "nested multipart with quoted-printable",
			raw: "Subject: =?utf-8?q?=E7=94=B3=E8=AF=B7?= =?utf-8?q?=E5=91=8A=E7=9F=A5?=\r\n" +
				"Content-Type: multipart/mixed; boundary=outer\r\n\r\n" +
				"--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n" +
				"--inner\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
				"=E6=AD=A3=E6=96=87 a=3Db soft=\r\nbreak\r\n" +
				"--inner\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>html</p>\r\n" +
				"--inner--\r\n" +
				"--outer\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n" +
				"--outer--\r\n",
			subject: "申请告知", text: "正文 a=b softbreak", ht: "<p>html</p>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mailtest.Parse([]byte(tt.raw))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Subject != tt.subject || got.Text != tt.text || got.HTML != tt.ht {
				t.Errorf("Subject, Text, HTML = %q, %q, %q; want %q, %q, %q", got.Subject, got.Text, got.HTML, tt.subject, tt.text, tt.ht)
			}
		})
	}

	bad := map[string]string{
		"GBK body":            "Subject: x\r\nContent-Type: text/plain; charset=gbk\r\n\r\n\xc4\xe3\r\n",
		"unknown encoding":    "Subject: x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nx\r\n",
		"broken content type": "Subject: x\r\nContent-Type: text/plain; charset\r\n\r\nx\r\n",
		"no header end":       "Subject x",
	}
	for name, raw := range bad {
		t.Run(name+" is an error", func(t *testing.T) {
			if got, err := mailtest.Parse([]byte(raw)); err == nil {
				t.Errorf("Parse = %+v, want an error", got)
			}
		})
	}
}

func TestServerRecordsEnvelopeAndFailsOnDemand(t *testing.T) {
	s := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(s.Config())
	if err != nil {
		t.Fatal(err)
	}
	msg := mail.Message{To: []string{"a@example.cn", "b@example.cn"}, Subject: "主题", Text: "正文"}

	s.FailNext(1, 550)
	if err := sender.Send(context.Background(), msg); err == nil {
		t.Fatal("first Send succeeded, want the 550 of FailNext")
	}
	if err := sender.Send(context.Background(), msg); err != nil {
		t.Fatalf("second Send: %v (FailNext(1, …) should fail one delivery only)", err)
	}
	got := s.Wait(1, 10*time.Second)
	if len(got) != 1 || got[0].From != "noreply@example.gov.cn" || strings.Join(got[0].To, ",") != "a@example.cn,b@example.cn" {
		t.Errorf("messages = %+v, want one from noreply@example.gov.cn to a and b", got)
	}

	// Messages returns a copy.
	got[0].Subject = "changed"
	if s.Messages()[0].Subject != "主题" {
		t.Error("changing the result of Messages changed the server's record")
	}
}

func TestServerRequiresAuth(t *testing.T) {
	s := mailtest.NewServer(t, mailtest.WithAuth("user", "pass"))
	cfg := s.Config()
	if cfg.Username != "user" || cfg.Password != "pass" || cfg.Security != mail.SecurityNone {
		t.Fatalf("Config = %+v, want the credentials and security none", cfg)
	}
	cfg.Username, cfg.Password = "", ""
	sender, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Send(context.Background(), mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"}); err == nil {
		t.Error("Send without credentials succeeded, want the server to require AUTH")
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("server recorded %d messages, want none", n)
	}
}

// fatalTB records Fatalf instead of failing the real test.
type fatalTB struct {
	testing.TB
	mu    sync.Mutex
	fatal string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatal = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

func TestWaitFailsTheTestOnTimeout(t *testing.T) {
	tb := &fatalTB{TB: t}
	s := mailtest.NewServer(tb)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Wait(1, 20*time.Millisecond)
	}()
	<-done
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if !strings.Contains(tb.fatal, "waited") || !strings.Contains(tb.fatal, "0 arrived") {
		t.Errorf("Fatalf message = %q, want it to say how many messages arrived", tb.fatal)
	}
}

func TestSlowServerTakesItsTimeAndDeliversNothingToAClientThatGaveUp(t *testing.T) {
	const delay = 400 * time.Millisecond
	s := mailtest.NewServer(t, mailtest.WithDelay(delay))
	sender, err := mail.NewSMTP(s.Config())
	if err != nil {
		t.Fatal(err)
	}
	msg := mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"}
	start := time.Now()
	if err := sender.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < delay {
		t.Errorf("delivery took %v, want at least %v", took, delay)
	}
	ctx, cancel := context.WithTimeout(context.Background(), delay/4)
	defer cancel()
	if err := sender.Send(ctx, msg); err == nil {
		t.Fatal("a delivery given up during the delay succeeded")
	}
	time.Sleep(2 * delay)
	if got := s.Messages(); len(got) != 1 {
		t.Errorf("%d messages recorded, want only the first", len(got))
	}
}
