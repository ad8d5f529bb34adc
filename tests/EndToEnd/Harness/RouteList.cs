using System.Text.RegularExpressions;

namespace OrleansRecorder.Tests.EndToEnd.Harness;

/// <summary>
/// CUCM's route list with a Top-Down route group of recorder trunks, emulated: try each trunk in order; move to the
/// next one when the trunk refuses the connection, does not answer or answers 5xx; stop on any other final answer
/// (404 and 486 must not fail over). Each attempt is a real recorded call (both legs, sipp over TCP).
/// </summary>
internal static partial class RouteList
{
    /// <summary>The trunk that recorded the call, or null when routing stopped; plus the final status seen per trunk.</summary>
    public static async Task<(RecorderNode? RecordedBy, List<int?> Statuses)> PlaceAsync(
        IReadOnlyList<RecorderNode> trunks, string refci, string nearNumber = "198101")
    {
        var statuses = new List<int?>();
        foreach (var trunk in trunks)
        {
            var near = Leg(trunk, refci, nearNumber, "nearend", CallPlacer.NearTone);
            var far = Leg(trunk, refci, nearNumber, "farend", CallPlacer.FarTone);
            await Task.WhenAll(near.RunAsync(), far.RunAsync());
            if (near.ExitCode == 0 && far.ExitCode == 0)
            {
                statuses.Add(200);
                return (trunk, statuses);
            }

            var status = FinalStatus(near) ?? FinalStatus(far);
            statuses.Add(status);
            if (status is not null && status < 500)
            {
                return (null, statuses);
            }
        }

        return (null, statuses);
    }

    private static SippRun Leg(RecorderNode trunk, string refci, string nearNumber, string role, double tone)
    {
        var run = new SippRun
        {
            Scenario = "cucm_leg.xml",
            CsvLines = [SippRun.Leg(role, refci, nearNumber: nearNumber)],
            RecorderPort = trunk.SipPort,
            Transport = "t1",
            DurationMs = 2000,
            Timeout = TimeSpan.FromSeconds(15),
        };
        Tones.WriteMuLaw(Path.Combine(run.WorkDirectory, "leg.ulaw"), tone, 1.5);
        return run;
    }

    /// <summary>The first final (non-100) status line sipp received, from its message trace.</summary>
    private static int? FinalStatus(SippRun run)
    {
        var match = StatusLine().Match(run.Logs);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"SIP/2\.0 ([2-6]\d\d) ")]
    private static partial Regex StatusLine();
}
