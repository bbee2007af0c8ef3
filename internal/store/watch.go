package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// changesChannel is the PostgreSQL notification channel on which every committed write of every gongkai process
// is announced (tryTx), so that the others drop the pages they cached.
const changesChannel = "gongkai_changes"

// announcer sends a NOTIFY on changesChannel after a write has committed, from a goroutine of its own: a NOTIFY
// inside the write's transaction would make its commit wait for PostgreSQL's single notification-queue lock, which
// every notifying transaction holds through its commit (WAL flush included) — every write of every agency would
// queue there (issue 14, item 2; measured by bench/submissions.sh). Announcements made while one is being sent are
// folded into one more after it, so a burst of writes sends a few notifications, never fewer than one after the
// last write; Close sends the one still owed (a CLI command's write) before it closes the pool. A process that dies
// between a commit and its NOTIFY leaves the others' caches to their own expiry.
type announcer struct {
	once    sync.Once
	kick    chan struct{}
	done    chan struct{}
	exited  chan struct{}
	mu      sync.Mutex
	stopped bool
}

// announce asks for one NOTIFY after now; it never waits.
func (db *DB) announce() {
	a := &db.announcer
	a.once.Do(func() {
		a.kick, a.done, a.exited = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		go db.announceLoop()
	})
	select {
	case a.kick <- struct{}{}:
	default: // one is pending already and will cover this write
	}
}

func (db *DB) announceLoop() {
	a := &db.announcer
	defer close(a.exited)
	for {
		select {
		case <-a.done:
			select {
			case <-a.kick:
				db.notifyChanges()
			default:
			}
			return
		case <-a.kick:
			db.notifyChanges()
		}
	}
}

func (db *DB) notifyChanges() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db.write.ExecContext(ctx, `SELECT pg_notify('`+changesChannel+`', '')`)
}

// stop sends the NOTIFY still owed, if any, and ends the announcer's goroutine, if it was started.
func (a *announcer) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.once.Do(func() {}) // no goroutine may start after Close
	if a.done != nil && !a.stopped {
		close(a.done)
		a.stopped = true
		<-a.exited
	}
}

// watchPoll is how often Watch looks for other processes' writes where it is not told: SQLite's change counter,
// and PostgreSQL while its listening connection is down.
const watchPoll = 500 * time.Millisecond

// Watch makes Version change when another process (another `gongkai serve`, the CLI) commits a write, so that
// every process's caches of rendered pages, the calendar and the lists show a change within about a second. On
// PostgreSQL every write transaction is followed by a notification (announcer) and Watch listens on a connection of
// its own; while that connection is down it bumps the version every half second instead (caches then live half a
// second, never longer). On SQLite every such transaction advances a counter row, which Watch polls every half second.
// Housekeeping writes (sessions, the outbox, hit counts) announce nothing. It runs until ctx ends.
func (db *DB) Watch(ctx context.Context) {
	if db.d.name() == "postgres" {
		db.watchPostgres(ctx)
		return
	}
	db.watchSQLite(ctx)
}

func (db *DB) watchSQLite(ctx context.Context) {
	var last int64 = -1
	t := time.NewTicker(watchPoll)
	defer t.Stop()
	for {
		var n int64
		if err := db.read.QueryRowContext(ctx, `SELECT n FROM change_counter WHERE id = 1`).Scan(&n); err != nil {
			if ctx.Err() != nil {
				return
			}
			db.version.Add(1) // cannot tell: assume a change
		} else if n != last {
			if last >= 0 {
				db.version.Add(1)
			}
			last = n
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (db *DB) watchPostgres(ctx context.Context) {
	for ctx.Err() == nil {
		err := db.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		_ = err // the connection broke: poll until it is back
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			db.version.Add(1)
			select {
			case <-ctx.Done():
				return
			case <-time.After(watchPoll):
			}
		}
	}
}

// listen holds one connection listening on changesChannel and bumps the version on every notification; it returns
// when the connection fails or ctx ends.
func (db *DB) listen(ctx context.Context) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var failed error
	conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			failed = fmt.Errorf("store: watch: not a pgx connection")
			return driver.ErrBadConn
		}
		pc := c.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+changesChannel); err != nil {
			failed = err
			return driver.ErrBadConn
		}
		// Writes made before LISTEN took effect are not announced to this connection: count one change.
		db.version.Add(1)
		for {
			if _, err := pc.WaitForNotification(ctx); err != nil {
				failed = err
				// The connection still listens (or broke): it never goes back to the pool.
				return driver.ErrBadConn
			}
			db.version.Add(1)
		}
	})
	return failed
}
