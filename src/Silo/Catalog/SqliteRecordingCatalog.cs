using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrleansRecorder.Abstractions.Calls;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>The catalog in the cluster's SQLite file (<c>infra/sql/sqlite/recorder.sql</c>).</summary>
/// <remarks>
/// Thread-safe: each call opens its own pooled connection. Writers wait for each other through the connection
/// string's <c>Default Timeout</c>; WAL mode lets readers run during a write. Parameterized SQL only.
/// </remarks>
internal sealed class SqliteRecordingCatalog : IRecordingCatalog
{
    private const string SelectManifest = "SELECT manifest FROM Recordings";

    private readonly string _connectionString;

    public SqliteRecordingCatalog(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
    }

    public async Task InitializeAsync(CancellationToken ct)
    {
        SqliteClusterSchema.EnsureDirectory(_connectionString);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;\n" + SqlScripts.Read("sqlite/recorder.sql");
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task AddAsync(RecordingManifest manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO Recordings (id, started_at, ended_at, near_number, near_device, far_number, far_device, refci,
                                    status, recorded_by, sha256, size_bytes, manifest)
            VALUES (@id, @started_at, @ended_at, @near_number, @near_device, @far_number, @far_device, @refci,
                    @status, @recorded_by, @sha256, @size_bytes, @manifest)
            ON CONFLICT (id) DO UPDATE SET
                started_at = excluded.started_at, ended_at = excluded.ended_at,
                near_number = excluded.near_number, near_device = excluded.near_device,
                far_number = excluded.far_number, far_device = excluded.far_device, refci = excluded.refci,
                status = excluded.status, recorded_by = excluded.recorded_by, sha256 = excluded.sha256,
                size_bytes = excluded.size_bytes, manifest = excluded.manifest;
            """;
        Add(command, "@id", manifest.Id);
        Add(command, "@started_at", manifest.StartedAt.ToUnixTimeMilliseconds());
        Add(command, "@ended_at", manifest.EndedAt.ToUnixTimeMilliseconds());
        Add(command, "@near_number", manifest.NearEnd.Number);
        Add(command, "@near_device", manifest.NearEnd.Device);
        Add(command, "@far_number", manifest.FarEnd.Number);
        Add(command, "@far_device", manifest.FarEnd.Device);
        Add(command, "@refci", manifest.RefCi);
        Add(command, "@status", StatusText(manifest.Status));
        Add(command, "@recorded_by", manifest.RecordedBy);
        Add(command, "@sha256", manifest.Sha256);
        Add(command, "@size_bytes", manifest.SizeBytes);
        Add(command, "@manifest", JsonSerializer.Serialize(manifest, RecordingJsonContext.Default.RecordingManifest));
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<RecordingManifest?> GetAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = SelectManifest + " WHERE id = @id;";
        Add(command, "@id", id);
        var json = await command.ExecuteScalarAsync(ct) as string;
        return json is null ? null : Deserialize(json);
    }

    public async Task<RecordingPage> QueryAsync(RecordingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Page, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, RecordingQuery.MaxPageSize, nameof(query));

        var where = new StringBuilder(" WHERE 1 = 1");
        if (query.From is not null)
        {
            where.Append(" AND started_at >= @from");
        }

        if (query.To is not null)
        {
            where.Append(" AND started_at < @to");
        }

        if (query.Number is not null)
        {
            where.Append(" AND (near_number = @number OR far_number = @number)");
        }

        if (query.Device is not null)
        {
            where.Append(" AND (near_device = @device OR far_device = @device)");
        }

        if (query.Status is not null)
        {
            where.Append(" AND status = @status");
        }

        await using var connection = await OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT COUNT(*) FROM Recordings" + where + ";";
        AddFilters(count, query);
        var total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);

        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = SelectManifest + where + " ORDER BY started_at DESC, id DESC LIMIT @limit OFFSET @offset;";
        AddFilters(select, query);
        Add(select, "@limit", query.PageSize);
        Add(select, "@offset", (long)(query.Page - 1) * query.PageSize);
        var items = new List<RecordingManifest>(query.PageSize);
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                items.Add(Deserialize(reader.GetString(0)));
            }
        }

        await transaction.CommitAsync(ct);
        return new RecordingPage(items, total);
    }

    internal static string StatusText(RecordingStatus status) => status switch
    {
        RecordingStatus.Complete => "complete",
        RecordingStatus.Partial => "partial",
        RecordingStatus.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static void AddFilters(SqliteCommand command, RecordingQuery query)
    {
        if (query.From is { } from)
        {
            Add(command, "@from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            Add(command, "@to", to.ToUnixTimeMilliseconds());
        }

        if (query.Number is not null)
        {
            Add(command, "@number", query.Number);
        }

        if (query.Device is not null)
        {
            Add(command, "@device", query.Device);
        }

        if (query.Status is { } status)
        {
            Add(command, "@status", StatusText(status));
        }
    }

    private static void Add(SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    private static RecordingManifest Deserialize(string json) =>
        JsonSerializer.Deserialize(json, RecordingJsonContext.Default.RecordingManifest)
        ?? throw new InvalidDataException("The catalog holds a null manifest.");

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
