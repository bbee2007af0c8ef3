-- +goose Up
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT    NOT NULL UNIQUE,
    display_name         TEXT    NOT NULL,
    password_hash        TEXT    NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         INTEGER,
    disabled             INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    last_login_at        INTEGER
);

CREATE TABLE role_grants (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    role      TEXT NOT NULL,
    agency_id INTEGER REFERENCES agencies (id)
);
CREATE UNIQUE INDEX role_grants_unique ON role_grants (user_id, role, COALESCE(agency_id, 0));

-- +goose Down
DROP TABLE role_grants;
DROP TABLE users;
