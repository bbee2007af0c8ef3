-- +goose Up
-- Audit entries written but not yet in the hash chain (store.appendAudit, issue 14 item 2): each writer inserts its
-- entry here in its own transaction, with its own MAC and no link, and the sequencer (store.SequenceAudit) moves
-- them into audit_log in order, chained, within about a second. Rows are only ever inserted, and deleted by the
-- sequencer in the transaction that chains them.
CREATE TABLE audit_pending (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nonce       TEXT    NOT NULL UNIQUE,
    at          BIGINT  NOT NULL,
    actor_id    BIGINT,
    actor_name  TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    remote_addr TEXT    NOT NULL DEFAULT '',
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   TEXT    NOT NULL,
    before      TEXT    NOT NULL DEFAULT '',
    after       TEXT    NOT NULL DEFAULT '',
    alg         TEXT    NOT NULL,
    mac         TEXT    NOT NULL
);

-- +goose Down
DROP TABLE audit_pending;
