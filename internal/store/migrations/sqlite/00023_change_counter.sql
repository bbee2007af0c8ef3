-- +goose Up
-- A counter of committed writes that change what the portal shows (not sessions, the outbox, hit counts): other
-- processes on the same SQLite file poll it to drop their cached pages (store.Watch). PostgreSQL is told by
-- NOTIFY instead and keeps the table empty.
CREATE TABLE change_counter (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT INTO change_counter (id, n) VALUES (1, 0);

-- +goose Down
DROP TABLE change_counter;
