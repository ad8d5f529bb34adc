namespace OrleansRecorder.Abstractions.Cluster;

/// <summary>One node's view of itself, as <c>GET /api/cluster</c> shows it.</summary>
[GenerateSerializer, Immutable, Alias("node-status")]
public sealed record NodeStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] string Role,
    [property: Id(2)] string Status,
    [property: Id(3)] string Sip,
    [property: Id(4)] int ActiveCalls,
    [property: Id(5)] int LicensedChannels,
    [property: Id(6)] long FreeBytes,
    [property: Id(7)] long ReplicationBacklog,
    [property: Id(8)] string? Problem,
    [property: Id(9)] NodeCertificateStatus? SipCertificate = null);
