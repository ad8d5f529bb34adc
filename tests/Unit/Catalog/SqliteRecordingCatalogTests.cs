namespace OrleansRecorder.Tests.Unit.Catalog;

public sealed class SqliteRecordingCatalogTests : RecordingCatalogContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => SqliteCatalogTestDatabase.CreateAsync();
}
