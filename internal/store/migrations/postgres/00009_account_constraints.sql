-- +goose Up
-- User names are unique in any letter case (the program lower-cases them; the index holds whatever writes them).
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
-- 三员分立: an account holds at most one of the three system roles. The store checks this inside the transaction
-- that grants a role; this index makes the database refuse it too, whatever process or race writes the grant.
CREATE UNIQUE INDEX role_grants_one_system_role ON role_grants (user_id) WHERE role IN ('sysadmin', 'secadmin', 'auditor');
CREATE INDEX role_grants_agency ON role_grants (agency_id);
-- When an API token was last used, written at most once a minute per token.
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- +goose Down
DROP INDEX api_tokens_user;
ALTER TABLE api_tokens DROP COLUMN last_used_at;
DROP INDEX role_grants_agency;
DROP INDEX role_grants_one_system_role;
DROP INDEX users_username_lower;
