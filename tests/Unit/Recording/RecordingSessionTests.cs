using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

public sealed class RecordingSessionTests : IDisposable
{
    private static readonly DateTimeOffset CallStart = new(2026, 3, 14, 23, 59, 30, TimeSpan.FromHours(-5));

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(CallStart);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task WritesExactWaveHeaderAndInterleavesNearLeftFarRight()
    {
        var session = RecordingSession.Create(Options(), Info("hdr"), _time);
        var now = _time.GetTimestamp();
        session.NearEnd.OnFirstPacket(now);
        session.FarEnd.OnFirstPacket(now);
        session.NearEnd.Write([1, 2, 3]);
        session.FarEnd.Write([-4, 5, -6]);

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var bytes = await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken);
        byte[] expectedHeader =
        [
            .."RIFF"u8, .. LittleEndian(36 + 12), .."WAVE"u8,
            .."fmt "u8, .. LittleEndian(16),
            0x01, 0x00, // PCM
            0x02, 0x00, // 2 channels
            .. LittleEndian(8000), // sample rate
            .. LittleEndian(32000), // byte rate = 8000 * 2 channels * 2 bytes
            0x04, 0x00, // block align
            0x10, 0x00, // 16 bits per sample
            .."data"u8, .. LittleEndian(12),
        ];
        Assert.Equal(expectedHeader, bytes[..expectedHeader.Length]);
        Assert.Equal(expectedHeader.Length + 12, bytes.Length);
        Assert.Equal([1, -4, 2, 5, 3, -6], Samples(bytes, expectedHeader.Length));
    }

    [Fact]
    public async Task FarLegStarting100MillisecondsLaterGetsEightHundredSamplesOfLeadingSilence()
    {
        var session = RecordingSession.Create(Options(), Info("align"), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Repeat((short)1000, 1600).ToArray());
        _time.Advance(TimeSpan.FromMilliseconds(100));
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.Write(Enumerable.Repeat((short)2000, 800).ToArray());

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var (left, right) = Channels(result.AudioPath);
        Assert.Equal(1600, left.Length);
        Assert.All(left, s => Assert.Equal(1000, s));
        Assert.All(right[..800], s => Assert.Equal(0, s));
        Assert.All(right[800..], s => Assert.Equal(2000, s));
        Assert.Equal(800, result.Manifest.FarEnd.LeadingSilenceSamples);
        Assert.Equal(0, result.Manifest.NearEnd.LeadingSilenceSamples);
        Assert.Equal(0.2, result.Manifest.DurationSeconds, 6);
    }

    [Fact]
    public async Task NearLegStartingLaterIsTheOneDelayed()
    {
        var session = RecordingSession.Create(Options(), Info("align-near"), _time);
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.Write(Enumerable.Repeat((short)7, 400).ToArray());
        _time.Advance(TimeSpan.FromMilliseconds(25));
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Repeat((short)9, 400).ToArray());

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var (left, right) = Channels(result.AudioPath);
        Assert.Equal(600, left.Length);
        Assert.All(left[..200], s => Assert.Equal(0, s));
        Assert.All(left[200..], s => Assert.Equal(9, s));
        Assert.All(right[..400], s => Assert.Equal(7, s));
        Assert.All(right[400..], s => Assert.Equal(0, s));
    }

    [Fact]
    public async Task BothLegsWrittenConcurrentlyStayOnTheirOwnChannel()
    {
        var session = RecordingSession.Create(Options(), Info("concurrent"), _time);
        var start = _time.GetTimestamp();
        using var barrier = new Barrier(2);

        void Leg(OrleansRecorder.Silo.Media.IPcmSink sink, short value)
        {
            var packet = Enumerable.Repeat(value, 160).ToArray();
            barrier.SignalAndWait(TestContext.Current.CancellationToken);
            sink.OnFirstPacket(start);
            for (var i = 0; i < 200; i++)
            {
                sink.Write(packet);
                sink.WriteSilence(i % 50 == 0 ? 160 : 0);
            }
        }

        await Task.WhenAll(
            Task.Factory.StartNew(() => Leg(session.NearEnd, 1), TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default),
            Task.Factory.StartNew(() => Leg(session.FarEnd, 2), TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        var (left, right) = Channels(result.AudioPath);
        Assert.Equal((200 * 160) + (4 * 160), left.Length);
        Assert.Equal(200 * 160, left.Count(s => s == 1));
        Assert.Equal(200 * 160, right.Count(s => s == 2));
        Assert.DoesNotContain(left, s => s == 2);
        Assert.DoesNotContain(right, s => s == 1);
        Assert.NotNull(result.Manifest.NearEnd.FirstPacketAt);
        Assert.NotNull(result.Manifest.FarEnd.FirstPacketAt);
    }

    [Fact]
    public void AlignmentIsClampedAtTenSeconds()
    {
        var start = CallStart;
        Assert.Equal((0L, 80_000L), SegmentFinalizer.Align(start, start.AddMinutes(5), 1, 1));
        Assert.Equal((80_000L, 0L), SegmentFinalizer.Align(start.AddMinutes(5), start, 1, 1));
        Assert.Equal((0L, 0L), SegmentFinalizer.Align(start, null, 1, 0));
    }

    [Fact]
    public async Task FlushesToDiskOnceTheFlushIntervalHasPassed()
    {
        await using var session = RecordingSession.Create(Options(), Info("flush"), _time);
        var nearPath = Path.Combine(_directory.Path, "segments", "flush", "near.pcm");
        var packet = new short[160];

        session.NearEnd.Write(packet);
        Assert.Equal(0, LengthOnDisk(nearPath));

        _time.Advance(TimeSpan.FromMilliseconds(1100));
        session.NearEnd.Write(packet);
        Assert.Equal(640, LengthOnDisk(nearPath));

        session.NearEnd.WriteSilence(160);
        Assert.Equal(640, LengthOnDisk(nearPath));
        _time.Advance(TimeSpan.FromSeconds(1));
        session.NearEnd.WriteSilence(8000);
        Assert.Equal(640 + 320 + 16000, LengthOnDisk(nearPath));
    }

    [Fact]
    public async Task ManifestDescribesTheFileAndItsHash()
    {
        var info = Info("manifest") with { NearEndCodec = AudioCodec.Pcmu };
        var session = RecordingSession.Create(Options(), info, _time);
        session.UpdateInfo(info with { FarEndCodec = AudioCodec.Pcma, FarEndCallId = "far-call@cucm" });
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Range(0, 4000).Select(i => (short)i).ToArray());
        session.FarEnd.Write(Enumerable.Range(0, 4000).Select(i => (short)-i).ToArray());
        _time.Advance(TimeSpan.FromSeconds(30));
        var stats = new RtpLegStats { PacketsReceived = 25, PacketsLost = 1, Gaps = 1, GapSamples = 160 };

        var result = await session.FinalizeAsync(RecordingStatus.Partial, stats, null, ["media-timeout"], TestContext.Current.CancellationToken);

        var audio = await File.ReadAllBytesAsync(result.AudioPath, TestContext.Current.CancellationToken);
        Assert.Equal(Path.Combine(_directory.Path, "recordings", "2026", "03", "15", "manifest.wav"), result.AudioPath);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(audio)), result.Manifest.Sha256);
        Assert.Equal(audio.Length, result.Manifest.SizeBytes);
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "segments", "manifest")));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(result.ManifestPath, TestContext.Current.CancellationToken));
        var root = json.RootElement;
        Assert.Equal("manifest", root.GetProperty("id").GetString());
        Assert.Equal("partial", root.GetProperty("status").GetString());
        Assert.Equal("wav", root.GetProperty("format").GetString());
        Assert.Equal("ref-1", root.GetProperty("refci").GetString());
        Assert.Equal("node-a", root.GetProperty("recordedBy").GetString());
        Assert.Equal(result.Manifest.Sha256, root.GetProperty("sha256").GetString());
        Assert.Equal(0.5, root.GetProperty("durationSeconds").GetDouble(), 6);
        Assert.Equal(CallStart.AddSeconds(30), root.GetProperty("endedAt").GetDateTimeOffset());
        Assert.Equal(["media-timeout"], root.GetProperty("flags").EnumerateArray().Select(e => e.GetString()));
        var near = root.GetProperty("nearEnd");
        Assert.Equal("1001", near.GetProperty("number").GetString());
        Assert.Equal("SEP001122334455", near.GetProperty("device").GetString());
        Assert.Equal("pcmu", near.GetProperty("codec").GetString());
        Assert.Equal(1, near.GetProperty("stats").GetProperty("packetsLost").GetInt64());
        var far = root.GetProperty("farEnd");
        Assert.Equal("2002", far.GetProperty("number").GetString());
        Assert.Equal("pcma", far.GetProperty("codec").GetString());
        Assert.Equal("far-call@cucm", far.GetProperty("callId").GetString());
    }

    [Fact]
    public async Task TheManifestsTimesAreWholeMillisecondsAsTheCatalogSortsThem()
    {
        // 0.4567 ms past the millisecond: the catalog stores Unix milliseconds, so the manifest must not say more.
        var fine = TimeSpan.FromTicks(4_567);
        var session = RecordingSession.Create(Options(), Info("fine") with { StartedAt = CallStart + fine }, _time);
        session.NearEnd.Write(new short[800]);
        _time.Advance(TimeSpan.FromSeconds(5) + fine);

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        Assert.Equal(CallStart, result.Manifest.StartedAt);
        Assert.Equal(CallStart.AddSeconds(5), result.Manifest.EndedAt);
        Assert.Equal(CallStart.Offset, result.Manifest.StartedAt.Offset);
    }

    [Fact]
    public async Task ARecordingEndsWhenItsCallDidNotWhenABusyNodesFinalizerGotToIt()
    {
        var session = RecordingSession.Create(Options(), Info("queued"), _time);
        session.NearEnd.Write(new short[800]);
        session.FarEnd.Write(new short[800]);
        _time.Advance(TimeSpan.FromSeconds(5));
        session.MarkEnded();
        _time.Advance(TimeSpan.FromSeconds(20));
        session.MarkEnded();
        using var workers = new FinalizeWorkers(threads: 1, nice: 5, maxBacklog: 0, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var result = await workers.RunAsync(
            () => session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken);

        Assert.Equal(CallStart.AddSeconds(5), result.Manifest.EndedAt);
        Assert.Equal(RecordingStatus.Complete, result.Manifest.Status);
        Assert.Equal(44 + (800 * 2 * 2), new FileInfo(result.AudioPath).Length);
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "segments", "queued")));
    }

    [Fact]
    public async Task NoAudioStillWritesAWaveButMarksThePartialNoAudio()
    {
        var session = RecordingSession.Create(Options(), Info("silent"), _time);

        var result = await session.FinalizeAsync(RecordingStatus.Complete, null, null, ["far-end-missing"], TestContext.Current.CancellationToken);

        Assert.True(File.Exists(result.AudioPath));
        Assert.Equal(44, new FileInfo(result.AudioPath).Length);
        Assert.Equal(RecordingStatus.Partial, result.Manifest.Status);
        Assert.Equal(["far-end-missing", "no-audio"], result.Manifest.Flags);
    }

    [Fact]
    public async Task UpdateInfoRewritesSessionFile()
    {
        await using var session = RecordingSession.Create(Options(), Info("update"), _time);
        session.UpdateInfo(Info("update") with { FarEndCodec = AudioCodec.G722 });
        var sessionFileBefore = await File.ReadAllTextAsync(Path.Combine(_directory.Path, "segments", "update", "session.json"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain("g722", sessionFileBefore, StringComparison.Ordinal); // coalesced: written after the delay
        _time.Advance(RecordingSession.PersistDelay);
        await session.StatePersisted.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        var sessionFile = Path.Combine(_directory.Path, "segments", "update", "session.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(sessionFile, TestContext.Current.CancellationToken));
        Assert.Equal("g722", json.RootElement.GetProperty("info").GetProperty("farEndCodec").GetString());
        Assert.False(File.Exists(sessionFile + ".tmp"));
        Assert.Throws<ArgumentException>(() => session.UpdateInfo(Info("other")));
    }

    [Fact]
    public async Task FinalizingTwiceIsRefused()
    {
        var session = RecordingSession.Create(Options(), Info("twice"), _time);
        await session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            session.FinalizeAsync(RecordingStatus.Complete, null, null, [], TestContext.Current.CancellationToken));
    }

    [Fact]
    public void RecordingIdsThatEscapeTheDirectoryAreRejected()
    {
        Assert.Throws<ArgumentException>(() => RecordingSession.Create(Options(), Info("../evil"), _time));
        Assert.Throws<ArgumentException>(() => RecordingSession.Create(Options(), Info(".."), _time));
    }

    internal static RecordingInfo Info(string id) => new()
    {
        RecordingId = id,
        StartedAt = CallStart,
        RecordedBy = "node-a",
        Metadata = new CucmMetadata
        {
            RefCi = "ref-1",
            NearEndAddress = "1001",
            NearEndDevice = "SEP001122334455",
            FarEndAddress = "2002",
            FarEndDevice = "SEPAABBCCDDEEFF",
            Profile = "rec",
        },
    };

    internal static (short[] Left, short[] Right) Channels(string wavePath)
    {
        var samples = Samples(File.ReadAllBytes(wavePath), 44);
        return (samples.Where((_, i) => i % 2 == 0).ToArray(), samples.Where((_, i) => i % 2 == 1).ToArray());
    }

    private static short[] Samples(byte[] bytes, int offset)
    {
        var samples = new short[(bytes.Length - offset) / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(offset + (2 * i)));
        }

        return samples;
    }

    private static byte[] LittleEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static long LengthOnDisk(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return stream.Length;
    }

    private RecordingOptions Options() => new() { DataDirectory = _directory.Path, FlushInterval = TimeSpan.FromSeconds(1) };
}
