using OrleansRecorder.Abstractions.Cluster;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Sip;
using OrleansRecorder.Silo.Sip.Transport;

namespace OrleansRecorder.Silo.Hosting;

/// <summary>
/// Brings the SIP edge up after the silo has joined, and down first on shutdown. Start: finalize the recordings a
/// previous run left interrupted, open SIP on UDP and TCP, report joined. Stop: report draining (new INVITEs and
/// OPTIONS get 503, so CUCM moves to the backup), finalize the calls in progress, close SIP.
/// </summary>
/// <remarks>Registered after <c>UseOrleans</c>, so the host starts it after the silo and stops it before.</remarks>
internal sealed partial class SipEdgeService(
    SipStack sip,
    RecorderSettings settings,
    NodeHealth health,
    CatalogIndexer catalog,
    RecordingCoordinator coordinator,
    CallRegistry registry,
    RecorderUserAgent userAgent,
    ClusterView cluster,
    TimeProvider timeProvider,
    ILogger<SipEdgeService> logger,
    NodeCertificate? certificate = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var recovered = await RecordingRecovery.FinalizeInterruptedAsync(settings.Recording, timeProvider, logger, cancellationToken);
        foreach (var recording in recovered)
        {
            await catalog.AddAsync(recording, cancellationToken);
            CallLog.RecoveredInterrupted(logger, recording.RecordingId);
        }

        // At most one primary: CUCM's route list sends every call to the primary trunk first (ARCHITECTURE.md).
        if (settings.NodeRole == NodeMetadata.Primary
            && await cluster.OtherPrimariesAsync(settings.NodeName, cancellationToken) is { Count: > 0 } others)
        {
            SecondPrimary(logger, settings.NodeName, string.Join(", ", others));
            throw new InvalidOperationException(
                $"Node {settings.NodeName} is configured as primary but {string.Join(", ", others)} is already the active primary; configure it as backup (Recorder__Node__Role=backup).");
        }

        await sip.StartAsync(cancellationToken);
        health.MarkJoined();
        Started(logger, settings.NodeName, settings.NodeRole, sip.UdpPort, sip.TcpPort, settings.AdvertisedAddress.ToString());
        WarnAboutCertificate();
        var codecs = Media.Codecs.CodecAvailability.Describe(settings.OfferedCodecs, settings.OfferedCodecsLeftOut);
        CodecsAvailable(logger, string.Join(", ", codecs.Decoded), string.Join(", ", codecs.Offered));
        foreach (var reason in codecs.Unavailable.Concat(codecs.NotOffered))
        {
            CodecUnavailable(logger, reason);
        }
    }

    /// <summary>A self-signed certificate just made, or one within 30 days of expiry: a warning at start (the page flags it too).</summary>
    private void WarnAboutCertificate()
    {
        if (certificate is null)
        {
            return;
        }

        var status = certificate.Describe(timeProvider.GetUtcNow());
        if (certificate.Created)
        {
            SelfSignedCreated(logger, status.Subject, status.Sha256, Path.Combine(settings.Recording.DataDirectory, NodeCertificate.SelfSignedDirectory));
        }

        if (status.ExpiresSoon)
        {
            CertificateExpiresSoon(logger, status.Subject, status.Sha256, status.NotAfter);
        }
    }

    /// <remarks>
    /// The drain: new INVITEs and OPTIONS get 503 at once (CUCM's route list moves to the backup); calls in progress go
    /// on for at most <see cref="RecorderSettings.DrainTimeout"/>; those still up then get our BYE (Reason: Q.850 cause
    /// 41) and every recording is finalized, flagged <c>node-stopped</c>, before SIP closes.
    /// </remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        health.MarkDraining();
        var started = timeProvider.GetTimestamp();
        var calls = registry.Legs.Count;
        if (calls > 0)
        {
            Draining(logger, calls, settings.DrainTimeout.TotalSeconds);
        }

        while (registry.Legs.Count > 0 && timeProvider.GetElapsedTime(started) < settings.DrainTimeout
               && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(DrainPoll, timeProvider, CancellationToken.None);
        }

        var hangUps = registry.Legs.Where(l => !l.Ended).Select(l => userAgent.HangUpAsync(l, "node-stopped")).ToArray();
        if (hangUps.Length > 0)
        {
            HangingUp(logger, hangUps.Length);

            // The BYEs' transactions can take 64·T1 unanswered: wait a little for CUCM's 200s, not for that.
            await Task.WhenAny(Task.WhenAll(hangUps), Task.Delay(ByeWait, timeProvider, CancellationToken.None));
        }

        await coordinator.FinalizeAllAsync("node-stopped", CancellationToken.None);
        await sip.DisposeAsync();
    }

    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan ByeWait = TimeSpan.FromSeconds(3);

    [LoggerMessage(6002, LogLevel.Warning, "Draining: {Calls} legs in progress may go on for {Seconds} s; new calls get 503")]
    private static partial void Draining(ILogger logger, int calls, double seconds);

    [LoggerMessage(6003, LogLevel.Warning, "Drain period over: sending BYE on {Legs} legs still up")]
    private static partial void HangingUp(ILogger logger, int legs);

    [LoggerMessage(6001, LogLevel.Critical, "Node {NodeName} refuses to start: configured as primary while {Others} is the active primary")]
    private static partial void SecondPrimary(ILogger logger, string nodeName, string others);

    [LoggerMessage(6000, LogLevel.Information, "Node {NodeName} ({Role}) records: SIP UDP {UdpPort}, TCP {TcpPort}, advertised {Address}")]
    private static partial void Started(ILogger logger, string nodeName, string role, int udpPort, int tcpPort, string address);

    [LoggerMessage(6004, LogLevel.Warning, "No TLS certificate configured (Recorder:Sip:Tls:CertificateFile): made a self-signed one, {Subject} SHA-256 {Fingerprint}, in {Directory}; import it into CUCM's CallManager-trust, or configure a CA-issued certificate")]
    private static partial void SelfSignedCreated(ILogger logger, string subject, string fingerprint, string directory);

    [LoggerMessage(6005, LogLevel.Warning, "The SIP TLS certificate {Subject} (SHA-256 {Fingerprint}) expires on {NotAfter:u}: renew it and re-import it into CUCM before then")]
    private static partial void CertificateExpiresSoon(ILogger logger, string subject, string fingerprint, DateTimeOffset notAfter);
    [LoggerMessage(6006, LogLevel.Information, "Codecs decoded: {Decoded}; offered in delayed offer: {Offered}")]
    private static partial void CodecsAvailable(ILogger logger, string decoded, string offered);

    [LoggerMessage(6007, LogLevel.Warning, "Codec not available: {Reason}")]
    private static partial void CodecUnavailable(ILogger logger, string reason);
}
