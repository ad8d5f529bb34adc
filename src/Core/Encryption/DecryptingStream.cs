using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// A read-only, seekable view of an encrypted recording's plaintext: a read decrypts only the segments it covers (one
/// segment is cached), so ASP.NET's Range processing over it decrypts what the Range asks for and no more.
/// </summary>
/// <remarks>
/// Opening checks the file's length against its header and authenticates the last segment, so a cut file or an edited
/// header is refused before any byte is served; any other segment is authenticated when first read.
/// </remarks>
internal sealed class DecryptingStream : Stream
{
    private readonly Stream _inner;
    private readonly AesGcm _gcm;
    private readonly byte[] _aad;
    private readonly byte[] _nonce = new byte[SegmentedAeadHeader.NonceSize];
    private readonly byte[] _cipher;
    private readonly byte[] _plain;
    private readonly bool _leaveOpen;
    private long _cached = -1;
    private int _cachedLength;
    private long _position;

    public DecryptingStream(Stream inner, ReadOnlySpan<byte> dataKey, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!inner.CanSeek || !inner.CanRead)
        {
            throw new ArgumentException("The encrypted stream must be readable and seekable.", nameof(inner));
        }

        _inner = inner;
        _leaveOpen = leaveOpen;
        _aad = new byte[SegmentedAeadHeader.Size];
        inner.Position = 0;
        try
        {
            inner.ReadExactly(_aad);
        }
        catch (EndOfStreamException ex)
        {
            throw new RecordingTamperedException("Encrypted recording is shorter than its header.", ex);
        }

        try
        {
            Header = SegmentedAeadHeader.Parse(_aad);
        }
        catch (InvalidDataException ex)
        {
            // The manifest says encrypted: a header that does not parse was changed.
            throw new RecordingTamperedException(ex.Message, ex);
        }

        if (inner.Length != Header.FileLength)
        {
            throw new RecordingTamperedException(
                $"Encrypted recording has {inner.Length} bytes, its header says {Header.FileLength}: truncated or extended.");
        }

        _gcm = new AesGcm(dataKey, SegmentedAeadHeader.TagSize);
        _cipher = new byte[Header.SegmentSize + SegmentedAeadHeader.TagSize];
        _plain = new byte[Header.SegmentSize];
        Load(Header.SegmentCount - 1);
    }

    public SegmentedAeadHeader Header { get; }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => Header.PlaintextLength;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var index = _position / Header.SegmentSize;
        Load(index);
        var within = (int)(_position - (index * Header.SegmentSize));
        var count = Math.Min(buffer.Length, _cachedLength - within);
        _plain.AsSpan(within, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gcm.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private void Load(long index)
    {
        if (index == _cached)
        {
            return;
        }

        var length = Header.PlainSegmentLength(index);
        _inner.Position = Header.SegmentOffset(index);
        _inner.ReadExactly(_cipher, 0, length + SegmentedAeadHeader.TagSize);
        Header.Nonce(index, _nonce);
        try
        {
            _gcm.Decrypt(_nonce, _cipher.AsSpan(0, length), _cipher.AsSpan(length, SegmentedAeadHeader.TagSize), _plain.AsSpan(0, length), _aad);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            _cached = -1;
            throw new RecordingTamperedException($"Segment {index} of the encrypted recording failed authentication (changed, moved, or the wrong key).", ex);
        }

        _cached = index;
        _cachedLength = length;
    }
}
