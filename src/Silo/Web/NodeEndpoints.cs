using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Licensing;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>/api/calls/active</c> and <c>/api/license</c> for this node.</summary>
internal static class NodeEndpoints
{
    public static RouteGroupBuilder MapNodeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/calls/active", ActiveCalls).WithName("ActiveCalls").WithTags("Calls");
        api.MapGet("/license", License).WithName("License").WithTags("Node");
        return api;
    }

    private static Ok<ActiveCallDto[]> ActiveCalls(CallRegistry registry) => TypedResults.Ok(registry.Recordings
        .Select(r => new ActiveCallDto(
            r.RecordingId,
            r.Info.StartedAt,
            new PartyDto(r.Info.Metadata.NearEndAddress, r.Info.Metadata.NearEndDevice),
            new PartyDto(r.Info.Metadata.FarEndAddress, r.Info.Metadata.FarEndDevice),
            r.Info.Metadata.RefCi,
            r.Info.RecordedBy,
            [.. r.Legs.Select(l => l.Role.ToString())]))
        .ToArray());

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
