-- Migration 7 (issue 18, items 4 and 5): where each recording's copies are, and the dashboard's totals per day.

-- A copy of a recording that landed: on a node (location = its node name) or in the shared store (location = 'shared').
-- Written by the copy that lands (a node's store publishing a copy, the catalog adding the recording node's own, the
-- shared store's upload completing) and removed when the copy is deleted; a replica whose sha256 is not the
-- catalog's is a superseded copy and is not listed. The recordings listing reads it in its own query.
CREATE TABLE Replicas (
    recording_id TEXT NOT NULL,
    location TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    landed_at INTEGER NOT NULL,
    PRIMARY KEY (recording_id, location)
);

-- The replication lag of the last hour (landings by time).
CREATE INDEX IX_Replicas_landed ON Replicas (landed_at);

-- The copies catalogued before this migration: the recording node's own. The next catch-up pass adds the others
-- (and removes what a node no longer holds).
INSERT INTO Replicas (recording_id, location, sha256, landed_at)
SELECT id, recorded_by, lower(sha256), ended_at FROM Recordings WHERE recorded_by IS NOT NULL AND recorded_by <> '';

-- Calls (group_id = id: a call counts once, in the day of its first recording), recordings and bytes per UTC day
-- (day = Unix milliseconds / 86,400,000), kept by the triggers below on every insert, update and delete of a
-- recording, so calls per day and the storage total read a few hundred rows instead of the whole catalog.
CREATE TABLE RecordingDays (
    day INTEGER PRIMARY KEY,
    calls INTEGER NOT NULL,
    recordings INTEGER NOT NULL,
    bytes INTEGER NOT NULL
);

INSERT INTO RecordingDays (day, calls, recordings, bytes)
SELECT started_at / 86400000, SUM(group_id = id), COUNT(*), SUM(size_bytes) FROM Recordings GROUP BY started_at / 86400000;

CREATE TRIGGER TR_Recordings_insert AFTER INSERT ON Recordings
BEGIN
    INSERT INTO RecordingDays (day, calls, recordings, bytes)
    VALUES (NEW.started_at / 86400000, NEW.group_id = NEW.id, 1, NEW.size_bytes)
    ON CONFLICT (day) DO UPDATE SET calls = calls + excluded.calls, recordings = recordings + 1, bytes = bytes + excluded.bytes;
END;

-- An add again (ON CONFLICT DO UPDATE of the upsert) and a group adopted by an earlier recording land here.
CREATE TRIGGER TR_Recordings_update AFTER UPDATE OF started_at, group_id, size_bytes ON Recordings
BEGIN
    UPDATE RecordingDays SET calls = calls - (OLD.group_id = OLD.id), recordings = recordings - 1, bytes = bytes - OLD.size_bytes
    WHERE day = OLD.started_at / 86400000;
    INSERT INTO RecordingDays (day, calls, recordings, bytes)
    VALUES (NEW.started_at / 86400000, NEW.group_id = NEW.id, 1, NEW.size_bytes)
    ON CONFLICT (day) DO UPDATE SET calls = calls + excluded.calls, recordings = recordings + 1, bytes = bytes + excluded.bytes;
END;

-- A deleted or purged recording leaves the day's totals and takes its replica rows with it.
CREATE TRIGGER TR_Recordings_delete AFTER DELETE ON Recordings
BEGIN
    UPDATE RecordingDays SET calls = calls - (OLD.group_id = OLD.id), recordings = recordings - 1, bytes = bytes - OLD.size_bytes
    WHERE day = OLD.started_at / 86400000;
    DELETE FROM Replicas WHERE recording_id = OLD.id;
END;
