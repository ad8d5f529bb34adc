using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Integrity;

/// <summary>
/// The manifest's seal: ECDSA P-256 with SHA-256 (FIPS 186-5 §6.4; the signature r ‖ s as IEEE P1363 / SEC 1 §4.1.3
/// output), a round trip through the JSON every store keeps, refusal of any change, and the node's chain of seals.
/// </summary>
public sealed class ManifestSealTests : IDisposable
{
    private readonly TempDirectory _data = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _data.Dispose();

    [Fact]
    public void ASealedManifestVerifiesWithThePublicKeyAloneAfterAJsonRoundTrip()
    {
        using var key = Sealed.NewKey();
        var manifest = ManifestSealing.Seal(Sealed.Manifest("rec-1"), key, 1, ManifestSealing.Genesis, null);
        using var publicOnly = new SigningKeySet();
        publicOnly.AddPem(key.PublicKeyPem);

        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, RecordingJsonContext.Default.RecordingManifest);
        var read = JsonSerializer.Deserialize(json, RecordingJsonContext.Default.RecordingManifest)!;

        Assert.Null(ManifestSealing.Check(read, publicOnly));
        Assert.Equal(64, Convert.FromBase64String(read.Seal!.Signature).Length);
        Assert.DoesNotContain("PRIVATE", key.PublicKeyPem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSignatureIsPlainEcdsaP256Sha256OverTheDocumentedMessage()
    {
        // FIPS 186-5 §6.4.2: any ECDSA verifier holding the public key accepts it; here one that never saw our code.
        using var key = Sealed.NewKey();
        var manifest = ManifestSealing.Seal(Sealed.Manifest("rec-1"), key, 7, new string('b', 64), "rec-0");
        using var verifier = ECDsa.Create();
        verifier.ImportFromPem(key.PublicKeyPem);
        var message = ManifestSealing.Message(manifest.Seal!, ManifestSealing.ManifestDigest(manifest));

        Assert.StartsWith("[\"ORSEAL1\",\"" + key.KeyId + "\",\"node-a\",7,\"" + new string('b', 64) + "\",\"rec-0\",\"", System.Text.Encoding.UTF8.GetString(message), StringComparison.Ordinal);
        Assert.True(verifier.VerifyData(message, Convert.FromBase64String(manifest.Seal!.Signature), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(message)), ManifestSealing.Link(manifest));
        Assert.Equal(32, key.KeyId.Length);
    }

    [Fact]
    public void AnyChangeToTheManifestOrItsSealIsRefused()
    {
        using var key = Sealed.NewKey();
        var manifest = ManifestSealing.Seal(Sealed.Manifest("rec-1"), key, 1, ManifestSealing.Genesis, null);
        var keys = key.PublicKeys();

        Assert.NotNull(ManifestSealing.Check(manifest with { Sha256 = new string('0', 64) }, keys));
        Assert.NotNull(ManifestSealing.Check(manifest with { NearEnd = manifest.NearEnd with { Number = "9999" } }, keys));
        Assert.NotNull(ManifestSealing.Check(manifest with { Flags = ["edited"] }, keys));
        Assert.NotNull(ManifestSealing.Check(manifest with { Seal = manifest.Seal! with { Seq = 2 } }, keys));
        Assert.NotNull(ManifestSealing.Check(manifest with { Seal = manifest.Seal! with { Prev = new string('1', 64) } }, keys));
        Assert.NotNull(ManifestSealing.Check(manifest with { Seal = manifest.Seal! with { Signature = "not base64!" } }, keys));
        Assert.Contains("not signed", ManifestSealing.Check(manifest with { Seal = null }, keys), StringComparison.Ordinal);
        using var other = Sealed.NewKey("node-b");
        Assert.Contains("not a trusted key", ManifestSealing.Check(ManifestSealing.Seal(manifest, other, 1, ManifestSealing.Genesis, null), keys), StringComparison.Ordinal);
        Assert.Null(ManifestSealing.Check(manifest, keys));
    }

    [Fact]
    public async Task TheSealerChainsEachManifestToThePreviousOneAcrossARestart()
    {
        using var key = Sealed.NewKey();
        var first = new ManifestSealer(key, _data.Path);
        var one = await first.SealAsync(Sealed.Manifest("r1"), Ct);
        var two = await first.SealAsync(Sealed.Manifest("r2"), Ct);

        var restarted = new ManifestSealer(key, _data.Path);
        var three = await restarted.SealAsync(Sealed.Manifest("r3"), Ct);

        Assert.Equal([1L, 2L, 3L], new[] { one, two, three }.Select(m => m.Seal!.Seq));
        Assert.Equal(ManifestSealing.Genesis, one.Seal!.Prev);
        Assert.Equal(ManifestSealing.Link(one), two.Seal!.Prev);
        Assert.Equal(ManifestSealing.Link(two), three.Seal!.Prev);
        Assert.Equal("r2", three.Seal!.PrevId);
        var chains = new RecordingChains(key.PublicKeys());
        foreach (var manifest in new[] { one, two, three })
        {
            chains.Add(manifest.Id, manifest);
        }

        Assert.Empty(chains.Findings(wholeChains: true));
    }

    [Fact]
    public async Task AFinalizedRecordingIsWrittenWithItsSealOverTheStoredFilesHash()
    {
        using var key = Sealed.NewKey();
        var time = new FakeTimeProvider(Sealed.Start);
        var options = new RecordingOptions { DataDirectory = _data.Path, Sealer = new ManifestSealer(key, _data.Path) };
        var session = RecordingSession.Create(options, RecordingSessionTests.Info("sealed-1"), time);
        session.NearEnd.OnFirstPacket(time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Repeat((short)5, 800).ToArray());
        await session.DisposeAsync();

        var recording = Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(options, time, NullLogger.Instance, Ct));

        var onDisk = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(recording.ManifestPath, Ct), RecordingJsonContext.Default.RecordingManifest)!;
        Assert.Null(ManifestSealing.Check(onDisk, key.PublicKeys()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(recording.AudioPath, Ct))), onDisk.Sha256);
        Assert.Equal(1, onDisk.Seal!.Seq);
    }

    [Fact]
    public void AGeneratedKeyIsWrittenForTheOwnerOnlyAndLoadedAgainAtTheNextStart()
    {
        using var generated = SigningKeyFile.Load(new SigningOptions(), _data.Path, "node-a");
        using var again = SigningKeyFile.Load(new SigningOptions(), _data.Path, "node-a");
        var path = Path.Combine(_data.Path, "keys", SigningKeyFile.GeneratedFileName);

        Assert.True(generated.Generated);
        Assert.False(again.Generated);
        Assert.Equal(generated.KeyId, again.KeyId);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        using var configured = SigningKeyFile.Load(new SigningOptions { KeyFile = path }, Path.Combine(_data.Path, "other"), "node-a");
        Assert.Equal(generated.KeyId, configured.KeyId);
        var rsa = Path.Combine(_data.Path, "rsa.pem");
        using (var key = RSA.Create(2048))
        {
            File.WriteAllText(rsa, key.ExportPkcs8PrivateKeyPem());
        }

        Assert.Throws<InvalidOperationException>(() => SigningKeyFile.Load(new SigningOptions { KeyFile = rsa }, _data.Path, "node-a"));
    }
}
