namespace OrleansRecorder.Tests.Unit.Catalog;

public sealed class SqliteRecordingGroupTests : RecordingGroupContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => SqliteCatalogTestDatabase.CreateAsync();
}
