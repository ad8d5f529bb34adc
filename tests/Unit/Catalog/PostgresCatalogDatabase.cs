using OrleansRecorder.Tests.Unit.Cluster;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>One fresh PostgreSQL database for the catalog test class (a class fixture), dropped after its last test.</summary>
public sealed class PostgresCatalogDatabase : IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    internal string ConnectionString =>
        _database?.ConnectionString ?? throw new InvalidOperationException("The database is not created yet.");

    public async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
