using System.Buffers;
using System.Diagnostics;
using OrleansRecorder.Silo.Media.Codecs;

namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>
/// Turns one leg's accepted RTP packets into gap-free PCM at the leg's rate: reorders within a small window by extended
/// sequence number, drops duplicates and late packets, decodes, and writes silence for loss, telephone events and
/// timestamp or SSRC resets (comfort noise after an RFC 3389 CN packet or a G.729 Annex B SID), so that the samples
/// written always equal the elapsed media time. Telephone events (RFC 4733) go to the sink as events, never into the
/// audio. Pure: no socket, no clock, no logging.
/// </summary>
/// <remarks>
/// <para>Not thread-safe: the owner (<see cref="RtpLegReceiver"/>) serialises calls. Allocation-free per packet: the window
/// is a fixed array of slots that copy the payload bytes, and decoding uses two PCM buffers allocated once.</para>
/// <para>Per leg, the slots' bytes (one array for the whole window) and the two PCM buffers are rented from
/// <see cref="LegBufferPool"/> and returned by the first <see cref="Dispose"/>; after it, packets, flushes and
/// configuration are ignored, so nothing writes into a buffer back in the pool.</para>
/// <para>Rates: the leg's output rate is fixed by its first codec (16 kHz for G.722 and Opus, else 8 kHz) and told to the
/// sink once; a later codec is resampled to it. RTP timestamps count in the codec's clock, which is not the audio rate
/// for G.722 (8000 for 16 kHz audio, RFC 3551 §4.5.2) nor for Opus (48000 whatever the audio, RFC 7587 §4.1), so every
/// duration is kept in clock ticks and converted to output samples where silence is written.</para>
/// <para>Invariants: every occupied slot holds an extended sequence number in [<c>_nextExtSeq</c>, <c>_nextExtSeq</c> +
/// window) at index <c>ext % window</c>; <c>_occupied</c> counts them.</para>
/// </remarks>
internal sealed class RtpJitterReorderer
{
    /// <summary>The output rate of a narrowband leg (and the RTP clock of every codec but Opus).</summary>
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
    private readonly ArrayPool<byte> _bytePool;
    private readonly ArrayPool<short> _samplePool;
    private byte[] _slotBytes;
    private readonly int _maxPayloadSize;
    private readonly TimeSpan _maxGapFill;
    private readonly long _timestampFrequency;
    private readonly ComfortNoiseGenerator _comfortNoise = new();
    private short[] _decoded;
    private short[] _pcm;
    private long _maxGapFillSamples;
    private bool _disposed;

    private IAudioDecoder? _decoder;
    private HalfBandDecimator? _decimator;
    private HalfBandInterpolator? _interpolator;
    private int _outputRate;
    private int _clockRate = OutputSampleRate;
    private bool _comfortNoiseActive;
    private bool _lossBefore;

