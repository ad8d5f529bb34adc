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
    private int? _killed;

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
        _killed = ReadPostmasterPid() ?? throw new InvalidOperationException($"No postmaster.pid in {DataDirectory}.");
        using var kill = Process.Start("kill", ["-9", _killed.Value.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// Starts the killed server again (crash recovery replays its WAL). First waits for the killed processes to be gone:
    /// in a container whose init reaps orphans only now and then, the postmaster lingers as a zombie, which the start
    /// script (pg_ctl status) and the new postmaster's lock-file check take for a running server. Then retried within a
    /// bound, because until the old backends have detached from the shared memory a new postmaster refuses to start.
    /// </summary>
    public async Task RestartAsync()
    {
        var clock = Stopwatch.StartNew();
        while (_killed is { } pid && Directory.Exists($"/proc/{pid}"))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15) && IsZombie(pid))
            {
                // Never reaped: a zombie holds no resources, only its lock files say otherwise.
                File.Delete(Path.Combine(DataDirectory, "postmaster.pid"));
                File.Delete(Path.Combine(DataDirectory, "run", $".s.PGSQL.{Port}.lock"));
                break;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"The killed postmaster {pid} is still there.");
            await Task.Delay(200);
        }

        while (true)
        {
            try
            {
                await RunStartScriptAsync(Port);
                _killed = null;
                return;
            }
            catch (InvalidOperationException) when (clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(500);
            }
        }
    }

    /// <summary>Stops the server and deletes its data; never throws, so a failure of the test itself is what is reported.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("stop-postgres.sh", Port.ToString(CultureInfo.InvariantCulture), "--purge");
        }
        catch (InvalidOperationException)
        {
            if (ReadPostmasterPid() is { } pid)
            {
                using var kill = Process.Start("kill", ["-9", pid.ToString(CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
            }

            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private int? ReadPostmasterPid()
    {
        var file = Path.Combine(DataDirectory, "postmaster.pid");
        return File.Exists(file) ? int.Parse(File.ReadLines(file).First(), CultureInfo.InvariantCulture) : null;
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            // /proc/{pid}/stat: "pid (comm) state ..."; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

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
