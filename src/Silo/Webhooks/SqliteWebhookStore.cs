using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>The webhook tables in the cluster's SQLite file.</summary>
internal sealed class SqliteWebhookStore(string connectionString) : DbWebhookStore
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