    // RFC 4733 event in progress (one at a time; its RTP timestamp tells it apart from the next).
    private bool _eventOpen;
    private uint _eventTimestamp;
    private int _eventCode;
    private int _eventDurationTicks;
    private long _eventSampleOffset;
    private bool _hasFinishedEvent;
    private uint _finishedEventTimestamp;
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
    private long _comfortNoisePackets;
    private long _comfortNoiseSamples;
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
    /// <param name="bytePool">Where the window's bytes are rented; <see cref="LegBufferPool.Bytes"/> unless a test watches it.</param>
    /// <param name="samplePool">Where the PCM buffers are rented; <see cref="LegBufferPool.Samples"/> unless a test watches it.</param>
    public RtpJitterReorderer(IPcmSink sink, int windowPackets, int maxPayloadSize, TimeSpan maxGapFill, long timestampFrequency, MediaMetrics? metrics = null,
        ArrayPool<byte>? bytePool = null, ArrayPool<short>? samplePool = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowPackets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowPackets, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timestampFrequency, 0);
        _sink = sink;
        _metrics = metrics;
        _maxPayloadSize = maxPayloadSize;
        _maxGapFill = maxGapFill;
        _maxGapFillSamples = (long)(maxGapFill.TotalSeconds * OutputSampleRate);
        _timestampFrequency = timestampFrequency;
        _bytePool = bytePool ?? LegBufferPool.Bytes;
        _samplePool = samplePool ?? LegBufferPool.Samples;
        _slotBytes = _bytePool.Rent(windowPackets * maxPayloadSize);
        _slots = new Slot[windowPackets];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot(_slotBytes, i * maxPayloadSize, maxPayloadSize);
        }

        _decoded = _samplePool.Rent(maxPayloadSize * 2);
        _pcm = _samplePool.Rent(maxPayloadSize * 2);
    }

    public bool IsConfigured => _decoder is not null;

    public bool HasWrittenAudio => _anyAudio;

    /// <summary>The leg's output rate (0 until the first <see cref="Configure"/>).</summary>
    public int OutputRate => _outputRate;

    /// <summary>
    /// Sets the codec and payload types. On a change (re-INVITE, UPDATE) the window is flushed first with the old settings.
    /// </summary>
    public void Configure(AudioCodec codec, int payloadType, int? telephoneEventPayloadType)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadType);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, 127);
        var eventPayloadType = telephoneEventPayloadType ?? -1;
        if (_disposed)
        {
            return;
        }

        if (_decoder is not null && codec == _codec && payloadType == _audioPayloadType && eventPayloadType == _telephoneEventPayloadType)
        {
            return;
        }

        FlushWindow();
        if (_decoder is null || codec != _codec)
        {
            if (_outputRate == 0)
            {
                // The first codec fixes the leg's rate: a wideband leg stays wideband (issue #13).
                _outputRate = AudioDecoders.RecordingRate(codec);
                _maxGapFillSamples = (long)(_maxGapFill.TotalSeconds * _outputRate);
                _sink.OnSampleRate(_outputRate);
            }

            (_decoder as IDisposable)?.Dispose();
            _decoder = AudioDecoders.Create(codec, _outputRate);
            Debug.Assert(_decoder.SampleRate is OutputSampleRate or 2 * OutputSampleRate, "only 8 and 16 kHz decoders are supported");
            _decimator = _decoder.SampleRate > _outputRate ? new HalfBandDecimator() : null;
            _interpolator = _decoder.SampleRate < _outputRate ? new HalfBandInterpolator() : null;
            _clockRate = _decoder.ClockRate;

            // Sized for the largest packet this codec can decode to, once per codec change (never per packet).
            var decodedMax = Math.Max(_decoder.GetSampleCount(_maxPayloadSize), _maxPayloadSize);
            if (_decoded.Length < decodedMax)
            {
                _samplePool.Return(_decoded);
                _decoded = _samplePool.Rent(decodedMax);
            }

            if (_pcm.Length < decodedMax * 2)
            {
                _samplePool.Return(_pcm);
                _pcm = _samplePool.Rent(decodedMax * 2);
            }
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
        if (_disposed)
        {
            // The leg has ended (a packet racing the BYE): its buffers are back in the pool.
            return;
        }

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
            _comfortNoisePackets++;
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

        slot.Store(ext, timestamp, arrivalTimestamp, isAudio, payloadType, payload);
        _occupied++;
        DrainInOrder();
    }

    /// <summary>Writes every packet still waiting in the window (end of the leg); missing ones before them count as lost.</summary>
    public void Flush()
    {
        if (_disposed)
        {
            return;
        }

        FlushWindow();

        // RFC 4733 §2.5.1.4: an event whose end packets were all lost still happened; it lasted as long as we saw.
        FinishEvent();
    }

    /// <summary>Releases the decoder (libbcg729 and libopus contexts are native) and returns the buffers, once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _occupied = 0;
        (_decoder as IDisposable)?.Dispose();

        // Cleared: they hold the leg's audio.
        _bytePool.Return(_slotBytes, clearArray: true);
        _samplePool.Return(_decoded, clearArray: true);
        _samplePool.Return(_pcm, clearArray: true);
        _slotBytes = [];
        _decoded = [];
        _pcm = [];
    }

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
        ComfortNoisePackets = _comfortNoisePackets + ((_decoder as G729Decoder)?.SidFrames ?? 0),
        ComfortNoiseSamples = _comfortNoiseSamples,
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

            _lossBefore = missing > 0;

            var shift = ext - _lastEmittedExt;
            _emittedMask = shift >= 64 ? 0 : _emittedMask << (int)shift;
        }

        _emittedMask |= 1;
        _lastEmittedExt = ext;

        if (slot.IsAudio)
        {
            WriteAudio(slot);
        }
        else if (slot.PayloadType == ComfortNoisePayloadType)
        {
            // RFC 3389 §4: noise at this level until the next audio packet. An empty payload keeps the last level.
            if (!slot.Payload.IsEmpty)
            {
                _comfortNoise.SetLevel(slot.Payload[0]);
            }

            _comfortNoiseActive = true;
        }
        else if (slot.PayloadType == _telephoneEventPayloadType)
        {
            OnTelephoneEvent(slot);
        }
    }

    /// <summary>
    /// RFC 4733 §2.3: event code, E bit, volume, duration since the event's RTP timestamp. The packets of one event share
    /// that timestamp (§2.5.1.2); the end packet is sent three times (§2.5.1.4), so an event is reported once, at its end.
    /// </summary>
    private void OnTelephoneEvent(Slot slot)
    {
        var payload = slot.Payload;
        if (payload.Length < 4)
        {
            _malformed++;
            return;
        }

        var code = payload[0];
        var end = (payload[1] & 0x80) != 0;
        var duration = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        if (_hasFinishedEvent && slot.Timestamp == _finishedEventTimestamp)
        {
            // A retransmitted end packet of an event already reported.
            return;
        }

        if (!_eventOpen || slot.Timestamp != _eventTimestamp)
        {
            FinishEvent();
            _eventOpen = true;
            _eventTimestamp = slot.Timestamp;
            _eventCode = code;
            _eventDurationTicks = 0;

            // Where the event began in the leg: the audio written so far, plus the time since the last audio packet's end.
            _eventSampleOffset = _samplesWritten;
            if (_contextHasAudio)
            {
                var ahead = (int)(slot.Timestamp - unchecked(_previousTimestamp + (uint)_previousDuration));
                if (ahead > 0 && ahead <= _maxGapFillSamples * _clockRate / Math.Max(_outputRate, 1))
                {
                    _eventSampleOffset += TicksToSamples(ahead);
                }
            }
        }

        _eventDurationTicks = Math.Max(_eventDurationTicks, duration);
        if (end)
        {
            FinishEvent();
        }
    }

    private void FinishEvent()
    {
        if (!_eventOpen)
        {
            return;
        }

        _eventOpen = false;
        _hasFinishedEvent = true;
        _finishedEventTimestamp = _eventTimestamp;
        var milliseconds = (int)((long)_eventDurationTicks * 1000 / _clockRate);
        _sink.OnTelephoneEvent(_eventCode, _eventSampleOffset, milliseconds);
    }

    /// <summary>RTP clock ticks to samples at the leg's output rate.</summary>
    private long TicksToSamples(long ticks) => ticks * _outputRate / _clockRate;

    private void WriteAudio(Slot slot)
    {
        Debug.Assert(_decoder is not null, "configured before any packet is stored");
        var payload = slot.Payload;
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
            var jumpSamples = jump > 0 ? TicksToSamples(jump) : 0;
            if (jump > 0 && jumpSamples <= _maxGapFillSamples)
            {
                FillGap((int)jumpSamples, payload);
            }
            else if (jump != 0)
            {
                // A negative jump or one beyond MaxGapFill: the sender reset its timestamps.
                FillByArrivalTime(slot.Arrival);
            }
        }

        // Decoded after the gap: the gap's comfort noise comes from the decoder's state before this packet (G.729B), and
        // in-band FEC recovers the packet before this one first (Opus).
        var decodedCount = _decoder.Decode(payload, _decoded);
        if (decodedCount == 0)
        {
            // Not a valid frame sequence for the codec (RFC 3551 §4.5.6 for G.729, a corrupt Opus packet): its time
            // becomes part of the gap before the next packet.
            _malformed++;
            _metrics?.PacketDropped(RtpDropReason.Malformed);
            _contextHasAudio = true;
            _previousTimestamp = slot.Timestamp;
            _previousDuration = 0;
            _lastAudioArrival = slot.Arrival;
            _lastAudioDuration = 0;
            return;
        }

        var durationTicks = (int)((long)decodedCount * _clockRate / _decoder.SampleRate);
        var pcm = Resample(decodedCount);
        var wasComfortNoise = _decoder.InComfortNoise;
        _comfortNoiseActive = false;
        _sink.Write(pcm);
        _samplesWritten += pcm.Length;
        if (wasComfortNoise)
        {
            _comfortNoiseSamples += pcm.Length;
        }

        _contextHasAudio = true;
        _previousTimestamp = slot.Timestamp;
        _previousDuration = durationTicks;
        _lastAudioArrival = slot.Arrival;
        _lastAudioDuration = pcm.Length;
    }

    /// <summary>The decoded samples in <see cref="_decoded"/>, brought to the leg's rate in <see cref="_pcm"/> when they differ.</summary>
    private ReadOnlySpan<short> Resample(int decodedCount)
    {
        var decoded = _decoded.AsSpan(0, decodedCount);
        if (_decimator is not null)
        {
            return _pcm.AsSpan(0, _decimator.Decimate(decoded, _pcm));
        }

        if (_interpolator is not null)
        {
            return _pcm.AsSpan(0, _interpolator.Interpolate(decoded, _pcm));
        }

        return decoded;
    }

    /// <summary>
    /// The time between the previous audio packet and this one: recovered from this packet's FEC when packets were lost
    /// (Opus, RFC 7587 §3.3), comfort noise when the sender said it went silent (RFC 3389 CN, G.729 Annex B SID), else
    /// silence counted as a gap.
    /// </summary>
    private void FillGap(int samples, ReadOnlySpan<byte> nextPayload)
    {
        Debug.Assert(_decoder is not null, "configured");
        if (_lossBefore && _decoder.SampleRate == _outputRate && samples <= _decoded.Length)
        {
            var recovered = _decoder.DecodeRedundancy(nextPayload, _decoded.AsSpan(0, samples));
            if (recovered > 0)
            {
                _sink.Write(_decoded.AsSpan(0, recovered));
                _samplesWritten += recovered;
                samples -= recovered;
            }
        }

        if (samples <= 0)
        {
            return;
        }

        if (_comfortNoiseActive)
        {
            WriteComfortNoise(samples, fromDecoder: false);
        }
        else if (_decoder.InComfortNoise && _decoder.SampleRate == _outputRate)
        {
            WriteComfortNoise(samples, fromDecoder: true);
        }
        else
        {
            WriteGap(samples);
        }
    }

    /// <summary>Comfort noise in chunks of the PCM buffer: the codec's own (G.729B) or RFC 3389 noise at the signalled level.</summary>
    private void WriteComfortNoise(int samples, bool fromDecoder)
    {
        Debug.Assert(_decoder is not null, "configured");
        var remaining = samples;
        while (remaining > 0)
        {
            var chunk = _pcm.AsSpan(0, Math.Min(remaining, _pcm.Length));
            var written = chunk.Length;
            if (fromDecoder)
            {
                written = _decoder.Conceal(chunk);
                if (written == 0)
                {
                    // Less than one codec frame left: the rest is silence, still part of the comfort-noise time.
                    _sink.WriteSilence(remaining, SilenceCause.ComfortNoise);
                    written = remaining;
                }
                else
                {
                    _sink.Write(chunk[..written]);
                }
            }
            else
            {
                _comfortNoise.Fill(chunk);
                _sink.Write(chunk);
            }

            remaining -= written;
        }

        _comfortNoiseSamples += samples;
        _samplesWritten += samples;
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

        var elapsedSamples = (long)((double)elapsedTicks * _outputRate / _timestampFrequency);
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
        _sink.WriteSilence(samples, _lossBefore ? SilenceCause.PacketLoss : SilenceCause.NoPackets);
    }

    private void Drop(ref long counter, RtpDropReason reason)
    {
        counter++;
        _metrics?.PacketDropped(reason);
    }

    /// <summary>A window slot: a copy of one packet's payload and the fields needed to emit it.</summary>
    private sealed class Slot(byte[] window, int offset, int capacity)
    {
        private int _length;

        /// <summary>The extended sequence number held, or -1 when free.</summary>
        public long ExtSeq { get; set; } = -1;

        public uint Timestamp { get; private set; }

        public long Arrival { get; private set; }

        public bool IsAudio { get; private set; }

        public int PayloadType { get; private set; }

        public ReadOnlySpan<byte> Payload => window.AsSpan(offset, _length);

        /// <summary>Copies the payload (audio, CN and telephone events alike: the last two are read when emitted).</summary>
        public void Store(long ext, uint timestamp, long arrival, bool isAudio, int payloadType, ReadOnlySpan<byte> payload)
        {
            ExtSeq = ext;
            Timestamp = timestamp;
            Arrival = arrival;
            IsAudio = isAudio;
            PayloadType = payloadType;
            _length = Math.Min(payload.Length, capacity);
            payload[.._length].CopyTo(window.AsSpan(offset, capacity));
        }
    }
}
