-- +goose Up
-- The annual report's workflow (draft → in_review → published; corrections of a published report), on top of
-- annual_reports, whose data stays the current version: the published one once published, which the portal shows.
ALTER TABLE annual_reports ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- Tables (and the fee item) the officer entered by hand, which refreshing the computed figures leaves alone: JSON.
ALTER TABLE annual_reports ADD COLUMN entered TEXT NOT NULL DEFAULT '[]';
ALTER TABLE annual_reports ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
-- The account that submitted the version under review: it may not approve it.
ALTER TABLE annual_reports ADD COLUMN submitted_by INTEGER;
ALTER TABLE annual_reports ADD COLUMN published_at INTEGER;

-- Every saved version, kept: a published version stays readable after a correction replaces it.
CREATE TABLE annual_report_versions (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES annual_reports (id),
    version    INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    data       TEXT    NOT NULL,
    entered    TEXT    NOT NULL DEFAULT '[]',
    correction INTEGER NOT NULL DEFAULT 0,
    reason     TEXT    NOT NULL DEFAULT '',
    actor_id   INTEGER,
    actor_name TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    UNIQUE (report_id, version)
);

-- Reviewers' comments on a version.
CREATE TABLE annual_report_comments (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES annual_reports (id),
    version     INTEGER NOT NULL,
    author_id   INTEGER,
    author_name TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX annual_report_comments_report ON annual_report_comments (report_id, id);

-- Reports already stored (imported) become their own first version.
INSERT INTO annual_report_versions (report_id, version, status, data, actor_name, at)
    SELECT id, 1, status, data, '导入', created_at FROM annual_reports;
UPDATE annual_reports SET updated_at = created_at, published_at = CASE WHEN status = 'published' THEN created_at END;

-- +goose Down
DROP TABLE annual_report_comments;
DROP TABLE annual_report_versions;
ALTER TABLE annual_reports DROP COLUMN published_at;
ALTER TABLE annual_reports DROP COLUMN submitted_by;
ALTER TABLE annual_reports DROP COLUMN updated_at;
ALTER TABLE annual_reports DROP COLUMN entered;
ALTER TABLE annual_reports DROP COLUMN version;
