using System.Buffers.Binary;
using System.Text;

namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>
/// Writes 8 kHz interleaved PCM16 (stereo: left = near end, right = far end; or one channel per SIPREC stream) as an
/// Ogg Opus stream (RFC 7845): <c>OpusHead</c> on the BOS page, <c>OpusTags</c> on the next page, then one 20 ms Opus
/// packet per frame (one mono stream per channel, in channel order, in each).
/// </summary>
/// <remarks>
/// <para>
/// Streaming: holds one PCM frame and one encoded packet, never the call. The last packet is held back until the next
/// one exists or <see cref="Complete"/> is called, because only then is it known to be last and can carry the EOS flag
/// and the trimmed granule position.
/// </para>
/// <para>
/// Granule positions count 48 kHz samples (RFC 7845 §4): every 20 ms packet adds 960 and the count includes the
/// pre-skip. <see cref="Complete"/> pads the partial last frame with silence, then encodes silent frames until the
/// encoder's lookahead has pushed out every real sample, and sets the final granule to pre-skip + samples × 6 so a
/// player trims the padding (§4.5) and the decoded length equals the input exactly.
/// </para>
/// <para>Single-threaded; the caller owns <c>output</c> and flushes or disposes it.</para>
/// </remarks>
internal sealed class OggOpusWriter : IDisposable
{
    public const string Vendor = "OrleansRecorder";

    /// <summary>48 kHz granule units per input sample (6 at 8 kHz, 3 at 16 kHz; RFC 7845 §4: granules count at 48 kHz).</summary>
    private readonly int _granuleScale;

    private readonly int _granulePerPacket;
    private readonly int _frameShorts;
    private readonly int _channels;

    private readonly OpusFrameEncoder _encoder;
    private readonly OggPageWriter _pages;
    private readonly short[] _frame;
    private byte[] _pending;
    private byte[] _encoded;
    private int _pendingLength = -1;
    private int _frameFill;
    private long _packets;
    private bool _completed;

    /// <param name="output">The file.</param>
    /// <param name="options">Bitrate and complexity.</param>
    /// <param name="serialNumber">The Ogg stream serial.</param>
    /// <param name="comments">User comments (<c>KEY=value</c>).</param>
    /// <param name="sampleRate">The recording's rate, 8000 or 16000 (a wideband call).</param>
    /// <param name="channels">Interleaved channels: 2 for a call, 1 for a single mixed SIPREC stream, more for more streams.</param>
    public OggOpusWriter(Stream output, OpusEncoderOptions options, int serialNumber, IReadOnlyList<string>? comments = null,
        int sampleRate = OpusFrameEncoder.SampleRate, int channels = OpusFrameEncoder.Stereo)
    {
        ArgumentNullException.ThrowIfNull(output);
        _encoder = new OpusFrameEncoder(options, sampleRate, channels);
        _channels = channels;
        _granuleScale = 48000 / sampleRate;
        _granulePerPacket = _encoder.FrameSamplesPerChannel * _granuleScale;
        _frameShorts = _encoder.FrameSamplesPerChannel * channels;
        _frame = new short[_frameShorts];
        _pending = new byte[OpusFrameEncoder.MaxPacketBytesFor(channels)];
        _encoded = new byte[_pending.Length];
        try
        {
            PreSkip = checked(_encoder.Lookahead * _granuleScale);
            _pages = new OggPageWriter(output, serialNumber);

            // RFC 7845 §3: the identification header alone on the first page, the comment header ending its page.
            _pages.WritePacket(BuildOpusHead((ushort)PreSkip, (uint)sampleRate, channels), 0);
            _pages.FlushPage();
            _pages.WritePacket(BuildOpusTags(EncoderDescription, _encoder, comments), 0);
            _pages.FlushPage();
        }
        catch
        {
            _encoder.Dispose();
            throw;
        }
    }

    /// <summary>Samples at 48 kHz the decoder discards at the start (the encoder's lookahead).</summary>
    public int PreSkip { get; }

    /// <summary>True when native libopus does the encoding.</summary>
    public bool IsNative => _encoder.IsNative;

    /// <summary>For logs and the <c>ENCODER</c> comment: which implementation and version encoded the file.</summary>
    public string EncoderDescription => _encoder.IsNative ? $"{_encoder.Version} (native, via Concentus)" : $"{_encoder.Version} (managed)";

    /// <summary>Input sample frames (per channel, at the input rate) accepted so far.</summary>
    public long Samples { get; private set; }

    /// <summary>Channel frames the silence gate kept from the encoder so far (<see cref="OpusFrameEncoder"/>).</summary>
    public long FramesGated => _encoder.FramesGated;

    /// <summary>Channel frames so far: packets × channels.</summary>
    public long StreamFrames => _encoder.FramesTotal;

    /// <summary>Opus packets produced so far (including the one held back).</summary>
    public long Packets => _packets;

