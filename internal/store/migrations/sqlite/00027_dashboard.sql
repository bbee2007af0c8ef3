-- +goose Up
-- The dashboard's (and the items list's "late" view's) Art 26 list: items not yet published, by the day they were
-- formed. They are a small part of a catalogue of published items, so the list reads only them, not every item of
-- its agencies.
CREATE INDEX items_unpublished ON items (formed_on, agency_id) WHERE state NOT IN ('published', 'withdrawn');

-- +goose Down
DROP INDEX items_unpublished;
