package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gongkai/gongkai/internal/disclosure"
)

// SessionStore keeps web sessions in the database, so that several gongkai processes on one PostgreSQL share them.
// Its methods are those of alexedwards/scs's Store and CtxStore interfaces (without importing scs): the web layer
// passes it to the session manager as it is. Sessions are not audited; sign-ins and sign-outs are.
type SessionStore struct{ db *DB }

// Sessions returns the database's session store.
func (db *DB) Sessions() *SessionStore { return &SessionStore{db: db} }

// FindCtx returns a live session's data, and found = false (with no error) for an unknown or expired token, as
// scs expects.
func (s *SessionStore) FindCtx(ctx context.Context, token string) (data []byte, found bool, err error) {
	sess, err := s.Get(ctx, token)
	if disclosure.ErrorCode(err) == disclosure.ENotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return sess.Data, true, nil
}

// Get returns the live session with the token. Errors: ENotFound (unknown or expired).
func (s *SessionStore) Get(ctx context.Context, token string) (*disclosure.Session, error) {
	sess := disclosure.Session{Token: token}
	var expiry int64
	err := s.db.read.QueryRowContext(ctx, `SELECT data, expiry FROM sessions WHERE token = $1 AND expiry > $2`, token, s.db.now().UnixMicro()).Scan(&sess.Data, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, disclosure.Errorf(disclosure.ENotFound, "会话不存在或已过期")
	}
	if err != nil {
		return nil, fmt.Errorf("store: find session: %w", err)
	}
	sess.Expiry = time.UnixMicro(expiry).UTC()
	return &sess, nil
}

// CommitCtx saves a session, replacing one with the same token.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	err := s.db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, data, expiry.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: commit session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session; removing an unknown token is not an error.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	err := s.db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpired removes sessions past their expiry and returns how many; the web layer calls it periodically.
func (s *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	return s.db.DeleteExpiredSessions(ctx)
}

// Find is FindCtx without a context.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (s *SessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

// Delete is DeleteCtx without a context.
func (s *SessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// DeleteExpiredSessions removes sessions past their expiry and returns how many; it also forgets the sign-in
// failures counted per client address and per unknown user name a day ago or earlier.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := db.withHousekeepingTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, db.now().UnixMicro())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		// Sign-in counts a day old no longer count.
		if err := deleteIdleRates(ctx, tx, db.now().UnixMicro()); err != nil {
			return err
		}
		return deleteStaleSignIns(ctx, tx, db.now().Add(-24*time.Hour).UnixMicro())
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return n, nil
}

// Count returns how many live sessions there are: what anonymous visitors must not make grow.
func (s *SessionStore) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE expiry > $1`, s.db.now().UnixMicro()).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count sessions: %w", err)
	}
	return n, nil
}
