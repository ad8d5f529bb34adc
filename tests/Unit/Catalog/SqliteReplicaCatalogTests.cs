namespace OrleansRecorder.Tests.Unit.Catalog;

public sealed class SqliteReplicaCatalogTests : ReplicaCatalogContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => SqliteCatalogTestDatabase.CreateAsync();
}
