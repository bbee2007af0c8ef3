-- +goose Up
-- Webhooks (store/webhooks.go): subscribers registered by an administrator, the events written in the transaction
-- of the change they report (a transactional outbox), one delivery per event and subscriber, claimed with a lease
-- and retried with back-off, and every attempt kept for the console's delivery log. kinds is a list of event kinds
-- between commas (",case.registered,item.published,"); agency_id, when set, limits the subscriber to the events of
-- that agency and the units under it. An event's uid is its idempotency id (Webhook-Id), the same on every
-- attempt, with a random part so that it stays unique when ids start again. Times are Unix microseconds.
CREATE TABLE webhook_subscriptions (
    id          INTEGER PRIMARY KEY,
    url         TEXT    NOT NULL,
    kinds       TEXT    NOT NULL,
    agency_id   INTEGER REFERENCES agencies (id),
    secret      TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    disabled    INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    created_by  TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE webhook_events (
    id          INTEGER PRIMARY KEY,
    uid         TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    agency_id   INTEGER,
    occurred_at BIGINT  NOT NULL,
    payload     TEXT    NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES webhook_events (id),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    claim_token     TEXT    NOT NULL DEFAULT '',
    delivered_at    BIGINT,
    failed          INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed = 0;

CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at          BIGINT  NOT NULL,
    status      INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    error       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_subscriptions;
