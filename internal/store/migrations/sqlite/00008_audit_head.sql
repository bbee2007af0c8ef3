-- +goose Up
-- The chain's newest sequence number and hash, written in the same transaction as every audit row. Appenders lock
-- this one row (on PostgreSQL, SELECT … FOR UPDATE), so several processes cannot fork the chain; and VerifyAudit
-- compares it with the last row, so rows cut from the end of the trail are detected too.
CREATE TABLE audit_head (
    id   INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1,
    COALESCE((SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1), 0),
    COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000'));
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX audit_log_action ON audit_log (action);

-- +goose Down
DROP INDEX audit_log_action;
DROP INDEX audit_log_actor;
DROP INDEX audit_log_at;
DROP TABLE audit_head;
