using OrleansRecorder.Abstractions.Cluster;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Sip;

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
    ClusterView cluster,
    TimeProvider timeProvider,
    ILogger<SipEdgeService> logger) : IHostedService
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
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        health.MarkDraining();
        await coordinator.FinalizeAllAsync("node-stopped", cancellationToken);
        await sip.DisposeAsync();
    }

    [LoggerMessage(6001, LogLevel.Critical, "Node {NodeName} refuses to start: configured as primary while {Others} is the active primary")]
    private static partial void SecondPrimary(ILogger logger, string nodeName, string others);

    [LoggerMessage(6000, LogLevel.Information, "Node {NodeName} ({Role}) records: SIP UDP {UdpPort}, TCP {TcpPort}, advertised {Address}")]
    private static partial void Started(ILogger logger, string nodeName, string role, int udpPort, int tcpPort, string address);
}
