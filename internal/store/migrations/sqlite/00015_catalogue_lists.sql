-- +goose Up
-- The public catalogue's lists and counts, kept as the items change (store/itemlists.go), so that every page of
-- every list is one ordered range of an index and every count a sum of a few rows, however many items there are.
-- item_list holds, for each published item, one row per list it is on: its agency's and the whole portal's ("*"),
-- each unfiltered and by each of its 主题分类 (and those above it), its 体裁 and its Art 20 item.
CREATE TABLE item_list (
    key          TEXT    NOT NULL,
    published_on TEXT    NOT NULL,
    item_id      INTEGER NOT NULL,
    PRIMARY KEY (key, published_on, item_id)
) WITHOUT ROWID;
-- item_counts counts the listed items by agency, category, genre, year of publication and Art 20 item.
CREATE TABLE item_counts (
    agency_id INTEGER NOT NULL,
    category  TEXT    NOT NULL,
    genre     TEXT    NOT NULL,
    year      INTEGER NOT NULL,
    art20     INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (agency_id, category, genre, year, art20)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE item_counts;
DROP TABLE item_list;
