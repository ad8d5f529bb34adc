namespace OrleansRecorder.Silo.Media;

/// <summary>Why the RTP receiver writes silence instead of decoded audio (the gap ledger tells these apart).</summary>
public enum SilenceCause
{
    /// <summary>Packets are missing by sequence number: lost on the way (or dropped as unusable).</summary>
    PacketLoss,

    /// <summary>No packet is missing, yet time passed without audio: the sender paused (held, silent without comfort noise, restarted).</summary>
    NoPackets,

    /// <summary>Part of a comfort-noise interval the sender signalled (less than a codec frame): silence by agreement, not a gap.</summary>
    ComfortNoise,
}
