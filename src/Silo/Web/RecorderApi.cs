namespace OrleansRecorder.Silo.Web;

/// <summary>
/// The REST API under <c>/api</c>: a signed-in user (cookie) or <c>X-Api-Key</c>; each route asks for its roles
/// (<see cref="Security.RecorderPolicies"/>). Needs <c>AddRecorderSecurity</c> and <c>UseAuthentication</c>/<c>UseAuthorization</c>.
/// </summary>
internal static class RecorderApi
{
    public static RouteGroupBuilder MapRecorderApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").RequireAuthorization(Security.RecorderPolicies.Authenticated);
        api.MapAuthApi();
        api.MapRecordingsApi();
        api.MapRecordingControlsApi();
        api.MapUsersApi();
        api.MapAuditApi();
        api.MapNodeApi();
        api.MapCallsApi();
        api.MapClusterApi();
        api.MapMaintenanceApi();
        api.MapDiagnosticsApi();
        api.MapWebhooksApi();
        api.MapSigningKeysApi();
        api.MapStatsApi();
        return api;
    }
}
