-- +goose Up
-- The open-data export (store.ExportItems) reads the public items in the order of their last change, in batches
-- after an (updated_at, id) key, and harvesters ask for the changes since a moment: one index serves both. It holds
-- every item (the export filters the few that are not public as it reads): with a partial index SQLite's planner
-- preferred the index of states and sorted all items for every batch.
CREATE INDEX items_export ON items (updated_at, id);

-- +goose Down
DROP INDEX items_export;
