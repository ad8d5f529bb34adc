using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Admin;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Admin;

/// <summary>RecorderAdmin's entry method (what tools/RecorderAdmin's Main calls), run in-process on temporary stores.</summary>
public sealed class RecorderAdminTests : IDisposable
{
    private static readonly DateTimeOffset Day1 = new(2026, 5, 4, 9, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day2 = new(2026, 5, 5, 23, 59, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly TestStore _store;
    private readonly TestStore _backup;
    private readonly string _connection;
    private readonly List<RecordingManifest> _recordings = [];

    public RecorderAdminTests()
    {
        _store = new TestStore(Path.Combine(_directory.Path, "node-a"));
        _backup = new TestStore(Path.Combine(_directory.Path, "node-b"));
        _connection = SqliteClusterSchema.ConnectionStringFor(Path.Combine(_directory.Path, "db"));
        _recordings.Add(_store.Add("rec-1", Day1, TestStore.Audio(1)));
        _recordings.Add(_store.Add("rec-2", Day1.AddMinutes(5), TestStore.Audio(2, length: 10_000)));
        _recordings.Add(_store.Add("rec-3", Day2, TestStore.Audio(3, length: 1)));
        foreach (var recording in _recordings)
        {
            _store.CopyTo(_backup, recording);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task RebuildAddsEveryRecordingOfTheStoreAndAppliesTheSchema()
    {
        var (exitCode, output, _) = await RunAsync("rebuild", "--store", _store.Root, "--provider", "sqlite", "--connection", _connection);

        Assert.Equal(0, exitCode);
        Assert.Contains("3 manifests", output, StringComparison.Ordinal);
        Assert.Contains("added:              3", output, StringComparison.Ordinal);
        Assert.Contains("invalid:            0", output, StringComparison.Ordinal);
        var catalog = await CatalogAsync();
        foreach (var recording in _recordings)
        {
            Assert.Equal(recording, await catalog.GetAsync(recording.Id, Ct), ManifestJson.Instance);
        }

        await using var connection = new SqliteConnection(_connection);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'OrleansMembershipTable'";
        Assert.Equal(1L, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task RebuildTwiceAddsNothingTheSecondTime()
    {
        Assert.Equal(0, (await RunAsync("rebuild", "--store", _store.Root, "--provider", "sqlite", "--connection", _connection)).ExitCode);

        var (exitCode, output, _) = await RunAsync("rebuild", "--store", _store.Root, "--provider", "sqlite", "--connection", _connection);

        Assert.Equal(0, exitCode);
        Assert.Contains("added:              0", output, StringComparison.Ordinal);
        Assert.Contains("already present:    3", output, StringComparison.Ordinal);
        var page = await (await CatalogAsync()).QueryAsync(new RecordingQuery(null, null, null, null, null), Ct);
        Assert.Equal(3, page.Total);
    }

    [Fact]
    public async Task RebuildDoesNotBringBackADeletedRecording()
    {
        var catalog = await CatalogAsync();
        await catalog.AddTombstoneAsync("rec-2", Day2, "deleted by admin", Ct);

        var (exitCode, output, _) = await RunAsync("rebuild", "--store", _store.Root, "--provider", "sqlite", "--connection", _connection);

        Assert.Equal(0, exitCode);
        Assert.Contains("added:              2", output, StringComparison.Ordinal);
        Assert.Contains("skipped tombstoned: 1", output, StringComparison.Ordinal);
        Assert.Null(await catalog.GetAsync("rec-2", Ct));
        Assert.NotNull(await catalog.GetAsync("rec-1", Ct));
    }

    [Fact]
    public async Task RebuildReportsEachInvalidManifestWithItsReasonAndExitsWithOne()
    {
        var broken = _store.Add("broken-json", Day1, TestStore.Audio(10));
        File.WriteAllText(_store.ManifestPath(broken), "{ \"id\": \"broken-json\", ");
        var renamed = _store.Add("renamed", Day1, TestStore.Audio(11));
        File.WriteAllBytes(_store.ManifestPath(renamed), TestStore.Serialize(renamed with { Id = "someone-else" }));
        var noAudio = _store.Add("no-audio", Day1, TestStore.Audio(12));
        File.Delete(_store.AudioPath(noAudio));
        var shortAudio = _store.Add("short-audio", Day1, TestStore.Audio(13));
        File.WriteAllBytes(_store.AudioPath(shortAudio), TestStore.Audio(13, length: 100));
        var wrongDay = _store.Add("wrong-day", Day1, TestStore.Audio(14));
        File.Move(_store.ManifestPath(wrongDay), _store.ManifestPath(wrongDay with { StartedAt = Day2 }));

        var (exitCode, output, _) = await RunAsync("rebuild", "--store", _store.Root, "--provider", "sqlite", "--connection", _connection);

        Assert.Equal(1, exitCode);
        Assert.Contains("8 manifests", output, StringComparison.Ordinal);
        Assert.Contains("added:              3", output, StringComparison.Ordinal);
        Assert.Contains("invalid:            5", output, StringComparison.Ordinal);
        Assert.Contains("recordings/2026/05/04/broken-json.json: not a valid manifest", output, StringComparison.Ordinal);
        Assert.Contains("recordings/2026/05/04/renamed.json: id 'someone-else' does not match the file name 'renamed'", output, StringComparison.Ordinal);
        Assert.Contains("recordings/2026/05/04/no-audio.json: audio recordings/2026/05/04/no-audio.wav is missing", output, StringComparison.Ordinal);
        Assert.Contains("recordings/2026/05/04/short-audio.json: audio recordings/2026/05/04/short-audio.wav has 100 bytes, the manifest says 4000", output, StringComparison.Ordinal);
        Assert.Contains("recordings/2026/05/05/wrong-day.json: started on 2026-05-04 (UTC), so it belongs at recordings/2026/05/04/wrong-day.json", output, StringComparison.Ordinal);
        var catalog = await CatalogAsync();
        foreach (var id in new[] { "broken-json", "renamed", "someone-else", "no-audio", "short-audio", "wrong-day" })
        {
            Assert.Null(await catalog.GetAsync(id, Ct));
        }
    }

    [Fact]
    public async Task RebuildFromTheSharedStoreReadsItsBlobs()
    {
        var shared = SharedCopyOf(_recordings);
        shared.Put("recordings/2026/05/05/orphan.json", "not json"u8.ToArray());
        shared.Put("other/2026/05/05/ignored.json", TestStore.Serialize(_recordings[0]));
        var catalog = await CatalogAsync();

        var report = await new CatalogRebuilder(catalog).RunAsync(new SharedStoreReader(shared, "shared"), new Progress<long>(), Ct);

        Assert.Equal(4, report.Read);
        Assert.Equal(3, report.Added);
        Assert.Equal("recordings/2026/05/05/orphan.json", Assert.Single(report.Invalid).Name);
        Assert.NotNull(await catalog.GetAsync("rec-3", Ct));
    }

    [Fact]
    public async Task TheCatalogSchemaCreatesTheTombstonesTable()
    {
        var connection = SqliteClusterSchema.ConnectionStringFor(Path.Combine(_directory.Path, "fresh"));
        var (exitCode, _, error) = await RunAsync("rebuild", "--store", _store.Root, "--provider", "sqlite", "--connection", connection);

        Assert.True(exitCode == 0, error);
    }

    [Fact]
    public async Task ProgressIsPlainLinesWhenNotOnATerminal()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await AdminCli.RunAsync(
            ["rebuild", "--store", _store.Root, "--provider", "sqlite", "--connection", _connection], output, error, new PlainProgress(output, every: 1), Ct);

        Assert.Equal(0, exitCode);
        Assert.Contains("rebuild: 1 of 3", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("rebuild: 3 of 3", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyOfAHealthyStoreExitsWithZero()
    {
        var (exitCode, output, _) = await RunAsync("verify", "--store", _store.Root);

        Assert.Equal(0, exitCode);
        Assert.Contains("good:              3", output, StringComparison.Ordinal);
        Assert.Contains("still missing or corrupt: 0", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyFindsACorruptByteAndAMissingFileAndExitsWithOne()
    {
        var corrupt = _store.AudioPath(_recordings[1]);
        var bytes = File.ReadAllBytes(corrupt);
        bytes[5000] ^= 0x01;
        File.WriteAllBytes(corrupt, bytes);
        File.Delete(_store.AudioPath(_recordings[2]));

        var (exitCode, output, _) = await RunAsync("verify", "--store", _store.Root);

        Assert.Equal(1, exitCode);
        Assert.Contains("good:              1", output, StringComparison.Ordinal);
        Assert.Contains("missing:           1", output, StringComparison.Ordinal);
        Assert.Contains("corrupt:           1", output, StringComparison.Ordinal);
        Assert.Contains("repaired:          0", output, StringComparison.Ordinal);
        Assert.Contains($"recordings/2026/05/04/rec-2.wav: corrupt: SHA-256 {Sha256(bytes)}, the manifest says {_recordings[1].Sha256}", output, StringComparison.Ordinal);
        Assert.Contains("recordings/2026/05/05/rec-3.wav: missing", output, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(corrupt));
    }

    [Fact]
    public async Task VerifyRepairsBothFromASecondStore()
    {
        var corrupt = _store.AudioPath(_recordings[1]);
        var bytes = File.ReadAllBytes(corrupt);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(corrupt, bytes);
        File.Delete(_store.AudioPath(_recordings[2]));

        var (exitCode, output, _) = await RunAsync("verify", "--store", _store.Root, "--repair-from", _backup.Root);

        Assert.Equal(0, exitCode);
        Assert.Contains("missing:           1", output, StringComparison.Ordinal);
        Assert.Contains("corrupt:           1", output, StringComparison.Ordinal);
        Assert.Contains("repaired:          2", output, StringComparison.Ordinal);
        Assert.Contains("still missing or corrupt: 0", output, StringComparison.Ordinal);
        foreach (var recording in _recordings)
        {
            Assert.Equal(File.ReadAllBytes(_backup.AudioPath(recording)), File.ReadAllBytes(_store.AudioPath(recording)));
        }

        Assert.Empty(Directory.EnumerateFiles(_store.Root, "*" + StoreVerifier.RepairSuffix, SearchOption.AllDirectories));
        var (again, afterOutput, _) = await RunAsync("verify", "--store", _store.Root);
        Assert.Equal(0, again);
        Assert.Contains("good:              3", afterOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyKeepsTheCopyWhenTheRepairSourceIsBadToo()
    {
        var corrupt = _store.AudioPath(_recordings[0]);
        var bytes = File.ReadAllBytes(corrupt);
        bytes[^1] ^= 0x10;
        File.WriteAllBytes(corrupt, bytes);
        File.WriteAllBytes(_backup.AudioPath(_recordings[0]), TestStore.Audio(99));
        File.Delete(_store.AudioPath(_recordings[2]));
        File.Delete(_backup.AudioPath(_recordings[2]));

        var (exitCode, output, _) = await RunAsync("verify", "--store", _store.Root, "--repair-from", _backup.Root);

        Assert.Equal(1, exitCode);
        Assert.Contains("repaired:          0", output, StringComparison.Ordinal);
        Assert.Contains("still missing or corrupt: 2", output, StringComparison.Ordinal);
        Assert.Contains("rec-1.wav: corrupt: SHA-256 ", output, StringComparison.Ordinal);
        Assert.Contains("; not repaired: the copy in store " + _backup.Root + " is corrupt: SHA-256 ", output, StringComparison.Ordinal);
        Assert.Contains("rec-3.wav: missing; not repaired: store " + _backup.Root + " has no recordings/2026/05/05/rec-3.wav", output, StringComparison.Ordinal);
        Assert.Equal(bytes, File.ReadAllBytes(corrupt));
        Assert.Empty(Directory.EnumerateFiles(_store.Root, "*" + StoreVerifier.RepairSuffix, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task VerifyRepairsFromTheSharedStore()
    {
        File.Delete(_store.AudioPath(_recordings[0]));
        var shared = SharedCopyOf(_recordings);

        var report = await StoreVerifier.RunAsync(new FileStoreReader(_store.Root), new SharedStoreReader(shared, "shared"), null, new Progress<long>(), Ct);

        Assert.True(report.IsHealthy);
        Assert.Equal(1, report.Missing);
        Assert.Equal(1, report.Repaired);
        Assert.Equal(File.ReadAllBytes(_backup.AudioPath(_recordings[0])), File.ReadAllBytes(_store.AudioPath(_recordings[0])));
    }

    [Fact]
    public async Task VerifyCountsAnInvalidManifestAsAProblem()
    {
        File.WriteAllText(_store.ManifestPath(_recordings[0]), "[]");

        var (exitCode, output, _) = await RunAsync("verify", "--store", _store.Root);

        Assert.Equal(1, exitCode);
        Assert.Contains("invalid manifests: 1", output, StringComparison.Ordinal);
        Assert.Contains("recordings/2026/05/04/rec-1.json: not a valid manifest", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Usage")]
    [InlineData("frobnicate", "unknown command 'frobnicate'")]
    [InlineData("rebuild --provider", "--provider needs a value")]
    [InlineData("rebuild --store {store} --provider sqlite", "missing --connection")]
    [InlineData("rebuild --provider sqlite --connection {db}", "give exactly one of --store and --shared")]
    [InlineData("rebuild --store {store} --shared UseDevelopmentStorage=true --provider sqlite --connection {db}", "give exactly one of --store and --shared")]
    [InlineData("rebuild --store {store} --container c --provider sqlite --connection {db}", "--container goes with --shared")]
    [InlineData("rebuild --store {store} --provider oracle --connection {db}", "--provider must be sqlite or postgres")]
    [InlineData("rebuild --shared nonsense --provider sqlite --connection {db}", "--shared is not a valid connection string")]
    [InlineData("verify --store {store} --force yes", "unknown option --force")]
    [InlineData("verify --store {store} --repair-from {store}", "--repair-from is the store itself")]
    [InlineData("verify --store {store} --repair-from {store} --repair-shared UseDevelopmentStorage=true", "give at most one of")]
    [InlineData("verify --store {store} --container c", "--container goes with --repair-shared")]
    public async Task BadCommandLinesExitWithTwoAndSayWhy(string commandLine, string message)
    {
        var args = commandLine
            .Replace("{store}", _store.Root, StringComparison.Ordinal)
            .Replace("{db}", "DataSource=" + Path.Combine(_directory.Path, "db.sqlite"), StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var (exitCode, _, error) = await RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoreThatIsNotADataDirectoryExitsWithThree()
    {
        var (exitCode, _, error) = await RunAsync("verify", "--store", Path.Combine(_store.Root, "recordings"));
        Assert.Equal(3, exitCode);
        Assert.Contains("has no recordings folder", error, StringComparison.Ordinal);

        (exitCode, _, error) = await RunAsync("rebuild", "--store", Path.Combine(_directory.Path, "absent"), "--provider", "sqlite", "--connection", _connection);
        Assert.Equal(3, exitCode);
        Assert.Contains("no directory", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AdminCli.RunAsync(args, output, error, progress: null, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    private async Task<DbRecordingCatalog> CatalogAsync()
    {
        var catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, _connection);
        await catalog.InitializeAsync(Ct);
        return catalog;
    }

    private InMemorySharedBlobStore SharedCopyOf(IEnumerable<RecordingManifest> recordings)
    {
        var shared = new InMemorySharedBlobStore();
        foreach (var recording in recordings)
        {
            var key = TestStore.Key(recording);
            shared.Put(key.AudioName, File.ReadAllBytes(_backup.AudioPath(recording)));
            shared.Put(key.ManifestName, File.ReadAllBytes(_backup.ManifestPath(recording)));
        }

        return shared;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>Manifests compare by their JSON (records compare lists by reference).</summary>
    private sealed class ManifestJson : IEqualityComparer<RecordingManifest?>
    {
        public static readonly ManifestJson Instance = new();

        public bool Equals(RecordingManifest? x, RecordingManifest? y) =>
            x is not null && y is not null && TestStore.Serialize(x).AsSpan().SequenceEqual(TestStore.Serialize(y));

        public int GetHashCode(RecordingManifest? obj) => 0;
    }
}
