using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>
/// The numbered schema migrations (<see cref="SchemaMigrator"/>) on SQLite (<c>SqliteSchemaMigrationTests</c>)
/// and PostgreSQL (<c>PostgresSchemaMigrationTests</c>): a fresh database gets them all, once; a restart
/// applies nothing; a database from before migrations (each shape older releases left) keeps every row; nodes
/// starting together apply each migration once.
/// </summary>
public abstract class SchemaMigrationContract : CatalogContract
{
    private static readonly DateTimeOffset Now = new(2026, 8, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    [Fact]
    public async Task AFreshDatabaseGetsEveryMigrationRecordedOnce()
    {
        var all = SchemaMigrator.Load(Database.Dialect);

        var applied = await SchemaMigrator.ApplyAsync(Database.Dialect, Database.ConnectionString, _time, Ct);

        Assert.NotEmpty(all);
        Assert.Equal(all.Select(m => m.Version), applied.Select(m => m.Version));
        Assert.Equal(all.Select(m => (m.Version, m.Name, Now.ToUnixTimeMilliseconds())), await RecordedAsync());
        var catalog = Database.Catalog(_time);
        await catalog.AddAsync(Manifest("new", Now, "7"), Ct);
        Assert.Equal("new", (await catalog.GetAsync("new", Ct))!.Id);
        Assert.Empty(await Database.RowsAsync("SELECT name FROM Users")); // the security tables come with the catalog
    }

    [Fact]
    public async Task ARestartAppliesNothingAgain()
    {
        await Database.Catalog(_time).InitializeAsync(Ct);
        var recorded = await RecordedAsync();
        _time.Advance(TimeSpan.FromHours(1));

        var applied = await SchemaMigrator.ApplyAsync(Database.Dialect, Database.ConnectionString, _time, Ct);
        await Database.Catalog(_time).InitializeAsync(Ct);

        Assert.Empty(applied);
        Assert.Equal(recorded, await RecordedAsync());
    }

    [Fact]
    public async Task ADatabaseFromBeforeMaintenanceGetsPreservedAndSequenceAndKeepsItsRow()
    {
        await Database.ExecuteAsync(OldRecordingsTable(maintenanceColumns: false));
        await InsertOldRowAsync("old", DateTimeOffset.UnixEpoch, refci: null, maintenanceColumns: false);
        var catalog = Database.Catalog(_time);

        await catalog.InitializeAsync(Ct);
        await catalog.InitializeAsync(Ct);

        var entry = Assert.Single(await catalog.ListAddedAfterAsync(0, 10, Ct));
        Assert.Equal(("old", 1L, false), (entry.Manifest.Id, entry.Sequence, entry.Preserved));
        Assert.True(await catalog.SetPreservedAsync("old", true, Ct));
        Assert.True(Assert.Single(await catalog.ListStartedBeforeAsync(DateTimeOffset.UnixEpoch.AddDays(1), null, null, 10, Ct)).Preserved);
        Assert.False(await catalog.SetPreservedAsync("missing", true, Ct));
        await catalog.AddAsync(Manifest("new", Now, "7"), Ct);
        Assert.Equal(2L, Assert.Single(await catalog.ListAddedAfterAsync(1, 10, Ct)).Sequence);
    }

    [Fact]
    public async Task ADatabaseFromBeforeGroupsGetsTheColumnsAndItsRecordingsAreGroupsOfOne()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await Database.ExecuteAsync(OldRecordingsTable(maintenanceColumns: true));
        await InsertOldRowAsync("old", start, refci: "42", maintenanceColumns: true);
        var catalog = Database.Catalog(_time);

        await catalog.InitializeAsync(Ct);
        await catalog.InitializeAsync(Ct);

        Assert.Equal(["old"], (await catalog.GetGroupAsync("old", Ct))!.Parts.Select(p => p.Id));
        var page = await catalog.QueryAsync(new RecordingQuery(null, null, null, null, null) { GroupByCall = true }, Ct);
        Assert.Equal(["old"], page.Items.Select(m => m.Id));
        var entry = Assert.Single(await catalog.ListAddedAfterAsync(0, 10, Ct));
        Assert.Equal(("old", 1L, true), (entry.Manifest.Id, entry.Sequence, entry.Preserved));
    }

