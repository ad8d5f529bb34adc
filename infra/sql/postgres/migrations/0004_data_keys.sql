-- Migration 4 (issue 16, docs/ENCRYPTION.md): each encrypted recording's data key, wrapped by a key-encryption key.
-- Deleting the row (crypto-shredding, in one transaction with the tombstone) leaves every copy of the audio, wherever
-- it is, unreadable. The tombstone keeps the proof of erasure: who deleted it, and whether its data key was destroyed.
ALTER TABLE Tombstones ADD COLUMN actor text NULL;
ALTER TABLE Tombstones ADD COLUMN key_erased boolean NOT NULL DEFAULT false;

CREATE TABLE IF NOT EXISTS DataKeys
(
    id text NOT NULL PRIMARY KEY,
    kek_id text NOT NULL,
    algorithm text NOT NULL,
    wrapped text NOT NULL,
    created_at bigint NOT NULL
);
