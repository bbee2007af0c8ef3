-- +goose Up
-- PostgreSQL's search reads its candidates from a table of shard-prefixed terms (see its 00030); FTS5 already walks
-- its matches newest first, so SQLite has nothing to do. The file keeps both engines' schema versions the same.
SELECT 1;

-- +goose Down
SELECT 1;
