using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// The recordings of one CUCM call: CUCM ends the recording dialogs on hold and on some transfers and opens new ones
/// for the same call on resume (PROTOCOL.md §1.7), so one call can give several recordings. They share the near-end
/// cluster id and refci (<see cref="CallKey"/>); a recording joins the group of the latest recording with its key that
/// ended at most <see cref="RecordingGroupRules.Window"/> before it started, else it starts a group whose id is its own.
/// </summary>
/// <remarks>The catalog assigns the group in the same statement as the insert, one writer at a time
/// (<see cref="CatalogDialect.BeginWriteAsync"/>), so two parts indexed at once on two nodes cannot start two groups.</remarks>
internal static class RecordingGroups
{
    /// <summary>
    /// Run after the insert, in its transaction: a group that starts after the recording just added and within the
    /// window of its end joins the recording's group (a part indexed late, e.g. by a rebuild or a node's catch-up, so the
    /// group id stays its first part's id). Parameters: <c>id</c>, <c>call_key</c>, <c>started_at</c>, <c>group_latest</c>
    /// (the recording's end plus the window); the prefix is the provider's parameter marker.
    /// </summary>
    public static string AdoptLaterGroupsSql(string prefix) => $"""
        UPDATE Recordings SET group_id = (SELECT m.group_id FROM Recordings m WHERE m.id = {prefix}id)
        WHERE group_id IN (SELECT f.id FROM Recordings f
                           WHERE {prefix}call_key IS NOT NULL AND f.call_key = {prefix}call_key AND f.group_id = f.id
                             AND f.id <> {prefix}id AND f.started_at >= {prefix}started_at AND f.started_at <= {prefix}group_latest)
          AND group_id <> (SELECT m.group_id FROM Recordings m WHERE m.id = {prefix}id)
        """;

    /// <summary>The default <see cref="RecordingGroupRules.Window"/>: 4 hours.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(4);

    /// <summary>
    /// <c>cucm/{cluster}/{refci}</c> in lower case, as <see cref="CallKeys.ForMetadata"/> pairs legs; null without a
    /// refci (a plain SIP client): such a recording is a group of one.
    /// </summary>
    public static string? CallKey(RecordingManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var refci = manifest.RefCi ?? manifest.Cucm?.RefCi;
        if (string.IsNullOrWhiteSpace(refci))
        {
            return null;
        }

        return CallKeys.ForMetadata(new CucmMetadata { RefCi = refci, NearEndClusterId = manifest.Cucm?.NearEndClusterId }, callId: string.Empty);
    }

    /// <summary>Where each recording of <paramref name="groups"/> sits in its group (1-based part, count).</summary>
    public static IReadOnlyDictionary<string, RecordingGroupPosition> Positions(IEnumerable<RecordingGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var positions = new Dictionary<string, RecordingGroupPosition>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            for (var i = 0; i < group.Parts.Count; i++)
            {
                positions[group.Parts[i].Id] = new RecordingGroupPosition(group.GroupId, i + 1, group.Parts.Count);
            }
        }

        return positions;
    }

    /// <summary>Builds groups from (group id, manifest) rows ordered by group id, then start, then id.</summary>
    internal static IReadOnlyList<RecordingGroup> FromOrderedRows(IEnumerable<(string GroupId, RecordingManifest Manifest)> rows)
    {
        var groups = new List<RecordingGroup>();
        string? current = null;
        List<RecordingManifest>? parts = null;
        foreach (var (groupId, manifest) in rows)
        {
            if (groupId != current || parts is null)
            {
                parts = [];
                current = groupId;
                groups.Add(new RecordingGroup(groupId, parts));
            }

            parts.Add(manifest);
        }

        return groups;
    }
}

/// <summary>How the catalog groups recordings (setting <c>Recorder:Recording:GroupWindow</c>).</summary>
/// <param name="Window">The longest time between a part's end and the next part's start.</param>
internal sealed record RecordingGroupRules(TimeSpan Window)
{
    public static RecordingGroupRules Default { get; } = new(RecordingGroups.DefaultWindow);
}

/// <summary>A recording's place in its group.</summary>
/// <param name="GroupId">The id of the group's first recording.</param>
/// <param name="Part">1-based, in start order.</param>
/// <param name="Parts">How many recordings the group has.</param>
internal sealed record RecordingGroupPosition(string GroupId, int Part, int Parts);

/// <summary>The recordings of one call in start order.</summary>
internal sealed record RecordingGroup(string GroupId, IReadOnlyList<RecordingManifest> Parts);
