using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Linux;

namespace OrleansRecorder.Tests.Unit.Recording;

public sealed class SegmentSyncTests : IDisposable
{
    private const int ErrorNoEntry = 2;
    private const int ErrorIo = 5;
    private const int ErrorNotDirectory = 20;

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 15, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void SyncfsOfTheFolderTheSegmentsAreInSucceedsOnLinux()
    {
        Assert.True(FileSystemSync.IsSupported, "the node and its tests run on Linux");
        Assert.Equal(0, FileSystemSync.SyncContaining(_directory.Path));
    }

    [Fact]
    public void SyncfsOfAMissingFolderOrOfAFileSaysWhy()
    {
        Assert.Equal(ErrorNoEntry, FileSystemSync.SyncContaining(Path.Combine(_directory.Path, "gone")));
        var file = Path.Combine(_directory.Path, "file");
        File.WriteAllText(file, "x");
        Assert.Equal(ErrorNotDirectory, FileSystemSync.SyncContaining(file));
    }

    [Fact]
    public void NoCallInProgressSyncsNothing()
    {
        var calls = 0;
        var sync = new SegmentSync(_directory.Path, _ => { calls++; return 0; }, NullLogger.Instance);
        sync.Run([]);
        Assert.Equal(0, calls);
        Assert.Equal(0, sync.FileSystemRounds + sync.PerLegRounds);
    }

    [Fact]
    public async Task OneFileSystemSyncCoversEveryLegOfARound()
    {
        await using var first = Session("a");
        await using var second = Session("b");
        var asked = new List<string>();
        var sync = new SegmentSync(_directory.Path, root => { asked.Add(root); return 0; }, NullLogger.Instance);

        sync.Run([first, second]);
        sync.Run([first, second]);

        Assert.Equal([_directory.Path, _directory.Path], asked);
        Assert.Equal(2, sync.FileSystemRounds);
        Assert.Equal(0, sync.PerLegRounds);
    }

    [Fact]
    public async Task AFailedFileSystemSyncFallsBackToEachLegForThatRoundOnly()
    {
        // EIO: a write was lost somewhere on the filesystem. The round syncs each leg, whose own fsync reports (and
        // fails) the leg that lost it; the next round tries the filesystem sync again.
        await using var session = Session("eio");
        var results = new Queue<int>([ErrorIo, 0]);
        var sync = new SegmentSync(_directory.Path, _ => results.Dequeue(), NullLogger.Instance);

        sync.Run([session]);
        Assert.Equal((0, 1), (sync.FileSystemRounds, sync.PerLegRounds));

        sync.Run([session]);
        Assert.Equal((1, 1), (sync.FileSystemRounds, sync.PerLegRounds));
    }

    [Fact]
    public async Task AFileSystemWithoutSyncfsIsNotAskedAgain()
    {
        await using var session = Session("enosys");
        var calls = 0;
        var sync = new SegmentSync(_directory.Path, _ => { calls++; return FileSystemSync.ErrorNotImplemented; }, NullLogger.Instance);

        sync.Run([session]);
        sync.Run([session]);

        Assert.Equal(1, calls);
        Assert.Equal((0, 2), (sync.FileSystemRounds, sync.PerLegRounds));
    }

    [Fact]
    public async Task WithoutAFileSystemSyncEachLegIsSynced()
    {
        await using var session = Session("plain");
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write([1, 2, 3]);
        var sync = new SegmentSync(_directory.Path, null, NullLogger.Instance);

        sync.Run([session]);

        Assert.Equal((0, 1), (sync.FileSystemRounds, sync.PerLegRounds));
    }

    private RecordingSession Session(string id) => RecordingSession.Create(
        new RecordingOptions { DataDirectory = _directory.Path, FlushInterval = TimeSpan.FromSeconds(1) },
        RecordingSessionTests.Info(id), _time);
}
