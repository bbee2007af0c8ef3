-- +goose Up
-- Title matches on PostgreSQL are matches of ts_filter(tsv, '{a}') (the title's lexemes): with its own GIN index
-- they need no re-reading of each candidate's tsvector, as a weight-labelled query does (search_postgres.go).
CREATE INDEX items_title_tsv ON items USING gin (ts_filter(tsv, '{a}'));

-- +goose Down
DROP INDEX items_title_tsv;
