package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/gongkai/gongkai/internal/store/pgtest"
)

// TestPoolsKeepTheirConnectionsIdle takes every connection of a pool at once, as a burst of requests does, gives
// them back and repeats: the pool must keep them all idle for the next burst instead of closing all but two and
// opening them again (connection churn).
func TestPoolsKeepTheirConnectionsIdle(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, pool *sql.DB, size int) {
		t.Helper()
		if got := pool.Stats().MaxOpenConnections; got != size {
			t.Fatalf("MaxOpenConnections = %d, want %d", got, size)
		}
		for burst := 0; burst < 5; burst++ {
			conns := make([]*sql.Conn, size)
			for i := range conns {
				c, err := pool.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.PingContext(ctx); err != nil {
					t.Fatal(err)
				}
				conns[i] = c
			}
			for _, c := range conns {
				c.Close()
			}
		}
		st := pool.Stats()
		if st.Idle != size || st.MaxIdleClosed != 0 {
			t.Errorf("after 5 bursts of %d: %d idle, %d closed for lack of idle room; want %d idle, none closed", size, st.Idle, st.MaxIdleClosed, size)
		}
	}
	t.Run("sqlite read pool", func(t *testing.T) {
		db := openMigrated(t)
		check(t, db.read, sqliteReadConns)
	})
	t.Run("postgres pool", func(t *testing.T) {
		db, err := Open(ctx, pgtest.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		check(t, db.write, postgresConns)
	})
}
