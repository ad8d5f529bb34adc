using System.Diagnostics;
using System.Text.Json;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Calls in progress encrypted on disk (docs/ENCRYPTION.md, <c>ORSR1</c>) with real processes: while a call runs, its
/// segments on the recording node and the in-call copy on its peer hold no plaintext audio (random-looking bytes, the
/// tones only behind the call's key from <c>session.json</c>), the finished recording has the tones on the right
/// channels, and a node killed mid-call (SIGKILL) recovers the encrypted call at its next start.
/// </summary>
public sealed class EncryptedSegmentsTests
{
    private const string Refci = "67000001";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SegmentsOfACallInProgressAndThePeersCopyHoldNoPlaintextAndTheRecordingIsRight()
    {
        var cluster = SharedClusterSettings.Create();
        await using var primary = await RecorderNode.StartAsync(cluster.With("primary"));
        await using var backup = await RecorderNode.StartAsync(cluster.With("backup"));

        var calls = Task.WhenAll(Leg(primary, "nearend", CallPlacer.NearTone, 8).RunAsync(), Leg(primary, "farend", CallPlacer.FarTone, 8).RunAsync());
        await primary.WaitForActiveCallAsync();
        var segments = await WaitForSegmentsAsync(primary.DataDirectory, "segments");
        var copy = await WaitForSegmentsAsync(backup.DataDirectory, FileLiveCopyStore.CopiesFolder);

        // Both while the call runs: the node's own segments and the peer's copy of them.
        foreach (var directory in new[] { segments, copy })
        {
            AssertEncrypted(directory, "near.pcm", CallPlacer.NearTone, CallPlacer.FarTone);
            AssertEncrypted(directory, "far.pcm", CallPlacer.FarTone, CallPlacer.NearTone);
        }

        await calls;
        var recording = (await primary.WaitForRecordingsAsync(1)).Items.Single();
        var wav = StereoWav.Read(await primary.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", Ct));
        Assert.InRange(wav.DurationSeconds, 7, 8.5);
        AssertTones(wav);
        Assert.Empty(Directory.GetDirectories(Path.Combine(primary.DataDirectory, "segments")));
        Assert.Empty(Directory.GetFiles(Path.Combine(primary.DataDirectory, "recordings"), "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ANodeKilledMidCallRecoversTheEncryptedCallAtItsNextStart()
    {
        var node = await RecorderNode.StartAsync();
        var dataDirectory = node.DataDirectory;
        var calls = Task.WhenAll(Leg(node, "nearend", CallPlacer.NearTone, 9).RunAsync(), Leg(node, "farend", CallPlacer.FarTone, 9).RunAsync());
        await node.WaitForActiveCallAsync();
        var segments = await WaitForSegmentsAsync(dataDirectory, "segments");
        AssertEncrypted(segments, "near.pcm", CallPlacer.NearTone, CallPlacer.FarTone);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        node.Kill();

        await using var restarted = await RecorderNode.StartAsync(dataDirectory: dataDirectory);
        var recording = Assert.Single((await restarted.WaitForRecordingsAsync(1)).Items);
        Assert.Equal("interrupted", recording.Status);
        Assert.Equal(Refci, recording.Refci);
        var wav = StereoWav.Read(await restarted.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", Ct));
        Assert.InRange(wav.DurationSeconds, 2.5, 7.5);
        AssertTones(wav);
        Assert.Empty(Directory.GetDirectories(Path.Combine(dataDirectory, "segments")));
        await calls;
    }

    private static SippRun Leg(RecorderNode node, string role, double tone, int seconds)
    {
        var leg = new SippRun
        {
            Scenario = "cucm_leg.xml",
            CsvLines = [SippRun.Leg(role, Refci)],
            RecorderPort = node.SipPort,
            DurationMs = seconds * 1000,
            Timeout = TimeSpan.FromSeconds(seconds + 5),
        };
        Tones.WriteMuLaw(Path.Combine(leg.WorkDirectory, "leg.ulaw"), tone, seconds);
        return leg;
    }

    /// <summary>The call's directory under <paramref name="folder"/> once its near end holds at least 3 s of audio (flushed every second).</summary>
    private static async Task<string> WaitForSegmentsAsync(string dataDirectory, string folder)
    {
        var root = Path.Combine(dataDirectory, folder);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var directory = Directory.Exists(root) ? Directory.GetDirectories(root).SingleOrDefault() : null;
            if (directory is not null && File.Exists(Path.Combine(directory, RecordingPaths.SessionFileName))
                && new FileInfo(Path.Combine(directory, RecordingPaths.NearEndFileName)) is { Exists: true, Length: > 3 * 16_000 })
            {
                return directory;
            }

            Assert.True(clock.Elapsed < Deadline, $"no call with 3 s of audio under {root} within {Deadline.TotalSeconds} s");
            await Task.Delay(200, Ct);
        }
    }

    /// <summary>
    /// The file is ciphertext: the ORSR header, bytes as random as a cipher's (PCM of a tone is far from it), and no
    /// run of the segment's own plaintext; behind the call's key (unwrapped with the test KEK) the leg's tone, not the other's.
    /// </summary>
    private static void AssertEncrypted(string directory, string name, double tone, double otherTone)
    {
        var path = Path.Combine(directory, name);
        var cipher = File.ReadAllBytes(path);
        Assert.Equal("ORSR"u8.ToArray(), cipher[..4]);
        var entropy = Entropy(cipher.AsSpan(SegmentRecordHeader.Size));
        Assert.True(entropy > 7.9, $"{path}: {entropy:F2} bits per byte");

        WrappedDataKey wrapped;
        using (var state = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, RecordingPaths.SessionFileName))))
        {
            var key = state.RootElement.GetProperty("segmentKey");
            wrapped = new WrappedDataKey(key.GetProperty("kekId").GetString()!, key.GetProperty("algorithm").GetString()!, key.GetProperty("wrapped").GetBytesFromBase64());
        }

        Assert.Equal(RecorderNode.TestKekId, wrapped.KekId);
        using var kek = new AesKeyEncryptionKey(RecorderNode.TestKekId, Convert.FromBase64String(RecorderNode.TestKek));
        byte[] plain;
        using (var reader = SegmentRecordReader.Open(path, kek.Unwrap(wrapped.Wrapped)))
        {
            plain = new byte[reader.Length];
            reader.ReadExactly(plain);
        }

        Assert.True(plain.Length >= 2 * 16_000, $"{path}: {plain.Length} plaintext bytes");
        var samples = new short[plain.Length / 2];
        Buffer.BlockCopy(plain, 0, samples, 0, samples.Length * 2);
        var middle = samples[(samples.Length / 4)..(samples.Length * 3 / 4)];
        Assert.True(StereoWav.Goertzel(middle, tone, 8000) > 100 * StereoWav.Goertzel(middle, otherTone, 8000), $"{path}: its tone behind the key");
        Assert.Equal(-1, cipher.AsSpan().IndexOf(plain.AsSpan(plain.Length / 2, 32)));
    }

    private static void AssertTones(StereoWav wav)
    {
        Assert.True(wav.Power(wav.Left, CallPlacer.NearTone) > 100 * wav.Power(wav.Left, CallPlacer.FarTone), "near-end tone on the left");
        Assert.True(wav.Power(wav.Right, CallPlacer.FarTone) > 100 * wav.Power(wav.Right, CallPlacer.NearTone), "far-end tone on the right");
    }

    /// <summary>Shannon entropy in bits per byte.</summary>
    private static double Entropy(ReadOnlySpan<byte> bytes)
    {
        Span<int> counts = stackalloc int[256];
        foreach (var b in bytes)
        {
            counts[b]++;
        }

        var entropy = 0.0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / bytes.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }
}
