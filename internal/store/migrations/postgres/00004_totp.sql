-- +goose Up
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN totp_secret;
