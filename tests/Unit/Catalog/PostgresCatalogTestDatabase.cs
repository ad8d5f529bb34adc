using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Tests.Unit.Cluster;

namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>A fresh database on the test PostgreSQL server (<see cref="PostgresTestDatabase"/>), dropped on dispose.</summary>
internal sealed class PostgresCatalogTestDatabase(PostgresTestDatabase database) : CatalogTestDatabase
{
    public override CatalogDialect Dialect => PostgresCatalogDialect.Instance;

    public override string ConnectionString => database.ConnectionString;

    public static async Task<CatalogTestDatabase> CreateAsync() =>
        new PostgresCatalogTestDatabase(await PostgresTestDatabase.CreateAsync(TestContext.Current.CancellationToken));

    public override ValueTask DisposeAsync() => database.DisposeAsync();
}
