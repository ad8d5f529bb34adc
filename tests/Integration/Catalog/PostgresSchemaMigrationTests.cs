namespace OrleansRecorder.Tests.Integration.Catalog;

public sealed class PostgresSchemaMigrationTests : SchemaMigrationContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => PostgresCatalogTestDatabase.CreateAsync();
}
