-- +goose Up
-- Each e-mail carries its Message-ID from the moment it is queued (its left part; the sender adds the domain), so
-- that a resend after a lost claim is recognisable by the recipient's mail client; older rows get one derived from
-- their id. claim_token names the sender holding an e-mail's lease: only that sender may extend it.
ALTER TABLE outbox ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claim_token TEXT NOT NULL DEFAULT '';
UPDATE outbox SET message_id = 'outbox-' || id;

-- +goose Down
ALTER TABLE outbox DROP COLUMN claim_token;
ALTER TABLE outbox DROP COLUMN message_id;
