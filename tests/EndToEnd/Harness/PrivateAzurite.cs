using System.Diagnostics;
using System.Globalization;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// An Azurite blob service of one test's own, on a free port with a data directory of its own, that the test may stop
/// and start again (an outage of the shared store). Never the shared instance on port 10000 that the other tests and
/// engineers use: stopping that one would break them. Started and stopped through <c>infra/scripts/start-azurite.sh</c>
/// and the pid file it writes; the data directory survives a stop, as a real store's data survives its outage.
/// </summary>
internal sealed class PrivateAzurite : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private readonly string _dataDirectory;

    private PrivateAzurite(int port, string dataDirectory, string connectionString)
    {
        Port = port;
        _dataDirectory = dataDirectory;
        ConnectionString = connectionString;
    }

    public int Port { get; }

    public string ConnectionString { get; }

    public bool IsRunning => Pid() is { } pid && Alive(pid);

    public static async Task<PrivateAzurite> StartAsync()
    {
        var port = FreePorts.Next();
        var data = Path.Combine(Directory.CreateTempSubdirectory("recorder-azurite-").FullName, "blob");
        var connection = await RunScriptAsync(port, data);
        return new PrivateAzurite(port, data, connection);
    }

    /// <summary>Starts it again after <see cref="StopAsync"/>, on the same port and data.</summary>
    public Task RestartAsync() => RunScriptAsync(Port, _dataDirectory);

    /// <summary>SIGTERM, then waits until the process is gone and the port refuses connections.</summary>
    public async Task StopAsync()
    {
        if (Pid() is not { } pid || !Alive(pid))
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        var clock = Stopwatch.StartNew();
        while (Alive(pid))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                using var hard = Process.Start("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
                await hard!.WaitForExitAsync();
                break;
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(_dataDirectory)!, recursive: true);
        }
        catch (IOException)
        {
            // Left under /tmp: harmless.
        }
    }

    private int? Pid() =>
        File.Exists(_dataDirectory + ".pid") && int.TryParse(File.ReadAllText(_dataDirectory + ".pid").Trim(), CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static async Task<string> RunScriptAsync(int port, string dataDirectory)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "infra", "scripts", "start-azurite.sh"));
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(dataDirectory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        using var timeout = new CancellationTokenSource(StartTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return process.ExitCode == 0 && lines.Length > 0 && lines[^1].StartsWith("DefaultEndpointsProtocol=", StringComparison.Ordinal)
            ? lines[^1]
            : throw new InvalidOperationException($"start-azurite.sh {port} {dataDirectory} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}
