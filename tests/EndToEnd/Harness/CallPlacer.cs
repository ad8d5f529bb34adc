namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// Places CUCM-like recorded calls: one sipp process for the near-end legs and one for the far-end legs, started
/// together, each streaming its own tone (near end 600 Hz, far end 1400 Hz by default).
/// </summary>
internal static class CallPlacer
{
    public const double NearTone = 600;
    public const double FarTone = 1400;

    public static async Task<(SippRun Near, SippRun Far)> PlaceAsync(
        RecorderNode node,
        IReadOnlyList<string> refcis,
        string scenario = "cucm_leg.xml",
        string transport = "u1",
        double toneSeconds = 3,
        int durationMs = 3500,
        Func<string, string, string>? csvLine = null)
    {
        csvLine ??= (role, refci) => SippRun.Leg(role, refci);
        var near = Leg(node, refcis, "nearend", NearTone, scenario, transport, toneSeconds, durationMs, csvLine);
        var far = Leg(node, refcis, "farend", FarTone, scenario, transport, toneSeconds, durationMs, csvLine);
        await Task.WhenAll(near.RunAsync(), far.RunAsync());
        Assert.True(near.ExitCode == 0, $"near-end sipp exit {near.ExitCode}:\n{near.Logs}\n--- recorder:\n{node.Output}");
        Assert.True(far.ExitCode == 0, $"far-end sipp exit {far.ExitCode}:\n{far.Logs}\n--- recorder:\n{node.Output}");
        return (near, far);
    }

    /// <summary>One leg's sipp run with its tone files written, not started (for tests that act during the call).</summary>
    public static SippRun Leg(RecorderNode node, IReadOnlyList<string> refcis, string role, double tone, string scenario,
        string transport, double toneSeconds, int durationMs, Func<string, string, string> csvLine)
    {
        var run = new SippRun
        {
            Scenario = scenario,
            CsvLines = [.. refcis.Select(r => csvLine(role, r))],
            RecorderPort = node.SipPort,
            Transport = transport,
            Calls = refcis.Count,
            DurationMs = durationMs,
        };
        Tones.WriteMuLaw(Path.Combine(run.WorkDirectory, "leg.ulaw"), tone, toneSeconds);
        Tones.WriteALaw(Path.Combine(run.WorkDirectory, "leg.alaw"), tone, toneSeconds);
        return run;
    }
}
