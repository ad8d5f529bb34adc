namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// A read-only, forward-only stream over blocks its subclass produces one at a time (a decrypted segment record, an
/// upsampled block): the copying out of the current block, the position and the unsupported members, once.
/// </summary>
internal abstract class BlockReadStream : Stream
{
    private ArraySegment<byte> _block = ArraySegment<byte>.Empty;
    private int _blockOffset;
    private long _position;

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
            if (_blockOffset == _block.Count)
            {
                if (!NextBlock(out _block))
                {
                    _block = ArraySegment<byte>.Empty;
                    _blockOffset = 0;
                    break;
                }

                _blockOffset = 0;
            }

            var count = Math.Min(buffer.Length, _block.Count - _blockOffset);
            _block.AsSpan(_blockOffset, count).CopyTo(buffer);
            _blockOffset += count;
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

    /// <summary>Produces the next block (valid until the next call); false at the end.</summary>
    protected abstract bool NextBlock(out ArraySegment<byte> block);
}
