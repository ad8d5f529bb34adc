using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Tests.EndToEnd.Harness;
using OrleansRecorder.Tests.Integration.Storage;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// In-call replication (issue #15) with real processes: the primary is killed (SIGKILL) at second 8 of a 15 s call;
/// the backup, holding a copy of the call's segments at most about 2 s behind, finalizes it as <c>interrupted</c> once
/// Orleans declares the primary dead. The primary, restarted on its data, recovers the same call from its own segments:
/// one recording remains, the longer copy, by the same id, on both nodes and in the shared store (Azurite).
/// </summary>
public sealed class InCallReplicationTests
{
    private const string Refci = "66000001";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACallWhosePrimaryIsKilledMidCallIsFinalizedByTheBackupAndTheLongerCopyWinsWhenThePrimaryReturns()
    {
        var cluster = SharedClusterSettings.Create();
        var azurite = await AzuriteServer.ConnectionStringAsync();
        var container = "live" + Guid.NewGuid().ToString("N")[..12];
        (string, string)[] shared = [("Recorder__SharedStore__ConnectionString", azurite), ("Recorder__SharedStore__Container", container)];
        var primaryData = Directory.CreateTempSubdirectory("recorder-e2e-").FullName;
        var primaryName = "primary-" + cluster.ClusterId;
        var primary = await RecorderNode.StartAsync(cluster.With("primary", shared), primaryData, name: primaryName);
        await using var backup = await RecorderNode.StartAsync(cluster.With("backup", shared));

        var calls = Task.WhenAll(Leg(primary, "nearend", CallPlacer.NearTone).RunAsync(), Leg(primary, "farend", CallPlacer.FarTone).RunAsync());
        await primary.WaitForActiveCallAsync();
        var callStarted = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(8) - callStarted.Elapsed, Ct);
        var killedAt = callStarted.Elapsed;
        var killedUtc = DateTimeOffset.UtcNow;
        primary.Kill();
        var killed = Stopwatch.StartNew();

        // The backup lists the call as interrupted within seconds (death detection: two missed 2 s probes).
        var taken = (await backup.WaitForRecordingsAsync(1, timeout: Deadline)).Items.Single();
        var takeover = killed.Elapsed;
        Assert.Equal(Refci, taken.Refci);
        Assert.Equal("interrupted", taken.Status);
        Assert.Contains(LiveCopyTakeover.Flags[0], taken.Flags);
        Assert.Contains(LiveCopyTakeover.Flags[1], taken.Flags);
        Assert.Equal(primaryName, taken.RecordedBy);
        var wav = StereoWav.Read(await backup.Http.GetByteArrayAsync($"/api/recordings/{taken.Id}/audio", Ct));
        Assert.True(wav.DurationSeconds >= 6, $"the backup's copy holds {wav.DurationSeconds:F2} s of an 8 s call");

