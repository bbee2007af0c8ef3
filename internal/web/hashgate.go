package web

import (
	"bufio"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gongkai/gongkai/internal/auth"
)

// hashGate bounds how many password checks run at once. Each argon2id verification holds its memory cost (64 MiB
// by default) for its whole run, so unbounded sign-ins exhaust memory: 100 at once took a server to 9 GB. A check
// waits briefly for a slot; a sign-in that gets none is answered 503 with Retry-After.
//
// A sign-in with a user name that is no account takes a slot too and holds it, without hashing, for as long as a
// real verification took: a duration drawn from the most recent real ones, so that neither the time of the answer
// (its distribution included, not just its median) nor being queued or turned away tells whether the name exists,
// while a flood of unknown names holds no memory. Until a real verification has been measured, one is run
// against a dummy hash, inside the slot.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration

	// active and peak count the slots in use, for tests and the log.
	active, peak atomic.Int64

	mu      sync.Mutex
	samples []time.Duration // ring of recent real verification times
	next    int
}

const hashSamples = 64

func newHashGate(size int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, size), wait: wait}
}

// acquire takes a slot, waiting up to the gate's wait (or until ctx ends); false: none came free.
func (g *hashGate) acquire(ctx context.Context) bool {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
	n := g.active.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	return true
}

func (g *hashGate) release() {
	g.active.Add(-1)
	<-g.slots
}

// observe records how long a real verification took.
func (g *hashGate) observe(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.samples) < hashSamples {
		g.samples = append(g.samples, d)
		return
	}
	g.samples[g.next] = d
	g.next = (g.next + 1) % hashSamples
}

// sample returns one of the recent verification times at random, or false when none was measured yet.
func (g *hashGate) sample() (time.Duration, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.samples) == 0 {
		return 0, false
	}
	return g.samples[rand.IntN(len(g.samples))], true
}

// hashSlots sizes the gate: as many concurrent checks as the CPUs can run (each argon2id check already runs its
// lanes in parallel, so more would only queue inside the CPU while holding memory), at least 2, and no more than
// half the memory available to the process can hold.
func hashSlots(p auth.Params) int {
	per := int64(p.Memory) * 1024
	n := runtime.NumCPU()
	if avail := availableMemory(); avail > 0 && per > 0 {
		n = min(n, int(avail/2/per))
	}
	return max(2, n)
}

// availableMemory is what the process may still use: the least of the system's MemAvailable, the cgroup's limit
// less its usage, and the Go memory limit (GOMEMLIMIT) less the heap; 0 when none is known.
func availableMemory() int64 {
	best := int64(0)
	take := func(v int64) {
		if v > 0 && (best == 0 || v < best) {
			best = v
		}
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64); err == nil {
					take(kb * 1024)
				}
			}
		}
		f.Close()
	}
	if limit, ok := readInt("/sys/fs/cgroup/memory.max"); ok {
		used, _ := readInt("/sys/fs/cgroup/memory.current")
		take(limit - used)
	}
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		take(limit - int64(ms.HeapAlloc))
	}
	return best
}

func readInt(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return v, err == nil
}
