namespace OrleansRecorder.Tests.Unit.Catalog;

public sealed class SqliteCatalogStatsTests : CatalogStatsContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => SqliteCatalogTestDatabase.CreateAsync();
}
