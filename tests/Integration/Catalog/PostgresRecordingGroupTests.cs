namespace OrleansRecorder.Tests.Integration.Catalog;

public sealed class PostgresRecordingGroupTests : RecordingGroupContract
{
    private protected override Task<CatalogTestDatabase> CreateDatabaseAsync() => PostgresCatalogTestDatabase.CreateAsync();
}
