using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Tests.Integration.Cluster;

/// <summary>Real Orleans silos on the PostgreSQL schema: join, see each other, tick a reminder, leave as Dead.</summary>
public sealed class PostgresOrleansClusterTests : IAsyncLifetime
{
    private const int Active = 3;
    private const int Dead = 6;
    private const string ServiceId = "recorder-tests";

    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
    private PostgresTestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task TwoSilosJoinTickAReminderAndLeaveAsDead()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = _database.ConnectionString;
        await PostgresClusterSchema.ApplyAsync(connectionString, ct);
        var ticks = new ReminderTicks();

        using var nodeA = await StartSiloAsync("node-a", connectionString, ticks, ct);
        Assert.Equal([("node-a", Active)], await MembersAsync(connectionString, ct));

        using var nodeB = await StartSiloAsync("node-b", connectionString, ticks, ct);
        Assert.Equal([("node-a", Active), ("node-b", Active)], await MembersAsync(connectionString, ct));
        await WaitUntilAsync(() => ActiveCount(nodeA) == 2 && ActiveCount(nodeB) == 2, "both silos see two active members", ct);

        var grain = nodeA.Services.GetRequiredService<IGrainFactory>().GetGrain<IReminderProbeGrain>("probe-1");
        await grain.StartAsync();
        Assert.Equal("probe-1:probe", await ticks.First.WaitAsync(TimeSpan.FromSeconds(15), ct));
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT GrainId, ReminderName, Period FROM OrleansRemindersTable WHERE ServiceId = @ServiceId", connection);
            command.Parameters.AddWithValue("ServiceId", ServiceId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            Assert.True(await reader.ReadAsync(ct), "the reminder row is in the table");
            Assert.Contains("probe-1", reader.GetString(0), StringComparison.Ordinal);
            Assert.Equal("probe", reader.GetString(1));
            Assert.Equal(1000, reader.GetInt64(2));
        }

        await nodeB.StopAsync(ct);
        Assert.Equal([("node-a", Active), ("node-b", Dead)], await MembersAsync(connectionString, ct));
        await nodeA.StopAsync(ct);
        Assert.Equal([("node-a", Dead), ("node-b", Dead)], await MembersAsync(connectionString, ct));
    }

    private async Task<IHost> StartSiloAsync(string name, string connectionString, ReminderTicks ticks, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(ticks);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = _clusterId;
                o.ServiceId = ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.ConfigureEndpoints(IPAddress.Loopback, IntegrationTestPorts.Band.Next(), IntegrationTestPorts.Band.Next());
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = PostgresClusterSchema.Invariant;
                o.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = PostgresClusterSchema.Invariant;
                o.ConnectionString = connectionString;
            });
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static int ActiveCount(IHost host) =>
        host.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);

    private static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (!condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
        }
    }

    private async Task<List<(string Name, int Status)>> MembersAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT SiloName, Status FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId ORDER BY SiloName",
            connection);
        command.Parameters.AddWithValue("DeploymentId", _clusterId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var members = new List<(string, int)>();
        while (await reader.ReadAsync(ct))
        {
            members.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return members;
    }
}
