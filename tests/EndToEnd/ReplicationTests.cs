using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Tests.EndToEnd.Harness;
using OrleansRecorder.Tests.Unit.Storage;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Replication with real processes: two nodes sharing one SQLite cluster database and one Azurite container; a call
/// recorded on the primary reaches the backup's disk and the shared store with the same SHA-256, and a node started
/// later catches up every existing recording.
/// </summary>
public sealed class ReplicationTests
{
    private static readonly TimeSpan ReplicaDeadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ARecordingReachesTheBackupAndTheSharedStoreAndALateNodeCatchesUp()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await ReplicatedCluster.CreateAsync();
        await using var primary = await RecorderNode.StartAsync(cluster.With("primary"));
        await using var backup = await RecorderNode.StartAsync(cluster.With("backup"));
        await WaitForActiveNodesAsync(backup, 2);

        var timings = new List<string>();
        var recordings = new List<RecordingView>();
        for (var i = 1; i <= 2; i++)
        {
            var refci = "6300000" + i.ToString(CultureInfo.InvariantCulture);
            var (recordedBy, statuses) = await RouteList.PlaceAsync([primary, backup], refci);
            Assert.True(recordedBy == primary, $"call {refci}: {string.Join(", ", statuses)}");
            var afterBye = Stopwatch.StartNew();
            var recording = (await primary.WaitForRecordingsAsync(i)).Items.Single(r => r.Refci == refci);
            recordings.Add(recording);

            await WaitForAsync($"{recording.Id} on {backup.Name}'s disk", () => Task.FromResult(OnDisk(backup, recording)), backup);
            var onBackup = afterBye.Elapsed;
            await WaitForAsync($"{recording.Id} in the shared store", () => InSharedStoreAsync(cluster, recording, ct), primary);
            var inShared = afterBye.Elapsed;
            timings.Add($"{refci}: BYE→backup disk {onBackup.TotalMilliseconds:F0} ms, BYE→shared store {inShared.TotalMilliseconds:F0} ms");
        }

        // A third node, started later, receives every existing recording (pull by itself, push by the others).
        await using var late = await RecorderNode.StartAsync(cluster.With("backup"));
        var catchUp = Stopwatch.StartNew();
        foreach (var recording in recordings)
        {
            await WaitForAsync($"{recording.Id} caught up on {late.Name}", () => Task.FromResult(OnDisk(late, recording)), late);
        }

