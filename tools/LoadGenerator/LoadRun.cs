using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansRecorder.LoadGenerator;

/// <summary>
/// Places the calls: starts one every 1/rate seconds (up to <see cref="LoadOptions.Calls"/>); each call INVITEs both
/// legs, ACKs with the answer, streams RTP through the shared <see cref="RtpPump"/> for the duration, then BYEs both.
/// The whole run is cancelled at the hard time limit.
/// </summary>
internal sealed class LoadRun(LoadOptions options)
{
    private static readonly byte[] NearTone = ToneFrame.Create(600);
    private static readonly byte[] FarTone = ToneFrame.Create(1400);
    private readonly ConcurrentBag<PlacedCall> _calls = [];
    private readonly ConcurrentBag<double> _latencies = [];
    private readonly ConcurrentBag<double> _refusalLatencies = [];
    private readonly ConcurrentDictionary<int, int> _refusals = new();
    private int _answered;
    private int _failed;
    private int _halfAnswered;
    private int _byeFailed;
    private int _concurrent;
    private int _maxConcurrent;

    public IReadOnlyCollection<PlacedCall> Calls => _calls;

    /// <summary>The measured process's sampler (with <c>--measure-pid</c>), still sampling after the run.</summary>
    public ProcessSampler? Sampler { get; private set; }

    /// <summary>The measured process before the first call.</summary>
    public ProcessSample? Baseline { get; private set; }

    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(options.TimeLimitSeconds));
        using var sip = new SipEndpoint(options.Target);
        var sockets = new Socket[options.RtpSockets];
        for (var i = 0; i < sockets.Length; i++)
        {
            sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            sockets[i].Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }

        var runId = DateTimeOffset.UtcNow.ToUnixTimeSeconds() % 100000;
        var started = Stopwatch.GetTimestamp();
        using (var pump = new RtpPump(options.LateMilliseconds))
        {
            if (options.MeasurePid > 0)
            {
                Sampler = new ProcessSampler(options.MeasurePid, () => (pump.ActiveLegs, pump.PacketsSent));
                Baseline = Sampler.Sample();
            }

            var tasks = new List<Task>(options.Calls);
            for (var i = 0; i < options.Calls && !limit.IsCancellationRequested; i++)
            {
                var due = started + (long)(i / options.Rate * Stopwatch.Frequency);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), limit.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                var metadata = CallMetadata.For(runId, i);
                var near = new CallLeg(sip, metadata, nearEnd: true, sockets[(2 * i) % sockets.Length], NearTone, options.SrtpSuite);
                var far = new CallLeg(sip, metadata, nearEnd: false, sockets[((2 * i) + 1) % sockets.Length], FarTone, options.SrtpSuite);
                tasks.Add(Task.Run(() => PlaceAsync(sip, pump, metadata, near, far, limit.Token), CancellationToken.None));
            }

            await Task.WhenAll(tasks);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var sorted = _latencies.Order().ToArray();
            var refusals = _refusalLatencies.Order().ToArray();
            var summary = new RunSummary
            {
                CallsPlaced = tasks.Count,
                CallsAnswered = _answered,
                CallsFailed = _failed,
                ByeFailures = _byeFailed,
                MaxConcurrentCalls = _maxConcurrent,
                InviteLatencyP50Ms = Percentile(sorted, 0.50),
                InviteLatencyP99Ms = Percentile(sorted, 0.99),
                InviteLatencyMaxMs = sorted.Length == 0 ? 0 : sorted[^1],
                LegsRefused = new SortedDictionary<int, int>(_refusals),
                CallsHalfAnswered = _halfAnswered,
                RefusalLatencyP50Ms = Percentile(refusals, 0.50),
                RefusalLatencyP99Ms = Percentile(refusals, 0.99),
                RtpPacketsSent = pump.PacketsSent,
                RtpSendErrors = pump.SendErrors,
                Ticks = pump.Ticks,
                SendLateTicks = pump.LateTicks,
                MaxTickLateMs = pump.MaxLateMilliseconds,
                SipParseErrors = sip.ParseErrors,
                WallSeconds = elapsed.TotalSeconds,
                TimedOut = limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested,
                LateThresholdMs = options.LateMilliseconds,
            };
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            return summary;
        }
    }

    private async Task PlaceAsync(SipEndpoint sip, RtpPump pump, CallMetadata metadata, CallLeg near, CallLeg far, CancellationToken cancellationToken)
    {
        var call = new PlacedCall(metadata, near, far);
        _calls.Add(call);
        try
        {
            bool[] invites;
            if (options.RtpOnly)
            {
                near.UseRawDestination(new IPEndPoint(options.Target.Address, options.Target.Port + (2 * metadata.Index)));
                far.UseRawDestination(new IPEndPoint(options.Target.Address, options.Target.Port + (2 * metadata.Index) + 1));
                invites = [true, true];
            }
            else
            {
                invites = await Task.WhenAll(near.InviteAsync(options.Profile, cancellationToken), far.InviteAsync(options.Profile, cancellationToken));
            }

            foreach (var leg in (CallLeg[])[near, far])
            {
                if (leg.FinalStatus is >= 200 and < 300)
                {
                    _latencies.Add(leg.InviteLatencyMilliseconds);
                }
                else if (leg.FinalStatus >= 300)
                {
                    // A refusal (503 from an overloaded node, say): how fast it came matters as much, CUCM waits for it.
                    _refusalLatencies.Add(leg.InviteLatencyMilliseconds);
                    _refusals.AddOrUpdate(leg.FinalStatus, 1, static (_, n) => n + 1);
                }
            }

            if (invites[0] && invites[1])
            {
                call.Answered = true;
                Interlocked.Increment(ref _answered);
                var now = Interlocked.Increment(ref _concurrent);
                InterlockedMax(ref _maxConcurrent, now);
                near.PacketsToSend = options.PacketsPerLeg;
                far.PacketsToSend = options.PacketsPerLeg;
                near.TakeTurns(options.TurnPackets);
                far.TakeTurns(options.TurnPackets);
                pump.Start(near, far);
                try
                {
                    await Task.WhenAll(near.RtpDone.Task, far.RtpDone.Task).WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Hard limit: hang up what was sent so far.
                }
                finally
                {
                    Interlocked.Decrement(ref _concurrent);
                }
            }
            else
            {
                Interlocked.Increment(ref _failed);
                if (invites[0] != invites[1])
                {
                    // One side answered, the other not: behind CUCM the two sides would be recorded on two nodes.
                    Interlocked.Increment(ref _halfAnswered);
                }
            }

            if (call.Answered && options.ByeDelayMilliseconds > 0 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(options.ByeDelayMilliseconds, CancellationToken.None);
            }

            // The hang-up gets its own short budget so calls still end cleanly after the hard limit.
            using var byeBudget = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var byes = await Task.WhenAll(
                near.FinalStatus is >= 200 and < 300 ? near.ByeAsync(byeBudget.Token) : Task.FromResult(true),
                far.FinalStatus is >= 200 and < 300 ? far.ByeAsync(byeBudget.Token) : Task.FromResult(true));
            if (!byes[0] || !byes[1])
            {
                Interlocked.Increment(ref _byeFailed);
            }
        }
        finally
        {
            call.Ended = true;
            sip.Unregister(near);
            sip.Unregister(far);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
