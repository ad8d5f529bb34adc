namespace OrleansRecorder.Silo.Catalog;

/// <summary>One numbered schema change: <c>infra/sql/{database}/migrations/{Version:D4}_{Name}.sql</c>.</summary>
/// <param name="Version">1, 2, ...: the order they apply in; recorded in <c>SchemaMigrations</c> once applied.</param>
/// <param name="Name">The file name's rest, e.g. <c>catalog</c>.</param>
/// <param name="Script">The SQL, run as one multi-statement command inside the migration's transaction.</param>
internal sealed record SchemaMigration(int Version, string Name, string Script);
