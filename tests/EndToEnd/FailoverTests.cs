using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;
using OrleansRecorder.Tests.Integration.Cluster;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Hot standby on PostgreSQL with real processes: kill -9 of the primary while purge and export are scheduled; the
/// backup takes the calls and the maintenance jobs; the restarted primary takes the maintenance back; no export is
/// lost or duplicated across the moves. Prints the failover times (also to artifacts/measurements/failover.txt).
/// </summary>
public sealed class FailoverTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KilledPrimaryFailsOverToTheBackupAndTakesMaintenanceBackAfterRestartWithoutDuplicateExports()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresTestDatabase.CreateAsync(ct);
        var exportFolder = Directory.CreateTempSubdirectory("recorder-export-").FullName;
        var primaryData = Directory.CreateTempSubdirectory("recorder-e2e-").FullName;
        var clusterId = "f" + Guid.NewGuid().ToString("N")[..8];
        Dictionary<string, string> Settings(string role) => new()
        {
            ["Recorder__Cluster__Provider"] = "postgres",
            ["Recorder__Cluster__ConnectionString"] = database.ConnectionString,
            ["Orleans__ClusterId"] = clusterId,
            ["Recorder__Node__Role"] = role,
            ["Recorder__Maintenance__MinimumReminderPeriod"] = "00:00:01",
        };

        var primaryName = "primary-" + clusterId;
        var primary = await RecorderNode.StartAsync(Settings("primary"), primaryData, name: primaryName);
        await using var backup = await RecorderNode.StartAsync(Settings("backup"));
        await WaitForMaintenanceNodeAsync(backup, primaryName);

        using (var put = await backup.Http.PutAsJsonAsync("/api/maintenance", new
        {
            retentionDays = 3650,
            exportFolder,
            fileNamePattern = "{date:yyyyMMdd}-{time:HHmmss}_{near}_{far}_{id}",
            purgePeriod = "00:00:02",
            exportPeriod = "00:00:02",
        }, ct))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(ct));
        }

        // Two calls on the primary, exported by the primary.
        foreach (var refci in new[] { "71000001", "71000002" })
        {
            Assert.Same(primary, (await RouteList.PlaceAsync([primary, backup], refci)).RecordedBy);
        }

        await primary.WaitForRecordingsAsync(2);
        await WaitForExportsAsync(exportFolder, 2);

        // Crash.
        var clock = Stopwatch.StartNew();
        primary.Kill();
        var optionsOk = await TimeUntilAsync(async () => (await new SippRun
        {
            Scenario = "options_ping.xml", CsvLines = [SippRun.Leg("nearend", "1")], RecorderPort = backup.SipPort,
        }.RunAsync()).LoggedStatuses.SequenceEqual([200]), clock);
        var (recordedBy, _) = await RouteList.PlaceAsync([primary, backup], "71000003");
        var callRecorded = clock.Elapsed;
        Assert.Same(backup, recordedBy);
        var maintenanceOnBackup = await WaitForMaintenanceNodeAsync(backup, backup.Name, clock);
        await backup.WaitForRecordingsAsync(3);
        await WaitForExportsAsync(exportFolder, 3);

        // Restart the primary (same name and data): maintenance moves back.
        clock.Restart();
        await using var restarted = await RecorderNode.StartAsync(Settings("primary"), primaryData, name: primaryName);
        var primaryReady = clock.Elapsed;
        var maintenanceBack = await WaitForMaintenanceNodeAsync(backup, primaryName, clock);
        Assert.Same(restarted, (await RouteList.PlaceAsync([restarted, backup], "71000004")).RecordedBy);
        await WaitForExportsAsync(exportFolder, 4);

        // Exactly one exported copy of each recording, each with its manifest's hash.
        var list = await backup.WaitForRecordingsAsync(4);
        Assert.Equal(4, list.Total);
        var audio = Directory.GetFiles(exportFolder, "*.wav");
        Assert.Equal(4, audio.Length);
        foreach (var recording in list.Items)
        {
            var file = Assert.Single(audio, f => f.Contains(recording.Id, StringComparison.Ordinal));

            // Exported decrypted (the default): the plaintext's hash, as the manifest records it.
            var manifest = (await backup.GetJsonAsync<RecordingView>($"/api/recordings/{recording.Id}")).Manifest!.Value;
            var plainSha256 = manifest.GetProperty("encryption").GetProperty("plainSha256").GetString();
            Assert.Equal(plainSha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file, ct))));
        }

        Report(
            $"kill -9 of the primary -> backup answers OPTIONS 200: {optionsOk.TotalSeconds:F1} s",
            $"kill -9 of the primary -> a call recorded on the backup (route list tries the dead primary first, 1.5 s call): {callRecorded.TotalSeconds:F1} s",
            $"kill -9 of the primary -> maintenance grain active on the backup: {maintenanceOnBackup.TotalSeconds:F1} s",
            $"primary restarted (process start to ready: {primaryReady.TotalSeconds:F1} s) -> maintenance grain back on the primary: {maintenanceBack.TotalSeconds:F1} s");
        restarted.Kill();
        backup.Kill();
    }

    private static async Task<TimeSpan> WaitForMaintenanceNodeAsync(RecorderNode node, string expected, Stopwatch? clock = null)
    {
        clock ??= Stopwatch.StartNew();
        var deadline = clock.Elapsed + Bound;
        while (clock.Elapsed < deadline)
        {
            var view = await node.GetJsonAsync<JsonElement>("/api/cluster");
            if (view.GetProperty("maintenanceNode").ValueKind == JsonValueKind.String
                && view.GetProperty("maintenanceNode").GetString() == expected)
            {
                return clock.Elapsed;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Maintenance never ran on {expected}.\n{node.Output}");
    }

    private static async Task<TimeSpan> TimeUntilAsync(Func<Task<bool>> condition, Stopwatch clock)
    {
        var deadline = clock.Elapsed + Bound;
        while (clock.Elapsed < deadline)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Condition never met.");
    }

    private static async Task WaitForExportsAsync(string folder, int count)
    {
        var clock = Stopwatch.StartNew();
        while (Directory.GetFiles(folder, "*.wav").Length < count)
        {
            Assert.True(clock.Elapsed < Bound, $"{count} exported recordings expected, found {Directory.GetFiles(folder).Length} files");
            await Task.Delay(200);
        }
    }

    private static void Report(params string[] lines)
    {
        var path = Path.Combine(RepoPaths.Root, "artifacts", "measurements", "failover.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var stamped = lines.Select(l => $"{DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture)} {l}").ToArray();
        File.AppendAllLines(path, stamped);
        foreach (var line in lines)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(line);
        }
    }
}
