using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls.Reporting;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Media;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// Ends legs and finalizes recordings: stops the RTP receivers, closes the session into a WAV and manifest, indexes it
/// in the catalog (or leaves it pending on disk while the database is down, <see cref="CatalogIndexer"/>) and tells the
/// call grain. Shared by the SIP transaction user (BYE, CANCEL), the media watchdog
/// (inactivity) and shutdown.
/// </summary>
internal sealed class RecordingCoordinator(
    CallRegistry registry,
    CallGrainReporter reporter,
    CatalogIndexer catalog,
    RtpPortAllocator ports,
    RecorderMetrics metrics,
    ILogger<RecordingCoordinator> logger,
    IWebhookPublisher webhooks,
    FinalizeWorkers finalizers)
{
    /// <summary>
    /// Where the finalizations (merge, Opus encoding, hash) run, a few at once and behind new calls' set-up: a burst of
    /// hang-ups queues there instead of taking every core from the RTP receive threads and the SIP edge. The legs'
    /// ports are back in the pool before this wait.
    /// </summary>
    public FinalizeWorkers Finalizers => finalizers;

    /// <summary>A call's recording was opened (its first leg accepted): reported to the webhooks, queued, never awaited.</summary>
    public void Started(ActiveRecording recording) => webhooks.CallStarted(recording.Info);

    /// <summary>Ends one leg (idempotent); finalizes its recording when it was the last open leg.</summary>
    public async Task EndLegAsync(CallLeg leg, string? flag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leg);
        await leg.Gate.WaitAsync(cancellationToken);
        try
        {
            if (leg.Ended)
            {
                return;
            }

            leg.Ended = true;
            leg.EndFlag = flag;
        }
        finally
        {
            leg.Gate.Release();
        }

        await leg.Receiver.StopAsync();
        ReleasePort(leg);
        registry.RemoveLeg(leg);
        CallLog.LegEnded(logger, leg.CallId, leg.Role, flag ?? "bye");

        // The local legs decide when the recording is complete; the grain only mirrors it.
        reporter.Changed(leg.Recording);

        if (leg.Recording.TryBeginFinalize())
        {
            await FinalizeAsync(leg.Recording, extraFlag: null, interrupted: false, cancellationToken);
        }
    }

    /// <summary>Finalizes every active recording now (graceful shutdown): open legs are cut and flagged.</summary>
    public async Task FinalizeAllAsync(string flag, CancellationToken cancellationToken)
    {
        foreach (var recording in registry.Recordings)
        {
            if (recording.TryBeginFinalize(force: true))
            {
                foreach (var leg in recording.Legs)
                {
                    leg.Ended = true;
                    leg.EndFlag ??= flag;
                    await leg.Receiver.StopAsync();
                    ReleasePort(leg);
                    registry.RemoveLeg(leg);
                }

                await FinalizeAsync(recording, flag, interrupted: false, cancellationToken);
            }
        }
    }

    private async Task FinalizeAsync(ActiveRecording recording, string? extraFlag, bool interrupted, CancellationToken cancellationToken)
    {
        // A leg counts as ended as soon as its BYE is taken, before its receiver has read what the socket still held
        // and written it: the other leg's BYE can begin the finalization in between. Its stats and its segment are
        // read below, so every receiver's stop (idempotent: the one in progress) is awaited first. Without this, at
        // 1,600 calls the last packets of a few legs were received but missing from their recording.
        var legs = recording.Legs;
        foreach (var leg in legs)
        {
            await leg.Receiver.StopAsync();
        }

        // The recording ends when its call did, not when a busy node's finalizer gets to it.
        recording.Session.MarkEnded();
        if (legs.Count > 0 && legs.All(l => l.EndFlag == "cancelled"))
        {
            // RFC 3261 §9.2: every leg was cancelled before our 200: CUCM never had a recording session, so there is no
            // recording to list (an answered call always is, even without audio).
            await DiscardAsync(recording);
            return;
        }

        var near = legs.FirstOrDefault(l => l.Channel == 0);
        var far = legs.FirstOrDefault(l => l.Channel == 1);
        var flags = new List<string>();
        AddLegFlags(flags, near, "near-end");
        if (far is not null || recording.Info.Siprec is not { Channels: 1 })
        {
            // A SIPREC session of one mixed stream has no far end to miss.
            AddLegFlags(flags, far, "far-end");
        }

        // A SIPREC session's further streams: each one's flags under its label (stream-3-no-audio).
        var extraStats = new Dictionary<int, RtpLegStats>();
        foreach (var extra in legs.Where(l => l.Channel >= 2).OrderBy(l => l.Channel))
        {
            AddLegFlags(flags, extra, "stream-" + extra.PauseLeg);
            extraStats[extra.Channel] = extra.Receiver.GetStats();
        }

        foreach (var flag in recording.Info.Siprec?.Flags ?? [])
        {
            if (!flags.Contains(flag))
            {
                flags.Add(flag);
            }
        }
        if (extraFlag is not null && !flags.Contains(extraFlag))
        {
            flags.Add(extraFlag);
        }

        registry.ReleaseChannel(recording);
        var status = interrupted ? RecordingStatus.Interrupted
            : flags.Count == 0 ? RecordingStatus.Complete
            : RecordingStatus.Partial;
        webhooks.CallEnded(recording.Info, WebhookPublisher.StatusName(status.ToString()));
        try
        {
            // Finalized and indexed behind new calls' set-up: nobody waits for either.
            var (nearStats, farStats) = (near?.Receiver.GetStats(), far?.Receiver.GetStats());
            var finalized = await finalizers.RunAsync(async () =>
            {
                var done = await recording.Session.FinalizeAsync(status, nearStats, farStats, flags, cancellationToken, extraStats);

                // A database outage must not cost the recording: left pending, it is indexed when the database answers.
                await catalog.AddAsync(done, cancellationToken);
                return done;
            }, cancellationToken);
            metrics.RecordingFinalized(finalized.Manifest.SizeBytes);
            CallLog.RecordingFinalized(logger, recording.RecordingId, status, finalized.Manifest.DurationSeconds, finalized.AudioPath);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The segments stay on disk: the next start finalizes them as interrupted, so nothing is lost.
            CallLog.RecordingFinalizeFailed(logger, recording.RecordingId, ex);
        }
        finally
        {
            foreach (var leg in legs)
            {
                // Normally released when the leg stopped; this covers a leg that never went through a stop.
                ReleasePort(leg);
            }

            registry.Remove(recording);
            metrics.CallEnded();
            await recording.Session.DisposeAsync();
        }

        reporter.Ended(recording, status);
    }

    private async Task DiscardAsync(ActiveRecording recording)
    {
        registry.ReleaseChannel(recording);
        foreach (var leg in recording.Legs)
        {
            ReleasePort(leg);
        }

        try
        {
            await recording.Session.DiscardAsync();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The segments stay; the next start finalizes them as interrupted: a stray entry rather than a lost one.
            CallLog.RecordingFinalizeFailed(logger, recording.RecordingId, ex);
        }
        finally
        {
            registry.Remove(recording);
            metrics.CallEnded();
        }

        CallLog.RecordingDiscarded(logger, recording.RecordingId);
        webhooks.CallEnded(recording.Info, "cancelled");
        reporter.Ended(recording, RecordingStatus.Partial);
    }

    /// <summary>Gives the leg's RTP port back to the pool, once however many paths stop the leg.</summary>
    public void ReleasePort(CallLeg leg)
    {
        ArgumentNullException.ThrowIfNull(leg);
        if (leg.TryReleasePort())
        {
            ports.Release(leg.RtpPort);
        }
    }

    /// <summary>
    /// The call changed (a leg came or ended, metadata, hold): its grain hears of it asynchronously; this returns at once
    /// and never fails (see <see cref="CallGrainReporter"/>).
    /// </summary>
    public void ReportChanged(ActiveRecording recording) => reporter.Changed(recording);

    /// <summary>
    /// The leg's flags: <c>{name}-no-audio</c> with the reason beside it (<see cref="NoAudioReason"/>), so no answered
    /// leg is ever an empty file with nothing saying why; each such leg is also counted by reason.
    /// </summary>
    private void AddLegFlags(List<string> flags, CallLeg? leg, string name)
    {
        if (leg is null)
        {
            flags.Add($"{name}-missing");
            return;
        }

        string? reason = null;
        if (!leg.Receiver.HasReceivedAudio)
        {
            flags.Add($"{name}-no-audio");
            reason = NoAudioReason(leg.EndFlag, leg.Receiver.GetStats());
            metrics.LegWithoutAudio(reason);
        }

        if (leg.EndFlag is { } flag)
        {
            flags.Add($"{name}-{flag}");
        }

        if (reason is not null && reason != leg.EndFlag)
        {
            flags.Add($"{name}-{reason}");
        }
    }

    /// <summary>
    /// Why a leg we answered recorded nothing: <c>no-ack</c> (the dialog was never confirmed), <c>wrong-source</c> (RTP
    /// came, all of it from a source the leg's rule refused: the address is the stats' <c>refusedSource</c>),
    /// <c>no-media</c> (no datagram at all) or <c>unusable-media</c> (datagrams came but none could be played:
    /// malformed, unknown payload type).
    /// </summary>
    internal static string NoAudioReason(string? endFlag, RtpLegStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return endFlag == "no-ack" ? "no-ack"
            : stats.PacketsWrongSource > 0 ? "wrong-source"
            : stats.PacketsReceived == 0 ? "no-media"
            : "unusable-media";
    }
}
