using System.Diagnostics;
using System.Text;

namespace OrleansRecorder.Tests.Integration.Storage;

/// <summary>
/// The Azurite blob service the shared-store tests run against, shared by the whole test run: the connection string
/// in <c>RECORDER_TEST_AZURITE</c>, or else the one <c>infra/scripts/start-azurite.sh</c> starts (once per run; the
/// script is idempotent and installs Azurite from npm when missing).
/// </summary>
/// <remarks>No skipping: when Azurite cannot be started, every test that needs it fails with the script's output.</remarks>
internal static class AzuriteServer
{
    public const string EnvironmentVariable = "RECORDER_TEST_AZURITE";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);
    private static readonly Lazy<Task<string>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<string> ConnectionStringAsync() => Server.Value;

    private static async Task<string> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var script = Path.Combine(RepositoryRoot(), "infra", "scripts", "start-azurite.sh");
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
        if (process.ExitCode != 0 || lines.Length == 0 || !lines[^1].StartsWith("DefaultEndpointsProtocol=", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(new StringBuilder()
                .Append(script).Append(" failed (exit code ").Append(process.ExitCode)
                .Append(") and Azurite is needed; set ").Append(EnvironmentVariable)
                .AppendLine(" to use another blob service.")
                .AppendLine("stdout:").AppendLine(output)
                .AppendLine("stderr:").AppendLine(errors)
                .ToString());
        }

        return lines[^1];
    }

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
