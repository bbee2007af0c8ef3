-- +goose Up
CREATE TABLE annual_reports (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    year       INTEGER NOT NULL,
    era        TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (agency_id, year)
);

-- +goose Down
DROP TABLE annual_reports;
