namespace OrleansRecorder.Silo.Cluster;

/// <summary>The SQL scripts under <c>infra/sql/</c>, embedded in the silo assembly as <c>Sql/{provider}/{file}</c>.</summary>
internal static class SqlScripts
{
    /// <summary>Reads an embedded script, e.g. <c>sqlite/orleans-main.sql</c>.</summary>
    public static string Read(string relativePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        var assembly = typeof(SqlScripts).Assembly;
        var wanted = "Sql/" + relativePath.Replace('\\', '/');

        // %(RecursiveDir) uses the build machine's separator; compare with '/' everywhere.
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (string.Equals(name.Replace('\\', '/'), wanted, StringComparison.Ordinal))
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                return reader.ReadToEnd();
            }
        }

        throw new FileNotFoundException($"Embedded SQL script '{wanted}' not found.", wanted);
    }
}
