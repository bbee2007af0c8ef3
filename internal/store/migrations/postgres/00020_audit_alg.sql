-- +goose Up
-- Every audit entry names the algorithm of its hash. The entries written so far keep plain SHA-256 and verify as
-- before; gongkai run with an audit key (a file outside the database) writes HMAC entries from then on, so the
-- chain shows from which entry it is keyed and an old database moves to keyed hashes without rewriting history.
-- The head remembers the newest entry's algorithm, so that a writer without the key cannot extend a keyed chain.
ALTER TABLE audit_log ADD COLUMN alg TEXT NOT NULL DEFAULT 'sha256';
ALTER TABLE audit_head ADD COLUMN alg TEXT NOT NULL DEFAULT 'sha256';

-- +goose Down
ALTER TABLE audit_head DROP COLUMN alg;
ALTER TABLE audit_log DROP COLUMN alg;
