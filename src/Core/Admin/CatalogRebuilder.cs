using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Admin;

/// <summary>
/// Rebuilds the catalog from the manifests of one store ("the catalog can always be rebuilt from the manifests of any
/// store", ARCHITECTURE.md): every valid manifest whose audio is present with the manifest's size is added, unless its
/// recording was deleted (tombstoned). Recordings already in the catalog are left as they are.
/// </summary>
/// <remarks>
/// Streams the store's listing and works in batches of <see cref="BatchSize"/> valid manifests, so memory stays flat
/// whatever the store's size and the tombstone check is one query per batch. Safe to run again (or after an
/// interruption): a second run adds nothing new. Not safe to run while a node deletes recordings: a recording deleted
/// between the tombstone check and the add would come back (stop the purge, or run it again afterwards).
/// </remarks>
internal sealed class CatalogRebuilder(IRecordingCatalog catalog)
{
    public const int BatchSize = 256;

    public async Task<RebuildReport> RunAsync(IStoreReader store, IProgress<long> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(progress);
        var report = new RebuildReport();
        var batch = new List<RecordingManifest>(BatchSize);
        await foreach (var file in store.ListManifestsAsync(cancellationToken))
        {
            report.Read++;
            var (manifest, key, problem) = await ManifestCheck.ReadAsync(store, file, cancellationToken);
            if (manifest is not null && key is not null)
            {
                var audioSize = await store.GetSizeAsync(key.AudioName, cancellationToken);
                problem = audioSize switch
                {
                    null => $"audio {key.AudioName} is missing",
                    { } size when size != manifest.SizeBytes => $"audio {key.AudioName} has {size} bytes, the manifest says {manifest.SizeBytes}",
                    _ => null,
                };
            }

            if (problem is not null)
            {
                report.Invalid.Add((file.Name, problem));
            }
            else
            {
                batch.Add(manifest!);
                if (batch.Count == BatchSize)
                {
                    await AddBatchAsync(batch, report, cancellationToken);
                }
            }

            progress.Report(report.Read);
        }

        await AddBatchAsync(batch, report, cancellationToken);
        return report;
    }

    private async Task AddBatchAsync(List<RecordingManifest> batch, RebuildReport report, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var tombstoned = await catalog.GetTombstonedAsync(batch.Select(m => m.Id).Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        foreach (var manifest in batch)
        {
            if (tombstoned.Contains(manifest.Id))
            {
                report.SkippedTombstoned++;
            }
            else if (await catalog.GetAsync(manifest.Id, cancellationToken) is not null)
            {
                report.AlreadyPresent++;
            }
            else
            {
                await catalog.AddAsync(manifest, cancellationToken);
                report.Added++;
            }
        }

        batch.Clear();
    }
}
