using System.Diagnostics;
using System.Globalization;

namespace OrleansRecorder.LoadGenerator;

/// <summary>
/// Samples the receiving process (the recorder, or udp-sink for the baseline) every 250 ms from /proc/&lt;pid&gt;/stat
/// (utime + stime) and /proc/&lt;pid&gt;/status (VmRSS), with the pump's active legs and packets sent at that moment,
/// so CPU and memory can be read over the steady state (every call streaming) rather than the whole run.
/// </summary>
internal sealed class ProcessSampler : IDisposable
{
    private readonly int _pid;
    private readonly Func<(int ActiveLegs, long PacketsSent)> _generator;
    private readonly List<ProcessSample> _samples = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _started = Stopwatch.GetTimestamp();

    public ProcessSampler(int pid, Func<(int ActiveLegs, long PacketsSent)> generator)
    {
        _pid = pid;
        _generator = generator;
        if (!File.Exists($"/proc/{pid}/stat"))
        {
            throw new ArgumentException($"no process {pid}");
        }

        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Kernel clock ticks per second (getconf CLK_TCK; 100 on Linux x86-64).</summary>
    public static int ClockTicks { get; set; } = 100;

    public ProcessSample Sample()
    {
        var stat = File.ReadAllText($"/proc/{_pid}/stat");
        // The command name may contain spaces: the fields after it start past the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long rss = 0;
        foreach (var line in File.ReadLines($"/proc/{_pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                break;
            }
        }

        var (active, sent) = _generator();
        var sample = new ProcessSample(Stopwatch.GetElapsedTime(_started).TotalSeconds, ticks, rss, active, sent);
        lock (_gate)
        {
            _samples.Add(sample);
        }

        return sample;
    }

    /// <summary>
    /// First and last sample of the steady state, and the mean legs streaming between them. A burst of calls (every
    /// call up at once) is steady while the most legs seen all stream (<paramref name="fraction"/> 1); renewed calls
    /// (new ones start as old ones end) never hold the exact peak for long, so they are steady from the first to the
    /// last sample at or above <paramref name="fraction"/> of it (e.g. 0.95), the set-up and finalization of the
    /// calls renewed in between included: that window is the sustained whole-life cost.
    /// </summary>
    public (ProcessSample First, ProcessSample Last, double MeanLegs)? SteadyWindow(double fraction = 1.0)
    {
        lock (_gate)
        {
            if (_samples.Count == 0)
            {
                return null;
            }

            var legs = _samples.Max(s => s.ActiveLegs);
            var first = _samples.FindIndex(s => s.ActiveLegs >= legs * fraction && legs > 0);
            var last = _samples.FindLastIndex(s => s.ActiveLegs >= legs * fraction && legs > 0);
            if (first < 0 || last <= first)
            {
                return null;
            }

            var mean = _samples.Skip(first).Take(last - first + 1).Average(s => (double)s.ActiveLegs);
            return (_samples[first], _samples[last], mean);
        }
    }

    public long PeakRssKilobytes()
    {
        lock (_gate)
        {
            return _samples.Count == 0 ? 0 : _samples.Max(s => s.RssKilobytes);
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    Sample();
                }
                catch (IOException)
                {
                    return; // the process ended
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }
}
