using System.Globalization;
using System.Text.Json;
using OrleansRecorder.LoadGenerator;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var inv = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(inv,
    $"placing {options.Calls} calls x {options.DurationSeconds:F1} s at {options.Rate:F1}/s to {options.Target} (hard limit {options.TimeLimitSeconds:F0} s)"));
var run = new LoadRun(options);
var summary = await run.RunAsync(stop.Token);
Console.WriteLine(string.Create(inv, $"calls placed {summary.CallsPlaced}, answered {summary.CallsAnswered}, failed {summary.CallsFailed}, BYE failures {summary.ByeFailures}, max concurrent {summary.MaxConcurrentCalls}"));
Console.WriteLine(string.Create(inv, $"INVITE->200 latency p50 {summary.InviteLatencyP50Ms:F2} ms, p99 {summary.InviteLatencyP99Ms:F2} ms, max {summary.InviteLatencyMaxMs:F2} ms"));
if (summary.LegsRefused.Count > 0)
{
    Console.WriteLine(string.Create(inv, $"legs refused: {string.Join(", ", summary.LegsRefused.Select(r => $"{r.Value} x {r.Key}"))}; INVITE->refusal latency p50 {summary.RefusalLatencyP50Ms:F2} ms, p99 {summary.RefusalLatencyP99Ms:F2} ms; calls with one leg answered and the other not: {summary.CallsHalfAnswered}"));
}

Console.WriteLine(string.Create(inv, $"RTP packets sent {summary.RtpPacketsSent} (send errors {summary.RtpSendErrors}); ticks {summary.Ticks}, late (> {summary.LateThresholdMs:F0} ms) {summary.SendLateTicks}, worst {summary.MaxTickLateMs:F1} ms"));
Console.WriteLine(string.Create(inv, $"wall {summary.WallSeconds:F1} s{(summary.TimedOut ? ", HARD TIME LIMIT HIT" : "")}"));

ProcessSample? allRecorded = null;
var ok = summary.CallsFailed == 0 && summary.CallsAnswered == summary.CallsPlaced && !summary.TimedOut;
if (options.VerifyUrl is not null)
{
    var verifier = new RecordingVerifier(options.VerifyUrl, options.ApiKey, options.VerifyAudio, options.VerifyTimeoutSeconds) { AllRecorded = () => allRecorded = run.Sampler?.Sample() };
    var verify = await verifier.VerifyAsync(run.Calls, stop.Token);
    summary = summary with { Verify = verify };
    Console.WriteLine(string.Create(inv,
        $"verify: {verify.RecordingsFound}/{verify.CallsChecked} recordings found, {verify.RecordingsComplete} complete, packets received {verify.PacketsReceived}, lost {verify.PacketsLost}, tones ok {verify.TonesOk}/{verify.TonesChecked}"));
    foreach (var problem in verify.Problems.Take(20))
    {
        Console.WriteLine("  " + problem);
    }

    Console.WriteLine(verify.Passed ? "verify: PASS" : $"verify: FAIL ({verify.Problems.Count} problems)");
    ok &= verify.Passed;
}

if (run.Sampler is { } sampler && run.Baseline is { } before)
{
    var end = allRecorded ?? sampler.Sample();
    sampler.Dispose();
    var callSeconds = run.Calls.Where(c => c.Answered).Sum(c => Math.Max(c.Near.PacketsSent, c.Far.PacketsSent) / 50.0);
    var m = MeasureSummary.From(sampler, before, end, callSeconds, options.Renewed ? 0.95 : 1.0);
    summary = summary with { Measured = m };
    Console.WriteLine(string.Create(inv,
        $"measured pid {options.MeasurePid}: steady {m.SteadyLegs / 2:F0} calls for {m.SteadySeconds:F1} s: cpu {m.SteadyCpuPercent:F1} % of a core, {m.CpuMicrosecondsPerPacket:F2} us/packet, {m.SteadyCpuSecondsPerCallHour:F1} cpu-s per call-hour"));
    Console.WriteLine(string.Create(inv,
        $"measured pid {options.MeasurePid}: whole run {m.TotalCpuSeconds:F1} cpu-s for {m.RecordedCallSeconds / 3600:F3} call-hours = {m.TotalCpuSecondsPerCallHour:F1} cpu-s per call-hour; rss before {m.RssBeforeKilobytes / 1024.0:F0} MiB, steady {m.RssSteadyKilobytes / 1024.0:F0} MiB, peak {m.RssPeakKilobytes / 1024.0:F0} MiB, {m.RssPerCallKilobytes:F0} KiB per active call"));
}

if (options.SummaryFile is not null)
{
    await File.WriteAllTextAsync(options.SummaryFile, JsonSerializer.Serialize(summary, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
}

return ok ? 0 : 1;
