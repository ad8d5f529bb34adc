using System.Net.Http.Json;
using System.Text.Json;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// A real node on the workstation collector (as a node with one CPU runs) keeps the collector's background thread
/// alive: with nothing else happening it starts background collections itself, counted in <c>/api/diagnostics</c>. The
/// interval is shortened to 2 s so the test need not wait the default 12 s; what it proves is that the service is wired
/// into the node, that it sees the workstation collector and that its collections are full (generation-2) ones.
/// </summary>
public sealed class GarbageCollectorKeepAliveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnIdleWorkstationCollectorNodeStartsBackgroundCollectionsItself()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            // The environment overrides the runtime configuration's server collector, as one CPU does.
            ["DOTNET_gcServer"] = "0",
            ["Recorder__Diagnostics__BackgroundCollectorKeepAlive"] = "00:00:02",
        });

        var first = await GcAsync(node);
        Assert.False(first.GetProperty("server").GetBoolean(), "the node runs the workstation collector");
        Assert.True(first.GetProperty("concurrent").GetBoolean(), "with background collections on");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        var gc = first;
        while (KeepAlives(gc) < KeepAlives(first) + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, Ct);
            gc = await GcAsync(node);
        }

        Assert.True(KeepAlives(gc) >= KeepAlives(first) + 2, $"keep-alive collections {KeepAlives(first)} -> {KeepAlives(gc)} in 30 s");
        Assert.True(gc.GetProperty("gen2Collections").GetInt32() >= first.GetProperty("gen2Collections").GetInt32() + 2,
            $"gen2 {first.GetProperty("gen2Collections")} -> {gc.GetProperty("gen2Collections")}");
    }

    private static long KeepAlives(JsonElement gc) =>
        gc.GetProperty("keepAliveCollections") is { ValueKind: JsonValueKind.Number } n ? n.GetInt64() : -1;

    private static async Task<JsonElement> GcAsync(RecorderNode node) =>
        (await node.Http.GetFromJsonAsync<JsonElement>("/api/diagnostics", Ct)).GetProperty("gc");
}
