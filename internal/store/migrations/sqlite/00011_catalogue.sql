-- +goose Up
-- The disclosure catalogue (主动公开). An item's row holds its published (or, before publication, working)
-- content; a correction being prepared is the JSON column revision, so the public sees the published version until
-- the correction is published. Dates are TEXT 'YYYY-MM-DD', moments BIGINT microseconds.
CREATE TABLE items (
    id               INTEGER PRIMARY KEY,
    agency_id        INTEGER NOT NULL REFERENCES agencies (id),
    index_number     TEXT,
    serial           INTEGER NOT NULL DEFAULT 0,
    title            TEXT    NOT NULL,
    summary          TEXT    NOT NULL DEFAULT '',
    doc_number       TEXT    NOT NULL DEFAULT '',
    doc_number_norm  TEXT    NOT NULL DEFAULT '',
    written_on       TEXT,
    formed_on        TEXT,
    published_on     TEXT,
    publish_at       INTEGER,
    publisher        TEXT    NOT NULL DEFAULT '',
    category         TEXT    NOT NULL DEFAULT '',
    genre            TEXT    NOT NULL,
    art20            INTEGER NOT NULL DEFAULT 0,
    keywords         TEXT    NOT NULL DEFAULT '[]',
    body             TEXT    NOT NULL DEFAULT '',
    body_text        TEXT    NOT NULL DEFAULT '',
    validity         TEXT    NOT NULL DEFAULT '',
    effective_on     TEXT,
    ended_on         TEXT,
    review_on        TEXT,
    state            TEXT    NOT NULL,
    withdrawn_reason TEXT    NOT NULL DEFAULT '',
    source_case_id   INTEGER REFERENCES applications (id),
    review           TEXT    NOT NULL DEFAULT '',
    revision         TEXT    NOT NULL DEFAULT '',
    hits             INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX items_index_number ON items (index_number) WHERE index_number IS NOT NULL;
-- The catalogue lists an agency's public items newest first, by category, by genre or by year.
CREATE INDEX items_agency_published ON items (agency_id, state, published_on, id);
CREATE INDEX items_published ON items (state, published_on, id);
CREATE INDEX items_category ON items (category, state, published_on);
CREATE INDEX items_genre ON items (agency_id, genre, state, published_on);
CREATE INDEX items_hits ON items (agency_id, hits) WHERE state = 'published';
CREATE INDEX items_review ON items (review_on) WHERE state = 'published';
CREATE INDEX items_doc_number ON items (doc_number_norm) WHERE doc_number_norm <> '';
CREATE INDEX items_scheduled ON items (publish_at) WHERE state = 'scheduled';
CREATE INDEX items_source_case ON items (source_case_id) WHERE source_case_id IS NOT NULL;

-- Full-text search of published items: tokens made in Go (internal/search) with the item's agency (and those above
-- it), category, genre and year as tokens too, so that filtered searches need no join; contentless, rowid =
-- items.id; a prefix index so that one-character queries (药, a prefix of its bigrams) are one lookup.
CREATE VIRTUAL TABLE items_fts USING fts5(title, body, content='', contentless_delete=1, prefix='1', tokenize='unicode61 remove_diacritics 0');

CREATE TABLE item_events (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items (id),
    at         INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    from_state TEXT    NOT NULL DEFAULT '',
    to_state   TEXT    NOT NULL,
    actor_id   INTEGER,
    actor_name TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX item_events_item ON item_events (item_id, id);

-- Published versions replaced by corrections.
CREATE TABLE item_versions (
    item_id    INTEGER NOT NULL REFERENCES items (id),
    version    INTEGER NOT NULL,
    data       TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    actor_name TEXT    NOT NULL,
    PRIMARY KEY (item_id, version)
);

-- Attachments with their extracted text. state: draft (added during a draft or correction, not yet public),
-- published, removing (public until the correction that removes it is published).
CREATE TABLE item_attachments (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES items (id),
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    text         TEXT    NOT NULL DEFAULT '',
    data         BLOB    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'draft',
    created_at   INTEGER NOT NULL
);
CREATE INDEX item_attachments_item ON item_attachments (item_id);

-- Where else each item went (微信公众号, 微博, 政府公报 …), for the report.
CREATE TABLE item_channels (
    item_id INTEGER NOT NULL REFERENCES items (id),
    channel TEXT    NOT NULL,
    on_date TEXT    NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (item_id, channel, on_date)
);

-- The 主题分类 tree (configurable; gongkai seeds a general classification and the health sector's).
CREATE TABLE categories (
    code   TEXT    NOT NULL PRIMARY KEY,
    name   TEXT    NOT NULL,
    parent TEXT    NOT NULL DEFAULT '',
    ord    INTEGER NOT NULL DEFAULT 0
);

-- E-mail subscriptions of the public, by agency, category or keyword, with double opt-in.
CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY,
    email           TEXT    NOT NULL,
    agency_id       INTEGER REFERENCES agencies (id),
    category        TEXT    NOT NULL DEFAULT '',
    keyword         TEXT    NOT NULL DEFAULT '',
    token           TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    confirmed_at    INTEGER,
    unsubscribed_at INTEGER,
    last_item_id    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX subscriptions_email ON subscriptions (email);

-- +goose Down
DROP TABLE subscriptions;
DROP TABLE categories;
DROP TABLE item_channels;
DROP TABLE item_attachments;
DROP TABLE item_versions;
DROP TABLE item_events;
DROP TABLE items_fts;
DROP TABLE items;
