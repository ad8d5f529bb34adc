using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// One leg's crash-safe segment: raw PCM16 little-endian mono at the leg's rate (8 kHz, or 16 kHz for a wideband codec;
/// the rate is kept in <c>session.json</c>), append-only, handed to the operating system every
/// <see cref="RecordingOptions.FlushInterval"/> (checked on write) and forced to disk by <see cref="SyncToDisk"/>.
/// With the call's segment key the segment and its gap journal are encrypted, one AES-GCM record per flush
/// (<see cref="Encryption.SegmentRecordWriter"/>), still append-only.
/// </summary>
/// <remarks>
/// <para>Called from the leg's receive thread (hot path: no allocation per call); <see cref="Close"/> may come from another
/// thread, hence the (uncontended) lock. An I/O failure stops the leg, is logged once and is reported as a flag.</para>
/// <para>Buffers: the segment's and the gap journal's are rented from <see cref="LegBufferPool"/> when they open and
/// returned by <see cref="Close"/>, under the same lock every write takes and checks <c>_closed</c> in, so a packet the
/// receive thread writes while a BYE closes the leg is either written before the return or dropped, never written into a
/// returned buffer. Both are returned even when the last flush or the first close fails.</para>
/// <para>Why two intervals: what reached the page cache survives a killed process, which is what the flush interval
/// bounds; only an operating-system crash needs fsync. An fsync per leg per second on the receive thread stalled every
/// other leg behind the disk (1,000 legs: 1,000 fsyncs a second), so <see cref="Hosting.SegmentSyncService"/> does it on
/// its own thread every <see cref="RecordingOptions.SyncInterval"/>.</para>
/// </remarks>
internal sealed class LegSegmentWriter : IPcmSink
{
    private const int SwapChunkSamples = 512;

    // 100 ms of PCM16 silence at 8 kHz; never written to.
    private static readonly byte[] SilenceBlock = new byte[1600];

    private readonly Lock _lock = new();
    private readonly RecordingSession _owner;
    /// <summary>0 = near end, 1 = far end, 2 and on: a SIPREC session's further streams.</summary>
    private readonly int _channel;
    private readonly ISegmentOutput _stream;
    private readonly string _path;
    private readonly byte[]? _key;
    private readonly ArrayPool<byte>? _pool;
    private ISegmentOutput? _gapJournal;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _flushInterval;
    private readonly ILogger _logger;
    private long _lastFlushTimestamp;
    private long _samples;
    private bool _firstPacketSeen;
    private bool _closed;
    private bool _failed;

    /// <summary>
    /// Opens (creates) the segment; with <paramref name="key"/>, the call's segment key kept by the session until the leg is
    /// closed, encrypted. Its buffers come from <paramref name="pool"/>: <see cref="LegBufferPool.Bytes"/> unless a test watches it.
    /// </summary>
    public LegSegmentWriter(RecordingSession owner, int channel, string path, TimeProvider timeProvider, TimeSpan flushInterval, ILogger logger, byte[]? key = null,
        ArrayPool<byte>? pool = null)
    {
        _owner = owner;
        _channel = channel;
        _timeProvider = timeProvider;
        _flushInterval = flushInterval;
        _logger = logger;
        _path = path;
        _key = key;
        _pool = pool;
        _stream = SegmentFile.CreateOutput(path, key, plainBufferSize: 16 * 1024, pool: pool);
        _lastFlushTimestamp = timeProvider.GetTimestamp();
    }

    /// <summary>True when a write failed and the rest of the leg was dropped.</summary>
    public bool Failed
    {
        get
        {
            lock (_lock)
            {
                return _failed;
            }
        }
    }

    public void OnFirstPacket(long arrivalTimestamp)
    {
        lock (_lock)
        {
            if (_firstPacketSeen || _closed)
            {
                return;
            }

            _firstPacketSeen = true;
        }

        _owner.RecordFirstPacket(_channel, arrivalTimestamp);
    }

