using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Admin;

/// <summary>
/// Checks the audit log's chain (docs/TAMPER_EVIDENCE.md) with the public keys: every entry's hash and signature, and
/// the links between them. Entries written before the chain began (migration 5) are counted, not checked; an
/// unchained entry after the chain began is an insertion.
/// </summary>
internal static class AuditVerifier
{
    public static async Task RunAsync(DbSecurityStore store, SigningKeySet keys, VerifyReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(report);
        var rows = await store.ListAuditChainAsync(cancellationToken);
        var first = 0;
        while (first < rows.Count && rows[first].Hash is null)
        {
            first++;
        }

        var entries = new List<ChainEntry>(rows.Count - first);
        for (var i = first; i < rows.Count; i++)
        {
            entries.Add(AuditChain.Check(rows[i], keys));
        }

        report.AuditChecked = true;
        report.AuditUnchained = first;
        report.AuditEntries = entries.Count;
        report.Audit.AddRange(HashChainVerifier.Verify(entries));
        foreach (var (keyId, head) in ChainCheckpoints.Latest(rows, keys))
        {
            report.Checkpoints[keyId] = head;
        }
    }
}
