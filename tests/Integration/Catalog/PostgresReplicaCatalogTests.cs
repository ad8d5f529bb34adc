namespace OrleansRecorder.Tests.Integration.Catalog;

public sealed class PostgresReplicaCatalogTests : ReplicaCatalogContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => PostgresCatalogTestDatabase.CreateAsync();
}
