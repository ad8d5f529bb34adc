namespace OrleansRecorder.Silo.Media.Srtp;

/// <summary>
/// The per-SSRC part of an SRTP receiver's cryptographic context (RFC 3711 §3.2.3): the rollover counter, the highest
/// sequence number received (s_l) and the replay list.
/// </summary>
/// <remarks>
/// Indexes are 48-bit packet indexes (ROC · 2^16 + SEQ) held in a <see langword="long"/>; -1 means "before the first
/// packet of the stream". The replay list is a 128-packet sliding window (RFC 3711 §3.3.2 asks for at least 64):
/// bit k of the window says whether index (highest − k) was received. Only authenticated packets update it.
/// </remarks>
internal sealed class SrtpStream
{
    /// <summary>Packets behind the highest one that are still checked; older ones are refused as replays.</summary>
    public const int ReplayWindowSize = 128;

    private ulong _windowLow;
    private ulong _windowHigh;

    public uint Ssrc { get; private set; }

    /// <summary>Whether a packet of <see cref="Ssrc"/> has been authenticated (the state is in use).</summary>
    public bool Started { get; private set; }

    /// <summary>The rollover counter (ROC).</summary>
    public uint RolloverCounter { get; private set; }

    /// <summary>s_l: the highest sequence number received and authenticated.</summary>
    public ushort HighestSequence { get; private set; }

    /// <summary>When the stream last authenticated a packet (the owner's packet count), to reuse the stalest slot.</summary>
    public long LastUsed { get; set; }

    private long HighestIndex => ((long)RolloverCounter << 16) | HighestSequence;

    /// <summary>Forgets everything and takes a new SSRC (the stream's first packet sets ROC 0 and s_l).</summary>
    public void Reset(uint ssrc)
    {
        Ssrc = ssrc;
        Started = false;
        RolloverCounter = 0;
        HighestSequence = 0;
        _windowLow = 0;
        _windowHigh = 0;
        LastUsed = 0;
    }

    /// <summary>
    /// RFC 3711 §3.3.1 (and Appendix A): the index of a packet with sequence number <paramref name="sequence"/>, from
    /// ROC and s_l: the one of SEQ + (ROC−1, ROC, ROC+1) · 2^16 closest to s_l. The first packet of a stream has ROC 0
    /// (RFC 4568 §7.1.1: SDES starts every stream at ROC 0). -1 when the packet would lie before index 0.
    /// </summary>
    public long EstimateIndex(ushort sequence)
    {
        if (!Started)
        {
            return sequence;
        }

        long v = RolloverCounter;
        if (HighestSequence < 32768)
        {
            if (sequence - HighestSequence > 32768)
            {
                v--;
            }
        }
        else if (HighestSequence - 32768 > sequence)
        {
            v++;
        }

        if (v < 0 || v > uint.MaxValue)
        {
            return -1;
        }

        return (v << 16) | sequence;
    }

    /// <summary>RFC 3711 §3.3.2: whether <paramref name="index"/> was received already or lies behind the window.</summary>
    public bool IsReplayed(long index)
    {
        if (index < 0)
        {
            return true;
        }

        if (!Started)
        {
            return false;
        }

        var delta = HighestIndex - index;
        if (delta < 0)
        {
            return false;
        }

        if (delta >= ReplayWindowSize)
        {
            return true;
        }

        return delta < 64 ? (_windowLow & (1UL << (int)delta)) != 0 : (_windowHigh & (1UL << (int)(delta - 64))) != 0;
    }

    /// <summary>
    /// RFC 3711 §3.3.1 and §3.3.2, after the packet authenticated: a higher index moves ROC and s_l to it (v = ROC + 1
    /// updates ROC; a higher SEQ with v = ROC updates s_l) and slides the window; an older one only marks its bit.
    /// </summary>
    public void Update(long index)
    {
        if (!Started)
        {
            Started = true;
            SetHighest(index);
            _windowLow = 1;
            _windowHigh = 0;
            return;
        }

        var delta = index - HighestIndex;
        if (delta > 0)
        {
            Shift(delta);
            _windowLow |= 1;
            SetHighest(index);
        }
        else
        {
            var behind = -delta;
            if (behind < 64)
            {
                _windowLow |= 1UL << (int)behind;
            }
            else if (behind < ReplayWindowSize)
            {
                _windowHigh |= 1UL << (int)(behind - 64);
            }
        }
    }

    private void SetHighest(long index)
    {
        RolloverCounter = (uint)(index >> 16);
        HighestSequence = (ushort)index;
    }

    private void Shift(long count)
    {
        if (count >= ReplayWindowSize)
        {
            _windowLow = 0;
            _windowHigh = 0;
        }
        else if (count >= 64)
        {
            _windowHigh = _windowLow << (int)(count - 64);
            _windowLow = 0;
        }
        else
        {
            _windowHigh = (_windowHigh << (int)count) | (_windowLow >> (64 - (int)count));
            _windowLow <<= (int)count;
        }
    }
}
