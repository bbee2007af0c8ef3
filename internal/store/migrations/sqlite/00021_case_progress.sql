-- +goose Up
-- What a case waits on (the notice sent, its delivery, the addressee's period) and the Art 35 reasons, as JSON.
ALTER TABLE applications ADD COLUMN progress TEXT NOT NULL DEFAULT '';
-- Art 31 fixes the receipt day and counting starts the next day: the old default that treated a receipt on a
-- non-working day as made on the next working day added a working day the law does not give. Agencies never chose
-- it (it was written with every new agency's settings), so it goes back to the law's rule.
UPDATE agencies SET settings = json_set(settings, '$.receipt_on_non_working_day', 'as_received')
WHERE json_extract(settings, '$.receipt_on_non_working_day') = 'next_working_day'
  AND COALESCE(json_extract(settings, '$.receipt_policy_reason'), '') = '';

-- The report's GROUP BY leaves out referrals not yet registered (state 'referred'): the covering index carries the
-- state, so the count still reads the index alone.
CREATE INDEX applications_report ON applications (agency_id, received_on, kind, closed_on, applicant_type, outcome, state);
DROP INDEX applications_received;

-- +goose Down
CREATE INDEX applications_received ON applications (agency_id, received_on, kind, closed_on, applicant_type, outcome);
DROP INDEX applications_report;
ALTER TABLE applications DROP COLUMN progress;
