using System.Diagnostics;
using System.Globalization;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// A PostgreSQL server of one test's own (infra/scripts/start-postgres.sh on a free port, data in
/// /tmp/orleans-recorder-pg-{port}), for fault tests that kill it: the shared server on 55432 that other tests and
/// engineers use is never touched. Stopped and its data directory deleted on dispose.
/// </summary>
internal sealed class ThrowAwayPostgres : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(3);

    private ThrowAwayPostgres(int port, string connectionString)
    {
        Port = port;
        ConnectionString = connectionString;
    }

    public int Port { get; }

    /// <summary>The base database <c>recorder</c>, owned by the user recorder.</summary>
    public string ConnectionString { get; }

    private string DataDirectory => $"/tmp/orleans-recorder-pg-{Port}";

    public static async Task<ThrowAwayPostgres> StartAsync()
    {
        var port = FreePorts.Next();
        var connectionString = await RunStartScriptAsync(port);
        return new ThrowAwayPostgres(port, connectionString);
    }

    /// <summary>kill -9 of the postmaster: a crash, no shutdown checkpoint; its backends notice and exit by themselves.</summary>
    public void Kill()
    {
        var pid = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", ["-9", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// Starts the killed server again (crash recovery replays its WAL). Retried within a bound: until the old backends
    /// have noticed the postmaster's death and detached from its shared memory, a new postmaster refuses to start.
    /// </summary>
    public async Task RestartAsync()
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await RunStartScriptAsync(Port);
                return;
            }
            catch (InvalidOperationException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(500);
            }
        }
    }

    public async ValueTask DisposeAsync() => await RunAsync("stop-postgres.sh", Port.ToString(CultureInfo.InvariantCulture), "--purge");

    private static async Task<string> RunStartScriptAsync(int port)
    {
        var output = await RunAsync("start-postgres.sh", port.ToString(CultureInfo.InvariantCulture));
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
    }

    private static async Task<string> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "infra", "scripts", script), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{script} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(StartBound);
        await process.WaitForExitAsync(bound.Token);
        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} exited with {process.ExitCode}:\n{output}\n{await stderr}");
        }

        return output;
    }
}
