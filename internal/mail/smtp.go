package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base32"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/net/idna"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Security modes of an SMTP connection.
const (
	SecuritySTARTTLS = "starttls" // plain connection upgraded with STARTTLS before AUTH; usually port 587 (or 25)
	SecurityTLS      = "tls"      // TLS from the first byte ("SMTPS"); usually port 465
	SecurityNone     = "none"     // no encryption; only for a relay on the loopback interface, see below

	// With SecurityNone, AUTH PLAIN/LOGIN is sent in plain text on purpose: go-mail refuses that by default, but
	// Validate allows "none" only for a loopback host, so the password never leaves the machine.
)

// DefaultTimeout bounds each network operation of a delivery when SMTPConfig.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// SMTPConfig says how to reach the SMTP relay. The zero Port and Timeout take defaults (see Defaults).
type SMTPConfig struct {
	Host     string // relay host name or IP address, without a port
	Port     int    // 0 means the usual port of Security: 587, 465 or 25
	Username string // for SMTP AUTH; empty means no authentication
	Password string
	From     string        // "政府信息公开 <noreply@example.gov.cn>" or a bare address
	Security string        // SecuritySTARTTLS (default), SecurityTLS or SecurityNone
	Timeout  time.Duration // per network operation; 0 means DefaultTimeout

	// HELO is the name given in EHLO; empty means the machine's host name. Set it when the relay refuses a
	// container's generated host name.
	HELO string
	// TLSConfig, when set, is used for TLS and STARTTLS, for example with RootCAs holding an agency's private CA.
	// ServerName defaults to Host and MinVersion to TLS 1.2.
	TLSConfig *tls.Config
}

// Defaults returns c with the empty Security, Port and Timeout filled in and Security lower-cased.
func (c SMTPConfig) Defaults() SMTPConfig {
	c.Host = strings.TrimSpace(c.Host)
	c.Security = strings.ToLower(strings.TrimSpace(c.Security))
	if c.Security == "" {
		c.Security = SecuritySTARTTLS
	}
	if c.Port == 0 {
		switch c.Security {
		case SecurityTLS:
			c.Port = 465
		case SecurityNone:
			c.Port = 25
		default:
			c.Port = 587
		}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// Validate checks the configuration without connecting. All problems are reported at once in one
// *disclosure.Error (EInvalid), in Chinese, each saying what to change.
func (c SMTPConfig) Validate() error {
	_, err := c.validate()
	return err
}

func (c SMTPConfig) validate() (*mail.Address, error) {
	c = c.Defaults()
	var problems []string

	hostOK := false
	switch {
	case c.Host == "":
		problems = append(problems, "邮件服务器地址不能为空")
	case strings.Contains(c.Host, "://"):
		problems = append(problems, "邮件服务器地址只填主机名（如 smtp.example.gov.cn），不要带“smtp://”等前缀")
	case net.ParseIP(strings.Trim(c.Host, "[]")) != nil:
		hostOK = true
	case strings.Contains(c.Host, ":"):
		problems = append(problems, "邮件服务器地址不要包含端口，请把端口填在端口一栏")
	case checkDomain(strings.ToLower(c.Host)) != "" && !strings.EqualFold(c.Host, "localhost"):
		problems = append(problems, "邮件服务器地址“"+strings.Map(printable, c.Host)+"”不是有效的主机名")
	default:
		hostOK = true
	}

	switch c.Security {
	case SecuritySTARTTLS, SecurityTLS:
	case SecurityNone:
		if hostOK && !isLoopback(c.Host) {
			problems = append(problems, "加密方式“none”（不加密）只允许用于本机的邮件中继（localhost 或 127.0.0.1）；连接其他服务器请使用 starttls 或 tls，以免密码和邮件内容被窃听")
		}
	default:
		problems = append(problems, "加密方式“"+strings.Map(printable, c.Security)+"”无效，应为 starttls（默认，通常用端口 587）、tls（通常用端口 465）或 none（仅限本机中继）")
	}

	switch {
	case c.Port < 1 || c.Port > 65535:
		problems = append(problems, fmt.Sprintf("端口 %d 无效，应在 1 到 65535 之间", c.Port))
	case c.Security == SecuritySTARTTLS && c.Port == 465:
		problems = append(problems, "端口 465 用于 TLS 直连，请把加密方式设为 tls，或改用端口 587")
	case c.Security == SecurityTLS && (c.Port == 25 || c.Port == 587):
		problems = append(problems, fmt.Sprintf("端口 %d 通常使用 STARTTLS，请把加密方式设为 starttls，或改用端口 465", c.Port))
	}

	switch {
	case c.Username == "" && c.Password != "":
		problems = append(problems, "填写了密码但没有填写用户名")
	case c.Username != "" && c.Password == "":
		problems = append(problems, "填写了用户名但没有填写密码")
	case hasControl(c.Username) || hasControl(c.Password):
		problems = append(problems, "用户名或密码含有换行或控制字符")
	}

	from, err := parseAddress(c.From, "发件人地址")
	if err != nil {
		problems = append(problems, disclosure.ErrorMessage(err))
	}

	if c.Timeout < 0 {
		problems = append(problems, "超时时间不能为负数")
	}
	if c.HELO != "" && (checkDomain(strings.ToLower(c.HELO)) != "" && !strings.EqualFold(c.HELO, "localhost")) {
		problems = append(problems, "HELO 名称“"+strings.Map(printable, c.HELO)+"”不是有效的主机名")
	}
	if c.TLSConfig != nil && c.TLSConfig.InsecureSkipVerify {
		problems = append(problems, "不允许关闭证书校验（InsecureSkipVerify）；邮件服务器使用自签名证书时，请在 RootCAs 中加入其证书")
	}

	if len(problems) > 0 {
		return nil, disclosure.Errorf(disclosure.EInvalid, "邮件发送设置有误：%s", strings.Join(problems, "；"))
	}
	return from, nil
}

// isLoopback reports whether host names this machine's loopback interface. "localhost" counts because resolving it
// elsewhere would be a broken system, not an attack this check can stop.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// SMTP is a Sender that delivers through an SMTP relay. It opens one connection per message, which keeps it safe
// for concurrent use and lets each delivery fail or succeed on its own; gongkai's volume (a few messages per case
// step, one reminder per staff member a day) does not need connection reuse.
type SMTP struct {
	cfg  SMTPConfig
	from *mail.Address
	tls  *tls.Config
}

// NewSMTP validates cfg and returns a Sender for it. It does not connect: an unreachable relay shows up as a
// Temporary error of the first Send, so the program starts while the relay is down.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	from, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	cfg = cfg.Defaults()
	cfg.Host = strings.Trim(cfg.Host, "[]")
	var tc *tls.Config
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
	} else {
		tc = &tls.Config{}
	}
	if tc.ServerName == "" {
		tc.ServerName = cfg.Host
	}
	if tc.MinVersion < tls.VersionTLS12 {
		tc.MinVersion = tls.VersionTLS12
	}
	return &SMTP{cfg: cfg, from: from, tls: tc}, nil
}

