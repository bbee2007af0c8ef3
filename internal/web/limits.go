package web

import (
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiters keep the per-client rate limits of the public forms in memory. Each process limits on its own; that is
// enough to stop a script without a shared store, and a real person never notices.
//
// A form counts what it accepted apart from what it turned away: a typo in an ID number must not use up the
// allowance of applications, and a script sending rubbish must not go on for ever either. So each form has two
// tables: the accepted submissions, tight, and the cheap rejections (validation failures, missing or stale form
// tokens), generous. A submission claims one of each before its work, race-free however many arrive at once, and
// gives back the one that did not happen.
type limiters struct {
	mu sync.Mutex
	// apply counts accepted online applications per client address (Config.ApplyLimit); applyFailed the rejected
	// ones, 30 per 10 minutes.
	apply, applyFailed *limitTable
	// subscribeClient and subscribeAddress count accepted subscriptions per client address (5 at once, then one
	// every 2 minutes) and per e-mail address (3 at once, then one every 10 minutes); subscribeFailed the rejected
	// ones per client address, 30 per 10 minutes.
	subscribeClient, subscribeAddress, subscribeFailed *limitTable
	// track counts status lookups per client address: 10 at once, then one every 6 seconds.
	track *limitTable
}

// limitTable is one rate limit kept per key (a client address, an e-mail address).
type limitTable struct {
	limit rate.Limit
	burst int
	m     map[string]*rate.Limiter
	swept time.Time
}

// failedLimit, failedBurst bound the rejected submissions of a form per client address: 30 per 10 minutes.
var failedLimit, failedBurst = rate.Every(20 * time.Second), 30

func newLimitTable(limit rate.Limit, burst int) *limitTable {
	return &limitTable{limit: limit, burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *limiters) init(applyLimit rate.Limit, applyBurst int) {
	l.apply, l.applyFailed = newLimitTable(applyLimit, applyBurst), newLimitTable(failedLimit, failedBurst)
	l.subscribeClient = newLimitTable(rate.Every(2*time.Minute), 5)
	l.subscribeAddress = newLimitTable(rate.Every(10*time.Minute), 3)
	l.subscribeFailed = newLimitTable(failedLimit, failedBurst)
	l.track = newLimitTable(rate.Every(6*time.Second), 10)
}

// limiter returns the key's limiter of the table; the caller holds l.mu.
func (l *limiters) limiter(t *limitTable, key string, now time.Time) *rate.Limiter {
	// Forget idle keys every hour, so that the table stays small however many addresses come by.
	if now.Sub(t.swept) > time.Hour {
		for k, lim := range t.m {
			if lim.TokensAt(now) >= float64(lim.Burst()) {
				delete(t.m, k)
			}
		}
		t.swept = now
	}
	lim, ok := t.m[key]
	if !ok {
		lim = rate.NewLimiter(t.limit, t.burst)
		t.m[key] = lim
	}
	return lim
}

// allow reports whether the key may act now under the table's limit, and counts it if so.
func (l *limiters) allow(t *limitTable, key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limiter(t, key, now).AllowN(now, 1)
}

// claim is a submission's hold on one unit of a limit: taken before the work, given back if the work did not
// count. The zero claim gives back nothing.
type claim struct {
	r  *rate.Reservation
	at time.Time
}

// claim takes one unit of the key's limit now, or reports false when none is left.
func (l *limiters) claim(t *limitTable, key string, now time.Time) (claim, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.limiter(t, key, now).ReserveN(now, 1)
	if !r.OK() {
		return claim{}, false
	}
	if r.DelayFrom(now) > 0 {
		r.CancelAt(now)
		return claim{}, false
	}
	return claim{r: r, at: now}, true
}

// giveBack returns the unit to the limit. It must be given back as of the time it was taken: the rate package
// restores nothing for a reservation cancelled after its time.
func (c claim) giveBack() {
	if c.r != nil {
		c.r.CancelAt(c.at)
	}
}

// limitKey is the key under which a client address is limited: an IPv4 address itself, an IPv6 address its /64.
// A /64 is the smallest network one subscriber is given, so a client hopping between its 2^64 addresses would
// otherwise have a fresh allowance for every request.
func limitKey(addr string) string {
	ip, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"))
	if err != nil {
		return addr
	}
	ip = ip.WithZone("").Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, err := ip.Prefix(64)
	if err != nil {
		return addr
	}
	return p.String()
}
