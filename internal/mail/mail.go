// Package mail sends gongkai's outgoing e-mail: one message per step of an applicant's case and a daily reminder to
// staff. A Message is plain data that is validated before anything touches the network; a Sender delivers it. SMTP
// delivers through a relay with github.com/wneessen/go-mail, Discard and Log stand in when no relay is configured.
//
// Delivery errors say whether a retry can help (Temporary), because the outbox that calls Send retries only those.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Limits on a message. They are far above what gongkai writes and exist so that a bug or hostile input cannot make
// the relay reject or truncate the message for reasons nobody can see.
const (
	MaxRecipients   = 50        // recipients per message; reminders to more staff are sent as several messages
	MaxSubjectRunes = 200       // subject length in characters
	MaxBodyBytes    = 2 << 20   // each of Text and HTML
	maxHeaderBytes  = 998 - 100 // a header value must fit one RFC 5322 line once folded by go-mail
	maxAddressBytes = 254       // RFC 5321 path limit
)

// Message is one e-mail. Text is required, because every client can show it and a screen reader reads it best; HTML
// is an optional alternative. Headers carries extra header fields such as List-Unsubscribe; the fields the sender
// writes itself (From, To, Subject, Date, MIME and address fields) may not be set there.
type Message struct {
	To      []string          // recipients, each a bare address or "名字 <address>"
	Subject string            // one line of Chinese text; RFC 2047-encoded on the wire
	Text    string            // plain-text body, UTF-8
	HTML    string            // optional HTML alternative of Text
	Headers map[string]string // optional extra header fields; names and values must not contain CR or LF

	// ReplyTo, when set, is where replies go (for example the office's public mailbox), since From is usually a
	// no-reply address.
	ReplyTo string
	// MessageID, when set, is used as the Message-ID (without angle brackets). An outbox sets a stable one so that
	// a retry after an ambiguous failure is recognisable as the same message; otherwise one is generated.
	MessageID string
}

// Sender delivers messages. Implementations validate the message first and return a *disclosure.Error (EInvalid)
// for a message that can never be sent; delivery failures are classified by Temporary.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Discard is a Sender that validates messages and then drops them, for installations without an SMTP relay. Like
// io.Discard it is a variable only so that it can be passed around; it holds no state.
var Discard Sender = discard{}

type discard struct{}

func (discard) Send(ctx context.Context, m Message) error {
	if _, err := m.validate(); err != nil {
		return err
	}
	return ctx.Err()
}

// Log returns a Sender that validates messages and writes them to l instead of sending them, so that a developer
// without a relay can still follow links in the mails. The log then holds recipients' addresses and the full text,
// which are personal data: use it for development, not in production.
func Log(l *slog.Logger) Sender { return logSender{l: l} }

type logSender struct{ l *slog.Logger }

func (s logSender) Send(ctx context.Context, m Message) error {
	if _, err := m.validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.l.LogAttrs(ctx, slog.LevelInfo, "mail: not sent (no SMTP relay configured)",
		slog.Any("to", m.To), slog.String("subject", m.Subject), slog.String("text", m.Text),
		slog.Bool("html", m.HTML != ""))
	return nil
}

// ParseAddress validates one recipient address, as an applicant types it into a form, and returns the bare address
// to store: a display name ("张三 <a@b.cn>") is accepted and dropped, surrounding spaces are trimmed, full-width
// characters typed with a Chinese input method ("＠", "。") are folded to ASCII, and the domain is lower-cased.
//
// Beyond net/mail it requires an ASCII user part (most relays cannot deliver to internationalised ones) and a
// domain name with a dot (no "user@localhost", no IP literals); internationalised domain names such as 政务.cn are
// accepted and converted to punycode when sending.
func ParseAddress(s string) (string, error) {
	a, err := parseAddress(s, "邮箱地址")
	if err != nil {
		return "", err
	}
	return a.Address, nil
}

