using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Recording.Opus;

namespace OrleansRecorder.Silo.Admin;

/// <summary>
/// Reads and validates one manifest of a store: the JSON parses, the id is the file name, and the file sits where the
/// rest of the recorder looks for it (<see cref="ReplicaKey.ManifestName"/>: the folder of the UTC start day).
/// </summary>
internal static class ManifestCheck
{
    /// <summary>A manifest is a few kilobytes; anything this large is not one (and is not read into memory).</summary>
    public const long MaxManifestBytes = 1024 * 1024;

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Reads the manifest <paramref name="file"/>; on success the recording's names, else why not.</summary>
    public static async Task<(RecordingManifest? Manifest, ReplicaKey? Key, string? Problem)> ReadAsync(
        IStoreReader store, StoreFile file, CancellationToken cancellationToken)
    {
        if (file.SizeBytes > MaxManifestBytes)
        {
            return (null, null, $"manifest is {file.SizeBytes} bytes, more than a manifest can be");
        }

        var json = await store.ReadAllAsync(file.Name, cancellationToken);
        if (json is null)
        {
            return (null, null, "manifest disappeared while reading");
        }

        return TryParse(file.Name, json, out var manifest, out var key, out var problem)
            ? (manifest, key, null)
            : (null, null, problem);
    }

    /// <summary>Parses and checks a manifest found at the store-relative <paramref name="name"/>.</summary>
    public static bool TryParse(
        string name,
        ReadOnlySpan<byte> json,
        [NotNullWhen(true)] out RecordingManifest? manifest,
        [NotNullWhen(true)] out ReplicaKey? key,
        [NotNullWhen(false)] out string? problem)
    {
        manifest = null;
        key = null;
        try
        {
            manifest = JsonSerializer.Deserialize(json, RecordingJsonContext.Default.RecordingManifest);
        }
        catch (JsonException e)
        {
            problem = $"not a valid manifest: {e.Message}";
            return false;
        }

        if (manifest is null)
        {
            problem = "not a valid manifest: the JSON is null";
            return false;
        }

        problem = Check(manifest, Path.GetFileNameWithoutExtension(name));
        if (problem is not null)
        {
            manifest = null;
            return false;
        }

        key = new ReplicaKey(manifest.Id, manifest.StartedAt, manifest.Format);
        if (!string.Equals(key.ManifestName, name, StringComparison.Ordinal))
        {
            problem = $"started on {manifest.StartedAt.UtcDateTime:yyyy-MM-dd} (UTC), so it belongs at {key.ManifestName}";
            manifest = null;
            key = null;
            return false;
        }

        return true;
    }

    private static string? Check(RecordingManifest manifest, string fileId)
    {
        if (!string.Equals(manifest.Id, fileId, StringComparison.Ordinal))
        {
            return $"id '{manifest.Id}' does not match the file name '{fileId}'";
        }

        try
        {
            RecordingIds.Validate(manifest.Id);
        }
        catch (ArgumentException)
        {
            return $"id '{manifest.Id}' is not a valid file name";
        }

        if (manifest.Format is not (RecordingFormats.Opus or RecordingFormats.Wav))
        {
            return $"format '{manifest.Format}' is neither opus nor wav";
        }

        if (manifest.SizeBytes < 0)
        {
            return $"size {manifest.SizeBytes} is negative";
        }

        if (manifest.Sha256 is not { Length: 64 } sha256 || sha256.AsSpan().ContainsAnyExcept(HexDigits))
        {
            return $"sha256 '{manifest.Sha256}' is not 64 hexadecimal digits";
        }

        return null;
    }
}
