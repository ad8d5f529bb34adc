namespace OrleansRecorder.Tests.Unit.Catalog;

public sealed class SqliteSchemaMigrationTests : SchemaMigrationContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => SqliteCatalogTestDatabase.CreateAsync();
}
