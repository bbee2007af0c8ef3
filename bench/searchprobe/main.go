// Command searchprobe times store.SearchItems directly, without HTTP: every query of a file, region-wide and within
// each agency given, first page, then the same mix from several workers at once (p50/p95/max). It is the quick loop
// behind bench/catalogue-1m.sh's search figures.
//
//	go run ./bench/searchprobe -db postgres://… -queries bench/queries.txt -agencies 2-6 -c 4 -d 10s
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

func main() {
	dsn := flag.String("db", "", "database (postgres://… or a data folder)")
	queries := flag.String("queries", "bench/queries.txt", "file with one query per line")
	lo := flag.Int64("lo", 2, "first agency ID of the agency searches")
	hi := flag.Int64("hi", 6, "last agency ID of the agency searches")
	conc := flag.Int("c", 4, "concurrent workers for the load phase (0: none)")
	dur := flag.Duration("d", 10*time.Second, "duration of the load phase")
	each := flag.Bool("each", true, "time every query alone first")
	flag.Parse()
	ctx := context.Background()
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer db.Close()
	f, err := os.Open(*queries)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			qs = append(qs, l)
		}
	}
	f.Close()
	var scopes [][]int64
	scopes = append(scopes, nil)
	for a := *lo; a <= *hi; a++ {
		scopes = append(scopes, []int64{a})
	}
	run := func(q string, scope []int64) (time.Duration, int, error) {
		t := time.Now()
		_, n, err := db.SearchItems(ctx, disclosure.SearchQuery{Q: q, AgencyIDs: scope, Limit: 10})
		return time.Since(t), n, err
	}
	if *each {
		for _, q := range qs {
			fmt.Printf("%-24s", q)
			for _, s := range scopes {
				run(q, s) // warm
				var best time.Duration
				var n int
				for i := 0; i < 3; i++ {
					d, m, err := run(q, s)
					if err != nil {
						fmt.Fprintln(os.Stderr, err)
						os.Exit(1)
					}
					if i == 0 || d < best {
						best = d
					}
					n = m
				}
				fmt.Printf(" %6.1fms/%-5d", float64(best.Microseconds())/1000, n)
			}
			fmt.Println()
		}
	}
	if *conc == 0 {
		return
	}
	var mu sync.Mutex
	var lat []time.Duration
	slow := map[string]time.Duration{}
	stop := time.Now().Add(*dur)
	var wg sync.WaitGroup
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				q, s := qs[rand.IntN(len(qs))], scopes[rand.IntN(len(scopes))]
				d, _, err := run(q, s)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				mu.Lock()
				lat = append(lat, d)
				k := fmt.Sprint(q, s)
				slow[k] = max(slow[k], d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	p := func(x float64) float64 { return float64(lat[int(x*float64(len(lat)-1))].Microseconds()) / 1000 }
	fmt.Printf("%d searches, %d workers: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n", len(lat), *conc, p(0.5), p(0.95), p(0.99), p(1))
	type kv struct {
		k string
		d time.Duration
	}
	var all []kv
	for k, d := range slow {
		all = append(all, kv{k, d})
	}
	slices.SortFunc(all, func(a, b kv) int { return int(b.d - a.d) })
	for _, x := range all[:min(8, len(all))] {
		fmt.Printf("  slowest %-30s %.1f ms\n", x.k, float64(x.d.Microseconds())/1000)
	}
}
