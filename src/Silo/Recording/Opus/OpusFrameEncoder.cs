using Concentus;
using Concentus.Enums;

namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>
/// Encodes 20 ms frames of 8 kHz interleaved stereo PCM16 into Opus packets through Concentus, which picks native
/// libopus when <c>libopus.so</c> loads and its managed port otherwise.
/// </summary>
/// <remarks>Not thread-safe: one per recording being finalized.</remarks>
internal sealed class OpusFrameEncoder : IDisposable
{
    public const int SampleRate = 8000;
    public const int Channels = 2;

    /// <summary>20 ms at 8 kHz, per channel.</summary>
    public const int FrameSamples = 160;

    /// <summary>RFC 6716 §3.2.1: no Opus frame exceeds 1275 bytes, and a 20 ms packet holds one frame.</summary>
    public const int MaxPacketBytes = 1275;

    private readonly IOpusEncoder _encoder;

    public OpusFrameEncoder(OpusEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _encoder = OpusCodecFactory.CreateEncoder(SampleRate, Channels, OpusApplication.OPUS_APPLICATION_VOIP);
        _encoder.Bitrate = options.Bitrate;
        _encoder.Complexity = options.Complexity;
        _encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        IsNative = _encoder.GetType().Namespace == "Concentus.Native";
        Version = _encoder.GetVersionString();
        Bitrate = options.Bitrate;
        Complexity = options.Complexity;
    }

    /// <summary>True when Concentus bound native libopus (about 5× cheaper than its managed encoder).</summary>
    public bool IsNative { get; }

    /// <summary>The backing library's version string (libopus' own, or Concentus').</summary>
    public string Version { get; }

    public int Bitrate { get; }

    public int Complexity { get; }

    /// <summary>Encoder delay in samples per channel at 8 kHz; RFC 7845 §4.2 pre-skip is this × 6 (48 kHz).</summary>
    public int Lookahead => _encoder.Lookahead;

    /// <summary>Encodes one frame of <see cref="FrameSamples"/> × 2 interleaved samples; returns the packet length.</summary>
    public int Encode(ReadOnlySpan<short> interleavedFrame, Span<byte> packet)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(interleavedFrame.Length, FrameSamples * Channels);
        ArgumentOutOfRangeException.ThrowIfLessThan(packet.Length, MaxPacketBytes);
        return _encoder.Encode(interleavedFrame, FrameSamples, packet, MaxPacketBytes);
    }

    public void Dispose() => (_encoder as IDisposable)?.Dispose();
}
