namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>Tuning of one leg's RTP receiver.</summary>
internal sealed class RtpReceiverOptions
{
    /// <summary>How many packets may wait for a missing predecessor before it is declared lost (5 × 20 ms = 100 ms).</summary>
    public int ReorderWindowPackets { get; set; } = 5;

    /// <summary>
    /// Packets kept while the answer SDP is not known yet (CUCM's ACK may trail the first RTP); newer ones are dropped.
    /// 5 s of 20 ms packets: under load the ACK was seen to trail the first RTP by more than the 1 s kept before.
    /// </summary>
    public int HeldPacketsBeforeConfigure { get; set; } = 250;

    /// <summary>The largest RTP timestamp jump filled with silence; a bigger (or negative) jump is a timestamp reset, filled by arrival time.</summary>
    public TimeSpan MaxGapFill { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The receive buffer size; larger datagrams are truncated and dropped as malformed.</summary>
    public int MaxDatagramSize { get; set; } = 1500;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ReorderWindowPackets, 1, nameof(ReorderWindowPackets));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReorderWindowPackets, 64, nameof(ReorderWindowPackets));
        ArgumentOutOfRangeException.ThrowIfNegative(HeldPacketsBeforeConfigure, nameof(HeldPacketsBeforeConfigure));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxGapFill, TimeSpan.Zero, nameof(MaxGapFill));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramSize, RtpPacket.FixedHeaderLength + 1, nameof(MaxDatagramSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDatagramSize, 65535, nameof(MaxDatagramSize));
    }
}
