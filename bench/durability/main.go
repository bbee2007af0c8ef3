// Command durability exercises the embedded database the way a busy county server would, for bench/durability.sh:
//
//	durability write DIR SECONDS WRITERS   create agencies from WRITERS goroutines for SECONDS, printing each
//	                                       acknowledged (committed) agency ID on its own line
//	durability check DIR ACKED_FILE        verify that every acknowledged ID is in the database and the audit
//	                                       chain is intact
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "durability:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 3 {
		return fmt.Errorf("usage: durability write DIR SECONDS WRITERS | check DIR ACKED_FILE")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, args[1])
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	switch args[0] {
	case "write":
		secs, _ := strconv.Atoi(args[2])
		writers := 50
		if len(args) > 3 {
			writers, _ = strconv.Atoi(args[3])
		}
		return write(ctx, db, time.Duration(secs)*time.Second, writers)
	case "check":
		return check(ctx, db, args[2])
	}
	return fmt.Errorf("unknown mode %q", args[0])
}

func write(ctx context.Context, db *store.DB, d time.Duration, writers int) error {
	gov := &disclosure.Agency{Kind: disclosure.RegionGovernment, Name: fmt.Sprintf("压力测试政府-%d", time.Now().UnixNano())}
	if err := db.CreateAgency(ctx, disclosure.SystemActor, gov); err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	var acked, failed atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				a := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: fmt.Sprintf("局-%d-%d", w, i)}
				if err := db.CreateAgency(ctx, disclosure.SystemActor, a); err != nil {
					failed.Add(1)
					fmt.Fprintln(os.Stderr, "write failed:", err)
					continue
				}
				acked.Add(1)
				mu.Lock()
				fmt.Fprintln(out, a.ID)
				out.Flush() // acknowledged means printed only after the commit returned
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Fprintf(os.Stderr, "writers=%d seconds=%.1f acknowledged=%d failed=%d writes/s=%.0f\n", writers, el.Seconds(), acked.Load(), failed.Load(), float64(acked.Load())/el.Seconds())
	if failed.Load() > 0 {
		return fmt.Errorf("%d writes failed", failed.Load())
	}
	return nil
}

func check(ctx context.Context, db *store.DB, ackedFile string) error {
	f, err := os.Open(ackedFile)
	if err != nil {
		return err
	}
	defer f.Close()
	all, err := db.ListAgencies(ctx, nil)
	if err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, a := range all {
		have[a.ID] = true
	}
	sc := bufio.NewScanner(f)
	n, missing := 0, 0
	for sc.Scan() {
		id, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			continue // a line cut by kill -9 was never a complete acknowledgement
		}
		n++
		if !have[id] {
			missing++
		}
	}
	res, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("acknowledged=%d present=%d missing=%d audit_entries=%d audit_ok=%v\n", n, n-missing, missing, res.Entries, res.OK)
	if missing > 0 || !res.OK {
		return fmt.Errorf("lost %d acknowledged writes; audit ok=%v %s", missing, res.OK, res.Problem)
	}
	return nil
}
