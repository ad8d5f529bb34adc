using System.Security.Cryptography;
using System.Text.Json;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Grains.Maintenance;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Silo.Maintenance;

/// <summary>
/// The export: copies recordings added to the catalog since the checkpoint, in catalog order, to the export folder
/// (audio and manifest, named by the settings' pattern), and moves the checkpoint forward after each one.
/// </summary>
/// <remarks>
/// Exactly once per recording, also across crashes: each file is written under a temporary name, its SHA-256 checked
/// against the manifest, then renamed; the checkpoint moves only after that. A re-run after a crash finds the target
/// already there with the right hash and counts it as done. The first recording that cannot be exported stops the
/// run (failed, with the reason) and is retried next run, so a recording is never silently skipped.
/// An encrypted recording is exported decrypted when <c>keys</c> are given (<c>Recorder:Encryption:ExportDecrypted</c>),
/// checked against the manifest's plaintext SHA-256; otherwise the ciphertext as stored. The manifest goes unchanged
/// either way, so a third party checks the copy against it (docs/ENCRYPTION.md).
/// </remarks>
internal sealed class RecordingExporter(
    IRecordingCatalog catalog, RecordingOptions recording, ILogger<RecordingExporter> logger, LocalReplicaFetcher? fetcher = null, KeyRing? keys = null,
    Integrity.SigningKeyDirectory? signingKeys = null)
{
    /// <summary>The export's subfolder of public signing keys, <c>{keyId}.pem</c>: what <c>verify --export</c> needs.</summary>
    public const string SigningKeysFolder = "signing-keys";

    /// <summary>The checkpoint's name in the catalog.</summary>
    public const string CheckpointName = "export";

    private const int PageSize = 200;

    public async Task<JobOutcome> ExportAsync(MaintenanceSettings settings, CancellationToken ct)
    {
        if (settings.ExportFolder is not { } folder)
        {
            return new JobOutcome(MaintenanceResult.Skipped, 0, 0, 0, "No export folder is configured.");
        }

        if (!ExportFileNamePattern.TryParse(settings.FileNamePattern, out var pattern, out var patternError))
        {
            return JobOutcome.Failed($"The file-name pattern is invalid: {patternError}");
        }

        if (CheckFolder(folder) is { } folderError)
        {
            return JobOutcome.Failed(folderError);
        }

        var checkpoint = await catalog.GetCheckpointAsync(CheckpointName, ct);
        var done = 0;
        while (true)
        {
            var page = await catalog.ListAddedAfterAsync(checkpoint, PageSize, ct);
            foreach (var entry in page)
            {
                if (await ExportOneAsync(entry.Manifest, folder, pattern, ct) is { } error)
                {
                    MaintenanceJobLog.ExportFailed(logger, entry.Manifest.Id, error);
                    return new JobOutcome(MaintenanceResult.Failed, done, 0, 1,
                        $"Recording {entry.Manifest.Id}: {error} The export stops here and retries it next run.");
                }

                await catalog.AdvanceCheckpointAsync(CheckpointName, entry.Sequence, ct);
                checkpoint = entry.Sequence;
                done++;
            }

            if (page.Count < PageSize)
            {
                return new JobOutcome(MaintenanceResult.Succeeded, done, 0, 0, null);
            }
        }
    }

    /// <summary>The audio file extension of a recording: its format, if that is a plain short word, else <c>bin</c>.</summary>
    internal static string Extension(RecordingManifest manifest) => ExportNames.AudioExtension(manifest);

    /// <summary>Null when the folder exists and takes a file; else why not.</summary>
    private static string? CheckFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return $"The export folder '{folder}' does not exist.";
        }

        var probe = Path.Combine(folder, ".orleans-recorder-write-test");
        try
        {
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"The export folder '{folder}' is not writable: {e.Message}";
        }
    }

    /// <summary>Null when the recording is in the folder (now or already); else the reason it is not.</summary>
    private async Task<string?> ExportOneAsync(RecordingManifest manifest, string folder, ExportFileNamePattern pattern, CancellationToken ct)
    {
        try
        {
            RecordingPaths.ValidateRecordingId(manifest.Id);
            var name = pattern.Format(
                manifest.StartedAt, manifest.NearEnd.Number ?? manifest.NearEnd.Device, manifest.FarEnd.Number ?? manifest.FarEnd.Device, manifest.Id);
            var audioTarget = Path.Combine(folder, name + "." + Extension(manifest));
            var manifestTarget = Path.Combine(folder, name + ".json");
            var decrypt = keys is not null && manifest.Encryption is not null;
            if (File.Exists(audioTarget))
            {
                if (!HashMatches(await HashAsync(audioTarget, ct), manifest, decrypt))
                {
                    return $"A different file named '{Path.GetFileName(audioTarget)}' is already in the export folder.";
                }
            }
            else
            {
                var source = Path.Combine(RecordingPaths.RecordingDirectory(recording, manifest.StartedAt), manifest.Id + "." + Extension(manifest));
                if (!File.Exists(source)
                    && (fetcher is null || await fetcher.EnsureLocalAsync(manifest, ct) is null || !File.Exists(source)))
                {
                    // Recorded on another node and not replicated here yet (nor in the shared store): the next run retries.
                    return "The audio is not in this node's store.";
                }

                var temp = audioTarget + ".partial";
                if (decrypt)
                {
                    if (await DecryptAsync(manifest, source, temp, ct) is { } keyProblem)
                    {
                        return keyProblem;
                    }
                }
                else
                {
                    await CopyAsync(source, temp, ct);
                }

                if (!HashMatches(await HashAsync(temp, ct), manifest, decrypt))
                {
                    File.Delete(temp);
                    return "The copy's SHA-256 differs from the manifest (the stored audio is damaged).";
                }

                File.Move(temp, audioTarget, overwrite: false);
            }

            if (!File.Exists(manifestTarget))
            {
                await AtomicFile.WriteJsonAsync(manifestTarget, manifest, RecordingJsonContext.Default.RecordingManifest, ct);
            }

            await WriteSigningKeyAsync(manifest, folder, ct);

            MaintenanceJobLog.Exported(logger, manifest.Id, name);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or JsonException)
        {
            return e.Message;
        }
    }

    /// <summary>Puts the public key that signed the manifest beside the export, once (docs/TAMPER_EVIDENCE.md).</summary>
    private async Task WriteSigningKeyAsync(RecordingManifest manifest, string folder, CancellationToken ct)
    {
        if (signingKeys is null || manifest.Seal is not { } seal || !seal.KeyId.All(char.IsAsciiHexDigit))
        {
            return;
        }

        var target = Path.Combine(folder, SigningKeysFolder, seal.KeyId + ".pem");
        if (File.Exists(target))
        {
            return;
        }

        var key = (await signingKeys.ListAsync(ct)).FirstOrDefault(k => k.KeyId == seal.KeyId);
        if (key.PublicKeyPem is null)
        {
            // Not published (yet): verify then needs the key from GET /api/signing-keys of the node that signed it.
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = target + ".partial";
        await File.WriteAllTextAsync(temp, key.PublicKeyPem, ct);
        File.Move(temp, target, overwrite: true);
    }

    /// <summary>Writes the plaintext of an encrypted recording; null when done, else why not (the key is not to be had).</summary>
    private async Task<string?> DecryptAsync(RecordingManifest manifest, string source, string target, CancellationToken ct)
    {
        var wrapped = await catalog.GetDataKeyAsync(manifest.Id, ct);
        if (wrapped is null)
        {
            return "The recording is encrypted and the catalog holds no data key for it.";
        }

        byte[] dataKey;
        try
        {
            dataKey = keys!.Unwrap(wrapped);
        }
        catch (KeyUnavailableException e)
        {
            return e.Message;
        }

        try
        {
            await using var input = new DecryptingStream(new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 81920), dataKey);
            await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await input.CopyToAsync(output, ct);
            output.Flush(flushToDisk: true);
            return null;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private static async Task CopyAsync(string source, string target, CancellationToken ct)
    {
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        await input.CopyToAsync(output, ct);
        output.Flush(flushToDisk: true);
    }

    private static async Task<string> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    private static bool HashMatches(string sha256, RecordingManifest manifest, bool decrypted) =>
        string.Equals(sha256, decrypted ? manifest.Encryption!.PlainSha256 : manifest.Sha256, StringComparison.OrdinalIgnoreCase);
}
