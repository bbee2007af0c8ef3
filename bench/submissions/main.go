// Command submissions submits online applications through gongkai's public form as fast as it can, from many
// clients spread over one or more gongkai processes and several agencies, and reports the accepted submissions per
// second. With -dsn it samples PostgreSQL every 10 ms for backends waiting on a lock, and reports the lock-wait
// time per submission by what the waiting statement was: the audit chain's head (audit_head), an agency's number
// series (number_series: only the same agency's cases wait there), or anything else. bench/submissions.sh runs it
// against 1 and 3 processes on a throwaway PostgreSQL.
//
//	submissions -base http://127.0.0.1:18751,http://127.0.0.1:18752 -agencies 2,3,4,5 -c 16 -d 20s -dsn postgres://…
//
// Each client takes a form token from the form page once (tokens are shared by the processes of a deployment) and
// waits out the form's minimum fill time (3 s) before the clock starts. The servers must trust 127.0.0.1 as a proxy
// (--trusted-proxy 127.0.0.1/32): every submission carries a random X-Forwarded-For address, so that the
// per-address limit of the form (5 applications per 10 minutes) does not stop the benchmark.
package main

import (
	"bytes"
	"context"
	"database/sql"
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
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

var tokenRe = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

func main() {
	bases := flag.String("base", "http://127.0.0.1:8080", "gongkai addresses, comma-separated: clients are spread over them")
	agencyList := flag.String("agencies", "2,3", "agency IDs, comma-separated: clients are spread over them")
	conc := flag.Int("c", 16, "concurrent clients")
	dur := flag.Duration("d", 20*time.Second, "duration")
	dsn := flag.String("dsn", "", "PostgreSQL DSN, to sample lock waits (optional)")
	fill := flag.Duration("fill", 3200*time.Millisecond, "wait between taking the form token and the first submission (the form's minimum fill time)")
	flag.Parse()
	servers := strings.Split(*bases, ",")
	var agencies []int
	for _, s := range strings.Split(*agencyList, ",") {
		id, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fmt.Fprintln(os.Stderr, "agencies: ", err)
			os.Exit(2)
		}
		agencies = append(agencies, id)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc}, Timeout: 30 * time.Second}

	// One token per server and agency form, taken now and used by every client after the fill time.
	tokens := map[string]string{}
	for _, base := range servers {
		for _, a := range agencies {
			resp, err := client.Get(fmt.Sprintf("%s/agencies/%d/apply", base, a))
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			m := tokenRe.FindSubmatch(body)
			if resp.StatusCode != http.StatusOK || m == nil {
				fmt.Fprintf(os.Stderr, "%s agency %d: status %d, no form token\n", base, a, resp.StatusCode)
				os.Exit(1)
			}
			tokens[fmt.Sprint(base, a)] = string(m[1])
		}
	}
	time.Sleep(*fill)

	var waits *waitSampler
	if *dsn != "" {
		db, err := sql.Open("pgx", *dsn)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer db.Close()
		waits = &waitSampler{db: db, counts: map[string]int{}}
	}
	var ok, failed atomic.Int64
	var lat latencies
	failures := map[string]int{}
	var failMu sync.Mutex
	ctx, cancel := context.WithTimeout(context.Background(), *dur)
	defer cancel()
	if waits != nil {
		go waits.run(ctx)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range *conc {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			base, agency := servers[w%len(servers)], agencies[w%len(agencies)]
			path := fmt.Sprintf("%s/agencies/%d/apply", base, agency)
			token := tokens[fmt.Sprint(base, agency)]
			for ctx.Err() == nil {
				v := url.Values{
					"form_token": {token}, "applicant_type": {"natural_person"}, "name": {"压测申请人"}, "id_type": {"resident_id"},
					"id_number": {residentID(rng)}, "phone": {"13800000000"}, "email": {"bench@example.com"},
					"description": {fmt.Sprintf("压测申请第 %d 项", rng.IntN(1_000_000))}, "forms": {"电子文档"}, "delivery": {"电子邮件"},
				}
				req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", rng.IntN(256), rng.IntN(256), 1+rng.IntN(254)))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
						failMu.Lock()
						failures[err.Error()]++
						failMu.Unlock()
					}
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && bytes.Contains(body, []byte(`id="query-code"`)) {
					ok.Add(1)
					lat.add(time.Since(t0))
					continue
				}
				failed.Add(1)
				failMu.Lock()
				failures[fmt.Sprintf("status %d", resp.StatusCode)]++
				failMu.Unlock()
			}
		})
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	p50, p95 := lat.percentiles()
	fmt.Printf("processes %d, agencies %d, clients %d: %d accepted in %.1f s = %.1f submissions/s (p50 %.1f ms, p95 %.1f ms), %d failed\n",
		len(servers), len(agencies), *conc, ok.Load(), secs, float64(ok.Load())/secs, p50, p95, failed.Load())
	for k, n := range failures {
		fmt.Printf("  failure %q: %d\n", k, n)
	}
	if waits != nil {
		waits.report(ok.Load())
	}
	if ok.Load() == 0 {
		os.Exit(1)
	}
}

