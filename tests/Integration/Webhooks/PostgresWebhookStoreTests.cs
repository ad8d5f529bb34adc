using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Tests.Integration.Webhooks;

/// <summary>The webhook store contract on a PostgreSQL database that already holds the catalog (one database per test).</summary>
public sealed class PostgresWebhookStoreTests : WebhookStoreContract, IAsyncDisposable
{
    private readonly List<PostgresTestDatabase> _databases = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    private protected override async Task<IWebhookStore> CreateStoreAsync(bool sameDatabase, CancellationToken ct)
    {
        if (!sameDatabase || _databases.Count == 0)
        {
            var database = await PostgresTestDatabase.CreateAsync(ct);
            _databases.Add(database);
            await new DbRecordingCatalog(PostgresCatalogDialect.Instance, database.ConnectionString).InitializeAsync(ct);
        }

        return new DbWebhookStore(PostgresCatalogDialect.Instance, _databases[^1].ConnectionString);
    }
}