        // Audio lost: from the call's first packet to the kill, less what the copy holds. About 2 s at most (flush
        // interval 1 s + copy interval 1 s); the bound leaves half a second for this 2-core machine under load.
        var manifest = (await backup.GetJsonAsync<RecordingView>($"/api/recordings/{taken.Id}")).Manifest!.Value;
        var audioZero = new[] { "nearEnd", "farEnd" }.Select(leg => manifest.GetProperty(leg).GetProperty("firstPacketAt").GetDateTimeOffset()).Min();
        var lost = (killedUtc - audioZero).TotalSeconds - wav.DurationSeconds;
        Assert.True(lost is > -0.2 and <= 2.5, $"{lost:F2} s of audio lost at the kill ({(killedUtc - audioZero).TotalSeconds:F2} s after the first packet, {wav.DurationSeconds:F2} s copied)");
        AssertTones(wav, 0, 6);
        AssertTones(wav, 5, 6);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"kill -9 at {killedAt.TotalSeconds:F1} s of the call -> backup lists it interrupted after {takeover.TotalSeconds:F1} s, {wav.DurationSeconds:F2} s of audio, {lost:F2} s lost");

        // The primary returns: its own recovery of the same call must not make a second recording.
        await using var restarted = await RecorderNode.StartAsync(cluster.With("primary", shared), primaryData, name: primaryName);
        Assert.Contains($"Recovered interrupted recording {taken.Id}", restarted.Output, StringComparison.Ordinal);
        var store = new AzureBlobSharedStore(azurite, container);
        RecordingView? final = null;
        var seen = "";
        await WaitForAsync(async () =>
        {
            var list = await backup.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100");
            final = await backup.GetJsonAsync<RecordingView>($"/api/recordings/{taken.Id}");
            var name = $"recordings/{final.StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture)}/{final.Id}.{final.Format}";
            var blob = await store.GetInfoAsync(name, Ct);
            seen = $"catalog: {list.Total} recordings, {final.Sha256} ({final.DurationSeconds:F2} s); primary's file {Sha(AudioFile(restarted, final))}; "
                + $"backup's file {Sha(AudioFile(backup, final))}; Azurite {blob?.Sha256}";
            return list.Total == 1 && Sha(AudioFile(restarted, final)) == final.Sha256 && Sha(AudioFile(backup, final)) == final.Sha256
                && blob?.Sha256 == final.Sha256 && (await restarted.GetJsonAsync<RecordingList>("/api/recordings?pageSize=100")).Total == 1;
        }, () => $"one recording of the call, the same copy on both nodes and in Azurite ({seen})\nprimary:\n{restarted.Output}\nbackup:\n{backup.Output}");

        Assert.Equal(taken.Id, final!.Id);
        Assert.Equal("interrupted", final.Status);
        Assert.True(final.DurationSeconds >= taken.DurationSeconds, $"the longer copy wins: kept {final.DurationSeconds:F2} s, the backup's was {taken.DurationSeconds:F2} s");
        if (final.Sha256 != taken.Sha256)
        {
            Assert.True(final.DurationSeconds > taken.DurationSeconds, "a copy replaced the backup's only by being longer");
        }

        var kept = StereoWav.Read(await restarted.Http.GetByteArrayAsync($"/api/recordings/{final.Id}/audio", Ct));
        AssertTones(kept, 0, 6);
        Assert.Empty(Directory.GetDirectories(Path.Combine(primaryData, "segments")));
        Assert.False(Directory.Exists(Path.Combine(backup.DataDirectory, FileLiveCopyStore.CopiesFolder))
            && Directory.GetDirectories(Path.Combine(backup.DataDirectory, FileLiveCopyStore.CopiesFolder)).Length > 0, "no copy left on the backup");
        TestContext.Current.TestOutputHelper?.WriteLine($"after the primary's return: kept {final.DurationSeconds:F2} s ({(final.Sha256 == taken.Sha256 ? "the backup's" : "the primary's")} copy)");
        await calls;
    }

    private static SippRun Leg(RecorderNode node, string role, double tone)
    {
        var leg = new SippRun
        {
            Scenario = "cucm_leg.xml",
            CsvLines = [SippRun.Leg(role, Refci)],
            RecorderPort = node.SipPort,
            DurationMs = 15_000,
            Timeout = TimeSpan.FromSeconds(20),
        };
        Tones.WriteMuLaw(Path.Combine(leg.WorkDirectory, "leg.ulaw"), tone, 15);
        return leg;
    }

    /// <summary>Near-end tone on the left and far-end tone on the right between <paramref name="from"/> and <paramref name="to"/> seconds.</summary>
    private static void AssertTones(StereoWav wav, double from, double to)
    {
        var rate = wav.Format.SampleRate;
        var left = wav.Left[(int)(from * rate)..(int)(to * rate)];
        var right = wav.Right[(int)(from * rate)..(int)(to * rate)];
        Assert.True(StereoWav.Goertzel(left, CallPlacer.NearTone, rate) > 100 * StereoWav.Goertzel(left, CallPlacer.FarTone, rate), $"near-end tone on the left, {from}-{to} s");
        Assert.True(StereoWav.Goertzel(right, CallPlacer.FarTone, rate) > 100 * StereoWav.Goertzel(right, CallPlacer.NearTone, rate), $"far-end tone on the right, {from}-{to} s");
    }

    private static string AudioFile(RecorderNode node, RecordingView recording) => Path.Combine(
        node.DataDirectory, "recordings", recording.StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture), recording.Id + "." + recording.Format);

    private static string? Sha(string path) => File.Exists(path) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : null;

    private static async Task WaitForAsync(Func<Task<bool>> condition, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"not within {Deadline.TotalSeconds} s: {what()}");
            await Task.Delay(200, Ct);
        }
    }
}
