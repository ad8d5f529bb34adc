-- Orleans ADO.NET on PostgreSQL, part 1 of 3: the query catalog. Idempotent.
-- Orleans reads every query it runs from OrleansQuery (SELECT QueryKey, QueryText FROM OrleansQuery) when a provider
-- starts. Run this script first, then orleans-clustering.sql and orleans-reminders.sql (PostgresClusterSchema does, in
-- one transaction under an advisory lock). Use the ADO.NET invariant "Npgsql".
--
-- Identifiers are unquoted, so PostgreSQL folds them to lower case (orleansquery, querykey, ...): Orleans writes them
-- unquoted in mixed case, and Npgsql's GetOrdinal falls back to a case-insensitive match when it reads result columns
-- by name ("Version" finds "version").

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey varchar(64) NOT NULL PRIMARY KEY,
    QueryText text NOT NULL
);
