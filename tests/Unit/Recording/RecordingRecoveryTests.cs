using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Recording;

public sealed class RecordingRecoveryTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task SessionLeftOnDiskBecomesAnInterruptedRecording()
    {
        var options = Options();
        var session = RecordingSession.Create(options, RecordingSessionTests.Info("crashed"), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Repeat((short)11, 800).ToArray());
        session.FarEnd.Write(Enumerable.Repeat((short)22, 800).ToArray());
        await session.DisposeAsync(); // the process goes away without finalizing

        var recovered = await RecordingRecovery.FinalizeInterruptedAsync(options, _time, NullLogger.Instance, TestContext.Current.CancellationToken);

        var recording = Assert.Single(recovered);
        Assert.Equal("crashed", recording.RecordingId);
        Assert.Equal(RecordingStatus.Interrupted, recording.Manifest.Status);
        Assert.Null(recording.Manifest.NearEnd.Stats);
        Assert.Equal("1001", recording.Manifest.NearEnd.Number);
        var (left, right) = RecordingSessionTests.Channels(recording.AudioPath);
        Assert.Equal(800, left.Length);
        Assert.All(left, s => Assert.Equal(11, s));
        Assert.All(right, s => Assert.Equal(22, s));
        Assert.True(File.Exists(recording.ManifestPath));
        Assert.Empty(Directory.GetDirectories(Path.Combine(options.DataDirectory, "segments")));
    }

    [Fact]
    public async Task TornOddLengthSegmentDropsTheLastByte()
    {
        var options = Options();
        var session = RecordingSession.Create(options, RecordingSessionTests.Info("torn"), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write([100, 200, 300]);
        await session.DisposeAsync();
        var nearPath = Path.Combine(options.DataDirectory, "segments", "torn", "near.pcm");
        await using (var near = new FileStream(nearPath, FileMode.Append))
        {
            near.WriteByte(0x7f); // half a sample: the crash hit mid-write
        }

        Assert.Equal(7, new FileInfo(nearPath).Length);

        var recording = Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(options, _time, NullLogger.Instance, TestContext.Current.CancellationToken));

        var (left, right) = RecordingSessionTests.Channels(recording.AudioPath);
        Assert.Equal([100, 200, 300], left);
        Assert.Equal([0, 0, 0], right);
        Assert.Equal(3, recording.Manifest.NearEnd.Samples);
    }

    [Fact]
    public async Task SegmentsWrittenByHandWithoutAnyFlushAreRecovered()
    {
        // A killed process leaves whatever reached the disk, including nothing at all for a leg.
        var options = Options();
        var session = RecordingSession.Create(options, RecordingSessionTests.Info("killed"), _time);
        await session.DisposeAsync();
        var segment = Path.Combine(options.DataDirectory, "segments", "killed");
        await File.WriteAllBytesAsync(Path.Combine(segment, "far.pcm"), [1, 0, 2, 0], TestContext.Current.CancellationToken);
        File.Delete(Path.Combine(segment, "near.pcm"));

        var recording = Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(options, _time, NullLogger.Instance, TestContext.Current.CancellationToken));

        var (left, right) = RecordingSessionTests.Channels(recording.AudioPath);
        Assert.Equal([0, 0], left);
        Assert.Equal([1, 2], right);
        Assert.Equal(RecordingStatus.Interrupted, recording.Manifest.Status);
    }

    [Fact]
    public async Task DirectoryWithoutSessionFileIsMovedToOrphaned()
    {
        var options = Options();
        var stray = Path.Combine(options.DataDirectory, "segments", "stray");
        Directory.CreateDirectory(stray);
        await File.WriteAllBytesAsync(Path.Combine(stray, "near.pcm"), [1, 2, 3, 4], TestContext.Current.CancellationToken);
        var garbled = Path.Combine(options.DataDirectory, "segments", "garbled");
        Directory.CreateDirectory(garbled);
        await File.WriteAllTextAsync(Path.Combine(garbled, "session.json"), "{ not json", TestContext.Current.CancellationToken);

        var recovered = await RecordingRecovery.FinalizeInterruptedAsync(options, _time, NullLogger.Instance, TestContext.Current.CancellationToken);

        Assert.Empty(recovered);
        Assert.False(Directory.Exists(stray));
        Assert.False(Directory.Exists(garbled));
        Assert.True(File.Exists(Path.Combine(options.DataDirectory, "segments-orphaned", "stray", "near.pcm")));
        Assert.True(Directory.Exists(Path.Combine(options.DataDirectory, "segments-orphaned", "garbled")));
    }

    [Fact]
    public async Task NothingToRecoverWhenThereAreNoSegments()
    {
        var recovered = await RecordingRecovery.FinalizeInterruptedAsync(Options(), _time, NullLogger.Instance, TestContext.Current.CancellationToken);

        Assert.Empty(recovered);
    }

    private RecordingOptions Options() => new() { DataDirectory = _directory.Path };
}
