-- Migration 5 (issue 18, the dashboard): what GET /api/stats/* reads, indexed so it stays fast on a million rows.
-- problems: the recording's problem kinds, comma-separated (gaps, media-timeout, no-media), NULL when it has none;
-- written from the manifest on every add (RecordingProblems.cs) and filled here for the rows already catalogued.
ALTER TABLE Recordings ADD COLUMN problems TEXT NULL;

UPDATE Recordings SET problems = NULLIF(rtrim(
    (CASE WHEN EXISTS (SELECT 1 FROM json_each(manifest, '$.gaps') AS g
                       WHERE json_extract(g.value, '$.reason') NOT IN ('hold', 'operator')) THEN 'gaps,' ELSE '' END)
    || (CASE WHEN EXISTS (SELECT 1 FROM json_each(manifest, '$.flags') AS f
                          WHERE f.value LIKE '%media-timeout') THEN 'media-timeout,' ELSE '' END)
    || (CASE WHEN EXISTS (SELECT 1 FROM json_each(manifest, '$.flags') AS f
                          WHERE f.value LIKE '%no-audio' OR f.value LIKE '%no-media') THEN 'no-media,' ELSE '' END),
    ','), '');

-- Calls per hour or day (a call counts where its first recording, group_id = id, started), channels in use (start and
-- end of each recording) and bytes per day, from the index alone.
CREATE INDEX IF NOT EXISTS IX_Recordings_stats ON Recordings (started_at, group_id, id, ended_at, size_bytes);

-- The few recordings with problems, newest first, without reading the others.
CREATE INDEX IF NOT EXISTS IX_Recordings_problems ON Recordings (started_at, problems) WHERE problems IS NOT NULL;
