-- Migration 5 (issue 16, docs/TAMPER_EVIDENCE.md): the audit log becomes a hash chain, each entry signed by the node
-- that appended it (ECDSA P-256); entries written before stay as they were (no hash) and the chain starts after them.
-- SigningKeys publishes each node's public key so any node can check a manifest signed by another at playback.
ALTER TABLE AuditLog ADD COLUMN prev_hash TEXT NULL;
ALTER TABLE AuditLog ADD COLUMN hash TEXT NULL;
ALTER TABLE AuditLog ADD COLUMN key_id TEXT NULL;
ALTER TABLE AuditLog ADD COLUMN signature TEXT NULL;

CREATE TABLE IF NOT EXISTS SigningKeys
(
    key_id TEXT NOT NULL PRIMARY KEY,
    node TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
