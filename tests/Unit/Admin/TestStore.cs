using System.Security.Cryptography;
using System.Text.Json;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Admin;

/// <summary>A node data directory in the recorder's layout, filled with small fake recordings (audio + manifest).</summary>
internal sealed class TestStore(string root)
{
    public string Root { get; } = root;

    /// <summary>Writes a recording of <paramref name="audio"/> bytes started at <paramref name="startedAt"/>; returns its manifest.</summary>
    public RecordingManifest Add(string id, DateTimeOffset startedAt, byte[] audio)
    {
        var manifest = Manifest(id, startedAt, audio);
        var key = Key(manifest);
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(key.AudioName))!);
        File.WriteAllBytes(PathOf(key.AudioName), audio);
        File.WriteAllBytes(PathOf(key.ManifestName), Serialize(manifest));
        return manifest;
    }

    /// <summary>Copies one recording (audio and manifest) of this store into <paramref name="other"/>.</summary>
    public void CopyTo(TestStore other, RecordingManifest manifest)
    {
        var key = Key(manifest);
        foreach (var name in new[] { key.AudioName, key.ManifestName })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(other.PathOf(name))!);
            File.Copy(PathOf(name), other.PathOf(name), overwrite: true);
        }
    }

    public string AudioPath(RecordingManifest manifest) => PathOf(Key(manifest).AudioName);

    public string ManifestPath(RecordingManifest manifest) => PathOf(Key(manifest).ManifestName);

    public string PathOf(string name) => Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar));

    public static ReplicaKey Key(RecordingManifest manifest) => new(manifest.Id, manifest.StartedAt, manifest.Format);

    public static byte[] Serialize(RecordingManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, RecordingJsonContext.Default.RecordingManifest);

    public static byte[] Audio(int seed, int length = 4000)
    {
        var audio = new byte[length];
        new Random(seed).NextBytes(audio);
        return audio;
    }

    public static RecordingManifest Manifest(string id, DateTimeOffset startedAt, byte[] audio) => new()
    {
        Id = id,
        StartedAt = startedAt,
        EndedAt = startedAt.AddSeconds(30),
        DurationSeconds = 30,
        NearEnd = new RecordingParty { Number = "1001", Device = "SEP000000001001" },
        FarEnd = new RecordingParty { Number = "2001" },
        Format = "wav",
        SizeBytes = audio.Length,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(audio)),
        RecordedBy = "rec-a",
        Status = RecordingStatus.Complete,
    };
}
