// Package mailtest runs an in-process SMTP server (github.com/emersion/go-smtp) on 127.0.0.1 for tests of code that
// sends mail. It records every accepted message, decoded with the standard library the way a mail client would see
// it, and can require AUTH PLAIN, speak TLS, refuse deliveries with a chosen reply code, or hold them to test
// cancellation. No external mail catcher is needed.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/gongkai/gongkai/internal/mail"
)

// From is the sender address of Config.
const From = "政府信息公开 <noreply@example.gov.cn>"

// Received is one accepted message.
type Received struct {
	From    string         // envelope sender (MAIL FROM)
	To      []string       // envelope recipients (RCPT TO), in order
	Header  netmail.Header // header fields as sent (still RFC 2047-encoded)
	Subject string         // Subject decoded from RFC 2047
	Text    string         // the text/plain part, transfer encoding removed, line ends as "\n"
	HTML    string         // the text/html part if any, decoded like Text
	Raw     []byte         // the message exactly as received in DATA
}

// Option configures a Server.
type Option func(*Server)

// WithAuth makes the server offer AUTH PLAIN and refuse MAIL FROM until a client authenticated with these
// credentials. Over plain text this is allowed because the server only listens on 127.0.0.1.
func WithAuth(username, password string) Option {
	return func(s *Server) { s.username, s.password = username, password }
}

// WithTLS makes the server speak TLS with a fresh self-signed certificate for 127.0.0.1: security is
// mail.SecuritySTARTTLS (offer STARTTLS) or mail.SecurityTLS (TLS from the first byte). Config then carries the
// certificate in TLSConfig.RootCAs, so that verification succeeds without weakening it.
func WithTLS(security string) Option {
	return func(s *Server) { s.security = security }
}

// WithDelay makes the server a slow relay: it takes d over every message before it accepts the sender (MAIL
// FROM), as a relay checking its queue or the sender's reputation does. A client that gives up meanwhile has sent
// nothing, so the message is not delivered.
func WithDelay(d time.Duration) Option {
	return func(s *Server) { s.delay = d }
}

// Server is a running test SMTP server. Its methods are safe for concurrent use.
type Server struct {
	t        testing.TB
	srv      *smtp.Server
	addr     *net.TCPAddr
	username string
	password string
	security string
	roots    *x509.CertPool
	delay    time.Duration

	mu       sync.Mutex
	closed   bool
	messages []Received
	arrived  chan struct{} // closed and replaced whenever a message arrives
	failN    int
	failCode int
	rejects  map[string]int // recipient (lower case) → reply code
	hold     *hold          // when non-nil, deliveries wait until it is released
	done     chan struct{}  // closed on cleanup, releasing held deliveries
}

// NewServer starts a server on 127.0.0.1:0 and stops it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, security: mail.SecurityNone, arrived: make(chan struct{}), done: make(chan struct{}),
		rejects: map[string]int{}}
	for _, o := range opts {
		o(s)
	}

	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "mailtest.localhost"
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.MaxMessageBytes = 32 << 20
	s.srv.AllowInsecureAuth = true // loopback only, see WithAuth
	s.srv.ErrorLog = log.New(logWriter{s}, "mailtest: ", 0)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = l.Addr().(*net.TCPAddr)
	switch s.security {
	case mail.SecurityNone:
	case mail.SecuritySTARTTLS, mail.SecurityTLS:
		cert, roots, err := selfSigned()
		if err != nil {
			_ = l.Close()
			t.Fatalf("mailtest: certificate: %v", err)
		}
		s.roots = roots
		tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if s.security == mail.SecurityTLS {
			l = tls.NewListener(l, tc)
		} else {
			s.srv.TLSConfig = tc
		}
	default:
		_ = l.Close()
		t.Fatalf("mailtest: WithTLS(%q): want %q or %q", s.security, mail.SecuritySTARTTLS, mail.SecurityTLS)
	}

	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = s.srv.Serve(l)
	}()
	t.Cleanup(func() {
		s.mu.Lock()
		s.closed = true
		close(s.done)
		s.mu.Unlock()
		_ = s.srv.Close()
		_ = l.Close() // Close misses the listener when Serve has not registered it yet
		<-served
	})
	return s
}

// Addr returns the address the server listens on.
func (s *Server) Addr() string { return s.addr.String() }

// Config returns a configuration that reaches this server: its security mode (mail.SecurityNone unless WithTLS),
// the credentials of WithAuth, From and a 10-second timeout.
func (s *Server) Config() mail.SMTPConfig {
	c := mail.SMTPConfig{
		Host: "127.0.0.1", Port: s.addr.Port, Username: s.username, Password: s.password,
		From: From, Security: s.security, Timeout: 10 * time.Second,
	}
	if s.roots != nil {
		c.TLSConfig = &tls.Config{RootCAs: s.roots}
	}
	return c
}

// Messages returns the messages accepted so far, in order of arrival.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.messages...)
}

// Wait returns the accepted messages once there are at least n, and fails the test if that takes longer than
// timeout. Call it from the test's goroutine, as t.Fatal requires.
func (s *Server) Wait(n int, timeout time.Duration) []Received {
	s.t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if len(s.messages) >= n {
			got := append([]Received(nil), s.messages...)
			s.mu.Unlock()
			return got
		}
		arrived, have := s.arrived, len(s.messages)
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-timer.C:
			s.t.Fatalf("mailtest: waited %v for %d messages, %d arrived", timeout, n, have)
			return nil
		}
	}
}

