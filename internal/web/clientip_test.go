package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// Spoofing attempts: a client that is not a trusted proxy cannot choose its address with headers, and one behind a
// trusted proxy cannot hide behind addresses it writes itself to the left of what the proxy appended.
func TestClientIPBelievesOnlyTrustedProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	for _, tc := range []struct {
		name, remote, xff, realIP string
		want                      string
	}{
		{"direct client", "203.0.113.9:5123", "", "", "203.0.113.9"},
		{"direct client forging X-Forwarded-For", "203.0.113.9:5123", "1.2.3.4", "", "203.0.113.9"},
		{"direct client forging X-Real-IP", "203.0.113.9:5123", "", "1.2.3.4", "203.0.113.9"},
		{"direct client claiming to be a proxy's client", "203.0.113.9:5123", "198.51.100.1, 10.0.0.2", "", "203.0.113.9"},
		{"through the proxy", "10.0.0.2:443", "198.51.100.7", "", "198.51.100.7"},
		{"through the proxy, client prepends a forged address", "10.0.0.2:443", "1.2.3.4, 198.51.100.7", "", "198.51.100.7"},
		{"through two trusted proxies", "10.0.0.2:443", "1.2.3.4, 198.51.100.7, 10.0.0.3", "", "198.51.100.7"},
		{"several X-Forwarded-For headers", "10.0.0.2:443", "1.2.3.4\n198.51.100.7", "", "198.51.100.7"},
		{"through the proxy, garbage to the right", "10.0.0.2:443", "198.51.100.7, not-an-ip", "", "10.0.0.2"},
		{"through the proxy, only trusted hops", "10.0.0.2:443", "10.0.0.9, 10.0.0.3", "", "10.0.0.9"},
		{"through the proxy with X-Real-IP", "10.0.0.2:443", "", "198.51.100.8", "198.51.100.8"},
		{"X-Forwarded-For wins over X-Real-IP", "10.0.0.2:443", "198.51.100.7", "1.2.3.4", "198.51.100.7"},
		{"through the proxy, bad X-Real-IP", "10.0.0.2:443", "", "1.2.3.4; drop table", "10.0.0.2"},
		{"IPv6 proxy and client with a port", "[fd00::1]:443", "[2001:db8::5]:4711", "", "2001:db8::5"},
		{"IPv4 in IPv6 is one client", "[::ffff:203.0.113.9]:5123", "", "", "203.0.113.9"},
		{"a proxy's address mapped into IPv6 is still the proxy", "[::ffff:10.0.0.2]:443", "198.51.100.7", "", "198.51.100.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		for _, v := range splitLines(tc.xff) {
			r.Header.Add("X-Forwarded-For", v)
		}
		if tc.realIP != "" {
			r.Header.Set("X-Real-IP", tc.realIP)
		}
		if got := ClientIP(r, trusted); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if got := ClientIP(r, nil); tc.remote == "203.0.113.9:5123" && got != "203.0.113.9" {
			t.Errorf("%s without trusted proxies: %q", tc.name, got)
		}
	}
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
