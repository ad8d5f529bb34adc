using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Calls;

/// <summary>Channel accounting: a channel is a call in progress, given back when its finalization begins.</summary>
public sealed class CallRegistryTests : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly List<ActiveRecording> _opened = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var recording in _opened)
        {
            await recording.Session.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public void ANewCallIsRefusedWhenEveryChannelIsTakenAndTheSameRecordingIsFoundAgain()
    {
        var registry = new CallRegistry();
        var first = registry.GetOrOpen("r1", channels: 2, () => Open("r1"));
        Assert.NotNull(registry.GetOrOpen("r2", channels: 2, () => Open("r2")));

        Assert.Null(registry.GetOrOpen("r3", channels: 2, () => Open("r3")));
        Assert.Same(first, registry.GetOrOpen("r1", channels: 2, () => Open("r1-again")));
        Assert.Equal(2, registry.ActiveRecordings);
    }

    [Fact]
    public void ARecordingBeingFinalizedNoLongerHoldsItsChannel()
    {
        var registry = new CallRegistry();
        var first = registry.GetOrOpen("r1", channels: 1, () => Open("r1"))!;
        Assert.Null(registry.GetOrOpen("r2", channels: 1, () => Open("r2")));

        registry.ReleaseChannel(first);
        registry.ReleaseChannel(first);
        Assert.Equal(0, registry.ActiveRecordings);
        Assert.Same(first, Assert.Single(registry.Recordings)); // listed until finalized (segment sync, shutdown)
        var second = registry.GetOrOpen("r2", channels: 1, () => Open("r2"));
        Assert.NotNull(second);
        Assert.Null(registry.GetOrOpen("r3", channels: 1, () => Open("r3")));

        registry.Remove(first);
        Assert.Equal(1, registry.ActiveRecordings);
        Assert.Single(registry.Recordings);
    }

    private ActiveRecording Open(string id)
    {
        var info = RecordingSessionTests.Info(id);
        var recording = new ActiveRecording("key-" + id, RecordingSession.Create(new RecordingOptions { DataDirectory = _directory.Path }, info, _time), info);
        _opened.Add(recording);
        return recording;
    }
}
