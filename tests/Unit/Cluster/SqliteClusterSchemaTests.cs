using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Cluster;

public sealed class SqliteClusterSchemaTests : IDisposable
{
    private static readonly DateTime FixedTime = new(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc);

    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task ApplyingTwiceLeavesAllSixteenQueryKeysAndCreatesTheDirectory()
    {
        var connectionString = SqliteClusterSchema.ConnectionStringFor(Path.Combine(_directory.Path, "not", "yet"));

        await SqliteClusterSchema.ApplyAsync(connectionString, TestContext.Current.CancellationToken);
        await SqliteClusterSchema.ApplyAsync(connectionString, TestContext.Current.CancellationToken);

        Assert.True(File.Exists(Path.Combine(_directory.Path, "not", "yet", "cluster.db")));
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var keys = await Strings(connection, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey");
        Assert.Equal([.. OrleansQueryKeys.Clustering.Concat(OrleansQueryKeys.Reminders).Order(StringComparer.Ordinal)], keys);
        var tables = await Strings(connection, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        Assert.Equal(["OrleansMembershipTable", "OrleansMembershipVersionTable", "OrleansQuery", "OrleansRemindersTable"], tables);
        Assert.Equal(["wal"], await Strings(connection, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task QueryTextsKeepTheirInnerStatementSeparators()
    {
        var connectionString = SqliteClusterSchema.ConnectionStringFor(_directory.Path);
        await SqliteClusterSchema.ApplyAsync(connectionString, TestContext.Current.CancellationToken);

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var insert = Assert.Single(await Strings(connection, "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'InsertMembershipKey'"));
        Assert.Contains("BEGIN IMMEDIATE;", insert, StringComparison.Ordinal);
        Assert.Contains("COMMIT;", insert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MembershipVersionIsBumpedOnlyWhenTheReadVersionMatches()
    {
        var connectionString = SqliteClusterSchema.ConnectionStringFor(_directory.Path);
        await SqliteClusterSchema.ApplyAsync(connectionString, TestContext.Current.CancellationToken);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(1L, await RunQuery(connection, "InsertMembershipVersionKey", new() { ["DeploymentId"] = "c" }, ct));
        Assert.Equal(0L, await RunQuery(connection, "InsertMembershipVersionKey", new() { ["DeploymentId"] = "c" }, ct));

        Dictionary<string, object?> Row(int version) => new()
        {
            ["DeploymentId"] = "c", ["Address"] = "127.0.0.1", ["Port"] = 11111, ["Generation"] = 1, ["SiloName"] = "a",
            ["HostName"] = "h", ["Status"] = 3, ["ProxyPort"] = 30000, ["StartTime"] = FixedTime,
            ["IAmAliveTime"] = FixedTime, ["Version"] = version, ["SuspectTimes"] = null,
        };

        Assert.Equal(0L, await RunQuery(connection, "InsertMembershipKey", Row(version: 5), ct)); // stale version
        Assert.Equal(0L, Assert.Single(await Longs(connection, "SELECT COUNT(*) FROM OrleansMembershipTable")));
        Assert.Equal(1L, await RunQuery(connection, "InsertMembershipKey", Row(version: 0), ct));
        Assert.Equal(0L, await RunQuery(connection, "InsertMembershipKey", Row(version: 1), ct)); // already there
        Assert.Equal(1L, Assert.Single(await Longs(connection, "SELECT Version FROM OrleansMembershipVersionTable")));

        var update = Row(version: 1);
        update["Status"] = 6;
        Assert.Equal(0L, await RunQuery(connection, "UpdateMembershipKey", Row(version: 0), ct)); // stale version
        Assert.Equal(1L, await RunQuery(connection, "UpdateMembershipKey", update, ct));
        Assert.Equal(6L, Assert.Single(await Longs(connection, "SELECT Status FROM OrleansMembershipTable")));
        Assert.Equal(2L, Assert.Single(await Longs(connection, "SELECT Version FROM OrleansMembershipVersionTable")));

        var missing = Row(version: 2);
        missing["Generation"] = 99;
        Assert.Equal(0L, await RunQuery(connection, "UpdateMembershipKey", missing, ct)); // no such row: no bump
        Assert.Equal(2L, Assert.Single(await Longs(connection, "SELECT Version FROM OrleansMembershipVersionTable")));
    }

    [Fact]
    public async Task ReminderUpsertReturnsTheNewVersionAndDeleteChecksIt()
    {
        var connectionString = SqliteClusterSchema.ConnectionStringFor(_directory.Path);
        await SqliteClusterSchema.ApplyAsync(connectionString, TestContext.Current.CancellationToken);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;
        Dictionary<string, object?> Reminder() => new()
        {
            ["ServiceId"] = "s", ["GrainId"] = "g/1", ["ReminderName"] = "r", ["StartTime"] = FixedTime,
            ["Period"] = 60_000, ["GrainHash"] = -5,
        };

        Assert.Equal(0L, await RunQuery(connection, "UpsertReminderRowKey", Reminder(), ct));
        Assert.Equal(1L, await RunQuery(connection, "UpsertReminderRowKey", Reminder(), ct));

        var range = new Dictionary<string, object?> { ["ServiceId"] = "s", ["BeginHash"] = -10, ["EndHash"] = 0 };
        Assert.Equal("g/1", await RunQuery(connection, "ReadRangeRows1Key", range, ct));
        var wrapping = new Dictionary<string, object?> { ["ServiceId"] = "s", ["BeginHash"] = 100, ["EndHash"] = -6 };
        Assert.Null(await RunQuery(connection, "ReadRangeRows2Key", wrapping, ct));

        var delete = new Dictionary<string, object?> { ["ServiceId"] = "s", ["GrainId"] = "g/1", ["ReminderName"] = "r", ["Version"] = 0 };
        Assert.Equal(0L, await RunQuery(connection, "DeleteReminderRowKey", delete, ct));
        delete["Version"] = 1;
        Assert.Equal(1L, await RunQuery(connection, "DeleteReminderRowKey", delete, ct));
    }

    [Fact]
    public void ConnectionStringPointsAtClusterDatabaseInTheDataDirectory()
    {
        var builder = new SqliteConnectionStringBuilder(SqliteClusterSchema.ConnectionStringFor(_directory.Path));

        Assert.Equal(Path.Combine(_directory.Path, "cluster.db"), builder.DataSource);
        Assert.Equal(30, builder.DefaultTimeout);
    }

    /// <summary>Runs a stored query the way Orleans does (unprefixed parameters) and returns the first column of the first row.</summary>
    private static async Task<object?> RunQuery(SqliteConnection connection, string key, Dictionary<string, object?> parameters, CancellationToken ct)
    {
        await using var lookup = connection.CreateCommand();
        lookup.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = $key";
        lookup.Parameters.AddWithValue("$key", key);
        var text = (string)(await lookup.ExecuteScalarAsync(ct))!;
        await using var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name, Value = value ?? DBNull.Value });
        }

        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetValue(0) : null;
    }

    private static async Task<List<string>> Strings(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private static async Task<List<long>> Longs(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var values = new List<long>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }
}
