using System.Data.Common;
using System.Globalization;
using System.Text;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// The dashboard's aggregates over the catalog (<c>GET /api/stats/*</c>), one SQL text for SQLite and PostgreSQL.
/// Calls per whole UTC day (not scoped) and the storage totals read migration 7's <c>RecordingDays</c>, kept by
/// triggers on every change of a recording. Every other query is bounded by a <c>started_at</c> range and read from an index of migration 6 (<c>IX_Recordings_stats</c>
/// covers counts, intervals and bytes, no sort for a distinct count; <c>IX_Recordings_problems</c> holds only the recordings with problems), so its
/// cost follows the rows in the range, not the size of the catalog; a caller's scope filters the same way as a search.
/// </summary>
internal sealed class CatalogStats(CatalogDialect dialect, string connectionString)
{
    /// <summary>The period of migration 7's <c>RecordingDays</c> (UTC days).</summary>
    private const int DaySeconds = 86_400;

    /// <summary>
    /// Calls started in each <paramref name="bucketSeconds"/>-long UTC period of [from, to): a call (the recordings of one
    /// <c>group_id</c>) counts once, in the period of its first recording (whose <c>group_id</c> is its own id).
    /// </summary>
    public async Task<IReadOnlyList<StatsCount>> CallsPerBucketAsync(
        DateTimeOffset from, DateTimeOffset to, int bucketSeconds, RecordingScope? scope, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketSeconds, 1);
        var counts = new List<StatsCount>();
        await using var connection = await dialect.OpenAsync(connectionString, ct);
        DbCommand command;
        if (scope is null && bucketSeconds == DaySeconds && IsWholeDays(from) && IsWholeDays(to))
        {
            // Migration 7's per-day totals: a row per day however many calls it had. A scoped user's count depends on
            // the parties of each recording, so it is counted from the index below.
            command = connection.CreateCommand();
            command.CommandText = "SELECT day, calls FROM RecordingDays WHERE day >= @from_day AND day < @to_day AND calls > 0 ORDER BY day";
            dialect.Add(command, "from_day", CatalogType.Integer, from.ToUnixTimeSeconds() / DaySeconds);
            dialect.Add(command, "to_day", CatalogType.Integer, to.ToUnixTimeSeconds() / DaySeconds);
        }
        else
        {
            var bucket = dialect.EpochBucket("started_at", bucketSeconds);
            command = Range(connection, from, to, scope, out var where);
            command.CommandText = $"SELECT {bucket} AS bucket, COUNT(*) FROM Recordings{where} AND group_id = id GROUP BY {bucket} ORDER BY bucket";
        }

        await using var disposeCommand = command;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var at = DateTimeOffset.FromUnixTimeSeconds(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) * bucketSeconds);
            counts.Add(new StatsCount(at, Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
        }

        return counts;
    }

    /// <summary>
    /// The recordings that overlap [from, to), as start and end: those started up to <paramref name="longest"/> before
    /// <paramref name="from"/> are included, longer ones are not (the range on <c>started_at</c> is what keeps it indexed).
    /// </summary>
    public async Task<IReadOnlyList<RecordingInterval>> IntervalsAsync(
        DateTimeOffset from, DateTimeOffset to, TimeSpan longest, RecordingScope? scope, CancellationToken ct)
    {
        var intervals = new List<RecordingInterval>();
        await using var connection = await dialect.OpenAsync(connectionString, ct);
        await using var command = Range(connection, from - longest, to, scope, out var where);
        command.CommandText = $"SELECT started_at, ended_at FROM Recordings{where} AND ended_at > @overlap";
        dialect.Add(command, "overlap", CatalogType.Time, from);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            intervals.Add(new RecordingInterval(dialect.ReadTime(reader, 0), dialect.ReadTime(reader, 1)));
        }

        return intervals;
    }

    /// <summary>How many recordings of [from, to) have each problem kind, and the newest <paramref name="limit"/> of them.</summary>
    public async Task<ProblemSummary> ProblemsAsync(DateTimeOffset from, DateTimeOffset to, int limit, RecordingScope? scope, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 0);
        var counts = RecordingProblems.Kinds.ToDictionary(k => k, _ => 0L, StringComparer.Ordinal);
        var newest = new List<ProblemRecording>();
        await using var connection = await dialect.OpenAsync(connectionString, ct);
        await using (var count = Range(connection, from, to, scope, out var where))
        {
            count.CommandText = $"SELECT problems, COUNT(*) FROM Recordings{where} AND problems IS NOT NULL GROUP BY problems";
            await using var reader = await count.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var n = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
                foreach (var kind in reader.GetString(0).Split(','))
                {
                    counts[kind] = counts.GetValueOrDefault(kind) + n;
                }
            }
        }

        await using (var list = Range(connection, from, to, scope, out var where))
        {
            list.CommandText = $"SELECT id, started_at, near_number, far_number, problems FROM Recordings{where} AND problems IS NOT NULL "
                + "ORDER BY started_at DESC, id DESC LIMIT @limit";
            dialect.Add(list, "limit", CatalogType.Integer, limit);
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                newest.Add(new ProblemRecording(reader.GetString(0), dialect.ReadTime(reader, 1),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4).Split(',')));
            }
        }

        return new ProblemSummary(counts, newest);
    }

    /// <summary>All recordings and their bytes, and the bytes of those started since <paramref name="since"/> (the recording rate).</summary>
    public async Task<StorageTotals> StorageAsync(DateTimeOffset since, CancellationToken ct)
    {
        // The totals from migration 7's per-day rows (a few per day of history, not one per recording); the recent bytes
        // from the index over the rate period.
        await using var connection = await dialect.OpenAsync(connectionString, ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COALESCE(SUM(recordings), 0) FROM RecordingDays), (SELECT COALESCE(SUM(bytes), 0) FROM RecordingDays), "
            + "(SELECT COALESCE(SUM(size_bytes), 0) FROM Recordings WHERE started_at >= @since)";
        dialect.Add(command, "since", CatalogType.Time, since);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new StorageTotals(
            Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture));
    }

    private static bool IsWholeDays(DateTimeOffset at) => at.ToUnixTimeMilliseconds() % (DaySeconds * 1000L) == 0;

    /// <summary>A command with the range [from, to) on <c>started_at</c> and the scope bound; <paramref name="where"/> is its WHERE clause.</summary>
    private DbCommand Range(DbConnection connection, DateTimeOffset from, DateTimeOffset to, RecordingScope? scope, out string where)
    {
        var command = connection.CreateCommand();
        var sql = new StringBuilder(" WHERE started_at >= @from AND started_at < @to");
        dialect.Add(command, "from", CatalogType.Time, from);
        dialect.Add(command, "to", CatalogType.Time, to);
        foreach (var (name, value) in RecordingQuerySql.AppendScope(sql, scope, "@"))
        {
            dialect.Add(command, name, CatalogType.Text, value);
        }

        where = sql.ToString();
        return command;
    }
}
