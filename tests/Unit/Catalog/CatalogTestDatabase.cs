using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>
/// A fresh, empty database (no tables) for one catalog test, of the kind its subclass names, removed on dispose.
/// The catalog contracts (<see cref="RecordingCatalogContract"/>, <see cref="RecordingGroupContract"/>,
/// <see cref="SchemaMigrationContract"/>) run the same cases on each kind.
/// </summary>
internal abstract class CatalogTestDatabase : IAsyncDisposable
{
    public abstract CatalogDialect Dialect { get; }

    public abstract string ConnectionString { get; }

    public DbRecordingCatalog Catalog(TimeProvider? timeProvider = null, RecordingGroupRules? groups = null) =>
        new(Dialect, ConnectionString, timeProvider, groups);

    /// <summary>Runs raw SQL (building an old schema, reading what the catalog does not show); parameters as the catalog binds them.</summary>
    public async Task ExecuteAsync(string sql, params (string Name, CatalogType Type, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type, value) in parameters)
        {
            Dialect.Add(command, name, type, value);
        }

        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>The rows of a query, each as its columns' values in order.</summary>
    public async Task<IReadOnlyList<object[]>> RowsAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<object[]>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    public abstract ValueTask DisposeAsync();

    private async Task<System.Data.Common.DbConnection> OpenAsync()
    {
        await Dialect.PrepareAsync(ConnectionString, TestContext.Current.CancellationToken);
        return await Dialect.OpenAsync(ConnectionString, TestContext.Current.CancellationToken);
    }
}