    [Fact]
    public async Task ADatabaseTheCatalogMadeBeforeMigrationsKeepsEveryRow()
    {
        // What InitializeAsync created until migrations came: migration 1's tables, no SchemaMigrations.
        await Database.ExecuteAsync(SqlScripts.Read(Database.Dialect.Name + "/migrations/0001_catalog.sql"));
        var catalog = Database.Catalog(_time);
        // The rows as the catalog of that time wrote them (today's also writes the columns later migrations add).
        await InsertAsOfMigration1Async(Manifest("part-1", Now, "9"), seq: 1, groupId: "part-1");
        await InsertAsOfMigration1Async(Manifest("part-2", Now.AddMinutes(5), "9") with { Flags = ["near-end-media-timeout"] }, seq: 2, groupId: "part-1");
        // The tombstone as the code of that time wrote it (today's also erases a data key, a table migration 4 makes).
        await Database.ExecuteAsync(
            "INSERT INTO Tombstones (id, deleted_at, reason) VALUES (@id, @deleted_at, @reason)",
            ("id", CatalogType.Text, "gone"), ("deleted_at", CatalogType.Time, Now), ("reason", CatalogType.Text, "deleted"));
        await catalog.SaveMaintenanceSettingsAsync(MaintenanceSettings.Default, Ct);
        await catalog.AdvanceCheckpointAsync("export", 2, Ct);
        await Database.ExecuteAsync(
            "INSERT INTO RecordingTags (recording_id, tag) VALUES (@id, @tag)", ("id", CatalogType.Text, "part-1"), ("tag", CatalogType.Text, "vip"));

        var applied = await SchemaMigrator.ApplyAsync(Database.Dialect, Database.ConnectionString, _time, Ct);

        Assert.Equal(SchemaMigrator.Load(Database.Dialect).Select(m => m.Version), applied.Select(m => m.Version));
        Assert.Equal(["part-1", "part-2"], (await catalog.GetGroupAsync("part-1", Ct))!.Parts.Select(p => p.Id));
        Assert.Equal([1L, 2L], (await catalog.ListAddedAfterAsync(0, 10, Ct)).Select(e => e.Sequence));
        Assert.Equal(1, await catalog.CountTombstonesAsync(Ct));
        Assert.Equal(MaintenanceSettings.Default, await catalog.GetMaintenanceSettingsAsync(Ct));
        Assert.Equal(2, await catalog.GetCheckpointAsync("export", Ct));
        Assert.Equal("vip", Assert.Single(await Database.RowsAsync("SELECT tag FROM RecordingTags"))[0]);
        // Migration 6 found the problem in the manifest of a row it did not write.
        var problems = await catalog.Stats.ProblemsAsync(Now, Now.AddHours(1), 10, null, Ct);
        Assert.Equal(["part-2"], problems.Newest.Select(p => p.Id));
        Assert.Equal([RecordingProblems.MediaTimeout], problems.Newest[0].Problems);
        // Migration 7 counted the rows it found per day (one call of two recordings) and recorded each recording node's copy.
        var day = new DateTimeOffset(Now.UtcDateTime.Date, TimeSpan.Zero);
        Assert.Equal([new StatsCount(day, 1)], await catalog.Stats.CallsPerBucketAsync(day, day.AddDays(1), 86_400, null, Ct));
        Assert.Equal(new StorageTotals(2, 2, 2), await catalog.Stats.StorageAsync(Now, Ct));
        var replicas = await catalog.Replicas.GetAsync(["part-1", "part-2"], Ct);
        Assert.Equal(["node-a"], replicas["part-1"]);
        Assert.Equal(["node-a"], replicas["part-2"]);
    }

