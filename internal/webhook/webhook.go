// Package webhook sends gongkai's events to the subscribers' addresses (webhooks), so that an OA system, a 12345
// hotline or a province's platform can follow cases, publications and annual reports without polling. The events
// are written by the store in the transaction of the change they report (store.WebhookKinds); this package claims
// their deliveries, signs and POSTs them, and retries with exponential back-off and jitter.
//
// The wire format follows the Standard Webhooks specification (standardwebhooks.com): every request carries
// Webhook-Id (the event's idempotency id, the same on every attempt), Webhook-Timestamp (Unix seconds of the
// attempt) and Webhook-Signature ("v1," and the base64 HMAC-SHA256 of "id.timestamp.body" under the secret's
// base64-decoded key). Delivery is at least once: a receiver that acknowledged an event never gets it again, one
// that failed to answer may, with the same Webhook-Id.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// Headers of a delivery, as the Standard Webhooks specification names them.
const (
	HeaderID        = "Webhook-Id"
	HeaderTimestamp = "Webhook-Timestamp"
	HeaderSignature = "Webhook-Signature"
)

// secretKey decodes a "whsec_…" secret into its signing key.
func secretKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return nil, errors.New("webhook: malformed secret")
	}
	return key, nil
}

// Sign returns the Webhook-Signature value of a delivery: "v1," and the base64 HMAC-SHA256 of "id.timestamp.body".
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := secretKey(secret)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + strconv.FormatInt(ts.Unix(), 10) + "."))
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// Verify checks a received delivery as a receiver would: the timestamp within tolerance of now (against replays)
// and one of the space-separated signatures matching. It is the receiver's side of the specification, kept here
// for tests and as the reference for docs/webhooks.md.
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return errors.New("webhook: missing headers")
	}
	sec, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return errors.New("webhook: bad timestamp")
	}
	ts := time.Unix(sec, 0)
	if d := now.Sub(ts); d > tolerance || d < -tolerance {
		return errors.New("webhook: timestamp out of tolerance")
	}
	want, err := Sign(secret, id, ts, body)
	if err != nil {
		return err
	}
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("webhook: no matching signature")
}

// loopbackHosts are the hosts a subscriber's address may name over plain http, for tests and a receiver on the
// same machine; every other address must be https.
var loopbackHosts = map[string]bool{"127.0.0.1": true, "localhost": true, "::1": true}

// blocked are the ranges no delivery may connect to, beyond what netip's predicates name: shared address space
// (carrier-grade NAT), "this network", IETF protocol assignments, benchmarking, reserved, and NAT64.
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
}

// allowedIP reports whether a delivery may connect to ip: public unicast addresses only, and loopback when the
// subscriber's address names the local machine.
func allowedIP(ip netip.Addr, loopback bool) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() {
		return loopback
	}
	if !ip.IsValid() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return false
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// parseURL checks a subscriber's address syntactically and reports whether it names the local machine.
func parseURL(raw string) (*url.URL, bool, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return nil, false, disclosure.Errorf(disclosure.EInvalid, "接收地址不是有效的网址，请填写以 https:// 开头的完整地址")
	}
	if u.User != nil {
		return nil, false, disclosure.Errorf(disclosure.EInvalid, "接收地址中不能包含用户名或密码")
	}
	local := loopbackHosts[strings.ToLower(u.Hostname())]
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && local:
	default:
		return nil, false, disclosure.Errorf(disclosure.EInvalid, "接收地址必须以 https:// 开头（仅本机测试地址 http://127.0.0.1 或 http://localhost 可用 http）")
	}
	return u, local, nil
}

// CheckURL checks a subscriber's address when it is registered: https (http only for the local machine), and a
// host that resolves to public addresses only, so that webhooks cannot reach into the internal network (SSRF).
// The same check is made again on every connection (the host may resolve differently later). Errors: EInvalid,
// in Chinese, saying what to fix.
func CheckURL(ctx context.Context, raw string, resolver *net.Resolver) error {
	u, local, err := parseURL(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		if resolver == nil {
			resolver = net.DefaultResolver
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if ips, err = resolver.LookupNetIP(ctx, "ip", host); err != nil || len(ips) == 0 {
			return disclosure.Errorf(disclosure.EInvalid, "无法解析接收地址的域名 %s，请检查地址是否正确", host)
		}
	}
	for _, ip := range ips {
		if !allowedIP(ip, local) {
			return disclosure.Errorf(disclosure.EInvalid, "接收地址 %s 指向内部网络或保留地址（%s），不能用于事件推送；请填写可从互联网访问的地址", host, ip.Unmap())
		}
	}
	return nil
}

type loopbackKey struct{}

// errRefused is the error of a connection to an address a delivery may not reach.
var errRefused = errors.New("接收地址指向内部网络或保留地址，已拒绝连接")

// NewClient returns the HTTP client deliveries use: a 10 s limit per request, no redirects followed (a redirect
// answer is a failure), no proxy, and every connection checked against allowedIP after the host is resolved, so
// that neither a later DNS answer nor a redirect reaches the internal network.
func NewClient() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, ControlContext: func(ctx context.Context, network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return errRefused
		}
		loopback, _ := ctx.Value(loopbackKey{}).(bool)
		if !allowedIP(ap.Addr(), loopback) {
			return fmt.Errorf("%w（%s）", errRefused, ap.Addr().Unmap())
		}
		return nil
	}}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		MaxIdleConns:          32,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
