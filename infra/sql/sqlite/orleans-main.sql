-- Orleans ADO.NET on SQLite, part 1 of 3: the query catalog.
-- Orleans reads every query it runs from OrleansQuery (SELECT QueryKey, QueryText FROM OrleansQuery) when a provider
-- starts. Run this script first, then orleans-clustering.sql and orleans-reminders.sql. Idempotent.
-- Use the ADO.NET invariant "System.Data.SQLite" (it loads Microsoft.Data.Sqlite) and a busy wait in the connection
-- string ("Default Timeout=30"): several silos share one database file.

-- Readers never block the writer, and the writer never blocks readers. The mode is stored in the file.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
