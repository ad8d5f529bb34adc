using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>A catalog search: every filter is optional; <paramref name="Page"/> is 1-based.</summary>
/// <param name="From">Started at or after (inclusive).</param>
/// <param name="To">Started before (exclusive).</param>
/// <param name="Number">Exact near-end or far-end number.</param>
/// <param name="Device">Exact near-end or far-end device name.</param>
/// <param name="Status">Only recordings with this status.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Items per page (1 to <see cref="MaxPageSize"/>).</param>
internal sealed record RecordingQuery(
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Number,
    string? Device,
    RecordingStatus? Status,
    int Page = 1,
    int PageSize = 50)
{
    public const int MaxPageSize = 1000;
}
