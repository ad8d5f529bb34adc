using OrleansRecorder.Abstractions.Storage;
using OrleansRecorder.Silo.Storage;

namespace OrleansRecorder.Tests.Integration.Storage;

/// <summary>The shared store against a real Azurite (infra/scripts/start-azurite.sh), one fresh container per test.</summary>
public sealed class AzureBlobSharedStoreTests
{
    [Fact]
    public async Task UploadsStreamedWithItsHashListsDownloadsAndDeletes()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new AzureBlobSharedStore(await AzuriteServer.ConnectionStringAsync(), "t" + Guid.NewGuid().ToString("N"));
        var (replica, audio) = ReplicaSamples.Create("blob1", 9 * 1024 * 1024 + 7);

        await using (var source = new MemoryStream(audio, writable: false))
        {
            await store.UploadAsync(replica.Key.AudioName, source, replica.Sha256, "audio/wav", ct);
        }

        var info = await store.GetInfoAsync(replica.Key.AudioName, ct);
        Assert.Equal(new SharedBlobInfo(replica.Key.AudioName, audio.Length, replica.Sha256), info);
        Assert.True(await store.ExistsAsync(replica.Key.AudioName, ct));
        Assert.False(await store.ExistsAsync(replica.Key.ManifestName, ct));
        Assert.Null(await store.GetInfoAsync(replica.Key.ManifestName, ct));

        var listed = new List<SharedBlobInfo>();
        await foreach (var blob in store.ListAsync("recordings/", ct))
        {
            listed.Add(blob);
        }

        Assert.Equal([info!], listed);
        using var downloaded = new MemoryStream();
        await store.DownloadToAsync(replica.Key.AudioName, downloaded, ct);
        Assert.Equal(audio, downloaded.ToArray());

        Assert.True(await store.DeleteAsync(replica.Key.AudioName, ct));
        Assert.False(await store.DeleteAsync(replica.Key.AudioName, ct));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.DownloadToAsync(replica.Key.AudioName, Stream.Null, ct));
    }

    [Fact]
    public async Task AnUploadWhoseBytesDoNotMatchTheHashIsDeletedAndFails()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = new AzureBlobSharedStore(await AzuriteServer.ConnectionStringAsync(), "t" + Guid.NewGuid().ToString("N"));
        var (replica, audio) = ReplicaSamples.Create("blob2", 100_000);
        audio[5] ^= 1;

        await using var source = new MemoryStream(audio, writable: false);
        await Assert.ThrowsAsync<InvalidDataException>(() => store.UploadAsync(replica.Key.AudioName, source, replica.Sha256, "audio/wav", ct));
        Assert.False(await store.ExistsAsync(replica.Key.AudioName, ct));
    }

    [Fact]
    public async Task ATokenBucketSlowsCatchUpTrafficToTheConfiguredRate()
    {
        var ct = TestContext.Current.CancellationToken;
        using var limiter = ReplicationService.CreateLimiter(1024 * 1024)!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var sink = new MemoryStream();
        await using (var throttled = new ThrottledStream(sink, limiter, ReplicaTransfer.ChunkBytes))
        {
            // 1 MiB of burst, then 1 MiB at 1 MiB/s: about one second.
            await throttled.WriteAsync(new byte[2 * 1024 * 1024], ct);
        }

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.7), TimeSpan.FromSeconds(5));
        Assert.Null(ReplicationService.CreateLimiter(0));
    }
}
