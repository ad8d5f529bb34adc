using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Silo.Recording.Opus;

/// <summary>
/// Packs packets of one logical bitstream into Ogg pages (RFC 3533) and writes them to a stream.
/// </summary>
/// <remarks>
/// <para>
/// A page is emitted when its body reaches <see cref="MaxPageBodyBytes"/> or it holds <see cref="MaxPacketsPerPage"/>
/// completed packets (so players can seek and a reader never needs much memory), when the segment table is full
/// (255 lacing values; the packet then continues on the next page), or when the caller asks with
/// <see cref="FlushPage"/> or writes the end-of-stream packet. The first page written carries the BOS flag.
/// </para>
/// <para>
/// Invariants of the page under construction: <c>_segmentCount</c> ≤ 255, <c>_bodyLength</c> = sum of the first
/// <c>_segmentCount</c> lacing values, <c>_granulePosition</c> is the granule of the last packet completed on the page
/// (−1 while none has completed, RFC 3533 §6). Single-threaded; the caller owns the output stream.
/// </para>
/// <para>
/// The page body's 64 KiB (255 lacing values of 255 bytes) is rented from <see cref="LegBufferPool"/>, not allocated per
/// recording, and returned once, when the end-of-stream page is written: nothing may follow it. A writer abandoned before
/// that (a finalization that failed) leaves its body to the garbage collector, as before.
/// </para>
/// </remarks>
internal sealed class OggPageWriter
{
    public const int DefaultMaxPageBodyBytes = 4096;
    public const int DefaultMaxPacketsPerPage = 50;

    private const int HeaderSize = 27;
    private const int MaxSegments = 255;
    private const int CrcOffset = 22;

    private readonly Stream _output;
    private readonly int _serialNumber;
    private readonly byte[] _header = new byte[HeaderSize + MaxSegments];
    private readonly ArrayPool<byte> _pool;
    private byte[] _body;
    private int _segmentCount;
    private int _bodyLength;
    private int _packetsOnPage;
    private long _granulePosition = -1;
    private bool _pageStartsWithContinuation;
    private bool _packetInProgress;
    private uint _sequenceNumber;
    private bool _beginningWritten;
    private bool _endWritten;

    /// <summary>The page body is rented from <paramref name="pool"/>: <see cref="LegBufferPool.Bytes"/> unless a test watches it.</summary>
    public OggPageWriter(Stream output, int serialNumber, int maxPageBodyBytes = DefaultMaxPageBodyBytes, int maxPacketsPerPage = DefaultMaxPacketsPerPage,
        ArrayPool<byte>? pool = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPageBodyBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPacketsPerPage, 1);
        _output = output;
        _serialNumber = serialNumber;
        MaxPageBodyBytes = maxPageBodyBytes;
        MaxPacketsPerPage = maxPacketsPerPage;
        _pool = pool ?? LegBufferPool.Bytes;
        _body = _pool.Rent(MaxSegments * 255);
    }

    public int MaxPageBodyBytes { get; }

    public int MaxPacketsPerPage { get; }

    /// <summary>Pages written so far.</summary>
    public long PagesWritten => _sequenceNumber;

    /// <summary>
    /// Appends one packet ending at <paramref name="granulePosition"/>. With <paramref name="endOfStream"/> the page is
    /// written at once with the EOS flag, and nothing more may follow.
    /// </summary>
    public void WritePacket(ReadOnlySpan<byte> packet, long granulePosition, bool endOfStream = false)
    {
        if (_endWritten)
        {
            throw new InvalidOperationException("The end-of-stream page has been written; the logical bitstream is closed.");
        }

        var remaining = packet;
        var started = false;
        while (true)
        {
            if (_segmentCount == MaxSegments)
            {
                // RFC 3533 §5: a packet may span pages; the next page then starts with the continuation flag,
                // unless this packet has not put a lacing value on the full page yet.
                _packetInProgress = started;
                EmitPage(endOfStream: false);
            }

            // Lacing: 255 means "more of this packet follows"; a value below 255 (possibly 0) ends it, so a packet
            // whose length is a multiple of 255 needs a terminating 0.
            var lacing = Math.Min(remaining.Length, 255);
            _header[HeaderSize + _segmentCount++] = (byte)lacing;
            remaining[..lacing].CopyTo(_body.AsSpan(_bodyLength));
            _bodyLength += lacing;
            remaining = remaining[lacing..];
            started = true;
            if (lacing < 255)
            {
                break;
            }
        }

        _packetInProgress = false;
        _packetsOnPage++;
        _granulePosition = granulePosition;
        if (endOfStream)
        {
            _endWritten = true;
            try
            {
                EmitPage(endOfStream: true);
            }
            finally
            {
                // Even when the last write failed: the stream is closed either way, and _endWritten keeps the body unreachable.
                var body = _body;
                _body = [];
                _pool.Return(body);
            }
        }
        else if (_bodyLength >= MaxPageBodyBytes || _packetsOnPage >= MaxPacketsPerPage)
        {
            EmitPage(endOfStream: false);
        }
    }

    /// <summary>Writes the page under construction, if it holds anything (RFC 7845 wants each header packet on its own page).</summary>
    public void FlushPage()
    {
        if (_segmentCount > 0 && !_endWritten)
        {
            EmitPage(endOfStream: false);
        }
    }

    private void EmitPage(bool endOfStream)
    {
        Debug.Assert(_segmentCount <= MaxSegments, "segment table overflow");
        var flags = OggPageFlags.None;
        if (_pageStartsWithContinuation)
        {
            flags |= OggPageFlags.Continuation;
        }

        if (!_beginningWritten)
        {
            flags |= OggPageFlags.BeginningOfStream;
        }

        if (endOfStream)
        {
            flags |= OggPageFlags.EndOfStream;
        }

        var header = _header.AsSpan(0, HeaderSize + _segmentCount);
        "OggS"u8.CopyTo(header);
        header[4] = 0; // stream_structure_version
        header[5] = (byte)flags;
        BinaryPrimitives.WriteInt64LittleEndian(header[6..], _granulePosition);
        BinaryPrimitives.WriteInt32LittleEndian(header[14..], _serialNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(header[18..], _sequenceNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(header[CrcOffset..], 0);
        header[26] = (byte)_segmentCount;

        var body = _body.AsSpan(0, _bodyLength);
        var crc = OggCrc.Update(OggCrc.Compute(header), body);
        BinaryPrimitives.WriteUInt32LittleEndian(header[CrcOffset..], crc);
        _output.Write(header);
        _output.Write(body);

        _sequenceNumber++;
        _beginningWritten = true;
        _pageStartsWithContinuation = _packetInProgress;
        _segmentCount = 0;
        _bodyLength = 0;
        _packetsOnPage = 0;
        _granulePosition = -1;
    }
}
