-- +goose Up
-- The dashboard's lists (store/dashboard.go), each counted and its first rows read through an index over the work
-- still open, which is a small part of the data: open applications by agency and state (new, waiting on the
-- applicant, to approve) and by agency and reply deadline (overdue, due soon; closed_on is a column so that the
-- count reads the index alone), and items not yet published by the day they were formed (Art 26; also the items
-- list's "late" view).
CREATE INDEX applications_open_state ON applications (agency_id, state, received_on, closed_on) WHERE closed_on IS NULL;
CREATE INDEX applications_open_due_agency ON applications (agency_id, paused, due, closed_on) WHERE closed_on IS NULL;
CREATE INDEX items_unpublished ON items (formed_on, agency_id) WHERE state NOT IN ('published', 'withdrawn');

-- +goose Down
DROP INDEX items_unpublished;
DROP INDEX applications_open_due_agency;
DROP INDEX applications_open_state;