// Send validates m and delivers it in one SMTP session. It honours ctx throughout the session, not only while
// connecting: cancelling ctx aborts the network I/O in progress. An invalid message gives a *disclosure.Error; a
// failed delivery gives an *Error that says whether it is Temporary. A message the relay accepted is reported as
// sent even when the polite end of the session (RSET, QUIT) fails, so that a retry does not deliver it twice.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	v, err := m.validate()
	if err != nil {
		return err
	}
	msg, err := s.build(m, v)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return s.classify(ctx, stageDial, err)
	}

	var (
		mu   sync.Mutex
		conn net.Conn // the raw connection, closed on every path because go-mail leaks it when EHLO or AUTH fail
	)
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		if conn != nil {
			_ = conn.Close()
		}
	}()
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	dial := func(dctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		raw, err := d.DialContext(dctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		c := newCtxConn(ctx, raw)
		mu.Lock()
		conn = c
		mu.Unlock()
		if s.cfg.Security != SecurityTLS {
			return c, nil
		}
		tc := tls.Client(c, s.tls.Clone())
		if err := tc.HandshakeContext(dctx); err != nil {
			return nil, err
		}
		return tc, nil
	}

	client, err := gomail.NewClient(s.cfg.Host, s.options(dial)...)
	if err != nil {
		return s.classify(ctx, stageDial, err)
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return s.classify(ctx, stageDial, err)
	}
	if err := client.SendWithSMTPClient(sc, msg); err != nil && !msg.IsDelivered() {
		return s.classify(ctx, stageSend, err)
	}
	_ = client.CloseWithSMTPClient(sc) // the message is delivered; a failed QUIT changes nothing
	return nil
}

