using System.Security.Cryptography;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Integrity;

/// <summary>Manifests and signing keys for the tamper-evidence tests.</summary>
internal static class Sealed
{
    public static readonly DateTimeOffset Start = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public static NodeSigningKey NewKey(string node = "node-a") => NodeSigningKey.FromKey(ECDsa.Create(ECCurve.NamedCurves.nistP256), node);

    public static RecordingManifest Manifest(string id, int minute = 0) => new()
    {
        Id = id,
        StartedAt = Start.AddMinutes(minute),
        EndedAt = Start.AddMinutes(minute).AddSeconds(10),
        DurationSeconds = 10,
        NearEnd = new RecordingParty { Number = "1001" },
        FarEnd = new RecordingParty { Number = "2002" },
        Format = "wav",
        SizeBytes = 100,
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id))),
        RecordedBy = "node-a",
        Status = RecordingStatus.Complete,
    };

    /// <summary>A chain of <paramref name="count"/> manifests <c>r1</c>, <c>r2</c>, ... sealed in order by <paramref name="key"/>.</summary>
    public static List<RecordingManifest> Chain(NodeSigningKey key, int count)
    {
        var chain = new List<RecordingManifest>();
        var prev = ManifestSealing.Genesis;
        string? prevId = null;
        for (var i = 1; i <= count; i++)
        {
            var manifest = ManifestSealing.Seal(Manifest("r" + i, i), key, i, prev, prevId);
            chain.Add(manifest);
            prev = ManifestSealing.Link(manifest);
            prevId = manifest.Id;
        }

        return chain;
    }
}