// residentID returns a random resident ID number with a valid check digit (GB 11643).
func residentID(rng *rand.Rand) string {
	body := fmt.Sprintf("370124%04d%02d%02d%03d", 1950+rng.IntN(50), 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(1000))
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * w[i]
	}
	return body + string("10X98765432"[sum%11])
}

// latencies collects the accepted submissions' response times.
type latencies struct {
	mu sync.Mutex
	ms []float64
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.ms = append(l.ms, float64(d.Microseconds())/1000)
	l.mu.Unlock()
}

func (l *latencies) percentiles() (p50, p95 float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ms) == 0 {
		return 0, 0
	}
	s := append([]float64(nil), l.ms...)
	sortFloats(s)
	return s[len(s)*50/100], s[min(len(s)*95/100, len(s)-1)]
}

func sortFloats(s []float64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// waitSampler counts, every 10 ms, the backends of the database waiting for a lock, by what they wait in. Each
// sample of a waiting backend stands for 10 ms of waiting: the sum estimates the total lock-wait time.
type waitSampler struct {
	db      *sql.DB
	mu      sync.Mutex
	counts  map[string]int
	samples int
}

const sampleEvery = 10 * time.Millisecond

func (s *waitSampler) run(ctx context.Context) {
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rows, err := s.db.QueryContext(ctx, `SELECT wait_event, query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)
		if err != nil {
			continue
		}
		s.mu.Lock()
		s.samples++
		for rows.Next() {
			var event, q string
			if rows.Scan(&event, &q) != nil {
				continue
			}
			kind := "other: " + event + " in " + strings.Join(strings.Fields(q), " ")
			if len(kind) > 70 {
				kind = kind[:70]
			}
			switch {
			case strings.Contains(q, "audit_head"):
				kind = "audit_head (every write, across agencies)"
			case strings.Contains(q, "number_series"):
				kind = "number_series (same agency only)"
			case event == "object" && strings.EqualFold(strings.TrimSpace(q), "commit"):
				// NOTIFY's commit: PostgreSQL lets one notifying transaction commit at a time.
				kind = "NOTIFY queue at COMMIT (every write)"
			}
			s.counts[kind]++
		}
		s.mu.Unlock()
		rows.Close()
	}
}

func (s *waitSampler) report(writes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	for _, n := range s.counts {
		total += n
	}
	per := func(n int) float64 {
		if writes == 0 {
			return 0
		}
		return float64(n) * sampleEvery.Seconds() * 1000 / float64(writes)
	}
	fmt.Printf("lock waits (pg_stat_activity every %v, %d samples): %.2f ms per submission in all\n", sampleEvery, s.samples, per(total))
	kinds := []string{"audit_head (every write, across agencies)", "number_series (same agency only)", "NOTIFY queue at COMMIT (every write)"}
	for k := range s.counts {
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	for _, kind := range kinds {
		fmt.Printf("  %-42s %.2f ms per submission\n", kind, per(s.counts[kind]))
	}
}
