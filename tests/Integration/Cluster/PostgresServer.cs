using System.Diagnostics;
using System.Text;

namespace OrleansRecorder.Tests.Integration.Cluster;

/// <summary>
/// The PostgreSQL server the PostgreSQL tests run against, shared by the whole test run: the connection string in
/// <c>RECORDER_TEST_POSTGRES</c>, or else the throw-away server that <c>infra/scripts/start-postgres.sh</c> starts
/// (once per run; the script is idempotent). Its user must be allowed to create databases.
/// </summary>
/// <remarks>
/// No skipping: when the server cannot be started, every test that needs it fails with the script's output.
/// </remarks>
internal static class PostgresServer
{
    public const string EnvironmentVariable = "RECORDER_TEST_POSTGRES";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);
    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The connection string of the server's base database (the script's: <c>recorder</c>).</summary>
    public static Task<string> ConnectionStringAsync() => Server.Value;

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var script = Path.Combine(RepositoryRoot(), "infra", "scripts", "start-postgres.sh");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {script}.");
        using var timeout = new CancellationTokenSource(StartTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} did not finish within {StartTimeout}.");
        }

        var output = await stdout;
        var errors = await stderr;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode != 0 || lines.Length == 0 || !lines[^1].StartsWith("Host=", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(new StringBuilder()
                .Append(script).Append(" failed (exit code ").Append(process.ExitCode)
                .Append(") and PostgreSQL is needed; set ").Append(EnvironmentVariable)
                .AppendLine(" to use another server.")
                .AppendLine("stdout:").AppendLine(output)
                .AppendLine("stderr:").AppendLine(errors)
                .ToString());
        }

        return lines[^1];
    }

    /// <summary>The directory that holds <c>OrleansRecorder.sln</c>, found by walking up from the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansRecorder.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"OrleansRecorder.sln not found above {AppContext.BaseDirectory}.");
    }
}
