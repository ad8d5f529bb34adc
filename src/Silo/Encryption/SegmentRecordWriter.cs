using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// Appends the <c>ORSR1</c> format (<see cref="SegmentRecordHeader"/>): bytes gather in one 32 KiB buffer and
/// are sealed in place as one AES-256-GCM record at each flush (or when the buffer is full), then written with one
/// system call. Nothing written is ever rewritten, so a peer's delta copy stays valid, and a killed process leaves at
/// worst a torn last record, which readers drop. Hand-written: no served package has an append-only AEAD file format.
/// </summary>
/// <remarks>
/// No allocation per write: the buffer, nonce and associated data are made once per file. Used for the segments and gap
/// journals of calls in progress and for the finalizer's temporary audio file (as a write-only stream for the encoder).
/// The record buffer is rented from <see cref="LegBufferPool"/> (not allocated per leg) and returned exactly once, by the
/// first <see cref="Stream.Dispose()"/>, even when closing the file fails; a write after that throws
/// <see cref="ObjectDisposedException"/> without touching it (the leg's writer ignores writes after close under its lock).
/// </remarks>
internal sealed class SegmentRecordWriter : Stream, ISegmentOutput
{
    private readonly FileStream _file;
    private readonly AesGcm _gcm;
    private readonly byte[] _header;
    private readonly byte[] _associatedData;
    private readonly byte[] _nonce = new byte[SegmentRecordHeader.NonceSize];
    private readonly int _maxPlaintext;
    private readonly ArrayPool<byte> _pool;
    private byte[]? _record;
    private int _buffered;
    private uint _counter;
    private bool _headerWritten;
    private long _position;

    /// <param name="path">The file; its name is bound into every record.</param>
    /// <param name="key">The call's 256-bit segment key.</param>
    /// <param name="mode"><see cref="FileMode.CreateNew"/> for a segment (a call's files are new); <see cref="FileMode.Create"/> for a temporary file.</param>
    /// <param name="recordBufferSize">
    /// The buffer of one record with its framing, at most <see cref="SegmentRecordHeader.RecordBufferSize"/>: smaller for a
    /// gap journal, whose records are 13 bytes a gap, so that a call's journals do not each hold 32 KiB.
    /// </param>
    /// <param name="pool">Where the record buffer is rented; <see cref="LegBufferPool.Bytes"/> unless a test watches it.</param>
    public SegmentRecordWriter(string path, ReadOnlySpan<byte> key, FileMode mode = FileMode.CreateNew, int recordBufferSize = SegmentRecordHeader.RecordBufferSize,
        ArrayPool<byte>? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(recordBufferSize, SegmentRecordHeader.RecordBufferSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(recordBufferSize, 64);

        // Even: a record never splits a PCM16 sample.
        _maxPlaintext = (recordBufferSize - SegmentRecordHeader.LengthSize - SegmentRecordHeader.TagSize) & ~1;
        _header = SegmentRecordHeader.Create();
        _associatedData = SegmentRecordHeader.AssociatedData(_header, Path.GetFileName(path));
        _gcm = new AesGcm(key, SegmentRecordHeader.TagSize);

        // Unbuffered: the record buffer is the only buffer, and a record is one write.
        try
        {
            _file = new FileStream(path, mode, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch
        {
            _gcm.Dispose();
            throw;
        }

        _pool = pool ?? LegBufferPool.Bytes;
        _record = _pool.Rent(recordBufferSize);
    }

    public SafeFileHandle Handle => _file.SafeFileHandle;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    /// <summary>Plaintext bytes written so far.</summary>
    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var record = _record ?? throw new ObjectDisposedException(nameof(SegmentRecordWriter));
        while (!buffer.IsEmpty)
        {
            var count = Math.Min(buffer.Length, _maxPlaintext - _buffered);
            buffer[..count].CopyTo(record.AsSpan(SegmentRecordHeader.LengthSize + _buffered));
            _buffered += count;
            _position += count;
            buffer = buffer[count..];
            if (_buffered == _maxPlaintext)
            {
                Seal();
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    /// <summary>Seals what is buffered as one record and hands it to the operating system.</summary>
    public override void Flush() => Flush(flushToDisk: false);

    public void Flush(bool flushToDisk)
    {
        ObjectDisposedException.ThrowIf(_record is null, this);
        if (_buffered > 0)
        {
            Seal();
        }

        if (flushToDisk)
        {
            _file.Flush(flushToDisk: true);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Seal()
    {
        var record = _record!;
        if (_counter == uint.MaxValue)
        {
            throw new IOException("Segment has reached the most records its nonce counter allows.");
        }

        if (!_headerWritten)
        {
            _file.Write(_header);
            _headerWritten = true;
        }

        var length = _buffered;
        BinaryPrimitives.WriteUInt32BigEndian(record, (uint)length);
        SegmentRecordHeader.SetLength(_associatedData, length);
        SegmentRecordHeader.Nonce(_header, _counter, _nonce);
        var plain = record.AsSpan(SegmentRecordHeader.LengthSize, length);

        // In place: AES-GCM allows the ciphertext over its own plaintext, so one buffer serves both.
        _gcm.Encrypt(_nonce, plain, plain, record.AsSpan(SegmentRecordHeader.LengthSize + length, SegmentRecordHeader.TagSize), _associatedData);
        _file.Write(record, 0, SegmentRecordHeader.LengthSize + length + SegmentRecordHeader.TagSize);
        _counter++;
        _buffered = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _record is { } record)
        {
            // Cleared first so that no later call can reach the buffer once it is back in the pool, whatever fails below.
            _record = null;
            try
            {
                _file.Dispose();
            }
            finally
            {
                _gcm.Dispose();

                // Cleared: it may hold plaintext not yet sealed.
                _pool.Return(record, clearArray: true);
            }
        }

        base.Dispose(disposing);
    }
}