    /// <summary>Once per leg, before its first sample: the rate goes into <c>session.json</c> for the finalizer.</summary>
    public void OnSampleRate(int sampleRate)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }
        }

        _owner.RecordSampleRate(_channel, sampleRate);
    }

    /// <summary>Once per telephone event (not per packet): into <c>session.json</c>, not the audio.</summary>
    public void OnTelephoneEvent(int eventCode, long sampleOffset, int durationMilliseconds) =>
        _owner.RecordTelephoneEvent(_channel, eventCode, sampleOffset, durationMilliseconds);

    /// <summary>While set (an operator's pause), received audio is written as silence of the same length.</summary>
    public bool Muted
    {
        get => Volatile.Read(ref _muted);
        set => Volatile.Write(ref _muted, value);
    }

    private bool _muted;

    public void Write(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return;
        }

        if (Muted)
        {
            WriteSilence(samples.Length, LegGapJournal.OperatorKind);
            return;
        }

        lock (_lock)
        {
            if (_closed || _failed)
            {
                return;
            }

            try
            {
                if (BitConverter.IsLittleEndian)
                {
                    _stream.Write(MemoryMarshal.AsBytes(samples));
                }
                else
                {
                    WriteSwapped(samples);
                }

                _samples += samples.Length;
                FlushIfDue();
            }
            catch (IOException exception)
            {
                Fail(exception);
            }
        }
    }

    public void WriteSilence(int sampleCount) => WriteSilence(sampleCount, LegGapJournal.FillKind);

    public void WriteSilence(int sampleCount, SilenceCause cause)
    {
        if (cause == SilenceCause.ComfortNoise)
        {
            // Silence by agreement inside comfort noise: written, not a gap.
            WriteSilence(sampleCount, NoGap);
            return;
        }

        WriteSilence(sampleCount, cause == SilenceCause.PacketLoss ? LegGapJournal.FillKind : LegGapJournal.SilentKind);
    }

    private const byte NoGap = byte.MaxValue;

    private void WriteSilence(int sampleCount, byte gapKind)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        if (sampleCount == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_closed || _failed)
            {
                return;
            }

            try
            {
                if (gapKind != NoGap)
                {
                    JournalGap(sampleCount, gapKind);
                }

                var remainingBytes = (long)sampleCount * sizeof(short);
                while (remainingBytes > 0)
                {
                    var chunk = (int)Math.Min(remainingBytes, SilenceBlock.Length);
                    _stream.Write(SilenceBlock.AsSpan(0, chunk));
                    remainingBytes -= chunk;
                }

                _samples += sampleCount;
                FlushIfDue();
            }
            catch (IOException exception)
            {
                Fail(exception);
            }
        }
    }

    /// <summary>Flushes to disk and closes the file; later writes are ignored. Returns the samples written.</summary>
    public long Close()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _closed = true;
                try
                {
                    if (!_failed)
                    {
                        _gapJournal?.Flush(flushToDisk: true);
                        _stream.Flush(flushToDisk: true);
                    }
                }
                catch (IOException exception)
                {
                    Fail(exception);
                }
                finally
                {
                    // Each returns its buffer even when its last write fails; the segment is closed whatever the journal did.
                    CloseOutput(_gapJournal);
                    CloseOutput(_stream);
                }
            }

            return _samples;
        }
    }

    /// <summary>
    /// Forces what was handed to the operating system onto the disk. Runs off the receive thread and outside the lock
    /// (writes go on meanwhile); a leg closed in between is simply skipped.
    /// </summary>
    public void SyncToDisk()
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        lock (_lock)
        {
            if (_closed || _failed)
            {
                return;
            }

            handle = _stream.Handle;
        }

        try
        {
            RandomAccess.FlushToDisk(handle);
        }
        catch (ObjectDisposedException)
        {
            // Closed meanwhile: Close() already forced it to disk.
        }
        catch (IOException exception)
        {
            lock (_lock)
            {
                if (!_closed && !_failed)
                {
                    Fail(exception);
                }
            }
        }
    }

    private void CloseOutput(ISegmentOutput? output)
    {
        try
        {
            output?.Dispose();
        }
        catch (IOException exception)
        {
            if (!_failed)
            {
                Fail(exception);
            }
        }
    }

    private void FlushIfDue()
    {
        var now = _timeProvider.GetTimestamp();
        if (_timeProvider.GetElapsedTime(_lastFlushTimestamp, now) >= _flushInterval)
        {
            _gapJournal?.Flush(flushToDisk: false);
            _stream.Flush(flushToDisk: false);
            _lastFlushTimestamp = now;
        }
    }

    /// <summary>
    /// Notes where this silence lies in the leg (the gap ledger, issue #15), before the silence itself so that a journal
    /// never misses a gap its segment holds. Once per gap, not per packet: the journal opens at the first one.
    /// </summary>
    private void JournalGap(int sampleCount, byte gapKind)
    {
        _gapJournal ??= SegmentFile.CreateOutput(LegGapJournal.PathFor(_path), _key, plainBufferSize: 4 * 1024, recordBufferSize: 1024, pool: _pool);
        Span<byte> record = stackalloc byte[LegGapJournal.RecordSize];
        LegGapJournal.Encode(record, _samples, sampleCount, gapKind);
        _gapJournal.Write(record);
    }

    private void WriteSwapped(ReadOnlySpan<short> samples)
    {
        Span<short> chunk = stackalloc short[SwapChunkSamples];
        while (!samples.IsEmpty)
        {
            var count = Math.Min(samples.Length, SwapChunkSamples);
            BinaryPrimitives.ReverseEndianness(samples[..count], chunk);
            _stream.Write(MemoryMarshal.AsBytes(chunk[..count]));
            samples = samples[count..];
        }
    }

    private void Fail(IOException exception)
    {
        _failed = true;
        RecordingLog.SegmentWriteFailed(_logger, _owner.RecordingId, _channel switch { 0 => "near-end", 1 => "far-end", _ => $"channel-{_channel}" }, exception);
    }
}
