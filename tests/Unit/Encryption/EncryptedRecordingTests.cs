using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Catalog;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Encryption;

/// <summary>
/// A finalized call stored encrypted: the file is ciphertext with the manifest's SHA-256, its data key waits beside the
/// pending marker and reaches the catalog with the row (at once, or after an outage), and a deletion meanwhile keeps it out.
/// </summary>
public sealed class EncryptedRecordingTests : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _databaseDirectory;
    private readonly DbRecordingCatalog _catalog;
    private readonly CatalogIndexer _indexer;
    private readonly KeyRing _keys;

    public EncryptedRecordingTests()
    {
        _databaseDirectory = Path.Combine(_data.Path, "db");
        _catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, SqliteClusterSchema.ConnectionStringFor(_databaseDirectory));
        _indexer = new CatalogIndexer(_catalog, new ReplicationQueueSpy(), _data.Path, _time, NullLogger<CatalogIndexer>.Instance);
        _keys = new KeyRing([new AesKeyEncryptionKey("kek-test", RandomNumberGenerator.GetBytes(32))], "kek-test");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task TheStoredFileIsCiphertextAndDecryptsWithTheKeyFromTheCatalog()
    {
        await _catalog.InitializeAsync(Ct);
        var recording = await RecordAsync("enc-1");

        var stored = await File.ReadAllBytesAsync(recording.AudioPath, Ct);
        Assert.True(SegmentedAeadHeader.IsEncrypted(stored));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), recording.Manifest.Sha256);
        Assert.Equal(stored.Length, recording.Manifest.SizeBytes);
        Assert.NotNull(DataKeyEscrow.Read(_data.Path, "enc-1"));

        Assert.True(await _indexer.AddAsync(recording, Ct));

        Assert.Null(DataKeyEscrow.Read(_data.Path, "enc-1"));
        var wrapped = await _catalog.GetDataKeyAsync("enc-1", Ct);
        Assert.Equal("kek-test", wrapped!.KekId);
        var plain = Plaintext.Of(recording.AudioPath, _keys.Unwrap(wrapped));
        Assert.Equal(recording.Manifest.Encryption!.PlainSha256, Convert.ToHexStringLower(SHA256.HashData(plain)));
        Assert.Equal(recording.Manifest.Encryption.PlainSizeBytes, plain.Length);
        var (left, right) = Channels(plain);
        Assert.All(left, s => Assert.Equal(11, s));
        Assert.All(right, s => Assert.Equal(22, s));
        Assert.Equal(800, left.Length);
    }

    [Fact]
    public async Task AKeyFinalizedDuringAnOutageReachesTheCatalogWithItsRow()
    {
        var recording = await RecordAsync("enc-late");
        Assert.False(await _indexer.AddAsync(recording, Ct));
        Assert.NotNull(DataKeyEscrow.Read(_data.Path, "enc-late"));

        Directory.CreateDirectory(_databaseDirectory);
        await _catalog.InitializeAsync(Ct);
        Assert.Equal(0, await _indexer.RetryPendingAsync(Ct));

        Assert.NotNull(await _catalog.GetAsync("enc-late", Ct));
        Assert.NotNull(await _catalog.GetDataKeyAsync("enc-late", Ct));
        Assert.Null(DataKeyEscrow.Read(_data.Path, "enc-late"));
    }

    [Fact]
    public async Task ARecordingDeletedWhileItsKeyWaitedNeverGetsTheKeyBack()
    {
        var recording = await RecordAsync("enc-deleted");
        Assert.False(await _indexer.AddAsync(recording, Ct));
        Directory.CreateDirectory(_databaseDirectory);
        await _catalog.InitializeAsync(Ct);
        await _catalog.AddTombstoneAsync("enc-deleted", _time.GetUtcNow(), "deleted", "alice", Ct);

        await _indexer.RetryPendingAsync(Ct);

        Assert.Null(await _catalog.GetDataKeyAsync("enc-deleted", Ct));
        Assert.Null(DataKeyEscrow.Read(_data.Path, "enc-deleted"));
        Assert.False(File.Exists(DataKeyEscrow.PathOf(_data.Path, "enc-deleted")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheExportWritesDecryptedCopiesByDefaultOrTheCiphertextAsStored(bool decrypted)
    {
        await _catalog.InitializeAsync(Ct);
        var recording = await RecordAsync("enc-export");
        Assert.True(await _indexer.AddAsync(recording, Ct));
        var folder = Path.Combine(_data.Path, "export");
        Directory.CreateDirectory(folder);
        var exporter = new OrleansRecorder.Silo.Maintenance.RecordingExporter(
            _catalog, new RecordingOptions { DataDirectory = _data.Path }, NullLogger<OrleansRecorder.Silo.Maintenance.RecordingExporter>.Instance,
            keys: decrypted ? _keys : null);

        var outcome = await exporter.ExportAsync(OrleansRecorder.Abstractions.Maintenance.MaintenanceSettings.Default with { ExportFolder = folder }, Ct);

        Assert.Equal(1, outcome.Done);
        var exported = await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(folder, "*.wav")), Ct);
        var manifest = Assert.Single(Directory.GetFiles(folder, "*.json"));
        Assert.Contains(recording.Manifest.Encryption!.PlainSha256, await File.ReadAllTextAsync(manifest, Ct), StringComparison.Ordinal);
        if (decrypted)
        {
            Assert.Equal("RIFF"u8.ToArray(), exported[..4]);
            Assert.Equal(recording.Manifest.Encryption.PlainSha256, Convert.ToHexStringLower(SHA256.HashData(exported)));
        }
        else
        {
            Assert.Equal(await File.ReadAllBytesAsync(recording.AudioPath, Ct), exported);
        }
    }

    [Fact]
    public async Task WithEncryptionOffTheFileStaysPlain()
    {
        var options = new RecordingOptions { DataDirectory = _data.Path };
        var recording = await RecordAsync("plain", options);

        Assert.Null(recording.Manifest.Encryption);
        Assert.False(SegmentedAeadHeader.IsEncrypted(await File.ReadAllBytesAsync(recording.AudioPath, Ct)));
        Assert.Null(DataKeyEscrow.Read(_data.Path, "plain"));
    }

    [Fact]
    public async Task ALongRecordingSpillsUnderTheSegmentKeyAndIsStoredAsAShortOneIs()
    {
        // 40 s of two-channel WAV, 1.28 MB: more than the finalizer keeps in memory before encrypting it.
        var options = new RecordingOptions
        {
            DataDirectory = _data.Path,
            Encryptor = new RecordingEncryptor(_keys),
            SegmentKeys = new SegmentKeys(_keys, null, encryptNew: true),
        };
        const int Samples = 40 * 8000;
        Assert.True(Samples * 2 * sizeof(short) > SegmentFinalizer.SpoolMemoryLimit);

        var recording = await RecordAsync("long", options, Samples);

        var stored = await File.ReadAllBytesAsync(recording.AudioPath, Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), recording.Manifest.Sha256);
        Assert.Equal(stored.Length, recording.Manifest.SizeBytes);
        var plain = Plaintext.Of(recording.AudioPath, _keys.Unwrap(DataKeyEscrow.Read(_data.Path, "long")!));
        Assert.Equal(recording.Manifest.Encryption!.PlainSha256, Convert.ToHexStringLower(SHA256.HashData(plain)));
        var (left, right) = Channels(plain);
        Assert.Equal(Samples, left.Length);
        Assert.All(left, s => Assert.Equal(11, s));
        Assert.All(right, s => Assert.Equal(22, s));
        Assert.Empty(Directory.EnumerateFiles(_data.Path, "*.tmp*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task AFinalizationKilledBetweenItsStepsIsDoneAgainWholeByTheNext()
    {
        // What a process killed mid-finalization leaves: a spill in the call's folder, a half-written ciphertext beside
        // the recording, and the data key of that attempt escrowed. The next attempt replaces all three.
        var options = new RecordingOptions { DataDirectory = _data.Path, Encryptor = new RecordingEncryptor(_keys) };
        var started = RecordingSessionTests.Info("killed").StartedAt;
        var audio = Path.Combine(RecordingPaths.RecordingDirectory(options, started), "killed.wav");
        Directory.CreateDirectory(Path.GetDirectoryName(audio)!);
        await File.WriteAllBytesAsync(audio + ".tmp.enc", RandomNumberGenerator.GetBytes(5000), Ct);
        DataKeyEscrow.Write(_data.Path, "killed", _keys.Wrap(RandomNumberGenerator.GetBytes(32)));
        var session = RecordingSession.Create(options, RecordingSessionTests.Info("killed"), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Repeat((short)11, 800).ToArray());
        session.FarEnd.Write(Enumerable.Repeat((short)22, 800).ToArray());
        var spill = Path.Combine(RecordingPaths.SegmentDirectory(options, "killed"), SegmentFinalizer.SpoolFileName);
        await File.WriteAllBytesAsync(spill, RandomNumberGenerator.GetBytes(5000), Ct);
        await session.DisposeAsync();

        var recording = Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(options, _time, NullLogger.Instance, Ct));

        Assert.Equal(audio, recording.AudioPath);
        var stored = await File.ReadAllBytesAsync(audio, Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), recording.Manifest.Sha256);
        var plain = Plaintext.Of(audio, _keys.Unwrap(DataKeyEscrow.Read(_data.Path, "killed")!));
        Assert.Equal(recording.Manifest.Encryption!.PlainSha256, Convert.ToHexStringLower(SHA256.HashData(plain)));
        Assert.All(Channels(plain).Left, s => Assert.Equal(11, s));
        Assert.False(File.Exists(audio + ".tmp.enc"));
        Assert.False(Directory.Exists(RecordingPaths.SegmentDirectory(options, "killed")));
    }

    private async Task<FinalizedRecording> RecordAsync(string id, RecordingOptions? options = null, int samples = 800)
    {
        options ??= new RecordingOptions { DataDirectory = _data.Path, Encryptor = new RecordingEncryptor(_keys) };
        var session = RecordingSession.Create(options, RecordingSessionTests.Info(id), _time);
        session.NearEnd.OnFirstPacket(_time.GetTimestamp());
        session.FarEnd.OnFirstPacket(_time.GetTimestamp());
        session.NearEnd.Write(Enumerable.Repeat((short)11, samples).ToArray());
        session.FarEnd.Write(Enumerable.Repeat((short)22, samples).ToArray());
        await session.DisposeAsync();
        return Assert.Single(await RecordingRecovery.FinalizeInterruptedAsync(options, _time, NullLogger.Instance, Ct));
    }

    private (short[] Left, short[] Right) Channels(byte[] wav)
    {
        var path = Path.Combine(_data.Path, Guid.NewGuid().ToString("N") + ".wav");
        File.WriteAllBytes(path, wav);
        return RecordingSessionTests.Channels(path);
    }
}
