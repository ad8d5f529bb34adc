using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Admin;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Recording;
using OrleansRecorder.Tests.EndToEnd.Harness;

namespace OrleansRecorder.Tests.EndToEnd;

/// <summary>
/// Tamper evidence with a real node (docs/TAMPER_EVIDENCE.md): its manifests are signed (ECDSA P-256) and chained, its
/// audit entries too; after one byte of one recording is edited, another recording is removed and one audit entry is
/// deleted, <c>RecorderAdmin verify</c> with only the node's public key reports exactly those three, and playback of
/// the edited recording is refused.
/// </summary>
public sealed class TamperEvidenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyReportsExactlyTheEditedFileTheRemovedRecordingAndTheRemovedAuditEntry()
    {
        await using var node = await RecorderNode.StartAsync();
        await CallPlacer.PlaceAsync(node, ["65000001", "65000002", "65000003"], toneSeconds: 1, durationMs: 1500);
        var recordings = (await node.WaitForRecordingsAsync(3)).Items;

        // The key verify needs is published, and is the node's.
        var published = await node.GetJsonAsync<List<JsonElement>>("/api/signing-keys");
        var publicPem = node.SigningPublicKeyPem();
        Assert.Equal(publicPem.Trim(), Assert.Single(published).GetProperty("publicKeyPem").GetString()!.Trim());
        var keyFile = Path.Combine(Directory.CreateTempSubdirectory("verify-keys-").FullName, "node.pem");
        await File.WriteAllTextAsync(keyFile, publicPem, Ct);

        // Three plays make three audit entries; the manifests hold a chain 1, 2, 3.
        foreach (var recording in recordings)
        {
            using var play = await node.Http.GetAsync($"/api/recordings/{recording.Id}/audio", Ct);
            Assert.Equal(HttpStatusCode.OK, play.StatusCode);
        }

        var bySeq = recordings.ToDictionary(r => ReadManifest(node, r).Seal!.Seq);
        Assert.Equal([1L, 2L, 3L], bySeq.Keys.Order());
        var clean = await VerifyAsync(node, keyFile);
        Assert.True(clean.ExitCode == AdminCli.Success, clean.Output);

        // One byte of the first recording edited, the second recording (audio and manifest) removed, an audit entry deleted.
        var edited = bySeq[1];
        var removed = bySeq[2];
        var editedFile = AudioFile(node, edited);
        var bytes = await File.ReadAllBytesAsync(editedFile, Ct);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(editedFile, bytes, Ct);
        File.Delete(AudioFile(node, removed));
        File.Delete(Path.ChangeExtension(AudioFile(node, removed), ".json"));
        var afterDeletedAudit = await DeleteMiddleAuditEntryAsync(node);

        var result = await VerifyAsync(node, keyFile);

        Assert.True(result.ExitCode == AdminCli.NeedsAttention, result.Output);
        Assert.Contains("still missing or corrupt: 1", result.Output, StringComparison.Ordinal);
        Assert.Contains($"{edited.Id}.wav: corrupt", result.Output, StringComparison.Ordinal);
        Assert.Contains("recordings changed, removed, reordered or inserted: 1", result.Output, StringComparison.Ordinal);
        Assert.Contains($"removed: {RelativeManifest(bySeq[3])}: entry 2 of the chain ({removed.Id}) is missing", result.Output, StringComparison.Ordinal);
        Assert.Contains("audit entries changed, removed, reordered or inserted: 1", result.Output, StringComparison.Ordinal);
        Assert.Contains($"removed: audit entry {afterDeletedAudit} ", result.Output, StringComparison.Ordinal);
        Assert.Contains("invalid manifests: 0", result.Output, StringComparison.Ordinal);

        // Playback of the edited recording is refused, logged and alarmed; the untouched one still plays.
        using var refused = await node.Http.GetAsync($"/api/recordings/{edited.Id}/audio", Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Recording failed its integrity check", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains($"Recording {edited.Id} failed its integrity check", node.Output, StringComparison.Ordinal);
        // A Range not starting at 0 over the changed segment: 409 before any body, not a 206 cut off mid-response.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/recordings/{edited.Id}/audio"))
        {
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
            using var ranged = await node.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Conflict, ranged.StatusCode);
        }

        using var fine = await node.Http.GetAsync($"/api/recordings/{bySeq[3].Id}/audio", Ct);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task VerifyReportsTheNewestRecordingRemovedByTheNodesSignedCheckpoint()
    {
        await using var node = await RecorderNode.StartAsync(new Dictionary<string, string> { ["Recorder__Signing__CheckpointInterval"] = "00:00:01" });
        await CallPlacer.PlaceAsync(node, ["65000005", "65000006"], toneSeconds: 1, durationMs: 1500);
        var recordings = (await node.WaitForRecordingsAsync(2)).Items;
        var bySeq = recordings.ToDictionary(r => ReadManifest(node, r).Seal!.Seq);
        var keyFile = Path.Combine(Directory.CreateTempSubdirectory("verify-keys-").FullName, "node.pem");
        await File.WriteAllTextAsync(keyFile, node.SigningPublicKeyPem(), Ct);

        // The node checkpoints its head (entry 2) in the audit log within about a second.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(await CheckpointsAsync(node)).Any(details => details.Contains("\"seq\":2", StringComparison.Ordinal)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"no checkpoint of entry 2 in the audit log:\n{node.Output}");
            await Task.Delay(200, Ct);
        }

        var clean = await VerifyAsync(node, keyFile);
        Assert.True(clean.ExitCode == AdminCli.Success, clean.Output);

        // The newest recording removed (audio and manifest): no gap in the chain, only the checkpoint shows it.
        var newest = bySeq[2];
        File.Delete(AudioFile(node, newest));
        File.Delete(Path.ChangeExtension(AudioFile(node, newest), ".json"));

        var result = await VerifyAsync(node, keyFile);

        Assert.True(result.ExitCode == AdminCli.NeedsAttention, result.Output);
        Assert.Contains("recordings changed, removed, reordered or inserted: 1", result.Output, StringComparison.Ordinal);
        Assert.Contains($"its newest entry 2 ({newest.Id}) is missing", result.Output, StringComparison.Ordinal);
        Assert.Contains("audit entries changed, removed, reordered or inserted: 0", result.Output, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }

    private static async Task<List<string>> CheckpointsAsync(RecorderNode node)
    {
        await using var connection = new SqliteConnection(SqliteClusterSchema.ConnectionStringFor(node.DataDirectory));
        await connection.OpenAsync(Ct);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT details FROM AuditLog WHERE action = 'chain-checkpoint' AND hash IS NOT NULL";
        await using var reader = await select.ExecuteReaderAsync(Ct);
        var details = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            details.Add(reader.GetString(0));
        }

        return details;
    }

    [Fact]
    public async Task PlaybackRefusesARecordingWhoseManifestInTheCatalogWasChanged()
    {
        await using var node = await RecorderNode.StartAsync();
        await CallPlacer.PlaceAsync(node, ["65000004"], toneSeconds: 1, durationMs: 1500);
        var recording = (await node.WaitForRecordingsAsync(1)).Items.Single();

        // Someone with the database makes the recording longer: the manifest no longer matches its signature.
        await using (var connection = new SqliteConnection(SqliteClusterSchema.ConnectionStringFor(node.DataDirectory)))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE Recordings SET manifest = replace(manifest, '\"durationSeconds\": ', '\"durationSeconds\": 1') WHERE id = @id";
            command.Parameters.AddWithValue("@id", recording.Id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Ct));
        }

        using var refused = await node.Http.GetAsync($"/api/recordings/{recording.Id}/audio", Ct);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("signature", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
    }

    private static async Task<(int ExitCode, string Output)> VerifyAsync(RecorderNode node, string keyFile)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await AdminCli.RunAsync(
            ["verify", "--store", node.DataDirectory, "--keys", keyFile, "--provider", "sqlite", "--connection", SqliteClusterSchema.ConnectionStringFor(node.DataDirectory)],
            output, error, new PlainProgress(TextWriter.Null), Ct);
        return (exitCode, output + error.ToString());
    }

    /// <summary>
    /// Deletes the chained audit entry in the middle (the trigger dropped first, as a database administrator could);
    /// returns the seq of the entry after it, where verify sees the gap.
    /// </summary>
    private static async Task<long> DeleteMiddleAuditEntryAsync(RecorderNode node)
    {
        await using var connection = new SqliteConnection(SqliteClusterSchema.ConnectionStringFor(node.DataDirectory));
        await connection.OpenAsync(Ct);
        var chained = new List<long>();
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT seq FROM AuditLog WHERE hash IS NOT NULL ORDER BY seq";
            await using var reader = await select.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                chained.Add(reader.GetInt64(0));
            }
        }

        Assert.True(chained.Count >= 3, $"{chained.Count} chained audit entries");
        var seq = chained[chained.Count / 2];
        await using (var drop = connection.CreateCommand())
        {
            drop.CommandText = "DROP TRIGGER IF EXISTS TR_AuditLog_NoDelete";
            await drop.ExecuteNonQueryAsync(Ct);
        }

        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM AuditLog WHERE seq = @seq";
        delete.Parameters.AddWithValue("@seq", seq);
        Assert.Equal(1, await delete.ExecuteNonQueryAsync(Ct));
        return chained[(chained.Count / 2) + 1];
    }

    private static RecordingManifest ReadManifest(RecorderNode node, RecordingView recording) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(Path.ChangeExtension(AudioFile(node, recording), ".json")), RecordingJsonContext.Default.RecordingManifest)!;

    private static string RelativeManifest(RecordingView recording) =>
        "recordings/" + recording.StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture) + "/" + recording.Id + ".json";

    private static string AudioFile(RecorderNode node, RecordingView recording) => Path.Combine(
        node.DataDirectory, "recordings", recording.StartedAt.UtcDateTime.ToString("yyyy'/'MM'/'dd", CultureInfo.InvariantCulture), recording.Id + "." + recording.Format);
}
