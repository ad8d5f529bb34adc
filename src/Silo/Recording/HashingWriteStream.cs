using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Passes every byte written on to <paramref name="inner"/> and into a SHA-256 of them, so that the finalizer has the
/// stored file's hash when it has written it instead of reading the file back (issue #17: one open and one read of the
/// whole audio fewer per call). Only appends: the hash is of the bytes in the order the file holds them.
/// </summary>
/// <remarks>
/// Hand-written: <see cref="CryptoStream"/> over a hash algorithm hashes while passing through too, but has no
/// <see cref="Position"/> (the Opus log and the manifest's size read it) and hides the file under it, which
/// <see cref="SegmentFile.FlushToDisk"/> needs. <paramref name="inner"/> is not disposed with this stream.
/// </remarks>
internal sealed class HashingWriteStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _written;

    /// <summary>Bytes written so far: the file's size once they are flushed.</summary>
    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    /// <summary>The lowercase hex SHA-256 of everything written; call once, after the last write.</summary>
    public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        _hash.AppendData(buffer);
        _written += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        _hash.AppendData(buffer.Span);
        _written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
