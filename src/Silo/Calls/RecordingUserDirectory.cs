using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Calls;

/// <summary>
/// The recording users managed through the API (<c>/api/users</c>): the numbers and devices of every enabled user are
/// allowed to be recorded, beside <c>Recorder:Users:Numbers</c>. Read from the cluster database every
/// <see cref="RefreshPeriod"/>, so the SIP edge never waits on the database and every node converges within seconds.
/// </summary>
internal sealed class RecordingUserDirectory(ISecurityStore store, TimeProvider timeProvider, ILogger<RecordingUserDirectory> logger)
    : BackgroundService
{
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(5);
    private volatile HashSet<string> _allowed = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The near end's DN (<c>x-nearendaddr</c>, else the From user) or device belongs to an enabled user.</summary>
    public bool IsAuthorized(CucmMetadata metadata, string? fromUser)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var allowed = _allowed;
        return Allowed(allowed, metadata.NearEndAddress) || Allowed(allowed, fromUser) || Allowed(allowed, metadata.NearEndDevice);
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var users = await store.ListUsersAsync(cancellationToken);
        _allowed = new HashSet<string>(
            users.Where(u => !u.Disabled).SelectMany(u => u.Numbers.Concat(u.Devices)).Select(v => v.Trim()),
            StringComparer.OrdinalIgnoreCase);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshPeriod, timeProvider);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Keep the last known list; the next period retries.
                    CallLog.RecordingUsersRefreshFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Host stopping.
        }
    }

    private static bool Allowed(HashSet<string> allowed, string? value) => !string.IsNullOrEmpty(value) && allowed.Contains(value);
}