// parseAddress is ParseAddress keeping the display name, with what names the field in error messages.
func parseAddress(s, what string) (*mail.Address, error) {
	s = foldWidth(strings.TrimSpace(s))
	if s == "" {
		return nil, disclosure.Errorf(disclosure.EInvalid, "%s不能为空", what)
	}
	if hasControl(s) {
		return nil, disclosure.Errorf(disclosure.EInvalid, "%s含有换行或控制字符，请重新填写", what)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		if strings.ContainsAny(s, ",;，；") && strings.Count(s, "@") > 1 {
			return nil, disclosure.Errorf(disclosure.EInvalid, "%s“%s”只能填写一个地址，请去掉逗号或分号后的内容", what, s)
		}
		if !strings.Contains(s, "@") {
			return nil, disclosure.Errorf(disclosure.EInvalid, "%s“%s”缺少“@”，请填写完整的邮箱地址，例如 name@example.com", what, s)
		}
		return nil, disclosure.Errorf(disclosure.EInvalid, "%s“%s”格式不正确，请检查是否有空格或多余的符号", what, s)
	}
	if len(a.Address) > maxAddressBytes {
		return nil, disclosure.Errorf(disclosure.EInvalid, "%s过长（超过 %d 个字符），请检查", what, maxAddressBytes)
	}
	at := strings.LastIndexByte(a.Address, '@')
	local, domain := a.Address[:at], strings.ToLower(a.Address[at+1:])
	for _, r := range local {
		if r >= utf8.RuneSelf {
			return nil, disclosure.Errorf(disclosure.EInvalid, "%s“%s”的用户名部分含有中文或其他非英文字符，多数邮件服务器无法投递，请改用英文字母和数字组成的地址", what, a.Address)
		}
	}
	if msg := checkDomain(domain); msg != "" {
		return nil, disclosure.Errorf(disclosure.EInvalid, "%s“%s”的域名%s", what, a.Address, msg)
	}
	a.Address = local + "@" + domain
	return a, nil
}

// checkDomain returns what is wrong with a mail domain, or "".
func checkDomain(d string) string {
	if strings.HasPrefix(d, "[") {
		return "不能是 IP 地址，请填写邮箱服务商的域名"
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return "不完整，应形如 example.com"
	}
	for _, l := range labels {
		switch {
		case l == "":
			return "中有连续的点或以点结尾"
		case len(l) > 63:
			return "中有一段超过 63 个字符"
		case strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-"):
			return "中的一段以连字符开头或结尾"
		}
		for _, r := range l {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
				return "含有不允许的字符“" + string(r) + "”"
			}
		}
	}
	return ""
}

// foldWidth folds full-width ASCII (U+FF01–U+FF5E), the ideographic space and the ideographic full stop to ASCII,
// because Chinese input methods produce them in addresses that are otherwise right.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFF01 + '!'
		case r == 0x3000:
			return ' '
		case r == 0x3002:
			return '.'
		}
		return r
	}, s)
}

// hasControl reports whether s holds a control character; a tab counts too, since no address or subject needs one.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

// reservedHeaders are written by the sender itself; setting them through Message.Headers would duplicate or
// contradict them.
var reservedHeaders = map[string]bool{
	"From": true, "Sender": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true, "Subject": true,
	"Date": true, "Message-Id": true, "Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true,
	"Return-Path": true, "Received": true, "Dkim-Signature": true,
}

// valid is a Message after validation: addresses parsed, header names canonical.
type valid struct {
	to      []*mail.Address
	replyTo *mail.Address
	headers map[string]string
}

