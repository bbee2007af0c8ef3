-- +goose Up
-- Applications for disclosure (依申请公开) and correction requests, with their whole case: the clock ledger, the
-- reply draft, a pending extension and the fee notice are JSON columns of the row, so a step rewrites one row
-- and its audit entry shows the case before and after. Dates are TEXT 'YYYY-MM-DD' (they sort and compare as
-- text on both engines); the report's GROUP BY reads received_on, closed_on, applicant_type and outcome.
CREATE TABLE applications (
    id               INTEGER PRIMARY KEY,
    agency_id        INTEGER NOT NULL REFERENCES agencies (id),
    kind             TEXT    NOT NULL,
    number           TEXT    NOT NULL,
    query_code       TEXT    NOT NULL UNIQUE,
    secret_hash      TEXT    NOT NULL,
    channel          TEXT    NOT NULL,
    received_on      TEXT    NOT NULL,
    applicant_type   TEXT    NOT NULL,
    applicant_name   TEXT    NOT NULL,
    id_number        TEXT    NOT NULL,
    applicant        TEXT    NOT NULL,
    request          TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    outcome          TEXT    NOT NULL DEFAULT '',
    basis            TEXT    NOT NULL DEFAULT '',
    closed_on        TEXT,
    due              TEXT,
    paused           INTEGER NOT NULL DEFAULT 0,
    step_due         TEXT,
    assignee_id      INTEGER REFERENCES users (id),
    transferred_from INTEGER REFERENCES applications (id),
    flags            TEXT    NOT NULL DEFAULT '[]',
    clock            TEXT    NOT NULL DEFAULT '[]',
    reply            TEXT    NOT NULL DEFAULT '',
    extension        TEXT    NOT NULL DEFAULT '',
    fee              TEXT    NOT NULL DEFAULT '',
    fix_requested    INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1,
    UNIQUE (agency_id, number)
);
-- Covers the report's GROUP BY (RequestCounts) and the cell lists: an index-only scan of a year's cases.
CREATE INDEX applications_received ON applications (agency_id, received_on, kind, closed_on, applicant_type, outcome);
CREATE INDEX applications_closed ON applications (agency_id, closed_on);
CREATE INDEX applications_open_due ON applications (due) WHERE closed_on IS NULL;
CREATE INDEX applications_applicant ON applications (agency_id, id_number);
CREATE INDEX applications_assignee ON applications (assignee_id);

CREATE TABLE case_events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    at             INTEGER NOT NULL,
    action         TEXT    NOT NULL,
    from_state     TEXT    NOT NULL DEFAULT '',
    to_state       TEXT    NOT NULL,
    actor_id       INTEGER,
    actor_name     TEXT    NOT NULL,
    actor_kind     TEXT    NOT NULL,
    note           TEXT    NOT NULL DEFAULT '',
    data           TEXT    NOT NULL DEFAULT '',
    notice_id      INTEGER,
    public         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX case_events_application ON case_events (application_id, id);

CREATE TABLE notices (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    kind           TEXT    NOT NULL,
    number         TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    body           TEXT    NOT NULL,
    public         INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    docx           BLOB    NOT NULL,
    pdf            BLOB    NOT NULL,
    UNIQUE (agency_id, number)
);
CREATE INDEX notices_application ON notices (application_id);

CREATE TABLE case_files (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    appeal_id      INTEGER,
    kind           TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    content_type   TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    data           BLOB    NOT NULL,
    public         INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);
CREATE INDEX case_files_application ON case_files (application_id);

-- Running numbers per agency, series and year: application numbers and the notices' 文号.
CREATE TABLE number_series (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    series    TEXT    NOT NULL,
    year      INTEGER NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, series, year)
);

-- 行政复议 and 行政诉讼 arising from disclosure work (section 四).
CREATE TABLE appeals (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    application_id INTEGER REFERENCES applications (id),
    kind           TEXT    NOT NULL,
    filed_on       TEXT    NOT NULL,
    body           TEXT    NOT NULL DEFAULT '',
    case_number    TEXT    NOT NULL DEFAULT '',
    result         TEXT    NOT NULL,
    decided_on     TEXT,
    note           TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX appeals_agency_filed ON appeals (agency_id, filed_on);
CREATE INDEX appeals_application ON appeals (application_id);

-- Changes to the figures of a published annual report, each with its reason (更正).
CREATE TABLE report_corrections (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    year           INTEGER NOT NULL,
    reason         TEXT    NOT NULL,
    application_id INTEGER,
    appeal_id      INTEGER,
    actor_name     TEXT    NOT NULL,
    at             INTEGER NOT NULL
);
CREATE INDEX report_corrections_agency_year ON report_corrections (agency_id, year);

-- An agency's own versions of the notice templates; the defaults live in the program.
CREATE TABLE notice_templates (
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    key        TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL,
    PRIMARY KEY (agency_id, key)
);

-- E-mails written in the transaction of the change they report, sent afterwards with retries.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    failed          INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed = 0;

-- Years of the working-day calendar entered by an administrator (next year's State Council notice); they override
-- the years built into the program.
CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY,
    data       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT    NOT NULL
);

-- Jobs that run at most once per period across all processes (the daily reminder).
CREATE TABLE job_runs (
    job    TEXT    NOT NULL,
    period TEXT    NOT NULL,
    at     INTEGER NOT NULL,
    PRIMARY KEY (job, period)
);

ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE annual_reports ADD COLUMN status TEXT NOT NULL DEFAULT 'published';

-- +goose Down
ALTER TABLE annual_reports DROP COLUMN status;
ALTER TABLE users DROP COLUMN email;
DROP TABLE job_runs;
DROP TABLE calendar_years;
DROP TABLE outbox;
DROP TABLE notice_templates;
DROP TABLE report_corrections;
DROP TABLE appeals;
DROP TABLE number_series;
DROP TABLE case_files;
DROP TABLE notices;
DROP TABLE case_events;
DROP TABLE applications;
