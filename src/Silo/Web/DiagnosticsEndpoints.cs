using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Media.Rtp;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Silo.Sip;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// <c>GET /api/diagnostics[?collect=true]</c>: this node's SIP and RTP counters, process memory (with
/// <c>collect=true</c>, also the heap retained after a full garbage collection) and catalog backlog, for operators and
/// fault tests. Admin only: the figures describe the node, not recordings, and <c>collect=true</c> pauses the node.
/// </summary>
/// <remarks>
/// A forced collection asked for within <see cref="Configuration.DiagnosticsOptions.ForcedCollectionInterval"/> of the
/// last one is answered 429 with <c>Retry-After</c>, not with the counters and a null retained heap: a caller that
/// asked for the retained heap and silently got none would compare a stale or missing figure (the flood test's leak
/// check would), while 429 is what scripts and HTTP clients already know to back off from.
/// </remarks>
internal static class DiagnosticsEndpoints
{
    public static RouteGroupBuilder MapDiagnosticsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/diagnostics", Get).WithName("Diagnostics").WithTags("Node").RequireAuthorization(RecorderPolicies.Admin);
        return api;
    }

    private static Results<Ok<DiagnosticsDto>, ProblemHttpResult> Get(SipStack sip, RtpPortAllocator ports, CatalogIndexer catalog,
        ForcedCollectionGate gate, HttpContext http, IServiceProvider services, bool? collect)
    {
        if (collect == true && !gate.TryEnter(out var retryAfter))
        {
            var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                $"A forced garbage collection ran less than the configured interval ago; the next is allowed in {seconds} s. "
                + "Ask without collect=true for the counters.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Forced collection rate-limited");
        }

        var settings = services.GetRequiredService<Calls.RecorderSettings>();
        return Build(sip, ports, catalog, services, collect,
            Media.Codecs.CodecAvailability.Describe(settings.OfferedCodecs, settings.OfferedCodecsLeftOut));
    }

    private static Ok<DiagnosticsDto> Build(SipStack sip, RtpPortAllocator ports, CatalogIndexer catalog, IServiceProvider services, bool? collect,
        Media.Codecs.CodecAvailability codecs)
    {
        long? retained = null;
        if (collect == true)
        {
            // Twice, with the finalizers in between, so objects kept alive only by a finalizer are gone too.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            retained = GC.GetTotalMemory(forceFullCollection: false);
        }

        var counters = sip.Counters;
        var index = catalog.Status;
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
            GC.GetTotalMemory(forceFullCollection: false),
            retained,
            index.Pending,
            index.UnreachableSince,
            services.GetService<RtpReceiveEngine>() is { } engine ? ReceiveCounters(engine) : null,
            GcFigures(process, services.GetService<BackgroundCollectorKeepAlive>()),
            new JitDto(System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds),
            ThreadPoolDto.Now(),
            services.GetService<Recording.SegmentSync>() is { } sync ? new SegmentSyncDto(sync.FileSystemRounds, sync.PerLegRounds) : null,
            codecs,
            services.GetService<RuntimeStallMonitor>()?.Snapshot()));
    }

    private static GcDto GcFigures(System.Diagnostics.Process process, BackgroundCollectorKeepAlive? keepAlive)
    {
        var paused = GC.GetTotalPauseDuration();
        var alive = DateTime.Now - process.StartTime;
        return new GcDto(
            System.Runtime.GCSettings.IsServerGC,
            System.Runtime.GCSettings.LatencyMode != System.Runtime.GCLatencyMode.Batch,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            paused.TotalMilliseconds,
            alive > TimeSpan.Zero ? 100 * paused / alive : 0,
            GC.GetTotalAllocatedBytes(),
            keepAlive is { Active: true } ? keepAlive.Started : null);
    }

    private static RtpReceiveDto ReceiveCounters(RtpReceiveEngine engine)
    {
        var (datagrams, receiveCalls, wakeUps, errors) = engine.Counters;
        return new RtpReceiveDto(engine.Threads, engine.Count, datagrams, receiveCalls, wakeUps, errors);
    }
}
