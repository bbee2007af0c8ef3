package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RateClaim is one unit taken from a shared rate limit, to give back with GiveBackRate when what it was taken for
// did not count (a submission turned away after all).
type RateClaim struct {
	bucket, key string
	interval    int64
}

// TakeRate takes one unit of the token bucket named by bucket and key — one unit every interval, at most burst at
// once — shared by every process on the database, in one statement (GCRA: the row keeps the theoretical arrival
// time of the next request, and a request is let in when it is no later than burst intervals ahead of now). It
// reports false, taking nothing, when the bucket is empty. Behind a balancer the processes share the allowance
// instead of each granting its own (issue 14, item 3).
func (db *DB) TakeRate(ctx context.Context, bucket, key string, interval time.Duration, burst int) (RateClaim, bool, error) {
	now := db.now().UnixMicro()
	i := interval.Microseconds()
	if i <= 0 || burst < 1 {
		return RateClaim{}, false, fmt.Errorf("store: rate limit %s: interval %s, burst %d", bucket, interval, burst)
	}
	greatest := "max"
	if db.d.name() == "postgres" {
		greatest = "GREATEST"
	}
	p := db.bigint
	var tat int64
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO rate_limits (bucket, key, tat) VALUES ($1, $2, `+p(3)+` + `+p(4)+`)
			ON CONFLICT (bucket, key) DO UPDATE SET tat = `+greatest+`(rate_limits.tat, `+p(3)+`) + `+p(4)+`
			WHERE `+greatest+`(rate_limits.tat, `+p(3)+`) + `+p(4)+` - `+p(3)+` <= `+p(5)+`
			RETURNING tat`, bucket, key, now, i, int64(burst)*i).Scan(&tat)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return RateClaim{}, false, nil
	}
	if err != nil {
		return RateClaim{}, false, fmt.Errorf("store: rate limit %s: %w", bucket, err)
	}
	return RateClaim{bucket: bucket, key: key, interval: i}, true, nil
}

// GiveBackRate returns a unit taken by TakeRate. The zero claim gives back nothing.
func (db *DB) GiveBackRate(ctx context.Context, c RateClaim) error {
	if c.interval == 0 {
		return nil
	}
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE rate_limits SET tat = tat - `+db.bigint(3)+` WHERE bucket = $1 AND key = $2`, c.bucket, c.key, c.interval)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: give back rate %s: %w", c.bucket, err)
	}
	return nil
}

// deleteIdleRates removes buckets whose next arrival time has passed: they are full again, as a missing row is.
func deleteIdleRates(ctx context.Context, tx *sql.Tx, now int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM rate_limits WHERE tat < $1`, now)
	return err
}

// bigint is the n-th parameter typed as a 64-bit integer where PostgreSQL needs to be told (it cannot infer the
// type of a parameter in a sum).
func (db *DB) bigint(n int) string {
	if db.d.name() == "postgres" {
		return fmt.Sprintf("$%d::bigint", n)
	}
	return fmt.Sprintf("$%d", n)
}
