// Command signinflood sends rounds of concurrent sign-ins to a running gongkai and reports the server's peak
// resident memory (sampled from /proc every 5 ms) and the latency of /healthz during each round
// (bench/signin-flood.sh starts the server).
//
//	signinflood -base http://127.0.0.1:18741 -pid 1234 -n 100 -users officer,reviewer
//
// Each request comes from its own address through X-Forwarded-For (the server must trust 127.0.0.1 as its
// proxy), so that the per-address limit does not stop the flood before the password checks: what is measured is
// the hash gate's bound, the worst case.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func main() {
	base := flag.String("base", "http://127.0.0.1:18741", "the server")
	pid := flag.Int("pid", 0, "the server's process id")
	n := flag.Int("n", 100, "concurrent sign-ins per round")
	users := flag.String("users", "officer,reviewer,approver,agencyadmin,supervisor,sysadmin,secadmin,auditor", "accounts that exist")
	flag.Parse()
	const mib = 1 << 20
	idle := rss(*pid)
	fmt.Printf("idle RSS: %d MiB\n", idle/mib)
	names := strings.Split(*users, ",")
	round := 0
	for _, kind := range []string{"unknown user names", "existing accounts, wrong passwords"} {
		round++
		var peak atomic.Int64
		stop := make(chan struct{})
		var bg sync.WaitGroup
		bg.Go(func() {
			for {
				if r := rss(*pid); r > peak.Load() {
					peak.Store(r)
				}
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		})
		var lat []time.Duration
		var latMu sync.Mutex
		bg.Go(func() {
			for {
				t := time.Now()
				resp, err := http.Get(*base + "/healthz")
				if err == nil {
					resp.Body.Close()
					latMu.Lock()
					lat = append(lat, time.Since(t))
					latMu.Unlock()
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		})
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 60 * time.Second}
		codes := map[int]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		start := make(chan struct{})
		began := time.Now()
		for i := range *n {
			wg.Go(func() {
				user := fmt.Sprintf("nobody%d-%d", round, i)
				if round == 2 {
					user = names[i%len(names)]
				}
				form := url.Values{"username": {user}, "password": {fmt.Sprintf("Wrong-Guess-%d", i)}}
				req, _ := http.NewRequest("POST", *base+"/console/login", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", *base)
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", round, i/250, i%250+1))
				<-start
				code := 0
				if resp, err := client.Do(req); err == nil {
					code = resp.StatusCode
					resp.Body.Close()
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
		took := time.Since(began)
		time.Sleep(100 * time.Millisecond)
		close(stop)
		bg.Wait()
		slices.Sort(lat)
		p := func(q float64) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[min(len(lat)-1, int(q*float64(len(lat))))]
		}
		fmt.Printf("round %d, %d concurrent sign-ins, %s: answers %v in %v\n", round, *n, kind, codes, took.Round(time.Millisecond))
		fmt.Printf("  peak RSS %d MiB (%+d MiB over idle)\n", peak.Load()/mib, (peak.Load()-idle)/mib)
		fmt.Printf("  /healthz during the flood: %d probes, median %v, p99 %v, max %v\n", len(lat), p(0.5).Round(time.Microsecond), p(0.99).Round(time.Microsecond), p(1).Round(time.Microsecond))
	}
}
