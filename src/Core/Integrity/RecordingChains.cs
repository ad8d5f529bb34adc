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
