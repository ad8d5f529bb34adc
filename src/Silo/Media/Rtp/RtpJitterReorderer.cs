using System.Diagnostics;
using OrleansRecorder.Silo.Media.Codecs;

namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>
/// Turns one leg's accepted RTP packets into gap-free 8 kHz PCM: reorders within a small window by extended sequence number,
/// drops duplicates and late packets, decodes, and writes silence for loss, DTX, telephone events and timestamp or SSRC
/// resets, so that the samples written always equal the elapsed media time. Pure: no socket, no clock, no logging.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: the owner (<see cref="RtpLegReceiver"/>) serialises calls. Allocation-free per packet: the window
/// is a fixed array of slots that copy the payload bytes, and decoding uses two PCM buffers allocated once.</para>
/// <para>All three codecs have an 8000 Hz RTP clock (RFC 3551 §4.5, G.722 included) and the output is 8000 Hz, so one RTP
/// timestamp unit is one output sample and a packet's duration is the number of samples it decodes to (10, 20 or 30 ms
/// packets alike).</para>
/// <para>Invariants: every occupied slot holds an extended sequence number in [<c>_nextExtSeq</c>, <c>_nextExtSeq</c> +
/// window) at index <c>ext % window</c>; <c>_occupied</c> counts them.</para>
/// </remarks>
internal sealed class RtpJitterReorderer
{
    /// <summary>The RTP clock and output rate of every supported codec.</summary>
    public const int OutputSampleRate = 8000;

    /// <summary>RFC 3550 A.1: a forward jump beyond this is not loss but a restart of the sequence (after probation).</summary>
    private const int MaxDropout = 3000;

    /// <summary>RFC 3550 A.1: a packet further behind than this is not reordering but a restart (after probation).</summary>
    private const int MaxMisorder = 100;

    /// <summary>RFC 3389 comfort noise: not audio we decode, but it uses up sequence numbers and time.</summary>
    private const int ComfortNoisePayloadType = 13;

    private readonly IPcmSink _sink;
    private readonly MediaMetrics? _metrics;
    private readonly Slot[] _slots;
    private readonly int _maxPayloadSize;
    private readonly long _maxGapFillSamples;
    private readonly long _timestampFrequency;
    private readonly short[] _decoded;
    private readonly short[] _pcm;

    private IAudioDecoder? _decoder;
    private HalfBandDecimator? _decimator;
    private AudioCodec _codec;
    private int _audioPayloadType = -1;
    private int _telephoneEventPayloadType = -1;

    // Sequence context: one per SSRC (and per sequence restart).
    private bool _hasContext;
    private uint _ssrc;
    private long _highestExt;
    private long _nextExtSeq;
    private long _lastEmittedExt;
    private ulong _emittedMask;
    private int _occupied;
    private int _badSequence = -1;
    private bool _contextHasAudio;
    private uint _previousTimestamp;
    private int _previousDuration;

    // Leg-wide timeline.
    private bool _anyAudio;
    private long _lastAudioArrival;
    private int _lastAudioDuration;

    private long _lost;
    private long _duplicates;
    private long _reordered;
    private long _late;
    private long _malformed;
    private long _unknownPayloadType;
    private long _telephoneEvents;
    private long _comfortNoise;
    private long _ssrcChanges;
    private long _gaps;
    private long _gapSamples;
    private long _samplesWritten;

