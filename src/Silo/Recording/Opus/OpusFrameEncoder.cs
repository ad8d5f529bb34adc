using Concentus;
using Concentus.Enums;

namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>
/// Encodes 20 ms frames of 8 or 16 kHz interleaved PCM16 (stereo, or one channel per SIPREC stream) into multistream
/// Opus packets, one mono encoder per channel, through Concentus, which picks native libopus when <c>libopus.so</c>
/// loads and its managed port otherwise.
/// </summary>
/// <remarks>
/// <para>
/// Each channel is its own mono Opus stream (a multistream packet of uncoupled streams), not one coupled stereo
/// stream: the left and right channels are two different people. Measured with Concentus 2.2.2 on a 600 Hz left /
/// 1400 Hz right tone pair: coupled stereo at 16 kbit/s mixes both into both channels (libopus decides mono below about
/// 18 kbit/s, and even forced to stereo its SILK mid/side coding leaves the other tone only 3–5 dB down), and it
/// takes 24–32 kbit/s (10–14 MB/h) to reach just 13–15 dB of separation. Two mono streams at 8 kbit/s each keep the
/// channels apart by more than 60 dB at 16 kbit/s in total (about 6.4 MB/h).
/// </para>
/// <para>
/// The silence gate (issue #17): the encoder is what a recorded call costs (libopus at complexity 0 takes about
/// 4 CPU-s per channel-hour whatever the input, digital silence included: its DTX saves bytes, not CPU), and in a call
/// one party is mostly quiet while the other talks. So a channel whose frame peaks at or below
/// <see cref="OpusEncoderOptions.SilenceGateDbov"/>, after <see cref="OpusEncoderOptions.SilenceHangoverFrames"/> such
/// frames were encoded, skips its encoder: its stream gets a zero-length frame (RFC 6716 §3.2.1), which asks the
/// decoder to conceal the frame (RFC 7845 §4.1), as libopus' own DTX does. The hangover lets the decoder's state
/// settle on the quiet before it conceals, so concealment continues quiet rather than the last syllable. Hence one
/// mono encoder per channel: libopus' multistream encoder encodes every stream or none.
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

    /// <summary>Room for one multistream packet of <paramref name="channels"/> streams (1278 bytes each at most: TOC, a two-byte length and 1275 bytes, RFC 6716 §3.2.1 and App. B).</summary>
    public static int MaxPacketBytesFor(int channels) => Math.Max(MaxPacketBytes, channels * 1278);

    /// <summary>Libopus' identity mapping for its "no particular layout" family: stream i feeds channel i, none coupled.</summary>
    private readonly IOpusEncoder[] _encoders;
    private readonly short[] _mono;
    private readonly byte[] _streamPacket = new byte[SelfDelimitedFraming.MaxFrameBytes + 8];

    /// <summary>Per channel: the TOC of its last encoded packet, for the concealment packets that follow it.</summary>
    private readonly byte[] _lastToc;

    /// <summary>Per channel: quiet frames in a row so far (encoded or skipped).</summary>
    private readonly int[] _quietRun;

    private readonly bool[] _encodedOnce;
    private readonly int _gatePeak;
    private readonly int _hangover;

    /// <param name="options">Bitrate, complexity and the silence gate.</param>
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

        // The setting is the bitrate of a call's two channels: each channel (of a call, or of a SIPREC session with
        // more or fewer streams) gets half of it, as libopus' multistream encoder shared it out before.
        var perChannel = Math.Max(OpusEncoderOptions.MinBitrate / Stereo, options.Bitrate / Stereo);
        _encoders = new IOpusEncoder[channels];
        try
        {
            for (var i = 0; i < channels; i++)
            {
                var encoder = OpusCodecFactory.CreateEncoder(sampleRate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
                _encoders[i] = encoder;
                encoder.Bitrate = perChannel;
                encoder.Complexity = options.Complexity;
                encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        _mono = new short[FrameSamplesPerChannel];
        _lastToc = new byte[channels];
        _quietRun = new int[channels];
        _encodedOnce = new bool[channels];
        _gatePeak = options.SilenceGate ? OpusEncoderOptions.PeakOf(options.SilenceGateDbov) : -1;
        _hangover = options.SilenceHangoverFrames;
        IsNative = _encoders[0].GetType().Namespace == "Concentus.Native";
        Version = _encoders[0].GetVersionString();
        Bitrate = perChannel * channels;
        Complexity = options.Complexity;
        SilenceGate = options.SilenceGate ? FormattableString.Invariant($"{options.SilenceGateDbov:0.#}dBov") : "off";
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

    /// <summary>The gate's level, or <c>off</c>: written in the file's comments so a listener can tell why a channel is quiet.</summary>
    public string SilenceGate { get; }

    /// <summary>Encoder delay in samples per channel at <see cref="InputRate"/>; RFC 7845 §4.2 pre-skip is this in 48 kHz units.</summary>
    public int Lookahead => _encoders[0].Lookahead;

    /// <summary>Stream frames so far that skipped the encoder (a concealment frame instead), over every channel.</summary>
    public long FramesGated { get; private set; }

    /// <summary>Stream frames so far, over every channel.</summary>
    public long FramesTotal { get; private set; }

    /// <summary>Encodes one frame of <see cref="FrameSamplesPerChannel"/> × <see cref="Channels"/> interleaved samples; returns the packet length.</summary>
    public int Encode(ReadOnlySpan<short> interleavedFrame, Span<byte> packet)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(interleavedFrame.Length, FrameSamplesPerChannel * Channels);
        ArgumentOutOfRangeException.ThrowIfLessThan(packet.Length, MaxPacketBytesFor(Channels));
        var written = 0;
        for (var channel = 0; channel < Channels; channel++)
        {
            var last = channel == Channels - 1;
            var peak = Deinterleave(interleavedFrame, channel, _mono, Channels);
            _quietRun[channel] = peak <= _gatePeak ? _quietRun[channel] + 1 : 0;
            FramesTotal++;
            if (_encodedOnce[channel] && _quietRun[channel] > _hangover)
            {
                FramesGated++;
                written += SelfDelimitedFraming.WriteConcealment(_lastToc[channel], !last, packet[written..]);
                continue;
            }

            var length = _encoders[channel].Encode(_mono, FrameSamplesPerChannel, _streamPacket, _streamPacket.Length);
            if (length <= 0)
            {
                throw new InvalidOperationException($"The Opus encoder returned {length} for a 20 ms frame of channel {channel}.");
            }

            _lastToc[channel] = _streamPacket[0];
            _encodedOnce[channel] = true;
            var encoded = _streamPacket.AsSpan(0, length);
            if (last)
            {
                encoded.CopyTo(packet[written..]);
                written += length;
            }
            else
            {
                written += SelfDelimitedFraming.Write(encoded, packet[written..]);
            }
        }

        return written;
    }

    public void Dispose()
    {
        foreach (var encoder in _encoders)
        {
            (encoder as IDisposable)?.Dispose();
        }
    }

    /// <summary>Copies one channel out of an interleaved frame; returns its peak magnitude.</summary>
    private static int Deinterleave(ReadOnlySpan<short> interleaved, int channel, Span<short> mono, int channels)
    {
        var peak = 0;
        for (int i = 0, j = channel; i < mono.Length; i++, j += channels)
        {
            var sample = interleaved[j];
            mono[i] = sample;
            var magnitude = sample < 0 ? -sample : sample;
            if (magnitude > peak)
            {
                peak = magnitude;
            }
        }

        return peak;
    }
}
