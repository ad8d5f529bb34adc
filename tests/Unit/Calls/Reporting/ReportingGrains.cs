using System.Reflection;
using OrleansRecorder.Abstractions.Calls;

namespace OrleansRecorder.Tests.Unit.Calls.Reporting;

/// <summary>
/// A grain factory whose call grains take every report at once and remember it, in the order received: the reporter's
/// side of the cluster without a silo. Anything else asked of it throws.
/// </summary>
internal sealed class ReportingGrains
{
    private readonly Lock _lock = new();
    private readonly List<LiveCall> _reports = [];

    public ReportingGrains()
    {
        var factory = DispatchProxy.Create<IGrainFactory, FactoryProxy>();
        ((FactoryProxy)(object)factory).Owner = this;
        Factory = factory;
    }

    public IGrainFactory Factory { get; }

    public IReadOnlyList<LiveCall> Reports
    {
        get
        {
            lock (_lock)
            {
                return [.. _reports];
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> reports have arrived (the reporter sends off the caller's thread).</summary>
    public async Task WaitForReportsAsync(int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (Reports.Count < count)
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    private void Add(LiveCall report)
    {
        lock (_lock)
        {
            _reports.Add(report);
        }
    }

    /// <summary>The factory: <c>GetGrain&lt;ICallGrain&gt;(id)</c> and nothing else.</summary>
    public class FactoryProxy : DispatchProxy
    {
        internal ReportingGrains Owner { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true }
                && targetMethod.GetGenericArguments()[0] == typeof(ICallGrain))
            {
                var grain = DispatchProxy.Create<ICallGrain, CallGrainProxy>();
                ((CallGrainProxy)(object)grain).Owner = Owner;
                return grain;
            }

            throw new NotSupportedException(targetMethod?.ToString());
        }
    }

    /// <summary>A call grain: <c>ReportAsync</c> is remembered, anything else throws.</summary>
    public class CallGrainProxy : DispatchProxy
    {
        internal ReportingGrains Owner { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(ICallGrain.ReportAsync) && args is [LiveCall report])
            {
                Owner.Add(report);
                return Task.CompletedTask;
            }

            throw new NotSupportedException(targetMethod?.ToString());
        }
    }
}
