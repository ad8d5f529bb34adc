using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Integrity;

/// <summary>
/// What a manifest's seal signs and how it is checked (docs/TAMPER_EVIDENCE.md): the signed message is the compact
/// JSON array <c>["ORSEAL1", keyId, node, seq, prev, prevId, manifestSha256]</c>, where manifestSha256 is the hex
/// SHA-256 of the manifest as the recorder serializes it without its seal (which covers the stored file's
/// <c>sha256</c>); the seal's link, which the next recording's <c>prev</c> names, is the hex SHA-256 of that message.
/// </summary>
internal static class ManifestSealing
{
    public const string Genesis = HashChainVerifier.Genesis;
    private const string Tag = "ORSEAL1";

    /// <summary>Hex SHA-256 of the manifest without its seal: what the seal commits to.</summary>
    public static string ManifestDigest(RecordingManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest with { Seal = null }, RecordingJsonContext.Default.RecordingManifest);
        return Convert.ToHexStringLower(SHA256.HashData(json));
    }

    /// <summary>The bytes the node signs for <paramref name="seal"/> (its signature not included) over a manifest digest.</summary>
    public static byte[] Message(ManifestSeal seal, string manifestDigest)
    {
        ArgumentNullException.ThrowIfNull(seal);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(Tag);
            writer.WriteStringValue(seal.KeyId);
            writer.WriteStringValue(seal.Node);
            writer.WriteNumberValue(seal.Seq);
            writer.WriteStringValue(seal.Prev);
            if (seal.PrevId is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(seal.PrevId);
            }

            writer.WriteStringValue(manifestDigest);
            writer.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The link of a sealed manifest: hex SHA-256 of its signed message.</summary>
    public static string Link(RecordingManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var seal = manifest.Seal ?? throw new ArgumentException("The manifest is not sealed.", nameof(manifest));
        return Convert.ToHexStringLower(SHA256.HashData(Message(seal, ManifestDigest(manifest))));
    }

    /// <summary>Signs <paramref name="manifest"/> as entry <paramref name="seq"/> of the key's chain after <paramref name="prev"/>.</summary>
    public static RecordingManifest Seal(RecordingManifest manifest, NodeSigningKey key, long seq, string prev, string? prevId)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(key);
        var unsigned = new ManifestSeal { KeyId = key.KeyId, Node = key.Node, Seq = seq, Prev = prev, PrevId = prevId, Signature = string.Empty };
        var signature = key.Sign(Message(unsigned, ManifestDigest(manifest)));
        return manifest with { Seal = unsigned with { Signature = Convert.ToBase64String(signature) } };
    }

    /// <summary>Null when the manifest carries a valid seal of a key in <paramref name="keys"/>, else why not.</summary>
    public static string? Check(RecordingManifest manifest, SigningKeySet keys)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(keys);
        if (manifest.Seal is not { } seal)
        {
            return "the manifest is not signed";
        }

        if (seal.Version != 1)
        {
            return $"seal version {seal.Version} is unknown";
        }

        if (!keys.Contains(seal.KeyId))
        {
            return $"signed by key {seal.KeyId}, which is not a trusted key";
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(seal.Signature);
        }
        catch (FormatException)
        {
            return "the signature is not base64";
        }

        return keys.Verify(seal.KeyId, Message(seal, ManifestDigest(manifest)), signature)
            ? null
            : "the signature does not match the manifest (the manifest or its seal was changed)";
    }
}
