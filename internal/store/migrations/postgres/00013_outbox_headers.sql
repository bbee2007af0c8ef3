-- +goose Up
-- Extra header fields of an e-mail as a JSON object ('' for none): List-Unsubscribe and List-Unsubscribe-Post on
-- the e-mails of a subscription, so that mail clients offer one-click unsubscription (RFC 8058).
ALTER TABLE outbox ADD COLUMN headers TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN headers;
