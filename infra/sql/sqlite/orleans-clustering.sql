-- Orleans ADO.NET on SQLite, part 2 of 3: cluster membership. Needs orleans-main.sql. Idempotent.
-- Contract: docs/ORLEANS.md section 3 (tables, the 9 required query keys, their parameters and result columns).
--
-- Times are TEXT in Microsoft.Data.Sqlite's DateTime format ("yyyy-MM-dd HH:mm:ss.FFFFFFF", UTC), which sorts
-- lexicographically in time order, so "<" works on them. SQLite has no stored procedures: the atomic
-- "write the row and bump the table version" queries run as one command text of several statements inside
-- BEGIN IMMEDIATE ... COMMIT, chained with changes(). Each statement is written so that it cannot fail (conflicts are
-- DO NOTHING), so the transaction never stays open on a pooled connection.

-- One row per cluster (DeploymentId = ClusterOptions.ClusterId): the optimistic-concurrency token of the whole view.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId TEXT NOT NULL PRIMARY KEY,
    Timestamp TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    Version INTEGER NOT NULL DEFAULT 0
);

-- One row per silo incarnation. Status is the SiloStatus integer: 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId TEXT NOT NULL,
    Address TEXT NOT NULL,
    Port INTEGER NOT NULL,
    Generation INTEGER NOT NULL,
    SiloName TEXT NOT NULL,
    HostName TEXT NOT NULL,
    Status INTEGER NOT NULL,
    ProxyPort INTEGER NULL,
    SuspectTimes TEXT NULL,
    StartTime TEXT NOT NULL,
    IAmAliveTime TEXT NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation),
    FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Creates the version row (Version 0) if absent. Returns 1 if it was inserted.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', '
    INSERT INTO OrleansMembershipVersionTable (DeploymentId, Timestamp, Version)
    VALUES (@DeploymentId, CURRENT_TIMESTAMP, 0)
    ON CONFLICT (DeploymentId) DO NOTHING;
    SELECT changes() AS Inserted;
');

-- Inserts a silo row if it does not exist, and bumps the version only if the stored version is still @Version (the one
-- last read). Both or neither: the bump is guarded by the row not existing, the insert by the bump. Returns 1 on success.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', '
    BEGIN IMMEDIATE;
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP
    WHERE DeploymentId = @DeploymentId AND Version = @Version
      AND NOT EXISTS (SELECT 1 FROM OrleansMembershipTable
                      WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation);
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    WHERE changes() > 0
    ON CONFLICT DO NOTHING;
    COMMIT;
    SELECT changes() AS Inserted;
');

-- Updates Status, SuspectTimes and IAmAliveTime of an existing silo row, and bumps the version only if the stored
-- version is still @Version. Both or neither: the bump is guarded by the row existing, the update by the bump.
-- Returns 1 on success.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', '
    BEGIN IMMEDIATE;
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP
    WHERE DeploymentId = @DeploymentId AND Version = @Version
      AND EXISTS (SELECT 1 FROM OrleansMembershipTable
                  WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation);
    UPDATE OrleansMembershipTable
    SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
      AND changes() > 0;
    COMMIT;
    SELECT changes() AS Updated;
');

-- Heartbeat: one primary-key-targeted write; never touches the version.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', '
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime
    WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
');

-- The version row LEFT JOIN every silo of the cluster: one row (with NULL silo columns) even when there is no silo.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId;
');

-- Same shape, for one silo.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', '
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
         AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    WHERE v.DeploymentId = @DeploymentId;
');

-- Gateways for clients: silos with the given status (Active) that have a gateway port.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', '
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
');

INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', '
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
');

-- Removes silos that are not Active and have not sent a heartbeat since the cut-off (ClusterMembershipOptions.DefunctSiloExpiration).
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', '
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status != 3;
');
