using Concentus;
using Concentus.Enums;

namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>
/// Encodes 20 ms frames of 8 or 16 kHz interleaved stereo PCM16 into Opus packets through Concentus, which picks native
/// libopus when <c>libopus.so</c> loads and its managed port otherwise.
/// </summary>
/// <remarks>
/// <para>
/// Each channel is its own mono Opus stream (a multistream packet of two uncoupled streams), not one coupled stereo
/// stream: the left and right channels are two different people. Measured with Concentus 2.2.2 on a 600 Hz left /
/// 1400 Hz right tone pair: coupled stereo at 16 kbit/s mixes both into both channels (libopus decides mono below about
/// 18 kbit/s, and even forced to stereo its SILK mid/side coding leaves the other tone only 3–5 dB down), and it
/// takes 24–32 kbit/s (10–14 MB/h) to reach just 13–15 dB of separation. Two mono streams at 8 kbit/s each keep the
/// channels apart by more than 60 dB at 16 kbit/s in total (about 6.4 MB/h).
/// </para>
/// <para>Not thread-safe: one per recording being finalized.</para>
/// </remarks>
internal sealed class OpusFrameEncoder : IDisposable
{
    /// <summary>The narrowband recording rate (the default).</summary>
    public const int SampleRate = 8000;
    public const int Channels = 2;

    /// <summary>Two uncoupled streams: stream 0 carries the left channel, stream 1 the right.</summary>
    public const int Streams = 2;

    public const int CoupledStreams = 0;

    /// <summary>20 ms at 8 kHz, per channel.</summary>
    public const int FrameSamples = 160;

    /// <summary>
    /// Room for one multistream packet: RFC 6716 caps a 20 ms frame at 1275 bytes, and each stream but the last adds a
    /// self-delimiting length (Appendix B); 4000 is libopus' own recommendation for a packet buffer.
    /// </summary>
    public const int MaxPacketBytes = 4000;

    /// <summary>Libopus' identity mapping for its "no particular layout" family: stream i feeds channel i, none coupled.</summary>
    private const int UncoupledMappingFamily = 255;

    private readonly IOpusMultiStreamEncoder _encoder;

    /// <param name="options">Bitrate and complexity.</param>
    /// <param name="sampleRate">The recording's rate: 8000, or 16000 for a wideband call (RFC 6716 §2: Opus encodes either).</param>
    public OpusFrameEncoder(OpusEncoderOptions options, int sampleRate = SampleRate)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (sampleRate is not (8000 or 16000))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Recordings are 8000 or 16000 Hz.");
        }

        InputRate = sampleRate;
        FrameSamplesPerChannel = sampleRate / 50;
        _encoder = OpusCodecFactory.CreateMultiStreamEncoder(
            sampleRate, Channels, UncoupledMappingFamily, out var streams, out var coupled, new byte[Channels], OpusApplication.OPUS_APPLICATION_VOIP);
        if (streams != Streams || coupled != CoupledStreams)
        {
            (_encoder as IDisposable)?.Dispose();
            throw new InvalidOperationException($"Expected {Streams} uncoupled Opus streams, the encoder made {streams} with {coupled} coupled.");
        }

        // The multistream encoder shares the bitrate out between the two mono streams.
        _encoder.Bitrate = options.Bitrate;
        _encoder.Complexity = options.Complexity;
        _encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        IsNative = _encoder.GetType().Namespace == "Concentus.Native";
        Version = _encoder.GetVersionString();
        Bitrate = options.Bitrate;
        Complexity = options.Complexity;
    }

    /// <summary>The input rate (8000 or 16000).</summary>
    public int InputRate { get; }

    /// <summary>20 ms at <see cref="InputRate"/>, per channel.</summary>
    public int FrameSamplesPerChannel { get; }

    /// <summary>True when Concentus bound native libopus (about 5× cheaper than its managed encoder).</summary>
    public bool IsNative { get; }

    /// <summary>The backing library's version string (libopus' own, or Concentus').</summary>
    public string Version { get; }

    public int Bitrate { get; }

    public int Complexity { get; }

    /// <summary>Encoder delay in samples per channel at <see cref="InputRate"/>; RFC 7845 §4.2 pre-skip is this in 48 kHz units.</summary>
    public int Lookahead => _encoder.Lookahead;

    /// <summary>Encodes one frame of <see cref="FrameSamplesPerChannel"/> × 2 interleaved samples; returns the packet length.</summary>
    public int Encode(ReadOnlySpan<short> interleavedFrame, Span<byte> packet)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(interleavedFrame.Length, FrameSamplesPerChannel * Channels);
        ArgumentOutOfRangeException.ThrowIfLessThan(packet.Length, MaxPacketBytes);
        return _encoder.EncodeMultistream(interleavedFrame, FrameSamplesPerChannel, packet, MaxPacketBytes);
    }

    public void Dispose() => (_encoder as IDisposable)?.Dispose();
}
