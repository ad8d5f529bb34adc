namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>One recorder node on the embedded default (SQLite, local disk) shared by a test class.</summary>
public sealed class RecorderFixture : IAsyncLifetime
{
    internal RecorderNode Node { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Node = await RecorderNode.StartAsync(new Dictionary<string, string>
    {
        ["Recorder__License__Channels"] = "8",
    });

    public async ValueTask DisposeAsync() => await Node.DisposeAsync();
}
