-- +goose Up
-- Search on PostgreSQL reads its candidates from item_search (docs/decisions/0015): one narrow row per published
-- item — its ID and a copy of items.tsv, kept out of line — under a GIN index whose keys are the entry's lexemes
-- prefixed with the item's shard (its ID >> bits, "12|疫苗") and the title's lexemes (weight A) once more with a
-- title mark ("12t|疫苗"). The index then holds one short posting list per shard and lexeme, so the newest matches
-- of a common word are found in the newest shard without decoding the word's postings of the whole catalogue, and a
-- rare word costs one short lookup per shard. A phrase or an excluded word is checked on the copy of the entry,
-- which keeps its positions, without reading the item's row in items.

-- The shard size, 2^bits IDs. The index's expression names it too: changing it means building the index again
-- (tests do, on an empty database).
CREATE TABLE item_search_shard (
    one  BOOLEAN  PRIMARY KEY DEFAULT TRUE CHECK (one),
    bits SMALLINT NOT NULL CHECK (bits BETWEEN 0 AND 30)
);
INSERT INTO item_search_shard (bits) VALUES (13);

-- The index keys of an entry: its lexemes under the shard prefix and the title's under the title mark, without
-- positions (the index is then exact for a query of lexemes: no candidate is re-read to confirm it). PL/pgSQL, so
-- that the planner never inlines it and a query's call matches the index's expression as written.
-- +goose StatementBegin
CREATE FUNCTION item_search_keys(item_id BIGINT, doc tsvector, bits INT) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  RETURN array_to_tsvector(
    array(SELECT (item_id >> bits)::text || '|' || x FROM unnest(tsvector_to_array(doc)) AS x) ||
    array(SELECT (item_id >> bits)::text || 't|' || x FROM unnest(tsvector_to_array(ts_filter(doc, '{a}'))) AS x));
END
$$;
-- +goose StatementEnd

-- toast_tuple_target: every entry above 128 bytes is compressed and moved out of line, so a row is the ID and a
-- pointer and the IDs of a shard's candidates lie on a few pages; an entry is read only to check a phrase.
CREATE TABLE item_search (
    id  BIGINT   PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    doc tsvector NOT NULL
) WITH (toast_tuple_target = 128);

-- +goose StatementBegin
CREATE FUNCTION item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tsv IS NULL THEN
    DELETE FROM item_search WHERE id = NEW.id;
  ELSE
    INSERT INTO item_search (id, doc) VALUES (NEW.id, NEW.tsv)
    ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc;
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER item_search_insert AFTER INSERT ON items
    FOR EACH ROW WHEN (NEW.tsv IS NOT NULL) EXECUTE FUNCTION item_search_sync();
CREATE TRIGGER item_search_update AFTER UPDATE OF tsv ON items
    FOR EACH ROW WHEN (NEW.tsv IS DISTINCT FROM OLD.tsv) EXECUTE FUNCTION item_search_sync();

-- The triggers come first: their lock on items holds every write to it until this migration commits, so no item
-- published meanwhile is missed by the copy below.
SET LOCAL maintenance_work_mem = '256MB';
INSERT INTO item_search (id, doc) SELECT id, tsv FROM items WHERE tsv IS NOT NULL ORDER BY id;
-- A pending list of at most 64 kB (the least there is; 4 MB by default): every probe of the index scans it first, and
-- a search probes once per shard, but without one each item written inserts its 200 or so entries one by one
-- (32 items a second in a bulk import on the loaded benchmark machine, against 200–300 with the list). The 13 is
-- item_search_shard's bits.
CREATE INDEX item_search_keys ON item_search USING gin (item_search_keys(id, doc, 13)) WITH (fastupdate = on, gin_pending_list_limit = 64);
ANALYZE item_search;

-- The GIN indexes of items.tsv served only the search's candidates; every write to an item's entry kept them too.
DROP INDEX items_title_tsv;
DROP INDEX items_tsv;

-- +goose Down
CREATE INDEX items_tsv ON items USING gin (tsv);
CREATE INDEX items_title_tsv ON items USING gin (ts_filter(tsv, '{a}'));
DROP TRIGGER item_search_update ON items;
DROP TRIGGER item_search_insert ON items;
DROP FUNCTION item_search_sync();
DROP TABLE item_search;
DROP FUNCTION item_search_keys(BIGINT, tsvector, INT);
DROP TABLE item_search_shard;
