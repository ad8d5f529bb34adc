using System.Data.Common;
using OrleansRecorder.Abstractions.Storage;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// Migration 7's <c>Replicas</c>: one row per copy of a recording (location = a node name or <c>shared</c>, its
/// SHA-256, when it landed), written when the copy lands (<see cref="IRecordingReplicasGrain"/>), mended by the
/// catch-up pass, removed with the copy or with the recording (a trigger). A row whose hash is not the catalog's is a
/// superseded copy: it is not listed. One SQL text for SQLite and PostgreSQL.
/// </summary>
internal sealed class CatalogReplicas(CatalogDialect dialect, string connectionString) : IReplicaRegistry
{
    /// <summary>The location of the shared store's copy.</summary>
    public const string Shared = "shared";

    /// <summary>At most this many landings are read for the lag's median (an hour of a large cluster).</summary>
    public const int MaxLandings = 100_000;

    /// <summary>How many ids one <c>IN (...)</c> binds.</summary>
    private const int InListChunk = 500;

    /// <summary>
    /// The first time a copy with this hash landed there is kept (an idempotent report, or the same copy sent again,
    /// does not move the lag); a copy with another hash replaces the row. Nothing for a recording no longer catalogued
    /// (a copy that lands after a delete must not leave a row behind).
    /// </summary>
    private const string Land = """
        INSERT INTO Replicas (recording_id, location, sha256, landed_at)
        SELECT @id, @location, @sha256, @landed_at WHERE EXISTS (SELECT 1 FROM Recordings WHERE id = @id)
        ON CONFLICT (recording_id, location) DO UPDATE SET sha256 = excluded.sha256, landed_at = excluded.landed_at
        WHERE Replicas.sha256 <> excluded.sha256
        """;

