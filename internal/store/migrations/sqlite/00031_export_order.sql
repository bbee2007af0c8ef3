-- +goose Up
-- The open-data export (store.ExportItems) reads the public items in the order of their last change, in batches
-- after a (updated_at, id) key, and harvesters ask for the changes since a moment: one index serves both.
CREATE INDEX items_export ON items (updated_at, id) WHERE state IN ('published', 'withdrawn');

-- +goose Down
DROP INDEX items_export;
