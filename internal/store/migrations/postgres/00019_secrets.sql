-- +goose Up
-- Random keys of the deployment that every gongkai process on this database must share, created on first use:
-- e.g. the key that signs the public forms' tokens, so a form shown by one process is accepted by another. Keys
-- that must survive someone with database access (the audit trail's) do not belong here.
CREATE TABLE secrets (
    name       TEXT NOT NULL PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE secrets;
