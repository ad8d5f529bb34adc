using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Storage;
using OrleansRecorder.Tests.EndToEnd.Harness;
using OrleansRecorder.Tests.Integration.Storage;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Encryption at rest with real processes (docs/ENCRYPTION.md): a call recorded on one node is stored as ciphertext,
/// the same bytes reach the second node and Azurite, and either node plays it back decrypted with Range requests; a
/// deletion while a node is down destroys the data key, so that node's copy is unreadable the moment it returns.
/// </summary>
public sealed class EncryptionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEncryptedCallReachesTheBackupAndAzuriteUnchangedAndPlaysWithRanges()
    {
        var cluster = SharedClusterSettings.Create();
        var azurite = await AzuriteServer.ConnectionStringAsync();
        var container = "enc" + Guid.NewGuid().ToString("N")[..12];
        (string, string)[] shared = [("Recorder__SharedStore__ConnectionString", azurite), ("Recorder__SharedStore__Container", container)];
        await using var primary = await RecorderNode.StartAsync(cluster.With("primary", shared));
        await using var backup = await RecorderNode.StartAsync(cluster.With("backup", shared));

        await CallPlacer.PlaceAsync(primary, ["64000001"], toneSeconds: 3, durationMs: 3500);
        var recording = (await primary.WaitForRecordingsAsync(1)).Items.Single();

        // The stored file is ciphertext, and the very same bytes are on the backup's disk and in the shared store.
        var primaryFile = AudioFile(primary, recording);
        var stored = await File.ReadAllBytesAsync(primaryFile, Ct);
        Assert.True(SegmentedAeadHeader.IsEncrypted(stored), "the stored file has the ORAE header");
        Assert.Equal(recording.Sha256, Convert.ToHexStringLower(SHA256.HashData(stored)));
        await WaitForAsync(() => File.Exists(AudioFile(backup, recording)) && Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(AudioFile(backup, recording)))) == recording.Sha256, "copy on the backup");
        var store = new AzureBlobSharedStore(azurite, container);
        var blobName = Path.GetRelativePath(primary.DataDirectory, primaryFile).Replace('\\', '/');
        byte[] blob = [];
        await WaitForAsync(async () =>
        {
            if (!await store.ExistsAsync(blobName, Ct))
            {
                return false;
            }

            using var buffer = new MemoryStream();
            await store.DownloadToAsync(blobName, buffer, Ct);
            blob = buffer.ToArray();
            return true;
        }, "blob in Azurite");
        Assert.Equal(stored, blob);

        // Played back through the backup's API: decrypted, its hash the manifest's plaintext hash, the tones in place.
        var details = await backup.GetJsonAsync<RecordingView>($"/api/recordings/{recording.Id}");
        var encryption = details.Manifest!.Value.GetProperty("encryption");
        var plain = await backup.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", Ct);
        Assert.Equal(encryption.GetProperty("plainSha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(plain)));
        Assert.Equal(encryption.GetProperty("plainSizeBytes").GetInt64(), plain.Length);
        Assert.NotEqual(stored.Length, plain.Length);
        var wav = StereoWav.Read(plain);
        Assert.InRange(wav.DurationSeconds, 2.9, 3.3);
        Assert.True(StereoWav.Goertzel(wav.Left, CallPlacer.NearTone, 8000) > 100 * StereoWav.Goertzel(wav.Left, CallPlacer.FarTone, 8000), "near-end tone on the left");

        // Ranges of the plaintext: inside the first segment, across the 64 KiB segment boundary, a suffix in the
        // partial last segment, an open end, and one past the end (416).
        var length = plain.Length;
        foreach (var (header, first, last) in new[]
        {
            ("bytes=0-99", 0, 99),
            ("bytes=65500-65600", 65500, 65600),
            ("bytes=-100", length - 100, length - 1),
            ($"bytes={length - 70000}-", length - 70000, length - 1),
        })
        {
            foreach (var node in new[] { primary, backup })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/recordings/{recording.Id}/audio");
                request.Headers.TryAddWithoutValidation("Range", header);
                using var response = await node.Http.SendAsync(request, Ct);
                Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
                Assert.Equal(new ContentRangeHeaderValue(first, last, length), response.Content.Headers.ContentRange);
                Assert.Equal(plain[first..(last + 1)], await response.Content.ReadAsByteArrayAsync(Ct));
            }
        }

        using var beyond = new HttpRequestMessage(HttpMethod.Get, $"/api/recordings/{recording.Id}/audio");
        beyond.Headers.TryAddWithoutValidation("Range", $"bytes={length}-");
        using var refused = await backup.Http.SendAsync(beyond, Ct);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, refused.StatusCode);

        // One byte of the backup's copy changed: its playback is refused with a problem-details answer, logged.
        var backupFile = AudioFile(backup, recording);
        var changed = await File.ReadAllBytesAsync(backupFile, Ct);
        changed[changed.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(backupFile, changed, Ct);
        using var tampered = await backup.Http.GetAsync($"/api/recordings/{recording.Id}/audio", Ct);
        Assert.Equal(HttpStatusCode.Conflict, tampered.StatusCode);
        Assert.Equal("application/problem+json", tampered.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Recording failed its integrity check", await tampered.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await WaitForAsync(() => backup.Output.Contains($"Recording {recording.Id} failed its integrity check", StringComparison.Ordinal), "the integrity log line");
    }

    [Fact]
    public async Task ARecordingDeletedWhileANodeIsDownIsUnreadableOnThatNodeWhenItReturns()
    {
        var cluster = SharedClusterSettings.Create();
        await using var primary = await RecorderNode.StartAsync(cluster.With("primary"));
        var backupData = Directory.CreateTempSubdirectory("recorder-e2e-").FullName;
        var backupName = "backup-" + Guid.NewGuid().ToString("N")[..8];
        var backup = await RecorderNode.StartAsync(cluster.With("backup"), backupData, name: backupName);

        await CallPlacer.PlaceAsync(primary, ["64000002"], toneSeconds: 2, durationMs: 2500);
        var recording = (await primary.WaitForRecordingsAsync(1)).Items.Single();
        await WaitForAsync(() => File.Exists(AudioFile(backup, recording)), "copy on the backup");
        var catalog = new DbRecordingCatalog(SqliteCatalogDialect.Instance, cluster.ConnectionString);
        Assert.NotNull(await catalog.GetDataKeyAsync(recording.Id, Ct));

        // The backup goes down with its copy; the recording is deleted meanwhile.
        var backupFile = AudioFile(backup, recording);
        backup.Kill();
        await backup.DisposeAsync();
        using (var delete = await primary.Http.DeleteAsync($"/api/recordings/{recording.Id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        // Its copy is still on its disk, but the only data key is gone: the tombstone proves when, why and by whom.
        Assert.True(File.Exists(backupFile));
        var survivor = await File.ReadAllBytesAsync(backupFile, Ct);
        Assert.Null(await catalog.GetDataKeyAsync(recording.Id, Ct));
        var proof = await catalog.GetTombstoneAsync(recording.Id, Ct);
        Assert.NotNull(proof);
        Assert.True(proof.KeyErased);
        Assert.Equal("deleted through the API", proof.Reason);
        Assert.False(string.IsNullOrEmpty(proof.Actor));

        // Back up, before or after its sweeper removes the file, the node can neither serve nor decrypt it: no key exists.
        await using var returned = await RecorderNode.StartAsync(cluster.With("backup"), backupData, name: backupName);
        using (var audio = await returned.Http.GetAsync($"/api/recordings/{recording.Id}/audio", Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, audio.StatusCode);
        }

        Assert.Null(await catalog.GetDataKeyAsync(recording.Id, Ct));
        Assert.DoesNotContain(await catalog.ListDataKeysAsync(null, 1000, Ct), k => k.Id == recording.Id);
        var pending = Path.Combine(backupData, CatalogIndexer.PendingFolder);
        Assert.DoesNotContain(Directory.Exists(pending) ? Directory.GetFiles(pending) : [], f => f.Contains(recording.Id, StringComparison.Ordinal));

        // Even with the test KEK in hand, the surviving ciphertext gives nothing without the destroyed data key.
        Assert.True(SegmentedAeadHeader.IsEncrypted(survivor));
        Assert.Throws<RecordingTamperedException>(() => new DecryptingStream(new MemoryStream(survivor), RandomNumberGenerator.GetBytes(32)));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task WithoutAConfiguredKekANodeGeneratesOneOwnerOnlyAndLogsOnlyItsId()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string>
        {
            ["Recorder__Encryption__Keys__0__Id"] = RecorderNode.Unset,
            ["Recorder__Encryption__Keys__0__Key"] = RecorderNode.Unset,
        });

        var file = Assert.Single(Directory.GetFiles(Path.Combine(node.DataDirectory, KeyRing.KeysFolder)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var id = Path.GetFileNameWithoutExtension(file)["kek-".Length..];
        var key = (await File.ReadAllTextAsync(file, Ct)).Trim();
        await WaitForAsync(() => node.Output.Contains(id, StringComparison.Ordinal), "the generated KEK's id in the log");
        Assert.DoesNotContain(key, node.Output, StringComparison.Ordinal);

        await CallPlacer.PlaceAsync(node, ["64000003"], toneSeconds: 1, durationMs: 1500);
        var recording = (await node.WaitForRecordingsAsync(1)).Items.Single();
        Assert.True(SegmentedAeadHeader.IsEncrypted(await File.ReadAllBytesAsync(AudioFile(node, recording), Ct)));
        Assert.InRange(StereoWav.Read(await node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", Ct)).DurationSeconds, 0.9, 1.3);
    }

    [Fact]
    public async Task WithEncryptionOffNewRecordingsAreStoredPlain()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string> { ["Recorder__Encryption__Enabled"] = "false" });

        await CallPlacer.PlaceAsync(node, ["64000004"], toneSeconds: 1, durationMs: 1500);
        var recording = (await node.WaitForRecordingsAsync(1)).Items.Single();

        var stored = await File.ReadAllBytesAsync(AudioFile(node, recording), Ct);
        Assert.Equal("RIFF"u8.ToArray(), stored[..4]);
        Assert.Equal(stored, await node.Http.GetByteArrayAsync($"/api/recordings/{recording.Id}/audio", Ct));
    }

    private static string AudioFile(RecorderNode node, RecordingView recording) => Path.Combine(
        node.DataDirectory, "recordings", recording.StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture), recording.Id + "." + recording.Format);

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"{what}: not within {Deadline.TotalSeconds} s");
            await Task.Delay(100, Ct);
        }
    }
}
