namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// Recorder nodes shared by the tests of one class (an xunit class fixture): one node per distinct configuration,
/// started on first use and killed when the class is done. A node start costs 5–10 s on the 2-core test machine, the
/// SIP probes of a policy test a second. Only for tests that hold whatever another test may leave on the node (a
/// recording, a user) against nothing they assert.
/// </summary>
public sealed class NodePool : IAsyncDisposable
{
    private readonly Dictionary<string, Task<RecorderNode>> _nodes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The node started with exactly these settings (and defaults for the rest).</summary>
    internal Task<RecorderNode> GetAsync(IDictionary<string, string>? settings = null)
    {
        settings ??= new Dictionary<string, string>();
        var key = string.Join('\n', settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
        lock (_gate)
        {
            if (!_nodes.TryGetValue(key, out var node))
            {
                node = RecorderNode.StartAsync(settings);
                _nodes[key] = node;
            }

            return node;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var starting in _nodes.Values)
        {
            if (starting.IsCompletedSuccessfully)
            {
                await (await starting).DisposeAsync();
            }
        }
    }
}
