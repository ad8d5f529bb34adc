using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Tests.EndToEnd.Harness;
using OrleansRecorder.Tests.Integration.Storage;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Replication with real processes: two nodes sharing one SQLite cluster database and one Azurite container; a call
/// recorded on the primary reaches the backup's disk and the shared store with the same SHA-256, and a node started
/// later catches up every existing recording.
/// </summary>
public sealed class ReplicationTests
{
    private static readonly TimeSpan ReplicaDeadline = TimeSpan.FromSeconds(20);

    /// <summary>How soon after a copy lands the API must list it.</summary>
    private static readonly TimeSpan ListedWithin = TimeSpan.FromSeconds(2);

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

        // The bandwidth figure for planning (issue: bytes per recorded hour in GET /api/cluster): over the two
        // recordings, which are all the catalog holds; the peak is that times the licensed channels of a node.
        var view = await backup.GetJsonAsync<System.Text.Json.JsonElement>("/api/cluster");
        var bandwidth = view.GetProperty("bandwidth");
        var expected = recordings.Sum(r => (double)r.SizeBytes) * 3600 / recordings.Sum(r => r.DurationSeconds);
        var channels = view.GetProperty("nodes").EnumerateArray().Max(n => n.GetProperty("licensedChannels").GetInt32());
        Assert.Equal(2, bandwidth.GetProperty("sampleRecordings").GetInt32());
        Assert.InRange(bandwidth.GetProperty("bytesPerRecordedHour").GetDouble(), expected - 1, expected + 1);
        Assert.InRange(bandwidth.GetProperty("bytesPerRecordedHour").GetDouble(), 115_200_000, 116_000_000); // WAV: 32,000 B/s + headers
        Assert.True(channels > 0, view.ToString());
        Assert.InRange(bandwidth.GetProperty("peakBytesPerHour").GetDouble(), (expected * channels) - channels, (expected * channels) + channels);

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

    [Fact]
    public async Task RecordingsMadeWhileTheSharedStoreIsDownReachItExactlyOnceWhenItReturns()
    {
        var ct = TestContext.Current.CancellationToken;
        // Its own Azurite: stopping the shared one on port 10000 would break every other test using it.
        await using var azurite = await PrivateAzurite.StartAsync();
        var cluster = await ReplicatedCluster.CreateAsync(azurite.ConnectionString);
        await using var primary = await RecorderNode.StartAsync(cluster.With("primary"));
        await using var backup = await RecorderNode.StartAsync(cluster.With("backup"));
        await WaitForActiveNodesAsync(backup, 2);

        await CallPlacer.PlaceAsync(primary, ["65000001"], durationMs: 1500, toneSeconds: 1);
        var before = (await primary.WaitForRecordingsAsync(1)).Items.Single();
        await WaitForAsync($"{before.Id} in the shared store", () => InSharedStoreAsync(cluster, before, ct), primary);

        await azurite.StopAsync();
        Assert.False(azurite.IsRunning);
        await CallPlacer.PlaceAsync(primary, ["65000002", "65000003"], durationMs: 1500, toneSeconds: 1);
        var all = (await primary.WaitForRecordingsAsync(3)).Items;
        var during = all.Where(r => r.Id != before.Id).ToList();
        Assert.Equal(2, during.Count);
        foreach (var recording in during)
        {
            // Node-to-node replication does not wait for the shared store.
            await WaitForAsync($"{recording.Id} on {backup.Name}'s disk while the shared store is down", () => Task.FromResult(OnDisk(backup, recording)), backup);
        }

        await azurite.RestartAsync();
        var back = Stopwatch.StartNew();
        foreach (var recording in during)
        {
            await WaitForAsync($"{recording.Id} in the shared store after it returned", () => InSharedStoreAsync(cluster, recording, ct), primary);
        }

        await RecordTimingAsync($"shared store back → both recordings made during the outage in it: {back.Elapsed.TotalMilliseconds:F0} ms", ct);
        Assert.True(await InSharedStoreAsync(cluster, before, ct), $"{before.Id}, stored before the outage, is gone from the shared store.");
        Assert.Equal(ExpectedBlobs(all), await SharedBlobNamesAsync(cluster, ct));
        Assert.Equal(3, (await backup.GetJsonAsync<RecordingList>("/api/recordings")).Total);
        foreach (var node in new[] { primary, backup })
        {
            AssertStoreHoldsExactly(node, all);
        }
    }

