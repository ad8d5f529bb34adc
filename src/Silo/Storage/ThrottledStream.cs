using System.Threading.RateLimiting;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Passes reads and writes through to another stream, first taking one permit per byte from a token bucket (in
/// pieces no larger than the bucket). Forward-only; does not own the inner stream unless told to.
/// </summary>
internal sealed class ThrottledStream(Stream inner, RateLimiter limiter, int maxPermits) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Waits for <paramref name="bytes"/> permits, taken at most <paramref name="maxPermits"/> at a time.</summary>
    public static async ValueTask AcquireAsync(RateLimiter limiter, int maxPermits, long bytes, CancellationToken cancellationToken)
    {
        while (bytes > 0)
        {
            var take = (int)Math.Min(bytes, maxPermits);
            using var lease = await limiter.AcquireAsync(take, cancellationToken);
            if (!lease.IsAcquired)
            {
                throw new InvalidOperationException("The replication rate limiter refused a lease.");
            }

            bytes -= take;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, maxPermits)], cancellationToken);
        await AcquireAsync(limiter, maxPermits, read, cancellationToken);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(limiter, maxPermits, buffer.Length, cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
