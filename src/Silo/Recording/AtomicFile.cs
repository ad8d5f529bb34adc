using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrleansRecorder.Silo.Recording;

/// <summary>Writes a file so that readers (and a crash) see either the old or the new content: temp file, fsync, rename.</summary>
internal static class AtomicFile
{
    public static void WriteJson<T>(string path, T value, JsonTypeInfo<T> typeInfo)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096))
        {
            JsonSerializer.Serialize(stream, value, typeInfo);
            stream.Flush(flushToDisk: true);
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
