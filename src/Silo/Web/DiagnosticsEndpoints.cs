using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Sip;

namespace OrleansRecorder.Silo.Web;

/// <summary><c>GET /api/diagnostics</c>: this node's SIP and RTP counters and process memory, for operators and fault tests.</summary>
internal static class DiagnosticsEndpoints
{
    public static RouteGroupBuilder MapDiagnosticsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/diagnostics", Get).WithName("Diagnostics").WithTags("Node");
        return api;
    }

    private static Ok<DiagnosticsDto> Get(SipStack sip, RtpPortAllocator ports)
    {
        var counters = sip.Counters;
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return TypedResults.Ok(new DiagnosticsDto(
            counters.MessagesReceived,
            counters.ParseErrors,
            counters.Dropped,
            counters.Throttled,
            counters.HandlerErrors,
            counters.ActiveTransactions,
            ports.InUseCount,
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false)));
    }
}
