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

CREATE INDEX IF NOT EXISTS IX_Recordings_started_at ON Recordings (started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_near_number ON Recordings (near_number, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_far_number ON Recordings (far_number, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_near_device ON Recordings (near_device, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_far_device ON Recordings (far_device, started_at);
CREATE INDEX IF NOT EXISTS IX_Recordings_refci ON Recordings (refci);
