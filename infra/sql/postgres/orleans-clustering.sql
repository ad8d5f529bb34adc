-- Orleans ADO.NET on PostgreSQL, part 2 of 3: cluster membership. Needs orleans-main.sql. Idempotent.
-- Contract: docs/ORLEANS.md section 3 (tables, the 9 required query keys, their parameters and result columns).
--
-- Parameters arrive unprefixed (DeploymentId, ...) and Npgsql binds them to @DeploymentId. Every query casts its
-- parameters to the column types, so the statement does not depend on the DbType Orleans picked (Period and Version
-- may come as int or bigint). Orleans reads a "boolean" result with GetInt32(0) of the first row: those queries
-- return one integer column (1 true, 0 false), never a PostgreSQL boolean.

-- One row per cluster (DeploymentId = ClusterOptions.ClusterId): the optimistic-concurrency token of the whole view.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL PRIMARY KEY,
    Timestamp timestamptz(3) NOT NULL DEFAULT now(),
    Version integer NOT NULL DEFAULT 0
);

-- One row per silo incarnation. Status is the SiloStatus integer: 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address varchar(45) NOT NULL,
    Port integer NOT NULL,
    Generation integer NOT NULL,
    SiloName varchar(150) NOT NULL,
    HostName varchar(150) NOT NULL,
    Status integer NOT NULL,
    ProxyPort integer NULL,
    SuspectTimes text NULL,
    StartTime timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    CONSTRAINT PK_OrleansMembershipTable PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_OrleansMembershipTable_DeploymentId FOREIGN KEY (DeploymentId)
        REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Inserts a silo row and bumps the cluster version, both or neither. The version row is locked first (FOR UPDATE),
-- so concurrent membership writers of the same cluster queue behind each other and each sees the latest version; the
-- write happens only if it still equals the version the caller last read (@Version). Any error aborts the
-- statement's transaction, which undoes both. Returns 1 if the row was inserted and the version bumped, else 0.
CREATE OR REPLACE FUNCTION orleans_insert_membership(
    p_deployment_id varchar, p_address varchar, p_port integer, p_generation integer, p_silo_name varchar,
    p_host_name varchar, p_status integer, p_proxy_port integer, p_start_time timestamptz,
    p_i_am_alive_time timestamptz, p_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    current_version integer;
    inserted integer;
BEGIN
    SELECT Version INTO current_version
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = p_deployment_id
    FOR UPDATE;
    IF NOT FOUND OR current_version <> p_version THEN
        RETURN 0;
    END IF;

    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port,
         p_start_time, p_i_am_alive_time)
    ON CONFLICT ON CONSTRAINT PK_OrleansMembershipTable DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    IF inserted = 0 THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = p_deployment_id;
    RETURN 1;
END;
$$;

-- Updates Status, SuspectTimes and IAmAliveTime of an existing silo row and bumps the cluster version, both or
-- neither, with the same locking as orleans_insert_membership. Returns 1 on success, else 0.
CREATE OR REPLACE FUNCTION orleans_update_membership(
    p_deployment_id varchar, p_address varchar, p_port integer, p_generation integer, p_status integer,
    p_suspect_times text, p_i_am_alive_time timestamptz, p_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    current_version integer;
    updated integer;
BEGIN
    SELECT Version INTO current_version
    FROM OrleansMembershipVersionTable
    WHERE DeploymentId = p_deployment_id
    FOR UPDATE;
    IF NOT FOUND OR current_version <> p_version THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipTable
    SET Status = p_status, SuspectTimes = p_suspect_times, IAmAliveTime = p_i_am_alive_time
    WHERE DeploymentId = p_deployment_id AND Address = p_address AND Port = p_port AND Generation = p_generation;
    GET DIAGNOSTICS updated = ROW_COUNT;
    IF updated = 0 THEN
        RETURN 0;
    END IF;

    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = now()
    WHERE DeploymentId = p_deployment_id;
    RETURN 1;
END;
$$;

-- Creates the version row (Version 0) if absent. Returns 1 if it was inserted.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipVersionKey', $q$
    WITH inserted AS (
        INSERT INTO OrleansMembershipVersionTable (DeploymentId, Timestamp, Version)
        VALUES (@DeploymentId::varchar, now(), 0)
        ON CONFLICT (DeploymentId) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer AS Inserted FROM inserted
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('InsertMembershipKey', $q$
    SELECT orleans_insert_membership(
        @DeploymentId::varchar, @Address::varchar, @Port::integer, @Generation::integer, @SiloName::varchar,
        @HostName::varchar, @Status::integer, @ProxyPort::integer, @StartTime::timestamptz,
        @IAmAliveTime::timestamptz, @Version::integer) AS Inserted
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateMembershipKey', $q$
    SELECT orleans_update_membership(
        @DeploymentId::varchar, @Address::varchar, @Port::integer, @Generation::integer, @Status::integer,
        @SuspectTimes::text, @IAmAliveTime::timestamptz, @Version::integer) AS Updated
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Heartbeat: one primary-key-targeted write; never touches the version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpdateIAmAlivetimeKey', $q$
    UPDATE OrleansMembershipTable
    SET IAmAliveTime = @IAmAliveTime::timestamptz
    WHERE DeploymentId = @DeploymentId::varchar AND Address = @Address::varchar
      AND Port = @Port::integer AND Generation = @Generation::integer
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- The version row LEFT JOIN every silo of the cluster: one row (with NULL silo columns) even when there is no silo.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadAllKey', $q$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
    WHERE v.DeploymentId = @DeploymentId::varchar
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Same shape, for one silo.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('MembershipReadRowKey', $q$
    SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
           m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
    FROM OrleansMembershipVersionTable v
    LEFT OUTER JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
         AND m.Address = @Address::varchar AND m.Port = @Port::integer AND m.Generation = @Generation::integer
    WHERE v.DeploymentId = @DeploymentId::varchar
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Gateways for clients: silos with the given status (Active) that have a gateway port.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('GatewaysQueryKey', $q$
    SELECT Address, ProxyPort, Generation
    FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId::varchar AND Status = @Status::integer AND ProxyPort > 0
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Both deletes in one statement (so one implicit transaction): silo rows first, then the version row they refer to.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteMembershipTableEntriesKey', $q$
    WITH members AS (
        DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId::varchar
    )
    DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId::varchar
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Removes silos that are not Active and have not sent a heartbeat since the cut-off (ClusterMembershipOptions.DefunctSiloExpiration).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM OrleansMembershipTable
    WHERE DeploymentId = @DeploymentId::varchar AND IAmAliveTime < @IAmAliveTime::timestamptz AND Status != 3
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
