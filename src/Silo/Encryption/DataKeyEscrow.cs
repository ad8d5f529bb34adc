using System.Text.Json;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Encryption;

/// <summary>
/// Where a finalized recording's wrapped data key waits until the catalog has it: <c>catalog-pending/{id}.key</c>,
/// beside the recording's pending-index marker. Never replicated; <see cref="CatalogIndexer"/> moves it into the catalog
/// with the recording's row and deletes it (or deletes it unused when the recording was deleted meanwhile).
/// </summary>
internal static class DataKeyEscrow
{
    public const string Extension = ".key";

    public static string PathOf(string dataDirectory, string recordingId)
    {
        RecordingPaths.ValidateRecordingId(recordingId);
        return Path.Combine(dataDirectory, CatalogIndexer.PendingFolder, recordingId + Extension);
    }

    public static void Write(string dataDirectory, string recordingId, WrappedDataKey key)
    {
        var path = PathOf(dataDirectory, recordingId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteJson(path, key, RecordingJsonContext.Default.WrappedDataKey);
    }

    /// <summary>The waiting key, or null when there is none (a plain recording, or already in the catalog).</summary>
    public static WrappedDataKey? Read(string dataDirectory, string recordingId)
    {
        var path = PathOf(dataDirectory, recordingId);
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize(stream, RecordingJsonContext.Default.WrappedDataKey);
    }

    public static void Delete(string dataDirectory, string recordingId) => File.Delete(PathOf(dataDirectory, recordingId));
}
