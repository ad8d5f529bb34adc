-- Orleans ADO.NET on SQLite, part 3 of 3: reminders. Needs orleans-main.sql. Idempotent.
-- Contract: docs/ORLEANS.md section 3.4 (the 7 required query keys). ServiceId = ClusterOptions.ServiceId (keep it
-- stable or the reminders are orphaned); GrainId = GrainId.ToString(); GrainHash = the uniform hash as a signed int;
-- Period in milliseconds.

CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId TEXT NOT NULL,
    GrainId TEXT NOT NULL,
    ReminderName TEXT NOT NULL,
    StartTime TEXT NOT NULL,
    Period INTEGER NOT NULL,
    GrainHash INTEGER NOT NULL,
    Version INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

-- Each silo reads the reminders of its hash range.
CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_ServiceId_GrainHash ON OrleansRemindersTable (ServiceId, GrainHash);

-- Insert with Version 0, or update and increment the version. Returns the new Version.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', '
    INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE SET
        StartTime = excluded.StartTime,
        Period = excluded.Period,
        GrainHash = excluded.GrainHash,
        Version = OrleansRemindersTable.Version + 1
    RETURNING Version;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;
');

-- A range that does not wrap: (BeginHash, EndHash].
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
');

-- A range that wraps around the ring: (BeginHash, max] and [min, EndHash].
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', '
    SELECT GrainId, ReminderName, StartTime, Period, Version
    FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
');

-- Delete only if the version still matches. Returns 1 if deleted.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', '
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version;
    SELECT changes() AS Deleted;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', '
    DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
');
