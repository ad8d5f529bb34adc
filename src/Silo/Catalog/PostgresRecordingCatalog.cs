using System.Data;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansRecorder.Silo.Cluster;
using OrleansRecorder.Silo.Recording;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>The catalog in the cluster's PostgreSQL database (<c>infra/sql/postgres/recorder.sql</c>).</summary>
/// <remarks>
/// Thread-safe: each call opens its own pooled connection. Same semantics as <see cref="SqliteRecordingCatalog"/>:
/// the manifest JSON (from <see cref="RecordingJsonContext"/>) is the stored truth and the other columns index it;
/// adding an id again replaces the row; a search counts and pages inside one repeatable-read snapshot, so the total
/// and the page agree. Times are written as UTC <c>timestamptz</c> (Npgsql refuses other offsets). Parameterized SQL only.
/// </remarks>
internal sealed class PostgresRecordingCatalog : IRecordingCatalog
{
    private const string SelectManifest = "SELECT manifest FROM Recordings";

    private readonly string _connectionString;

    public PostgresRecordingCatalog(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = connectionString;
    }

    public Task InitializeAsync(CancellationToken ct) =>
        PostgresClusterSchema.ApplyScriptsAsync(_connectionString, ["postgres/recorder.sql"], ct);

    public async Task AddAsync(RecordingManifest manifest, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO Recordings (id, started_at, ended_at, near_number, near_device, far_number, far_device, refci,
                                    status, recorded_by, sha256, size_bytes, manifest)
            VALUES (@id, @started_at, @ended_at, @near_number, @near_device, @far_number, @far_device, @refci,
                    @status, @recorded_by, @sha256, @size_bytes, @manifest)
            ON CONFLICT (id) DO UPDATE SET
                started_at = excluded.started_at, ended_at = excluded.ended_at,
                near_number = excluded.near_number, near_device = excluded.near_device,
                far_number = excluded.far_number, far_device = excluded.far_device, refci = excluded.refci,
                status = excluded.status, recorded_by = excluded.recorded_by, sha256 = excluded.sha256,
                size_bytes = excluded.size_bytes, manifest = excluded.manifest
            """,
            connection);
        Add(command, "id", NpgsqlDbType.Text, manifest.Id);
        Add(command, "started_at", NpgsqlDbType.TimestampTz, manifest.StartedAt.UtcDateTime);
        Add(command, "ended_at", NpgsqlDbType.TimestampTz, manifest.EndedAt.UtcDateTime);
        Add(command, "near_number", NpgsqlDbType.Text, manifest.NearEnd.Number);
        Add(command, "near_device", NpgsqlDbType.Text, manifest.NearEnd.Device);
        Add(command, "far_number", NpgsqlDbType.Text, manifest.FarEnd.Number);
        Add(command, "far_device", NpgsqlDbType.Text, manifest.FarEnd.Device);
        Add(command, "refci", NpgsqlDbType.Text, manifest.RefCi);
        Add(command, "status", NpgsqlDbType.Text, SqliteRecordingCatalog.StatusText(manifest.Status));
        Add(command, "recorded_by", NpgsqlDbType.Text, manifest.RecordedBy);
        Add(command, "sha256", NpgsqlDbType.Text, manifest.Sha256);
        Add(command, "size_bytes", NpgsqlDbType.Bigint, manifest.SizeBytes);
        Add(command, "manifest", NpgsqlDbType.Json, JsonSerializer.Serialize(manifest, RecordingJsonContext.Default.RecordingManifest));
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<RecordingManifest?> GetAsync(string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(SelectManifest + " WHERE id = @id", connection);
        Add(command, "id", NpgsqlDbType.Text, id);
        var json = await command.ExecuteScalarAsync(ct) as string;
        return json is null ? null : Deserialize(json);
    }

    public async Task<RecordingPage> QueryAsync(RecordingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Page, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, RecordingQuery.MaxPageSize, nameof(query));

        var where = new StringBuilder(" WHERE TRUE");
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
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM Recordings" + where, connection, transaction);
        AddFilters(count, query);
        var total = (long)(await count.ExecuteScalarAsync(ct))!;

        await using var select = new NpgsqlCommand(
            SelectManifest + where + " ORDER BY started_at DESC, id DESC LIMIT @limit OFFSET @offset",
            connection,
            transaction);
        AddFilters(select, query);
        Add(select, "limit", NpgsqlDbType.Integer, query.PageSize);
        Add(select, "offset", NpgsqlDbType.Bigint, (long)(query.Page - 1) * query.PageSize);
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

    private static void AddFilters(NpgsqlCommand command, RecordingQuery query)
    {
        if (query.From is { } from)
        {
            Add(command, "from", NpgsqlDbType.TimestampTz, from.UtcDateTime);
        }

        if (query.To is { } to)
        {
            Add(command, "to", NpgsqlDbType.TimestampTz, to.UtcDateTime);
        }

        if (query.Number is not null)
        {
            Add(command, "number", NpgsqlDbType.Text, query.Number);
        }

        if (query.Device is not null)
        {
            Add(command, "device", NpgsqlDbType.Text, query.Device);
        }

        if (query.Status is { } status)
        {
            Add(command, "status", NpgsqlDbType.Text, SqliteRecordingCatalog.StatusText(status));
        }
    }

    private static void Add(NpgsqlCommand command, string name, NpgsqlDbType type, object? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    private static RecordingManifest Deserialize(string json) =>
        JsonSerializer.Deserialize(json, RecordingJsonContext.Default.RecordingManifest)
        ?? throw new InvalidDataException("The catalog holds a null manifest.");

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(_connectionString);
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
