using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Grains.Calls;

/// <summary>
/// The pure pairing rules of one call key: which recording a leg joins, and when a recording has no open leg left.
/// </summary>
/// <remarks>Not thread-safe; owned by one grain activation (single-threaded by Orleans).</remarks>
internal sealed class CallPairing(Func<string> newRecordingId)
{
    private readonly Dictionary<LegRole, LegState> _legs = [];

    public string? RecordingId { get; private set; }
    public CucmMetadata Metadata { get; private set; } = new();
    public string Node { get; private set; } = "";
    public DateTimeOffset StartedAt { get; private set; }
    public bool Closed { get; private set; }

    public bool Has(LegRole role) => _legs.ContainsKey(role);

    /// <summary>True while the current recording has a leg that has not ended.</summary>
    public bool HasOpenLeg => !Closed && _legs.Values.Any(l => !l.Ended);

    public LegAssignment Offer(LegOffer offer)
    {
        ArgumentNullException.ThrowIfNull(offer);

        // A retransmitted or retried offer of a dialog we already placed gets the same answer.
        if (RecordingId is not null && _legs.TryGetValue(offer.Role, out var existing) && existing.CallId == offer.CallId)
        {
            return new LegAssignment(RecordingId, IsNewRecording: false);
        }

        // The partner of an open recording joins it. Anything else (no recording yet, the recording closed, or the
        // role already taken by another dialog: a new CUCM segment with the same refci) starts a new recording.
        var joins = RecordingId is not null && !Closed && !_legs.ContainsKey(offer.Role) && _legs.Values.Any(l => !l.Ended);
        if (!joins)
        {
            _legs.Clear();
            RecordingId = newRecordingId();
            Closed = false;
            StartedAt = offer.OfferedAt;
            Node = offer.Node;
            Metadata = offer.Metadata;
        }
        else
        {
            Metadata = Metadata.MergedWith(offer.Metadata);
        }

        _legs[offer.Role] = new LegState(offer.CallId, Ended: false);
        return new LegAssignment(RecordingId!, IsNewRecording: !joins);
    }

    /// <summary>
    /// Marks the leg ended; true when every leg of the recording has ended. The leg is matched by recording id and role,
    /// or by role and Call-ID: a node that paired the leg itself (this grain answered its offer too late) ends it under
    /// the node's recording id, and the leg must not stay open here for ever.
    /// </summary>
    public bool End(string recordingId, LegRole role, string callId)
    {
        var ours = recordingId == RecordingId;
        if (_legs.TryGetValue(role, out var leg) && (ours || leg.CallId == callId))
        {
            _legs[role] = leg with { Ended = true };
            ours = true;
        }

        return !ours || _legs.Values.All(l => l.Ended);
    }

    public void UpdateMetadata(string recordingId, CucmMetadata metadata)
    {
        if (recordingId == RecordingId)
        {
            Metadata = Metadata.MergedWith(metadata);
        }
    }

    public void Close(string recordingId)
    {
        if (recordingId == RecordingId)
        {
            Closed = true;
        }
    }

    private readonly record struct LegState(string CallId, bool Ended);
}
