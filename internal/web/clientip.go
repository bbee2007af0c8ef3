package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address of the client a request comes from, for rate limits and the audit trail. Only when
// the connection comes from one of the trusted proxies are the headers such a proxy sets believed: of
// X-Forwarded-For the rightmost address that is not itself a trusted proxy (the entries to its left were written
// by the client and prove nothing), else X-Real-IP. A connection from anywhere else is its own address, whatever
// its headers say. A header that cannot be read stops the walk at the last trusted hop, so that garbage cannot
// give a client a fresh address.
func ClientIP(r *http.Request, trusted []netip.Prefix) string {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if !inAny(peer, trusted) {
		return peer.String()
	}
	if fwd := r.Header.Values("X-Forwarded-For"); len(fwd) > 0 {
		hops := strings.Split(strings.Join(fwd, ","), ",")
		client := peer
		for i := len(hops) - 1; i >= 0; i-- {
			a, ok := parseAddr(strings.TrimSpace(hops[i]))
			if !ok {
				break
			}
			client = a
			if !inAny(a, trusted) {
				break
			}
		}
		return client.String()
	}
	if a, ok := parseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); ok {
		return a.String()
	}
	return peer.String()
}

// parseAddr reads an IP address with or without a port (IPv6 in brackets then), dropping a zone and unmapping
// IPv4 in IPv6, so that one client has one spelling.
func parseAddr(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

func inAny(a netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

type clientIPKey struct{}

// withClientIP works out each request's client address once (ClientIP with the configured trusted proxies), for
// clientAddr.
func (s *Server) withClientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientIPKey{}, ClientIP(r, s.cfg.TrustedProxies))))
	})
}

// clientAddr is the client's address as withClientIP found it: what the audit trail records and the rate limits
// count.
func clientAddr(r *http.Request) string {
	if a, ok := r.Context().Value(clientIPKey{}).(string); ok {
		return a
	}
	return ClientIP(r, nil)
}
