using OrleansRecorder.Silo.Diagnostics;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (it can record: same rule as the SIP OPTIONS answer).</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" })).WithName("Live").WithTags("Health");
        routes.MapGet("/health/ready", Ready).WithName("Ready").WithTags("Health");
        return routes;
    }

    private static IResult Ready(NodeHealth health) => health.GetProblem() is { } problem
        ? TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: problem)
        : TypedResults.Ok(new { status = "ready" });
}
