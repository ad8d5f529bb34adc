namespace OrleansRecorder.Silo.Recording;

/// <summary>The content of <c>segments/{id}/session.json</c>: enough to finalize the segments after a crash.</summary>
internal sealed record SessionState
{
    public required RecordingInfo Info { get; init; }

    /// <summary>Arrival of the near end's first packet (UTC), once known.</summary>
    public DateTimeOffset? NearEndFirstPacketAt { get; init; }

    /// <summary>Arrival of the far end's first packet (UTC), once known.</summary>
    public DateTimeOffset? FarEndFirstPacketAt { get; init; }

    /// <summary>The near end's sample rate as its first codec set it (null: 8000, as every recording before issue #13).</summary>
    public int? NearEndSampleRate { get; init; }

    /// <summary>The far end's sample rate (null: 8000).</summary>
    public int? FarEndSampleRate { get; init; }

    /// <summary>
    /// The call's segment key wrapped (<see cref="Encryption.SegmentKeys"/>): its segments and gap journals are encrypted
    /// (<see cref="SegmentFile"/>). Null: plain, as every call before encryption of calls in progress.
    /// </summary>
    public Encryption.WrappedDataKey? SegmentKey { get; init; }

    /// <summary>Telephone events so far, in the order they ended (masked already when the option says so).</summary>
    public IReadOnlyList<RecordingDtmf> Dtmf { get; init; } = [];

    /// <summary>Holds so far, oldest first; the last one of a leg may still be open.</summary>
    public IReadOnlyList<RecordingPause> Pauses { get; init; } = [];

    /// <summary>Channels beyond the near and far end (a SIPREC session's third stream and on), by channel.</summary>
    public IReadOnlyList<RecordingChannel> ExtraChannels { get; init; } = [];

    /// <summary>
    /// Channels of the file: a call's two legs; a SIPREC session's own count (1 for a single mixed stream), never fewer
    /// than the channels it has segments for.
    /// </summary>
    public int ChannelCount()
    {
        var count = Info.Siprec is { Channels: > 0 } siprec ? siprec.Channels : 2;
        foreach (var extra in ExtraChannels)
        {
            count = Math.Max(count, extra.Channel + 1);
        }

        return count;
    }
}