    [Fact]
    public async Task ANodeKilledMidTransferEndsWithEveryRecordingExactlyOnceEverywhere()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await ReplicatedCluster.CreateAsync();
        // Catch-up (what a late node gets) at 64 KiB/s, so a 4 s WAV recording (128 KB, three chunks) takes about 2 s
        // to copy and the kill lands mid-file; live copies are not limited, so the shared store has everything at once.
        var settings = cluster.With("primary");
        settings["Recorder__Replication__BytesPerSecond"] = "65536";
        await using var primary = await RecorderNode.StartAsync(settings);
        await CallPlacer.PlaceAsync(primary, ["66000001", "66000002", "66000003"], durationMs: 4000, toneSeconds: 4);
        var recordings = (await primary.WaitForRecordingsAsync(3)).Items;
        foreach (var recording in recordings)
        {
            await WaitForAsync($"{recording.Id} in the shared store", () => InSharedStoreAsync(cluster, recording, ct), primary);
        }

        var lateData = Directory.CreateTempSubdirectory("recorder-e2e-").FullName;
        var lateName = "late-" + Guid.NewGuid().ToString("N")[..8];
        var lateSettings = cluster.With("backup");
        lateSettings["Recorder__Replication__BytesPerSecond"] = "65536";
        var late = await RecorderNode.StartAsync(lateSettings, lateData, StartWait.None, lateName);
        string part;
        try
        {
            part = await WaitForPartialFileAsync(late, recordings);
        }
        finally
        {
            late.Kill();
            await late.DisposeAsync();
        }

        var partId = Path.GetFileName(part).Split('.')[0];
        var killedAt = new FileInfo(part).Exists ? new FileInfo(part).Length : -1;
        await RecordTimingAsync($"killed {lateName} with {Path.GetFileName(part)} at {killedAt} bytes", ct);
        Assert.False(OnDisk(lateData, recordings.Single(r => r.Id == partId)), "The kill came after the transfer had finished.");

        var restart = Stopwatch.StartNew();
        await using var returned = await RecorderNode.StartAsync(lateSettings, lateData, name: lateName);
        foreach (var recording in recordings)
        {
            await WaitForAsync($"{recording.Id} on the restarted {lateName}", () => Task.FromResult(OnDisk(returned, recording)), returned, TimeSpan.FromSeconds(40));
        }

        await RecordTimingAsync($"restart of the killed node → all {recordings.Count} recordings on it: {restart.Elapsed.TotalMilliseconds:F0} ms", ct);
        foreach (var node in new[] { primary, returned })
        {
            AssertStoreHoldsExactly(node, recordings);
            Assert.Equal(3, (await node.GetJsonAsync<RecordingList>("/api/recordings")).Total);
        }

