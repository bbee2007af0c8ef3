package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// runRateLimits: a public form's limit is one allowance however many processes serve the form — 20 requests at once
// through two processes let exactly the burst in — and a unit given back can be taken again (issue 14, item 3).
func runRateLimits(t *testing.T, open Opener) {
	t.Run("a rate limit is shared by every process, under concurrent requests", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		ctx := context.Background()
		var ok atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			h := db
			if i%2 == 1 {
				h = other
			}
			wg.Go(func() {
				if _, took, err := h.TakeRate(ctx, "apply", "203.0.113.7", time.Hour, 3); err != nil {
					t.Error(err)
				} else if took {
					ok.Add(1)
				}
			})
		}
		wg.Wait()
		if ok.Load() != 3 {
			t.Fatalf("%d of 20 concurrent requests through two processes let in, want the burst of 3", ok.Load())
		}
		if _, took, _ := other.TakeRate(ctx, "apply", "198.51.100.1", time.Hour, 3); !took {
			t.Error("another address shares the first one's allowance")
		}
		if _, took, _ := db.TakeRate(ctx, "apply_failed", "203.0.113.7", time.Hour, 3); !took {
			t.Error("another limit shares the first one's allowance")
		}
		c, took, err := db.TakeRate(ctx, "track", "k", time.Hour, 1)
		if err != nil || !took {
			t.Fatalf("first of a bucket of one: %v %v", took, err)
		}
		if _, took, _ := other.TakeRate(ctx, "track", "k", time.Hour, 1); took {
			t.Error("the bucket of one let a second request in")
		}
		if err := db.GiveBackRate(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, took, _ := other.TakeRate(ctx, "track", "k", time.Hour, 1); !took {
			t.Error("a unit given back cannot be taken again")
		}
	})
}
