using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrleansRecorder.Silo.Recording;

/// <summary>Writes a file so that readers (and a crash) see either the old or the new content: temp file, fsync, rename.</summary>
internal static class AtomicFile
{
    /// <param name="path">The file to replace.</param>
    /// <param name="value">What to serialize into it.</param>
    /// <param name="typeInfo">The source-generated serializer.</param>
    /// <param name="durable">
    /// false skips the fsync: the rename is still atomic for readers and a killed process, not for an OS crash.
    /// </param>
    public static void WriteJson<T>(string path, T value, JsonTypeInfo<T> typeInfo, bool durable = true)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096))
        {
            JsonSerializer.Serialize(stream, value, typeInfo);
            stream.Flush(flushToDisk: durable);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static async Task WriteJsonAsync<T>(string path, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var temp = path + ".tmp";
        var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, useAsync: true);
        await using (stream)
        {
            await JsonSerializer.SerializeAsync(stream, value, typeInfo, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
