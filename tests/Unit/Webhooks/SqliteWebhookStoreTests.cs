using Microsoft.Data.Sqlite;
using OrleansRecorder.Silo.Catalog;
using OrleansRecorder.Silo.Webhooks;

namespace OrleansRecorder.Tests.Unit.Webhooks;

/// <summary>The webhook store contract on a SQLite cluster file that already holds the catalog.</summary>
public sealed class SqliteWebhookStoreTests : WebhookStoreContract, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("webhooks-").FullName;
    private string? _connectionString;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private protected override async Task<IWebhookStore> CreateStoreAsync(bool sameDatabase, CancellationToken ct)
    {
        if (!sameDatabase || _connectionString is null)
        {
            _connectionString = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db"),
                DefaultTimeout = 30,
                Pooling = true,
            }.ToString();
            await new DbRecordingCatalog(SqliteCatalogDialect.Instance, _connectionString).InitializeAsync(ct);
        }

        return new DbWebhookStore(SqliteCatalogDialect.Instance, _connectionString);
    }
}
