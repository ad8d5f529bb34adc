using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Admin;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Configuration;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Integrity;
using OrleansRecorder.Silo.Maintenance;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Silo.Security;
using OrleansRecorder.Tests.Unit.Catalog;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Integrity;

/// <summary>
/// The export carries what a third party needs (issue 16, item 5): the signed manifests (decrypted audio checked
/// against their plaintext hash), the chain segment they form, and the signing public key; <c>verify --export</c> with
/// that key alone passes the export as written and names a changed copy and a removed recording.
/// </summary>
public sealed class SignedExportTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly FakeTimeProvider _time = new(Sealed.Start);
    private readonly NodeSigningKey _key = Sealed.NewKey();
    private readonly KeyRing _keys = new([new AesKeyEncryptionKey("kek-test", RandomNumberGenerator.GetBytes(32))], "kek-test");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _key.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task AnExportVerifiesWithThePublicKeyAloneAndNamesWhatWasChangedOrRemoved()
    {
        var connection = SqliteClusterSchema.ConnectionStringFor(_data.Path);
        await SqliteClusterSchema.ApplyAsync(connection, Ct);
        var catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, connection);
        await catalog.InitializeAsync(Ct);
        var indexer = new CatalogIndexer(catalog, new ReplicationQueueSpy(), _data.Path, _time, NullLogger<CatalogIndexer>.Instance);
        var options = new RecordingOptions { DataDirectory = _data.Path, Encryptor = new RecordingEncryptor(_keys), Sealer = new ManifestSealer(_key, _data.Path) };
        var ids = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            var recording = await RecordAsync(options, "exp-" + i);
            Assert.True(await indexer.AddAsync(recording, Ct));
            ids.Add(recording.RecordingId);
        }

        using var directory = new SigningKeyDirectory(_key, new SigningOptions(), new SqliteSecurityStore(connection), _time, NullLogger<SigningKeyDirectory>.Instance);
        await directory.StartAsync(Ct);
        var folder = Path.Combine(_data.Path, "export");
        Directory.CreateDirectory(folder);
        var exporter = new RecordingExporter(catalog, options, NullLogger<RecordingExporter>.Instance, keys: _keys, signingKeys: directory);

        Assert.Equal(4, (await exporter.ExportAsync(MaintenanceSettings.Default with { ExportFolder = folder }, Ct)).Done);

        var keyFile = Assert.Single(Directory.GetFiles(Path.Combine(folder, RecordingExporter.SigningKeysFolder)));
        Assert.Equal(_key.KeyId + ".pem", Path.GetFileName(keyFile));
        var clean = await VerifyAsync(folder, keyFile);
        Assert.True(clean.ExitCode == AdminCli.Success, clean.Output);
        Assert.Contains("signed:            4", clean.Output, StringComparison.Ordinal);

        var audio = Directory.GetFiles(folder, "*.wav").Order(StringComparer.Ordinal).ToList();
        var changed = audio.Single(f => f.Contains(ids[0], StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(changed, Ct);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(changed, bytes, Ct);
        var removed = audio.Single(f => f.Contains(ids[2], StringComparison.Ordinal));
        File.Delete(removed);
        File.Delete(Path.ChangeExtension(removed, ".json"));

        var tampered = await VerifyAsync(folder, keyFile);

        Assert.True(tampered.ExitCode == AdminCli.NeedsAttention, tampered.Output);
        Assert.Contains("still missing or corrupt: 1", tampered.Output, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(changed) + ": corrupt", tampered.Output, StringComparison.Ordinal);
        Assert.Contains("recordings changed, removed, reordered or inserted: 1", tampered.Output, StringComparison.Ordinal);
        Assert.Contains($"entry 3 of the chain ({ids[2]}) is missing", tampered.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> VerifyAsync(string folder, string keyFile)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await AdminCli.RunAsync(["verify", "--export", folder, "--keys", keyFile], output, error, new PlainProgress(TextWriter.Null), Ct);
        return (exitCode, output + error.ToString());
    }

    private async Task<FinalizedRecording> RecordAsync(RecordingOptions options, string id)
    {
        var session = RecordingSession.Create(options, RecordingSessionTests.Info(id), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Repeat((short)7, 800).ToArray());
        await session.DisposeAsync();
        return Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(options, _time, NullLogger.Instance, Ct));
    }
}
