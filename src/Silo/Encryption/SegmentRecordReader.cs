using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// Reads an <c>ORSR1</c> file (<see cref="SegmentRecordHeader"/>) as its plaintext, sequentially, authenticating each
/// record before any of its bytes is returned. Opening walks the record lengths once: <see cref="Length"/> is the
/// plaintext of the complete records; a torn last record (a killed process, or a peer's copy taken mid-record) is
/// dropped, as the gap journal drops its torn record. A record that fails its tag, or declares an impossible length,
/// is refused with <see cref="RecordingTamperedException"/> naming the file and the record.
/// </summary>
internal sealed class SegmentRecordReader : BlockReadStream
{
    private readonly SafeFileHandle _file;
    private readonly string _name;
    private readonly AesGcm _gcm;
    private readonly byte[] _header = new byte[SegmentRecordHeader.Size];
    private readonly byte[] _nonce = new byte[SegmentRecordHeader.NonceSize];
    private readonly byte[] _associatedData;
    private byte[]? _record;
    private byte[]? _plain;
    private readonly uint _records;
    private uint _next;
    private long _filePosition = SegmentRecordHeader.Size;

    private SegmentRecordReader(string path, ReadOnlySpan<byte> key)
    {
        _name = Path.GetFileName(path);
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var fileLength = RandomAccess.GetLength(_file);
            if (fileLength >= SegmentRecordHeader.Size)
            {
                RandomAccess.Read(_file, _header, 0);
                SegmentRecordHeader.Validate(_header, _name);
                (Length, _records) = Scan(fileLength);
            }

            _associatedData = SegmentRecordHeader.AssociatedData(_header, _name);
            _gcm = new AesGcm(key, SegmentRecordHeader.TagSize);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/>; a file shorter than its header (created, nothing flushed yet) reads as empty.</summary>
    public static SegmentRecordReader Open(string path, ReadOnlySpan<byte> key) => new(path, key);

    /// <summary>Plaintext bytes in the complete records.</summary>
    public override long Length { get; }

    /// <summary>Walks the length fields: the plaintext and count of the complete records.</summary>
    private (long Plaintext, uint Records) Scan(long fileLength)
    {
        Span<byte> lengthField = stackalloc byte[SegmentRecordHeader.LengthSize];
        long position = SegmentRecordHeader.Size;
        long plaintext = 0;
        uint records = 0;
        while (position + SegmentRecordHeader.LengthSize <= fileLength)
        {
            RandomAccess.Read(_file, lengthField, position);
            var length = BinaryPrimitives.ReadUInt32BigEndian(lengthField);
            if (length == 0 && ZerosToTheEnd(position, fileLength))
            {
                break; // A tail the operating system extended but never wrote (a power loss): torn, as a cut record.
            }

            if (length is 0 or > SegmentRecordHeader.MaxRecordPlaintext)
            {
                throw new RecordingTamperedException($"Segment '{_name}': record {records} (at byte {position}) declares {length} bytes, which no writer writes; the file was changed on disk.");
            }

            var end = position + SegmentRecordHeader.LengthSize + length + SegmentRecordHeader.TagSize;
            if (end > fileLength)
            {
                break; // Torn: the process died while writing it, or a peer's copy was taken mid-record. Dropped.
            }

            plaintext += length;
            records++;
            position = end;
        }

        return (plaintext, records);
    }

    private bool ZerosToTheEnd(long position, long fileLength)
    {
        Span<byte> chunk = stackalloc byte[4096];
        while (position < fileLength)
        {
            var read = RandomAccess.Read(_file, chunk[..(int)Math.Min(chunk.Length, fileLength - position)], position);
            if (read <= 0 || chunk[..read].ContainsAnyExcept((byte)0))
            {
                return read <= 0;
            }

            position += read;
        }

        return true;
    }

    protected override bool NextBlock(out ArraySegment<byte> block)
    {
        block = ArraySegment<byte>.Empty;
        if (_next == _records)
        {
            return false;
        }

        _record ??= ArrayPool<byte>.Shared.Rent(SegmentRecordHeader.RecordBufferSize);
        _plain ??= ArrayPool<byte>.Shared.Rent(SegmentRecordHeader.MaxRecordPlaintext);
        RandomAccess.Read(_file, _record.AsSpan(0, SegmentRecordHeader.LengthSize), _filePosition);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(_record);
        var recordSize = SegmentRecordHeader.LengthSize + length + SegmentRecordHeader.TagSize;
        if (RandomAccess.Read(_file, _record.AsSpan(0, recordSize), _filePosition) != recordSize)
        {
            throw new RecordingTamperedException($"Segment '{_name}': record {_next} was cut short while being read.");
        }

        SegmentRecordHeader.SetLength(_associatedData, length);
        SegmentRecordHeader.Nonce(_header, _next, _nonce);
        try
        {
            _gcm.Decrypt(
                _nonce,
                _record.AsSpan(SegmentRecordHeader.LengthSize, length),
                _record.AsSpan(SegmentRecordHeader.LengthSize + length, SegmentRecordHeader.TagSize),
                _plain.AsSpan(0, length),
                _associatedData);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new RecordingTamperedException(
                $"Segment '{_name}': record {_next} (at byte {_filePosition}) failed authentication: the file was changed on disk, moved from another call or file, or the key is wrong.",
                ex);
        }

        _filePosition += recordSize;
        _next++;
        block = new ArraySegment<byte>(_plain, 0, length);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            _gcm.Dispose();
            if (_record is { } record)
            {
                ArrayPool<byte>.Shared.Return(record);
                _record = null;
            }

            if (_plain is { } plain)
            {
                ArrayPool<byte>.Shared.Return(plain, clearArray: true);
                _plain = null;
            }
        }

        base.Dispose(disposing);
    }
}