// validate checks everything about m that does not need the network, and returns it parsed. Every error is a
// *disclosure.Error (EInvalid) naming the field and what to fix; messages are joined so that all problems show at
// once.
func (m Message) validate() (valid, error) {
	var v valid
	var problems []string
	add := func(err error) { problems = append(problems, disclosure.ErrorMessage(err)) }

	switch {
	case len(m.To) == 0:
		problems = append(problems, "收件人不能为空")
	case len(m.To) > MaxRecipients:
		problems = append(problems, fmt.Sprintf("收件人过多（%d 个），每封邮件最多 %d 个，请分批发送", len(m.To), MaxRecipients))
	default:
		seen := make(map[string]bool, len(m.To))
		for i, s := range m.To {
			a, err := parseAddress(s, fmt.Sprintf("第 %d 个收件人", i+1))
			if err != nil {
				add(err)
				continue
			}
			if key := strings.ToLower(a.Address); !seen[key] {
				seen[key] = true
				v.to = append(v.to, a)
			}
		}
	}

	subject := strings.TrimSpace(m.Subject)
	switch {
	case subject == "":
		problems = append(problems, "邮件主题不能为空")
	case !utf8.ValidString(m.Subject):
		problems = append(problems, "邮件主题不是有效的 UTF-8 文本")
	case hasControl(m.Subject):
		problems = append(problems, "邮件主题只能有一行，不能含有换行或控制字符")
	case utf8.RuneCountInString(m.Subject) > MaxSubjectRunes:
		problems = append(problems, fmt.Sprintf("邮件主题过长，最多 %d 个字", MaxSubjectRunes))
	}

	switch {
	case strings.TrimSpace(m.Text) == "":
		problems = append(problems, "邮件正文（纯文本）不能为空")
	case !utf8.ValidString(m.Text):
		problems = append(problems, "邮件正文不是有效的 UTF-8 文本")
	case len(m.Text) > MaxBodyBytes:
		problems = append(problems, "邮件正文过长，最多 2 MB")
	}
	switch {
	case !utf8.ValidString(m.HTML):
		problems = append(problems, "邮件的 HTML 正文不是有效的 UTF-8 文本")
	case len(m.HTML) > MaxBodyBytes:
		problems = append(problems, "邮件的 HTML 正文过长，最多 2 MB")
	}

	if m.ReplyTo != "" {
		a, err := parseAddress(m.ReplyTo, "回复地址")
		if err != nil {
			add(err)
		}
		v.replyTo = a
	}
	if m.MessageID != "" && !validMessageID(m.MessageID) {
		problems = append(problems, "邮件标识（Message-ID）格式不正确，应形如 唯一字符串@域名，不带尖括号和空格")
	}

	if len(m.Headers) > 0 {
		v.headers = make(map[string]string, len(m.Headers))
	}
	var headerProblems []string // sorted, because map order would make the message differ between runs
	for name, value := range m.Headers {
		if msg := checkHeader(name, value); msg != "" {
			headerProblems = append(headerProblems, msg)
			continue
		}
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if _, dup := v.headers[canon]; dup {
			headerProblems = append(headerProblems, "附加邮件头“"+canon+"”重复设置（名称不区分大小写）")
		}
		v.headers[canon] = value
	}
	slices.Sort(headerProblems)
	problems = append(problems, headerProblems...)

	if len(problems) > 0 {
		return valid{}, disclosure.Errorf(disclosure.EInvalid, "%s", strings.Join(problems, "；"))
	}
	return v, nil
}

// checkHeader returns what is wrong with an extra header field, or "". CR and LF are refused in both name and value
// because they would end the field and let the value inject further fields or the body.
func checkHeader(name, value string) string {
	if name == "" {
		return "附加邮件头的名称不能为空"
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c > '~' || c == ':' {
			return "附加邮件头名称“" + strings.ToValidUTF8(strings.Map(printable, name), "?") + "”含有不允许的字符，只能使用英文字母、数字和连字符"
		}
	}
	canon := textproto.CanonicalMIMEHeaderKey(name)
	if reservedHeaders[canon] {
		return "附加邮件头不能设置“" + canon + "”，它由系统生成"
	}
	if strings.ContainsAny(value, "\r\n") {
		return "附加邮件头“" + canon + "”的值含有换行符，这可能被用来伪造邮件内容，已拒绝"
	}
	if !utf8.ValidString(value) || strings.ContainsFunc(value, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) {
		return "附加邮件头“" + canon + "”的值含有控制字符或无效文本"
	}
	if len(value) > maxHeaderBytes {
		return "附加邮件头“" + canon + "”的值过长"
	}
	return ""
}

// printable shows control characters of a rejected header name as '?', so the message itself stays one line.
func printable(r rune) rune {
	if unicode.IsControl(r) {
		return '?'
	}
	return r
}

// validMessageID accepts id-left "@" id-right with printable ASCII and no brackets or spaces (RFC 5322 msg-id,
// dot-atom forms).
func validMessageID(id string) bool {
	at := strings.IndexByte(id, '@')
	if at <= 0 || at == len(id)-1 || strings.Count(id, "@") != 1 || len(id) > 250 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c > '~' || strings.IndexByte(`<>()[]\",;:`, c) >= 0 {
			return false
		}
	}
	return true
}
