using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Calls;

/// <summary>A recording in progress on this node: its session on disk and its legs.</summary>
internal sealed class ActiveRecording(string pairingKey, RecordingSession session, RecordingInfo info)
{
    private readonly Lock _gate = new();
    /// <summary>By channel: 0 and 1 are the near and far end, 2 and on a SIPREC session's further streams.</summary>
    private readonly Dictionary<int, CallLeg> _legs = [];
    private bool _finalizing;

    public string PairingKey { get; } = pairingKey;
    public string RecordingId => Session.RecordingId;
    public RecordingSession Session { get; } = session;
    public RecordingInfo Info { get; private set; } = info;

    /// <summary>Set while an operator has the recording paused; null while it records.</summary>
    public OperatorPause? OperatorPause { get; set; }

    public void UpdateInfo(Func<RecordingInfo, RecordingInfo> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            Info = change(Info);
            Session.UpdateInfo(Info);
        }
    }

    /// <summary>False when the leg's channel (its role for a CUCM leg) is already taken by another dialog.</summary>
    public bool TryAttach(CallLeg leg)
    {
        ArgumentNullException.ThrowIfNull(leg);
        lock (_gate)
        {
            return !_finalizing && _legs.TryAdd(leg.Channel, leg);
        }
    }

    public IReadOnlyList<CallLeg> Legs
    {
        get
        {
            lock (_gate)
            {
                return [.. _legs.Values];
            }
        }
    }

    /// <summary>True once finalizing began: no leg may join any more.</summary>
    public bool IsFinalizing
    {
        get
        {
            lock (_gate)
            {
                return _finalizing;
            }
        }
    }

    /// <summary>True exactly once: when every attached leg has ended and nobody started finalizing yet.</summary>
    public bool TryBeginFinalize(bool force = false)
    {
        lock (_gate)
        {
            if (_finalizing || (!force && _legs.Values.Any(l => !l.Ended)))
            {
                return false;
            }

            _finalizing = true;
            return true;
        }
    }
}
