using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;

namespace OrleansRecorder.LoadGenerator;

/// <summary>
/// The one RTP sender: a thread that wakes every 20 ms on a high-resolution deadline (sleep to within 2 ms of it, then
/// spin) and sends one packet for every active leg. Ticks missed (a wake-up later than one period) are caught up
/// so every leg sends exactly its packet count; a wake-up later than the threshold counts as a late tick.
/// </summary>
/// <remarks>
/// Legs are added from any thread through a queue; the leg list, the packet buffers and the counters belong to the
/// pump thread. Zero allocations per packet: each leg's packet is rewritten in place and sent to a cached
/// <see cref="System.Net.SocketAddress"/>.
/// </remarks>
internal sealed class RtpPump : IDisposable
{
    private static readonly long Period = Stopwatch.Frequency / 50;
    private readonly ConcurrentQueue<CallLeg> _added = new();
    private readonly List<CallLeg> _legs = [];
    private readonly long _lateThreshold;
    private readonly Thread _thread;
    private volatile bool _stopped;
    private long _packetsSent;
    private long _sendErrors;
    private long _ticks;
    private long _lateTicks;
    private long _maxLateTicks;
    private int _active;

    public RtpPump(double lateMilliseconds)
    {
        _lateThreshold = (long)(lateMilliseconds * Stopwatch.Frequency / 1000);
        _thread = new Thread(Run) { IsBackground = true, Name = "rtp-pump", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    public long SendErrors => Interlocked.Read(ref _sendErrors);

    public long Ticks => Interlocked.Read(ref _ticks);

    public long LateTicks => Interlocked.Read(ref _lateTicks);

    public double MaxLateMilliseconds => Interlocked.Read(ref _maxLateTicks) * 1000.0 / Stopwatch.Frequency;

    public int ActiveLegs => Volatile.Read(ref _active);

    /// <summary>Starts the legs' streams on the next tick (both legs of a call together).</summary>
    public void Start(CallLeg near, CallLeg far)
    {
        _added.Enqueue(near);
        _added.Enqueue(far);
    }

    private void Run()
    {
        var next = Stopwatch.GetTimestamp() + Period;
        while (!_stopped)
        {
            var now = Stopwatch.GetTimestamp();
            var remaining = next - now;
            if (remaining > 0)
            {
                var milliseconds = remaining * 1000 / Stopwatch.Frequency;
                if (milliseconds > 2)
                {
                    Thread.Sleep((int)(milliseconds - 1));
                }
                else
                {
                    Thread.SpinWait(50);
                }

                continue;
            }

            var late = -remaining;
            if (late > _lateThreshold)
            {
                Interlocked.Increment(ref _lateTicks);
            }

            if (late > Interlocked.Read(ref _maxLateTicks))
            {
                Interlocked.Exchange(ref _maxLateTicks, late);
            }

            Interlocked.Increment(ref _ticks);
            while (_added.TryDequeue(out var leg))
            {
                _legs.Add(leg);
            }

            Tick();
            Volatile.Write(ref _active, _legs.Count);
            next += Period;
        }

        foreach (var leg in _legs)
        {
            leg.RtpDone.TrySetResult();
        }

        while (_added.TryDequeue(out var leg))
        {
            leg.RtpDone.TrySetResult();
        }
    }

    private void Tick()
    {
        var sent = 0L;
        for (var i = _legs.Count - 1; i >= 0; i--)
        {
            var leg = _legs[i];
            var packet = leg.Packet;
            try
            {
                if (leg.Srtp is { } srtp)
                {
                    var length = srtp.Protect(packet, leg.ProtectedPacket);
                    leg.RtpSocket.SendTo(leg.ProtectedPacket.AsSpan(0, length), SocketFlags.None, leg.RtpDestination!);
                }
                else
                {
                    leg.RtpSocket.SendTo(packet, SocketFlags.None, leg.RtpDestination!);
                }

                leg.PacketsSent++;
                sent++;
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _sendErrors);
            }

            leg.PacketsAttempted++;
            if (leg.TurnPackets > 0 && leg.PacketsAttempted % leg.TurnPackets == 0)
            {
                leg.SwitchTurn();
            }

            packet[1] = 0x00; // PT 0, marker only on the first packet
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)) + 1));
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(4)) + ToneFrame.Samples);
            if (leg.PacketsAttempted >= leg.PacketsToSend)
            {
                _legs[i] = _legs[^1];
                _legs.RemoveAt(_legs.Count - 1);
                leg.RtpDone.TrySetResult();
            }
        }

        Interlocked.Add(ref _packetsSent, sent);
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
