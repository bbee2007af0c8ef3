-- +goose Up
-- Search on PostgreSQL reads its candidates from item_search (docs/decisions/0015): one narrow row per published
-- item whose terms are the lexemes of items.tsv prefixed with the item's shard (its ID >> bits, "12|疫苗"), and the
-- title's lexemes (weight A) once more with a title mark ("12t|疫苗"). A GIN index over terms then holds one short
-- posting list per shard and lexeme, so the newest matches of a common word are found in the newest shard without
-- decoding the word's postings of the whole catalogue, and a rare word costs one short lookup per shard.
-- The terms keep the entry's positions, so a phrase or an excluded word is checked on them; items.tsv stays the
-- item's full entry (weights too) for everything else.

-- The shard size, 2^bits IDs. Fixed for a database: changing it means rewriting every row of item_search (tests set
-- it on an empty database).
CREATE TABLE item_search_shard (
    one  BOOLEAN  PRIMARY KEY DEFAULT TRUE CHECK (one),
    bits SMALLINT NOT NULL CHECK (bits BETWEEN 0 AND 30)
);
INSERT INTO item_search_shard (bits) VALUES (13);

-- An item's terms: each lexeme of its entry with the entry's positions (weights dropped), under the shard prefix,
-- and the title's lexemes (weight A) once more with their positions in the title. The positions let a phrase or an
-- excluded word be checked on the terms themselves, without the item's row. Built as the tsvector's text input: no
-- function renames a lexeme and keeps its positions.
-- +goose StatementBegin
CREATE FUNCTION item_search_terms(item_id BIGINT, doc tsvector, bits INT) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg('''' || replace(replace(pre || lexeme, '\', '\\'), '''', '''''') || '''' ||
                             coalesce(':' || array_to_string(positions, ','), ''), ' '), '')::tsvector
  FROM (SELECT (item_id >> bits)::text || '|' AS pre, lexeme, positions FROM unnest(doc)
        UNION ALL
        SELECT (item_id >> bits)::text || 't|', lexeme, positions FROM unnest(ts_filter(doc, '{a}'))) AS t
$$;
-- +goose StatementEnd

-- The row keeps the ID and a pointer to its terms (toast_tuple_target: every row above 128 bytes has its terms
-- compressed and moved out of line), so the IDs of a shard's candidates lie on a few dozen pages; the terms are read
-- only to check a phrase, decompressed with lz4 where the server has it (pglz otherwise).
CREATE TABLE item_search (
    id    BIGINT   PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    terms tsvector NOT NULL
) WITH (toast_tuple_target = 128);
-- +goose StatementBegin
DO $$
BEGIN
  ALTER TABLE item_search ALTER COLUMN terms SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'item_search: lz4 is not available, the terms are compressed with pglz';
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.tsv IS NULL THEN
    DELETE FROM item_search WHERE id = NEW.id;
  ELSE
    INSERT INTO item_search (id, terms)
    VALUES (NEW.id, item_search_terms(NEW.id, NEW.tsv, (SELECT bits FROM item_search_shard)))
    ON CONFLICT (id) DO UPDATE SET terms = EXCLUDED.terms;
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
INSERT INTO item_search (id, terms)
SELECT id, item_search_terms(id, tsv, (SELECT bits FROM item_search_shard)) FROM items WHERE tsv IS NOT NULL ORDER BY id;
-- A pending list of at most 64 kB (the least there is; 4 MB by default): every probe of the index scans it first, and
-- a search probes once per shard, but without one each item written inserts its 200 or so entries one by one
-- (32 items a second in a bulk import on the loaded benchmark machine, against 200–300 with the list).
CREATE INDEX item_search_terms ON item_search USING gin (terms) WITH (fastupdate = on, gin_pending_list_limit = 64);
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
DROP FUNCTION item_search_terms(BIGINT, tsvector, INT);
DROP TABLE item_search_shard;