    /// <summary>Appends interleaved samples (L, R, L, R, ... for stereo); any length that is whole frames of every channel.</summary>
    public void Write(ReadOnlySpan<short> interleaved)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The Ogg Opus stream is already complete.");
        }

        if (interleaved.Length % _channels != 0)
        {
            throw new ArgumentException($"Interleaved audio of {_channels} channels needs a multiple of {_channels} samples.", nameof(interleaved));
        }

        Samples += interleaved.Length / _channels;
        while (!interleaved.IsEmpty)
        {
            var take = Math.Min(interleaved.Length, _frameShorts - _frameFill);
            interleaved[..take].CopyTo(_frame.AsSpan(_frameFill));
            _frameFill += take;
            interleaved = interleaved[take..];
            if (_frameFill == _frameShorts)
            {
                EncodeFrame();
            }
        }
    }

    /// <summary>Pads and flushes the encoder and writes the EOS page with the trimmed granule position.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        var endGranule = PreSkip + (Samples * _granuleScale);
        if (_frameFill > 0)
        {
            _frame.AsSpan(_frameFill).Clear();
            EncodeFrame();
        }

        // The lookahead still holds the last PreSkip/6 real samples: feed silence until the packets cover them.
        // At least one packet, so even an empty recording has a page to carry EOS.
        while (_packets == 0 || _packets * _granulePerPacket < endGranule)
        {
            _frame.AsSpan().Clear();
            _frameFill = _frameShorts;
            EncodeFrame();
        }

        // RFC 7845 §4.5: a final granule below the packets' total tells the player to drop the padding.
        _pages.WritePacket(_pending.AsSpan(0, _pendingLength), endGranule, endOfStream: true);
        _pendingLength = -1;
    }

    public void Dispose() => _encoder.Dispose();

    /// <summary>
    /// RFC 7845 §5.1 identification header: the 19 fixed bytes, then for mapping families other than 0 the stream count,
    /// coupled count and one mapping byte per channel (23 bytes for stereo). The family (§5.1.1):
    /// <list type="bullet">
    /// <item>1 channel: family 0, one stream, no table (a single mixed SIPREC stream: every player's mono).</item>
    /// <item>2 to 8: family 1 (Vorbis order; for two: left, right), because family 0 can only describe one coupled
    /// stereo stream and ours are mono streams (<see cref="OpusFrameEncoder"/> says why); family 1 rather than 255 so
    /// that players know the layout.</item>
    /// <item>more than 8: family 255, which §5.1.1.3 leaves without a layout (family 1 stops at 8).</item>
    /// </list>
    /// Every family but 0 maps output channel i from stream i, uncoupled.
    /// </summary>
    internal static byte[] BuildOpusHead(ushort preSkip, uint inputSampleRate = OpusFrameEncoder.SampleRate, int channels = OpusFrameEncoder.Stereo)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, OpusFrameEncoder.MaxChannels);
        var family = MappingFamily(channels);
        var head = new byte[family == 0 ? 19 : 21 + channels];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1; // version
        head[9] = (byte)channels;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), preSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), inputSampleRate); // input sample rate, informational (RFC 7845 §5.1)
        BinaryPrimitives.WriteInt16LittleEndian(head.AsSpan(16), 0); // output gain, Q7.8 dB
        head[18] = family;
        if (family == 0)
        {
            return head;
        }

        head[19] = (byte)channels; // streams: one per channel
        head[20] = OpusFrameEncoder.CoupledStreams;

        // Channel mapping: output channel i (stereo: 0 = left = near end, 1 = right = far end) comes from stream i.
        for (var i = 0; i < channels; i++)
        {
            head[21 + i] = (byte)i;
        }

        return head;
    }

    /// <summary>RFC 7845 §5.1.1: 0 for mono, 1 (Vorbis order) for 2 to 8 channels, 255 (no defined layout) above.</summary>
    internal static byte MappingFamily(int channels) => channels switch
    {
        1 => 0,
        <= 8 => 1,
        _ => 255,
    };

    /// <summary>RFC 7845 §5.2 comment header: vendor string, then user comments <c>KEY=value</c>, lengths little-endian.</summary>
    internal static byte[] BuildOpusTags(string vendor, IEnumerable<string> comments)
    {
        ArgumentNullException.ThrowIfNull(vendor);
        ArgumentNullException.ThrowIfNull(comments);
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        buffer.Write("OpusTags"u8);
        WriteString(buffer, vendor, length);
        var list = comments.ToList();
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)list.Count);
        buffer.Write(length);
        foreach (var comment in list)
        {
            WriteString(buffer, comment, length);
        }

        return buffer.ToArray();

        static void WriteString(MemoryStream buffer, string value, Span<byte> length)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)bytes.Length);
            buffer.Write(length);
            buffer.Write(bytes);
        }
    }

    private static byte[] BuildOpusTags(string encoderDescription, OpusFrameEncoder encoder, IReadOnlyList<string>? comments)
    {
        List<string> all =
        [
            $"ENCODER={encoderDescription}",
            $"ENCODER_OPTIONS=bitrate={encoder.Bitrate} complexity={encoder.Complexity} application=voip frame=20ms silence-gate={encoder.SilenceGate}",
            encoder.Channels == OpusFrameEncoder.Stereo
                ? "CHANNELS=left=near-end right=far-end"
                : $"CHANNELS={encoder.Channels} streams, in the order of the manifest's siprec.streams",
        ];
        if (comments is not null)
        {
            all.AddRange(comments);
        }

        return BuildOpusTags(Vendor, all);
    }

    private void EncodeFrame()
    {
        var length = _encoder.Encode(_frame, _encoded);
        if (length <= 0)
        {
            throw new InvalidOperationException($"The Opus encoder returned {length} for a 20 ms frame.");
        }

        _frameFill = 0;
        if (_pendingLength >= 0)
        {
            _pages.WritePacket(_pending.AsSpan(0, _pendingLength), _packets * _granulePerPacket);
        }

        (_pending, _encoded) = (_encoded, _pending);
        _pendingLength = length;
        _packets++;
    }
}
