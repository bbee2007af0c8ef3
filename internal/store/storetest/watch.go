package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
	"github.com/gongkai/gongkai/internal/store"
)

// runWatch: a write committed by one process (another gongkai serve, or the CLI) changes the others' Version
// within 2 seconds while they Watch, so their cached pages are dropped (issue 14, item 1).
func runWatch(t *testing.T, open Opener) {
	t.Run("another process's write is seen within 2 seconds", func(t *testing.T) {
		db := MustMigrate(t, open)
		gov := MustRegion(t, db)
		serveA, cli := mustAnother(t, db), mustAnother(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { db.Watch(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		time.Sleep(300 * time.Millisecond) // the watcher is listening
		for i, writer := range []*store.DB{serveA, cli, serveA} {
			before := db.Version()
			start := time.Now()
			a := &disclosure.Agency{Kind: disclosure.Department, ParentID: &gov.ID, Name: "示范局" + string(rune('甲'+i))}
			if err := writer.CreateAgency(context.Background(), disclosure.SystemActor, a); err != nil {
				t.Fatal(err)
			}
			for db.Version() == before && time.Since(start) < 5*time.Second {
				time.Sleep(10 * time.Millisecond)
			}
			if took := time.Since(start); db.Version() == before || took > 2*time.Second {
				t.Errorf("write %d by another process seen after %s (version %d → %d), want within 2 s", i+1, took, before, db.Version())
			}
		}
		// Housekeeping (a visitor's session, here through the other process) changes nothing a page shows: the
		// version stays, and the caches keep their pages.
		time.Sleep(700 * time.Millisecond)
		quiet := db.Version()
		if err := serveA.Sessions().Commit("watch-test-token", []byte("x"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1500 * time.Millisecond)
		if db.Version() != quiet {
			t.Errorf("the version moved from %d to %d for a session write: cached pages would be dropped for nothing", quiet, db.Version())
		}
	})
}
