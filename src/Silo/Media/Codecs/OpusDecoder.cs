using Concentus;

namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>
/// Opus over RTP (RFC 7587) through Concentus (native libopus when it loads, its managed port otherwise), decoded to mono
/// at the leg's rate: the RTP clock is always 48 kHz (§4.1) whatever the audio bandwidth, and a stereo stream
/// (<c>opus/48000/2</c> is how every offer names it, §7) is mixed down by the decoder, since a leg is one party.
/// </summary>
/// <remarks>
/// Any frame duration (2.5 to 120 ms per packet, §4.2); in-band FEC (§3.3) recovers a packet lost just before one that
/// carries it (<see cref="DecodeRedundancy"/>; when the packet carries no FEC data libopus conceals the loss instead,
/// RFC 6716 §4.4, which beats a hole of silence in speech); DTX pauses (§3.1.3) are timestamp jumps like any other. A packet the
/// decoder rejects decodes to nothing (counted malformed by the caller), never an exception out of here.
/// </remarks>
internal sealed class OpusDecoder : IAudioDecoder, IDisposable
{
    /// <summary>RFC 7587 §4.1: the RTP clock of Opus.</summary>
    public const int RtpClockRate = 48000;

    /// <summary>RFC 6716 §3.2.1: a packet holds at most 120 ms.</summary>
    private const int MaxPacketMilliseconds = 120;

    private readonly IOpusDecoder _decoder;

    /// <param name="sampleRate">8000, 12000, 16000, 24000 or 48000 (RFC 6716 §4: the decoder renders any of them).</param>
    public OpusDecoder(int sampleRate)
    {
        SampleRate = sampleRate;
        _decoder = OpusCodecFactory.CreateDecoder(sampleRate, 1);
    }

    public int SampleRate { get; }

    public int ClockRate => RtpClockRate;

    public int GetSampleCount(int payloadLength) => SampleRate / 1000 * MaxPacketMilliseconds;

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        var frameSize = Math.Min(pcm.Length, GetSampleCount(payload.Length));
        try
        {
            var samples = _decoder.Decode(payload, pcm, frameSize, false);
            return Math.Max(samples, 0);
        }
        catch (Exception exception) when (exception is OpusException or ArgumentException or IndexOutOfRangeException)
        {
            // Concentus' managed decoder throws on a corrupt packet; the leg goes on.
            return 0;
        }
    }

    public int DecodeRedundancy(ReadOnlySpan<byte> nextPayload, Span<short> pcm)
    {
        // RFC 7587 §3.3 / RFC 6716 §2.1.7: the LBRR data describes the previous frame; the decoder needs its length,
        // in whole 2.5 ms steps.
        var step = SampleRate / 400;
        var frameSize = Math.Min(pcm.Length, GetSampleCount(nextPayload.Length)) / step * step;
        if (frameSize == 0)
        {
            return 0;
        }

        try
        {
            return Math.Max(_decoder.Decode(nextPayload, pcm, frameSize, true), 0);
        }
        catch (Exception exception) when (exception is OpusException or ArgumentException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    public void Dispose() => (_decoder as IDisposable)?.Dispose();
}
