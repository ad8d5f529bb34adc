using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Silo.Calls.Reporting;

/// <summary>
/// Registers <see cref="CallGrainReporter"/> with its <c>Recorder:Calls</c> options, and the node's calls as the
/// cluster reads and controls them (<see cref="LocalCalls"/>, <see cref="ClusterCalls"/>).
/// </summary>
internal static class CallReportingServiceCollectionExtensions
{
    public static IServiceCollection AddRecorderCallReporting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(CallReportOptions.SectionName).Get<CallReportOptions>() ?? new CallReportOptions();
        services.AddSingleton(options);
        services.AddSingleton<CallReportMetrics>();
        services.AddSingleton<CallGrainReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<CallGrainReporter>());
        services.AddSingleton<LocalCalls>();
        services.AddSingleton<ILocalCalls>(sp => sp.GetRequiredService<LocalCalls>());
        services.AddSingleton<ClusterCalls>();
        return services;
    }
}
