using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Licensing;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/api/calls/active</c> and <c>/api/license</c> for this node.</summary>
internal static class NodeEndpoints
{
    public static RouteGroupBuilder MapNodeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/calls/active", ActiveCallsAsync).WithName("ActiveCalls").WithTags("Calls").RequireAuthorization(RecorderPolicies.Recordings);
        api.MapGet("/license", License).WithName("License").WithTags("Node").RequireAuthorization(RecorderPolicies.Operations);
        return api;
    }

    private static async Task<Ok<ActiveCallDto[]>> ActiveCallsAsync(
        CallRegistry registry, RecordingAccess access, System.Security.Claims.ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        // Supervisors and users see only the calls of their scope.
        var scope = await access.ScopeAsync(principal, cancellationToken);
        return TypedResults.Ok(ActiveCalls(registry).Where(c => scope is null
            || scope.Allows(c.NearEnd.Number, c.NearEnd.Device, c.FarEnd.Number, c.FarEnd.Device)).ToArray());
    }

    private static ActiveCallDto[] ActiveCalls(CallRegistry registry) => registry.Recordings
        .Select(r => new ActiveCallDto(
            r.RecordingId,
            r.Info.StartedAt,
            new PartyDto(r.Info.Metadata.NearEndAddress, r.Info.Metadata.NearEndDevice),
            new PartyDto(r.Info.Metadata.FarEndAddress, r.Info.Metadata.FarEndDevice),
            r.Info.Metadata.RefCi,
            r.Info.RecordedBy,
            [.. r.Legs.Select(l => l.Role.ToString())]))
        .ToArray();

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
            state.Reason));
    }
}
