using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Abstractions.Maintenance;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/api/maintenance</c>: settings and last runs of purge and export, and running a job now.</summary>
internal static class MaintenanceEndpoints
{
    public static RouteGroupBuilder MapMaintenanceApi(this RouteGroupBuilder api)
    {
        api.MapGet("/maintenance", GetAsync).WithName("GetMaintenance").WithTags("Maintenance");
        api.MapPut("/maintenance", PutAsync).WithName("UpdateMaintenance").WithTags("Maintenance");
        api.MapPost("/maintenance/{job}/run", RunAsync).WithName("RunMaintenanceJob").WithTags("Maintenance");
        return api;
    }

    private static async Task<Ok<MaintenanceStateDto>> GetAsync(IGrainFactory grains) =>
        TypedResults.Ok(MaintenanceStateDto.From(await Grain(grains).GetStateAsync()));

    private static async Task<Results<Ok<MaintenanceStateDto>, ValidationProblem>> PutAsync(MaintenanceSettingsDto body, IGrainFactory grains)
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

        return TypedResults.Ok(MaintenanceStateDto.From(update.State!));
    }

    private static async Task<Results<Ok<MaintenanceRunDto>, ProblemHttpResult>> RunAsync(string job, IGrainFactory grains)
    {
        if (!MaintenanceKeys.TryParse(job, out var maintenanceJob))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown maintenance job",
                detail: $"There is no job '{job}' (purge, export).");
        }

        return TypedResults.Ok(MaintenanceRunDto.From(await Grain(grains).RunNowAsync(maintenanceJob)));
    }

    private static IMaintenanceGrain Grain(IGrainFactory grains) => grains.GetGrain<IMaintenanceGrain>(MaintenanceKeys.Grain);
}
