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

    /// <summary>Recordings whose session (folder and files) is being made, outside the lock; each holds its channel.</summary>
    private readonly Dictionary<string, Lazy<ActiveRecording>> _opening = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LocalPairing>> _pairings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CallLeg> _legs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _channelReleased = new(StringComparer.Ordinal);

    /// <summary>Recordings holding a channel: calls in progress, not the ones waiting for or in finalization.</summary>
    public int ActiveRecordings
    {
        get
        {
            lock (_gate)
            {
                return HeldChannels;
            }
        }
    }

    /// <summary>Under <see cref="_gate"/>: open recordings not yet finalizing, and those being opened.</summary>
    private int HeldChannels => _recordings.Count + _opening.Count - _channelReleased.Count;

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
    /// <remarks>
    /// <paramref name="create"/> makes the session's folder and files, which waits on the filesystem (its journal, under
    /// a burst of set-ups with finalizations writing beside them). It runs outside the registry's lock, which every
    /// INVITE takes, on the SIP receive thread too (<see cref="HasRecordingForPairing"/>): under the lock, one slow
    /// creation held every other set-up and the receive thread behind it. The channel is taken before, under the lock,
    /// and a partner leg asking for the same id meanwhile waits for that one creation instead of making a second.
    /// If <paramref name="create"/> throws, the channel is given back and every waiter gets the exception.
    /// </remarks>
    public ActiveRecording? GetOrOpen(string recordingId, int channels, Func<ActiveRecording> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        Lazy<ActiveRecording>? opening;
        lock (_gate)
        {
            if (_recordings.TryGetValue(recordingId, out var existing))
            {
                return existing;
            }

            if (!_opening.TryGetValue(recordingId, out opening))
            {
                if (HeldChannels >= channels)
                {
                    return null;
                }

                opening = new Lazy<ActiveRecording>(() => Open(recordingId, create), LazyThreadSafetyMode.ExecutionAndPublication);
                _opening.Add(recordingId, opening);
            }
        }

        return opening.Value;
    }

    /// <summary>
    /// Runs once per opening recording (the <see cref="Lazy{T}"/> of <see cref="GetOrOpen"/>), and moves it from opening to
    /// open before anyone is handed it, so whoever holds it finds it in the registry.
    /// </summary>
    private ActiveRecording Open(string recordingId, Func<ActiveRecording> create)
    {
        ActiveRecording? created = null;
        try
        {
            created = create();
            return created;
        }
        finally
        {
            // Made or failed, it is no longer being opened; made, it is open (a failed one gives its channel back).
            lock (_gate)
            {
                _opening.Remove(recordingId);
                if (created is not null)
                {
                    _recordings.Add(recordingId, created);
                }
            }
        }
    }

    /// <summary>
    /// Settles which recording a leg joins, atomically on this node, given a fresh id for it. Both dialogs of a CUCM call
    /// reach the same node, so the node's own pairing decides (the call grain only hears of it afterwards): the leg
    /// joins a recording of the same call key that lacks its role and is not finalizing; otherwise the proposed id is
    /// reserved (the first leg of a call, or a new CUCM segment under the same refci whose role is taken).
    /// </summary>
    public string Pair(string pairingKey, LegRole role, string proposedId) => Pair(pairingKey, (int)role, proposedId);

    /// <summary>As <see cref="Pair(string, LegRole, string)"/> by channel: a SIPREC session's third stream and on join its recording.</summary>
    public string Pair(string pairingKey, int channel, string proposedId)
    {
        lock (_gate)
        {
            if (!_pairings.TryGetValue(pairingKey, out var pairings))
            {
                _pairings[pairingKey] = pairings = [];
            }

            var chosen = pairings.FirstOrDefault(p => p.RecordingId == proposedId)
                ?? pairings.FirstOrDefault(p => !p.Channels.Contains(channel) && !(_recordings.TryGetValue(p.RecordingId, out var open) && open.IsFinalizing));
            if (chosen is null)
            {
                chosen = new LocalPairing(proposedId);
                pairings.Add(chosen);
            }

            chosen.Channels.Add(channel);
            return chosen.RecordingId;
        }
    }

    /// <summary>Takes back a role <see cref="Pair(string, LegRole, string)"/> gave a leg that was then refused (no port, no codec, no channel).</summary>
    public void Unpair(string pairingKey, LegRole role, string recordingId) => Unpair(pairingKey, (int)role, recordingId);

    /// <summary>Takes back a channel <see cref="Pair(string, int, string)"/> gave a leg that was then refused.</summary>
    public void Unpair(string pairingKey, int channel, string recordingId)
    {
        lock (_gate)
        {
            if (_pairings.TryGetValue(pairingKey, out var pairings) && pairings.Find(p => p.RecordingId == recordingId) is { } pairing)
            {
                pairing.Channels.Remove(channel);
                if (pairing.Channels.Count == 0 && !_recordings.ContainsKey(recordingId) && !_opening.ContainsKey(recordingId))
                {
                    Forget(pairingKey, pairings, pairing);
                }
            }
        }
    }

    /// <summary>
    /// Whether a call key has a recording open or being opened on this node: its partner leg joins it without a new
    /// channel (and is not counted as a new set-up).
    /// </summary>
    public bool HasRecordingForPairing(string pairingKey)
    {
        lock (_gate)
        {
            // Through the key's pairings (every leg is paired before its recording opens), not a walk of every open
            // recording: this is asked for every INVITE.
            if (_pairings.TryGetValue(pairingKey, out var pairings))
            {
                foreach (var pairing in pairings)
                {
                    if (_recordings.ContainsKey(pairing.RecordingId) || _opening.ContainsKey(pairing.RecordingId))
                    {
                        return true;
                    }
                }
            }

            return false;
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
            if (_pairings.TryGetValue(recording.PairingKey, out var pairings) && pairings.Find(p => p.RecordingId == recording.RecordingId) is { } pairing)
            {
                Forget(recording.PairingKey, pairings, pairing);
            }
        }
    }

    public bool TryAddLeg(CallLeg leg) => _legs.TryAdd(leg.RegistryKey, leg);

    public CallLeg? FindLeg(string callId) => _legs.GetValueOrDefault(callId);

    public void RemoveLeg(CallLeg leg) => _legs.TryRemove(new KeyValuePair<string, CallLeg>(leg.RegistryKey, leg));

    public IReadOnlyCollection<CallLeg> Legs => [.. _legs.Values];

    private void Forget(string pairingKey, List<LocalPairing> pairings, LocalPairing pairing)
    {
        pairings.Remove(pairing);
        if (pairings.Count == 0)
        {
            _pairings.Remove(pairingKey);
        }
    }

    /// <summary>A recording id this node gave legs of a call key, and the channels (a CUCM leg's: its role's) given so far.</summary>
    private sealed class LocalPairing(string recordingId)
    {
        public string RecordingId { get; } = recordingId;

        public HashSet<int> Channels { get; } = [];
    }
}
