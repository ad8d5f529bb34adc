using Microsoft.Extensions.Logging.Abstractions;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Media;

namespace OrleansRecorder.Silo.Recording;

/// <summary>
/// The per-call recording: two leg sinks writing crash-safe segments under <c>segments/{id}/</c>, merged into a stereo
/// WAV or Ogg Opus file (left = near end, right = far end; <see cref="RecordingOptions.Format"/>) by <see cref="FinalizeAsync"/>.
/// </summary>
/// <remarks>
/// <para>Each leg sink is driven by its own receiver; the two may run concurrently. <see cref="FinalizeAsync"/> is meant
/// to run after both receivers stopped; writes that still arrive are ignored. Disposing without finalizing closes the
/// segments and leaves them on disk for <see cref="RecordingRecovery"/>.</para>
/// <para><c>session.json</c> changes (first packet of a leg, codec at ACK, metadata at UPDATE) are written by a thread-pool
/// work item, coalesced to the latest state: the first-packet time is known on the RTP receive thread and the codec on
/// the SIP receive loop, and neither may wait for a file write. The file is replaced atomically, without fsync: it must
/// survive a killed process, which the page cache does (the segments are forced to disk by
/// <see cref="Hosting.SegmentSyncService"/>).</para>
/// </remarks>
internal sealed class RecordingSession : IAsyncDisposable
{
    private readonly Lock _stateLock = new();
    private readonly RecordingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _segmentDirectory;
    private readonly LegSegmentWriter _nearEnd;
    private readonly LegSegmentWriter _farEnd;

    /// <summary>The call's segment key (null: plain segments); its wrapped form is in <c>session.json</c>. Zeroed once every leg is closed.</summary>
    private readonly byte[]? _segmentKey;

    /// <summary>Channels 2 and on (a SIPREC session's further streams), written under <see cref="_stateLock"/>.</summary>
    private readonly Dictionary<int, LegSegmentWriter> _extra = [];
    private SessionState _state;
    private bool _finalizing;
    private DateTimeOffset? _endedAt;
    private readonly CancellationTokenSource _persistNow = new();
    private bool _persistPending;
    private Task _persisting = Task.CompletedTask;

    /// <summary>
    /// How long a change waits before <c>session.json</c> is rewritten: a call's changes come in a burst (each leg's
    /// codec at its ACK, each leg's first packet), and one write instead of five per call matters at hundreds of calls
    /// a second. A process killed within it recovers from the state written at creation (alignment by start time).
    /// </summary>
    internal static readonly TimeSpan PersistDelay = TimeSpan.FromSeconds(1);

    private RecordingSession(RecordingOptions options, RecordingInfo info, TimeProvider timeProvider, ILogger logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _segmentDirectory = RecordingPaths.SegmentDirectory(options, info.RecordingId);
        _state = new SessionState { Info = info };
        if (options.SegmentKeys is { EncryptNew: true } segmentKeys)
        {
            // Wrapped into session.json before any audio is written: recovery and a peer's takeover need it to read a byte.
            (_segmentKey, var wrapped) = segmentKeys.Create();
            _state = _state with { SegmentKey = wrapped };
        }

        Directory.CreateDirectory(_segmentDirectory);
        PersistState(_state);
        _nearEnd = new LegSegmentWriter(this, 0, Path.Combine(_segmentDirectory, RecordingPaths.NearEndFileName), timeProvider, options.FlushInterval, logger, _segmentKey);
        try
        {
            _farEnd = new LegSegmentWriter(this, 1, Path.Combine(_segmentDirectory, RecordingPaths.FarEndFileName), timeProvider, options.FlushInterval, logger, _segmentKey);
        }
        catch
        {
            _nearEnd.Close();
            throw;
        }
    }

    public string RecordingId => _state.Info.RecordingId;

    /// <summary>Completes when the <c>session.json</c> writes scheduled so far are on file (for tests and shutdown).</summary>
    public Task StatePersisted
    {
        get
        {
            lock (_stateLock)
            {
                return _persisting;
            }
        }
    }

    /// <summary>The leg's recording rate (8000 until its first codec set one): turns written samples into seconds.</summary>
    public int SampleRateOf(LegRole role) => SampleRateOf((int)role);

