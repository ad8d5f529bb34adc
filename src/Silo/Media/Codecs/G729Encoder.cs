namespace OrleansRecorder.Silo.Media.Codecs;

/// <summary>
/// libbcg729's own G.729A encoder (optionally with Annex B VAD/DTX): not used to record, but the independent source of
/// G.729 frames for tests, benchmarks and the end-to-end pcap tool. One instance per stream.
/// </summary>
internal sealed unsafe class G729Encoder : IDisposable
{
    private nint _context;

    public G729Encoder(bool enableVad)
    {
        _context = Bcg729Library.Api.InitEncoder(enableVad);
        if (_context == nint.Zero)
        {
            throw new InvalidOperationException("initBcg729EncoderChannel returned no context.");
        }
    }

    /// <summary>
    /// Encodes 80 samples (10 ms) into <paramref name="bitStream"/> (at least 10 bytes); returns 10 (speech), 2 (an
    /// Annex B SID frame) or 0 (nothing to send, DTX).
    /// </summary>
    public int Encode(ReadOnlySpan<short> frame, Span<byte> bitStream)
    {
        ObjectDisposedException.ThrowIf(_context == nint.Zero, this);
        ArgumentOutOfRangeException.ThrowIfNotEqual(frame.Length, G729Decoder.FrameSamples);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitStream.Length, G729Decoder.FrameBytes);
        byte length = 0;
        fixed (short* input = frame)
        fixed (byte* output = bitStream)
        {
            Bcg729Library.Api.Encode(_context, input, output, &length);
        }

        return length;
    }

    public void Dispose()
    {
        if (_context != nint.Zero)
        {
            Bcg729Library.Api.CloseEncoder(_context);
            _context = nint.Zero;
        }
    }
}
