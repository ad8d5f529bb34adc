using System.Data.Common;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// Every <see cref="Configuration.SigningOptions.CheckpointInterval"/>, appends this node's recording-chain head to the
/// audit log when it moved (<see cref="ChainCheckpoints"/>): <c>verify</c> then sees the newest recordings removed,
/// up to those sealed since the last checkpoint. A database that is down only delays it to the next tick.
/// </summary>
internal sealed class ChainCheckpointService(
    ManifestSealer sealer,
    ISecurityStore store,
    TimeSpan interval,
    TimeProvider time,
    ILogger<ChainCheckpointService> logger) : BackgroundService
{
    private long _checkpointed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Host stopping.
        }
    }

    /// <summary>Appends the head when it moved since the last checkpoint; true when one was written. Internal for tests.</summary>
    internal async Task<bool> CheckpointAsync(CancellationToken ct)
    {
        ChainState head;
        try
        {
            head = await sealer.HeadAsync(ct);
            if (head.Seq == 0 || head.Seq == _checkpointed)
            {
                return false;
            }

            await store.AppendAuditAsync(
                new AuditEntry(0, time.GetUtcNow(), "system", null, ChainCheckpoints.Action, sealer.Key.KeyId, ChainCheckpoints.Details(head)), ct);
        }
        catch (Exception ex) when (ex is DbException or IOException or InvalidDataException or InvalidOperationException or System.Text.Json.JsonException)
        {
            IntegrityLog.CheckpointFailed(logger, sealer.Key.KeyId, ex.Message);
            return false;
        }

        _checkpointed = head.Seq;
        IntegrityLog.Checkpointed(logger, sealer.Key.KeyId, head.Seq);
        return true;
    }
}
