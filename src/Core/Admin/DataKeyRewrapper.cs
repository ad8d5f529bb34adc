using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Encryption;

namespace OrleansRecorder.Silo.Admin;

/// <summary>
/// KEK rotation: every data key wrapped by the old KEK is unwrapped and wrapped again by the new one, in the catalog
/// only. The audio is never read or rewritten (envelope encryption), so rotating a store of any size costs one small
/// update per recording. Idempotent and safe to interrupt: a key already moved (or erased meanwhile) is left alone.
/// </summary>
internal sealed class DataKeyRewrapper(IRecordingCatalog catalog, IKeyEncryptionKey from, IKeyEncryptionKey to)
{
    private const int PageSize = 500;

    public async Task<RewrapReport> RunAsync(IProgress<long> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var report = new RewrapReport();
        var ring = new KeyRing([from, to], to.Id);
        string? after = null;
        while (true)
        {
            var page = await catalog.ListDataKeysAsync(after, PageSize, cancellationToken);
            foreach (var (id, key) in page)
            {
                report.Read++;
                if (!string.Equals(key.KekId, from.Id, StringComparison.Ordinal))
                {
                    report.OtherKek++;
                }
                else
                {
                    try
                    {
                        var next = ring.Rewrap(key);
                        if (await catalog.ReplaceDataKeyAsync(id, from.Id, next, cancellationToken))
                        {
                            report.Rewrapped++;
                        }
                        else
                        {
                            report.OtherKek++;
                        }
                    }
                    catch (KeyUnavailableException e)
                    {
                        report.Failed.Add((id, e.Message));
                    }
                }

                progress.Report(report.Read);
            }

            if (page.Count < PageSize)
            {
                return report;
            }

            after = page[^1].Id;
        }
    }
}
