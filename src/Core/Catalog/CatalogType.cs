namespace OrleansRecorder.Silo.Catalog;

/// <summary>
/// The kinds of value the catalog stores; <see cref="CatalogDialect"/> maps each to its database's column type, so
/// the SQL and the code that binds values are the same on SQLite and PostgreSQL.
/// </summary>
internal enum CatalogType
{
    /// <summary>A <see cref="string"/>: <c>TEXT</c> / <c>text</c>.</summary>
    Text,

    /// <summary>An <see cref="int"/> or <see cref="long"/>: <c>INTEGER</c> / <c>integer</c> or <c>bigint</c>.</summary>
    Integer,

    /// <summary>A <see cref="bool"/>: <c>INTEGER</c> 0/1 on SQLite, <c>boolean</c> on PostgreSQL.</summary>
    Boolean,

    /// <summary>A <see cref="DateTimeOffset"/>: Unix milliseconds on SQLite, UTC <c>timestamptz</c> on PostgreSQL.</summary>
    Time,

    /// <summary>JSON text: <c>TEXT</c> on SQLite, <c>json</c> on PostgreSQL (kept exactly as given).</summary>
    Json,
}
