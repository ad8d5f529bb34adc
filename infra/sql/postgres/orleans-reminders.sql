-- Orleans ADO.NET on PostgreSQL, part 3 of 3: reminders. Needs orleans-main.sql. Idempotent.
-- Contract: docs/ORLEANS.md section 3.4 (the 7 required query keys). ServiceId = ClusterOptions.ServiceId (keep it
-- stable or the reminders are orphaned); GrainId = GrainId.ToString(); GrainHash = the uniform hash as a signed int;
-- Period in milliseconds (sent as int or bigint, read back as bigint). Parameters are cast to the column types, and
-- "boolean" results are one integer column, as in orleans-clustering.sql.

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId varchar(150) NOT NULL,
    GrainId varchar(150) NOT NULL,
    ReminderName varchar(150) NOT NULL,
    StartTime timestamptz(3) NOT NULL,
    Period bigint NOT NULL,
    GrainHash integer NOT NULL,
    Version integer NOT NULL,
    CONSTRAINT PK_OrleansRemindersTable PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Each silo reads the reminders of its hash range.
CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_ServiceId_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);

-- Insert with Version 0, or update and increment the version; ON CONFLICT DO UPDATE makes it atomic under
-- concurrency. Returns the new Version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', $q$
    INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES (@ServiceId::varchar, @GrainId::varchar, @ReminderName::varchar, @StartTime::timestamptz,
            @Period::bigint, @GrainHash::integer, 0)
    ON CONFLICT ON CONSTRAINT PK_OrleansRemindersTable DO UPDATE SET
        StartTime = excluded.StartTime,
        Period = excluded.Period,
        GrainHash = excluded.GrainHash,
        Version = OrleansRemindersTable.Version + 1
    RETURNING Version
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId::varchar AND GrainId = @GrainId::varchar
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId::varchar AND GrainId = @GrainId::varchar AND ReminderName = @ReminderName::varchar
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- A range that does not wrap: (BeginHash, EndHash].
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId::varchar AND GrainHash > @BeginHash::integer AND GrainHash <= @EndHash::integer
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- A range that wraps around the ring: (BeginHash, max] and [min, EndHash].
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', $q$
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId::varchar AND (GrainHash > @BeginHash::integer OR GrainHash <= @EndHash::integer)
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Delete only if the version still matches. Returns 1 if deleted.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', $q$
    WITH deleted AS (
        DELETE FROM OrleansRemindersTable
        WHERE ServiceId = @ServiceId::varchar AND GrainId = @GrainId::varchar
          AND ReminderName = @ReminderName::varchar AND Version = @Version::integer
        RETURNING 1
    )
    SELECT count(*)::integer AS Deleted FROM deleted
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', $q$
    DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId::varchar
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
