using System.Buffers;
using System.Runtime.InteropServices;
using OrleansRecorder.Silo.Media.Codecs;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// A narrowband segment read at twice its rate, block by block in memory with one interpolator (so block edges leave
/// no trace): a narrowband leg in a wideband recording, without a temporary file of the upsampled audio beside it.
/// </summary>
internal sealed class UpsampledStream : Stream
{
    private const int BlockSamples = 4096;
    private readonly Stream _source;
    private readonly long _sourceBytes;
    private readonly HalfBandInterpolator _interpolator = new();
    private byte[]? _input = ArrayPool<byte>.Shared.Rent(BlockSamples * sizeof(short));
    private byte[]? _output = ArrayPool<byte>.Shared.Rent(BlockSamples * 2 * sizeof(short));
    private long _sourceRead;
    private int _outputOffset;
    private int _outputCount;
    private long _position;

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

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var total = 0;
        while (!buffer.IsEmpty)
        {
            if (_outputOffset == _outputCount && !NextBlock())
            {
                break;
            }

            var count = Math.Min(buffer.Length, _outputCount - _outputOffset);
            _output.AsSpan(_outputOffset, count).CopyTo(buffer);
            _outputOffset += count;
            buffer = buffer[count..];
            total += count;
        }

        _position += total;
        return total;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private bool NextBlock()
    {
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
        _outputOffset = 0;
        _outputCount = samples * sizeof(short);
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
