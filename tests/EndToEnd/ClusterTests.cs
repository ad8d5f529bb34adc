using System.Diagnostics;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Hot standby with real processes sharing one cluster database: roles, a refused second primary, CUCM's route list
/// failing over to the backup when the primary is killed, and not failing over on 404 or 486.
/// </summary>
public sealed class ClusterTests(RouteListStopCluster stopping) : IClassFixture<RouteListStopCluster>
{
    [Fact]
    public async Task ALateBackupSeesEveryRecordingTheClusterViewShowsBothRolesAndASecondPrimaryRefusesToStart()
    {
        var cluster = SharedClusterSettings.Create();
        await using var primary = await RecorderNode.StartAsync(cluster.With("primary"));
        await CallPlacer.PlaceAsync(primary, ["60000001"], toneSeconds: 1, durationMs: 1500);
        await primary.WaitForRecordingsAsync(1);

        // A backup added later finds every existing recording in the (shared) catalog.
        await using var backup = await RecorderNode.StartAsync(cluster.With("backup"));
        Assert.Equal("60000001", (await backup.GetJsonAsync<RecordingList>("/api/recordings")).Items.Single().Refci);

        var view = await WaitForNodesAsync(backup, 2);
        var roles = view.GetProperty("nodes").EnumerateArray()
            .ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("role").GetString());
        Assert.Equal("primary", roles[primary.Name]);
        Assert.Equal("backup", roles[backup.Name]);

        await using var second = await RecorderNode.StartAsync(cluster.With("primary"), wait: StartWait.None);
        await second.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("refuses to start: configured as primary", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithThePrimaryKilledTheRouteListRecordsOnTheBackup()
    {
        var cluster = SharedClusterSettings.Create();
        await using var primary = await RecorderNode.StartAsync(cluster.With("primary"));
        await using var backup = await RecorderNode.StartAsync(cluster.With("backup"));

        var (first, _) = await RouteList.PlaceAsync([primary, backup], "61000001");
        Assert.Same(primary, first);
        // The recording is finalized just after the BYE: let it reach the catalog before the crash.
        await primary.WaitForRecordingsAsync(1);

        primary.Kill();
        var (second, statuses) = await RouteList.PlaceAsync([primary, backup], "61000002");
        Assert.Same(backup, second);
        Assert.Null(statuses[0]);

        // One catalog: the backup lists both calls, each recorded by the node that answered it.
        var list = await backup.WaitForRecordingsAsync(2);
        Assert.True(list.Total == 2, string.Join("\n", list.Items));
        Assert.Equal(primary.Name, list.Items.Single(r => r.Refci == "61000001").RecordedBy);
        Assert.Equal(backup.Name, list.Items.Single(r => r.Refci == "61000002").RecordedBy);
    }

    [Theory]
    [InlineData("198999", 404)] // not a recording user
    [InlineData(RouteListStopCluster.RecordingUser, 486)] // a recording user, but no licensed channel
    public async Task UserUnknownAndNoLicenceStopTheRouteList(string nearNumber, int expected)
    {
        // One cluster for both cases (a node start is most of such a test): the primary answers each by its number.
        var (primary, backup) = await stopping.GetAsync();
        var refci = "6200" + expected.ToString(System.Globalization.CultureInfo.InvariantCulture) + "1";

        var (recordedBy, statuses) = await RouteList.PlaceAsync([primary, backup], refci, nearNumber);
        Assert.Null(recordedBy);
        Assert.Equal([expected], statuses);
        Assert.Equal(0, (await backup.GetJsonAsync<RecordingList>("/api/recordings")).Total);
    }

    private static async Task<System.Text.Json.JsonElement> WaitForNodesAsync(RecorderNode node, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var view = await node.GetJsonAsync<System.Text.Json.JsonElement>("/api/cluster");
            var healthy = view.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("status").GetString() == "healthy");
            if (healthy >= count || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.True(healthy >= count, $"{count} healthy nodes expected: {view}");
                return view;
            }

            await Task.Delay(250);
        }
    }
}
