using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRecorder.Silo.Security;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// The audit log's hash chain (docs/TAMPER_EVIDENCE.md): an entry's hash is the hex SHA-256 of the compact JSON array
/// <c>["ORAUDIT1", keyId, prevHash, atUnixMs, user, source, action, target, details]</c>, which the appending node
/// signs (ECDSA P-256 / SHA-256, r ‖ s); the next entry's <c>prev_hash</c> is that hash.
/// </summary>
internal static class AuditChain
{
    private const string Tag = "ORAUDIT1";

    public static byte[] Message(string keyId, string prev, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(Tag);
            writer.WriteStringValue(keyId);
            writer.WriteStringValue(prev);
            writer.WriteNumberValue(entry.At.ToUnixTimeMilliseconds());
            WriteNullable(writer, entry.User);
            WriteNullable(writer, entry.Source);
            writer.WriteStringValue(entry.Action);
            WriteNullable(writer, entry.Target);
            WriteNullable(writer, entry.Details);
            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The chain columns of <paramref name="entry"/> appended after <paramref name="prev"/> by <paramref name="key"/>.</summary>
    public static (string Hash, string Signature) Sign(NodeSigningKey key, string prev, AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(key);
        var message = Message(key.KeyId, prev, entry);
        return (Convert.ToHexStringLower(SHA256.HashData(message)), Convert.ToBase64String(key.Sign(message)));
    }

    /// <summary>The chain entry <c>verify</c> checks for one row: changed when its hash or signature does not hold.</summary>
    public static ChainEntry Check(ChainedAuditEntry row, SigningKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(keys);
        var name = $"audit entry {row.Entry.Seq} ({row.Entry.Action} {row.Entry.Target} at {row.Entry.At.UtcDateTime:O})";
        if (row.KeyId is null || row.Hash is null || row.Prev is null || row.Signature is null)
        {
            return new ChainEntry(name, null, null, row.Hash, row.Prev ?? string.Empty, null, ChainContent.Foreign, "not signed");
        }

        if (!keys.Contains(row.KeyId))
        {
            return new ChainEntry(name, null, null, row.Hash, row.Prev, null, ChainContent.Foreign, $"signed by key {row.KeyId}, which is not a trusted key");
        }

        var message = Message(row.KeyId, row.Prev, row.Entry);
        var hash = Convert.ToHexStringLower(SHA256.HashData(message));
        byte[]? signature = null;
        try
        {
            signature = Convert.FromBase64String(row.Signature);
        }
        catch (FormatException)
        {
            // Reported below as a signature that does not hold.
        }

        var problem = !string.Equals(hash, row.Hash, StringComparison.OrdinalIgnoreCase)
            ? "its content does not match its hash"
            : signature is null || !keys.Verify(row.KeyId, message, signature)
                ? "its signature does not hold"
                : null;
        return new ChainEntry(name, null, null, row.Hash, row.Prev, null, problem is null ? ChainContent.Valid : ChainContent.Changed, problem);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
