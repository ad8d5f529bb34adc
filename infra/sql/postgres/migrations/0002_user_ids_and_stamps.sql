-- Migration 2 (issue 19, findings 3 and 4): a user has an id that no deletion reuses (a new user of the same name is
-- another user) and a security stamp, changed on sign-out, password, role and disable, that every session cookie must
-- carry. A key belongs to its owner's id: keys are bound to their owner by name once, here, so a later user of a
-- deleted owner's name never inherits its keys.
ALTER TABLE Users ADD COLUMN user_id text NULL;
ALTER TABLE Users ADD COLUMN security_stamp text NULL;
UPDATE Users SET user_id = md5(random()::text || clock_timestamp()::text || name) WHERE user_id IS NULL;
UPDATE Users SET security_stamp = md5(random()::text || clock_timestamp()::text || name) WHERE security_stamp IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS IX_Users_user_id ON Users (user_id);
ALTER TABLE ApiKeys ADD COLUMN owner_id text NULL;
UPDATE ApiKeys SET owner_id = (SELECT u.user_id FROM Users u WHERE u.name = ApiKeys.owner);
CREATE INDEX IF NOT EXISTS IX_ApiKeys_owner_id ON ApiKeys (owner_id);
