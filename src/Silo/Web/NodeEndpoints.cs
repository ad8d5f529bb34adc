using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Licensing;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/api/calls/active</c> (every node's calls) and <c>/api/license</c> (this node's).</summary>
internal static class NodeEndpoints
{
    public static RouteGroupBuilder MapNodeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/calls/active", ActiveCallsAsync).WithName("ActiveCalls").WithTags("Calls").RequireAuthorization(RecorderPolicies.Recordings);
        api.MapGet("/license", License).WithName("License").WithTags("Node").RequireAuthorization(RecorderPolicies.Operations);
        return api;
    }

    private static async Task<Ok<ActiveCallDto[]>> ActiveCallsAsync(
        ClusterCalls calls, RecordingAccess access, TimeProvider time, System.Security.Claims.ClaimsPrincipal principal,
        CancellationToken cancellationToken)
    {
        // Supervisors and users see only the calls of their scope.
        var scope = await access.ScopeAsync(principal, cancellationToken);
        var now = time.GetUtcNow();
        return TypedResults.Ok((await calls.ActiveAsync(cancellationToken))
            .Select(c => ActiveCallDto.Of(c, now))
            .Where(c => scope is null || scope.Allows(c.NearEnd.Number, c.NearEnd.Device, c.FarEnd.Number, c.FarEnd.Device))
            .ToArray());
    }

    private static Ok<LicenseDto> License(RecorderSettings settings, CallRegistry registry, LicenseMonitor license)
    {
        var state = license.Current;
        return TypedResults.Ok(new LicenseDto(
            settings.NodeName,
            settings.NodeRole,
            state.Kind.ToString().ToLowerInvariant(),
            state.Channels,
            registry.ActiveRecordings,
            state.License?.LicenseId,
            state.License?.Customer,
            state.ExpiresAt,
            state.Reason,
            settings.CallCapacity));
    }
}
