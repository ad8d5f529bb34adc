using System.Buffers;
using System.Security.Cryptography;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// Where the finalizer's encoder output waits for the recording's encryption, whose header (the associated data of
/// every AES-GCM segment) holds the plaintext's length, known only when the encoder is done. Kept in memory up to
/// <c>memoryLimit</c> bytes (a call of a few minutes in Ogg Opus): no file at all for it, so per call one create, write,
/// fsync, reopen, read and delete fewer (issue #17). Beyond it the bytes spill to <c>path</c>, through
/// <see cref="SegmentFile.CreateTemporary"/> (encrypted under the call's segment key when there is one, so no plain
/// audio touches the disk), and are read back from there; never fsynced, as a crash before the recording is sealed
/// finalizes again from the segments.
/// </summary>
/// <remarks>
/// Hand-written: ASP.NET Core's <c>FileBufferingWriteStream</c> spills the same way, but to a plain file of its own
/// choosing, which would put the call's audio on disk unencrypted. The memory is rented and cleared when returned.
/// </remarks>
internal sealed class AudioSpool(string path, byte[]? key, int memoryLimit) : Stream
{
    private const int InitialBytes = 64 * 1024;
    private byte[]? _memory;
    private Stream? _spill;
    private long _length;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    /// <summary>Bytes written.</summary>
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    /// <summary>Whether the bytes went to the file at <c>path</c> (more than the memory limit).</summary>
    public bool Spilled => _spill is not null;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_spill is null && _length + buffer.Length > memoryLimit)
        {
            _spill = SegmentFile.CreateTemporary(path, key);
            if (_memory is { } memory)
            {
                _spill.Write(memory, 0, (int)_length);
                Release();
            }
        }

        if (_spill is { } spill)
        {
            spill.Write(buffer);
        }
        else
        {
            Reserve((int)_length + buffer.Length);
            buffer.CopyTo(_memory.AsSpan((int)_length));
        }

        _length += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>The bytes written, from the start; valid until this spool is disposed. Call once writing is done.</summary>
    public Stream OpenRead()
    {
        if (_spill is { } spill)
        {
            spill.Flush(); // seals the last record of an encrypted spill (disposing alone drops it)
            spill.Dispose();
            return SegmentFile.OpenRead(path, key);
        }

        return new MemoryStream(_memory ?? [], 0, (int)_length, writable: false);
    }

    public override void Flush() => _spill?.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
            if (_spill is { } spill)
            {
                spill.Dispose();
                File.Delete(path);
                _spill = null;
            }
        }

        base.Dispose(disposing);
    }

    private void Reserve(int bytes)
    {
        if (_memory is { } memory && memory.Length >= bytes)
        {
            return;
        }

        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(bytes, Math.Max(InitialBytes, (_memory?.Length ?? 0) * 2)));
        if (_memory is { } old)
        {
            old.AsSpan(0, (int)_length).CopyTo(grown);
            Release();
        }

        _memory = grown;
    }

    private void Release()
    {
        if (_memory is { } memory)
        {
            CryptographicOperations.ZeroMemory(memory.AsSpan(0, (int)Math.Min(_length, memory.Length)));
            ArrayPool<byte>.Shared.Return(memory);
            _memory = null;
        }
    }
}
