using System.Buffers;
using System.Runtime.InteropServices;
using OrleansRecorder.Silo.Media.Codecs;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// A narrowband segment read at twice its rate, block by block in memory with one interpolator (so block edges leave
/// no trace): a narrowband leg in a wideband recording, without a temporary file of the upsampled audio beside it.
/// </summary>
internal sealed class UpsampledStream : BlockReadStream
{
    private const int BlockSamples = 4096;
    private readonly Stream _source;
    private readonly long _sourceBytes;
    private readonly HalfBandInterpolator _interpolator = new();
    private byte[]? _input = ArrayPool<byte>.Shared.Rent(BlockSamples * sizeof(short));
    private byte[]? _output = ArrayPool<byte>.Shared.Rent(BlockSamples * 2 * sizeof(short));
    private long _sourceRead;

    /// <param name="source">PCM16 at the narrow rate; only its whole samples are read. Disposed with this stream.</param>
    public UpsampledStream(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _sourceBytes = source.Length / sizeof(short) * sizeof(short);
    }

    /// <summary>Samples at the doubled rate for <paramref name="samples"/> at the narrow one.</summary>
    public static long UpsampledSamples(long samples) => samples * 2;

    public override long Length => _sourceBytes * 2;

    protected override bool NextBlock(out ArraySegment<byte> block)
    {
        block = ArraySegment<byte>.Empty;
        if (_sourceRead >= _sourceBytes || _input is null || _output is null)
        {
            return false;
        }

        var count = (int)Math.Min(BlockSamples * sizeof(short), _sourceBytes - _sourceRead);
        _source.ReadExactly(_input.AsSpan(0, count));
        _sourceRead += count;
        var samples = _interpolator.Interpolate(
            MemoryMarshal.Cast<byte, short>(_input.AsSpan(0, count)),
            MemoryMarshal.Cast<byte, short>(_output.AsSpan(0, count * 2)));
        block = new ArraySegment<byte>(_output, 0, samples * sizeof(short));
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _source.Dispose();
            if (_input is { } input)
            {
                ArrayPool<byte>.Shared.Return(input, clearArray: true);
                _input = null;
            }

            if (_output is { } output)
            {
                ArrayPool<byte>.Shared.Return(output, clearArray: true);
                _output = null;
            }
        }

        base.Dispose(disposing);
    }
}
