namespace OrleansRecorder.Silo.Siprec;

/// <summary>
/// The streams in channel order (first = left, caller) and how they were tied to participants:
/// <see cref="ByMetadata"/> (label → stream → sender) or <see cref="ByOrder"/> (m-line order, when the metadata is
/// missing or contradicts itself).
/// </summary>
internal sealed record SiprecStreamMap(IReadOnlyList<SiprecChannel> Channels, string Mapping)
{
    public const string ByMetadata = "metadata";
    public const string ByOrder = "order";
}
