package web

import (
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/gongkai/gongkai/internal/store"
)

// limiters keep the per-client rate limits of the public forms. Each limit is kept twice: in this process's memory,
// which turns a flood away without touching the database, and in the database (store.TakeRate), which every
// process shares, so that N processes behind a balancer grant the allowance once, not N times.
//
// A form counts what it accepted apart from what it turned away: a typo in an ID number must not use up the
// allowance of applications, and a script sending rubbish must not go on for ever either. So each form has two
// tables: the accepted submissions, tight, and the cheap rejections (validation failures, missing or stale form
// tokens), generous. A submission claims one of each before its work, race-free however many arrive at once, and
// gives back the one that did not happen.
type limiters struct {
	mu sync.Mutex
	// db holds the shared buckets; log records a database error, on which the memory's limit alone applies.
	db  *store.DB
	log *slog.Logger
	// apply counts accepted online applications per client address (Config.ApplyLimit); applyFailed the rejected
	// ones, 30 per 10 minutes.
	apply, applyFailed *limitTable
	// subscribeClient and subscribeAddress count accepted subscriptions per client address (5 at once, then one
	// every 2 minutes) and per e-mail address (3 at once, then one every 10 minutes); subscribeFailed the rejected
	// ones per client address, 30 per 10 minutes.
	subscribeClient, subscribeAddress, subscribeFailed *limitTable
	// track counts status lookups per client address: 10 at once, then one every 6 seconds.
	track *limitTable
	// export counts open-data exports per client address (exportLimit, exportBurst).
	export *limitTable
}

// limitTable is one rate limit kept per key (a client address, an e-mail address).
type limitTable struct {
	// name is the limit's bucket in the database.
	name  string
	limit rate.Limit
	burst int
	m     map[string]*rate.Limiter
	swept time.Time
}

// failedLimit, failedBurst bound the rejected submissions of a form per client address: 30 per 10 minutes.
var failedLimit, failedBurst = rate.Every(20 * time.Second), 30

func newLimitTable(name string, limit rate.Limit, burst int) *limitTable {
	return &limitTable{name: name, limit: limit, burst: burst, m: map[string]*rate.Limiter{}}
}

// interval is the time one unit of the limit takes to come back.
func (t *limitTable) interval() time.Duration {
	return time.Duration(float64(time.Second) / float64(t.limit))
}

func (l *limiters) init(db *store.DB, log *slog.Logger, applyLimit rate.Limit, applyBurst int) {
	l.db, l.log = db, log
	l.apply, l.applyFailed = newLimitTable("apply", applyLimit, applyBurst), newLimitTable("apply_failed", failedLimit, failedBurst)
	l.subscribeClient = newLimitTable("subscribe_client", rate.Every(2*time.Minute), 5)
	l.subscribeAddress = newLimitTable("subscribe_address", rate.Every(10*time.Minute), 3)
	l.subscribeFailed = newLimitTable("subscribe_failed", failedLimit, failedBurst)
	l.track = newLimitTable("track", rate.Every(6*time.Second), 10)
	l.export = newLimitTable("export", exportLimit, exportBurst)
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
func (l *limiters) allow(ctx context.Context, t *limitTable, key string, now time.Time) bool {
	_, ok := l.claim(ctx, t, key, now)
	return ok
}

// claim is a submission's hold on one unit of a limit: taken before the work, given back if the work did not
// count. The zero claim gives back nothing.
type claim struct {
	r      *rate.Reservation
	at     time.Time
	shared store.RateClaim
	l      *limiters
}

// claim takes one unit of the key's limit now — from this process's memory, then from the shared bucket in the
// database — or reports false when none is left in either.
func (l *limiters) claim(ctx context.Context, t *limitTable, key string, now time.Time) (claim, bool) {
	l.mu.Lock()
	r := l.limiter(t, key, now).ReserveN(now, 1)
	if !r.OK() {
		l.mu.Unlock()
		return claim{}, false
	}
	if r.DelayFrom(now) > 0 {
		r.CancelAt(now)
		l.mu.Unlock()
		return claim{}, false
	}
	l.mu.Unlock()
	c := claim{r: r, at: now, l: l}
	if l.db == nil {
		return c, true
	}
	shared, ok, err := l.db.TakeRate(ctx, t.name, key, t.interval(), t.burst)
	switch {
	case err != nil:
		l.log.Error("shared rate limit: this process's limit alone applies", "limit", t.name, "err", err)
	case !ok:
		r.CancelAt(now)
		return claim{}, false
	}
	c.shared = shared
	return c, true
}

// giveBack returns the unit to the limit. It must be given back as of the time it was taken: the rate package
// restores nothing for a reservation cancelled after its time.
func (c claim) giveBack() {
	if c.r != nil {
		c.r.CancelAt(c.at)
	}
	if c.l != nil && c.l.db != nil {
		if err := c.l.db.GiveBackRate(context.Background(), c.shared); err != nil {
			c.l.log.Error("shared rate limit: give back", "err", err)
		}
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
