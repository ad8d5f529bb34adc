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
        CancellationToken cancellationToken, string? range = null)
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

            var plaintext = new DecryptingStream(file, dataKey);
            if (!checkWholeFile && RangeToCheck(range, plaintext.Length) is { } span)
            {
                try
                {
                    await AuthenticateAsync(plaintext, span.From, span.Count, cancellationToken);
                }
                catch
                {
                    await plaintext.DisposeAsync();
                    throw;
                }
            }

            return (plaintext, null);
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

    /// <summary>
    /// The plaintext bytes a single-range request will be sent (RFC 9110 §14.1.2: first-last, first-, or a suffix
    /// -length), or null when the request is not one satisfiable range (then ASP.NET answers 416 or the whole file).
    /// </summary>
    internal static (long From, long Count)? RangeToCheck(string? range, long length)
    {
        if (string.IsNullOrEmpty(range) || !Microsoft.Net.Http.Headers.RangeHeaderValue.TryParse(range, out var parsed)
            || !parsed.Unit.Equals("bytes", StringComparison.OrdinalIgnoreCase) || parsed.Ranges.Count != 1 || length == 0)
        {
            return null;
        }

        var item = parsed.Ranges.First();
        var (from, to) = item.From is { } first
            ? (first, Math.Min(item.To ?? length - 1, length - 1))
            : (Math.Max(0, length - (item.To ?? 0)), length - 1);
        return from > to || from >= length ? null : (from, to - from + 1);
    }

    /// <summary>
    /// Decrypts (so authenticates) the segments a range covers before the first byte is sent, and seeks back: a changed
    /// segment is then a 409 instead of a response cut off after its headers. The range is decrypted twice: AES-GCM
    /// does over 1 GB/s, so an Opus hour costs a few milliseconds more (docs/ENCRYPTION.md).
    /// </summary>
    private static async Task AuthenticateAsync(DecryptingStream plaintext, long from, long count, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            plaintext.Position = from;
            while (count > 0)
            {
                var read = await plaintext.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                count -= read;
            }

            plaintext.Position = 0;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
