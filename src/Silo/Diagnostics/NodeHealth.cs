using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Diagnostics;

/// <summary>
/// Whether this node can take new recordings: joined (silo and SIP edge started), not draining, data directory
/// writable with enough free space. The SIP edge answers 503 (INVITE and OPTIONS) while it is not, so CUCM fails over.
/// </summary>
/// <remarks>The disk probe touches the file system, so its result is cached for <see cref="DiskProbeInterval"/>.</remarks>
internal sealed class NodeHealth(RecorderSettings settings, TimeProvider timeProvider)
{
    private readonly DiskHealth _disk = new(settings.Recording);
    private static readonly TimeSpan DiskProbeInterval = TimeSpan.FromSeconds(2);
    private readonly Lock _gate = new();
    private long _lastProbe = long.MinValue;
    private string? _diskProblem;
    private volatile bool _joined;
    private volatile bool _draining;

    public bool IsJoined => _joined;
    public bool IsDraining => _draining;

    public void MarkJoined() => _joined = true;
    public void MarkDraining() => _draining = true;

    /// <summary>Null when healthy, else why not.</summary>
    public string? GetProblem()
    {
        if (!_joined)
        {
            return "node not joined yet";
        }

        if (_draining)
        {
            return "node draining";
        }

        lock (_gate)
        {
            if (_lastProbe == long.MinValue || timeProvider.GetElapsedTime(_lastProbe) >= DiskProbeInterval)
            {
                _diskProblem = _disk.IsWritable(out var reason) ? null : reason;
                _lastProbe = timeProvider.GetTimestamp();
            }

            return _diskProblem;
        }
    }
}
