-- +goose Up
-- Failed sign-ins are counted by one UPDATE that also forgets failures older than the policy's window
-- (last_failed_at) and locks the account; the last accepted TOTP time step refuses a code used twice; the session
-- epoch ends every other session of an account when its password changes (a session remembers the epoch it was
-- made in).
ALTER TABLE users ADD COLUMN last_failed_at INTEGER;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- Failed sign-ins per client address and fixed window, across accounts, so that the limit holds across processes.
CREATE TABLE signin_address_failures (
    address      TEXT    NOT NULL,
    window_start INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    PRIMARY KEY (address, window_start)
);

-- The lockout of user names that are not accounts (or disabled ones), counted like an account's, so that the
-- answer to a guess does not tell whether the name exists.
CREATE TABLE signin_unknown (
    username       TEXT    PRIMARY KEY,
    failed_logins  INTEGER NOT NULL DEFAULT 0,
    last_failed_at INTEGER,
    locked_until   INTEGER
);

-- +goose Down
DROP TABLE signin_unknown;
DROP TABLE signin_address_failures;
ALTER TABLE users DROP COLUMN session_epoch;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN last_failed_at;
