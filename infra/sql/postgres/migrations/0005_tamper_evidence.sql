-- Migration 5 (issue 16, docs/TAMPER_EVIDENCE.md): the audit log becomes a hash chain, each entry signed by the node
-- that appended it (ECDSA P-256); entries written before stay as they were (no hash) and the chain starts after them.
-- SigningKeys publishes each node's public key so any node can check a manifest signed by another at playback.
ALTER TABLE AuditLog ADD COLUMN IF NOT EXISTS prev_hash text NULL;
ALTER TABLE AuditLog ADD COLUMN IF NOT EXISTS hash text NULL;
ALTER TABLE AuditLog ADD COLUMN IF NOT EXISTS key_id text NULL;
ALTER TABLE AuditLog ADD COLUMN IF NOT EXISTS signature text NULL;

CREATE TABLE IF NOT EXISTS SigningKeys
(
    key_id text NOT NULL PRIMARY KEY,
    node text NOT NULL,
    public_key text NOT NULL,
    created_at bigint NOT NULL
);
