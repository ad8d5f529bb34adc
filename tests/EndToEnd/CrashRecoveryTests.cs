using System.Net.Http.Json;
using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// A recorder killed mid-call (SIGKILL, no shutdown) loses at most about the last 2 s: at the next start the call's
/// segments are finalized with status <c>interrupted</c> and the recording plays.
/// </summary>
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task ACallInterruptedByAKilledNodeIsFinalizedAtTheNextStart()
    {
        var node = await RecorderNode.StartAsync();
        var dataDirectory = node.DataDirectory;
        var near = new SippRun
        {
            Scenario = "cucm_leg.xml",
            CsvLines = [SippRun.Leg("nearend", "55555555")],
            RecorderPort = node.SipPort,
            DurationMs = 9_000,
            Timeout = TimeSpan.FromSeconds(12),
        };
        Tones.WriteMuLaw(Path.Combine(near.WorkDirectory, "leg.ulaw"), CallPlacer.NearTone, 9);
        var far = new SippRun
        {
            Scenario = "cucm_leg.xml",
            CsvLines = [SippRun.Leg("farend", "55555555")],
            RecorderPort = node.SipPort,
            DurationMs = 9_000,
            Timeout = TimeSpan.FromSeconds(12),
        };
        Tones.WriteMuLaw(Path.Combine(far.WorkDirectory, "leg.ulaw"), CallPlacer.FarTone, 9);
        var calls = Task.WhenAll(near.RunAsync(), far.RunAsync());

        // Let about 5 s of audio reach the segments (flushed every second), then crash.
        await node.WaitForActiveCallAsync();
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        // Issue 17: the segments of calls in progress were forced to disk (every 5 s) by one syncfs per round, not an
        // fsync per leg; what an operating-system crash would lose stays bounded the same way.
        var sync = (await node.Http.GetFromJsonAsync<JsonElement>("/api/diagnostics", TestContext.Current.CancellationToken)).GetProperty("segmentSync");
        Assert.True(sync.GetProperty("fileSystemRounds").GetInt64() >= 1, sync.ToString());
        Assert.Equal(0, sync.GetProperty("perLegRounds").GetInt64());
        node.Kill();

        // Restarted at once: sipp's calls to the dead node run out by themselves (BYE unanswered, 12 s bound) meanwhile.
        await using var restarted = await RecorderNode.StartAsync(dataDirectory: dataDirectory);
        var list = await restarted.WaitForRecordingsAsync(1);
        var recording = Assert.Single(list.Items);
        Assert.Equal("interrupted", recording.Status);
        Assert.Equal("55555555", recording.Refci);

        var wav = StereoWav.Read(await restarted.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", TestContext.Current.CancellationToken));
        // Killed after ~5 s; up to ~2 s may be lost at the end, and a little more if the call set-up was slow.
        Assert.InRange(wav.DurationSeconds, 2.5, 7.5);
        Assert.True(wav.Power(wav.Left, CallPlacer.NearTone) > 100 * wav.Power(wav.Left, CallPlacer.FarTone), "near-end tone on the left");
        Assert.True(wav.Power(wav.Right, CallPlacer.FarTone) > 100 * wav.Power(wav.Right, CallPlacer.NearTone), "far-end tone on the right");
        Assert.Empty(Directory.GetDirectories(Path.Combine(dataDirectory, "segments")));
        await calls;
    }
}
