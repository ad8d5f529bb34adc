using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Abstractions.Cluster;
using OrleansRecorder.Silo.Cluster;

namespace OrleansRecorder.Tests.Unit.Calls;

/// <summary>
/// The call grain lives as long as its call, in a one-silo in-process cluster whose idle collection is cut to seconds:
/// an open call outlives the collection age (its state must survive an hour-long call), and an ended one is gone at
/// once (a busy node must not keep every finished call in memory for the collection age). Reports apply in version
/// order.
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
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Configure<GrainCollectionOptions>(o =>
            {
                o.CollectionQuantum = TimeSpan.FromSeconds(1);
                o.CollectionAge = CollectionAge;
            });
            silo.AddPlacementDirector<PeerNodePlacement, PeerNodePlacementDirector>();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AnOpenCallOutlivesTheIdleCollectionAgeAndKeepsItsState()
    {
        var id = "rec-" + Guid.NewGuid().ToString("N");
        var grain = _cluster.Client.GetGrain<ICallGrain>(id);
        await grain.ReportAsync(Report(id, 1, LiveCallState.Recording));

        // Idle for several collection ages, as a long call is between its reports.
        await Task.Delay(CollectionAge * 3, TestContext.Current.CancellationToken);

        Assert.Contains(await ActiveCallKeysAsync(), k => k == id);
        var held = await grain.GetAsync();
        Assert.NotNull(held);
        Assert.Equal(LiveCallState.Recording, held.State);
        Assert.Equal("node-a", held.Node);
    }

    [Fact]
    public async Task AnOlderReportDoesNotReplaceANewerOne()
    {
        var id = "rec-" + Guid.NewGuid().ToString("N");
        var grain = _cluster.Client.GetGrain<ICallGrain>(id);
        await grain.ReportAsync(Report(id, 2, LiveCallState.Held));
        await grain.ReportAsync(Report(id, 1, LiveCallState.Recording));
        Assert.Equal(LiveCallState.Held, (await grain.GetAsync())!.State);
        await grain.ReportAsync(Report(id, 3, LiveCallState.Paused));
        Assert.Equal(LiveCallState.Paused, (await grain.GetAsync())!.State);
    }

    [Fact]
    public async Task AnEndedCallIsDeactivatedWithoutWaitingForTheCollectionAge()
    {
        var id = "rec-" + Guid.NewGuid().ToString("N");
        var grain = _cluster.Client.GetGrain<ICallGrain>(id);
        await grain.ReportAsync(Report(id, 1, LiveCallState.Recording));
        Assert.Contains(await ActiveCallKeysAsync(), k => k == id);
        await grain.ReportAsync(Report(id, 2, LiveCallState.Ended) with { Status = RecordingStatus.Complete });

        // Well under the collection age plus its quantum, which is when idle collection alone would take it.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await ActiveCallKeysAsync()).Contains(id))
        {
            Assert.True(clock.Elapsed < CollectionAge, $"the ended call's activation still there after {clock.Elapsed}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task AGrainAskedAboutACallNoNodeReportedIsGoneAtOnce()
    {
        var id = "made-up-" + Guid.NewGuid().ToString("N");
        var grain = _cluster.Client.GetGrain<ICallGrain>(id);
        Assert.Null(await grain.GetAsync());
        Assert.Null(await grain.ControlAsync(CallControl.Pause, "someone"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await ActiveCallKeysAsync()).Contains(id))
        {
            Assert.True(clock.Elapsed < CollectionAge, $"the unknown call's activation still there after {clock.Elapsed}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private async Task<List<string>> ActiveCallKeysAsync()
    {
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        var active = await management.GetActiveGrains(CallGrainType);
        return [.. active.Select(id => id.Key.ToString()!)];
    }

    internal static LiveCall Report(string id, long version, LiveCallState state, string node = "node-a") =>
        new(id, "cucm/-/1", node, new CucmMetadata { RefCi = "1" }, DateTimeOffset.UtcNow,
            new LiveLeg("near-1", "pcmu", false, false, 100, 0, 2.0), null, state, [], version, DateTimeOffset.UtcNow);
}
