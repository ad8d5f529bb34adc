using System.Diagnostics.Metrics;
using OrleansRecorder.Silo.Diagnostics;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// <c>recorder.catalog.queries</c> by <c>query</c> (<c>search</c>, <c>replicas</c>): round trips a listing costs, so a
/// change that reads the replicas per recording again shows at once. Static: the catalog is built before the container.
/// </summary>
internal static class CatalogMetrics
{
    private static readonly Meter Meter = new(RecorderMetrics.MeterName);
    private static readonly Counter<long> Queries = Meter.CreateCounter<long>(
        "recorder.catalog.queries", "{query}", "Catalog reads of the recordings listing, by what they read");

    public static void Queried(string query) => Queries.Add(1, new KeyValuePair<string, object?>("query", query));
}
