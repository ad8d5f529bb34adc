namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// Checks a hash chain (each entry names the hash of the one before it; docs/TAMPER_EVIDENCE.md) as found, in its
/// stored order, and names every entry that was changed, removed, reordered or inserted.
/// </summary>
/// <remarks>
/// The entries are first taken apart by their signatures: a foreign entry (unsigned, or by an unknown key) is an
/// insertion and takes no part in the chain; a changed one keeps its place (the next entry still names it). The true
/// order is then rebuilt from the links alone; a valid entry whose predecessor is nowhere marks a removal before it;
/// and the entries that must move for the stored order to become the true one (those outside a longest run already
/// in true order) are the reordered ones. The chain's newest entries can be removed without a trace here: that takes
/// the chain head kept elsewhere (the node's chain file, an export's chain segment).
/// </remarks>
internal static class HashChainVerifier
{
    /// <summary>What the first entry of a chain names as its predecessor: 64 zeros.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static List<ChainFinding> Verify(IReadOnlyList<ChainEntry> entries, string start = Genesis)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var findings = new List<ChainFinding>();
        var inChain = new bool[entries.Count];
        var byLink = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Content == ChainContent.Foreign)
            {
                findings.Add(new ChainFinding(ChainFindingKind.Inserted, entry.Name, entry.Problem ?? "not signed by a trusted key"));
                continue;
            }

            if (entry.Link is { } link && !byLink.TryAdd(link, i))
            {
                // A second copy of a signed entry: the copy was put there.
                findings.Add(new ChainFinding(ChainFindingKind.Inserted, entry.Name, $"a copy of {entries[byLink[link]].Name}"));
                continue;
            }

            if (entry.Content == ChainContent.Changed)
            {
                findings.Add(new ChainFinding(ChainFindingKind.Changed, entry.Name, entry.Problem ?? "changed after it was signed"));
            }

            if (entry.Id is { } id)
            {
                byId.TryAdd(id, i);
            }

            inChain[i] = true;
        }

        var claimed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < entries.Count; i++)
        {
            if (inChain[i])
            {
                claimed.Add(entries[i].Prev);
            }
        }

        // Predecessor of each entry: its index, -1 the chain's start, -2 missing (removed).
        var predecessor = new int[entries.Count];
        var successor = new int[entries.Count];
        Array.Fill(successor, -1);
        for (var i = 0; i < entries.Count; i++)
        {
            if (!inChain[i])
            {
                continue;
            }

            var entry = entries[i];
            predecessor[i] = PredecessorOf(entry, entries, byLink, byId, start);
            if (predecessor[i] >= 0)
            {
                var rival = successor[predecessor[i]];
                if (rival >= 0)
                {
                    // Two entries claim the same predecessor: the one the chain goes on from is the true one (else the
                    // first); the other forks the chain.
                    var (kept, forked) = Continued(entries[rival], claimed) || !Continued(entry, claimed) ? (rival, i) : (i, rival);
                    findings.Add(new ChainFinding(ChainFindingKind.Inserted, entries[forked].Name,
                        $"claims to follow {entries[predecessor[i]].Name}, as {entries[kept].Name} does"));
                    inChain[forked] = false;
                    successor[predecessor[i]] = kept;
                    if (forked == i)
                    {
                        continue;
                    }
                }

                successor[predecessor[i]] = i;
            }
            else if (predecessor[i] == -2 && entry.Content == ChainContent.Valid)
            {
                var (detail, single) = RemovedDetail(entry, i, entries, inChain);
                findings.Add(new ChainFinding(ChainFindingKind.Removed, entry.Name, detail, single ? entry.PrevId : null));
            }
        }

        // The true order: each run that starts at the chain's start or after a gap, in the stored order of its first entry.
        var rank = new int[entries.Count];
        var next = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (inChain[i] && predecessor[i] < 0)
            {
                for (var j = i; j >= 0 && inChain[j]; j = successor[j])
                {
                    rank[j] = next++;
                }
            }
        }

        var order = Enumerable.Range(0, entries.Count).Where(i => inChain[i]).ToList();
        foreach (var moved in OutOfOrder(order, rank))
        {
            findings.Add(new ChainFinding(ChainFindingKind.Reordered, entries[moved].Name,
                predecessor[moved] >= 0 ? $"belongs after {entries[predecessor[moved]].Name}" : "belongs at the chain's start"));
        }

        return findings;
    }

    private static bool Continued(ChainEntry entry, HashSet<string> claimed) => entry.Link is { } link && claimed.Contains(link);

    private static int PredecessorOf(
        ChainEntry entry, IReadOnlyList<ChainEntry> entries, Dictionary<string, int> byLink, Dictionary<string, int> byId, string start)
    {
        if (string.Equals(entry.Prev, start, StringComparison.OrdinalIgnoreCase))
        {
            return -1;
        }

        if (byLink.TryGetValue(entry.Prev, out var j))
        {
            return j;
        }

        // A changed entry's link cannot be recomputed; the one after it still names it by id.
        return entry.PrevId is { } prevId && byId.TryGetValue(prevId, out j) && entries[j].Link is null ? j : -2;
    }

    private static (string Detail, bool Single) RemovedDetail(ChainEntry entry, int index, IReadOnlyList<ChainEntry> entries, bool[] inChain)
    {
        var named = entry.PrevId is null ? $"link {entry.Prev[..Math.Min(16, entry.Prev.Length)]}…" : entry.PrevId;
        if (entry.Seq is not { } seq)
        {
            return ($"the entry before it ({named}) is missing", true);
        }

        var before = 0L;
        for (var i = 0; i < entries.Count; i++)
        {
            if (i != index && inChain[i] && entries[i].Seq is { } other && other < seq && other > before)
            {
                before = other;
            }
        }

        var count = seq - before - 1;
        return count <= 1
            ? ($"entry {seq - 1} of the chain ({named}) is missing", true)
            : ($"entries {before + 1} to {seq - 1} of the chain are missing (the last of them {named})", false);
    }

    /// <summary>The positions (of <paramref name="order"/>) outside one longest run whose ranks already increase.</summary>
    private static HashSet<int> OutOfOrder(List<int> order, int[] rank)
    {
        // Longest increasing subsequence, O(n log n) by patience sorting.
        var tails = new List<int>();
        var previous = new int[order.Count];
        for (var k = 0; k < order.Count; k++)
        {
            var r = rank[order[k]];
            int lo = 0, hi = tails.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (rank[order[tails[mid]]] < r)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            previous[k] = lo > 0 ? tails[lo - 1] : -1;
            if (lo == tails.Count)
            {
                tails.Add(k);
            }
            else
            {
                tails[lo] = k;
            }
        }

        var keep = new HashSet<int>();
        for (var k = tails.Count > 0 ? tails[^1] : -1; k >= 0; k = previous[k])
        {
            keep.Add(order[k]);
        }

        return [.. order.Where(i => !keep.Contains(i))];
    }
}