        Assert.Equal(ExpectedBlobs(recordings), await SharedBlobNamesAsync(cluster, ct));
        var expected = new[] { lateName, primary.Name }.Order(StringComparer.Ordinal).Append(ReplicaLocator.Shared).ToList();
        await WaitForAsync("the catalog listing every replica", async () =>
            (await returned.GetJsonAsync<RecordingList>("/api/recordings")).Items.All(r => r.Replicas.SequenceEqual(expected)), returned);
    }

    /// <summary>
    /// Issue #18 item 5: a recording's replicas are what landed, recorded as each copy lands: the API lists the backup's
    /// copy and the shared store's within <see cref="ListedWithin"/> of their landing (the probe it replaced cached its
    /// first answer for 5 s), a page of recordings costs one catalog query for all their replicas
    /// (<c>recorder_catalog_queries_total{query="replicas"}</c>, not a call per recording), and the dashboard shows the
    /// replication lag per node and to the shared store (Chromium, through the DOM).
    /// </summary>
    [Fact]
    public async Task ACopyIsListedAsSoonAsItLandsAPageIsOneCatalogQueryAndTheDashboardShowsTheLag()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Password = "Repl1cas-as-they-are";
        var cluster = await ReplicatedCluster.CreateAsync();
        var primarySettings = cluster.With("primary");
        primarySettings["Recorder__Auth__InitialAdminPassword"] = Password;
        await using var primary = await RecorderNode.StartAsync(primarySettings);
        await using var backup = await RecorderNode.StartAsync(cluster.With("backup"));
        await WaitForActiveNodesAsync(backup, 2);

        await CallPlacer.PlaceAsync(primary, ["67000001", "67000002", "67000003"], durationMs: 1500, toneSeconds: 1);
        var recordings = (await primary.WaitForRecordingsAsync(3)).Items;
        var expected = new[] { backup.Name, primary.Name }.Order(StringComparer.Ordinal).Append(ReplicaLocator.Shared).ToList();
        foreach (var recording in recordings)
        {
            await WaitForAsync($"{recording.Id} on {backup.Name}'s disk", () => Task.FromResult(OnDisk(backup, recording)), backup);
            var landed = Stopwatch.StartNew();
            await WaitForAsync($"{recording.Id} listed on {backup.Name}", async () => (await ReplicasAsync(primary, recording)).Contains(backup.Name), primary, ListedWithin);
            var listedAfter = landed.Elapsed;
            await WaitForAsync($"{recording.Id} in the shared store", () => InSharedStoreAsync(cluster, recording, ct), primary);
            landed.Restart();
            await WaitForAsync($"{recording.Id} listed in the shared store", async () => (await ReplicasAsync(primary, recording)).Contains(ReplicaLocator.Shared), primary, ListedWithin);
            await RecordTimingAsync($"{recording.Id}: on {backup.Name}'s disk → listed {listedAfter.TotalMilliseconds:F0} ms, in the shared store → listed {landed.Elapsed.TotalMilliseconds:F0} ms", ct);
            Assert.Equal(expected, await ReplicasAsync(backup, recording));
        }

        // A page of three recordings: one query for their replicas, one search (no call to a node or the shared store).
        var replicasBefore = await CatalogQueriesAsync(primary, "replicas", ct);
        var searchesBefore = await CatalogQueriesAsync(primary, "search", ct);
        var page = await primary.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100");
        Assert.Equal(3, page.Items.Count);
        Assert.All(page.Items, r => Assert.Equal(expected, r.Replicas));
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // past the exporter's scrape cache
        Assert.Equal(1, await CatalogQueriesAsync(primary, "replicas", ct) - replicasBefore);
        Assert.Equal(1, await CatalogQueriesAsync(primary, "search", ct) - searchesBefore);

        // The dashboard: three copies landed on the backup and in the shared store in the last hour, none missing; the
        // primary's own copies are not replication.
        await using var browser = await ChromiumPage.LaunchAsync();
        await browser.GotoAsync($"http://127.0.0.1:{primary.HttpPort}/");
        await browser.WaitForSelectorAsync("#login-form");
        await browser.FillAsync("#login-user", "admin");
        await browser.FillAsync("#login-password", Password);
        await browser.ClickAsync("#login-form button[type=submit]");
        await browser.WaitForSelectorAsync("#panel-storage[data-loaded='true'] #storage-table");
        const string Cell = "([row, cell, key]) => document.querySelector(`#storage-table tr[data-node='${row}'] td.${cell}`)?.dataset[key] ?? 'absent'";
        async Task<string> CellAsync(string row, string cell, string key) =>
            await browser.EvaluateAsync($"arg => ({Cell})(JSON.parse(arg))", System.Text.Json.JsonSerializer.Serialize(new[] { row, cell, key }));
        foreach (var location in new[] { backup.Name, ReplicaLocator.Shared })
        {
            Assert.Equal("3", await CellAsync(location, "lag", "landings"));
            var median = double.Parse(await CellAsync(location, "lag", "median"), CultureInfo.InvariantCulture);
            var max = double.Parse(await CellAsync(location, "lag", "max"), CultureInfo.InvariantCulture);
            Assert.InRange(median, 0, max);
            Assert.InRange(max, median, ReplicaDeadline.TotalSeconds);
            Assert.Equal("", await CellAsync(location, "missing", "id"));
        }

        Assert.Equal("0", await CellAsync(primary.Name, "lag", "landings"));
        Assert.Equal("", await CellAsync(primary.Name, "missing", "id"));
    }

    private static async Task<List<string>> ReplicasAsync(RecorderNode node, RecordingView recording) =>
        (await node.GetJsonAsync<RecordingView>($"/api/recordings/{recording.Id}")).Replicas;

    /// <summary>The node's <c>recorder_catalog_queries_total</c> for <paramref name="query"/> (0 before the first).</summary>
    private static async Task<long> CatalogQueriesAsync(RecorderNode node, string query, CancellationToken ct)
    {
        var metrics = await node.Http.GetStringAsync("/metrics", ct);
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("recorder_catalog_queries", StringComparison.Ordinal)
            && l.Contains($"query=\"{query}\"", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>To the test output and appended to the timings file beside the other replication figures.</summary>
    private static async Task RecordTimingAsync(string line, CancellationToken ct)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        await File.AppendAllLinesAsync(Path.Combine(Path.GetTempPath(), "orleans-recorder-replication-timings.txt"), [$"{DateTimeOffset.UtcNow:O} {line}"], ct);
    }

    /// <summary>True when the node's store has the audio with the catalog's SHA-256 and the manifest beside it.</summary>
    private static bool OnDisk(RecorderNode node, RecordingView recording) => OnDisk(node.DataDirectory, recording);

    private static bool OnDisk(string dataDirectory, RecordingView recording)
    {
        var folder = Path.Combine(dataDirectory, "recordings", recording.StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture));
        var audio = Path.Combine(folder, recording.Id + "." + recording.Format);
        if (!File.Exists(Path.Combine(folder, recording.Id + ".json")) || !File.Exists(audio))
        {
            return false;
        }

        using var stream = File.OpenRead(audio);
        return Convert.ToHexStringLower(SHA256.HashData(stream)) == recording.Sha256;
    }

    private static string Folder(RecordingView recording) =>
        "recordings/" + recording.StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture);

    /// <summary>The audio and the manifest of each recording, by store-relative name, sorted.</summary>
    private static List<string> ExpectedBlobs(IEnumerable<RecordingView> recordings) =>
        [.. recordings.SelectMany(r => new[] { $"{Folder(r)}/{r.Id}.{r.Format}", $"{Folder(r)}/{r.Id}.json" }).Order(StringComparer.Ordinal)];

    private static async Task<List<string>> SharedBlobNamesAsync(ReplicatedCluster cluster, CancellationToken ct)
    {
        var store = new AzureBlobSharedStore(cluster.SharedStore, cluster.Container);
        var names = new List<string>();
        await foreach (var blob in store.ListAsync("", ct))
        {
            names.Add(blob.Name);
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The node's store holds each recording once, hash-identical, and nothing else: no transfer leftovers
    /// (<c>.replica</c>, <c>.tmp</c>), no second copy under another name.
    /// </summary>
    private static void AssertStoreHoldsExactly(RecorderNode node, IReadOnlyList<RecordingView> recordings)
    {
        var root = Path.Combine(node.DataDirectory, "recordings");
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => "recordings/" + Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(ExpectedBlobs(recordings), files);
        foreach (var recording in recordings)
        {
            Assert.True(OnDisk(node, recording), $"{recording.Id} on {node.Name} does not hash to {recording.Sha256}.");
        }
    }

    /// <summary>Waits for a transfer into the node's store to be under way (a non-empty <c>.replica</c> file of one of the recordings); its path.</summary>
    private static async Task<string> WaitForPartialFileAsync(RecorderNode node, IReadOnlyList<RecordingView> recordings)
    {
        var root = Path.Combine(node.DataDirectory, "recordings");
        var ids = recordings.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(40))
        {
            if (Directory.Exists(root))
            {
                foreach (var part in Directory.EnumerateFiles(root, "*.replica", SearchOption.AllDirectories))
                {
                    var info = new FileInfo(part);
                    if (info.Exists && info.Length > 0 && ids.Contains(info.Name.Split('.')[0])
                        && !OnDisk(node, recordings.Single(r => r.Id == info.Name.Split('.')[0])))
                    {
                        return part;
                    }
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"No transfer into {node.Name}'s store seen in 40 s.\n{node.Output}");
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

    private static async Task WaitForAsync(string what, Func<Task<bool>> condition, RecorderNode node, TimeSpan? deadline = null)
    {
        var limit = deadline ?? ReplicaDeadline;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Phase 'replica': {what} not there after {limit}.\n{node.Output}");
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
        /// <summary>A fresh cluster database and container; on the shared Azurite unless another blob service is given.</summary>
        public static async Task<ReplicatedCluster> CreateAsync(string? sharedStore = null)
        {
            var directory = Directory.CreateTempSubdirectory("recorder-replication-").FullName;
            return new ReplicatedCluster(
                $"Data Source={Path.Combine(directory, "cluster.db")};Default Timeout=30;Pooling=True",
                "c" + Guid.NewGuid().ToString("N")[..8],
                sharedStore ?? await AzuriteServer.ConnectionStringAsync(),
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
