using System.Data;
using Npgsql;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Tests.Integration.Cluster;

/// <summary>The PostgreSQL Orleans schema (<c>infra/sql/postgres/</c>), each test in a fresh database.</summary>
public sealed class PostgresClusterSchemaTests : IAsyncLifetime
{
    private static readonly DateTime FixedTime = new(2026, 7, 1, 12, 0, 0, DateTimeKind.Utc);

    private PostgresTestDatabase _database = null!;

    private string ConnectionString => _database.ConnectionString;

    public async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ApplyingTwiceLeavesAllSixteenQueryKeysAndTheTables()
    {
        var ct = TestContext.Current.CancellationToken;

        await PostgresClusterSchema.ApplyAsync(ConnectionString, ct);
        await PostgresClusterSchema.ApplyAsync(ConnectionString, ct);

        await using var connection = await OpenAsync(ct);
        var keys = await Strings(connection, "SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\"", ct);
        Assert.Equal(
            [.. OrleansQueryKeys.Clustering.Concat(OrleansQueryKeys.Reminders).Order(StringComparer.Ordinal)],
            keys);
        var tables = await Strings(
            connection,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
            ct);
        Assert.Equal(["orleansmembershiptable", "orleansmembershipversiontable", "orleansquery", "orleansreminderstable"], tables);
    }

