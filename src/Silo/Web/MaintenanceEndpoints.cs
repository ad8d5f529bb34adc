using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/api/maintenance</c>: settings and last runs of purge and export, and running a job now.</summary>
internal static class MaintenanceEndpoints
{
    public static RouteGroupBuilder MapMaintenanceApi(this RouteGroupBuilder api)
    {
        api.MapGet("/maintenance", GetAsync).WithName("GetMaintenance").WithTags("Maintenance").RequireAuthorization(RecorderPolicies.Operations);
        api.MapGet("/maintenance/history", HistoryAsync).WithName("GetMaintenanceHistory").WithTags("Maintenance").RequireAuthorization(RecorderPolicies.Operations);
        api.MapPut("/maintenance", PutAsync).WithName("UpdateMaintenance").WithTags("Maintenance").RequireAuthorization(RecorderPolicies.Admin);
        api.MapPost("/maintenance/{job}/run", RunAsync).WithName("RunMaintenanceJob").WithTags("Maintenance").RequireAuthorization(RecorderPolicies.Admin);
        return api;
    }

    private static async Task<Ok<MaintenanceStateDto>> GetAsync(IGrainFactory grains) =>
        TypedResults.Ok(MaintenanceStateDto.From(await Grain(grains).GetStateAsync()));

    private static async Task<Ok<MaintenanceRunDto[]>> HistoryAsync(IRecordingCatalog catalog, int? limit, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(limit ?? 20, 1, 200);
        var purge = await catalog.GetMaintenanceRunsAsync(MaintenanceJob.Purge, take, cancellationToken);
        var export = await catalog.GetMaintenanceRunsAsync(MaintenanceJob.Export, take, cancellationToken);
        return TypedResults.Ok(purge.Concat(export).OrderByDescending(r => r.StartedAt).Take(take).Select(MaintenanceRunDto.From).ToArray());
    }

    private static async Task<Results<Ok<MaintenanceStateDto>, ValidationProblem>> PutAsync(
        MaintenanceSettingsDto body, IGrainFactory grains, HttpContext http, AuditLog audit)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.ToSettings(errors) is not { } settings)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid maintenance settings");
        }

        var update = await Grain(grains).UpdateSettingsAsync(settings);
        if (!update.Accepted)
        {
            return TypedResults.ValidationProblem(
                update.Errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal),
                title: "Invalid maintenance settings");
        }

        await audit.WriteAsync(http, AuditActions.Setting, "maintenance",
            $"retentionDays={settings.RetentionDays}; exportFolder={settings.ExportFolder}; fileNamePattern={settings.FileNamePattern}; purgePeriod={settings.PurgePeriod}; exportPeriod={settings.ExportPeriod}");
        return TypedResults.Ok(MaintenanceStateDto.From(update.State!));
    }

    private static async Task<Results<Ok<MaintenanceRunDto>, ProblemHttpResult>> RunAsync(string job, IGrainFactory grains, HttpContext http, AuditLog audit)
    {
        if (!MaintenanceKeys.TryParse(job, out var maintenanceJob))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown maintenance job",
                detail: $"There is no job '{job}' (purge, export).");
        }

        var run = await Grain(grains).RunNowAsync(maintenanceJob);
        await audit.WriteAsync(http, AuditActions.MaintenanceRun, job, $"result={run.Result}; done={run.Done}; errors={run.Errors}");
        return TypedResults.Ok(MaintenanceRunDto.From(run));
    }

    private static IMaintenanceGrain Grain(IGrainFactory grains) => grains.GetGrain<IMaintenanceGrain>(MaintenanceKeys.Grain);
}
