using Npgsql;
using OrleansRecorder.Silo.Catalog;

namespace OrleansRecorder.Tests.Integration.Catalog;

/// <summary>A fresh database on the test PostgreSQL server (<see cref="PostgresTestDatabase"/>), dropped on dispose.</summary>
internal sealed class PostgresCatalogTestDatabase(PostgresTestDatabase database) : CatalogTestDatabase
{
    public override CatalogDialect Dialect => PostgresCatalogDialect.Instance;

    public override string ConnectionString => database.ConnectionString;

    public static async Task<CatalogTestDatabase> CreateAsync() =>
        new PostgresCatalogTestDatabase(await PostgresTestDatabase.CreateAsync(TestContext.Current.CancellationToken));

    public override async ValueTask DisposeAsync()
    {
        // DROP DATABASE ... WITH (FORCE) may not end the autovacuum worker a test's writes woke (42501 without
        // pg_signal_backend); the worker is gone within moments, so the drop is tried again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await database.DisposeAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 40)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
