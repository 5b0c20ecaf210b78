-- Every change to an account (disabled, enabled, role, office, scope, reveal permission,
-- password) moves its token epoch on: access tokens carry the epoch they were issued at, and
-- one of an older epoch is refused.
ALTER TABLE users ADD COLUMN token_epoch BIGINT NOT NULL DEFAULT 0;
