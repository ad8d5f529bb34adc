-- OrleansRecorder catalog on SQLite: one row per finalized recording. Idempotent.
-- The manifest column holds the recording's JSON manifest exactly as written beside the audio; the other columns
-- exist for filtering and sorting. Times are Unix milliseconds (UTC). The catalog can always be rebuilt from the
-- manifests of any store.

CREATE TABLE IF NOT EXISTS Recordings
(
    id TEXT NOT NULL PRIMARY KEY,
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    near_number TEXT NULL,
    near_device TEXT NULL,
    far_number TEXT NULL,
    far_device TEXT NULL,
    refci TEXT NULL,
    status TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    manifest TEXT NOT NULL,
    -- 1 = kept by the purge whatever its age (legal hold); set through the catalog.
    preserved INTEGER NOT NULL DEFAULT 0,
    -- Insertion order (1, 2, ...), assigned once when the row is first added and kept on updates: the export's
    -- checkpoint. Files created before these columns existed get them from SqliteRecordingCatalog.InitializeAsync.
    seq INTEGER NOT NULL DEFAULT 0,
    -- The recordings of one CUCM call (hold/resume, transfers: PROTOCOL.md §1.7): call_key is cucm/{cluster}/{refci}
    -- (NULL without a refci), group_id the id of the group's first recording, assigned when the row is first added
    -- (SqliteRecordingCatalog.AddAsync, Recorder:Recording:GroupWindow). Older files get them from InitializeAsync.
    call_key TEXT NULL,
    group_id TEXT NULL
);

CREATE INDEX IF NOT EXISTS IX_Recordings_started_at ON Recordings (started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_near_number ON Recordings (near_number, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_far_number ON Recordings (far_number, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_near_device ON Recordings (near_device, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_far_device ON Recordings (far_device, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_refci ON Recordings (refci);

-- Maintenance (purge and export, run by the maintenance grain on one node). Indexes on the columns added above are
-- created by SqliteRecordingCatalog.InitializeAsync after it has upgraded an older file.

-- The settings: a single row (id = 1). Periods in milliseconds.
CREATE TABLE IF NOT EXISTS MaintenanceSettings
(
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    retention_days INTEGER NOT NULL,
    export_folder TEXT NULL,
    file_name_pattern TEXT NOT NULL,
    purge_period_ms INTEGER NOT NULL,
    export_period_ms INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The run history: one row per run. job is 'purge' or 'export'; result 'succeeded', 'failed' or 'skipped'.
CREATE TABLE IF NOT EXISTS MaintenanceRuns
(
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    node TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    result TEXT NOT NULL,
    done INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    message TEXT NULL
);

CREATE INDEX IF NOT EXISTS IX_MaintenanceRuns_job ON MaintenanceRuns (job, run_id);

-- Job checkpoints: the export's position is the last Recordings.seq exported. Only ever moves forward.
CREATE TABLE IF NOT EXISTS MaintenanceCheckpoints
(
    name TEXT NOT NULL PRIMARY KEY,
    position INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Deleted recordings (delete or purge): no store, node or catch-up may bring them back.
CREATE TABLE IF NOT EXISTS Tombstones
(
    id TEXT NOT NULL PRIMARY KEY,
    deleted_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    -- Proof of erasure (docs/ENCRYPTION.md): who deleted it, and whether its data key was destroyed with the row.
    actor TEXT NULL,
    key_erased INTEGER NOT NULL DEFAULT 0
);

-- Each encrypted recording's data key, wrapped by a key-encryption key (docs/ENCRYPTION.md). Deleting the row
-- (crypto-shredding, with the tombstone) leaves every copy of the audio, wherever it is, unreadable.
CREATE TABLE IF NOT EXISTS DataKeys
(
    id TEXT NOT NULL PRIMARY KEY,
    kek_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    wrapped TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Security (src/Silo/Security): local users, API keys for automation, the append-only audit log, and the notes
-- and tags on recordings. Times are Unix milliseconds (UTC). Lists (numbers, devices, groups) are JSON arrays.
CREATE TABLE IF NOT EXISTS Users
(
    name TEXT NOT NULL PRIMARY KEY,
    display_name TEXT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    numbers TEXT NOT NULL DEFAULT '[]',
    devices TEXT NOT NULL DEFAULT '[]',
    groups_json TEXT NOT NULL DEFAULT '[]',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- key_hash: SHA-256 (hex) of the key; the key itself is shown once, when created.
CREATE TABLE IF NOT EXISTS ApiKeys
(
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    owner TEXT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS AuditLog
(
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    user_name TEXT NULL,
    source TEXT NULL,
    action TEXT NOT NULL,
    target TEXT NULL,
    details TEXT NULL
);

CREATE INDEX IF NOT EXISTS IX_AuditLog_at ON AuditLog (at);
CREATE INDEX IF NOT EXISTS IX_AuditLog_user ON AuditLog (user_name, at);

-- Append-only: rows are never changed or removed.
CREATE TRIGGER IF NOT EXISTS TR_AuditLog_NoUpdate BEFORE UPDATE ON AuditLog
BEGIN
    SELECT RAISE(ABORT, 'AuditLog is append-only');
END;

CREATE TRIGGER IF NOT EXISTS TR_AuditLog_NoDelete BEFORE DELETE ON AuditLog
BEGIN
    SELECT RAISE(ABORT, 'AuditLog is append-only');
END;

CREATE TABLE IF NOT EXISTS RecordingNotes
(
    note_id INTEGER PRIMARY KEY AUTOINCREMENT,
    recording_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    user_name TEXT NOT NULL,
    text TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_RecordingNotes_recording ON RecordingNotes (recording_id, note_id);

CREATE TABLE IF NOT EXISTS RecordingTags
(
    recording_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (recording_id, tag)
);
