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
    manifest TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_Recordings_started_at ON Recordings (started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_near_number ON Recordings (near_number, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_far_number ON Recordings (far_number, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_near_device ON Recordings (near_device, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_far_device ON Recordings (far_device, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_refci ON Recordings (refci);
