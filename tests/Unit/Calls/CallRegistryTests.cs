using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
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

    [Fact]
    public void TheGrainsAnswerAndAFallbackIdOfTheSameCallPairIntoOneRecordingWhicheverComesFirst()
    {
        // The near end got the grain's id; the far end's grain call timed out and came with a fresh id.
        var registry = new CallRegistry();
        Assert.Equal("grain-id", registry.Pair("call-1", LegRole.NearEnd, "grain-id"));
        Assert.Equal("grain-id", registry.Pair("call-1", LegRole.FarEnd, "fallback-id"));

        // The other order: the timed-out leg reaches the registry first.
        Assert.Equal("fallback-2", registry.Pair("call-2", LegRole.FarEnd, "fallback-2"));
        Assert.Equal("fallback-2", registry.Pair("call-2", LegRole.NearEnd, "grain-2"));

        // Once the recording is open, a late partner still joins it.
        var open = registry.GetOrOpen("grain-3", channels: 4, () => Open("grain-3", "call-3"))!;
        Assert.Equal("grain-3", registry.Pair("call-3", LegRole.NearEnd, "grain-3"));
        Assert.Equal("grain-3", registry.Pair("call-3", LegRole.FarEnd, "fallback-3"));
        Assert.NotNull(open);
    }

    [Fact]
    public void ANewSegmentOfTheSameCallKeyGetsItsOwnRecording()
    {
        var registry = new CallRegistry();
        Assert.Equal("segment-1", registry.Pair("call", LegRole.NearEnd, "segment-1"));
        Assert.Equal("segment-1", registry.Pair("call", LegRole.FarEnd, "segment-1"));

        // Both roles are taken: the grain's new id for the next segment stands, and its partner joins it.
        Assert.Equal("segment-2", registry.Pair("call", LegRole.NearEnd, "segment-2"));
        Assert.Equal("segment-2", registry.Pair("call", LegRole.FarEnd, "fallback"));
    }

    [Fact]
    public void APartnerNeverJoinsARecordingThatIsFinalizing()
    {
        var registry = new CallRegistry();
        var first = registry.GetOrOpen("r1", channels: 4, () => Open("r1", "call"))!;
        Assert.Equal("r1", registry.Pair("call", LegRole.NearEnd, "r1"));
        Assert.True(first.TryBeginFinalize());

        Assert.Equal("r2", registry.Pair("call", LegRole.FarEnd, "r2"));
    }

    [Fact]
    public void ARefusedLegGivesItsRoleBackAndAFinishedRecordingItsPairing()
    {
        var registry = new CallRegistry();
        Assert.Equal("r1", registry.Pair("call", LegRole.NearEnd, "r1"));
        registry.Unpair("call", LegRole.NearEnd, "r1"); // refused: no RTP port

        // Nothing left of r1: the next leg's own id stands.
        Assert.Equal("r2", registry.Pair("call", LegRole.FarEnd, "r2"));
        var second = registry.GetOrOpen("r2", channels: 4, () => Open("r2", "call"))!;
        registry.Remove(second);
        Assert.Equal("r3", registry.Pair("call", LegRole.FarEnd, "r3"));
    }

    /// <summary>How long a test waits for what must happen; a hang fails it instead of the run.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ARecordingWhoseFilesAreSlowToMakeDoesNotHoldTheRegistry()
    {
        var registry = new CallRegistry();
        registry.Pair("key-r1", LegRole.NearEnd, "r1");
        using var release = new ManualResetEventSlim();
        using var creating = new ManualResetEventSlim();
        var slow = Task.Run(() => registry.GetOrOpen("r1", channels: 4, () =>
        {
            creating.Set();
            release.Wait(Patience, TestContext.Current.CancellationToken); // a filesystem that takes its time
            return Open("r1");
        }), TestContext.Current.CancellationToken);
        Assert.True(creating.Wait(Patience, TestContext.Current.CancellationToken));

        // Everything else an INVITE asks of the registry answers meanwhile, the receive thread's question included.
        var other = Task.Run(() =>
        {
            var pairedOther = registry.Pair("key-r2", LegRole.NearEnd, "r2");
            return (registry.HasRecordingForPairing("key-r1"), registry.GetOrOpen(pairedOther, channels: 4, () => Open("r2")), registry.ActiveRecordings);
        }, TestContext.Current.CancellationToken);
        var (partnerJoins, second, active) = await other.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.True(partnerJoins, "the call's recording being opened counts as open for its partner leg");
        Assert.NotNull(second);
        Assert.Equal(2, active); // the one being opened holds its channel
        Assert.False(slow.IsCompleted);

        release.Set();
        Assert.NotNull(await slow.WaitAsync(Patience, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ThePartnerLegOfARecordingBeingOpenedWaitsForItAndGetsTheSameOne()
    {
        var registry = new CallRegistry();
        using var release = new ManualResetEventSlim();
        using var creating = new ManualResetEventSlim();
        var created = 0;
        var first = Task.Run(() => registry.GetOrOpen("r1", channels: 4, () =>
        {
            Interlocked.Increment(ref created);
            creating.Set();
            release.Wait(Patience, TestContext.Current.CancellationToken);
            return Open("r1");
        }), TestContext.Current.CancellationToken);
        Assert.True(creating.Wait(Patience, TestContext.Current.CancellationToken));

        var partner = Task.Run(() => registry.GetOrOpen("r1", channels: 4, () =>
        {
            Interlocked.Increment(ref created);
            return Open("r1-second");
        }), TestContext.Current.CancellationToken);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(partner.IsCompleted, "the partner waits for the recording being made");

        release.Set();
        var opened = await first.WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Same(opened, await partner.WaitAsync(Patience, TestContext.Current.CancellationToken));
        Assert.Equal(1, created); // one folder and one set of files, not two over each other
        Assert.Same(opened, Assert.Single(registry.Recordings));
    }

    [Fact]
    public void ARecordingBeingOpenedHoldsItsChannel()
    {
        var registry = new CallRegistry();
        ActiveRecording? refusedMeanwhile = null;
        var first = registry.GetOrOpen("r1", channels: 1, () =>
        {
            // Asked while r1's files are being made (the lock is not held here): its channel is taken.
            refusedMeanwhile = registry.GetOrOpen("r2", channels: 1, () => Open("r2"));
            return Open("r1");
        });

        Assert.NotNull(first);
        Assert.Null(refusedMeanwhile);
        Assert.Equal(1, registry.ActiveRecordings);
    }

    [Fact]
    public void ARecordingWhoseFilesCannotBeMadeGivesItsChannelBack()
    {
        var registry = new CallRegistry();
        registry.Pair("key-r1", LegRole.NearEnd, "r1");

        Assert.Throws<IOException>(() => registry.GetOrOpen("r1", channels: 1, () => throw new IOException("No space left on device")));

        Assert.Equal(0, registry.ActiveRecordings);
        Assert.False(registry.HasRecordingForPairing("key-r1"));
        Assert.NotNull(registry.GetOrOpen("r1", channels: 1, () => Open("r1"))); // tried again, made this time
        Assert.True(registry.HasRecordingForPairing("key-r1"));
    }

    private ActiveRecording Open(string id, string pairingKey)
    {
        var info = RecordingSessionTests.Info(id);
        var recording = new ActiveRecording(pairingKey, RecordingSession.Create(new RecordingOptions { DataDirectory = _directory.Path }, info, _time), info);
        _opened.Add(recording);
        return recording;
    }

    private ActiveRecording Open(string id) => Open(id, "key-" + id);
}
