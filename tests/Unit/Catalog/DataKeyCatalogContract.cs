using System.Security.Cryptography;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Encryption;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>Wrapped data keys and proof of erasure, the same on SQLite and PostgreSQL (docs/ENCRYPTION.md).</summary>
public abstract class DataKeyCatalogContract
{
    private static readonly DateTimeOffset Deleted = new(2026, 7, 1, 9, 30, 0, TimeSpan.Zero);

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract IRecordingCatalog Catalog { get; }

    [Fact]
    public async Task AKeyIsStoredReadListedAndRewrappedOnlyFromTheExpectedKek()
    {
        var id = Unique("rec");
        var first = Key("kek-1");
        await Catalog.AddDataKeyAsync(id, first, Ct);

        var read = await Catalog.GetDataKeyAsync(id, Ct);
        Assert.Equal(first.KekId, read!.KekId);
        Assert.Equal(first.Algorithm, read.Algorithm);
        Assert.Equal(first.Wrapped, read.Wrapped);
        Assert.Contains(await Catalog.ListDataKeysAsync(null, 10_000, Ct), k => k.Id == id);

        var second = Key("kek-2");
        Assert.False(await Catalog.ReplaceDataKeyAsync(id, "kek-other", second, Ct));
        Assert.True(await Catalog.ReplaceDataKeyAsync(id, "kek-1", second, Ct));
        Assert.Equal(second.Wrapped, (await Catalog.GetDataKeyAsync(id, Ct))!.Wrapped);
        Assert.Null(await Catalog.GetDataKeyAsync(Unique("none"), Ct));
    }

    [Fact]
    public async Task AKeyGivenWithTheRowIsStoredInTheRowsTransactionButNotForATombstonedRecording()
    {
        var id = Unique("rec");
        var key = Key("kek-1");
        await Catalog.AddAsync(Manifest(id), null, key, Ct);

        Assert.NotNull(await Catalog.GetAsync(id, Ct));
        Assert.Equal(key.Wrapped, (await Catalog.GetDataKeyAsync(id, Ct))!.Wrapped);

        // Deleted meanwhile (a late indexing pass): its key is not stored again, its erasure stands.
        var erased = Unique("rec");
        await Catalog.AddTombstoneAsync(erased, Deleted, "purge", Ct);
        await Catalog.AddAsync(Manifest(erased), null, Key("kek-1"), Ct);
        Assert.Null(await Catalog.GetDataKeyAsync(erased, Ct));
    }

    [Fact]
    public async Task TheTombstoneDestroysTheKeyAndKeepsWhoWhenWhy()
    {
        var id = Unique("rec");
        await Catalog.AddDataKeyAsync(id, Key("kek-1"), Ct);

        await Catalog.AddTombstoneAsync(id, Deleted, "deleted through the API", "alice", Ct);

        Assert.Null(await Catalog.GetDataKeyAsync(id, Ct));
        var proof = await Catalog.GetTombstoneAsync(id, Ct);
        Assert.Equal(new CatalogTombstone(id, Deleted, "deleted through the API", "alice", KeyErased: true), proof);

        // A late indexing pass (a node that finalized it while the catalog was down) cannot bring the key back.
        await Catalog.AddDataKeyAsync(id, Key("kek-1"), Ct);
        Assert.Null(await Catalog.GetDataKeyAsync(id, Ct));
        Assert.DoesNotContain(await Catalog.ListDataKeysAsync(null, 10_000, Ct), k => k.Id == id);
    }

    [Fact]
    public async Task APlainRecordingsTombstoneSaysNoKeyWasErased()
    {
        var id = Unique("plain");
        await Catalog.AddTombstoneAsync(id, Deleted, "purge", Ct);

        Assert.Equal(new CatalogTombstone(id, Deleted, "purge", null, KeyErased: false), await Catalog.GetTombstoneAsync(id, Ct));
    }

    [Fact]
    public async Task KeysArePagedById()
    {
        var prefix = Unique("page");
        foreach (var n in Enumerable.Range(0, 5))
        {
            await Catalog.AddDataKeyAsync($"{prefix}-{n}", Key("kek-1"), Ct);
        }

        var seen = new List<string>();
        string? after = prefix;
        while (true)
        {
            var page = (await Catalog.ListDataKeysAsync(after, 2, Ct)).Where(k => k.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            if (page.Count == 0)
            {
                break;
            }

            seen.AddRange(page.Select(k => k.Id));
            after = page[^1].Id;
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(n => $"{prefix}-{n}"), seen);
    }

    private static WrappedDataKey Key(string kek) => new(kek, AesKeyEncryptionKey.AlgorithmName, RandomNumberGenerator.GetBytes(40));

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];

    private static RecordingManifest Manifest(string id) => new()
    {
        Id = id,
        StartedAt = Deleted.AddHours(-1),
        EndedAt = Deleted.AddHours(-1).AddSeconds(10),
        DurationSeconds = 10,
        NearEnd = new RecordingParty { Number = "1001" },
        FarEnd = new RecordingParty { Number = "2002" },
        Format = "opus",
        SizeBytes = 100,
        Sha256 = new string('a', 64),
        RecordedBy = "node-a",
        Status = Abstractions.Calls.RecordingStatus.Complete,
    };
}
