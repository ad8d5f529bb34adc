namespace OrleansRecorder.Silo.Web;

/// <summary>The admin REST API under <c>/api</c>, behind the API key.</summary>
internal static class RecorderApi
{
    public static RouteGroupBuilder MapRecorderApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").AddEndpointFilter<ApiKeyFilter>();
        api.MapRecordingsApi();
        api.MapNodeApi();
        api.MapClusterApi();
        api.MapMaintenanceApi();
        api.MapDiagnosticsApi();
        return api;
    }
}
