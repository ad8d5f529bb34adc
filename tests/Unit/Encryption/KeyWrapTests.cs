using System.Security.Cryptography;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Encryption;

/// <summary>Data-key wrapping by KEK id: AES key wrap (RFC 5649), RSA-OAEP, rotation, public-key-only, the generated KEK.</summary>
public sealed class KeyWrapTests
{
    [Fact]
    public void AesKeyWrapRoundTripsAndRefusesTheWrongKek()
    {
        using var kek = new AesKeyEncryptionKey("a", RandomNumberGenerator.GetBytes(32));
        using var other = new AesKeyEncryptionKey("a", RandomNumberGenerator.GetBytes(32));
        var dataKey = RandomNumberGenerator.GetBytes(32);

        var wrapped = kek.Wrap(dataKey);

        Assert.Equal(40, wrapped.Length); // RFC 5649 §4.1: n 64-bit blocks plus the 64-bit integrity block
        Assert.Equal(dataKey, kek.Unwrap(wrapped));
        Assert.Throws<KeyUnavailableException>(() => other.Unwrap(wrapped));
        wrapped[5] ^= 1;
        Assert.Throws<KeyUnavailableException>(() => kek.Unwrap(wrapped));
    }

    [Fact]
    public void AesKeyWrapMatchesRfc5649Section6TestVector()
    {
        // RFC 5649 §6, second example: 7 octets of key data wrapped with a 192-bit KEK; .NET's implementation is
        // checked against the RFC before we rely on it (ours uses AES-256 KEKs, the same algorithm).
        using var aes = Aes.Create();
        aes.Key = Convert.FromHexString("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
        var wrapped = aes.EncryptKeyWrapPadded(Convert.FromHexString("466f7250617369"));
        Assert.Equal("afbeb0f07dfbf5419200f2ccb50bb24f", Convert.ToHexStringLower(wrapped));
    }

    [Fact]
    public void RsaOaepRoundTripsAndPublicKeyOnlyCannotUnwrap()
    {
        using var rsa = RSA.Create(2048);
        using var full = RsaKeyEncryptionKey.FromPem("r", rsa.ExportPkcs8PrivateKeyPem());
        using var publicOnly = RsaKeyEncryptionKey.FromPem("r", rsa.ExportSubjectPublicKeyInfoPem());
        var dataKey = RandomNumberGenerator.GetBytes(32);

        var wrapped = publicOnly.Wrap(dataKey);

        Assert.True(full.CanUnwrap);
        Assert.False(publicOnly.CanUnwrap);
        Assert.Equal(dataKey, full.Unwrap(wrapped));
        var refused = Assert.Throws<KeyUnavailableException>(() => publicOnly.Unwrap(wrapped));
        Assert.True(refused.PublicKeyOnly);
    }

    [Fact]
    public void RewrapMovesADataKeyToTheActiveKekUnchanged()
    {
        using var old = new AesKeyEncryptionKey("old", RandomNumberGenerator.GetBytes(32));
        using var next = new AesKeyEncryptionKey("new", RandomNumberGenerator.GetBytes(32));
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var before = new KeyRing([old], "old").Wrap(dataKey);
        var ring = new KeyRing([old, next], "new");

        var after = ring.Rewrap(before);

        Assert.Equal("new", after.KekId);
        Assert.Equal(dataKey, ring.Unwrap(after));
        Assert.Equal(dataKey, new KeyRing([next], "new").Unwrap(after));
        Assert.Throws<KeyUnavailableException>(() => new KeyRing([old], "old").Unwrap(after));
    }

    [Fact]
    public void AnUnknownKekIdIsRefusedWithItsName()
    {
        using var kek = new AesKeyEncryptionKey("here", RandomNumberGenerator.GetBytes(32));
        var ring = new KeyRing([kek], "here");

        var refused = Assert.Throws<KeyUnavailableException>(() => ring.Unwrap(new WrappedDataKey("elsewhere", AesKeyEncryptionKey.AlgorithmName, new byte[40])));
        Assert.Contains("elsewhere", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithNoKekConfiguredOneIsGeneratedOwnerOnlyAndReusedAtNextStart()
    {
        using var data = new TempDirectory();
        var first = KeyRing.Load(new EncryptionOptions(), data.Path);
        var second = KeyRing.Load(new EncryptionOptions(), data.Path);

        Assert.NotNull(first.GeneratedId);
        Assert.Null(second.GeneratedId);
        Assert.Equal(first.Active!.Id, second.Active!.Id);
        var file = Assert.Single(Directory.GetFiles(Path.Combine(data.Path, KeyRing.KeysFolder)));
        Assert.DoesNotContain(first.GeneratedId, File.ReadAllText(file), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var dataKey = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(dataKey, second.Unwrap(first.Wrap(dataKey)));
    }

    [Fact]
    public void EncryptionOffGeneratesNothing()
    {
        using var data = new TempDirectory();
        var ring = KeyRing.Load(new EncryptionOptions { Enabled = false }, data.Path, generate: false);

        Assert.Null(ring.Active);
        Assert.False(Directory.Exists(Path.Combine(data.Path, KeyRing.KeysFolder)));
    }

    [Fact]
    public void ConfiguredKeysLoadFromFileOrBase64AndTheActiveOneIsChosenById()
    {
        using var data = new TempDirectory();
        var fileKey = RandomNumberGenerator.GetBytes(32);
        var keyFile = Path.Combine(data.Path, "kek.hex");
        File.WriteAllText(keyFile, Convert.ToHexString(fileKey));
        var options = new EncryptionOptions
        {
            ActiveKeyId = "two",
            Keys =
            [
                new KekOptions { Id = "one", KeyFile = keyFile },
                new KekOptions { Id = "two", Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            ],
        };

        var ring = KeyRing.Load(options, data.Path);

        Assert.Equal("two", ring.Active!.Id);
        Assert.Equal(2, ring.Keys.Count);
        var dataKey = RandomNumberGenerator.GetBytes(32);
        using var one = new AesKeyEncryptionKey("one", fileKey);
        Assert.Equal(dataKey, ring.Unwrap(new WrappedDataKey("one", AesKeyEncryptionKey.AlgorithmName, one.Wrap(dataKey))));
        Assert.Throws<InvalidOperationException>(() => KeyRing.Load(new EncryptionOptions { Keys = [new KekOptions { Id = "x" }] }, data.Path));
        Assert.Throws<InvalidOperationException>(() => KeyRing.Load(new EncryptionOptions { ActiveKeyId = "nope", Keys = options.Keys }, data.Path));
    }
}
