using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Admin;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Tests.Unit.Encryption;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Admin;

/// <summary>
/// RecorderAdmin <c>rewrap</c> (KEK rotation without touching the audio) and <c>decrypt</c> (public-key-only mode: the
/// node encrypts with an RSA public key, the operator decrypts with the private key), in-process on a real SQLite catalog.
/// </summary>
public sealed class KeyManagementCliTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _connection;
    private readonly DbRecordingCatalog _catalog;

    public KeyManagementCliTests()
    {
        _connection = SqliteClusterSchema.ConnectionStringFor(Path.Combine(_directory.Path, "db"));
        _catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, _connection);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task RewrapMovesEveryKeyOfTheOldKekToTheNewOneAndLeavesTheAudioAlone()
    {
        await SqliteClusterSchema.ApplyAsync(_connection, Ct);
        await _catalog.InitializeAsync(Ct);
        var (oldSpec, oldKek) = AesKek("old");
        var (newSpec, newKek) = AesKek("new");
        var (_, otherKek) = AesKek("other");
        var audio = new Dictionary<string, (byte[] Plain, string File)>();
        for (var i = 0; i < 3; i++)
        {
            audio[$"rec-{i}"] = await SealAsync($"rec-{i}", i < 2 ? oldKek : otherKek);
        }

        var before = audio.ToDictionary(a => a.Key, a => File.ReadAllBytes(a.Value.File));

        var (exitCode, output, _) = await RunAsync("rewrap", "--provider", "sqlite", "--connection", _connection, "--from", oldSpec, "--to", newSpec);

        Assert.Equal(0, exitCode);
        Assert.Contains("rewrapped:    2", output, StringComparison.Ordinal);
        Assert.Contains("other KEK:    1", output, StringComparison.Ordinal);
        var newRing = new KeyRing([newKek], "new");
        foreach (var id in new[] { "rec-0", "rec-1" })
        {
            var key = (await _catalog.GetDataKeyAsync(id, Ct))!;
            Assert.Equal("new", key.KekId);
            Assert.Equal(audio[id].Plain, Plaintext.Of(audio[id].File, newRing.Unwrap(key)));
            Assert.Equal(before[id], await File.ReadAllBytesAsync(audio[id].File, Ct));
        }

        Assert.Equal("other", (await _catalog.GetDataKeyAsync("rec-2", Ct))!.KekId);

        // Run again (after an interruption, say): nothing left to move.
        var (again, againOutput, _) = await RunAsync("rewrap", "--provider", "sqlite", "--connection", _connection, "--from", oldSpec, "--to", newSpec);
        Assert.Equal(0, again);
        Assert.Contains("rewrapped:    0", againOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublicKeyOnlyNodeCannotDecryptButTheCliWithThePrivateKeyCan()
    {
        await SqliteClusterSchema.ApplyAsync(_connection, Ct);
        await _catalog.InitializeAsync(Ct);
        using var rsa = RSA.Create(3072);
        var publicFile = Path.Combine(_directory.Path, "kek.pub.pem");
        var privateFile = Path.Combine(_directory.Path, "kek.pem");
        await File.WriteAllTextAsync(publicFile, rsa.ExportSubjectPublicKeyInfoPem(), Ct);
        await File.WriteAllTextAsync(privateFile, rsa.ExportPkcs8PrivateKeyPem(), Ct);
        var node = KeyRing.FromSpec("escrow=" + publicFile);
        var (plain, file) = await SealAsync("rec-pk", node);

        var wrapped = (await _catalog.GetDataKeyAsync("rec-pk", Ct))!;
        Assert.Equal(RsaKeyEncryptionKey.AlgorithmName, wrapped.Algorithm);
        var refused = Assert.Throws<KeyUnavailableException>(() => new KeyRing([node], "escrow").Unwrap(wrapped));
        Assert.True(refused.PublicKeyOnly);

        var target = Path.Combine(_directory.Path, "out.wav");
        var (exitCode, output, error) = await RunAsync("decrypt", "--provider", "sqlite", "--connection", _connection, "--id", "rec-pk",
            "--file", file, "--key", "escrow=" + privateFile, "--out", target);

        Assert.True(exitCode == 0, error);
        Assert.Contains("decrypted recording rec-pk", output, StringComparison.Ordinal);
        Assert.Equal(plain, await File.ReadAllBytesAsync(target, Ct));

        var (withPublic, _, publicError) = await RunAsync("decrypt", "--provider", "sqlite", "--connection", _connection, "--id", "rec-pk",
            "--file", file, "--key", "escrow=" + publicFile, "--out", target + "2");
        Assert.Equal(AdminCli.NeedsAttention, withPublic);
        Assert.Contains("public-key-only", publicError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecryptOfAnErasedRecordingSaysWhenWhyAndByWhom()
    {
        await SqliteClusterSchema.ApplyAsync(_connection, Ct);
        await _catalog.InitializeAsync(Ct);
        var (spec, kek) = AesKek("k");
        var (_, file) = await SealAsync("rec-gone", kek);
        await _catalog.AddTombstoneAsync("rec-gone", DateTimeOffset.UnixEpoch, "deleted through the API", "alice", Ct);

        var (exitCode, _, error) = await RunAsync("decrypt", "--provider", "sqlite", "--connection", _connection, "--id", "rec-gone",
            "--file", file, "--key", spec, "--out", Path.Combine(_directory.Path, "x.wav"));

        Assert.Equal(AdminCli.NeedsAttention, exitCode);
        Assert.Contains("erased 1970-01-01T00:00:00.0000000+00:00 (deleted through the API, by alice)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RewrapRefusesABadKeySpec()
    {
        var (exitCode, _, error) = await RunAsync("rewrap", "--provider", "sqlite", "--connection", _connection, "--from", "no-equals-sign", "--to", "x=y");

        Assert.Equal(AdminCli.UsageError, exitCode);
        Assert.Contains("--from", error, StringComparison.Ordinal);
    }

    private (string Spec, AesKeyEncryptionKey Kek) AesKek(string id)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var path = Path.Combine(_directory.Path, id + ".key");
        File.WriteAllText(path, Convert.ToBase64String(key));
        return ($"{id}={path}", new AesKeyEncryptionKey(id, key));
    }

    private async Task<(byte[] Plain, string File)> SealAsync(string id, IKeyEncryptionKey kek)
    {
        var plain = RandomNumberGenerator.GetBytes(150_000);
        var path = Path.Combine(_directory.Path, id + ".wav");
        await File.WriteAllBytesAsync(path, plain, Ct);
        var info = await new RecordingEncryptor(new KeyRing([kek], kek.Id)).SealAsync(path, _directory.Path, id, Ct);
        Assert.Equal(plain.Length, info.PlainSizeBytes);
        await _catalog.AddDataKeyAsync(id, DataKeyEscrow.Read(_directory.Path, id)!, Ct);
        return (plain, path);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AdminCli.RunAsync(args, output, error, null, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }
}
