namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// A recording's start and end at the catalog's resolution (Unix milliseconds, the SQLite catalog's columns).
/// </summary>
/// <remarks>
/// The catalog sorts and pages by the stored milliseconds while the REST API shows the manifest's times: with a finer
/// manifest, two calls set up within one millisecond were listed in id order yet showed start times in the other
/// order. Cutting the manifest's times to the millisecond when it is written makes what is sorted what is shown.
/// </remarks>
internal static class CatalogTime
{
    public static DateTimeOffset Truncate(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds()).ToOffset(time.Offset);
}
