using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Storage;

/// <summary>
/// Finalizes the copies of another node's calls in progress (<see cref="FileLiveCopyStore"/>) once Orleans declares
/// that node dead: each becomes an <c>interrupted</c> recording of this node, through the same recovery and finalizer
/// as a node's own crashed calls, then is catalogued and replicated like any other. When the dead node returns and
/// recovers the same call from its own segments, the catalog keeps the longer of the two copies
/// (<see cref="CatalogIndexer"/>), by the same id, and replication makes every store hold that one.
/// </summary>
/// <remarks>
/// A copy is taken over when the silo that sent it (address and generation) is dead in the membership, or is not in it
/// at all and the copy has not changed for <see cref="UnknownSourceAfter"/> (the membership table forgets long-dead silos;
/// a silo that has just joined may not be in this node's view yet, hence the wait).
/// </remarks>
internal sealed class LiveCopyTakeover(
    FileLiveCopyStore store,
    RecordingOptions recording,
    ReplicationOptions options,
    CatalogIndexer catalog,
    IClusterMembershipService membership,
    TimeProvider time,
    ILogger<LiveCopyTakeover> logger) : BackgroundService
{
    /// <summary>The flags of a recording finalized from a copy after its node died.</summary>
    public static readonly IReadOnlyList<string> Flags = ["interrupted", "node-death"];

    public static readonly TimeSpan UnknownSourceAfter = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            // Takeovers a killed process left: their node was dead already.
            foreach (var directory in store.Unfinished())
            {
                await FinalizeAsync(directory, Path.GetFileName(directory), "(unknown)", stoppingToken);
            }

            using var timer = new PeriodicTimer(options.LiveSegmentInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await TakeOverDeadAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LiveCopyLog.RoundFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Host stopping: copies not yet taken over are taken at the next start (their node is still dead then).
        }
    }

    /// <summary>Finalizes every copy whose node is dead. Internal for tests.</summary>
    internal async Task TakeOverDeadAsync(CancellationToken ct)
    {
        var copies = store.List();
        if (copies.Count == 0)
        {
            return;
        }

        var members = membership.CurrentSnapshot.Members;
        foreach (var copy in copies)
        {
            ct.ThrowIfCancellationRequested();
            if (!IsDead(members, copy) || store.Claim(copy.RecordingId) is not { } directory)
            {
                continue;
            }

            await FinalizeAsync(directory, copy.RecordingId, copy.SourceNode, ct);
        }
    }

    private bool IsDead(IReadOnlyDictionary<SiloAddress, ClusterMember> members, LiveCopy copy)
    {
        SiloAddress address;
        try
        {
            address = SiloAddress.FromParsableString(copy.SourceSilo);
        }
        catch (FormatException)
        {
            return Unchanged(copy);
        }

        return members.TryGetValue(address, out var member) ? member.Status == SiloStatus.Dead : Unchanged(copy);
    }

    private bool Unchanged(LiveCopy copy)
    {
        var directory = new DirectoryInfo(Path.Combine(store.CopiesRoot, copy.RecordingId));
        var last = directory.Exists ? directory.EnumerateFiles().Select(f => f.LastWriteTimeUtc).DefaultIfEmpty(directory.LastWriteTimeUtc).Max() : DateTime.MinValue;
        return time.GetUtcNow().UtcDateTime - last >= UnknownSourceAfter;
    }

    private async Task FinalizeAsync(string directory, string recordingId, string sourceNode, CancellationToken ct)
    {
        var finalized = await RecordingRecovery.FinalizeDirectoryAsync(recording, directory, Flags, time, logger, ct);
        if (finalized is null)
        {
            return;
        }

        LiveCopyLog.TookOver(logger, recordingId, sourceNode, finalized.Manifest.DurationSeconds);
        await catalog.AddAsync(finalized, ct);
    }
}
