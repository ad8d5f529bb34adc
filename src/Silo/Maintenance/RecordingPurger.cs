using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>
/// The purge: deletes recordings that started more than the retention period ago from this node's store (audio and
/// manifest) and from the catalog, and leaves preserved ones alone. Idempotent: a file already gone is not an error.
/// </summary>
/// <remarks>
/// Files go first, then the catalog row, so a failure part-way leaves a row that the next run retries rather than a
/// file nobody knows about.
/// With a <see cref="RecordingRemover"/> (the silo always has one) the recording leaves every store and gets a tombstone,
/// so a node that is down during the purge drops its copy when it returns; without one (unit tests of the selection)
/// only this node's files and the catalog row go.
/// </remarks>
internal sealed class RecordingPurger(
    IRecordingCatalog catalog, RecordingOptions recording, ILogger<RecordingPurger> logger, RecordingRemover? remover = null)
{
    private const int PageSize = 500;

    public async Task<JobOutcome> PurgeAsync(MaintenanceSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - TimeSpan.FromDays(settings.RetentionDays);
        int done = 0, preserved = 0, errors = 0;
        string? firstError = null;
        DateTimeOffset? afterStartedAt = null;
        string? afterId = null;
        while (true)
        {
            var page = await catalog.ListStartedBeforeAsync(cutoff, afterStartedAt, afterId, PageSize, ct);
            foreach (var entry in page)
            {
                var manifest = entry.Manifest;
                (afterStartedAt, afterId) = (manifest.StartedAt, manifest.Id);
                if (entry.Preserved)
                {
                    preserved++;
                    continue;
                }

                try
                {
                    if (remover is not null)
                    {
                        await remover.RemoveAsync(manifest, "purge", ct);
                    }
                    else
                    {
                        DeleteLocalFiles(manifest);
                        await catalog.DeleteAsync(manifest.Id, ct);
                    }

                    done++;
                    MaintenanceJobLog.Purged(logger, manifest.Id, manifest.StartedAt);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
                {
                    errors++;
                    firstError ??= $"{manifest.Id}: {e.Message}";
                    MaintenanceJobLog.PurgeFailed(logger, manifest.Id, e);
                }
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        return errors == 0
            ? new JobOutcome(MaintenanceResult.Succeeded, done, preserved, 0, null)
            : new JobOutcome(MaintenanceResult.Failed, done, preserved, errors,
                $"{errors} recording(s) could not be deleted and stay for the next run; first: {firstError}");
    }

    private void DeleteLocalFiles(RecordingManifest manifest)
    {
        RecordingPaths.ValidateRecordingId(manifest.Id);
        var directory = RecordingPaths.RecordingDirectory(recording, manifest.StartedAt);
        if (!Directory.Exists(directory))
        {
            return;
        }

        File.Delete(Path.Combine(directory, manifest.Id + "." + RecordingExporter.Extension(manifest)));
        File.Delete(Path.Combine(directory, manifest.Id + ".json"));
        if (!Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory); // the day is empty; parents stay (cheap, and another write may be coming)
        }
    }
}
