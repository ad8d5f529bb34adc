-- Migration 2 (issue 19, findings 3 and 4): a user has an id that no deletion reuses (a new user of the same name is
-- another user) and a security stamp, changed on sign-out, password, role and disable, that every session cookie must
-- carry. A key belongs to its owner's id: keys are bound to their owner by name once, here, so a later user of a
-- deleted owner's name never inherits its keys.
ALTER TABLE Users ADD COLUMN user_id TEXT NULL;
ALTER TABLE Users ADD COLUMN security_stamp TEXT NULL;
UPDATE Users SET user_id = lower(hex(randomblob(16))) WHERE user_id IS NULL;
UPDATE Users SET security_stamp = lower(hex(randomblob(16))) WHERE security_stamp IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS IX_Users_user_id ON Users (user_id);
ALTER TABLE ApiKeys ADD COLUMN owner_id TEXT NULL;
UPDATE ApiKeys SET owner_id = (SELECT u.user_id FROM Users u WHERE u.name = ApiKeys.owner);
CREATE INDEX IF NOT EXISTS IX_ApiKeys_owner_id ON ApiKeys (owner_id);
