using System.Data.Common;
using Npgsql;

namespace OrleansRecorder.Silo.Webhooks;

/// <summary>The webhook tables in the cluster's PostgreSQL database.</summary>
internal sealed class PostgresWebhookStore(string connectionString) : DbWebhookStore
{
    protected override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
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
