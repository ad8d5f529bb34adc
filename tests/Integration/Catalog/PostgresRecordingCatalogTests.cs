namespace OrleansRecorder.Tests.Integration.Catalog;

public sealed class PostgresRecordingCatalogTests : RecordingCatalogContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => PostgresCatalogTestDatabase.CreateAsync();
}
