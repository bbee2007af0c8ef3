-- +goose Up
-- PostgreSQL indexes the titles' lexemes for search here (see its 00016); FTS5 already holds titles as a column of
-- their own, so SQLite has nothing to do. The file keeps both engines' schema versions the same.
SELECT 1;

-- +goose Down
SELECT 1;
