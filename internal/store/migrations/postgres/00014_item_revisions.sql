-- +goose Up
-- Corrections being prepared live in the JSON column revision. The console's review, approval and publication
-- queues find them through this small partial index instead of reading every published item.
CREATE INDEX items_open_revision ON items (agency_id, id) WHERE revision <> '';

-- +goose Down
DROP INDEX items_open_revision;
