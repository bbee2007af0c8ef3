package mail_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/mail"
)

func TestParseAddress(t *testing.T) {
	valid := []struct{ in, want string }{
		{"zhang.san@example.cn", "zhang.san@example.cn"},
		{"  zhang@example.cn  ", "zhang@example.cn"},
		{"张三 <zhang@example.cn>", "zhang@example.cn"},
		{`"Zhang, San" <zhang@example.cn>`, "zhang@example.cn"},
		{"<zhang@example.cn>", "zhang@example.cn"},
		{"Zhang@EXAMPLE.CN", "Zhang@example.cn"},
		{"zhang＠example。cn", "zhang@example.cn"},
		{"ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｎ", "zhang@example.cn"},
		{"a+tag@mail.example.gov.cn", "a+tag@mail.example.gov.cn"},
		{"office@政务.cn", "office@政务.cn"},
		{"x@xn--fiq228c.cn", "x@xn--fiq228c.cn"},
	}
	for _, tt := range valid {
		t.Run("accepts "+tt.in, func(t *testing.T) {
			got, err := mail.ParseAddress(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseAddress(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}

	invalid := []struct{ in, want string }{
		{"", "不能为空"},
		{"   ", "不能为空"},
		{"zhang.example.cn", "缺少“@”"},
		{"zhang@", "格式不正确"},
		{"zhang @example.cn", "格式不正确"},
		{"a@example.cn, b@example.cn", "只能填写一个地址"},
		{"a@example.cn;b@example.cn", "只能填写一个地址"},
		{"zhang@localhost", "不完整"},
		{"zhang@[127.0.0.1]", "IP 地址"},
		{"zhang@-example.cn", "连字符"},
		{"zhang@example.cn.", "格式不正确"},
		{"zhang@exa_mple.cn", "不允许的字符"},
		{"张三@example.cn", "非英文字符"},
		{"a@example.cn\r\nBcc: x@example.cn", "控制字符"},
		{"a\x00@example.cn", "控制字符"},
		{strings.Repeat("a", 250) + "@example.cn", "过长"},
		{"a@" + strings.Repeat("b", 64) + ".cn", "超过 63"},
	}
	for _, tt := range invalid {
		t.Run(fmt.Sprintf("rejects %q", tt.in), func(t *testing.T) {
			got, err := mail.ParseAddress(tt.in)
			if err == nil {
				t.Fatalf("ParseAddress(%q) = %q, want an error", tt.in, got)
			}
			if code := disclosure.ErrorCode(err); code != disclosure.EInvalid {
				t.Errorf("code = %q, want %q", code, disclosure.EInvalid)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "邮箱地址") {
				t.Errorf("err = %q, want it to name the field and mention %q", err, tt.want)
			}
		})
	}
}

func TestMessageValidation(t *testing.T) {
	ok := mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"}
	many := make([]string, mail.MaxRecipients+1)
	for i := range many {
		many[i] = fmt.Sprintf("u%d@example.cn", i)
	}
	tests := []struct {
		name string
		edit func(*mail.Message)
		want []string // every fragment must appear
	}{
		{"no recipients", func(m *mail.Message) { m.To = nil }, []string{"收件人不能为空"}},
		{"too many recipients", func(m *mail.Message) { m.To = many }, []string{"收件人过多", "分批"}},
		{"bad second recipient", func(m *mail.Message) { m.To = []string{"a@example.cn", "b.example.cn"} }, []string{"第 2 个收件人", "缺少“@”"}},
		{"empty subject", func(m *mail.Message) { m.Subject = "  " }, []string{"邮件主题不能为空"}},
		{"tab in subject", func(m *mail.Message) { m.Subject = "a\tb" }, []string{"只能有一行"}},
		{"long subject", func(m *mail.Message) { m.Subject = strings.Repeat("长", mail.MaxSubjectRunes+1) }, []string{"主题过长"}},
		{"invalid UTF-8 subject", func(m *mail.Message) { m.Subject = "\xff" }, []string{"UTF-8"}},
		{"empty text", func(m *mail.Message) { m.Text = "\n" }, []string{"正文（纯文本）不能为空"}},
		{"invalid UTF-8 text", func(m *mail.Message) { m.Text = "ab\xc3" }, []string{"正文不是有效的 UTF-8"}},
		{"huge text", func(m *mail.Message) { m.Text = strings.Repeat("x", mail.MaxBodyBytes+1) }, []string{"正文过长"}},
		{"invalid UTF-8 HTML", func(m *mail.Message) { m.HTML = "\xff" }, []string{"HTML 正文不是有效的 UTF-8"}},
		{"bad reply-to", func(m *mail.Message) { m.ReplyTo = "office" }, []string{"回复地址"}},
		{"message id with brackets", func(m *mail.Message) { m.MessageID = "<a@b.cn>" }, []string{"Message-ID"}},
		{"message id without @", func(m *mail.Message) { m.MessageID = "abc" }, []string{"Message-ID"}},
		{"empty header name", func(m *mail.Message) { m.Headers = map[string]string{"": "v"} }, []string{"名称不能为空"}},
		{"non-ASCII header name", func(m *mail.Message) { m.Headers = map[string]string{"标题": "v"} }, []string{"不允许的字符"}},
		{"reserved header in any case", func(m *mail.Message) { m.Headers = map[string]string{"CONTENT-TYPE": "text/html"} }, []string{"Content-Type", "由系统生成"}},
		{"duplicate header names", func(m *mail.Message) { m.Headers = map[string]string{"X-A": "1", "x-a": "2"} }, []string{"重复"}},
		{"control character in header value", func(m *mail.Message) { m.Headers = map[string]string{"X-A": "a\x00b"} }, []string{"控制字符"}},
		{"long header value", func(m *mail.Message) { m.Headers = map[string]string{"X-A": strings.Repeat("a", 1000)} }, []string{"过长"}},
		{"all problems at once", func(m *mail.Message) { *m = mail.Message{} }, []string{"收件人不能为空", "主题不能为空", "正文（纯文本）不能为空"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			m := ok
			tt.edit(&m)
			err := mail.Discard.Send(context.Background(), m)
			if code := disclosure.ErrorCode(err); code != disclosure.EInvalid {
				t.Fatalf("err = %v (code %q), want %q", err, code, disclosure.EInvalid)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %q, want it to contain %q", err, w)
				}
			}
		})
	}

	t.Run("valid message with headers is accepted", func(t *testing.T) {
		m := ok
		m.HTML = "<p>正文</p>"
		m.Headers = map[string]string{"List-Unsubscribe": "<mailto:u@example.cn>", "X-Tab": "a\tb"}
		m.ReplyTo = "办公室 <gkb@example.gov.cn>"
		m.MessageID = "abc.123@example.gov.cn"
		if err := mail.Discard.Send(context.Background(), m); err != nil {
			t.Errorf("Send = %v, want nil", err)
		}
	})
}

func TestDiscardHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := mail.Discard.Send(ctx, mail.Message{To: []string{"a@example.cn"}, Subject: "主题", Text: "正文"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestLog(t *testing.T) {
	var buf bytes.Buffer
	sender := mail.Log(slog.New(slog.NewJSONHandler(&buf, nil)))
	m := mail.Message{To: []string{"a@example.cn"}, Subject: "申请已受理", Text: "请点击 https://gk.example.gov.cn/x 查看"}
	if err := sender.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	for _, want := range []string{`"subject":"申请已受理"`, `"to":["a@example.cn"]`, "https://gk.example.gov.cn/x"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log %s does not contain %s", buf.String(), want)
		}
	}

	buf.Reset()
	m.To = nil
	if err := sender.Send(context.Background(), m); disclosure.ErrorCode(err) != disclosure.EInvalid {
		t.Errorf("Send of an invalid message = %v, want an EInvalid error", err)
	}
	if buf.Len() != 0 {
		t.Errorf("invalid message was logged: %s", buf.String())
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	ok := mail.SMTPConfig{Host: "smtp.example.gov.cn", From: "政府信息公开 <noreply@example.gov.cn>", Username: "u", Password: "p"}
	tests := []struct {
		name string
		edit func(*mail.SMTPConfig)
		want string // "" means valid
	}{
		{"defaults are valid", func(c *mail.SMTPConfig) {}, ""},
		{"bare From is valid", func(c *mail.SMTPConfig) { c.From = "noreply@example.gov.cn" }, ""},
		{"tls on 465 is valid", func(c *mail.SMTPConfig) { c.Security, c.Port = "tls", 465 }, ""},
		{"upper-case security is valid", func(c *mail.SMTPConfig) { c.Security = "STARTTLS" }, ""},
		{"starttls on 25 is valid", func(c *mail.SMTPConfig) { c.Port = 25 }, ""},
		{"IP address host is valid", func(c *mail.SMTPConfig) { c.Host = "10.1.2.3" }, ""},
		{"no authentication is valid", func(c *mail.SMTPConfig) { c.Username, c.Password = "", "" }, ""},
		{"none on 127.0.0.1 is valid", func(c *mail.SMTPConfig) { c.Security, c.Host = "none", "127.0.0.1" }, ""},
		{"none on 127.0.0.2 is valid", func(c *mail.SMTPConfig) { c.Security, c.Host = "none", "127.0.0.2" }, ""},
		{"none on ::1 is valid", func(c *mail.SMTPConfig) { c.Security, c.Host = "none", "::1" }, ""},
		{"none on [::1] is valid", func(c *mail.SMTPConfig) { c.Security, c.Host = "none", "[::1]" }, ""},
		{"none on localhost is valid", func(c *mail.SMTPConfig) { c.Security, c.Host = "none", "localhost" }, ""},
		{"private CA is valid", func(c *mail.SMTPConfig) { c.TLSConfig = &tls.Config{} }, ""},

		{"unknown security", func(c *mail.SMTPConfig) { c.Security = "ssl" }, "加密方式“ssl”无效"},
		{"none to a remote host", func(c *mail.SMTPConfig) { c.Security = "none" }, "只允许用于本机"},
		{"none to a LAN address", func(c *mail.SMTPConfig) { c.Security, c.Host = "none", "192.168.1.10" }, "只允许用于本机"},
		{"starttls on 465", func(c *mail.SMTPConfig) { c.Port = 465 }, "请把加密方式设为 tls"},
		{"tls on 587", func(c *mail.SMTPConfig) { c.Security, c.Port = "tls", 587 }, "请把加密方式设为 starttls"},
		{"tls on 25", func(c *mail.SMTPConfig) { c.Security, c.Port = "tls", 25 }, "请把加密方式设为 starttls"},
		{"certificate checks switched off", func(c *mail.SMTPConfig) { c.TLSConfig = &tls.Config{InsecureSkipVerify: true} }, "不允许关闭证书校验"},
		{"empty host", func(c *mail.SMTPConfig) { c.Host = "" }, "邮件服务器地址不能为空"},
		{"host with port", func(c *mail.SMTPConfig) { c.Host = "smtp.example.gov.cn:587" }, "不要包含端口"},
		{"host with scheme", func(c *mail.SMTPConfig) { c.Host = "smtps://smtp.example.gov.cn" }, "不要带“smtp://”"},
		{"host with spaces", func(c *mail.SMTPConfig) { c.Host = "smtp example" }, "不是有效的主机名"},
		{"port too large", func(c *mail.SMTPConfig) { c.Port = 70000 }, "端口 70000 无效"},
		{"negative port", func(c *mail.SMTPConfig) { c.Port = -1 }, "端口 -1 无效"},
		{"password without user", func(c *mail.SMTPConfig) { c.Username = "" }, "没有填写用户名"},
		{"user without password", func(c *mail.SMTPConfig) { c.Password = "" }, "没有填写密码"},
		{"newline in password", func(c *mail.SMTPConfig) { c.Password = "a\r\nb" }, "控制字符"},
		{"missing From", func(c *mail.SMTPConfig) { c.From = "" }, "发件人地址不能为空"},
		{"bad From", func(c *mail.SMTPConfig) { c.From = "政府信息公开" }, "发件人地址"},
		{"negative timeout", func(c *mail.SMTPConfig) { c.Timeout = -1 }, "超时时间不能为负数"},
		{"bad HELO", func(c *mail.SMTPConfig) { c.HELO = "a b" }, "HELO"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				if _, err := mail.NewSMTP(c); err != nil {
					t.Errorf("NewSMTP = %v, want nil", err)
				}
				return
			}
			if code := disclosure.ErrorCode(err); code != disclosure.EInvalid {
				t.Fatalf("Validate = %v (code %q), want %q", err, code, disclosure.EInvalid)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "邮件发送设置有误") {
				t.Errorf("Validate = %q, want it to contain %q", err, tt.want)
			}
			if _, err := mail.NewSMTP(c); err == nil {
				t.Errorf("NewSMTP accepted the configuration Validate refused")
			}
		})
	}

	t.Run("all problems are reported at once", func(t *testing.T) {
		err := mail.SMTPConfig{Security: "ssl", Port: 99999}.Validate()
		for _, want := range []string{"服务器地址不能为空", "加密方式“ssl”无效", "端口 99999 无效", "发件人地址不能为空"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Validate = %v, want it to contain %q", err, want)
			}
		}
	})
}

func TestSMTPConfigDefaults(t *testing.T) {
	tests := []struct {
		security string
		port     int
	}{{"", 587}, {"starttls", 587}, {"tls", 465}, {"none", 25}}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q uses port %d", tt.security, tt.port), func(t *testing.T) {
			got := mail.SMTPConfig{Security: tt.security}.Defaults()
			if got.Port != tt.port || got.Timeout != mail.DefaultTimeout || got.Security == "" {
				t.Errorf("Defaults = port %d, timeout %v, security %q; want %d, %v, set", got.Port, got.Timeout, got.Security, tt.port, mail.DefaultTimeout)
			}
		})
	}
}

// timeoutError is a net.Error as a dialer returns it.
type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"invalid message", disclosure.Errorf(disclosure.EInvalid, "收件人不能为空"), false},
		{"wrapped invalid message", fmt.Errorf("outbox: %w", disclosure.Errorf(disclosure.EInvalid, "x")), false},
		{"temporary *Error", &mail.Error{Code: 451, Temporary: true}, true},
		{"permanent *Error", &mail.Error{Code: 550}, false},
		{"wrapped temporary *Error", fmt.Errorf("outbox: %w", &mail.Error{Code: 421, Temporary: true}), true},
		{"cancelled context", context.Canceled, true},
		{"expired context", fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{"network timeout", timeoutError{}, true},
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true},
		{"unknown error", io.ErrShortWrite, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mail.Temporary(tt.err); got != tt.want {
				t.Errorf("Temporary(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
