using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// Collects the manifests of a store or an export, checks each one's seal against the trusted keys, and then each
/// signing key's chain of recordings (<see cref="HashChainVerifier"/>).
/// </summary>
internal sealed class RecordingChains(SigningKeySet keys)
{
    private readonly Dictionary<string, List<ChainEntry>> _chains = new(StringComparer.Ordinal);
    private readonly List<ChainFinding> _unsigned = [];

    /// <summary>Manifests whose seal holds.</summary>
    public long Signed { get; private set; }

    /// <summary>Adds the manifest found at <paramref name="name"/>.</summary>
    public void Add(string name, RecordingManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var problem = ManifestSealing.Check(manifest, keys);
        if (manifest.Seal is not { } seal || !keys.Contains(seal.KeyId))
        {
            // Not part of any chain we can check: written before signing, or put there by someone without a key.
            _unsigned.Add(new ChainFinding(ChainFindingKind.Inserted, name, problem ?? "not signed"));
            return;
        }

        if (problem is null)
        {
            Signed++;
        }

        var entry = new ChainEntry(name, manifest.Id, seal.Seq, problem is null ? ManifestSealing.Link(manifest) : null, seal.Prev, seal.PrevId,
            problem is null ? ChainContent.Valid : ChainContent.Changed, problem);
        if (!_chains.TryGetValue(seal.KeyId, out var chain))
        {
            _chains[seal.KeyId] = chain = [];
        }

        chain.Add(entry);
    }

    /// <summary>
    /// What the signed checkpoints (<see cref="ChainCheckpoints.Latest"/>) show beyond the chains: a chain that ends
    /// before its newest checkpoint lost its newest entries (a removal the links cannot show); one whose entry at the
    /// checkpoint's number is another than the checkpoint names was rewritten from there.
    /// </summary>
    public List<ChainFinding> HeadFindings(IReadOnlyDictionary<string, ChainState> checkpoints)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        var findings = new List<ChainFinding>();
        foreach (var (keyId, head) in checkpoints)
        {
            var valid = _chains.GetValueOrDefault(keyId)?.Where(e => e.Content == ChainContent.Valid).ToList() ?? [];
            var newest = valid.Count == 0 ? 0 : valid.Max(e => e.Seq!.Value);
            var name = $"chain of key {keyId}";
            if (newest < head.Seq)
            {
                findings.Add(newest + 1 == head.Seq
                    ? new ChainFinding(ChainFindingKind.Removed, name, $"its newest entry {head.Seq} ({head.Id}) is missing: the node's signed checkpoint names it", head.Id)
                    : new ChainFinding(ChainFindingKind.Removed, name, $"its newest entries {newest + 1} to {head.Seq} are missing (the last one {head.Id}): the node's signed checkpoint names entry {head.Seq}"));
            }
            else if (valid.FirstOrDefault(e => e.Seq == head.Seq) is { } entry && !string.Equals(entry.Link, head.Link, StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(new ChainFinding(ChainFindingKind.Changed, entry.Name, $"entry {head.Seq} is not the one the node's signed checkpoint names ({head.Id}): the chain was rewritten from there"));
            }
        }

        return findings;
    }

    /// <summary>
    /// Everything found: each chain in sequence order, from its start (<paramref name="wholeChains"/>) or, for an
    /// export that holds a part of each chain, from its first entry's predecessor.
    /// </summary>
    public List<ChainFinding> Findings(bool wholeChains)
    {
        var findings = new List<ChainFinding>(_unsigned);
        foreach (var chain in _chains.Values)
        {
            chain.Sort((a, b) => a.Seq != b.Seq ? a.Seq!.Value.CompareTo(b.Seq!.Value) : string.CompareOrdinal(a.Name, b.Name));
            var start = wholeChains ? ManifestSealing.Genesis : chain[0].Prev;
            findings.AddRange(HashChainVerifier.Verify(chain, start));
        }

        return findings;
    }
}
