-- +goose Up
CREATE TABLE agencies (
    id            INTEGER PRIMARY KEY,
    parent_id     INTEGER REFERENCES agencies (id),
    kind          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    short_name    TEXT    NOT NULL DEFAULT '',
    uscc          TEXT,
    division_code TEXT    NOT NULL DEFAULT '',
    contacts      TEXT    NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX agencies_uscc ON agencies (uscc) WHERE uscc IS NOT NULL;
CREATE UNIQUE INDEX agencies_parent_name ON agencies (COALESCE(parent_id, 0), name);

CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT    NOT NULL,
    role        TEXT    NOT NULL,
    remote_addr TEXT    NOT NULL DEFAULT '',
    action      TEXT    NOT NULL,
    object_type TEXT    NOT NULL,
    object_id   TEXT    NOT NULL,
    before      TEXT    NOT NULL DEFAULT '',
    after       TEXT    NOT NULL DEFAULT '',
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE agencies;
