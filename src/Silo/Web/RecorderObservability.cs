using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Security;
using Scalar.AspNetCore;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// OpenAPI (<c>/openapi/v1.json</c>), the Scalar API reference (<c>/api/docs</c>), Prometheus metrics (<c>/metrics</c>:
/// meters <c>OrleansRecorder</c> and <c>Microsoft.Orleans</c>) and the Orleans Dashboard (<c>/dashboard</c>, admins only).
/// </summary>
internal static class RecorderObservability
{
    public const string OrleansMeter = "Microsoft.Orleans";

    public static IServiceCollection AddRecorderObservability(this IServiceCollection services)
    {
        services.AddOpenApi();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RecorderMetrics.MeterName, OrleansMeter)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>The Orleans Dashboard's grains and telemetry on the silo (inside <c>UseOrleans</c>).</summary>
    public static ISiloBuilder AddRecorderDashboard(this ISiloBuilder silo) => silo.AddDashboard();

    /// <summary>Call after <c>UseRecorderWeb</c> (the dashboard needs authentication).</summary>
    public static WebApplication MapRecorderObservability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi();
        app.MapScalarApiReference("/api/docs");
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOrleansDashboard("/dashboard").RequireAuthorization(RecorderPolicies.Admin);
        return app;
    }
}