    public async Task RecordLandedAsync(string recordingId, string location, string sha256, DateTimeOffset landedAt, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordingId);
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        ArgumentException.ThrowIfNullOrWhiteSpace(sha256);
        await using var connection = await dialect.OpenAsync(connectionString, ct);
        await using var command = Landing(connection, null, recordingId, location, sha256, landedAt);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task RecordRemovedAsync(string recordingId, string location, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordingId);
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        await using var connection = await dialect.OpenAsync(connectionString, ct);
        await using var command = Removal(connection, null, recordingId, location, before: null);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Where the copies of <paramref name="recordingIds"/> are, in one query (a page of up to 500): the locations
    /// whose copy has the catalog's hash, node names sorted, then <c>shared</c>; a recording without one is absent.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAsync(IReadOnlyCollection<string> recordingIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(recordingIds);
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (recordingIds.Count > 0)
        {
            await using var connection = await dialect.OpenAsync(connectionString, ct);
            foreach (var chunk in recordingIds.Distinct(StringComparer.Ordinal).Chunk(InListChunk))
            {
                CatalogMetrics.Queried("replicas");
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT r.recording_id, r.location FROM Replicas r JOIN Recordings c ON c.id = r.recording_id "
                    + "WHERE r.recording_id IN (" + dialect.AddList(command, chunk) + ") AND r.sha256 = lower(c.sha256)";
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var id = reader.GetString(0);
                    if (!found.TryGetValue(id, out var locations))
                    {
                        found[id] = locations = [];
                    }

                    locations.Add(reader.GetString(1));
                }
            }
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. Ordered(p.Value)], StringComparer.Ordinal);
    }

    /// <summary>Node names sorted, then <c>shared</c> (the order of <c>RecordingDto.Replicas</c>).</summary>
    public static IEnumerable<string> Ordered(IEnumerable<string> locations) =>
        locations.OrderBy(l => l == Shared).ThenBy(l => l, StringComparer.Ordinal);

    /// <summary>
    /// What a catch-up pass saw for some recordings, in one transaction: each <paramref name="present"/> copy is
    /// recorded (a new one as landed at <paramref name="seenAt"/>), each <paramref name="absent"/> one forgotten unless
    /// it landed at or after <paramref name="seenAt"/> (while the pass was looking). Rows already right are not written:
    /// on a cluster in step a page costs one read.
    /// </summary>
    public async Task MendAsync(
        IReadOnlyList<(string Id, string Location, string Sha256)> present, IReadOnlyList<(string Id, string Location)> absent, DateTimeOffset seenAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(present);
        ArgumentNullException.ThrowIfNull(absent);
        var ids = present.Select(p => p.Id).Concat(absent.Select(a => a.Id)).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return;
        }

        await using var connection = await dialect.OpenAsync(connectionString, ct);
        await using var transaction = await dialect.BeginWriteAsync(connection, ct);
        var rows = new Dictionary<(string, string), string>();
        foreach (var chunk in ids.Chunk(InListChunk))
        {
            await using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "SELECT recording_id, location, sha256 FROM Replicas WHERE recording_id IN (" + dialect.AddList(read, chunk) + ")";
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
            }
        }

        foreach (var (id, location, sha256) in present)
        {
            if (!rows.TryGetValue((id, location), out var known) || !string.Equals(known, sha256, StringComparison.OrdinalIgnoreCase))
            {
                await using var command = Landing(connection, transaction, id, location, sha256, seenAt);
                await command.ExecuteNonQueryAsync(ct);
            }
        }

        foreach (var (id, location) in absent.Where(a => rows.ContainsKey((a.Id, a.Location))))
        {
            await using var command = Removal(connection, transaction, id, location, before: seenAt);
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Per location: the oldest recording started in [<paramref name="windowFrom"/>, <paramref name="until"/>) without a
    /// copy there, and the time from a recording's end to its copy landing there over the copies landed in
    /// [<paramref name="landedSince"/>, <paramref name="until"/>) (median and longest; the recording node's own copy is
    /// not a replication and is left out).
    /// </summary>
    /// <remarks>
    /// The oldest missing recording costs one primary-key probe of <c>Replicas</c> per recording of the window while
    /// none is missing (6 h of a million-row catalog: 83 ms, docs/PERFORMANCE.md), so the window is kept short.
    /// </remarks>
    public async Task<IReadOnlyList<ReplicaLag>> LagAsync(
        IReadOnlyList<string> locations, DateTimeOffset windowFrom, DateTimeOffset landedSince, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(locations);
        var lags = locations.ToDictionary(l => l, _ => new List<TimeSpan>(), StringComparer.Ordinal);
        await using var connection = await dialect.OpenAsync(connectionString, ct);
        await using (var landings = connection.CreateCommand())
        {
            landings.CommandText = "SELECT r.location, c.ended_at, r.landed_at FROM Replicas r JOIN Recordings c ON c.id = r.recording_id "
                + "WHERE r.landed_at >= @since AND r.landed_at < @until AND r.location <> c.recorded_by AND r.sha256 = lower(c.sha256) ORDER BY r.landed_at DESC LIMIT @limit";
            dialect.Add(landings, "since", CatalogType.Time, landedSince);
            dialect.Add(landings, "until", CatalogType.Time, until);
            dialect.Add(landings, "limit", CatalogType.Integer, MaxLandings);
            await using var reader = await landings.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (lags.TryGetValue(reader.GetString(0), out var list))
                {
                    var lag = dialect.ReadTime(reader, 2) - dialect.ReadTime(reader, 1);
                    list.Add(lag < TimeSpan.Zero ? TimeSpan.Zero : lag);
                }
            }
        }

        var result = new List<ReplicaLag>(locations.Count);
        foreach (var location in locations)
        {
            // Oldest first along the started_at index: on a node in step this reads the window once; a lagging node stops at its first gap.
            await using var oldest = connection.CreateCommand();
            oldest.CommandText = "SELECT c.id, c.ended_at FROM Recordings c WHERE c.started_at >= @from AND c.started_at < @until AND NOT EXISTS "
                + "(SELECT 1 FROM Replicas r WHERE r.recording_id = c.id AND r.location = @location AND r.sha256 = lower(c.sha256)) "
                + "ORDER BY c.started_at, c.id LIMIT 1";
            dialect.Add(oldest, "from", CatalogType.Time, windowFrom);
            dialect.Add(oldest, "until", CatalogType.Time, until);
            dialect.Add(oldest, "location", CatalogType.Text, location);
            string? id = null;
            DateTimeOffset? endedAt = null;
            await using (var reader = await oldest.ExecuteReaderAsync(ct))
            {
                if (await reader.ReadAsync(ct))
                {
                    (id, endedAt) = (reader.GetString(0), dialect.ReadTime(reader, 1));
                }
            }

            var list = lags[location];
            list.Sort();
            result.Add(new ReplicaLag(location, id, endedAt, list.Count, list.Count == 0 ? null : list[list.Count / 2], list.Count == 0 ? null : list[^1]));
        }

        return result;
    }

    /// <summary>The landing of a copy as one command (also run in the recording's insert by <c>DbRecordingCatalog.AddAsync</c>).</summary>
    internal DbCommand Landing(DbConnection connection, DbTransaction? transaction, string id, string location, string sha256, DateTimeOffset landedAt)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Land;
        dialect.Add(command, "id", CatalogType.Text, id);
        dialect.Add(command, "location", CatalogType.Text, location);
        dialect.Add(command, "sha256", CatalogType.Text, sha256.ToLowerInvariant());
        dialect.Add(command, "landed_at", CatalogType.Time, landedAt);
        return command;
    }

    private DbCommand Removal(DbConnection connection, DbTransaction? transaction, string id, string location, DateTimeOffset? before)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM Replicas WHERE recording_id = @id AND location = @location" + (before is null ? "" : " AND landed_at < @before");
        dialect.Add(command, "id", CatalogType.Text, id);
        dialect.Add(command, "location", CatalogType.Text, location);
        if (before is not null)
        {
            dialect.Add(command, "before", CatalogType.Time, before.Value);
        }

        return command;
    }
}
