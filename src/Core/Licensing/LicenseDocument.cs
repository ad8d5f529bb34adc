namespace OrleansRecorder.Silo.Licensing;

/// <summary>
/// The signed licence payload: which node may record, in which role, how many concurrent calls, until when.
/// The file format is described on <see cref="LicenseEnvelope"/>.
/// </summary>
internal sealed record LicenseDocument
{
    /// <summary>Unique id of this licence (the tool writes a GUID).</summary>
    public required string LicenseId { get; init; }

    /// <summary>Who the licence was issued to; informational.</summary>
    public string? Customer { get; init; }

    /// <summary>The node (silo) name the licence is for, compared case-insensitively with <c>Recorder:Node:Name</c>.</summary>
    public required string Node { get; init; }

    /// <summary><c>primary</c> or <c>backup</c>: a node is licensed for the role it plays.</summary>
    public required string Role { get; init; }

    /// <summary>Concurrent recorded calls allowed on the node.</summary>
    public required int Channels { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>The licence stops being valid at this instant.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
