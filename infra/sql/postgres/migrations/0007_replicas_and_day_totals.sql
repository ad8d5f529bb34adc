-- Migration 7 (issue 18, items 4 and 5): where each recording's copies are, and the dashboard's totals per day.

-- A copy of a recording that landed: on a node (location = its node name) or in the shared store (location = 'shared').
-- Written by the copy that lands (a node's store publishing a copy, the catalog adding the recording node's own, the
-- shared store's upload completing) and removed when the copy is deleted; a replica whose sha256 is not the
-- catalog's is a superseded copy and is not listed. The recordings listing reads it in its own query.
CREATE TABLE Replicas (
    recording_id text NOT NULL,
    location text NOT NULL,
    sha256 text NOT NULL,
    landed_at timestamptz NOT NULL,
    PRIMARY KEY (recording_id, location)
);

-- The replication lag of the last hour (landings by time).
CREATE INDEX IX_Replicas_landed ON Replicas (landed_at);

-- The copies catalogued before this migration: the recording node's own. The next catch-up pass adds the others
-- (and removes what a node no longer holds).
INSERT INTO Replicas (recording_id, location, sha256, landed_at)
SELECT id, recorded_by, lower(sha256), ended_at FROM Recordings WHERE recorded_by IS NOT NULL AND recorded_by <> '';

-- Calls (group_id = id: a call counts once, in the day of its first recording), recordings and bytes per UTC day
-- (day = Unix seconds / 86,400, floored), kept by the trigger below on every insert, update and delete of a
-- recording, so calls per day and the storage total read a few hundred rows instead of the whole catalog.
CREATE TABLE RecordingDays (
    day bigint PRIMARY KEY,
    calls bigint NOT NULL,
    recordings bigint NOT NULL,
    bytes bigint NOT NULL
);

INSERT INTO RecordingDays (day, calls, recordings, bytes)
SELECT CAST(floor(extract(epoch FROM started_at) / 86400) AS bigint), SUM(CASE WHEN group_id = id THEN 1 ELSE 0 END), COUNT(*), SUM(size_bytes)
FROM Recordings GROUP BY 1;

-- An add again (ON CONFLICT DO UPDATE of the upsert) and a group adopted by an earlier recording are updates; a
-- deleted or purged recording also takes its replica rows with it.
CREATE FUNCTION recorder_recording_days() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE RecordingDays
        SET calls = calls - (CASE WHEN OLD.group_id = OLD.id THEN 1 ELSE 0 END), recordings = recordings - 1, bytes = bytes - OLD.size_bytes
        WHERE day = CAST(floor(extract(epoch FROM OLD.started_at) / 86400) AS bigint);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO RecordingDays AS d (day, calls, recordings, bytes)
        VALUES (CAST(floor(extract(epoch FROM NEW.started_at) / 86400) AS bigint), CASE WHEN NEW.group_id = NEW.id THEN 1 ELSE 0 END, 1, NEW.size_bytes)
        ON CONFLICT (day) DO UPDATE SET calls = d.calls + excluded.calls, recordings = d.recordings + 1, bytes = d.bytes + excluded.bytes;
    END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM Replicas WHERE recording_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER TR_Recordings_days AFTER INSERT OR DELETE OR UPDATE OF started_at, group_id, size_bytes ON Recordings
FOR EACH ROW EXECUTE FUNCTION recorder_recording_days();
