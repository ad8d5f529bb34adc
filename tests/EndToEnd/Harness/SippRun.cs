using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// One sipp process playing CUCM: a scenario from infra/sipp, a CSV of legs, a working directory holding the leg's
/// audio file. Bounded: sipp's own global timeout plus a hard kill.
/// </summary>
internal sealed class SippRun
{
    public required string Scenario { get; init; }
    public required IReadOnlyList<string> CsvLines { get; init; }
    public required int RecorderPort { get; init; }
    public string Transport { get; init; } = "u1";
    public int Calls { get; init; } = 1;
    public int DurationMs { get; init; } = 3000;
    public string WorkDirectory { get; init; } = Directory.CreateTempSubdirectory("sipp-").FullName;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(40);

    /// <summary>Writes each call's response time (INVITE sent to 200 received, the scenario's <c>rtd</c>) to a file.</summary>
    public bool TraceResponseTimes { get; init; }

    /// <summary>The response times sipp traced (<see cref="TraceResponseTimes"/>), milliseconds, one per call.</summary>
    public IReadOnlyList<double> ResponseTimesMs => [.. Directory.GetFiles(WorkDirectory, "*_rtt.csv")
        .SelectMany(File.ReadAllLines)
        .Select(l => l.Split(';'))
        .Where(f => f.Length >= 2 && double.TryParse(f[1], CultureInfo.InvariantCulture, out _))
        .Select(f => double.Parse(f[1], CultureInfo.InvariantCulture))];

    public int ExitCode { get; private set; }
    public string Output { get; private set; } = "";

    /// <summary>Everything sipp wrote: console, errors log, logs of &lt;log&gt; actions.</summary>
    public string Logs
    {
        get
        {
            var text = new StringBuilder(Output);
            foreach (var file in Directory.GetFiles(WorkDirectory, "*.log"))
            {
                text.AppendLine($"--- {Path.GetFileName(file)}").AppendLine(File.ReadAllText(file));
            }

            return text.ToString();
        }
    }

    /// <summary>The "STATUS nnn" lines that the probe scenarios log.</summary>
    public IReadOnlyList<int> LoggedStatuses => [.. Directory.GetFiles(WorkDirectory, "*_logs.log")
        .SelectMany(File.ReadAllLines)
        .Where(l => l.StartsWith("STATUS ", StringComparison.Ordinal))
        .Select(l => int.Parse(l["STATUS ".Length..].Trim(), CultureInfo.InvariantCulture))];

    public async Task<SippRun> RunAsync()
    {
        var csv = Path.Combine(WorkDirectory, "legs.csv");
        await File.WriteAllLinesAsync(csv, ["SEQUENTIAL", .. CsvLines]);
        var args = new List<string>
        {
            "-sf", Path.Combine(RepoPaths.SippScenarios, Scenario),
            "-inf", csv,
            "-i", "127.0.0.1",
            "-p", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            "-mp", FreePorts.Range(4).Min.ToString(CultureInfo.InvariantCulture),
            "-t", Transport,
            "-m", Calls.ToString(CultureInfo.InvariantCulture),
            "-r", "20",
            "-l", Calls.ToString(CultureInfo.InvariantCulture),
            "-d", DurationMs.ToString(CultureInfo.InvariantCulture),
            "-timeout", ((int)Timeout.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s",
            "-timeout_error",
            "-nostdin",
            "-trace_err",
            "-trace_logs",
            "-trace_msg",
            $"127.0.0.1:{RecorderPort}",
        };
        if (TraceResponseTimes)
        {
            args.InsertRange(args.Count - 1, ["-trace_rtt", "-rtt_freq", "1"]);
        }

        var start = new ProcessStartInfo("sipp", args)
        {
            WorkingDirectory = WorkDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sipp did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var hardLimit = new CancellationTokenSource(Timeout + TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(hardLimit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        ExitCode = process.ExitCode;
        Output = await stderr + await stdout;
        return this;
    }

    /// <summary>The CSV line of one leg (fields as in infra/sipp/cucm_leg.xml).</summary>
    public static string Leg(string role, string refci, string nearDevice = "SEP2834A28318CE", string nearNumber = "198101",
        string farDevice = "SEPF02929E28A35", string farNumber = "172001", string cluster = "StandAloneCluster", string profile = "7878",
        params string[] extra) =>
        string.Join(';', [role, refci, nearDevice, nearNumber, refci + "1", farDevice, farNumber, cluster, profile, .. extra]);
}
