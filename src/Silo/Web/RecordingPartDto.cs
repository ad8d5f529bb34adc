using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Web;

/// <summary>One recording of a call (<see cref="Catalog.RecordingGroups"/>), as the group listing shows it.</summary>
/// <param name="Id">The recording.</param>
/// <param name="Part">1-based, in start order.</param>
/// <param name="StartedAt">Start of the recording.</param>
/// <param name="EndedAt">End of the recording.</param>
/// <param name="DurationSeconds">Length of its audio.</param>
/// <param name="Status">complete, partial or interrupted.</param>
/// <param name="Format">wav or opus.</param>
/// <param name="GapBeforeSeconds">Time between the previous part's end and this part's start (agent hold, transfer); null for the first part.</param>
/// <param name="Pauses">Holds inside this part.</param>
internal sealed record RecordingPartDto(
    string Id,
    int Part,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    double DurationSeconds,
    string Status,
    string Format,
    double? GapBeforeSeconds,
    IReadOnlyList<RecordingPause> Pauses)
{
    /// <summary>The parts of a group in order, with the gaps between them.</summary>
    public static IReadOnlyList<RecordingPartDto> FromParts(IReadOnlyList<RecordingManifest> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var result = new List<RecordingPartDto>(parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            var m = parts[i];
            double? gap = i == 0 ? null : Math.Round(Math.Max(0, (m.StartedAt - parts[i - 1].EndedAt).TotalSeconds), 3);
            result.Add(new RecordingPartDto(m.Id, i + 1, m.StartedAt, m.EndedAt, m.DurationSeconds,
                m.Status.ToString().ToLowerInvariant(), m.Format, gap, m.Pauses));
        }

        return result;
    }
}