    [Fact]
    public async Task NodesApplyingTogetherDoNotRace()
    {
        var ct = TestContext.Current.CancellationToken;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresClusterSchema.ApplyAsync(ConnectionString, ct)));

        await using var connection = await OpenAsync(ct);
        Assert.Equal(["16"], await Strings(connection, "SELECT COUNT(*)::text FROM OrleansQuery", ct));
    }

    [Fact]
    public async Task MembershipVersionIsBumpedOnlyWhenTheReadVersionMatches()
    {
        var ct = TestContext.Current.CancellationToken;
        await PostgresClusterSchema.ApplyAsync(ConnectionString, ct);
        await using var connection = await OpenAsync(ct);

        Assert.Equal(1, await RunScalar(connection, "InsertMembershipVersionKey", new() { ["DeploymentId"] = "c" }, ct));
        Assert.Equal(0, await RunScalar(connection, "InsertMembershipVersionKey", new() { ["DeploymentId"] = "c" }, ct));

        Dictionary<string, object?> Row(int version) => new()
        {
            ["DeploymentId"] = "c", ["Address"] = "127.0.0.1", ["Port"] = 11111, ["Generation"] = 1, ["SiloName"] = "a",
            ["HostName"] = "h", ["Status"] = 3, ["ProxyPort"] = 30000, ["StartTime"] = FixedTime,
            ["IAmAliveTime"] = FixedTime, ["Version"] = version,
        };

        Assert.Equal(0, await RunScalar(connection, "InsertMembershipKey", Row(version: 5), ct)); // stale version
        Assert.Equal(["0"], await Strings(connection, "SELECT COUNT(*)::text FROM OrleansMembershipTable", ct));
        Assert.Equal(1, await RunScalar(connection, "InsertMembershipKey", Row(version: 0), ct));
        Assert.Equal(0, await RunScalar(connection, "InsertMembershipKey", Row(version: 1), ct)); // already there
        Assert.Equal(["1"], await Strings(connection, "SELECT Version::text FROM OrleansMembershipVersionTable", ct));

        Dictionary<string, object?> Update(int version, int generation) => new()
        {
            ["DeploymentId"] = "c", ["Address"] = "127.0.0.1", ["Port"] = 11111, ["Generation"] = generation,
            ["Status"] = 6, ["SuspectTimes"] = null, ["IAmAliveTime"] = FixedTime.AddSeconds(5), ["Version"] = version,
        };

        Assert.Equal(0, await RunScalar(connection, "UpdateMembershipKey", Update(version: 0, generation: 1), ct)); // stale
        Assert.Equal(1, await RunScalar(connection, "UpdateMembershipKey", Update(version: 1, generation: 1), ct));
        Assert.Equal(["6"], await Strings(connection, "SELECT Status::text FROM OrleansMembershipTable", ct));
        Assert.Equal(["2"], await Strings(connection, "SELECT Version::text FROM OrleansMembershipVersionTable", ct));
        Assert.Equal(0, await RunScalar(connection, "UpdateMembershipKey", Update(version: 2, generation: 99), ct)); // no row
        Assert.Equal(["2"], await Strings(connection, "SELECT Version::text FROM OrleansMembershipVersionTable", ct));

        var heartbeat = new Dictionary<string, object?>
        {
            ["DeploymentId"] = "c", ["Address"] = "127.0.0.1", ["Port"] = 11111, ["Generation"] = 1,
            ["IAmAliveTime"] = FixedTime.AddMinutes(1),
        };
        await RunScalar(connection, "UpdateIAmAlivetimeKey", heartbeat, ct);
        Assert.Equal(["2"], await Strings(connection, "SELECT Version::text FROM OrleansMembershipVersionTable", ct));
    }

    [Fact]
    public async Task ReadAllReturnsTheVersionRowWithNullSiloColumnsReadByTheirMixedCaseNames()
    {
        var ct = TestContext.Current.CancellationToken;
        await PostgresClusterSchema.ApplyAsync(ConnectionString, ct);
        await using var connection = await OpenAsync(ct);
        await RunScalar(connection, "InsertMembershipVersionKey", new() { ["DeploymentId"] = "c" }, ct);

        await using var command = await StoredQuery(connection, "MembershipReadAllKey", new() { ["DeploymentId"] = "c" }, ct);
        await using var reader = await command.ExecuteReaderAsync(ct);

        Assert.True(await reader.ReadAsync(ct));
        Assert.True(reader.IsDBNull(reader.GetOrdinal("StartTime")));
        Assert.True(reader.IsDBNull(reader.GetOrdinal("SuspectTimes")));
        Assert.Equal(0, reader.GetInt32(reader.GetOrdinal("Version")));
        Assert.False(await reader.ReadAsync(ct));
    }

    [Fact]
    public async Task ReminderUpsertReturnsTheNewVersionAndDeleteChecksIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await PostgresClusterSchema.ApplyAsync(ConnectionString, ct);
        await using var connection = await OpenAsync(ct);
        Dictionary<string, object?> Reminder(object period) => new()
        {
            ["ServiceId"] = "s", ["GrainId"] = "g/1", ["ReminderName"] = "r", ["StartTime"] = FixedTime,
            ["Period"] = period, ["GrainHash"] = -5,
        };

        Assert.Equal(0, await RunScalar(connection, "UpsertReminderRowKey", Reminder(60_000), ct));
        Assert.Equal(1, await RunScalar(connection, "UpsertReminderRowKey", Reminder(3_000_000_000L), ct)); // long period

        var row = new Dictionary<string, object?> { ["ServiceId"] = "s", ["GrainId"] = "g/1", ["ReminderName"] = "r" };
        await using (var command = await StoredQuery(connection, "ReadReminderRowKey", row, ct))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            Assert.True(await reader.ReadAsync(ct));
            Assert.Equal(3_000_000_000L, reader.GetInt64(reader.GetOrdinal("Period")));
            Assert.Equal(FixedTime, reader.GetDateTime(reader.GetOrdinal("StartTime")));
            Assert.Equal(DateTimeKind.Utc, reader.GetDateTime(reader.GetOrdinal("StartTime")).Kind);
            Assert.Equal(1, reader.GetInt32(reader.GetOrdinal("Version")));
        }

        var range = new Dictionary<string, object?> { ["ServiceId"] = "s", ["BeginHash"] = -10, ["EndHash"] = 0 };
        Assert.Equal("g/1", await RunScalar(connection, "ReadRangeRows1Key", range, ct));
        var wrapping = new Dictionary<string, object?> { ["ServiceId"] = "s", ["BeginHash"] = 100, ["EndHash"] = -6 };
        Assert.Null(await RunScalar(connection, "ReadRangeRows2Key", wrapping, ct));
        wrapping["EndHash"] = -5;
        Assert.Equal("g/1", await RunScalar(connection, "ReadRangeRows2Key", wrapping, ct));

        var delete = new Dictionary<string, object?> { ["ServiceId"] = "s", ["GrainId"] = "g/1", ["ReminderName"] = "r", ["Version"] = 0 };
        Assert.Equal(0, await RunScalar(connection, "DeleteReminderRowKey", delete, ct));
        delete["Version"] = 1;
        Assert.Equal(1, await RunScalar(connection, "DeleteReminderRowKey", delete, ct));
    }

    /// <summary>
    /// Prepares a stored query the way Orleans does: the text from OrleansQuery, unprefixed parameters with a DbType
    /// from the CLR type (String, Int32, Int64, DateTime).
    /// </summary>
    private static async Task<NpgsqlCommand> StoredQuery(
        NpgsqlConnection connection, string key, Dictionary<string, object?> parameters, CancellationToken ct)
    {
        await using var lookup = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection);
        lookup.Parameters.AddWithValue("key", key);
        var text = (string)(await lookup.ExecuteScalarAsync(ct))!;
        var command = new NpgsqlCommand(text, connection);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            parameter.DbType = value switch
            {
                int => DbType.Int32,
                long => DbType.Int64,
                DateTime => DbType.DateTime,
                _ => DbType.String,
            };
            command.Parameters.Add(parameter);
        }

        return command;
    }

    /// <summary>Runs a stored query and returns the first column of the first row (null when there is none).</summary>
    private static async Task<object?> RunScalar(
        NpgsqlConnection connection, string key, Dictionary<string, object?> parameters, CancellationToken ct)
    {
        await using var command = await StoredQuery(connection, key, parameters, ct);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? reader.GetValue(0) : null;
    }

    private static async Task<List<string>> Strings(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var values = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
