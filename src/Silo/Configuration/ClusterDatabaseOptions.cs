namespace OrleansRecorder.Silo.Configuration;

/// <summary>The cluster database: membership, reminders and the recordings catalog.</summary>
internal sealed class ClusterDatabaseOptions
{
    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Defaults to <c>cluster.db</c> in the data directory for SQLite.</summary>
    public string? ConnectionString { get; set; }
}
