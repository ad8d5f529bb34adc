using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Diagnostics;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (it can record: same rule as the SIP OPTIONS
/// answer). A cluster database that does not answer leaves the node ready, with a warning in the body: recording needs
/// no database (files on disk, legs paired by the call grains in memory, the catalog filled in when the database is
/// back), and the backup shares the same database, so sending CUCM there would gain nothing (RELIABILITY.md).
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" })).WithName("Live").WithTags("Health");
        routes.MapGet("/health/ready", Ready).WithName("Ready").WithTags("Health");
        return routes;
    }

    private static IResult Ready(NodeHealth health, CatalogIndexer catalog)
    {
        if (health.GetProblem() is { } problem)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: problem);
        }

        return catalog.Status.Warning is { } warning
            ? TypedResults.Ok(new { status = "ready", warning })
            : TypedResults.Ok(new { status = "ready" });
    }
}
