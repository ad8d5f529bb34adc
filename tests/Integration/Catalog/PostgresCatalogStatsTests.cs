namespace OrleansRecorder.Tests.Integration.Catalog;

public sealed class PostgresCatalogStatsTests : CatalogStatsContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => PostgresCatalogTestDatabase.CreateAsync();
}
