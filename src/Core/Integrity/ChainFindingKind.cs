namespace OrleansRecorder.Silo.Integrity;

/// <summary>What happened to a chain, as <c>verify</c> reports it.</summary>
internal enum ChainFindingKind
{
    Changed,
    Removed,
    Reordered,
    Inserted,
}
