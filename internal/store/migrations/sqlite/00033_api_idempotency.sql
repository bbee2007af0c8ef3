-- +goose Up
-- The JSON API's idempotency keys (store.CreateCaseOnce): per account, the key a client sent with a create, a hash
-- of the request it came with and the record the create made. The same key and request again answer with that
-- record; the same key with another request is refused. Written in the create's own transaction.
CREATE TABLE api_idempotency (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    idem_key     TEXT   NOT NULL,
    operation    TEXT   NOT NULL,
    request_hash TEXT   NOT NULL,
    object_id    INTEGER NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

-- +goose Down
DROP TABLE api_idempotency;
