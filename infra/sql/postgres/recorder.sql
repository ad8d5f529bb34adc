-- OrleansRecorder catalog on PostgreSQL: one row per finalized recording. Idempotent.
-- The manifest column holds the recording's JSON manifest exactly as written beside the audio (json keeps the text
-- as given; jsonb would reorder it); the other columns exist for filtering and sorting. Times are timestamptz
-- (microseconds, UTC). The catalog can always be rebuilt from the manifests of any store.
-- Same columns and indexes as infra/sql/sqlite/recorder.sql.

CREATE TABLE IF NOT EXISTS Recordings
(
    id text NOT NULL PRIMARY KEY,
    started_at timestamptz NOT NULL,
    ended_at timestamptz NOT NULL,
    near_number text NULL,
    near_device text NULL,
    far_number text NULL,
    far_device text NULL,
    refci text NULL,
    status text NOT NULL,
    recorded_by text NOT NULL,
    sha256 text NOT NULL,
    size_bytes bigint NOT NULL,
    manifest json NOT NULL
);

-- Added with maintenance (purge and export); ADD COLUMN IF NOT EXISTS upgrades an older database in place.
-- preserved: kept by the purge whatever its age (legal hold). seq: insertion order, the export's checkpoint; assigned
-- under a transaction-scoped advisory lock in PostgresRecordingCatalog.AddAsync so numbers become visible in order.
ALTER TABLE Recordings ADD COLUMN IF NOT EXISTS preserved boolean NOT NULL DEFAULT false;
ALTER TABLE Recordings ADD COLUMN IF NOT EXISTS seq bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS IX_Recordings_seq ON Recordings (seq);
CREATE INDEX IF NOT EXISTS IX_Recordings_started_at_id ON Recordings (started_at, id);

-- Added with call groups (hold/resume, transfers: PROTOCOL.md §1.7): call_key is cucm/{cluster}/{refci} (NULL without
-- a refci), group_id the id of the group's first recording, assigned in PostgresRecordingCatalog.AddAsync
-- (Recorder:Recording:GroupWindow). Recordings indexed before stay groups of one (group_id = id), set once, when the
-- column is added.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = 'recordings' AND column_name = 'group_id') THEN
        ALTER TABLE Recordings ADD COLUMN call_key text NULL;
        ALTER TABLE Recordings ADD COLUMN group_id text NULL;
        UPDATE Recordings SET group_id = id;
    END IF;
END
$$;
CREATE INDEX IF NOT EXISTS IX_Recordings_call_key ON Recordings (call_key, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_group_id ON Recordings (group_id, started_at);

CREATE INDEX IF NOT EXISTS IX_Recordings_started_at ON Recordings (started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_near_number ON Recordings (near_number, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_far_number ON Recordings (far_number, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_near_device ON Recordings (near_device, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_far_device ON Recordings (far_device, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_refci ON Recordings (refci);

-- The maintenance settings: a single row (id = 1). Periods in milliseconds.
CREATE TABLE IF NOT EXISTS MaintenanceSettings
(
    id integer NOT NULL PRIMARY KEY CHECK (id = 1),
    retention_days integer NOT NULL,
    export_folder text NULL,
    file_name_pattern text NOT NULL,
    purge_period_ms bigint NOT NULL,
    export_period_ms bigint NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The run history: one row per run. job is 'purge' or 'export'; result 'succeeded', 'failed' or 'skipped'.
CREATE TABLE IF NOT EXISTS MaintenanceRuns
(
    run_id bigserial PRIMARY KEY,
    job text NOT NULL,
    node text NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz NOT NULL,
    result text NOT NULL,
    done integer NOT NULL,
    skipped integer NOT NULL,
    errors integer NOT NULL,
    message text NULL
);

CREATE INDEX IF NOT EXISTS IX_MaintenanceRuns_job ON MaintenanceRuns (job, run_id);

-- Job checkpoints: the export's position is the last Recordings.seq exported. Only ever moves forward.
CREATE TABLE IF NOT EXISTS MaintenanceCheckpoints
(
    name text NOT NULL PRIMARY KEY,
    position bigint NOT NULL,
    updated_at timestamptz NOT NULL
);

-- Deleted recordings (delete or purge): no store, node or catch-up may bring them back.
CREATE TABLE IF NOT EXISTS Tombstones
(
    id text NOT NULL PRIMARY KEY,
    deleted_at timestamptz NOT NULL,
    reason text NOT NULL
);

-- Proof of erasure (docs/ENCRYPTION.md): who deleted it, and whether its data key was destroyed with the row.
ALTER TABLE Tombstones ADD COLUMN IF NOT EXISTS actor text NULL;
ALTER TABLE Tombstones ADD COLUMN IF NOT EXISTS key_erased boolean NOT NULL DEFAULT false;

-- Each encrypted recording's data key, wrapped by a key-encryption key (docs/ENCRYPTION.md). Deleting the row
-- (crypto-shredding, with the tombstone) leaves every copy of the audio, wherever it is, unreadable.
CREATE TABLE IF NOT EXISTS DataKeys
(
    id text NOT NULL PRIMARY KEY,
    kek_id text NOT NULL,
    algorithm text NOT NULL,
    wrapped text NOT NULL,
    created_at bigint NOT NULL
);

-- Security (src/Silo/Security): local users, API keys for automation, the append-only audit log, and the notes
-- and tags on recordings. Same tables as infra/sql/sqlite/recorder.sql; times are Unix milliseconds (bigint) so one
-- ADO.NET store serves both databases. Lists (numbers, devices, groups) are JSON arrays in text.
CREATE TABLE IF NOT EXISTS Users
(
    name text NOT NULL PRIMARY KEY,
    display_name text NULL,
    role text NOT NULL,
    password_hash text NOT NULL,
    numbers text NOT NULL DEFAULT '[]',
    devices text NOT NULL DEFAULT '[]',
    groups_json text NOT NULL DEFAULT '[]',
    disabled integer NOT NULL DEFAULT 0,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS ApiKeys
(
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    role text NOT NULL,
    owner text NULL,
    key_hash text NOT NULL UNIQUE,
    created_at bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS AuditLog
(
    seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at bigint NOT NULL,
    user_name text NULL,
    source text NULL,
    action text NOT NULL,
    target text NULL,
    details text NULL
);

CREATE INDEX IF NOT EXISTS IX_AuditLog_at ON AuditLog (at);
CREATE INDEX IF NOT EXISTS IX_AuditLog_user ON AuditLog (user_name, at);

-- Append-only: updates and deletes are silently ignored.
CREATE OR REPLACE RULE AuditLog_NoUpdate AS ON UPDATE TO AuditLog DO INSTEAD NOTHING;
CREATE OR REPLACE RULE AuditLog_NoDelete AS ON DELETE TO AuditLog DO INSTEAD NOTHING;

CREATE TABLE IF NOT EXISTS RecordingNotes
(
    note_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    recording_id text NOT NULL,
    at bigint NOT NULL,
    user_name text NOT NULL,
    text text NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_RecordingNotes_recording ON RecordingNotes (recording_id, note_id);

CREATE TABLE IF NOT EXISTS RecordingTags
(
    recording_id text NOT NULL,
    tag text NOT NULL,
    PRIMARY KEY (recording_id, tag)
);
