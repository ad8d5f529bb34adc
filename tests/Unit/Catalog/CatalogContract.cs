namespace OrleansRecorder.Tests.Unit.Catalog;

/// <summary>
/// A catalog test that runs on each database kind: the subclass names the kind (<see cref="CreateDatabaseAsync"/>)
/// and every test gets a fresh <see cref="Database"/>, removed after it.
/// </summary>
public abstract class CatalogContract : IAsyncLifetime
{
    private CatalogTestDatabase? _database;

    private protected CatalogTestDatabase Database => _database ?? throw new InvalidOperationException("The database is not created yet.");

    private protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync() => _database = await CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private protected abstract Task<CatalogTestDatabase> CreateDatabaseAsync();
}
