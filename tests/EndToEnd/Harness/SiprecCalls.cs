namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>Runs a SIPREC SRC scenario of infra/sipp with one tone per answered stream (<see cref="SiprecRtp"/>).</summary>
internal static class SiprecCalls
{
    /// <returns>The m=audio ports of the recorder's answer, in order (0: a stream it did not take).</returns>
    public static async Task<IReadOnlyList<int>> RunAsync(RecorderNode node, string scenario, string csv, IReadOnlyList<double> tones,
        double toneSeconds, int durationMs)
    {
        var run = new SippRun
        {
            Scenario = scenario,
            CsvLines = [csv],
            RecorderPort = node.SipPort,
            DurationMs = durationMs,
        };
        var sipp = run.RunAsync();
        var ports = await SiprecRtp.AnsweredPortsAsync(run, TimeSpan.FromSeconds(15));
        await SiprecRtp.SendTonesAsync(ports, tones, toneSeconds);
        await sipp;
        Assert.True(run.ExitCode == 0, $"sipp exit {run.ExitCode}:\n{run.Logs}\n--- recorder:\n{node.Output}");
        return ports;
    }

    /// <summary>The statuses the recorder answered <c>siprec_probe.xml</c> with (see its CSV fields).</summary>
    public static async Task<IReadOnlyList<int>> ProbeAsync(RecorderNode node, string caller, string callee, string contentTypeParameter = "boundary=pb",
        string metadataRoot = "recording", int durationMs = 200)
    {
        var run = await new SippRun
        {
            Scenario = "siprec_probe.xml",
            CsvLines = [$"{caller};{callee};{Guid.NewGuid():N};{contentTypeParameter};{metadataRoot}"],
            RecorderPort = node.SipPort,
            DurationMs = durationMs,
        }.RunAsync();
        Assert.True(run.ExitCode == 0, run.Logs + "\n--- recorder:\n" + node.Output);
        return run.LoggedStatuses;
    }
}
