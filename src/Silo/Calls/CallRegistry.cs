using System.Collections.Concurrent;

using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// The recordings and legs active on this node. Channel accounting lives here: a channel is one recorded call (both of
/// its legs), so only the leg that opens a recording needs a free channel; a recording whose legs have all ended gives
/// its channel back when its finalization begins (<see cref="ReleaseChannel"/>), not when its encoding is done, so a
/// queue of finalizations never refuses new calls.
/// </summary>
internal sealed class CallRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ActiveRecording> _recordings = [];
    private readonly Dictionary<string, (string RecordingId, HashSet<LegRole> Roles)> _localPairings = [];
    private readonly ConcurrentDictionary<string, CallLeg> _legs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _channelReleased = new(StringComparer.Ordinal);

    /// <summary>Recordings holding a channel: calls in progress, not the ones waiting for or in finalization.</summary>
    public int ActiveRecordings
    {
        get
        {
            lock (_gate)
            {
                return _recordings.Count - _channelReleased.Count;
            }
        }
    }

    public IReadOnlyList<ActiveRecording> Recordings
    {
        get
        {
            lock (_gate)
            {
                return [.. _recordings.Values];
            }
        }
    }

    /// <summary>
    /// The recording with this id, created by <paramref name="create"/> when absent if fewer than
    /// <paramref name="channels"/> recordings are active. Null when no channel is free.
    /// </summary>
    public ActiveRecording? GetOrOpen(string recordingId, int channels, Func<ActiveRecording> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        lock (_gate)
        {
            if (_recordings.TryGetValue(recordingId, out var existing))
            {
                return existing;
            }

            if (_recordings.Count - _channelReleased.Count >= channels)
            {
                return null;
            }

            var created = create();
            _recordings.Add(recordingId, created);
            return created;
        }
    }

    /// <summary>
    /// Pairs a leg on this node alone, atomically (the fallback when the call grain does not answer): the leg joins the
    /// recording that its partner opened or reserved here, else reserves a new recording id for its call key.
    /// </summary>
    public string PairLocally(string pairingKey, LegRole role)
    {
        lock (_gate)
        {
            if (_recordings.Values.FirstOrDefault(r => r.PairingKey == pairingKey) is { } open && !open.Legs.Any(l => l.Role == role))
            {
                return open.RecordingId;
            }

            if (_localPairings.TryGetValue(pairingKey, out var reserved) && reserved.Roles.Add(role))
            {
                return reserved.RecordingId;
            }

            var id = Guid.CreateVersion7().ToString("N");
            _localPairings[pairingKey] = (id, [role]);
            return id;
        }
    }

    /// <summary>The open recording of a call key, if any: its partner leg joins without a new channel.</summary>
    public ActiveRecording? FindRecordingForPairing(string pairingKey)
    {
        lock (_gate)
        {
            return _recordings.Values.FirstOrDefault(r => r.PairingKey == pairingKey);
        }
    }

    /// <summary>The recording's legs have all ended: its channel is free for a new call while it is finalized.</summary>
    public void ReleaseChannel(ActiveRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        lock (_gate)
        {
            if (_recordings.ContainsKey(recording.RecordingId))
            {
                _channelReleased.Add(recording.RecordingId);
            }
        }
    }

    public void Remove(ActiveRecording recording)
    {
        ArgumentNullException.ThrowIfNull(recording);
        lock (_gate)
        {
            _recordings.Remove(recording.RecordingId);
            _channelReleased.Remove(recording.RecordingId);
            if (_localPairings.TryGetValue(recording.PairingKey, out var reserved) && reserved.RecordingId == recording.RecordingId)
            {
                _localPairings.Remove(recording.PairingKey);
            }
        }
    }

    public bool TryAddLeg(CallLeg leg) => _legs.TryAdd(leg.CallId, leg);

    public CallLeg? FindLeg(string callId) => _legs.GetValueOrDefault(callId);

    public void RemoveLeg(CallLeg leg) => _legs.TryRemove(new KeyValuePair<string, CallLeg>(leg.CallId, leg));

    public IReadOnlyCollection<CallLeg> Legs => [.. _legs.Values];
}
