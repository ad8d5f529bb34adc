using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Tests.Unit.Calls;

/// <summary>
/// The call grain lives as long as its call, in a one-silo in-process cluster whose idle collection is cut to seconds:
/// an open call outlives the collection age (its pairing must survive an hour-long call), and a closed one is gone at
/// once (a busy node must not keep every finished call in memory for the collection age).
/// </summary>
public sealed class CallGrainLifetimeTests : IAsyncLifetime
{
    // Long enough that "gone well before the collection age" holds on a loaded CI machine, short enough for a unit test.
    private static readonly TimeSpan CollectionAge = TimeSpan.FromSeconds(6);
    private static readonly GrainType CallGrainType = GrainType.Create("call");
    private InProcessTestCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) => silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionQuantum = TimeSpan.FromSeconds(1);
            o.CollectionAge = CollectionAge;
        }));
        _cluster = builder.Build();
        await _cluster.DeployAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AnOpenCallOutlivesTheIdleCollectionAgeAndKeepsItsPairing()
    {
        var key = "refci-" + Guid.NewGuid().ToString("N");
        var grain = _cluster.Client.GetGrain<ICallGrain>(key);
        var near = await grain.OfferLegAsync(Offer(LegRole.NearEnd, "near-1"));

        // Idle for several collection ages, as a long call is between its edges.
        await Task.Delay(CollectionAge * 3, TestContext.Current.CancellationToken);

        Assert.Contains(await ActiveCallKeysAsync(), k => k == key);
        var far = await grain.OfferLegAsync(Offer(LegRole.FarEnd, "far-1"));
        Assert.Equal(near.RecordingId, far.RecordingId);
        Assert.False(far.IsNewRecording);
        var snapshot = await grain.GetAsync();
        Assert.NotNull(snapshot);
        Assert.True(snapshot.HasNearEnd && snapshot.HasFarEnd);
    }

    [Fact]
    public async Task AClosedCallIsDeactivatedWithoutWaitingForTheCollectionAge()
    {
        var key = "refci-" + Guid.NewGuid().ToString("N");
        var grain = _cluster.Client.GetGrain<ICallGrain>(key);
        var assignment = await grain.OfferLegAsync(Offer(LegRole.NearEnd, "near-2"));
        await grain.OfferLegAsync(Offer(LegRole.FarEnd, "far-2"));
        Assert.Contains(await ActiveCallKeysAsync(), k => k == key);

        Assert.False(await grain.LegEndedAsync(assignment.RecordingId, LegRole.NearEnd, "near-2"));
        Assert.True(await grain.LegEndedAsync(assignment.RecordingId, LegRole.FarEnd, "far-2"));
        await grain.RecordingClosedAsync(assignment.RecordingId, RecordingStatus.Complete);

        // Well under the collection age plus its quantum, which is when idle collection alone would take it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await ActiveCallKeysAsync()).Contains(key))
        {
            Assert.True(clock.Elapsed < CollectionAge, $"the closed call's activation still there after {clock.Elapsed}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task ALegTheNodeRecordedUnderAnIdOfItsOwnLetsTheGrainGoWithTheIdleCollection()
    {
        var key = "refci-" + Guid.NewGuid().ToString("N");
        var grain = _cluster.Client.GetGrain<ICallGrain>(key);
        await grain.OfferLegAsync(Offer(LegRole.NearEnd, "near-3"));

        // The node gave up waiting for that answer and recorded the leg under an id of its own.
        Assert.True(await grain.LegEndedAsync("node-own", LegRole.NearEnd, "near-3"));
        await grain.RecordingClosedAsync("node-own", RecordingStatus.Complete);

        // Kept for OpenCallKeepAlive (a day) if the leg stayed open here; gone with the idle collection otherwise.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await ActiveCallKeysAsync()).Contains(key))
        {
            Assert.True(clock.Elapsed < CollectionAge * 5, $"the call's activation still there after {clock.Elapsed}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private async Task<List<string>> ActiveCallKeysAsync()
    {
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        var active = await management.GetActiveGrains(CallGrainType);
        return [.. active.Select(id => id.Key.ToString()!)];
    }

    private static LegOffer Offer(LegRole role, string callId) =>
        new(role, callId, new CucmMetadata { RefCi = "1" }, "Silo_0", DateTimeOffset.UtcNow);
}
