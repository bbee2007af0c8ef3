-- +goose Up
-- The public forms' rate limits, shared by every process on the database (store.TakeRate): per bucket (a form's
-- limit) and key (a client address or /64, an e-mail address), the theoretical arrival time of the next request of
-- a token bucket (GCRA), in microseconds.
CREATE TABLE rate_limits (
    bucket TEXT   NOT NULL,
    key    TEXT   NOT NULL,
    tat    BIGINT NOT NULL,
    PRIMARY KEY (bucket, key)
);

-- +goose Down
DROP TABLE rate_limits;
