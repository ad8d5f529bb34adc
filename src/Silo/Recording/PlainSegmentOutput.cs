using System.Buffers;
using Microsoft.Win32.SafeHandles;
using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Silo.Recording;

/// <summary>A segment written as it comes (encryption off): raw bytes appended through a 16 KiB (or smaller) buffer.</summary>
/// <remarks>
/// The buffer is rented from <see cref="LegBufferPool"/> rather than left to <see cref="FileStream"/>, which allocates its
/// own per file (one per leg and journal). It is returned exactly once, by the first <see cref="Dispose"/>, even when the
/// last write or the close fails; a write after that throws <see cref="ObjectDisposedException"/> without touching it.
/// </remarks>
internal sealed class PlainSegmentOutput : ISegmentOutput
{
    private readonly FileStream _stream;
    private readonly ArrayPool<byte> _pool;
    private readonly int _capacity;
    private byte[]? _buffer;
    private int _buffered;

    /// <summary>Opens the file for appending; the buffer is rented from <paramref name="pool"/>: <see cref="LegBufferPool.Bytes"/> unless a test watches it.</summary>
    public PlainSegmentOutput(string path, int bufferSize, ArrayPool<byte>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);

        // Unbuffered: the pooled buffer is the only one.
        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _pool = pool ?? LegBufferPool.Bytes;
        _capacity = bufferSize;
        _buffer = _pool.Rent(bufferSize);
    }

    public SafeFileHandle Handle => _stream.SafeFileHandle;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(PlainSegmentOutput));
        if (_buffered + bytes.Length > _capacity)
        {
            WriteBuffered(buffer);
        }

        if (bytes.Length >= _capacity)
        {
            // As FileStream does: what fills the buffer by itself goes straight to the file.
            _stream.Write(bytes);
            return;
        }

        bytes.CopyTo(buffer.AsSpan(_buffered));
        _buffered += bytes.Length;
    }

    public void Flush(bool flushToDisk)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(PlainSegmentOutput));
        WriteBuffered(buffer);
        _stream.Flush(flushToDisk);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        if (buffer is null)
        {
            return;
        }

        // Cleared first so that no later call can reach the buffer once it is back in the pool, whatever fails below.
        _buffer = null;
        try
        {
            // What FileStream's own buffer did on dispose: the bytes not yet flushed still reach the file.
            WriteBuffered(buffer);
        }
        finally
        {
            try
            {
                _stream.Dispose();
            }
            finally
            {
                _pool.Return(buffer, clearArray: true);
            }
        }
    }

    private void WriteBuffered(byte[] buffer)
    {
        if (_buffered > 0)
        {
            var count = _buffered;

            // Dropped even when the write fails: the leg stops at its first I/O failure, and a retry would duplicate audio.
            _buffered = 0;
            _stream.Write(buffer, 0, count);
        }
    }
}
