using Microsoft.Extensions.Options;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Diagnostics;
using OrleansRecorder.Silo.Licensing;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>
/// Looks at this node's alarm conditions every <see cref="WebhookOptions.AlarmCheckInterval"/> and publishes each
/// change as an <c>alarm</c> event: <c>disk</c> (data directory not writable or full: the node refuses calls),
/// <c>licence</c> (invalid or expired: no channels), <c>cluster-database</c> (the catalog does not answer; recordings
/// wait on disk). Each node watches only itself, so each alarm has one sender.
/// </summary>
/// <remarks>Reads state the health answer already keeps (<see cref="NodeHealth"/>, <see cref="LicenseMonitor"/>, <see cref="CatalogIndexer"/>); nothing on the call path changes.</remarks>
internal sealed class AlarmWatcher(
    NodeHealth health,
    LicenseMonitor license,
    CatalogIndexer catalog,
    IWebhookPublisher publisher,
    IOptions<WebhookOptions> options,
    TimeProvider timeProvider) : BackgroundService
{
    private readonly AlarmState _state = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(options.Value.AlarmCheckInterval, timeProvider);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var (alarm, raised) in _state.Update(Current()))
                {
                    publisher.Alarm(alarm, raised);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private List<NodeAlarm> Current()
    {
        var alarms = new List<NodeAlarm>();
        // Before the join and while draining the node refuses calls on purpose: only the disk is an alarm.
        if (health.IsJoined && !health.IsDraining && health.GetProblem() is { } disk)
        {
            alarms.Add(new NodeAlarm("disk", "critical", disk));
        }

        var state = license.Current;
        if (state.Kind == LicenseKind.Invalid)
        {
            alarms.Add(new NodeAlarm("licence", "critical", state.Reason ?? "licence invalid"));
        }

        var index = catalog.Status;
        if (index.UnreachableSince is not null)
        {
            alarms.Add(new NodeAlarm("cluster-database", "major", index.Warning ?? "cluster database unreachable"));
        }

        return alarms;
    }
}