    /// <param name="sink">Receives the PCM.</param>
    /// <param name="windowPackets">Reorder window, in packets (1..64).</param>
    /// <param name="maxPayloadSize">The largest payload accepted, in bytes.</param>
    /// <param name="maxGapFill">The largest RTP timestamp jump filled as such; beyond it the gap is measured by arrival time.</param>
    /// <param name="timestampFrequency">Ticks per second of the arrival timestamps (<see cref="TimeProvider.TimestampFrequency"/>).</param>
    /// <param name="metrics">Optional counters.</param>
    public RtpJitterReorderer(IPcmSink sink, int windowPackets, int maxPayloadSize, TimeSpan maxGapFill, long timestampFrequency, MediaMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowPackets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowPackets, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timestampFrequency, 0);
        _sink = sink;
        _metrics = metrics;
        _maxPayloadSize = maxPayloadSize;
        _maxGapFillSamples = (long)(maxGapFill.TotalSeconds * OutputSampleRate);
        _timestampFrequency = timestampFrequency;
        _slots = new Slot[windowPackets];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot(maxPayloadSize);
        }

        _decoded = new short[maxPayloadSize * 2];
        _pcm = new short[maxPayloadSize];
    }

    public bool IsConfigured => _decoder is not null;

    public bool HasWrittenAudio => _anyAudio;

    /// <summary>
    /// Sets the codec and payload types. On a change (re-INVITE, UPDATE) the window is flushed first with the old settings.
    /// </summary>
    public void Configure(AudioCodec codec, int payloadType, int? telephoneEventPayloadType)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadType);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, 127);
        var eventPayloadType = telephoneEventPayloadType ?? -1;
        if (_decoder is not null && codec == _codec && payloadType == _audioPayloadType && eventPayloadType == _telephoneEventPayloadType)
        {
            return;
        }

        FlushWindow();
        if (_decoder is null || codec != _codec)
        {
            _decoder = AudioDecoders.Create(codec);
            _decimator = _decoder.SampleRate == OutputSampleRate ? null : new HalfBandDecimator();
            Debug.Assert(_decoder.SampleRate is OutputSampleRate or 2 * OutputSampleRate, "only 8 and 16 kHz decoders are supported");
        }

        _codec = codec;
        _audioPayloadType = payloadType;
        _telephoneEventPayloadType = eventPayloadType;
    }

    /// <summary>Accepts one packet from the expected source.</summary>
    public void Push(RtpPacket packet, long arrivalTimestamp) =>
        Push(packet.SequenceNumber, packet.Timestamp, packet.Ssrc, packet.PayloadType, arrivalTimestamp, packet.Payload);

    /// <summary>Accepts one packet from the expected source (the fields of an <see cref="RtpPacket"/>).</summary>
    public void Push(ushort sequenceNumber, uint timestamp, uint ssrc, int payloadType, long arrivalTimestamp, ReadOnlySpan<byte> payload)
    {
        if (_decoder is null)
        {
            throw new InvalidOperationException("Configure must be called before packets are pushed.");
        }

        bool isAudio;
        if (payloadType == _audioPayloadType)
        {
            if (payload.Length == 0 || payload.Length > _maxPayloadSize)
            {
                Drop(ref _malformed, RtpDropReason.Malformed);
                return;
            }

            isAudio = true;
        }
        else if (payloadType == _telephoneEventPayloadType)
        {
            // RFC 4733 events share the stream's SSRC and sequence space: they take a sequence number (no false loss) but
            // carry no audio; the next audio packet's timestamp jump fills their time with silence.
            _telephoneEvents++;
            isAudio = false;
        }
        else if (payloadType == ComfortNoisePayloadType)
        {
            _comfortNoise++;
            isAudio = false;
        }
        else
        {
            Drop(ref _unknownPayloadType, RtpDropReason.UnknownPayloadType);
            return;
        }

        if (!_hasContext || ssrc != _ssrc)
        {
            if (_hasContext)
            {
                // A new source (sipp restarting a stream, a re-INVITE): finish the old one, then time the new one by arrival.
                FlushWindow();
                _ssrcChanges++;
            }

            StartContext(ssrc, sequenceNumber);
        }

        // RFC 3550 A.1: extend the 16-bit sequence number by the signed distance to the highest one seen (handles wrap).
        var ext = _highestExt + (short)(sequenceNumber - (ushort)_highestExt);
        var ahead = ext - _nextExtSeq;
        var behind = _lastEmittedExt - ext;
        if (ahead >= MaxDropout || (ahead < 0 && behind > MaxMisorder))
        {
            // RFC 3550 A.1: a huge jump is believed only when the next packet continues from it (the sender restarted).
            if (sequenceNumber != _badSequence)
            {
                _badSequence = (sequenceNumber + 1) & 0xFFFF;
                Drop(ref _late, RtpDropReason.Late);
                return;
            }

            FlushWindow();
            StartContext(ssrc, sequenceNumber);
            ext = _highestExt;
            ahead = 0;
        }
        else if (ahead < 0)
        {
            if (behind is >= 0 and < 64 && ((_emittedMask >> (int)behind) & 1) != 0)
            {
                Drop(ref _duplicates, RtpDropReason.Duplicate);
            }
            else
            {
                Drop(ref _late, RtpDropReason.Late);
            }

            return;
        }

        _badSequence = -1;
        if (ahead >= _slots.Length)
        {
            AdvanceTo(ext - _slots.Length + 1);
        }

        var slot = _slots[(int)(ext % _slots.Length)];
        if (slot.ExtSeq == ext)
        {
            Drop(ref _duplicates, RtpDropReason.Duplicate);
            return;
        }

        Debug.Assert(slot.ExtSeq < 0, "the slot of a sequence number inside the window is free or holds that number");
        if (ext < _highestExt)
        {
            _reordered++;
        }
        else
        {
            _highestExt = ext;
        }

        slot.Store(ext, timestamp, arrivalTimestamp, isAudio, payload);
        _occupied++;
        DrainInOrder();
    }

    /// <summary>Writes every packet still waiting in the window (end of the leg); missing ones before them count as lost.</summary>
    public void Flush() => FlushWindow();

    /// <summary>Counters so far; the receiver adds what it counts itself (received, wrong source, malformed datagrams).</summary>
    public RtpLegStats GetStats(long received, long wrongSource, long malformedDatagrams) => new()
    {
        PacketsReceived = received,
        PacketsLost = _lost,
        PacketsDuplicate = _duplicates,
        PacketsReordered = _reordered,
        PacketsLate = _late,
        PacketsWrongSource = wrongSource,
        PacketsMalformed = malformedDatagrams + _malformed,
        PacketsUnknownPayloadType = _unknownPayloadType,
        TelephoneEvents = _telephoneEvents,
        ComfortNoisePackets = _comfortNoise,
        SsrcChanges = _ssrcChanges,
        Gaps = _gaps,
        GapSamples = _gapSamples,
        SamplesWritten = _samplesWritten,
    };

    private void StartContext(uint ssrc, ushort sequenceNumber)
    {
        Debug.Assert(_occupied == 0, "the window is flushed before a new sequence context");
        _hasContext = true;
        _ssrc = ssrc;

        // Offset by one cycle so that packets slightly before the first one still extend to positive numbers.
        _highestExt = 65536 + sequenceNumber;
        _nextExtSeq = _highestExt;
        _lastEmittedExt = -1;
        _emittedMask = 0;
        _badSequence = -1;
        _contextHasAudio = false;
    }

    private void DrainInOrder()
    {
        while (_occupied > 0)
        {
            var slot = _slots[(int)(_nextExtSeq % _slots.Length)];
            if (slot.ExtSeq != _nextExtSeq)
            {
                return;
            }

            EmitAndFree(slot);
            _nextExtSeq++;
        }
    }

    /// <summary>Moves the window start to <paramref name="target"/>, emitting the packets it passes; the holes become loss.</summary>
    private void AdvanceTo(long target)
    {
        while (_nextExtSeq < target)
        {
            if (_occupied == 0)
            {
                _nextExtSeq = target;
                return;
            }

            var slot = _slots[(int)(_nextExtSeq % _slots.Length)];
            if (slot.ExtSeq == _nextExtSeq)
            {
                EmitAndFree(slot);
            }

            _nextExtSeq++;
        }

        DrainInOrder();
    }

    private void FlushWindow()
    {
        if (_occupied > 0)
        {
            AdvanceTo(_nextExtSeq + _slots.Length);
        }
    }

    private void EmitAndFree(Slot slot)
    {
        _occupied--;
        var ext = slot.ExtSeq;
        slot.ExtSeq = -1;

        if (_lastEmittedExt >= 0)
        {
            var missing = ext - _lastEmittedExt - 1;
            if (missing > 0)
            {
                _lost += missing;
                _metrics?.PacketsLost(missing);
            }

            var shift = ext - _lastEmittedExt;
            _emittedMask = shift >= 64 ? 0 : _emittedMask << (int)shift;
        }

        _emittedMask |= 1;
        _lastEmittedExt = ext;

        if (slot.IsAudio)
        {
            WriteAudio(slot);
        }
    }

    private void WriteAudio(Slot slot)
    {
        Debug.Assert(_decoder is not null, "configured before any packet is stored");
        var payload = slot.Payload;
        ReadOnlySpan<short> pcm;
        if (_decimator is null)
        {
            var count = _decoder.Decode(payload, _pcm);
            pcm = _pcm.AsSpan(0, count);
        }
        else
        {
            var count = _decoder.Decode(payload, _decoded);
            count = _decimator.Decimate(_decoded.AsSpan(0, count), _pcm);
            pcm = _pcm.AsSpan(0, count);
        }

        if (!_anyAudio)
        {
            _anyAudio = true;
            _sink.OnFirstPacket(slot.Arrival);
        }
        else if (!_contextHasAudio)
        {
            // New SSRC or restarted sequence: its timestamps are unrelated to the previous ones.
            FillByArrivalTime(slot.Arrival);
        }
        else
        {
            // The expected timestamp is the previous one plus the previous packet's duration (loss, DTX/marker, events).
            var jump = (int)(slot.Timestamp - unchecked(_previousTimestamp + (uint)_previousDuration));
            if (jump > 0 && jump <= _maxGapFillSamples)
            {
                WriteGap(jump);
            }
            else if (jump != 0)
            {
                // A negative jump or one beyond MaxGapFill: the sender reset its timestamps.
                FillByArrivalTime(slot.Arrival);
            }
        }

        _sink.Write(pcm);
        _samplesWritten += pcm.Length;
        _contextHasAudio = true;
        _previousTimestamp = slot.Timestamp;
        _previousDuration = pcm.Length;
        _lastAudioArrival = slot.Arrival;
        _lastAudioDuration = pcm.Length;
    }

    /// <summary>
    /// Silence for the wall-clock time between the previous audio packet and this one, less the previous packet's own
    /// duration (a packet arrives once its audio has been captured). Below half a packet it is arrival jitter, not a gap.
    /// </summary>
    private void FillByArrivalTime(long arrival)
    {
        var elapsedTicks = arrival - _lastAudioArrival;
        if (elapsedTicks <= 0)
        {
            return;
        }

        var elapsedSamples = (long)((double)elapsedTicks * OutputSampleRate / _timestampFrequency);
        var silence = elapsedSamples - _lastAudioDuration;
        if (silence * 2 >= _lastAudioDuration && silence > 0)
        {
            WriteGap((int)Math.Min(silence, int.MaxValue));
        }
    }

    private void WriteGap(int samples)
    {
        _gaps++;
        _gapSamples += samples;
        _samplesWritten += samples;
        _sink.WriteSilence(samples);
    }

    private void Drop(ref long counter, RtpDropReason reason)
    {
        counter++;
        _metrics?.PacketDropped(reason);
    }

    /// <summary>A window slot: a copy of one packet's payload and the fields needed to emit it.</summary>
    private sealed class Slot(int capacity)
    {
        private readonly byte[] _data = new byte[capacity];
        private int _length;

        /// <summary>The extended sequence number held, or -1 when free.</summary>
        public long ExtSeq { get; set; } = -1;

        public uint Timestamp { get; private set; }

        public long Arrival { get; private set; }

        public bool IsAudio { get; private set; }

        public ReadOnlySpan<byte> Payload => _data.AsSpan(0, _length);

        public void Store(long ext, uint timestamp, long arrival, bool isAudio, ReadOnlySpan<byte> payload)
        {
            ExtSeq = ext;
            Timestamp = timestamp;
            Arrival = arrival;
            IsAudio = isAudio;
            _length = isAudio ? payload.Length : 0;
            if (isAudio)
            {
                payload.CopyTo(_data);
            }
        }
    }
}
