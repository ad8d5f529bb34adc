namespace OrleansRecorder.Silo.Cluster;

/// <summary>The choice behind <see cref="PrimaryNodePlacementDirector"/>: pure, deterministic, testable without a cluster.</summary>
internal static class PrimaryNodeSelector
{
    /// <summary>
    /// The silo with role <c>primary</c> (lowest address), else one with role <c>backup</c> or with no role known yet
    /// (lowest address), else any (lowest address). Null roles come from a silo metadata cache that has not fetched
    /// that silo yet: such a silo counts as a backup, so a primary that is already known still wins and the choice
    /// never depends on timing beyond that.
    /// </summary>
    /// <param name="candidates">Active, compatible silos (at least one).</param>
    /// <param name="roleOf">The silo's <c>recorder.role</c>, or null when unknown.</param>
    public static SiloAddress Choose(IReadOnlyCollection<SiloAddress> candidates, Func<SiloAddress, string?> roleOf)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(roleOf);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("There is no candidate silo.", nameof(candidates));
        }

        return candidates
            .OrderBy(silo => Rank(roleOf(silo)))
            .ThenBy(silo => silo)
            .First();
    }

    private static int Rank(string? role) => role switch
    {
        _ when string.Equals(role, RecorderSiloMetadata.Primary, StringComparison.OrdinalIgnoreCase) => 0,
        null or "" => 1,
        _ when string.Equals(role, RecorderSiloMetadata.Backup, StringComparison.OrdinalIgnoreCase) => 1,
        _ => 2,
    };
}
