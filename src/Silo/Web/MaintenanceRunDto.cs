using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Web;

/// <summary>One maintenance run in the REST API: <c>job</c> is <c>purge</c> or <c>export</c>, <c>result</c> is
/// <c>succeeded</c>, <c>failed</c> or <c>skipped</c>.</summary>
internal sealed record MaintenanceRunDto(
    string Job,
    string Node,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string Result,
    int Done,
    int Skipped,
    int Errors,
    string? Message)
{
    public static MaintenanceRunDto From(MaintenanceRun run) => new(
        MaintenanceKeys.NameOf(run.Job),
        run.Node,
        run.StartedAt,
        run.EndedAt,
        run.Result.ToString().ToLowerInvariant(),
        run.Done,
        run.Skipped,
        run.Errors,
        run.Message);
}
