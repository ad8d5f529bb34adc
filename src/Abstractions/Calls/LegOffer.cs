namespace OrleansRecorder.Abstractions.Calls;

/// <summary>A recording dialog (one leg) that the SIP edge is about to accept.</summary>
/// <param name="Role">Near end or far end.</param>
/// <param name="CallId">The leg's SIP Call-ID (unique per leg).</param>
/// <param name="Metadata">CUCM metadata from the leg's From URI.</param>
/// <param name="Node">The node whose SIP edge received the leg (where its media is).</param>
/// <param name="OfferedAt">When the INVITE arrived.</param>
[GenerateSerializer, Immutable, Alias("leg-offer")]
public sealed record LegOffer(
    [property: Id(0)] LegRole Role,
    [property: Id(1)] string CallId,
    [property: Id(2)] CucmMetadata Metadata,
    [property: Id(3)] string Node,
    [property: Id(4)] DateTimeOffset OfferedAt);
