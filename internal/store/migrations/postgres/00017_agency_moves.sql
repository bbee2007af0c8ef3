-- +goose Up
-- When an agency was last moved under another parent. Search entries written by earlier versions name the agencies
-- above an item's own; while any agency has moved, an agency's search also checks each match's
-- agency (items.go, SearchItems), so nothing needs re-indexing.
ALTER TABLE agencies ADD COLUMN moved_at BIGINT;

-- +goose Down
ALTER TABLE agencies DROP COLUMN moved_at;