    [Fact]
    public async Task NodesStartingTogetherApplyEachMigrationOnce()
    {
        var starts = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => SchemaMigrator.ApplyAsync(Database.Dialect, Database.ConnectionString, _time, Ct), Ct))
            .ToList();

        var applied = (await Task.WhenAll(starts)).SelectMany(a => a).Select(m => m.Version).ToList();

        var versions = SchemaMigrator.Load(Database.Dialect).Select(m => m.Version).ToList();
        Assert.Equal(versions, applied.Order());
        Assert.Equal(versions, (await RecordedAsync()).Select(r => r.Version));
    }

    [Fact]
    public void MigrationsAreNumberedOnceEachAndAlikeOnBothDatabases()
    {
        var mine = SchemaMigrator.Load(Database.Dialect).Select(m => (m.Version, m.Name));
        var sqlite = SchemaMigrator.Load(SqliteCatalogDialect.Instance).Select(m => (m.Version, m.Name));
        var postgres = SchemaMigrator.Load(PostgresCatalogDialect.Instance).Select(m => (m.Version, m.Name));

        Assert.Equal(sqlite, postgres);
        Assert.Equal(sqlite, mine);
        Assert.Throws<InvalidOperationException>(() => SchemaMigrator.InOrder("test", [new(1, "a", ""), new(2, "b", ""), new(2, "c", "")]));
        Assert.Throws<InvalidOperationException>(() => SchemaMigrator.InOrder("test", [new(1, "a", ""), new(3, "c", "")]));
        Assert.Equal([1, 2], SchemaMigrator.InOrder("test", [new(2, "b", ""), new(1, "a", "")]).Select(m => m.Version));
    }

    /// <summary>Recordings as older releases created it: without preserved and seq, or with them; never with groups.</summary>
    private string OldRecordingsTable(bool maintenanceColumns)
    {
        var sqlite = Database.Dialect == SqliteCatalogDialect.Instance;
        var (time, integer, json) = sqlite ? ("INTEGER", "INTEGER", "TEXT") : ("timestamptz", "bigint", "json");
        var preserved = sqlite ? "INTEGER NOT NULL DEFAULT 0" : "boolean NOT NULL DEFAULT false";
        return $"""
            CREATE TABLE Recordings (id text NOT NULL PRIMARY KEY, started_at {time} NOT NULL, ended_at {time} NOT NULL,
                near_number text NULL, near_device text NULL, far_number text NULL, far_device text NULL, refci text NULL,
                status text NOT NULL, recorded_by text NOT NULL, sha256 text NOT NULL, size_bytes {integer} NOT NULL, manifest {json} NOT NULL
                {(maintenanceColumns ? $", preserved {preserved}, seq {integer} NOT NULL DEFAULT 0" : string.Empty)})
            """;
    }

    private Task InsertOldRowAsync(string id, DateTimeOffset start, string? refci, bool maintenanceColumns)
    {
        var manifest = Manifest(id, start, refci) with { Cucm = null };
        var columns = "id, started_at, ended_at, near_number, refci, status, recorded_by, sha256, size_bytes, manifest"
            + (maintenanceColumns ? ", preserved, seq" : string.Empty);
        var values = "@id, @started_at, @ended_at, @near_number, @refci, 'complete', 'node-a', 'aa', 1, @manifest"
            + (maintenanceColumns ? ", @preserved, 1" : string.Empty);
        return Database.ExecuteAsync(
            $"INSERT INTO Recordings ({columns}) VALUES ({values})",
            ("id", CatalogType.Text, id),
            ("started_at", CatalogType.Time, manifest.StartedAt),
            ("ended_at", CatalogType.Time, manifest.EndedAt),
            ("near_number", CatalogType.Text, manifest.NearEnd.Number),
            ("refci", CatalogType.Text, refci),
            ("manifest", CatalogType.Json, System.Text.Json.JsonSerializer.Serialize(manifest, RecordingJsonContext.Default.RecordingManifest)),
            ("preserved", CatalogType.Boolean, true));
    }

    private async Task<IReadOnlyList<(int Version, string Name, long AppliedAt)>> RecordedAsync() =>
        (await Database.RowsAsync("SELECT version, name, applied_at FROM SchemaMigrations ORDER BY version"))
        .Select(r => (Convert.ToInt32(r[0], CultureInfo.InvariantCulture), (string)r[1], Convert.ToInt64(r[2], CultureInfo.InvariantCulture)))
        .ToList();

    private Task InsertAsOfMigration1Async(RecordingManifest m, long seq, string groupId) => Database.ExecuteAsync(
        "INSERT INTO Recordings (id, started_at, ended_at, near_number, near_device, far_number, far_device, refci, status, recorded_by, sha256, "
        + "size_bytes, manifest, seq, call_key, group_id) VALUES (@id, @started_at, @ended_at, @near_number, NULL, NULL, NULL, @refci, 'complete', "
        + "@recorded_by, @sha256, @size_bytes, @manifest, @seq, @call_key, @group_id)",
        ("id", CatalogType.Text, m.Id), ("started_at", CatalogType.Time, m.StartedAt), ("ended_at", CatalogType.Time, m.EndedAt),
        ("near_number", CatalogType.Text, m.NearEnd.Number), ("refci", CatalogType.Text, m.RefCi), ("recorded_by", CatalogType.Text, m.RecordedBy),
        ("sha256", CatalogType.Text, m.Sha256), ("size_bytes", CatalogType.Integer, m.SizeBytes),
        ("manifest", CatalogType.Json, System.Text.Json.JsonSerializer.Serialize(m, RecordingJsonContext.Default.RecordingManifest)),
        ("seq", CatalogType.Integer, seq), ("call_key", CatalogType.Text, RecordingGroups.CallKey(m)), ("group_id", CatalogType.Text, groupId));

    private static RecordingManifest Manifest(string id, DateTimeOffset start, string? refci) => new()
    {
        Id = id,
        RefCi = refci,
        StartedAt = start,
        EndedAt = start.AddMinutes(1),
        DurationSeconds = 60,
        NearEnd = new RecordingParty { Number = "1001" },
        FarEnd = new RecordingParty(),
        Format = "wav",
        SizeBytes = 1,
        Sha256 = "aa",
        RecordedBy = "node-a",
        Status = RecordingStatus.Complete,
        Cucm = new CucmMetadata { RefCi = refci, NearEndClusterId = "C" },
    };
}