    /// <summary>Channel <paramref name="channel"/>'s recording rate (8000 until its first codec set one).</summary>
    public int SampleRateOf(int channel)
    {
        lock (_stateLock)
        {
            return channel switch
            {
                0 => _state.NearEndSampleRate,
                1 => _state.FarEndSampleRate,
                _ => _state.ExtraChannels.FirstOrDefault(c => c.Channel == channel)?.SampleRate,
            } ?? 8000;
        }
    }

    /// <summary>Left channel.</summary>
    public IPcmSink NearEnd => _nearEnd;

    /// <summary>Right channel.</summary>
    public IPcmSink FarEnd => _farEnd;

    /// <summary>
    /// The sink of channel <paramref name="channel"/>: the near or far end for 0 and 1; for 2 and on (a SIPREC session's
    /// further streams) a new segment, silent before now in the file however late it comes. Null once finalizing or
    /// when that channel is open already.
    /// </summary>
    public IPcmSink? OpenChannel(int channel, string label)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentException.ThrowIfNullOrEmpty(label);
        if (channel < 2)
        {
            return channel == 0 ? _nearEnd : _farEnd;
        }

        lock (_stateLock)
        {
            if (_finalizing || _extra.ContainsKey(channel))
            {
                return null;
            }

            var writer = new LegSegmentWriter(this, channel, Path.Combine(_segmentDirectory, RecordingPaths.ChannelFileName(channel)), _timeProvider,
                _options.FlushInterval, _logger, _segmentKey)
            {
                Muted = _nearEnd.Muted,
            };
            _extra.Add(channel, writer);
            var added = new RecordingChannel { Channel = channel, Label = label, AddedAt = _timeProvider.GetUtcNow() };
            _state = _state with { ExtraChannels = [.. _state.ExtraChannels, added] };
            SchedulePersist();
            return writer;
        }
    }

    /// <summary>A further channel's codec (the near and far end's are in the info), for its manifest entry.</summary>
    public void SetChannelCodec(int channel, AudioCodec codec)
    {
        lock (_stateLock)
        {
            if (_finalizing)
            {
                return;
            }

            _state = _state with { ExtraChannels = [.. _state.ExtraChannels.Select(c => c.Channel == channel ? c with { Codec = codec } : c)] };
            SchedulePersist();
        }
    }

    private List<LegSegmentWriter> Writers()
    {
        lock (_stateLock)
        {
            return [_nearEnd, _farEnd, .. _extra.Values];
        }
    }

    /// <summary>Starts a recording: creates the segment directory, <c>session.json</c> and both leg files.</summary>
    public static RecordingSession Create(RecordingOptions options, RecordingInfo info, TimeProvider timeProvider, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(timeProvider);
        RecordingPaths.ValidateRecordingId(info.RecordingId);
        return new RecordingSession(options, info, timeProvider, logger ?? NullLogger.Instance);
    }

    /// <summary>The call's metadata changed (re-INVITE/UPDATE, codec known at ACK): rewrites <c>session.json</c> atomically.</summary>
    public void UpdateInfo(RecordingInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.RecordingId != RecordingId)
        {
            throw new ArgumentException($"Recording id '{info.RecordingId}' does not match session '{RecordingId}'.", nameof(info));
        }

        lock (_stateLock)
        {
            if (_finalizing)
            {
                return;
            }

            _state = _state with { Info = info };
            SchedulePersist();
        }
    }

    /// <summary>
    /// The call has ended: its recording ends now (<see cref="FinalizeAsync"/>'s end time), however long its
    /// finalization then waits behind others (<see cref="FinalizeWorkers"/>). Idempotent: the first call counts.
    /// </summary>
    public void MarkEnded()
    {
        lock (_stateLock)
        {
            _endedAt ??= _timeProvider.GetUtcNow();
        }
    }

    /// <summary>Closes both legs, writes the aligned stereo recording and its manifest, and deletes the segments.</summary>
    /// <param name="status">How the call ended, as the caller judged it.</param>
    /// <param name="nearEnd">Near-end RTP counters, if known.</param>
    /// <param name="farEnd">Far-end RTP counters, if known.</param>
    /// <param name="flags">Caller's flags (<c>far-end-missing</c>, <c>media-timeout</c>, ...); <c>no-audio</c> and <c>write-failed</c> are added here.</param>
    /// <param name="cancellationToken">Cancels the merge; the segments then stay for recovery.</param>
    /// <param name="extraStats">Counters of channels 2 and on, by channel.</param>
    public async Task<FinalizedRecording> FinalizeAsync(
        RecordingStatus status,
        RtpLegStats? nearEnd,
        RtpLegStats? farEnd,
        IReadOnlyList<string> flags,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<int, RtpLegStats>? extraStats = null)
    {
        ArgumentNullException.ThrowIfNull(flags);
        SessionState state;
        Task persisting;
        DateTimeOffset endedAt;
        lock (_stateLock)
        {
            if (_finalizing)
            {
                throw new InvalidOperationException($"Recording {RecordingId} is already finalized.");
            }

            _finalizing = true;
            state = _state;
            persisting = _persisting;
            endedAt = _endedAt ?? _timeProvider.GetUtcNow();
        }

        // The finalizer deletes the segment directory: no session.json write may still be on its way into it. A write
        // still waiting is dropped (the finalizer has the state in hand).
        await _persistNow.CancelAsync();
        await persisting;

        var writers = Writers();
        foreach (var writer in writers)
        {
            writer.Close();
        }

        ForgetSegmentKey();

        var allFlags = new List<string>(flags);
        if (writers.Any(w => w.Failed))
        {
            allFlags.Add("write-failed");
        }

        return await SegmentFinalizer.FinalizeAsync(
            _options, _segmentDirectory, state, status, nearEnd, farEnd, allFlags, endedAt, _logger, cancellationToken, extraStats);
    }

    /// <summary>Closes the leg files without finalizing: the segments stay on disk for recovery.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var writer in Writers())
        {
            writer.Close();
        }

        ForgetSegmentKey();

        // Write what is pending now: the segments stay for recovery, which reads it.
        await _persistNow.CancelAsync();
        await StatePersisted;
    }

    /// <summary>
    /// Closes the leg files and deletes the segments: for a call that was never answered (every leg cancelled before
    /// our 200), which has nothing to record and must not be recovered later as an interrupted recording.
    /// </summary>
    public async ValueTask DiscardAsync()
    {
        lock (_stateLock)
        {
            _finalizing = true;
        }

        await DisposeAsync();
        try
        {
            Directory.Delete(_segmentDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }

    /// <summary>Forces both legs' segments to disk (see <see cref="LegSegmentWriter.SyncToDisk"/>).</summary>
    public void SyncToDisk()
    {
        foreach (var writer in Writers())
        {
            writer.SyncToDisk();
        }
    }

    /// <summary>
    /// Opens (<paramref name="paused"/>) or closes a pause of <paramref name="role"/>'s leg at <paramref name="at"/>;
    /// opening an open pause or closing none does nothing.
    /// </summary>
    public void MarkPause(LegRole role, bool paused, string reason, DateTimeOffset at, string? by = null) =>
        MarkPause(RecordingPause.LegName(role), paused, reason, at, by);

    /// <summary>As <see cref="MarkPause(LegRole, bool, string, DateTimeOffset, string?)"/> for a leg by its manifest name (a SIPREC stream's label).</summary>
    public void MarkPause(string leg, bool paused, string reason, DateTimeOffset at, string? by = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(leg);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        lock (_stateLock)
        {
            if (_finalizing)
            {
                return;
            }

            var pauses = _state.Pauses;
            var open = -1;
            for (var i = pauses.Count - 1; i >= 0; i--)
            {
                if (pauses[i].Leg == leg && pauses[i].Reason == reason)
                {
                    open = pauses[i].EndedAt is null ? i : -1;
                    break;
                }
            }

            if (paused == (open >= 0))
            {
                return;
            }

            var changed = new List<RecordingPause>(pauses);
            if (paused)
            {
                changed.Add(new RecordingPause { Leg = leg, Reason = reason, StartedAt = at, By = by });
            }
            else
            {
                changed[open] = changed[open] with { EndedAt = at };
            }

            _state = _state with { Pauses = changed };
            SchedulePersist();
        }
    }

    /// <summary>
    /// An operator's pause (PCI DSS) starts or ends on both legs: while it lasts the writers turn what they receive into
    /// silence of the same length (time never drops, so the legs stay aligned), and the manifest marks the interval.
    /// </summary>
    public void SetOperatorPause(bool paused, string by, DateTimeOffset at)
    {
        foreach (var writer in Writers())
        {
            writer.Muted = paused;
        }

        MarkPause(LegRole.NearEnd, paused, RecordingPause.OperatorReason, at, by);
        MarkPause(LegRole.FarEnd, paused, RecordingPause.OperatorReason, at, by);
    }

    /// <summary>A telephone event ended on channel <paramref name="channel"/>; masked here, before anything is written.</summary>
    internal void RecordTelephoneEvent(int channel, int eventCode, long sampleOffset, int durationMilliseconds)
    {
        var dtmf = new RecordingDtmf
        {
            Leg = LegNameOf(channel),
            Digit = _options.MaskDtmf ? null : RecordingDtmf.DigitOf(eventCode),
            Masked = _options.MaskDtmf,
            LegSampleOffset = sampleOffset,
            DurationMilliseconds = durationMilliseconds,
        };
        lock (_stateLock)
        {
            if (_finalizing)
            {
                return;
            }

            _state = _state with { Dtmf = [.. _state.Dtmf, dtmf] };
            SchedulePersist();
        }
    }

    /// <summary>Called once per leg by its sink, before its first sample: the leg's rate, persisted for the finalizer.</summary>
    internal void RecordSampleRate(int channel, int sampleRate)
    {
        lock (_stateLock)
        {
            if (_finalizing)
            {
                return;
            }

            _state = channel switch
            {
                0 => _state with { NearEndSampleRate = sampleRate },
                1 => _state with { FarEndSampleRate = sampleRate },
                _ => _state with { ExtraChannels = [.. _state.ExtraChannels.Select(c => c.Channel == channel ? c with { SampleRate = sampleRate } : c)] },
            };
            SchedulePersist();
        }
    }

    /// <summary>Called once per leg by its sink: converts the arrival timestamp to UTC and persists it.</summary>
    internal void RecordFirstPacket(int channel, long arrivalTimestamp)
    {
        var arrivedAt = _timeProvider.GetUtcNow() - _timeProvider.GetElapsedTime(arrivalTimestamp);
        lock (_stateLock)
        {
            if (_finalizing)
            {
                return;
            }

            _state = channel switch
            {
                0 => _state with { NearEndFirstPacketAt = arrivedAt },
                1 => _state with { FarEndFirstPacketAt = arrivedAt },
                _ => _state with { ExtraChannels = [.. _state.ExtraChannels.Select(c => c.Channel == channel ? c with { FirstPacketAt = arrivedAt } : c)] },
            };
            SchedulePersist();
        }
    }

    /// <summary>A channel's name in pauses and digits: <c>nearEnd</c>, <c>farEnd</c>, or a further stream's label.</summary>
    private string LegNameOf(int channel)
    {
        if (channel < 2)
        {
            return RecordingPause.LegName(channel == 0 ? LegRole.NearEnd : LegRole.FarEnd);
        }

        lock (_stateLock)
        {
            return _state.ExtraChannels.FirstOrDefault(c => c.Channel == channel)?.Label ?? channel.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Marks the state changed and starts a writer unless one runs. Called under <see cref="_stateLock"/>.</summary>
    private void SchedulePersist()
    {
        _persistPending = true;
        if (_persisting.IsCompleted)
        {
            _persisting = PersistSoonAsync();
        }
    }

    /// <summary>
    /// Waits <see cref="PersistDelay"/> (cut short by finalize or dispose), then writes the latest state until no change
    /// is pending; changes made meanwhile are taken by the next round.
    /// </summary>
    private async Task PersistSoonAsync()
    {
        try
        {
            await Task.Delay(PersistDelay, _timeProvider, _persistNow.Token);
        }
        catch (OperationCanceledException)
        {
            // Finalize (nothing to write) or dispose (write now).
        }

        // Off the caller's thread: the RTP receive thread and the SIP edge call SchedulePersist.
        await Task.Yield();
        while (true)
        {
            SessionState state;
            lock (_stateLock)
            {
                if (!_persistPending || _finalizing)
                {
                    return;
                }

                _persistPending = false;
                state = _state;
            }

            try
            {
                PersistState(state);
            }
            catch (IOException exception)
            {
                // The segments still hold the audio; recovery falls back to the state written at creation.
                RecordingLog.SessionStateWriteFailed(_logger, RecordingId, exception);
            }
        }
    }

    /// <summary>Every leg is closed (no journal can open any more): the finalizer unwraps the key again from the state.</summary>
    private void ForgetSegmentKey()
    {
        if (_segmentKey is { } key)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        }
    }

    private void PersistState(SessionState state) =>
        AtomicFile.WriteJson(Path.Combine(_segmentDirectory, RecordingPaths.SessionFileName), state, RecordingJsonContext.Default.SessionState,
            durable: false);
}
