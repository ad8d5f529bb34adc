using System.Net.Sockets;

namespace OrleansRecorder.Silo.Media.Rtp;

/// <summary>
/// The node's RTP receive threads (<see cref="RtpReceiveLoop"/>): every leg socket joins one of them, round-robin,
/// instead of running its own async receive loop. Linux only (<see cref="Linux.LinuxUdp.IsSupported"/>).
/// </summary>
internal sealed class RtpReceiveEngine : IDisposable
{
    private readonly RtpReceiveLoop[] _loops;
    private long _nextId;

    /// <summary>
    /// Starts <c>threads</c> receive threads (one handles thousands of legs; more only help on many cores). A datagram
    /// larger than <c>maxDatagramSize</c> reaches its handler one byte longer than that (truncated). Each thread wakes at
    /// most once per <c>batchWindow</c> (see <see cref="RtpReceiveLoop"/>).
    /// </summary>
    public RtpReceiveEngine(int threads, int maxDatagramSize, TimeSpan batchWindow, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threads, 64);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _loops = new RtpReceiveLoop[threads];
        try
        {
            for (var i = 0; i < threads; i++)
            {
                _loops[i] = new RtpReceiveLoop(i, maxDatagramSize + 1, batchWindow, timeProvider, logger);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        MediaLog.RtpReceiveEngineStarted(logger, threads, RtpReceiveLoop.BatchSize, batchWindow.TotalMilliseconds);
    }

    /// <summary>Receive threads used when the settings name none: one per four cores, one to eight.</summary>
    public static int DefaultThreads => Math.Clamp(Environment.ProcessorCount / 4, 1, 8);

    /// <summary>Receive threads.</summary>
    public int Threads => _loops.Length;

    /// <summary>Sockets registered across all threads.</summary>
    public int Count => _loops.Sum(l => l?.Count ?? 0);

    /// <summary>Sums of every thread's counters (see <see cref="RtpReceiveLoop.Counters"/>).</summary>
    public (long Datagrams, long ReceiveCalls, long WakeUps, long Errors) Counters
    {
        get
        {
            (long, long, long, long) total = default;
            foreach (var loop in _loops)
            {
                var c = loop.Counters;
                total = (total.Item1 + c.Datagrams, total.Item2 + c.ReceiveCalls, total.Item3 + c.WakeUps, total.Item4 + c.Errors);
            }

            return total;
        }
    }

    /// <summary>Starts delivering <paramref name="socket"/>'s datagrams to <paramref name="handler"/> on a receive thread.</summary>
    public RtpReceiveRegistration Register(Socket socket, IRtpDatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(handler);
        var id = Interlocked.Increment(ref _nextId);
        var loop = _loops[(int)(id % _loops.Length)];
        var registration = new RtpReceiveRegistration(id, socket, handler, loop);
        loop.Add(registration);
        return registration;
    }

    /// <summary>Stops the deliveries; when this returns no receive thread touches the socket or the handler again.</summary>
    public static void Unregister(RtpReceiveRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        registration.Loop.Remove(registration);
    }

    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            loop?.Dispose();
        }
    }
}
