-- +goose Up
-- SQLite's counter of committed writes for store.Watch. PostgreSQL announces writes with NOTIFY (no hot row), so
-- the table exists only to keep both schemas at the same version.
CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);

-- +goose Down
DROP TABLE change_counter;