        timings.Add($"late node ready→all {recordings.Count} recordings on disk {catchUp.Elapsed.TotalMilliseconds:F0} ms");
        foreach (var line in timings)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }

        await File.AppendAllLinesAsync(Path.Combine(Path.GetTempPath(), "orleans-recorder-replication-timings.txt"),
            [$"{DateTimeOffset.UtcNow:O}", .. timings], ct);
    }

    [Fact]
    public async Task ADeletedRecordingLeavesEveryStoreAndADownNodeDoesNotBringItBack()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await ReplicatedCluster.CreateAsync();
        await using var primary = await RecorderNode.StartAsync(cluster.With("primary"));
        var backupData = Directory.CreateTempSubdirectory("recorder-e2e-").FullName;
        var backupName = "backup-" + Guid.NewGuid().ToString("N")[..8];
        var backup = await RecorderNode.StartAsync(cluster.With("backup"), backupData, name: backupName);
        await WaitForActiveNodesAsync(backup, 2);

        Assert.Same(primary, (await RouteList.PlaceAsync([primary, backup], "64000001")).RecordedBy);
        var recording = (await primary.WaitForRecordingsAsync(1)).Items.Single();
        await WaitForAsync($"{recording.Id} on the backup", () => Task.FromResult(OnDisk(backup, recording)), backup);
        await WaitForAsync($"{recording.Id} in the shared store", () => InSharedStoreAsync(cluster, recording, ct), primary);

        // The backup is down while the recording is deleted.
        backup.Kill();
        await backup.DisposeAsync();
        using (var deleted = await primary.Http.DeleteAsync($"/api/recordings/{recording.Id}", ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.False(OnDisk(primary, recording));
        Assert.False(await InSharedStoreAsync(cluster, recording, ct));
        using (var gone = await primary.Http.GetAsync($"/api/recordings/{recording.Id}", ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        }

        // It comes back with its old copy: the tombstone removes it, and no store gets it again.
        await using var returned = await RecorderNode.StartAsync(cluster.With("backup"), backupData, name: backupName);
        await WaitForAsync($"{recording.Id} swept from the returned backup", () => Task.FromResult(!OnDisk(returned, recording)), returned);
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        Assert.False(OnDisk(primary, recording));
        Assert.False(await InSharedStoreAsync(cluster, recording, ct));
        Assert.Equal(0, (await returned.GetJsonAsync<RecordingList>("/api/recordings")).Total);
    }

    /// <summary>True when the node's store has the audio with the catalog's SHA-256 and the manifest beside it.</summary>
    private static bool OnDisk(RecorderNode node, RecordingView recording)
    {
        var folder = Path.Combine(node.DataDirectory, "recordings", recording.StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture));
        var audio = Path.Combine(folder, recording.Id + "." + recording.Format);
        if (!File.Exists(Path.Combine(folder, recording.Id + ".json")) || !File.Exists(audio))
        {
            return false;
        }

        using var stream = File.OpenRead(audio);
        return Convert.ToHexStringLower(SHA256.HashData(stream)) == recording.Sha256;
    }

    private static async Task<bool> InSharedStoreAsync(ReplicatedCluster cluster, RecordingView recording, CancellationToken ct)
    {
        var store = new AzureBlobSharedStore(cluster.SharedStore, cluster.Container);
        var folder = "recordings/" + recording.StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture);
        var info = await store.GetInfoAsync($"{folder}/{recording.Id}.{recording.Format}", ct);
        if (info is null || info.Sha256 != recording.Sha256 || !await store.ExistsAsync($"{folder}/{recording.Id}.json", ct))
        {
            return false;
        }

        using var downloaded = new MemoryStream();
        await store.DownloadToAsync($"{folder}/{recording.Id}.{recording.Format}", downloaded, ct);
        downloaded.Position = 0;
        return Convert.ToHexStringLower(SHA256.HashData(downloaded)) == recording.Sha256;
    }

    private static async Task WaitForAsync(string what, Func<Task<bool>> condition, RecorderNode node)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > ReplicaDeadline)
            {
                throw new TimeoutException($"Phase 'replica': {what} not there after {ReplicaDeadline}.\n{node.Output}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task WaitForActiveNodesAsync(RecorderNode node, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var view = await node.GetJsonAsync<System.Text.Json.JsonElement>("/api/cluster");
            var healthy = view.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("status").GetString() == "healthy");
            if (healthy >= count || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                Assert.True(healthy >= count, $"{count} healthy nodes expected: {view}");
                return;
            }

            await Task.Delay(250);
        }
    }

    private sealed record ReplicatedCluster(string ConnectionString, string ClusterId, string SharedStore, string Container)
    {
        public static async Task<ReplicatedCluster> CreateAsync()
        {
            var directory = Directory.CreateTempSubdirectory("recorder-replication-").FullName;
            return new ReplicatedCluster(
                $"Data Source={Path.Combine(directory, "cluster.db")};Default Timeout=30;Pooling=True",
                "c" + Guid.NewGuid().ToString("N")[..8],
                await AzuriteServer.ConnectionStringAsync(),
                "e2e" + Guid.NewGuid().ToString("N")[..12]);
        }

        public Dictionary<string, string> With(string role) => new()
        {
            ["Recorder__Cluster__ConnectionString"] = ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Recorder__Node__Role"] = role,
            ["Recorder__SharedStore__ConnectionString"] = SharedStore,
            ["Recorder__SharedStore__Container"] = Container,
            ["Recorder__Replication__ReconcileInterval"] = "00:00:05",
            ["Logging__LogLevel__OrleansRecorder.Silo.Storage"] = "Information",
        };
    }
}
