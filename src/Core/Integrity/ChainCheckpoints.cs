using System.Text.Json;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// Signed checkpoints of the recording chains' heads (docs/TAMPER_EVIDENCE.md): a node appends its chain head
/// (<see cref="ChainState"/>: number, link and id of its newest sealed recording) to the audit log as an entry of action
/// <see cref="Action"/>, signed and chained like every audit entry by the same key that seals the recordings. A store
/// whose chain ends before the newest checkpoint lost its newest recordings, which the chain alone cannot show.
/// </summary>
internal static class ChainCheckpoints
{
    public const string Action = "chain-checkpoint";

    /// <summary>The audit entry's details: the head as compact JSON.</summary>
    public static string Details(ChainState head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(192);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            // Compact whatever the context's indenting: the writer's options decide.
            JsonSerializer.Serialize(writer, head, IntegrityJsonContext.Default.ChainState);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The newest checkpoint per signing key among <paramref name="rows"/>: only entries whose hash and signature hold
    /// and that are signed by the very key whose chain they name (no key vouches for another's chain).
    /// </summary>
    public static Dictionary<string, ChainState> Latest(IEnumerable<ChainedAuditEntry> rows, SigningKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(keys);
        var latest = new Dictionary<string, ChainState>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Entry.Action != Action || row.Entry.Target is not { } keyId || !string.Equals(row.KeyId, keyId, StringComparison.Ordinal)
                || AuditChain.Check(row, keys).Content != ChainContent.Valid)
            {
                continue;
            }

            ChainState? head;
            try
            {
                head = JsonSerializer.Deserialize(row.Entry.Details ?? string.Empty, IntegrityJsonContext.Default.ChainState);
            }
            catch (JsonException)
            {
                continue; // Signed by the key yet not a head: nothing a node writes.
            }

            if (head is { Seq: > 0, Link.Length: > 0 } && (!latest.TryGetValue(keyId, out var known) || head.Seq > known.Seq))
            {
                latest[keyId] = head;
            }
        }

        return latest;
    }
}
