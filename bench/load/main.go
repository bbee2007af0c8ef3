// Command load sends HTTP GET requests to a server from several workers for a while and reports the rate and the
// latency percentiles, and, given the server's process ID, the largest resident memory seen meanwhile. Each request's
// path comes from a pattern with {N:lo-hi} parts replaced by random numbers and {Q} by a random line of a query file,
// so a load can spread over a million item pages or a list of searches instead of repeating one cached URL.
//
//	go run ./bench/load -base http://127.0.0.1:8080 -path '/items/{N:1-1000000}' -c 20 -d 30s -pid 1234
//	go run ./bench/load -base … -path '/search?q={Q}' -queries bench/queries.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

var reNum = regexp.MustCompile(`\{N:(\d+)-(\d+)\}`)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "server address")
	pattern := flag.String("path", "/", "path pattern: {N:lo-hi} a random number, {Q} a random query of -queries")
	queries := flag.String("queries", "", "file with one search query per line, for {Q}")
	conc := flag.Int("c", 10, "concurrent workers")
	dur := flag.Duration("d", 10*time.Second, "duration")
	pid := flag.Int("pid", 0, "server process ID, to report its largest resident memory")
	flag.Parse()
	var qs []string
	if *queries != "" {
		f, err := os.Open(*queries)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				qs = append(qs, l)
			}
		}
		f.Close()
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc}, Timeout: 30 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	errs, missing, bytes := 0, 0, int64(0)
	stop := time.Now().Add(*dur)
	var wg sync.WaitGroup
	maxRSS := 0
	done := make(chan struct{})
	if *pid > 0 {
		go func() {
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					if r := rss(*pid); r > maxRSS {
						maxRSS = r
					}
				}
			}
		}()
	}
	started := time.Now()
	for w := range *conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			var mine []time.Duration
			e, m, n := 0, 0, int64(0)
			for time.Now().Before(stop) {
				p := reNum.ReplaceAllStringFunc(*pattern, func(m string) string {
					sub := reNum.FindStringSubmatch(m)
					lo, _ := strconv.Atoi(sub[1])
					hi, _ := strconv.Atoi(sub[2])
					return strconv.Itoa(lo + rng.IntN(hi-lo+1))
				})
				if len(qs) > 0 {
					p = strings.ReplaceAll(p, "{Q}", url.QueryEscape(qs[rng.IntN(len(qs))]))
				}
				t := time.Now()
				resp, err := client.Get(*base + p)
				if err != nil {
					e++
					continue
				}
				k, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t))
				n += k
				switch resp.StatusCode {
				case http.StatusOK:
				case http.StatusNotFound: // a random ID of an item that is not published
					m++
				default:
					e++
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += e
			missing += m
			bytes += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(done)
	elapsed := time.Since(started)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	fmt.Printf("%s  requests %d  not found %d  errors %d  %.0f req/s  %.1f MB/s  p50 %v  p95 %v  p99 %v  max %v",
		*pattern, len(lat), missing, errs, float64(len(lat))/elapsed.Seconds(), float64(bytes)/elapsed.Seconds()/1e6,
		pct(0.50).Round(10*time.Microsecond), pct(0.95).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond))
	if *pid > 0 {
		fmt.Printf("  max RSS %d MiB", maxRSS)
	}
	fmt.Println()
	if errs > 0 {
		os.Exit(1)
	}
}

// rss returns a process's resident memory in MiB, or 0.
func rss(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return kb / 1024
		}
	}
	return 0
}