// options turns the configuration into go-mail client options.
func (s *SMTP) options(dial gomail.DialContextFunc) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithDialContextFunc(dial),
		gomail.WithTLSConfig(s.tls),
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	switch s.cfg.Security {
	case SecurityTLS:
		// The dial function already speaks TLS; WithSSL stops go-mail from also trying STARTTLS.
		opts = append(opts, gomail.WithSSL())
	case SecurityNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		// Mandatory: a relay that stops offering STARTTLS (or an attacker stripping it) must not get the password.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
		if s.cfg.Security == SecurityNone {
			// go-mail refuses PLAIN and LOGIN on an unencrypted connection unless told otherwise, and would fall
			// back to mechanisms a local relay rarely offers. Validate allows "none" only for a loopback host, so
			// the password never leaves this machine; allowing plain-text AUTH there is deliberate, and it spares
			// the operator a TLS certificate for a relay that only listens on 127.0.0.1.
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc))
		} else {
			// PLAIN and LOGIN are what Chinese government and enterprise relays offer; go-mail still checks that
			// the connection is encrypted before sending either. Other mechanisms are discovered if neither fits.
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
		}
	}
	return opts
}

// build turns a validated message into a go-mail message.
func (s *SMTP) build(m Message, v valid) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	to := make([]*mail.Address, 0, len(v.to))
	for _, a := range v.to {
		ascii, err := asciiAddress(a)
		if err != nil {
			return nil, err
		}
		to = append(to, ascii)
	}
	msg.ToMailAddress(to...)
	if v.replyTo != nil {
		a, err := asciiAddress(v.replyTo)
		if err != nil {
			return nil, err
		}
		msg.ReplyToMailAddress(a)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	id := m.MessageID
	if id == "" {
		id = newMessageID(s.from.Address)
	}
	msg.SetMessageIDWithValue(id)
	for name, value := range v.headers {
		msg.SetGenHeader(gomail.Header(name), value)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// asciiAddress converts an internationalised domain to punycode, which every relay accepts in RCPT TO.
func asciiAddress(a *mail.Address) (*mail.Address, error) {
	at := strings.LastIndexByte(a.Address, '@')
	domain, err := idna.Lookup.ToASCII(a.Address[at+1:])
	if err != nil {
		return nil, disclosure.Errorf(disclosure.EInvalid, "邮箱地址“%s”的域名无效，请检查", a.Address)
	}
	return &mail.Address{Name: a.Name, Address: a.Address[:at+1] + domain}, nil
}

// Domain is the right part of the Message-IDs this sender makes: the sender's domain (in ASCII). A caller that
// sets its own stable MessageID (the outbox) uses it too, so that all of them look alike.
func (s *SMTP) Domain() string { return addressDomain(s.from.Address) }

// addressDomain returns the domain of an address in ASCII (punycode for an internationalised one).
func addressDomain(addr string) string {
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	if ascii, err := idna.Lookup.ToASCII(domain); err == nil {
		domain = ascii
	}
	return domain
}

// newMessageID returns a random Message-ID in the sender's domain rather than the machine's host name, which in a
// container is meaningless and leaks internal naming.
func newMessageID(from string) string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.EncodeToString(b[:])) + "@" + addressDomain(from)
}

// ctxConn ties a connection to a context: once the context is done every read and write fails at once, and
// go-mail's own deadline updates cannot undo that. go-mail honours the context only while dialling; without this a
// cancelled delivery would hang until the relay answered or the timeout passed.
type ctxConn struct {
	net.Conn
	ctx  context.Context
	mu   sync.Mutex // orders the AfterFunc's deadline against go-mail's SetDeadline calls
	stop func() bool
}

// longAgo is a deadline in the past, which makes pending and future I/O fail immediately.
var longAgo = time.Unix(1, 0)

func newCtxConn(ctx context.Context, c net.Conn) *ctxConn {
	cc := &ctxConn{Conn: c, ctx: ctx}
	cc.stop = context.AfterFunc(ctx, func() {
		cc.mu.Lock()
		defer cc.mu.Unlock()
		_ = cc.Conn.SetDeadline(longAgo)
	})
	return cc
}

func (c *ctxConn) deadline(t time.Time, set func(time.Time) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx.Err() != nil {
		t = longAgo
	}
	return set(t)
}

func (c *ctxConn) SetDeadline(t time.Time) error { return c.deadline(t, c.Conn.SetDeadline) }

func (c *ctxConn) SetReadDeadline(t time.Time) error { return c.deadline(t, c.Conn.SetReadDeadline) }

func (c *ctxConn) SetWriteDeadline(t time.Time) error { return c.deadline(t, c.Conn.SetWriteDeadline) }

func (c *ctxConn) Close() error {
	c.stop()
	return c.Conn.Close()
}
