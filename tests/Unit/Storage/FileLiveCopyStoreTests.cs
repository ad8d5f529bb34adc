using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Tests.Unit.Storage;

/// <summary>
/// The receiving side of in-call replication (issue #15): deltas append in order, a sender out of step learns where to
/// resume without anything being written, <c>session.json</c> is replaced whole, and a claimed copy is out of reach of
/// later appends.
/// </summary>
public sealed class FileLiveCopyStoreTests : IDisposable
{
    private static readonly DateTimeOffset Written = new(2026, 12, 5, 6, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("recorder-live-").FullName;
    private readonly FileLiveCopyStore _store;

    public FileLiveCopyStoreTests() => _store = new FileLiveCopyStore(_directory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task DeltasAppendInOrderAndTheFileTakesTheSourcesWriteTime()
    {
        Assert.Equal([3L, 2L], await _store.AppendAsync(Batch("call-1", Chunk("near.pcm", 0, [1, 2, 3]), Chunk("far.pcm", 0, [9, 9])), Ct));
        Assert.Equal([5L], await _store.AppendAsync(Batch("call-1", Chunk("near.pcm", 3, [4, 5])), Ct));

        var near = Path.Combine(_store.CopiesRoot, "call-1", "near.pcm");
        Assert.Equal([1, 2, 3, 4, 5], await File.ReadAllBytesAsync(near, Ct));
        Assert.Equal(Written.UtcDateTime, File.GetLastWriteTimeUtc(near));
        Assert.Equal([new LiveCopy("call-1", "node-a", "silo-a")], _store.List());
    }

    [Fact]
    public async Task AChunkAtTheWrongOffsetIsNotWrittenAndAnswersTheLengthToResumeFrom()
    {
        await _store.AppendAsync(Batch("call-2", Chunk("near.pcm", 0, [1, 2, 3])), Ct);

        Assert.Equal([3L], await _store.AppendAsync(Batch("call-2", Chunk("near.pcm", 7, [8])), Ct));
        Assert.Equal([3L], await _store.AppendAsync(Batch("call-2", Chunk("near.pcm", 1, [2, 3, 4])), Ct));

        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(Path.Combine(_store.CopiesRoot, "call-2", "near.pcm"), Ct));
    }

    [Fact]
    public async Task AReplaceRewritesTheWholeFile()
    {
        await _store.AppendAsync(Batch("call-3", Chunk("session.json", 0, "{\"a\":1,\"b\":2}"u8.ToArray(), replace: true)), Ct);
        Assert.Equal([5L], await _store.AppendAsync(Batch("call-3", Chunk("session.json", 0, "{\"a\"}"u8.ToArray(), replace: true)), Ct));

        Assert.Equal("{\"a\"}", await File.ReadAllTextAsync(Path.Combine(_store.CopiesRoot, "call-3", "session.json"), Ct));
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(_store.CopiesRoot, "call-3")), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AClaimedCopyMovesToTakeoverAndADroppedOneIsGone()
    {
        await _store.AppendAsync(Batch("call-4", Chunk("near.pcm", 0, [1])), Ct);
        await _store.AppendAsync(Batch("call-5", Chunk("near.pcm", 0, [1])), Ct);

        var claimed = _store.Claim("call-4");
        Assert.Equal(Path.Combine(_store.TakeoverRoot, "call-4"), claimed);
        Assert.True(File.Exists(Path.Combine(claimed!, "near.pcm")));
        Assert.Null(_store.Claim("call-4"));
        Assert.Equal([claimed!], _store.Unfinished());

        Assert.True(_store.Drop("call-5"));
        Assert.False(_store.Drop("call-5"));
        Assert.Empty(_store.List());
    }

    [Theory]
    [InlineData("../near.pcm")]
    [InlineData("a/b")]
    [InlineData(".source")]
    [InlineData("session.json.tmp")]
    [InlineData("..")]
    public async Task AFileNameThatCouldEscapeOrCollideIsRefused(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.AppendAsync(Batch("call-6", Chunk(name, 0, [1])), Ct));
        Assert.False(Directory.Exists(Path.Combine(_store.CopiesRoot, "call-6")));
    }

    [Fact]
    public async Task ARecordingIdThatCouldEscapeIsRefused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _store.AppendAsync(Batch("../x", Chunk("near.pcm", 0, [1])), Ct));

    private static LiveSegmentBatch Batch(string id, params LiveSegmentChunk[] chunks) => new(id, "node-a", "silo-a", chunks);

    private static LiveSegmentChunk Chunk(string name, long offset, byte[] bytes, bool replace = false) => new(name, offset, replace, Written, bytes);
}
