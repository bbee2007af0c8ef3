-- +goose Up
ALTER TABLE agencies ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE agencies DROP COLUMN settings;
