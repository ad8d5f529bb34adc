using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Calls;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// <c>/api/calls/{id}</c>: one call in progress anywhere in the cluster, and an operator's pause, resume or stop of its
/// recording from any node (through the call grain to the node that records it). A call the caller may not see is a
/// 404, the same as one that does not exist.
/// </summary>
internal static class CallEndpoints
{
    public const string PauseAction = "call-pause";
    public const string ResumeAction = "call-resume";
    public const string StopAction = "call-stop";

    /// <summary>How long a control waits for the recording node through the call grain.</summary>
    private static readonly TimeSpan ControlTimeout = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapCallsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/calls/{id}").WithTags("Calls");
        group.MapGet("/", GetAsync).WithName("GetCall").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapPost("/pause", (string id, HttpContext http, CancellationToken ct) => ControlAsync(id, CallControl.Pause, http, ct))
            .WithName("PauseCall").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapPost("/resume", (string id, HttpContext http, CancellationToken ct) => ControlAsync(id, CallControl.Resume, http, ct))
            .WithName("ResumeCall").RequireAuthorization(RecorderPolicies.Recordings);
        group.MapPost("/stop", (string id, HttpContext http, CancellationToken ct) => ControlAsync(id, CallControl.Stop, http, ct))
            .WithName("StopCall").RequireAuthorization(RecorderPolicies.Recordings);
        return api;
    }

    private static async Task<Results<Ok<ActiveCallDto>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal principal, LocalCalls local, IGrainFactory grains, RecordingAccess access, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var call = await FindAsync(id, principal, local, grains, access, cancellationToken);
        return call is null ? NotFound(id) : TypedResults.Ok(ActiveCallDto.Of(call, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<ActiveCallDto>, ProblemHttpResult>> ControlAsync(
        string id, CallControl action, HttpContext http, CancellationToken cancellationToken)
    {
        var services = http.RequestServices;
        var local = services.GetRequiredService<LocalCalls>();
        var grains = services.GetRequiredService<IGrainFactory>();
        var call = await FindAsync(id, http.User, local, grains, services.GetRequiredService<RecordingAccess>(), cancellationToken);
        if (call is null || call.State == LiveCallState.Ended)
        {
            return NotFound(id);
        }

        var by = http.User.Identity?.Name ?? "api";
        LiveCall? done;
        try
        {
            done = call.Node == services.GetRequiredService<RecorderSettings>().NodeName
                ? await local.ControlAsync(id, action, by)
                : await grains.GetGrain<ICallGrain>(id).ControlAsync(action, by).WaitAsync(ControlTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or SiloUnavailableException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Recording node unreachable",
                detail: $"Node '{call.Node}' that records call '{id}' did not answer.");
        }

        if (done is null)
        {
            return NotFound(id);
        }

        await services.GetRequiredService<AuditLog>().WriteAsync(http, action switch
        {
            CallControl.Pause => PauseAction,
            CallControl.Resume => ResumeAction,
            _ => StopAction,
        }, id, $"{call.Metadata.NearEndAddress} ↔ {call.Metadata.FarEndAddress} on {call.Node}");
        return TypedResults.Ok(ActiveCallDto.Of(done, services.GetRequiredService<TimeProvider>().GetUtcNow()));
    }

    /// <summary>The call as this node records it, else as its grain last heard; null when unknown or not visible to the caller.</summary>
    private static async Task<LiveCall?> FindAsync(
        string id, ClaimsPrincipal principal, LocalCalls local, IGrainFactory grains, RecordingAccess access, CancellationToken cancellationToken)
    {
        var call = local.Active().FirstOrDefault(c => c.RecordingId == id);
        if (call is null)
        {
            try
            {
                call = await grains.GetGrain<ICallGrain>(id).GetAsync().WaitAsync(ControlTimeout, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException or SiloUnavailableException)
            {
                return null;
            }
        }

        if (call is null)
        {
            return null;
        }

        var scope = await access.ScopeAsync(principal, cancellationToken);
        var m = call.Metadata;
        return scope is null || scope.Allows(m.NearEndAddress, m.NearEndDevice, m.FarEndAddress, m.FarEndDevice) ? call : null;
    }

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Call not found", detail: $"No call in progress with id '{id}'.");
}
