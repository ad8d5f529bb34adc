using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Abstractions.Maintenance;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Maintenance;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.Unit.Recording;

namespace OrleansRecorder.Tests.Unit.Maintenance;

/// <summary>Purge and export against a temp data directory and a temp SQLite catalog.</summary>
public sealed class MaintenanceJobsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 6, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(Now);
    private RecordingOptions _recording = null!;
    private DbRecordingCatalog _catalog = null!;
    private MaintenanceJobs _jobs = null!;
    private string _exportFolder = null!;

    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _recording = new RecordingOptions { DataDirectory = Path.Combine(_directory.Path, "data") };
        _exportFolder = Path.Combine(_directory.Path, "export");
        Directory.CreateDirectory(_exportFolder);
        _catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, SqliteClusterSchema.ConnectionStringFor(_recording.DataDirectory), _time);
        await _catalog.InitializeAsync(Ct);
        _jobs = new MaintenanceJobs(
            new RecordingPurger(_catalog, _recording, NullLogger<RecordingPurger>.Instance),
            new RecordingExporter(_catalog, _recording, NullLogger<RecordingExporter>.Instance),
            "node-a",
            _time,
            NullLogger<MaintenanceJobs>.Instance);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task PurgeDeletesOldRecordingsFromCatalogAndStoreButKeepsPreservedAndRecentOnes()
    {
        var old = await AddRecordingAsync("old", Now.AddDays(-40));
        var preserved = await AddRecordingAsync("kept", Now.AddDays(-41));
        var recent = await AddRecordingAsync("new", Now.AddDays(-5));
        Assert.True(await _catalog.SetPreservedAsync("kept", true, Ct));

        var run = await _jobs.RunAsync(MaintenanceJob.Purge, Settings() with { RetentionDays = 30 }, Ct);

        Assert.Equal((MaintenanceResult.Succeeded, 1, 1, 0), (run.Result, run.Done, run.Skipped, run.Errors));
        Assert.Equal("node-a", run.Node);
        Assert.Null(await _catalog.GetAsync("old", Ct));
        Assert.False(File.Exists(old.Audio));
        Assert.False(File.Exists(old.Manifest));
        Assert.NotNull(await _catalog.GetAsync("kept", Ct));
        Assert.True(File.Exists(preserved.Audio));
        Assert.NotNull(await _catalog.GetAsync("new", Ct));
        Assert.True(File.Exists(recent.Audio));

        var again = await _jobs.RunAsync(MaintenanceJob.Purge, Settings() with { RetentionDays = 30 }, Ct);
        Assert.Equal((MaintenanceResult.Succeeded, 0, 1, 0), (again.Result, again.Done, again.Skipped, again.Errors));
    }

    [Fact]
    public async Task PurgeOfARecordingWhoseFilesAreElsewhereStillRemovesTheRow()
    {
        await AddRecordingAsync("remote", Now.AddDays(-100), writeFiles: false);
        var run = await _jobs.RunAsync(MaintenanceJob.Purge, Settings() with { RetentionDays = 30 }, Ct);
        Assert.Equal((MaintenanceResult.Succeeded, 1), (run.Result, run.Done));
        Assert.Null(await _catalog.GetAsync("remote", Ct));
    }

    [Fact]
    public async Task ExportCopiesAudioAndManifestOnceAndAdvancesTheCheckpoint()
    {
        var first = await AddRecordingAsync("r1", Now.AddHours(-2), near: "1001", far: "+4930 555");
        await AddRecordingAsync("r2", Now.AddHours(-1));

        var run = await _jobs.RunAsync(MaintenanceJob.Export, Settings(), Ct);

        Assert.Equal((MaintenanceResult.Succeeded, 2, 0), (run.Result, run.Done, run.Errors));
        var audio = Path.Combine(_exportFolder, "20260630-100000_1001_+4930_555_r1.wav");
        Assert.Equal(File.ReadAllBytes(first.Audio), File.ReadAllBytes(audio));
        Assert.True(File.Exists(Path.ChangeExtension(audio, ".json")));
        Assert.Equal(4, Directory.GetFiles(_exportFolder).Length);
        Assert.Equal(2, await _catalog.GetCheckpointAsync(RecordingExporter.CheckpointName, Ct));

        var again = await _jobs.RunAsync(MaintenanceJob.Export, Settings(), Ct);
        Assert.Equal((MaintenanceResult.Succeeded, 0), (again.Result, again.Done));
        Assert.Equal(4, Directory.GetFiles(_exportFolder).Length);

        await AddRecordingAsync("r3", Now);
        var third = await _jobs.RunAsync(MaintenanceJob.Export, Settings(), Ct);
        Assert.Equal(1, third.Done);
        Assert.Equal(6, Directory.GetFiles(_exportFolder).Length);
    }

    [Fact]
    public async Task AnAlreadyExportedCorrectFileIsAcceptedAfterACrashBeforeTheCheckpoint()
    {
        var recording = await AddRecordingAsync("r1", Now.AddHours(-2), near: "1001", far: "2002");
        var target = Path.Combine(_exportFolder, "20260630-100000_1001_2002_r1.wav");
        File.Copy(recording.Audio, target);
        File.WriteAllText(target + ".partial", "left over by a crash");

        var run = await _jobs.RunAsync(MaintenanceJob.Export, Settings(), Ct);

        Assert.Equal((MaintenanceResult.Succeeded, 1), (run.Result, run.Done));
        Assert.True(File.Exists(Path.ChangeExtension(target, ".json")));
        Assert.Equal(1, await _catalog.GetCheckpointAsync(RecordingExporter.CheckpointName, Ct));
    }

    [Fact]
    public async Task AForeignFileWithTheTargetNameStopsTheExportWithoutMovingTheCheckpoint()
    {
        await AddRecordingAsync("r1", Now.AddHours(-2), near: "1001", far: "2002");
        await File.WriteAllTextAsync(Path.Combine(_exportFolder, "20260630-100000_1001_2002_r1.wav"), "not the recording", Ct);

        var run = await _jobs.RunAsync(MaintenanceJob.Export, Settings(), Ct);

        Assert.Equal((MaintenanceResult.Failed, 0, 1), (run.Result, run.Done, run.Errors));
        Assert.Contains("r1", run.Message, StringComparison.Ordinal);
        Assert.Equal(0, await _catalog.GetCheckpointAsync(RecordingExporter.CheckpointName, Ct));
    }

    [Fact]
    public async Task DamagedAudioIsNotExported()
    {
        var recording = await AddRecordingAsync("r1", Now.AddHours(-2));
        await File.AppendAllTextAsync(recording.Audio, "bit rot", Ct);

        var run = await _jobs.RunAsync(MaintenanceJob.Export, Settings(), Ct);

        Assert.Equal(MaintenanceResult.Failed, run.Result);
        Assert.Contains("SHA-256", run.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_exportFolder));
    }

    [Fact]
    public async Task AMissingExportFolderIsAFailedRunWithAMessage()
    {
        await AddRecordingAsync("r1", Now.AddHours(-2));
        var missing = Path.Combine(_directory.Path, "no-such-folder");

        var run = await _jobs.RunAsync(MaintenanceJob.Export, Settings() with { ExportFolder = missing }, Ct);

        Assert.Equal(MaintenanceResult.Failed, run.Result);
        Assert.Contains(missing, run.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", run.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task NoExportFolderSkipsTheExport()
    {
        var run = await _jobs.RunAsync(MaintenanceJob.Export, Settings() with { ExportFolder = null }, Ct);
        Assert.Equal(MaintenanceResult.Skipped, run.Result);
        Assert.NotNull(run.Message);
    }

    [Fact]
    public async Task SettingsRunsAndCheckpointsPersistInTheCatalog()
    {
        Assert.Null(await _catalog.GetMaintenanceSettingsAsync(Ct));
        var settings = Settings() with { PurgePeriod = TimeSpan.FromMinutes(7) };
        await _catalog.SaveMaintenanceSettingsAsync(settings, Ct);
        await _catalog.SaveMaintenanceSettingsAsync(settings, Ct);
        Assert.Equal(settings, await _catalog.GetMaintenanceSettingsAsync(Ct));

        var store = new CatalogMaintenanceStore(_catalog);
        Assert.Null(await store.GetLastRunAsync(MaintenanceJob.Purge, Ct));
        var first = new MaintenanceRun(MaintenanceJob.Purge, "node-a", Now, Now.AddSeconds(1), MaintenanceResult.Succeeded, 3, 1, 0, null);
        var second = first with { Node = "node-b", Result = MaintenanceResult.Failed, Message = "boom" };
        await store.AddRunAsync(first, Ct);
        await store.AddRunAsync(second, Ct);
        Assert.Equal(second, await store.GetLastRunAsync(MaintenanceJob.Purge, Ct));
        Assert.Null(await store.GetLastRunAsync(MaintenanceJob.Export, Ct));

        await _catalog.AdvanceCheckpointAsync("export", 5, Ct);
        await _catalog.AdvanceCheckpointAsync("export", 3, Ct);
        Assert.Equal(5, await _catalog.GetCheckpointAsync("export", Ct));
    }

    [Fact]
    public async Task ReAddingARecordingKeepsItsSequence()
    {
        var a = await AddRecordingAsync("a", Now, writeFiles: false);
        await AddRecordingAsync("b", Now, writeFiles: false);
        await _catalog.AddAsync(a.Entry with { Status = RecordingStatus.Partial }, Ct);

        var entries = await _catalog.ListAddedAfterAsync(0, 10, Ct);
        Assert.Equal([("a", 1L), ("b", 2L)], entries.Select(e => (e.Manifest.Id, e.Sequence)));
    }

    private MaintenanceSettings Settings() => MaintenanceSettings.Default with
    {
        ExportFolder = _exportFolder,
        FileNamePattern = "{date:yyyyMMdd}-{time:HHmmss}_{near}_{far}_{id}",
    };

    private async Task<(RecordingManifest Entry, string Audio, string Manifest)> AddRecordingAsync(
        string id, DateTimeOffset startedAt, bool writeFiles = true, string near = "1001", string far = "2002")
    {
        var audio = new byte[1000 + id.Length];
        Random.Shared.NextBytes(audio);
        var manifest = new RecordingManifest
        {
            Id = id,
            StartedAt = startedAt,
            EndedAt = startedAt.AddSeconds(10),
            DurationSeconds = 10,
            NearEnd = new RecordingParty { Number = near },
            FarEnd = new RecordingParty { Number = far },
            Format = "wav",
            SizeBytes = audio.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(audio)),
            RecordedBy = "node-a",
            Status = RecordingStatus.Complete,
        };
        var directory = RecordingPaths.RecordingDirectory(_recording, startedAt);
        var audioPath = Path.Combine(directory, id + ".wav");
        var manifestPath = Path.Combine(directory, id + ".json");
        if (writeFiles)
        {
            Directory.CreateDirectory(directory);
            await File.WriteAllBytesAsync(audioPath, audio, Ct);
            await AtomicFile.WriteJsonAsync(manifestPath, manifest, RecordingJsonContext.Default.RecordingManifest, Ct);
        }

        await _catalog.AddAsync(manifest, Ct);
        return (manifest, audioPath, manifestPath);
    }
}
