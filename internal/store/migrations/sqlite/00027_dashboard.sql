-- +goose Up
-- The dashboard's lists (store/dashboard.go), each counted and its first rows read through an index over the work
-- still open, which is a small part of the data: open applications by agency and state (new, waiting on the
-- applicant, to approve) and by agency and reply deadline (overdue, due soon; closed_on is a column so that the
-- count reads the index alone), items not yet published by agency and the day they were formed (Art 26; also the
-- items list's "late" view), and published items by agency and periodic review date. Each index holds the columns
-- its conditions name, so that SQLite counts from the index alone and, without statistics, prefers it to the
-- agency's whole range of items_agency_published or applications_report (10⁵ items: 16–38 ms → under 1 ms), and
-- the id after the list's date, so that the first rows come in the list's order (date, id) without a sort. The
-- cases to approve have an index whose condition is the list's own: it tests the extension JSON column.
CREATE INDEX applications_open_state ON applications (agency_id, state, received_on, id, closed_on) WHERE closed_on IS NULL;
CREATE INDEX applications_open_due_agency ON applications (agency_id, paused, due, id, closed_on) WHERE closed_on IS NULL;
CREATE INDEX applications_open_approval ON applications (agency_id, closed_on, received_on, id) WHERE closed_on IS NULL AND (state = 'awaiting_approval' OR extension <> '');
CREATE INDEX items_unpublished ON items (agency_id, formed_on, id, state) WHERE state NOT IN ('published', 'withdrawn');
CREATE INDEX items_review_due ON items (agency_id, review_on, id, state) WHERE state = 'published';

-- +goose Down
DROP INDEX items_review_due;
DROP INDEX items_unpublished;
DROP INDEX applications_open_approval;
DROP INDEX applications_open_due_agency;
DROP INDEX applications_open_state;
