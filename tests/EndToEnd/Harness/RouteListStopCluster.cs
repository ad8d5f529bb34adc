namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A primary that refuses with 404 or 486 and a plain backup, started on first use and shared by the route-list tests
/// of a class (an xunit class fixture): recording users only (198101), and no licensed channel, so a call from an
/// unknown number gets 404 (the user check comes first) and one from 198101 gets 486. Neither records anything.
/// </summary>
public sealed class RouteListStopCluster : IAsyncDisposable
{
    public const string RecordingUser = "198101";

    private readonly Lazy<Task<(RecorderNode Primary, RecorderNode Backup)>> _nodes = new(StartAsync);

    internal Task<(RecorderNode Primary, RecorderNode Backup)> GetAsync() => _nodes.Value;

    public async ValueTask DisposeAsync()
    {
        if (_nodes.IsValueCreated && _nodes.Value.IsCompletedSuccessfully)
        {
            var (primary, backup) = await _nodes.Value;
            await primary.DisposeAsync();
            await backup.DisposeAsync();
        }
    }

    private static async Task<(RecorderNode Primary, RecorderNode Backup)> StartAsync()
    {
        var cluster = SharedClusterSettings.Create();
        var primary = await RecorderNode.StartAsync(cluster.With(
            "primary",
            ("Recorder__Users__RecordAll", "false"),
            ("Recorder__Users__Numbers__0", RecordingUser),
            ("Recorder__License__Channels", "0")));
        return (primary, await RecorderNode.StartAsync(cluster.With("backup")));
    }
}
