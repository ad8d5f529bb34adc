using OrleansRecorder.Abstractions.Cluster;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Licensing;
using OrleansRecorder.Silo.Sip.Transport;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Silo.Cluster;

/// <summary>This node's status for the cluster view: role, SIP health, channel use, free disk, TLS certificate.</summary>
/// <remarks><paramref name="certificate"/> is null when TLS is off (<c>Recorder:Sip:TlsPort</c> negative).</remarks>
internal sealed class NodeStatusProvider(
    RecorderSettings settings, NodeHealth health, CallRegistry registry, LicenseMonitor license, IReplicationQueue replication,
    TimeProvider timeProvider, NodeCertificate? certificate = null) : INodeStatusProvider
{
    public NodeStatus GetStatus()
    {
        var problem = health.GetProblem();
        var status = health.IsDraining ? "draining" : !health.IsJoined ? "joining" : problem is null ? "healthy" : "unavailable";
        long freeBytes;
        try
        {
            freeBytes = new DriveInfo(settings.Recording.DataDirectory).AvailableFreeSpace;
        }
        catch (IOException)
        {
            freeBytes = -1;
        }

        return new NodeStatus(
            settings.NodeName,
            settings.NodeRole,
            status,
            problem is null ? "200 OK" : "503 Service Unavailable",
            registry.ActiveRecordings,
            license.Channels,
            freeBytes,
            ReplicationBacklog: replication.Backlog,
            problem ?? license.Problem,
            certificate?.Describe(timeProvider.GetUtcNow()));
    }
}
