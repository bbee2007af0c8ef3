package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Error is a failed delivery. Its message is Chinese and includes the relay's reply, so staff looking at the outbox
// see why a message did not go out.
//
// Temporary answers one question for the outbox: can the same message succeed later without being changed? That
// is so for 4xx replies and network trouble, and also for failures of the relay connection itself (Relay): the
// relay unreachable, TLS failing, AUTH refused (even with a 5xx such as 535), or the From address refused. Those
// are configuration or infrastructure problems that affect every message and are fixed by an administrator, after
// which the queued messages should go out rather than having been given up. A 5xx reply to RCPT TO or DATA rejects
// this message (unknown mailbox, content refused) and is permanent.
type Error struct {
	Code      int    // SMTP reply code (451, 550, …), or 0 when the failure was not a relay reply
	Temporary bool   // retrying the unchanged message later can succeed
	Relay     bool   // the relay connection or its configuration failed, not this message; alert an administrator
	Message   string // Chinese description with the relay's reply
	Err       error  // the underlying error, for logs and errors.Is/As
}

// Error returns the Chinese description.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the underlying error, so that errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether a delivery that failed with err may succeed if the same message is sent again later.
// It is false for nil, for invalid messages (*disclosure.Error) and for permanent rejections; true for an *Error
// marked Temporary, for a cancelled or expired context and for network errors from any Sender.
func Temporary(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Temporary
	}
	var de *disclosure.Error
	if errors.As(err, &de) {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// stage is the part of the SMTP session that failed.
type stage int

const (
	stageDial stage = iota // connect, greeting, EHLO, STARTTLS, AUTH
	stageSend              // MAIL FROM, RCPT TO, DATA
)

// classify turns a go-mail error into an *Error.
func (s *SMTP) classify(ctx context.Context, st stage, err error) *Error {
	relay := s.cfg.Host + ":" + fmt.Sprint(s.cfg.Port)
	if cerr := ctx.Err(); cerr != nil {
		// The I/O error a cancelled context causes (a past deadline) says nothing useful; the context does.
		msg := "邮件发送已取消，尚未投递"
		if errors.Is(cerr, context.DeadlineExceeded) {
			msg = "邮件发送超过了允许的时间，尚未投递"
		}
		return &Error{Temporary: true, Message: msg, Err: fmt.Errorf("%w: %v", cerr, err)}
	}

	var de *disclosure.Error
	if errors.As(err, &de) {
		return &Error{Message: de.Message, Err: err}
	}

	if st == stageSend {
		var se *gomail.SendError
		if errors.As(err, &se) {
			return classifySend(se, err, s.from.Address)
		}
	}

	// Everything before MAIL FROM concerns the relay, not the message.
	e := &Error{Temporary: true, Relay: true, Err: err}
	var te *textproto.Error
	var verr *tls.CertificateVerificationError
	var herr x509.HostnameError
	var uerr x509.UnknownAuthorityError
	var ierr x509.CertificateInvalidError
	var rerr tls.RecordHeaderError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &te):
		e.Code = te.Code
		switch {
		case te.Code == 530 || te.Code == 534 || te.Code == 535 || te.Code == 454 && strings.Contains(te.Msg, "4.7.8"):
			e.Message = fmt.Sprintf("邮件服务器 %s 拒绝了登录，请检查用户名和密码（%s）", relay, te.Error())
		case te.Code >= 400 && te.Code < 500:
			e.Message = fmt.Sprintf("邮件服务器 %s 暂时不可用，稍后重试（%s）", relay, te.Error())
		default:
			e.Message = fmt.Sprintf("邮件服务器 %s 拒绝了连接，请检查邮件发送设置（%s）", relay, te.Error())
		}
	case errors.As(err, &verr), errors.As(err, &herr), errors.As(err, &uerr), errors.As(err, &ierr):
		e.Message = fmt.Sprintf("邮件服务器 %s 的证书校验失败，请检查服务器地址，或在设置中加入其根证书（%v）", relay, err)
	case errors.As(err, &rerr):
		e.Message = fmt.Sprintf("与邮件服务器 %s 建立加密连接失败，加密方式可能与端口不符（tls 通常用 465，starttls 通常用 587）（%v）", relay, err)
	case errors.As(err, &ne) && ne.Timeout():
		e.Message = fmt.Sprintf("连接邮件服务器 %s 超时，稍后重试（%v）", relay, err)
	case errors.As(err, &oe) || errors.As(err, &ne):
		e.Message = fmt.Sprintf("无法连接邮件服务器 %s，稍后重试（%v）", relay, err)
	default:
		e.Message = fmt.Sprintf("与邮件服务器 %s 的会话失败，请检查邮件发送设置（%v）", relay, err)
	}
	return e
}

// classifySend classifies a failure between MAIL FROM and the end of DATA.
func classifySend(se *gomail.SendError, err error, from string) *Error {
	code := se.ErrorCode()
	e := &Error{Code: code, Err: err}
	reply := se.Error()
	switch se.Reason {
	case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
		e.Message = fmt.Sprintf("邮件无法生成，不会重试（%s）", reply)
		return e
	case gomail.ErrSMTPMailFrom:
		if code >= 500 {
			// The From address is configuration, identical for every message: an administrator must fix it.
			e.Temporary, e.Relay = true, true
			e.Message = fmt.Sprintf("邮件服务器不接受发件人地址 %s，请检查发件人设置或账号权限（%s）", from, reply)
			return e
		}
	case gomail.ErrSMTPRcptTo:
		if code >= 500 {
			e.Message = fmt.Sprintf("收件人地址被邮件服务器拒绝，请核对邮箱地址（%s）", reply)
			return e
		}
	case gomail.ErrSMTPData, gomail.ErrSMTPDataClose, gomail.ErrWriteContent:
		if code >= 500 {
			e.Message = fmt.Sprintf("邮件服务器拒收了这封邮件（%s）", reply)
			return e
		}
	}
	e.Temporary = true
	if code >= 400 {
		e.Message = fmt.Sprintf("邮件服务器暂时无法接收这封邮件，稍后重试（%s）", reply)
	} else {
		e.Message = fmt.Sprintf("与邮件服务器的连接在投递中断开，稍后重试（%s）", reply)
	}
	return e
}
