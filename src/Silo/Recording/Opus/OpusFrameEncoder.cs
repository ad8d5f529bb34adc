using Concentus;
using Concentus.Enums;

namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>
/// Encodes 20 ms frames of 8 or 16 kHz interleaved PCM16 (stereo, or one channel per SIPREC stream) into Opus packets
/// through Concentus, which picks native libopus when <c>libopus.so</c> loads and its managed port otherwise.
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

    /// <summary>A call's two legs: left and right.</summary>
    public const int Stereo = 2;

    /// <summary>RFC 7845 §5.1.1: the channel count is one byte.</summary>
    public const int MaxChannels = 255;

    /// <summary>Always uncoupled: each channel is its own mono stream (stream i carries channel i).</summary>
    public const int CoupledStreams = 0;

    /// <summary>20 ms at 8 kHz, per channel.</summary>
    public const int FrameSamples = 160;

    /// <summary>
    /// Room for one multistream packet of two streams: RFC 6716 caps a 20 ms frame at 1275 bytes, and each stream but the
    /// last adds a self-delimiting length (Appendix B); 4000 is libopus' own recommendation for a packet buffer.
    /// </summary>
    public const int MaxPacketBytes = 4000;

    /// <summary>Room for one multistream packet of <paramref name="channels"/> streams (1277 bytes each at most, RFC 6716 App. B).</summary>
    public static int MaxPacketBytesFor(int channels) => Math.Max(MaxPacketBytes, channels * 1277);

    /// <summary>Libopus' identity mapping for its "no particular layout" family: stream i feeds channel i, none coupled.</summary>
    private const int UncoupledMappingFamily = 255;

    private readonly IOpusMultiStreamEncoder _encoder;

    /// <param name="options">Bitrate and complexity.</param>
    /// <param name="sampleRate">The recording's rate: 8000, or 16000 for a wideband call (RFC 6716 §2: Opus encodes either).</param>
    /// <param name="channels">Channels, each one mono stream: 2 for a call's legs, 1 or more for a SIPREC session's streams.</param>
    public OpusFrameEncoder(OpusEncoderOptions options, int sampleRate = SampleRate, int channels = Stereo)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (sampleRate is not (8000 or 16000))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Recordings are 8000 or 16000 Hz.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, MaxChannels);
        InputRate = sampleRate;
        Channels = channels;
        FrameSamplesPerChannel = sampleRate / 50;
        _encoder = OpusCodecFactory.CreateMultiStreamEncoder(
            sampleRate, channels, UncoupledMappingFamily, out var streams, out var coupled, new byte[channels], OpusApplication.OPUS_APPLICATION_VOIP);
        if (streams != channels || coupled != CoupledStreams)
        {
            (_encoder as IDisposable)?.Dispose();
            throw new InvalidOperationException($"Expected {channels} uncoupled Opus streams, the encoder made {streams} with {coupled} coupled.");
        }

        // The multistream encoder shares the bitrate out between the mono streams. The setting is for a call's two
        // channels, so each channel of a SIPREC session with more (or fewer) streams keeps a call channel's quality.
        var bitrate = (int)Math.Min(int.MaxValue, (long)options.Bitrate * channels / Stereo);
        _encoder.Bitrate = bitrate;
        _encoder.Complexity = options.Complexity;
        _encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        IsNative = _encoder.GetType().Namespace == "Concentus.Native";
        Version = _encoder.GetVersionString();
        Bitrate = bitrate;
        Complexity = options.Complexity;
    }

    /// <summary>The input rate (8000 or 16000).</summary>
    public int InputRate { get; }

    /// <summary>Interleaved channels per frame, each coded as its own uncoupled stream.</summary>
    public int Channels { get; }

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

    /// <summary>Encodes one frame of <see cref="FrameSamplesPerChannel"/> × <see cref="Channels"/> interleaved samples; returns the packet length.</summary>
    public int Encode(ReadOnlySpan<short> interleavedFrame, Span<byte> packet)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(interleavedFrame.Length, FrameSamplesPerChannel * Channels);
        var maxBytes = MaxPacketBytesFor(Channels);
        ArgumentOutOfRangeException.ThrowIfLessThan(packet.Length, maxBytes);
        return _encoder.EncodeMultistream(interleavedFrame, FrameSamplesPerChannel, packet, maxBytes);
    }

    public void Dispose() => (_encoder as IDisposable)?.Dispose();
}
