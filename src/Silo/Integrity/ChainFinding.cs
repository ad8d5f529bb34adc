namespace OrleansRecorder.Silo.Integrity;

/// <summary>One thing wrong with a chain: which entry (for a removal, the one after the gap) and what.</summary>
internal sealed record ChainFinding(ChainFindingKind Kind, string Name, string Detail)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}: {Name}: {Detail}";
}
