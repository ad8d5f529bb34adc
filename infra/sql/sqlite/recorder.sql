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
    seq INTEGER NOT NULL DEFAULT 0
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
    reason TEXT NOT NULL
);
