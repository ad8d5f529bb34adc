using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Web;

/// <summary>
/// Opens an encrypted recording for playback: its data key from the catalog, unwrapped by this node's KEK, the stored
/// file checked against the manifest's SHA-256 at playback start, and a decrypting, seekable view of it. Each refusal is
/// a problem-details answer saying why, logged and counted.
/// </summary>
internal static class EncryptedAudio
{
    public static async Task<(Stream? Stream, ProblemHttpResult? Problem)> OpenAsync(
        RecordingManifest manifest, string path, IRecordingCatalog catalog, KeyRing keys, ILogger logger, Webhooks.IWebhookPublisher publisher, bool checkWholeFile,
        CancellationToken cancellationToken)
    {
        var wrapped = await catalog.GetDataKeyAsync(manifest.Id, cancellationToken);
        if (wrapped is null)
        {
            EncryptionLog.KeyUnavailable(logger, manifest.Id, "no data key in the catalog");
            EncryptionMetrics.Refused("no_key");
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Recording key missing",
                detail: $"Recording {manifest.Id} is encrypted but the catalog holds no data key for it."));
        }

        byte[] dataKey;
        try
        {
            dataKey = keys.Unwrap(wrapped);
        }
        catch (KeyUnavailableException ex)
        {
            EncryptionLog.KeyUnavailable(logger, manifest.Id, ex.Message);
            EncryptionMetrics.Refused(ex.PublicKeyOnly ? "public_key_only" : "kek_unavailable");
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: ex.PublicKeyOnly ? "Playback not possible on this node (public-key-only encryption)" : "Recording cannot be decrypted on this node",
                detail: ex.Message));
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: false);
        try
        {
            if (checkWholeFile)
            {
                var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
                if (!string.Equals(sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new RecordingTamperedException($"The stored file's SHA-256 is {sha256}, its manifest says {manifest.Sha256}.");
                }
            }

            return (new DecryptingStream(file, dataKey), null);
        }
        catch (RecordingTamperedException ex)
        {
            await file.DisposeAsync();
            return (null, IntegrityRefusal.Refuse(manifest.Id, ex.Message, logger, publisher));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }
}
