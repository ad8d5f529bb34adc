-- Migration 4 (issue 16, docs/ENCRYPTION.md): each encrypted recording's data key, wrapped by a key-encryption key.
-- Deleting the row (crypto-shredding, in one transaction with the tombstone) leaves every copy of the audio, wherever
-- it is, unreadable. The tombstone keeps the proof of erasure: who deleted it, and whether its data key was destroyed.
ALTER TABLE Tombstones ADD COLUMN actor TEXT NULL;
ALTER TABLE Tombstones ADD COLUMN key_erased INTEGER NOT NULL DEFAULT 0;

CREATE TABLE IF NOT EXISTS DataKeys
(
    id TEXT NOT NULL PRIMARY KEY,
    kek_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    wrapped TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
