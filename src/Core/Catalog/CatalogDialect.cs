using System.Data;
using System.Data.Common;

namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// What differs between the catalog's two databases (<see cref="SqliteCatalogDialect"/>,
/// <see cref="PostgresCatalogDialect"/>); everything else in <see cref="DbRecordingCatalog"/> is one SQL text for both.
/// </summary>
/// <remarks>
/// The stored formats are those the two former catalogs wrote, so a node upgraded in place reads its data: times are
/// Unix milliseconds on SQLite and <c>timestamptz</c> on PostgreSQL, <c>preserved</c> is 0/1 or a boolean.
/// </remarks>
internal abstract class CatalogDialect
{
    /// <summary>The folder of its scripts under <c>infra/sql/</c> (<c>sqlite</c>, <c>postgres</c>).</summary>
    public abstract string Name { get; }

    /// <summary>A new, closed connection.</summary>
    public abstract DbConnection CreateConnection(string connectionString);

    /// <summary>A new, open connection (disposed again when it does not open).</summary>
    public async Task<DbConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = CreateConnection(connectionString);
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

    /// <summary>What must happen once before the first connection (SQLite: the file's directory, WAL mode).</summary>
    public virtual Task PrepareAsync(string connectionString, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// A transaction in which writers of the catalog take turns until it commits: the sequence number and the group
    /// are chosen from what is committed, so two inserts must not choose at once.
    /// </summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>A transaction in which schema changes take turns, across every node of the cluster.</summary>
    public abstract Task<DbTransaction> BeginMigrationAsync(DbConnection connection, CancellationToken ct);

    /// <summary>A read-only transaction whose reads all see one snapshot (a search's count and page agree).</summary>
    public abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken ct);

    /// <summary>
    /// Runs inside migration <paramref name="version"/>'s transaction, before its script: for a change SQL alone
    /// cannot make on this database (SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>). Nothing by default.
    /// </summary>
    public virtual Task BeforeMigrationAsync(int version, DbConnection connection, DbTransaction transaction, CancellationToken ct) =>
        Task.CompletedTask;

    /// <summary>
    /// The <c>FROM</c> item that yields the elements of the JSON text array <paramref name="property"/> of the JSON
    /// column <paramref name="column"/> as rows with one column named <c>value</c>.
    /// </summary>
    public abstract string JsonArrayElements(string column, string property);

    /// <summary>
    /// The <c>FROM</c> item that yields the objects of the JSON array at <paramref name="path"/> (property names, outer
    /// first) of the JSON column <paramref name="column"/> as rows with one column named <c>value</c>; none when absent.
    /// </summary>
    public abstract string JsonObjectElements(string column, params string[] path);

    /// <summary>The text of property <paramref name="property"/> of the JSON object <paramref name="value"/> (SQL NULL when absent).</summary>
    public abstract string JsonText(string value, string property);

    /// <summary>
    /// The number of whole <paramref name="seconds"/>-long periods between the Unix epoch and the <see cref="CatalogType.Time"/>
    /// column <paramref name="column"/>, as a 64-bit integer (a time bucket of the dashboard's counts, in UTC).
    /// </summary>
    public abstract string EpochBucket(string column, int seconds);

    /// <summary>Reads a <see cref="CatalogType.Time"/> column.</summary>
    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Adds the parameter <c>@{name}</c>; a null value is SQL NULL of the type.</summary>
    public void Add(DbCommand command, string name, CatalogType type, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        Bind(parameter, type, value); // typed even when null: PostgreSQL must know the type of "@p IS NOT NULL"
        command.Parameters.Add(parameter);
    }

    /// <summary>Binds <paramref name="values"/> as text <c>@i0, @i1, ...</c> and returns that list for an <c>IN (...)</c>.</summary>
    public string AddList(DbCommand command, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = "@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Add(command, names[i][1..], CatalogType.Text, values[i]);
        }

        return string.Join(", ", names);
    }

    /// <summary>Sets the type and value (<see cref="DBNull"/> for null) of a parameter; the base handles the common kinds.</summary>
    protected virtual void Bind(DbParameter parameter, CatalogType type, object? value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        parameter.DbType = type switch
        {
            CatalogType.Integer => value is int ? DbType.Int32 : DbType.Int64,
            CatalogType.Boolean => DbType.Boolean,
            CatalogType.Text or CatalogType.Json => DbType.String,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "The dialect binds this type itself."),
        };
        parameter.Value = value ?? DBNull.Value;
    }
}
