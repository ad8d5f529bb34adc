namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// A seekable sink that keeps only the first 4 KiB written and counts the rest: lets a writer that patches its header
/// at the end (NAudio's <c>WaveFileWriter</c>) produce that header for a known length without the data being stored.
/// </summary>
internal sealed class HeaderProbeStream : Stream
{
    private const int Capacity = 4096;
    private readonly byte[] _head = new byte[Capacity];
    private long _length;
    private long _position;

    public override bool CanRead => false;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value;
    }

    /// <summary>What came before the last <paramref name="dataBytes"/> bytes (the header), as last patched.</summary>
    public byte[] Header(long dataBytes)
    {
        var size = _length - dataBytes;
        if (size is < 0 or > Capacity)
        {
            throw new InvalidOperationException($"A header of {size} bytes does not fit the probe.");
        }

        return _head.AsSpan(0, (int)size).ToArray();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_position < Capacity)
        {
            var count = (int)Math.Min(buffer.Length, Capacity - _position);
            buffer[..count].CopyTo(_head.AsSpan((int)_position));
        }

        _position += buffer.Length;
        _length = Math.Max(_length, _position);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override long Seek(long offset, SeekOrigin origin)
    {
        _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        return _position;
    }

    public override void SetLength(long value) => _length = value;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
