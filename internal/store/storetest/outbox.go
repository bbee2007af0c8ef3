package storetest

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

var outboxMessageID = regexp.MustCompile(`^outbox-(\d+)\.[0-9a-f]{16}$`)

// runOutbox checks the outbox's leases between two processes and its Message-IDs.
func runOutbox(t *testing.T, open Opener) {
	ctx := context.Background()

	t.Run("only the holder of an e-mail's lease extends it, until another process takes it over", func(t *testing.T) {
		db := MustMigrate(t, open)
		other := mustAnother(t, db)
		if err := db.EnqueueMail(ctx, disclosure.Mail{To: "wang@example.com", Subject: "受理通知", Text: "您好"}); err != nil {
			t.Fatal(err)
		}
		const lease = 600 * time.Millisecond
		mine, err := db.ClaimMailLease(ctx, 10, lease)
		if err != nil || len(mine) != 1 {
			t.Fatalf("claimed %d, %v", len(mine), err)
		}
		claimedAt := time.Now()
		theirs := func() int {
			t.Helper()
			got, err := other.ClaimMailLease(ctx, 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 1 && (got[0].ID != mine[0].ID || got[0].MessageID != mine[0].MessageID || got[0].Claim == mine[0].Claim) {
				t.Errorf("taken over as %+v, claimed first as %+v: want the same e-mail and Message-ID under a new claim", got[0], mine[0])
			}
			if len(got) == 1 {
				if held, err := other.ExtendMailLease(ctx, got[0], time.Minute); err != nil || !held {
					t.Errorf("the new holder cannot extend its lease: %v, %v", held, err)
				}
			}
			return len(got)
		}
		if n := theirs(); n != 0 {
			t.Fatalf("another process claimed a leased e-mail")
		}
		// Extended twice within the lease, the e-mail stays hidden past its first lease.
		for range 2 {
			time.Sleep(lease / 2)
			if held, err := db.ExtendMailLease(ctx, mine[0], lease); err != nil || !held {
				t.Fatalf("extend: %v, %v", held, err)
			}
		}
		if time.Since(claimedAt) < lease {
			t.Skip("the machine is too slow for this test's timing")
		}
		if n := theirs(); n != 0 {
			t.Fatalf("another process claimed an e-mail whose lease was extended")
		}
		// Not extended any more: the lease runs out and another process takes the e-mail over.
		time.Sleep(lease + 50*time.Millisecond)
		if n := theirs(); n != 1 {
			t.Fatalf("an e-mail whose lease ran out was not claimed again")
		}
		if held, err := db.ExtendMailLease(ctx, mine[0], lease); err != nil || held {
			t.Errorf("the first holder extended a lease taken over: %v, %v", held, err)
		}
		if err := other.MailSent(ctx, mine[0].ID); err != nil {
			t.Fatal(err)
		}
		if held, err := other.ExtendMailLease(ctx, mine[0], lease); err != nil || held {
			t.Errorf("a lease of a sent e-mail extended: %v, %v", held, err)
		}
	})

	t.Run("every e-mail has its own Message-ID from the moment it is queued", func(t *testing.T) {
		db := MustMigrate(t, open)
		for i := range 5 {
			if err := db.EnqueueMail(ctx, disclosure.Mail{To: fmt.Sprintf("c%d@example.com", i), Subject: "受理通知", Text: "您好"}); err != nil {
				t.Fatal(err)
			}
		}
		first, err := db.ClaimMailLease(ctx, 10, time.Millisecond)
		if err != nil || len(first) != 5 {
			t.Fatalf("claimed %d, %v", len(first), err)
		}
		seen := map[string]bool{}
		for _, m := range first {
			sub := outboxMessageID.FindStringSubmatch(m.MessageID)
			if sub == nil || sub[1] != fmt.Sprint(m.ID) {
				t.Errorf("e-mail %d has Message-ID %q, want outbox-%d.<16 hex digits>", m.ID, m.MessageID, m.ID)
			}
			if seen[m.MessageID] {
				t.Errorf("Message-ID %q given twice", m.MessageID)
			}
			seen[m.MessageID] = true
		}
		time.Sleep(5 * time.Millisecond)
		again, err := mustAnother(t, db).ClaimMailLease(ctx, 10, time.Minute)
		if err != nil || len(again) != 5 {
			t.Fatalf("claimed again %d, %v", len(again), err)
		}
		for _, m := range again {
			if !seen[m.MessageID] {
				t.Errorf("claimed again, e-mail %d has a new Message-ID %q", m.ID, m.MessageID)
			}
		}
	})
}