// FailNext makes the next n deliveries fail at the end of DATA with the given reply code, such as 451 (try again
// later) or 550 (rejected). The message is then not recorded.
func (s *Server) FailNext(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failCode = n, code
}

// RejectRecipient makes RCPT TO for addr fail with the given reply code, such as 550 for an unknown mailbox.
func (s *Server) RejectRecipient(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejects[strings.ToLower(addr)] = code
}

// Hold makes deliveries wait at the end of DATA, before the server replies, until release is called (or the test
// ends). waiting is closed when the first delivery starts to wait, so a test can cancel a delivery that is known to
// be in progress.
func (s *Server) Hold() (waiting <-chan struct{}, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := &hold{released: make(chan struct{}), waiting: make(chan struct{})}
	s.hold = h
	return h.waiting, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.hold == h {
			s.hold = nil
			close(h.released)
		}
	}
}

// hold is one Hold call.
type hold struct {
	released    chan struct{}
	waiting     chan struct{}
	waitingOnce sync.Once
}

// errorf reports a problem with a received message, unless the test has already ended.
func (s *Server) errorf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.t.Errorf(format, args...)
	}
}

// logWriter sends go-smtp's log lines to the test log while the test runs.
type logWriter struct{ s *Server }

func (w logWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	if !w.s.closed {
		w.s.t.Logf("%s", bytes.TrimRight(p, "\n"))
	}
	return len(p), nil
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

// session is one SMTP connection.
type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (se *session) AuthMechanisms() []string {
	if se.s.username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	if se.s.username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != se.s.username || password != se.s.password {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.username != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	if se.s.delay > 0 {
		t := time.NewTimer(se.s.delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-se.s.done:
			return replyError(421, "mailtest is shutting down")
		}
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	code := se.s.rejects[strings.ToLower(to)]
	se.s.mu.Unlock()
	if code != 0 {
		return replyError(code, "mailbox "+to+" rejected by mailtest")
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}

	se.s.mu.Lock()
	hold, done := se.s.hold, se.s.done
	se.s.mu.Unlock()
	if hold != nil {
		hold.waitingOnce.Do(func() { close(hold.waiting) })
		select {
		case <-hold.released:
		case <-done:
			return replyError(421, "mailtest is shutting down")
		}
	}

	se.s.mu.Lock()
	if se.s.failN > 0 {
		se.s.failN--
		code := se.s.failCode
		se.s.mu.Unlock()
		return replyError(code, "delivery refused by mailtest")
	}
	se.s.mu.Unlock()

	msg, err := Parse(raw)
	if err != nil {
		se.s.errorf("mailtest: received a message that does not parse: %v\n%s", err, raw)
		return replyError(554, "message does not parse")
	}
	msg.From, msg.To = se.from, append([]string(nil), se.to...)

	se.s.mu.Lock()
	se.s.messages = append(se.s.messages, msg)
	close(se.s.arrived)
	se.s.arrived = make(chan struct{})
	se.s.mu.Unlock()
	return nil
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }

// replyError is an SMTP reply with the enhanced status code that matches its class.
func replyError(code int, msg string) *smtp.SMTPError {
	class := code / 100
	if class != 4 && class != 5 {
		class = 5
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{class, 0, 0}, Message: msg}
}

// Parse decodes a raw message the way a mail client shows it: the Subject decoded from RFC 2047, and the first
// text/plain and text/html parts (searching nested multiparts) with their transfer encoding removed and line ends
// turned into "\n". A single-part body loses one final line break, because SMTP transport adds one when it is
// missing and the two cases cannot be told apart; parts of a multipart message come back exactly. Only UTF-8 and US-ASCII bodies are accepted, since that is all gongkai sends. Envelope fields
// stay empty.
func Parse(raw []byte) (Received, error) {
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("read message: %w", err)
	}
	got := Received{Header: m.Header, Raw: raw}
	got.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return Received{}, fmt.Errorf("decode subject: %w", err)
	}
	if err := parsePart(m.Header, m.Body, &got, 0); err != nil {
		return Received{}, err
	}
	return got, nil
}

// getter is the Get method shared by net/mail.Header and net/textproto.MIMEHeader.
type getter interface{ Get(string) string }

func parsePart(h getter, body io.Reader, got *Received, depth int) error {
	if depth > 10 {
		return errors.New("multipart nested too deeply")
	}
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ct, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart() // raw: NextPart would strip Content-Transfer-Encoding: quoted-printable
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := parsePart(p.Header, p, got, depth+1); err != nil {
				return err
			}
		}
	}
	if mediaType != "text/plain" && mediaType != "text/html" {
		return nil
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		return fmt.Errorf("%s part in charset %q, want utf-8", mediaType, cs)
	}
	var r io.Reader
	switch cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); cte {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body) // it skips the line breaks
	case "", "7bit", "8bit", "binary":
		r = body
	default:
		return fmt.Errorf("unknown transfer encoding %q", cte)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("decode %s part: %w", mediaType, err)
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	if depth == 0 {
		// SMTP DATA always ends with a line break, added by the sender's transport when the body lacks one; in a
		// multipart message the break before the boundary belongs to the boundary, but a single-part body keeps it.
		text = strings.TrimSuffix(text, "\n")
	}
	switch {
	case mediaType == "text/plain" && got.Text == "":
		got.Text = text
	case mediaType == "text/html" && got.HTML == "":
		got.HTML = text
	}
	return nil
}

// selfSigned makes a short-lived certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailtest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true,

		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}
