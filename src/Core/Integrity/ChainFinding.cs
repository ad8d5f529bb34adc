namespace OrleansRecorder.Silo.Integrity;

/// <summary>One thing wrong with a chain: which entry (for a removal, the one after the gap) and what.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Name">The entry it happened to; for a removal, the one after the gap.</param>
/// <param name="Detail">Said for a person.</param>
/// <param name="MissingId">For the removal of exactly one entry that its successor names: that entry's id.</param>
internal sealed record ChainFinding(ChainFindingKind Kind, string Name, string Detail, string? MissingId = null)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}: {Name}: {Detail}";
}
