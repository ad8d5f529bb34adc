using System.Security.Cryptography;
using System.Text;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Tests.Unit.Storage;

/// <summary>A replica of random audio with its manifest, for the node-local and shared store tests.</summary>
internal static class ReplicaSamples
{
    public static (ReplicaDescriptor Replica, byte[] Audio) Create(string id, int size)
    {
        var audio = new byte[size];
        new Random(size).NextBytes(audio);
        var sha = Convert.ToHexStringLower(SHA256.HashData(audio));
        var manifest = Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","sha256":"{{sha}}","sizeBytes":{{size}}}""");
        var key = new ReplicaKey(id, new DateTimeOffset(2026, 2, 28, 23, 30, 0, TimeSpan.FromHours(-1)).AddHours(-1), "wav");
        return (new ReplicaDescriptor(key, size, sha, manifest), audio);
    }
}
